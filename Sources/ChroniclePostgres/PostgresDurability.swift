/// How a PostgreSQL store's commits wait for the server's disk: the
/// session's `synchronous_commit`.
///
/// ```swift
/// let store = try await PostgresEventStore(
///     url: "postgres://app@localhost/orders", options: .init(durability: .normal))
/// ```
///
/// The names are those of `SQLiteDurability`'s, for the same trade-off:
/// `chronicle bench --durability normal` measures both backends the same way.
public enum PostgresDurability: String, Hashable, Sendable, CaseIterable {
    /// The server's own `synchronous_commit` (`on` unless its administrator
    /// changed it): an append returns once its commit is flushed to disk.
    case full
    /// `synchronous_commit=off`: an append returns before its commit reaches
    /// the disk. A crash of the server may lose the last few hundred
    /// milliseconds of commits (never part of one, never corrupting the
    /// store); a crash of the app loses nothing.
    case normal

    /// The session setting, or `nil` to keep the server's.
    var synchronousCommit: String? {
        switch self {
        case .full: nil
        case .normal: "off"
        }
    }
}
