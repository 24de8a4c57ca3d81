internal import Chronicle
internal import Foundation
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
        case .SQLITE_IOERR where fileSystemIsFull(under: path):
            // SQLite reports ENOSPC as SQLITE_FULL when writing pages, but as an
            // I/O error when growing or truncating a file (the WAL index, a
            // size hint): what matters to the caller is that the disk is full.
            return EventStoreError(
                code: .storageFull, message: "store '\(path)' is full: the file system has no space left: \(detail)",
                cause: error)
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

    /// Whether the file system holding `path` has less room than a few pages
    /// left for this process (root may use the blocks reserved for it).
    static func fileSystemIsFull(under path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        var stats = statvfs()
        guard statvfs(directory.isEmpty ? "." : directory, &stats) == 0 else { return false }
        let blocks = geteuid() == 0 ? UInt64(stats.f_bfree) : UInt64(stats.f_bavail)
        return blocks * UInt64(stats.f_frsize) < 64 * 1024
    }
}
