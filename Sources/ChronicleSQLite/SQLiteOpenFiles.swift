internal import Chronicle
internal import Foundation

/// The store files this process has open through a ``SQLiteEventStore``, so
/// that nothing else in the process opens and closes a descriptor of them.
///
/// SQLite locks files with POSIX advisory locks, which belong to the process:
/// closing *any* descriptor of a file drops every lock the process holds on it,
/// those of its SQLite connections included. Reading a store's header with a
/// `FileHandle` while another store of the same process had the file open did
/// that, silently; the other store's connections then held no shared lock, so
/// that a second process closing its last connection took the file for its own
/// and deleted the `-wal` and `-shm` files the first process was still using
/// (its later writes went to a deleted file, its reads failed with I/O errors).
/// It showed once closing started removing the log (a test opening a second
/// store beside a long-lived one, then running a command in another process).
///
/// Files are known by device and inode, read with `stat` (no descriptor).
enum SQLiteOpenFiles {
    private struct FileID: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    private static let open = Locked([FileID: Int]())

    private static func id(_ path: String) -> FileID? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let device = (attributes[.systemNumber] as? NSNumber)?.uint64Value,
            let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
        else { return nil }
        return FileID(device: device, inode: inode)
    }

    /// Whether a store of this process has the file open: then reading it
    /// through a descriptor of its own would drop that store's locks.
    static func isOpen(_ path: String) -> Bool {
        guard let id = id(path) else { return false }
        return open.withLock { $0[id, default: 0] > 0 }
    }

    /// Records that a store opened the file; returns the token that ``closed(_:)`` takes.
    static func opened(_ path: String) -> AnyHashable? {
        guard let id = id(path) else { return nil }
        open.withLock { $0[id, default: 0] += 1 }
        return AnyHashable(id)
    }

    /// Records that a store closed the file.
    static func closed(_ token: AnyHashable?) {
        guard let id = token?.base as? FileID else { return }
        open.withLock { files in
            files[id, default: 1] -= 1
            if files[id] == 0 { files[id] = nil }
        }
    }
}
