internal import Chronicle
internal import GRDB

/// Turns SQLite's native errors into ``EventStoreError``s, in one place.
///
/// Errors that are already `EventStoreError`s, and errors thrown by user code,
/// pass through unchanged.
enum SQLiteErrorMapping {
    static func map(_ error: any Error, path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_FULL:
            return EventStoreError(
                code: .storageFull, message: "store '\(path)' is full: \(detail)", cause: error)
        case .SQLITE_CORRUPT:
            return EventStoreError(
                code: .corruptStore, message: "store '\(path)' is damaged: \(detail)", cause: error)
        case .SQLITE_NOTADB:
            return EventStoreError(
                code: .notAChronicleStore, message: "'\(path)' is not a SQLite database: \(detail)", cause: error)
        case .SQLITE_READONLY:
            return EventStoreError(
                code: .readOnly, message: "store '\(path)' is read-only: \(detail)", cause: error)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return EventStoreError(
                code: .storageUnavailable, message: "cannot open store '\(path)': \(detail)", cause: error)
        case .SQLITE_IOERR:
            return EventStoreError(
                code: .storageUnavailable, message: "I/O error on store '\(path)': \(detail)", cause: error)
        case .SQLITE_MISUSE:
            return EventStoreError(
                code: .storageUnavailable, message: "store '\(path)' is closed", cause: error)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return EventStoreError(
                code: .storageUnavailable,
                message: "store '\(path)' stayed locked by another connection past the busy timeout", cause: error)
        default:
            return EventStoreError(
                code: .storageUnavailable, message: "SQLite error on store '\(path)': \(detail)", cause: error)
        }
    }
}
