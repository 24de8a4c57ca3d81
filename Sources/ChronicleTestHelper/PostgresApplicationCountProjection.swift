import Chronicle
import ChroniclePostgres
import Foundation
import Logging
import PostgresNIO

/// `ApplicationCountProjection` on PostgreSQL: a row per event id with how
/// often it was applied and by which owner, so any double application shows
/// as a count of 2 and any skipped event as a missing row.
struct PostgresApplicationCountProjection: PostgresProjection {
    let name = "application-count"
    let owner: String
    /// Work per event, as a real handler has (so that a kill lands mid-batch).
    let delay: UInt32
    static let logger = Logger(label: "chronicle.test-helper")

    func prepare(_ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS applications (
                event_id uuid PRIMARY KEY, position bigint NOT NULL, count integer NOT NULL, owner text NOT NULL)
            """, logger: Self.logger)
    }

    func apply(_ event: EventRecord, in connection: PostgresConnection) async throws {
        if delay > 0 { usleep(delay) }
        try await connection.query(
            """
            INSERT INTO applications (event_id, position, count, owner) VALUES (\(event.id), \(event.position.rawValue), 1, \(owner))
            ON CONFLICT (event_id) DO UPDATE SET count = applications.count + 1, owner = excluded.owner
            """, logger: Self.logger)
    }

    func reset(_ connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM applications", logger: Self.logger)
    }
}
