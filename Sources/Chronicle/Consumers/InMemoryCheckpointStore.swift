/// Checkpoints kept in memory: for tests and in-memory event stores.
///
/// ```swift
/// let checkpoints = InMemoryCheckpointStore()
/// try await checkpoints.save(42, named: "mailer")
/// ```
public actor InMemoryCheckpointStore: CheckpointStore {
    private var table = CheckpointTable()

    /// Creates an empty checkpoint store.
    public init() {}

    public func checkpoint(named name: String) async throws -> Checkpoint? { table.checkpoint(named: name) }

    public func save(_ position: GlobalPosition, named name: String) async throws {
        try AppendValidation.checkCheckpoint(position)
        table.save(position, named: name)
    }

    public func reset(named name: String) async throws { table.reset(named: name) }

    public func checkpoints() async throws -> [Checkpoint] { table.checkpoints() }
}
