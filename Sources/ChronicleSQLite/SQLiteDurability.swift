/// How hard a SQLite store works to keep acknowledged events through crashes.
///
/// ```swift
/// let store = try await SQLiteEventStore(path: "app.sqlite", options: .init(durability: .normal))
/// ```
public enum SQLiteDurability: String, Hashable, Sendable, CaseIterable {
    /// `synchronous=FULL` (the default): every commit is fsynced before the append
    /// returns. An acknowledged event survives an application crash and a power
    /// loss or kernel panic.
    case full
    /// `synchronous=NORMAL`: commits reach the write-ahead log but are fsynced only
    /// at checkpoints. An acknowledged event survives an application crash
    /// (SIGKILL included); a power loss may lose the last transactions, never
    /// corrupt the file. Several times faster for one-event appends.
    case normal
}
