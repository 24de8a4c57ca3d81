/// A plain text table for the sample's reports: a header line, then one line
/// per row, columns two spaces apart, numbers right-aligned.
///
/// ```swift
/// var table = ReportTable(["SKU", "UNITS"], rightAligned: [1])
/// table.append(["TEA-GREEN", "12"])
/// print(table.rendered)
/// ```
struct ReportTable {
    let titles: [String]
    let rightAligned: Set<Int>
    private(set) var rows: [[String]] = []

    init(_ titles: [String], rightAligned: Set<Int> = []) {
        self.titles = titles
        self.rightAligned = rightAligned
    }

    mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The table's lines, joined by newlines.
    var rendered: String {
        let widths = titles.indices.map { index in
            ([titles] + rows).map { index < $0.count ? $0[index].count : 0 }.max() ?? 0
        }
        return ([titles] + rows).map { cells in
            titles.indices.map { index in
                let cell = index < cells.count ? cells[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                if rightAligned.contains(index) { return padding + cell }
                return index == titles.count - 1 ? cell : cell + padding
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
