internal import Chronicle
internal import Foundation
internal import GRDB

/// Looks at a store file before the store opens it for writing, so that a file
/// that is not a Chronicle store, a damaged file or a newer schema is refused
/// with a typed error and left exactly as it was.
///
/// Opening a `DatabasePool` switches a file to WAL mode and may run migrations:
/// both are writes. These checks read the header bytes and then open the file
/// read-only, so nothing on disk changes when they fail.
enum SQLiteFileInspection {
    enum State: Equatable {
        /// No file yet (or an empty one): the store creates it.
        case new
        /// A SQLite file with no tables and no application id: the store initialises it.
        case emptyDatabase
        /// A Chronicle store at this schema version.
        case chronicle(schemaVersion: Int32)
    }

    static func inspect(path: String, integrityCheckLimit: Int) throws -> State {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            let directory = (path as NSString).deletingLastPathComponent
            let parent = directory.isEmpty ? "." : directory
            guard fileManager.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw EventStoreError(
                    code: .storageUnavailable,
                    message: "cannot create store '\(path)': directory '\(parent)' does not exist")
            }
            return .new
        }
        if isDirectory.boolValue {
            throw EventStoreError(code: .storageUnavailable, message: "store path '\(path)' is a directory")
        }
        // Another store of this process has the file open (and checked it):
        // reading the header through a descriptor of our own would drop that
        // store's locks when it closes (see SQLiteOpenFiles).
        if SQLiteOpenFiles.isOpen(path) {
            return try inspectSchema(path: path, verifyIntegrity: false, header: nil)
        }
        let header: Data
        let fileSize: Int
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            header = try handle.read(upToCount: 100) ?? Data()
            fileSize = Int(try handle.seekToEnd())
        } catch {
            throw EventStoreError(
                code: .storageUnavailable, message: "cannot read store file '\(path)'", cause: error)
        }
        if fileSize == 0 { return .new }
        try checkHeader(header, fileSize: fileSize, walHasFrames: walHasFrames(path), path: path)
        return try inspectSchema(path: path, verifyIntegrity: fileSize <= integrityCheckLimit, header: header)
    }

    /// Whether the store's write-ahead log holds more than its 32-byte header.
    private static func walHasFrames(_ path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0
        return size > 32
    }

    /// Checks the 100-byte SQLite header: the magic string, and that the file is
    /// not shorter than the page count the header records (a truncated file).
    ///
    /// The size check applies only when the write-ahead log is empty. A
    /// checkpoint copies pages from the log into the file in page order, page 1
    /// (the header, with the new page count) first: a process killed in the
    /// middle leaves a file shorter than its header says, and a log that still
    /// holds every page, from which SQLite reads them and finishes the
    /// checkpoint later. Such a store is sound; real damage then shows in the
    /// integrity check that follows.
    private static func checkHeader(_ header: Data, fileSize: Int, walHasFrames: Bool, path: String) throws {
        let magic = Data("SQLite format 3\u{0}".utf8)
        guard header.count == 100, header.prefix(16) == magic else {
            throw EventStoreError(
                code: .notAChronicleStore, message: "'\(path)' is not a SQLite database (no SQLite header)")
        }
        let bytes = [UInt8](header)
        func uint32(_ offset: Int) -> UInt32 {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let rawPageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        let pageSize = rawPageSize == 1 ? 65_536 : rawPageSize
        let changeCounter = uint32(24)
        let pageCount = Int(uint32(28))
        let validFor = uint32(92)
        // The in-header size is trustworthy only when it was written with the
        // current change counter (SQLite >= 3.7.0 always does).
        if !walHasFrames, changeCounter == validFor, pageCount > 0, fileSize < pageCount * pageSize {
            throw EventStoreError(
                code: .corruptStore,
                message: "store '\(path)' is truncated: \(fileSize) bytes, its header records "
                    + "\(pageCount) pages of \(pageSize) bytes")
        }
    }

    /// The configuration of a connection that reads the file and leaves it,
    /// and its directory, as they were.
    ///
    /// A read-only SQLite connection to a WAL-mode file creates the `-wal` and
    /// `-shm` files it needs when they are absent, and cannot remove them when
    /// it closes (that takes a write lock on the file): reading a cleanly
    /// closed store left two files behind. An ordinary connection that only
    /// reads (GRDB runs its reads under `PRAGMA query_only`) writes nothing
    /// either, and removes them when it closes as the file's last connection.
    /// It is used only when the file is in WAL mode and has no `-wal` file, i.e.
    /// no connection is using it and nothing is left to recover; otherwise (a
    /// live store, a log left by a crash, a rollback-journal file such as a
    /// backup) the connection is read-only, so that it never checkpoints or
    /// rolls back anything.
    ///
    /// - Parameter header: The file's header when already read, so that it is not read again.
    static func readingConfiguration(path: String, header: Data? = nil) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = !readOnlyConnectionsWouldLeaveFiles(path, header: header)
        return configuration
    }

    /// Whether read-only connections would create `-wal` and `-shm` files that
    /// stay after they close: the file is in WAL mode and has no `-wal` file.
    ///
    /// - Parameter header: The file's header when already read; read here otherwise.
    static func readOnlyConnectionsWouldLeaveFiles(_ path: String, header: Data? = nil) -> Bool {
        guard !FileManager.default.fileExists(atPath: path + "-wal"), !SQLiteOpenFiles.isOpen(path) else {
            return false
        }
        return isInWALMode(header ?? readHeader(path))
    }

    /// The first 20 bytes of the file (empty when it cannot be read).
    private static func readHeader(_ path: String) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 20)) ?? Data()
    }

    /// Whether a header says WAL mode (read and write versions 2).
    private static func isInWALMode(_ header: Data) -> Bool {
        header.count >= 20 && header[header.startIndex + 18] == 2 && header[header.startIndex + 19] == 2
    }

    private static func inspectSchema(path: String, verifyIntegrity: Bool, header: Data?) throws -> State {
        var configuration = readingConfiguration(path: path, header: header)
        configuration.busyMode = .timeout(30)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let userVersion = try Int32.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if applicationID == SQLiteSchema.applicationID {
                    if try userVersion > SQLiteSchema.currentVersion
                        || SQLiteSchema.migrator.hasBeenSuperseded(db)
                    {
                        throw EventStoreError(
                            code: .schemaTooNew,
                            message: "store '\(path)' has schema version \(userVersion), newer than the "
                                + "\(SQLiteSchema.currentVersion) this Chronicle understands; upgrade Chronicle")
                    }
                    if verifyIntegrity {
                        let problems = try String.fetchAll(db, sql: "PRAGMA quick_check(3)")
                        if problems != ["ok"] {
                            throw EventStoreError(
                                code: .corruptStore,
                                message: "store '\(path)' is damaged: \(problems.joined(separator: "; "))")
                        }
                    }
                    return .chronicle(schemaVersion: userVersion)
                }
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if applicationID == 0 && tables == 0 { return .emptyDatabase }
                throw EventStoreError(
                    code: .notAChronicleStore,
                    message: "'\(path)' is a SQLite database of another application "
                        + "(application id \(applicationID), \(tables) schema objects); refusing to use it")
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw SQLiteErrorMapping.map(error, path: path)
        }
    }
}
