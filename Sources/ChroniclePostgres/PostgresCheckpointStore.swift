@_spi(Implementing) public import Chronicle
internal import Foundation
internal import PostgresNIO

/// Checkpoints in the store's own database (table `chronicle_checkpoints`).
///
/// Names are compared and sorted by their bytes (the "C" collation). The
/// time of a save is the app's clock, as in the SQLite store.
///
/// ```swift
/// let checkpoints = store.checkpoints
/// try await checkpoints.save(120, named: "mailer")
/// ```
public struct PostgresCheckpointStore: CheckpointStore {
    let store: PostgresEventStore

    public func checkpoint(named name: String) async throws -> Checkpoint? {
        try await fetch("SELECT name, position, updated_at FROM chronicle_checkpoints WHERE name = \(name)").first
    }

    public func save(_ position: GlobalPosition, named name: String) async throws {
        try AppendValidation.checkCheckpoint(position)
        try Task.checkCancellation()
        try await store.database.withConnection { connection -> Void in
            try await PostgresConsumerRows.saveCheckpoint(
                position, named: name, on: connection, logger: store.database.logger)
        }
    }

    public func reset(named name: String) async throws {
        try Task.checkCancellation()
        try await store.database.withConnection { connection -> Void in
            try await PostgresConsumerRows.deleteCheckpoint(name, on: connection, logger: store.database.logger)
        }
    }

    public func checkpoints() async throws -> [Checkpoint] {
        try await fetch("SELECT name, position, updated_at FROM chronicle_checkpoints ORDER BY name")
    }

    private func fetch(_ query: PostgresQuery) async throws -> [Checkpoint] {
        try Task.checkCancellation()
        return try await store.database.withConnection { connection in
            var result: [Checkpoint] = []
            let rows = try await connection.query(query, logger: store.database.logger)
            for try await (name, position, updatedAt) in rows.decode((String, Int64, Int64).self) {
                result.append(
                    Checkpoint(name: name, position: GlobalPosition(position), updatedAt: PostgresTime.date(updatedAt)))
            }
            return result
        }
    }
}

extension PostgresEventStore {
    /// Checkpoints kept in this store's database.
    ///
    /// ```swift
    /// let position = try await store.checkpoints.checkpoint(named: "mailer")?.position ?? .none
    /// ```
    public var checkpoints: PostgresCheckpointStore { PostgresCheckpointStore(store: self) }

    /// Runs a statement on a pooled connection, ignoring any rows it returns.
    func execute(_ query: PostgresQuery) async throws {
        try Task.checkCancellation()
        try await database.withConnection { connection -> Void in
            try await connection.query(query, logger: database.logger)
        }
    }
}
