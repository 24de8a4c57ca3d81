/// A table of text with aligned columns, for human output.
///
/// Column widths fit the widest cell; the last column is not padded. Colour
/// (bold headers, per-column styles) appears only when the output uses it.
///
/// ```swift
/// var table = Table([.init("STREAM"), .init("VERSION", alignment: .right)])
/// table.append(["order-42", "3"])
/// table.print(to: .standardOutput)
/// // STREAM    VERSION
/// // order-42        3
/// ```
struct Table: Sendable {
    /// How a column aligns its cells.
    enum Alignment: Hashable, Sendable {
        /// Text starts at the column's left edge.
        case left
        /// Text ends at the column's right edge (numbers).
        case right
    }

    /// One column: its title, alignment and style.
    struct Column: Sendable {
        /// The header.
        var title: String
        /// How cells align.
        var alignment: Alignment
        /// The style of its cells on a colour terminal, if any.
        var style: TextStyle?

        /// Creates a column.
        ///
        /// - Parameters:
        ///   - title: The header.
        ///   - alignment: How cells align; left by default.
        ///   - style: The style of its cells on a colour terminal.
        init(_ title: String, alignment: Alignment = .left, style: TextStyle? = nil) {
            self.title = title
            self.alignment = alignment
            self.style = style
        }
    }

    /// The columns.
    let columns: [Column]
    /// The rows added so far.
    private(set) var rows: [[String]] = []

    /// Creates an empty table.
    ///
    /// - Parameter columns: The columns.
    init(_ columns: [Column]) {
        self.columns = columns
    }

    /// Adds a row; missing cells are empty, extra cells are ignored.
    ///
    /// - Parameter row: The cells, one per column.
    mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// Removes every row, keeping the columns.
    mutating func removeAllRows() {
        rows.removeAll(keepingCapacity: true)
    }

    /// Prints the header and the rows.
    ///
    /// - Parameter output: Where to print.
    func print(to output: TextOutput) {
        var widths: [Int] = []
        print(to: output, header: true, widths: &widths)
    }

    /// Prints the rows (and the header when asked) with columns at least as wide
    /// as `widths`, widening `widths` to fit: pages printed one after another
    /// stay aligned as far as possible (`tail --follow`).
    ///
    /// - Parameters:
    ///   - output: Where to print.
    ///   - header: Whether to print the header first.
    ///   - widths: The widths so far; updated.
    func print(to output: TextOutput, header: Bool, widths: inout [Int]) {
        if widths.count < columns.count { widths += Array(repeating: 0, count: columns.count - widths.count) }
        for (index, column) in columns.enumerated() {
            var width = header ? column.title.count : widths[index]
            for row in rows where index < row.count { width = max(width, row[index].count) }
            widths[index] = max(widths[index], width)
        }
        if header {
            output.line(format(columns.map(\.title), widths: widths, output: output, styles: columns.map { _ in .bold }))
        }
        let styles = columns.map(\.style)
        for row in rows {
            output.line(format(row, widths: widths, output: output, styles: styles))
        }
    }

    private func format(_ cells: [String], widths: [Int], output: TextOutput, styles: [TextStyle?]) -> String {
        var line = ""
        for (index, column) in columns.enumerated() {
            let cell = index < cells.count ? cells[index] : ""
            let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
            let styled = styles[index].map { output.styled(cell, $0) } ?? cell
            let isLast = index == columns.count - 1
            if index > 0 { line += "  " }
            switch column.alignment {
            case .left: line += isLast ? styled : styled + padding
            case .right: line += padding + styled
            }
        }
        return line
    }
}
