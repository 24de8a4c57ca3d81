import Chronicle
import Foundation
import GRDB
import ChronicleTesting
import Testing

@testable import ChronicleSQLite

/// A small tmpfs mounted for one test: a file system that really runs out of space.
final class SmallFileSystem: Sendable {
    let directory: TemporaryDirectory
    var path: String { directory.url.path }

    /// Mounts a tmpfs of `size` (as `mount -o size=` reads it) on a fresh directory.
    init(size: String) throws {
        directory = try TemporaryDirectory()
        guard mount("tmpfs", directory.url.path, "tmpfs", 0, "size=\(size),mode=0700") == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM)
        }
    }

    func file(_ name: String) -> String { directory.path(name) }

    deinit { umount2(directory.url.path, Int32(MNT_DETACH)) }

    /// Whether this process may mount a tmpfs: root, and not forbidden by the
    /// container it runs in. Probed once with a real mount.
    static let canMount: Bool = {
        guard geteuid() == 0 else { return false }
        return (try? SmallFileSystem(size: "64k")) != nil
    }()
}

@Suite("SQLite store on a full file system")
struct SQLiteFullDiskTests {
    @Test(
        .enabled(if: geteuid() == 0, "mounting a small tmpfs needs root; the max_page_count test covers the rest"),
        .enabled(if: SmallFileSystem.canMount, "mount -t tmpfs is not permitted in this environment")
    )
    func aFullFileSystemFailsAppendsWithStorageFullChangesNothingAndRecovers() async throws {
        let disk = try SmallFileSystem(size: "2m")
        let path = disk.file("events.sqlite")
        let stream = try StreamName("blob-1")
        // Room to free later, as an operator deleting old logs would.
        let ballast = disk.file("ballast")
        try Data(count: 400 * 1024).write(to: URL(fileURLWithPath: ballast))

        var version: Int64 = 0
        var error: EventStoreError?
        do {
            let store = try await SQLiteEventStore(path: path)
            while error == nil {
                let batch = (0..<3).map { _ in NewEvent(type: "Blob", data: Data(count: 7_000)) }
                do {
                    version = try await store.append(batch, to: stream, expecting: .exactly(version)).version
                } catch let failure as EventStoreError {
                    error = failure
                }
            }
            #expect(error?.code == .storageFull, "got \(String(describing: error))")
            #expect(version > 30, "the disk filled after \(version) events")
            // Nothing of the failed batch is there, and reads work on the full disk.
            #expect(try await store.streamVersion(stream) == version)
            let read = try await store.readStream(stream, from: 1, direction: .forward, limit: 10_000)
            #expect(read.map(\.version) == Array(1...version), "every acknowledged event, no partial batch")
            #expect(try await store.headPosition() == GlobalPosition(version))
            // An app restarting on the full disk: closing leaves the write-ahead
            // log unfolded (no room to checkpoint it), the store opens again and
            // reads everything, and appends still fail the same way, changing nothing.
            try store.close()
        }
        let restarted = try await SQLiteEventStore(path: path)
        #expect(try await restarted.readStream(stream, from: 1, direction: .forward, limit: 10_000).count == Int(version))
        let again = try await #require(throws: EventStoreError.self) {
            try await restarted.append(
                [NewEvent(type: "Blob", data: Data(count: 7_000))], to: stream, expecting: .exactly(version))
        }
        #expect(again.code == .storageFull)
        #expect(try await restarted.streamVersion(stream) == version)

        // Once space is freed, appends succeed again on the same store instance.
        try FileManager.default.removeItem(atPath: ballast)
        let after = try await restarted.append(
            [NewEvent(type: "Blob", data: Data(count: 7_000))], to: stream, expecting: .exactly(version))
        #expect(after.version == version + 1)
        version = after.version
        try restarted.close()

        // And the file is sound: it reopens (integrity check included) with every event.
        let reopened = try await SQLiteEventStore(path: path)
        #expect(try await reopened.streamVersion(stream) == version)
        let read = try await reopened.readStream(stream, from: 1, direction: .forward, limit: 10_000)
        #expect(read.map(\.version) == Array(1...version))
        try reopened.close()
    }

    @Test(
        .enabled(if: geteuid() == 0, "mounting a small tmpfs needs root"),
        .enabled(if: SmallFileSystem.canMount, "mount -t tmpfs is not permitted in this environment")
    )
    func anIOErrorOnAFullFileSystemIsStorageFull() throws {
        let disk = try SmallFileSystem(size: "256k")
        // Fill the file system to the last byte.
        let filler = open(disk.file("filler"), O_WRONLY | O_CREAT, 0o600)
        defer { close(filler) }
        let chunk = [UInt8](repeating: 0, count: 4096)
        while chunk.withUnsafeBytes({ write(filler, $0.baseAddress, $0.count) }) > 0 {}
        #expect(errno == ENOSPC)
        // Growing the WAL index fails with an I/O error, not SQLITE_FULL.
        let native = DatabaseError(resultCode: .SQLITE_IOERR_SHMSIZE, message: "disk I/O error")
        let full = try #require(SQLiteErrorMapping.map(native, path: disk.file("events.sqlite")) as? EventStoreError)
        #expect(full.code == .storageFull)
        #expect(full.message.contains("no space left"))
        // The same error where there is room is an I/O problem, not a full disk.
        let elsewhere = try TemporaryDirectory()
        let mapped = try #require(SQLiteErrorMapping.map(native, path: elsewhere.path("events.sqlite")) as? EventStoreError)
        #expect(mapped.code == .storageUnavailable)
    }
}
