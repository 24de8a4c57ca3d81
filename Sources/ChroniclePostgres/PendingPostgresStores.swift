internal import Chronicle

// TEMPORARY, until branch pgstores lands: PostgresCheckpointStore,
// PostgresDeadLetterStore and PostgresSnapshotStore replace this.
struct PendingPostgresStores: CheckpointStore, DeadLetterStore, SnapshotStore {
    private func pending() -> EventStoreError {
        EventStoreError(code: .storageUnavailable, message: "PostgreSQL checkpoints, dead letters and snapshots are not in this build yet")
    }
    func saveSnapshot(_ snapshot: Snapshot) async throws { throw pending() }
    func latestSnapshot(for stream: StreamName) async throws -> Snapshot? { throw pending() }
    func deleteSnapshots(for stream: StreamName) async throws { throw pending() }
    func checkpoint(named name: String) async throws -> Checkpoint? { throw pending() }
    func save(_ position: GlobalPosition, named name: String) async throws { throw pending() }
    func reset(named name: String) async throws { throw pending() }
    func checkpoints() async throws -> [Checkpoint] { throw pending() }
    func park(_ event: EventRecord, consumer: String, error: String, attempts: Int) async throws -> DeadLetter { throw pending() }
    func deadLetters(consumer: String?, limit: Int) async throws -> [DeadLetter] { throw pending() }
    func count(consumer: String?) async throws -> Int { throw pending() }
    func remove(id: Int64) async throws -> Bool { throw pending() }
    func purge(consumer: String?) async throws -> Int { throw pending() }
    func recordFailedRetry(id: Int64, error: String) async throws -> DeadLetter? { throw pending() }
    func deadLetter(id: Int64) async throws -> DeadLetter? { throw pending() }
}
