/// Questions about streams answered from the (stream, version) index alone:
/// the store keeps no catalog table that every append would rewrite.
enum SQLiteStreamQueries {
    /// A stream's version: one seek to the end of its run in the index (NULL,
    /// read as 0, when it has no events).
    static let version = "SELECT max(version) FROM chronicle_events WHERE stream = ?"

    /// The names of the streams, in byte order, as a recursive `names(stream)`
    /// table: each step seeks the first name after the one before (a skip scan,
    /// one index seek per stream however long the streams are). The last row
    /// is NULL. `lower` and `upper` are conditions on `stream` with named
    /// arguments (or nil); the first step also applies `lower`, every step `upper`.
    ///
    /// - Parameters:
    ///   - lower: The condition on the first name (`"stream > :lower"`), or nil.
    ///   - upper: The condition on every name (`"stream < :upper"`), or nil.
    ///   - limited: Whether a `LIMIT :limit` follows (rows, counting the final NULL).
    static func names(lower: String?, upper: String?, limited: Bool) -> String {
        let first = [lower, upper].compactMap { $0 }
        let next = ["stream > names.stream"] + [upper].compactMap { $0 }
        let firstFilter = first.isEmpty ? "" : " WHERE " + first.joined(separator: " AND ")
        return """
            WITH RECURSIVE names(stream) AS (
                SELECT (SELECT min(stream) FROM chronicle_events\(firstFilter))
                UNION ALL
                SELECT (SELECT min(stream) FROM chronicle_events WHERE \(next.joined(separator: " AND ")))
                FROM names WHERE names.stream IS NOT NULL\(limited ? " LIMIT :limit" : "")
            )
            """
    }

    /// The smallest and the first-too-large names of a category's streams:
    /// every stream of category `c` is named `c-…` (a category holds no `-`), and
    /// `.` is the byte after `-`.
    static func bounds(ofCategory category: String) -> (from: String, before: String) {
        (category + "-", category + ".")
    }
}
