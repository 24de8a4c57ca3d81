internal import Foundation

/// Checkpoints kept in memory: for tests and in-memory event stores.
///
/// ```swift
/// let checkpoints = InMemoryCheckpointStore()
/// try await checkpoints.save(42, named: "mailer")
/// ```
public actor InMemoryCheckpointStore: CheckpointStore {
    /// Keyed by the name's UTF-8 bytes: names are bytes, as in every store (a
    /// `String` key would merge canonically equivalent spellings).
    private var entries: [[UInt8]: Checkpoint] = [:]

    /// Creates an empty checkpoint store.
    public init() {}

    public func checkpoint(named name: String) async throws -> Checkpoint? { entries[Array(name.utf8)] }

    public func save(_ position: GlobalPosition, named name: String) async throws {
        entries[Array(name.utf8)] = Checkpoint(name: name, position: position, updatedAt: Date())
    }

    public func reset(named name: String) async throws { entries[Array(name.utf8)] = nil }

    public func checkpoints() async throws -> [Checkpoint] {
        entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.value)
    }
}
