@_spi(Implementing) import Chronicle
import ChronicleTesting
import Foundation
import GRDB
import Testing

@testable import ChronicleSQLite

/// A small aggregate for the SQLite snapshot tests.
private struct Meter: Aggregate, Codable, Equatable {
    struct Ticked: DomainEvent { static let eventType = "Ticked"; var by: Int }
    struct Labelled: DomainEvent { static let eventType = "Labelled"; var label: String }

    static let category = "meter"
    static let handlers = EventHandlers<Meter>()
        .on(Ticked.self) { meter, event in
            meter.total += event.by
            meter.ticks.append(event.by)
        }
        .on(Labelled.self) { meter, event in meter.label = event.label }

    let id: String
    var total = 0
    var ticks: [Int] = []
    var label = ""

    init(id: String) { self.id = id }
}

@Suite("SQLiteSnapshotStore")
struct SQLiteSnapshotStoreTests {
    @Test func savesTheNewestSnapshotPerStreamAndKeepsItAcrossReopen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("snapshots.sqlite")
        let stream = try StreamName("meter-1")
        let other = try StreamName("meter-2")
        let createdAt = Date(timeIntervalSince1970: 1_700_000_000.123456)
        do {
            let store = try await SQLiteEventStore(path: path)
            let snapshots = SQLiteSnapshotStore(store)
            #expect(try await snapshots.latestSnapshot(for: stream) == nil)
            try await snapshots.saveSnapshot(
                Snapshot(stream: stream, version: 10, schemaVersion: 1, data: Data([1, 0, 2]), createdAt: createdAt))
            try await snapshots.saveSnapshot(Snapshot(stream: stream, version: 4, schemaVersion: 1, data: Data([9])))
            try await snapshots.saveSnapshot(Snapshot(stream: other, version: 1, schemaVersion: 3, data: Data()))
            try store.close()
        }
        let store = try await SQLiteEventStore(path: path)
        let snapshots = SQLiteSnapshotStore(store)
        let kept = try #require(try await snapshots.latestSnapshot(for: stream))
        #expect(kept.version == 10 && kept.schemaVersion == 1 && kept.data == Data([1, 0, 2]))
        #expect(abs(kept.createdAt.timeIntervalSince(createdAt)) < 0.000_002)
        try await snapshots.saveSnapshot(Snapshot(stream: stream, version: 10, schemaVersion: 2, data: Data([7])))
        #expect(try await snapshots.latestSnapshot(for: stream)?.schemaVersion == 2)
        try await snapshots.saveSnapshot(Snapshot(stream: stream, version: 11, schemaVersion: 2, data: Data([8])))
        #expect(try await snapshots.latestSnapshot(for: stream)?.data == Data([8]))
        try await snapshots.deleteSnapshots(for: stream)
        #expect(try await snapshots.latestSnapshot(for: stream) == nil)
        #expect(try await snapshots.latestSnapshot(for: other)?.schemaVersion == 3)
        try store.close()
    }

    @Test func aVersionOneFileIsMigratedWithItsEventsKept() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v1.sqlite")
        let stream = try StreamName("meter-1")
        // Build a file as the first release did: only the "chronicle-v1" migration, with events in it.
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "chronicle-v1")
            let parts = [StreamAppend(stream: stream, events: [
                NewEvent(type: "Ticked", data: Data(#"{"by":2}"#.utf8)),
                NewEvent(type: "Ticked", data: Data(#"{"by":3}"#.utf8)),
            ], expecting: .noStream)]
            let prepared = try AppendValidation.prepare(parts, maximumEventSize: 1 << 20)
            _ = try await pool.writeWithoutTransaction { db in
                try SQLiteAppender.appendInTransaction(parts, prepared: prepared, in: db, checkIdsFirst: false)
            }
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 1)
            #expect(try await pool.read { db in try db.tableExists("chronicle_snapshots") } == false)
            try pool.close()
        }
        #expect(try SQLiteFileInspection.inspect(path: path, integrityCheckLimit: 1 << 30) == .chronicle(schemaVersion: 1))

        let store = try await SQLiteEventStore(path: path)
        #expect(try await store.schemaVersion() == Int(SQLiteSchema.currentVersion))
        #expect(
            try SQLiteFileInspection.inspect(path: path, integrityCheckLimit: 1 << 30)
                == .chronicle(schemaVersion: SQLiteSchema.currentVersion))
        let meters = try AggregateRepository<Meter>(
            store: store, snapshots: SQLiteSnapshotStore(store), policy: .every(1))
        let loaded = try await meters.load("1")
        #expect(loaded.state.total == 5 && loaded.version == 2)
        #expect(try await SQLiteSnapshotStore(store).latestSnapshot(for: stream)?.version == 2)
        try store.close()

        // Reopening a migrated file changes nothing.
        let reopened = try await SQLiteEventStore(path: path)
        #expect(try await reopened.schemaVersion() == Int(SQLiteSchema.currentVersion))
        #expect(try await reopened.streamVersion(stream) == 2)
        try reopened.close()
    }

    @Test(arguments: [(11 as UInt64, 1), (12, 5), (13, 17), (14, 21)])
    func snapshotPlusTailEqualsFullReplayOnSQLite(seed: UInt64, interval: Int) async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("replay.sqlite"), options: .init(durability: .normal))
        let snapshots = SQLiteSnapshotStore(store)
        let writer = try AggregateRepository<Meter>(store: store, snapshots: snapshots, policy: .every(interval))
        var state = seed  // a linear congruential generator: the history comes from the seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var expected = Meter(id: "m")
        try await writer.create("m") { _ in [Meter.Labelled(label: "start")] }
        expected.label = "start"
        for _ in 0..<(20 + next() % 120) {
            let by = next() % 10
            if next() % 4 == 0 {
                try await writer.execute("m") { _ in [Meter.Labelled(label: "l\(by)"), Meter.Ticked(by: by)] }
                expected.label = "l\(by)"
            } else {
                try await writer.execute("m") { _ in [Meter.Ticked(by: by)] }
            }
            expected.total += by
            expected.ticks.append(by)
        }
        let fromSnapshot = try await AggregateRepository<Meter>(store: store, snapshots: snapshots, policy: .never)
            .load("m")
        let fullReplay = try await AggregateRepository<Meter>(store: store).load("m")
        #expect(fromSnapshot.state == expected)
        #expect(fullReplay.state == expected)
        #expect(fromSnapshot.version == fullReplay.version)
        let snapshot = try #require(try await snapshots.latestSnapshot(for: try Meter.streamName(for: "m")))
        #expect(fromSnapshot.version - snapshot.version < Int64(interval) + 2)
        try store.close()
    }

    @Test func loadsStartFromTheStoredSnapshot() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("start.sqlite"))
        let snapshots = SQLiteSnapshotStore(store)
        let meters = try AggregateRepository<Meter>(store: store, snapshots: snapshots, policy: .never)
        try await meters.create("1") { _ in [Meter.Ticked(by: 1)] }
        for _ in 2...5 { try await meters.execute("1") { _ in [Meter.Ticked(by: 1)] } }
        // A marked snapshot at version 3: a load that uses it shows the mark.
        var marked = Meter(id: "1")
        marked.total = 3
        marked.ticks = [1, 1, 1]
        marked.label = "from the snapshot"
        try await snapshots.saveSnapshot(
            Snapshot(stream: try Meter.streamName(for: "1"), version: 3, schemaVersion: 1,
                data: try JSONEncoder().encode(marked)))
        let loaded = try await meters.load("1")
        #expect(loaded.state.label == "from the snapshot")
        #expect(loaded.state.total == 5 && loaded.state.ticks == [1, 1, 1, 1, 1] && loaded.version == 5)
        try store.close()
    }

    @Test func corruptSnapshotRowsFallBackToAFullReplay() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("corrupt.sqlite")
        let store = try await SQLiteEventStore(path: path)
        let snapshots = SQLiteSnapshotStore(store)
        let meters = try AggregateRepository<Meter>(store: store, snapshots: snapshots, policy: .never)
        try await meters.create("1") { _ in [Meter.Ticked(by: 4)] }
        try await meters.execute("1") { _ in [Meter.Ticked(by: 5)] }
        let expected = try await meters.load("1").state

        // Bytes that do not decode.
        try await store.pool.write { db in
            try db.execute(
                sql: "INSERT INTO chronicle_snapshots VALUES ('meter-1', 2, 1, x'DEADBEEF', 0)")
        }
        #expect(try await meters.load("1").state == expected)

        // A column of the wrong type: a typed error from the snapshot store, a replay in the repository.
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE chronicle_snapshots SET version = 'two' WHERE stream = 'meter-1'")
        }
        let error = await #expect(throws: EventStoreError.self) {
            try await snapshots.latestSnapshot(for: try Meter.streamName(for: "1"))
        }
        #expect(error?.code == .corruptRecord)
        #expect(try await meters.load("1").state == expected)
        try store.close()
    }

    @Test func twentyConcurrentCommandsOnOneSQLiteAggregate() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("concurrent.sqlite"), options: .init(durability: .normal))
        let meters = try AggregateRepository<Meter>(
            store: store, snapshots: SQLiteSnapshotStore(store), policy: .every(3),
            options: .init(maximumRetries: 100, cacheCapacity: 4))
        try await meters.create("shared") { _ in [Meter.Labelled(label: "shared")] }
        let attempts = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 1...20 {
                group.addTask {
                    try await meters.execute("shared", context: CommandContext(commandId: "tick-\(index)")) { _ in
                        [Meter.Ticked(by: index)]
                    }.attempts
                }
            }
            return try await group.reduce(0, +)
        }
        let loaded = try await AggregateRepository<Meter>(store: store).load("shared")
        #expect(loaded.version == 21)
        #expect(loaded.state.total == 210)
        #expect(loaded.state.ticks.sorted() == Array(1...20))
        let records = try await store.readStream(try Meter.streamName(for: "shared"), from: 2, direction: .forward, limit: 100)
        #expect(Set(records.compactMap(\.metadata.causationId)) == Set((1...20).map { "tick-\($0)" }))
        #expect(attempts >= 20)
        try store.close()
    }
}
