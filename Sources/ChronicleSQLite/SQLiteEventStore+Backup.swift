@_spi(Implementing) public import Chronicle
internal import Foundation
internal import GRDB

extension SQLiteEventStore {
    /// Copies the store to a new, self-contained file while it stays in use.
    ///
    /// The copy is made with SQLite's `VACUUM INTO` on one of the store's
    /// read-only connections: it reads one consistent snapshot of the file
    /// and its write-ahead log (every event, stream, version, checkpoint,
    /// snapshot and dead letter as of one moment) while writers in this and
    /// other processes go on appending. The copy is written beside the
    /// destination under a temporary name, flushed to disk, and then moved to
    /// the destination, so an interrupted backup never leaves a partial file
    /// under that name. The copy is in rollback-journal mode with no `-wal`
    /// file: the one file is the whole store. It keeps the store's schema
    /// version, and opening it as a store puts it back in WAL mode.
    ///
    /// (`sqlite3_backup` was the other way: it copies pages as they are, free
    /// pages included, and restarts when another connection writes during the
    /// copy, so a store written all the time may never finish. `VACUUM INTO`
    /// reads once and compacts.)
    ///
    /// ```swift
    /// let backup = try await store.backup(to: "backups/bank.sqlite")
    /// print("\(backup.eventCount) events, \(backup.size) bytes")
    /// ```
    ///
    /// - Parameter destination: The path of the copy; it must not exist, and its directory must.
    /// - Returns: What was copied: the copy's path, events, size and schema version.
    /// - Throws: `EventStoreError`: `invalidArgument` when `destination`
    ///   exists (nothing is written), `storageUnavailable` when its directory is
    ///   missing or not writable, or a storage failure reading the store.
    public func backup(to destination: String) async throws -> StoreBackup {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: destination)
            || (try? fileManager.destinationOfSymbolicLink(atPath: destination)) != nil
        {
            throw EventStoreError.invalidArgument("'\(destination)' exists: a backup never overwrites a file; name a new one")
        }
        let url = URL(fileURLWithPath: destination)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EventStoreError(
                code: .storageUnavailable,
                message: "cannot write backup '\(destination)': directory '\(directory.path)' does not exist")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString)").path
        defer { try? fileManager.removeItem(atPath: temporary) }
        try await withMappedErrors {
            try await SQLiteConnections.elsewhere {
                try readers.read(waiting: true) { db in
                    try db.execute(sql: "VACUUM INTO ?", arguments: [temporary])
                }
            }
        }
        do {
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: temporary))
            try handle.synchronize()
            try handle.close()
            try fileManager.moveItem(atPath: temporary, toPath: destination)
        } catch {
            if fileManager.fileExists(atPath: destination) {
                throw EventStoreError.invalidArgument(
                    "'\(destination)' exists: a backup never overwrites a file; name a new one")
            }
            throw EventStoreError(
                code: .storageUnavailable, message: "cannot write backup '\(destination)'", cause: error)
        }
        return try await Self.describeBackup(at: destination)
    }

    /// Counts the events of a backup and reads its schema version and size.
    private static func describeBackup(at path: String) async throws -> StoreBackup {
        var configuration = Configuration()
        configuration.readonly = true
        let (events, schemaVersion) = try await SQLiteConnections.elsewhere {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM chronicle_events") ?? 0,
                    try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                )
            }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber
        return StoreBackup(
            destination: path, eventCount: events, size: size?.int64Value ?? 0, schemaVersion: schemaVersion)
    }
}
