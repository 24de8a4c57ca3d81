internal import Foundation

/// Checkpoints kept in memory: for tests and in-memory event stores.
///
/// ```swift
/// let checkpoints = InMemoryCheckpointStore()
/// try await checkpoints.save(42, named: "mailer")
/// ```
public actor InMemoryCheckpointStore: CheckpointStore {
    private var entries: [String: Checkpoint] = [:]

    /// Creates an empty checkpoint store.
    public init() {}

    public func checkpoint(named name: String) async throws -> Checkpoint? { entries[name] }

    public func save(_ position: GlobalPosition, named name: String) async throws {
        entries[name] = Checkpoint(name: name, position: position, updatedAt: Date())
    }

    public func reset(named name: String) async throws { entries[name] = nil }

    public func checkpoints() async throws -> [Checkpoint] {
        entries.values.sorted { $0.name < $1.name }
    }
}
