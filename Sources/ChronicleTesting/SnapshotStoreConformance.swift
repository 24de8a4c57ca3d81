public import Chronicle
internal import Foundation

/// The contract of ``Chronicle/SnapshotStore`` as executable checks, run
/// against every snapshot store (``Chronicle/InMemorySnapshotStore`` and
/// `SQLiteSnapshotStore`; any backend added later) so that they behave the same.
///
/// Each check needs a fresh, empty store. The checks cover every
/// implementation requirement the protocol documents: the newest version per
/// stream wins (an older one changes nothing, the same version replaces, with
/// its schema version), the bytes and fields come back as saved, deletion is per
/// stream, and saves from many tasks at once keep the newest. A store that is
/// also a ``Chronicle/SnapshotCatalog`` runs ``catalogChecks`` too.
///
/// ```swift
/// @Test(arguments: SnapshotStoreConformance.checks)
/// func conformance(_ check: StoreConformanceCheck<any SnapshotStore>) async throws {
///     try await check.run(against: InMemorySnapshotStore())
/// }
/// ```
public enum SnapshotStoreConformance {
    /// Every check.
    ///
    /// ```swift
    /// for check in SnapshotStoreConformance.checks { try await check.run(against: InMemorySnapshotStore()) }
    /// ```
    public static var checks: [StoreConformanceCheck<any SnapshotStore>] {
        [
            StoreConformanceCheck("a stream without a snapshot has none") { store in
                try Expect.that(try await store.latestSnapshot(for: Fixtures.stream("order-1")) == nil, "no snapshot")
            },
            StoreConformanceCheck("a snapshot comes back with exactly the bytes and fields saved") { store in
                var bytes = Data((0...255).map { UInt8($0) })
                bytes.append(contentsOf: [0, 0, 0xFF])
                let saved = Snapshot(
                    stream: Fixtures.stream("order-1"), version: 12, schemaVersion: 3, data: bytes,
                    createdAt: Date(timeIntervalSince1970: 1_800_000_000.123456))
                try await store.saveSnapshot(saved)
                let read = try await store.latestSnapshot(for: saved.stream)
                try Expect.equal(read?.stream, saved.stream, "stream")
                try Expect.equal(read?.version, 12, "version")
                try Expect.equal(read?.schemaVersion, 3, "schema version")
                try Expect.equal(read?.data, bytes, "data")
                try Timing.expect(read?.createdAt, near: saved.createdAt, "createdAt")
            },
            StoreConformanceCheck("empty data and a large payload come back unchanged") { store in
                let empty = Snapshot(stream: Fixtures.stream("order-1"), version: 1, schemaVersion: 1, data: Data())
                let large = Snapshot(
                    stream: Fixtures.stream("order-2"), version: 1, schemaVersion: 1,
                    data: Data((0..<(2 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
                try await store.saveSnapshot(empty)
                try await store.saveSnapshot(large)
                try Expect.equal(try await store.latestSnapshot(for: empty.stream)?.data, Data(), "empty data")
                try Expect.equal(try await store.latestSnapshot(for: large.stream)?.data, large.data, "2 MiB of data")
            },
            StoreConformanceCheck("a snapshot at a higher version replaces the stored one") { store in
                let stream = Fixtures.stream("order-1")
                try await store.saveSnapshot(Snapshot(stream: stream, version: 5, schemaVersion: 1, data: Data("5".utf8)))
                try await store.saveSnapshot(Snapshot(stream: stream, version: 9, schemaVersion: 1, data: Data("9".utf8)))
                let read = try await store.latestSnapshot(for: stream)
                try Expect.equal(read?.version, 9, "version")
                try Expect.equal(read?.data, Data("9".utf8), "data")
            },
            StoreConformanceCheck("a snapshot at a lower version changes nothing, whatever its schema version") {
                store in
                let stream = Fixtures.stream("order-1")
                let created = Date(timeIntervalSince1970: 1_700_000_000)
                try await store.saveSnapshot(
                    Snapshot(stream: stream, version: 9, schemaVersion: 1, data: Data("9".utf8), createdAt: created))
                try await store.saveSnapshot(Snapshot(stream: stream, version: 4, schemaVersion: 1, data: Data("4".utf8)))
                try await store.saveSnapshot(Snapshot(stream: stream, version: 8, schemaVersion: 2, data: Data("8".utf8)))
                let read = try await store.latestSnapshot(for: stream)
                try Expect.equal(read?.version, 9, "version")
                try Expect.equal(read?.schemaVersion, 1, "schema version")
                try Expect.equal(read?.data, Data("9".utf8), "data")
                try Timing.expect(read?.createdAt, near: created, "createdAt")
            },
            StoreConformanceCheck("a snapshot at the same version replaces the stored one, schema version included") {
                store in
                // What an aggregate whose snapshot schema changed does: the old snapshot is
                // ignored, the state replayed and snapshotted again at the same version.
                let stream = Fixtures.stream("order-1")
                try await store.saveSnapshot(Snapshot(stream: stream, version: 7, schemaVersion: 1, data: Data("old".utf8)))
                let created = Date(timeIntervalSince1970: 1_900_000_000)
                try await store.saveSnapshot(
                    Snapshot(stream: stream, version: 7, schemaVersion: 2, data: Data("new".utf8), createdAt: created))
                let read = try await store.latestSnapshot(for: stream)
                try Expect.equal(read?.schemaVersion, 2, "schema version")
                try Expect.equal(read?.data, Data("new".utf8), "data")
                try Timing.expect(read?.createdAt, near: created, "createdAt")
            },
            StoreConformanceCheck("streams are independent, and names are bytes") { store in
                let composed = try StreamName(category: "caf\u{E9}", id: "1")
                let decomposed = try StreamName(category: "cafe\u{301}", id: "1")
                let other = Fixtures.stream("order-2")
                try await store.saveSnapshot(Snapshot(stream: composed, version: 3, schemaVersion: 1, data: Data("c".utf8)))
                try await store.saveSnapshot(Snapshot(stream: decomposed, version: 2, schemaVersion: 1, data: Data("d".utf8)))
                try await store.saveSnapshot(Snapshot(stream: other, version: 1, schemaVersion: 1, data: Data("o".utf8)))
                try Expect.equal(try await store.latestSnapshot(for: composed)?.data, Data("c".utf8), "the composed stream")
                try Expect.equal(try await store.latestSnapshot(for: decomposed)?.data, Data("d".utf8), "the decomposed stream")
                try Expect.equal(try await store.latestSnapshot(for: other)?.version, 1, "another stream")
            },
            StoreConformanceCheck("delete removes one stream's snapshot; then any version may be saved again") { store in
                let stream = Fixtures.stream("order-1")
                let other = Fixtures.stream("order-2")
                try await store.saveSnapshot(Snapshot(stream: stream, version: 9, schemaVersion: 1, data: Data()))
                try await store.saveSnapshot(Snapshot(stream: other, version: 4, schemaVersion: 1, data: Data()))
                try await store.deleteSnapshots(for: stream)
                try Expect.that(try await store.latestSnapshot(for: stream) == nil, "the deleted snapshot")
                try Expect.equal(try await store.latestSnapshot(for: other)?.version, 4, "the other stream's snapshot")
                try await store.saveSnapshot(Snapshot(stream: stream, version: 2, schemaVersion: 1, data: Data()))
                try Expect.equal(try await store.latestSnapshot(for: stream)?.version, 2, "a lower version after delete")
            },
            StoreConformanceCheck("deleting a stream without a snapshot is no error") { store in
                try await store.deleteSnapshots(for: Fixtures.stream("order-1"))
                try await store.deleteSnapshots(for: Fixtures.stream("order-1"))
                try Expect.that(try await store.latestSnapshot(for: Fixtures.stream("order-1")) == nil, "still none")
            },
            StoreConformanceCheck("saves from many tasks at once keep the highest version") { store in
                let stream = Fixtures.stream("order-1")
                var random = SeededRandom(seed: 14)
                let versions = Array(Int64(1)...40).shuffled(using: &random)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for version in versions {
                        group.addTask {
                            try await store.saveSnapshot(
                                Snapshot(stream: stream, version: version, schemaVersion: 1, data: Data("\(version)".utf8)))
                            try await store.saveSnapshot(
                                Snapshot(
                                    stream: Fixtures.stream("order-x\(version)"), version: version, schemaVersion: 1,
                                    data: Data()))
                        }
                    }
                    try await group.waitForAll()
                }
                let read = try await store.latestSnapshot(for: stream)
                try Expect.equal(read?.version, 40, "version")
                try Expect.equal(read?.data, Data("40".utf8), "data of the same snapshot")
                for version in versions {
                    try Expect.equal(
                        try await store.latestSnapshot(for: Fixtures.stream("order-x\(version)"))?.version, version,
                        "stream order-x\(version)")
                }
            },
        ]
    }
}
