@_spi(Implementing) import Chronicle
import ChronicleTesting
import Foundation
import GRDB
import Testing

@testable import ChronicleSQLite

/// Schema 4: no stream catalog table and an optional category index. Stream
/// versions and listings come from the (stream, version) index; category reads
/// return the same events with the index and without it.
@Suite("SQLite lean schema")
struct SQLiteLeanSchemaTests {
    private static func objects(_ store: SQLiteEventStore) async throws -> Set<String> {
        try await store.pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'chronicle_%'"))
        }
    }

    /// The steps of SQLite's plan for `sql`.
    private static func plan(_ db: Database, _ sql: String) throws -> [String] {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
    }

    /// Appends `count` single events spread over three categories and a few
    /// streams each, in an order the seed decides.
    private static func fillMixedLog(_ store: SQLiteEventStore, count: Int, seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        var versions: [StreamName: Int64] = [:]
        for n in 0..<count {
            let category = ["order", "cart", "invoice"][Int(random.next() % 3)]
            let stream = try StreamName("\(category)-\(random.next() % 5)")
            let version = versions[stream, default: 0]
            try await store.append(
                [NewEvent(type: "E", data: Data("{\"n\":\(n)}".utf8))], to: stream,
                expecting: version == 0 ? .noStream : .exactly(version))
            versions[stream] = version + 1
        }
    }

    /// Every page of a category read from each starting position, as ids.
    private static func categoryPages(_ store: SQLiteEventStore, _ categories: Set<String>) async throws -> [[UUID]] {
        var pages: [[UUID]] = []
        for from in stride(from: 1, through: 121, by: 7) {
            for limit in [1, 5, 500] {
                let page = try await store.readAll(
                    from: GlobalPosition(Int64(from)), limit: limit, filter: EventFilter(categories: categories))
                pages.append(page.map(\.id))
            }
        }
        return pages
    }

    @Test func aNewFileHasNeitherTheCatalogTableNorTheCategoryIndex() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("new.sqlite"))
        let objects = try await Self.objects(store)
        #expect(!objects.contains("chronicle_streams"))
        #expect(!objects.contains(SQLiteSchema.categoryIndexName))
        #expect(objects.contains("chronicle_events_stream_version"))
        #expect(try await store.hasCategoryIndex() == false)
        try store.close()
    }

    @Test func categoryReadsAreTheSameWithTheIndexAndWithout() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("categories.sqlite"))
        try await Self.fillMixedLog(store, count: 120, seed: 7)
        let all = try await store.readAll(from: .start, limit: 500, filter: EventFilter())
        let orders = all.filter { $0.stream.category == "order" }.map(\.id)
        #expect(!orders.isEmpty && orders.count < all.count)

        let scanned = try await Self.categoryPages(store, ["order"])
        let scannedTwo = try await Self.categoryPages(store, ["order", "invoice"])
        #expect(scanned[2] == orders, "from 1 with a limit of 500: every order event in log order")

        try await store.setCategoryIndex(true)
        #expect(try await store.hasCategoryIndex())
        let plan = try await store.pool.read { db in
            try Self.plan(
                db,
                """
                SELECT position FROM chronicle_events
                WHERE position >= 1 AND category IN ('order') ORDER BY position LIMIT 5
                """
            ).joined(separator: "\n")
        }
        #expect(plan.contains(SQLiteSchema.categoryIndexName), "the index serves a category read: \(plan)")
        #expect(try await Self.categoryPages(store, ["order"]) == scanned)
        #expect(try await Self.categoryPages(store, ["order", "invoice"]) == scannedTwo)

        try await store.setCategoryIndex(false)
        #expect(try await store.hasCategoryIndex() == false)
        #expect(try await Self.categoryPages(store, ["order"]) == scanned)
        try store.close()
    }

    @Test func theIndexOptionBuildsTheIndexOnceAndLaterOpeningsKeepIt() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("option.sqlite")
        do {
            let store = try await SQLiteEventStore(path: path)
            try await Self.fillMixedLog(store, count: 30, seed: 3)
            #expect(try await store.hasCategoryIndex() == false)
            try store.close()
        }
        do {
            let store = try await SQLiteEventStore(path: path, options: .init(indexesCategories: true))
            #expect(try await store.hasCategoryIndex())
            // Appends keep the index: a category read through it sees the new event.
            let result = try await store.append(
                [NewEvent(type: "E", data: Data("{}".utf8))], to: StreamName("refund-1"), expecting: .noStream)
            let refunds = try await store.readAll(
                from: .start, limit: 10, filter: EventFilter(categories: ["refund"]))
            #expect(refunds.map(\.position) == [result.positions!.lowerBound])
            try store.close()
        }
        let reopened = try await SQLiteEventStore(path: path)
        #expect(try await reopened.hasCategoryIndex(), "an opening without the option leaves the index")
        try reopened.close()
    }

    @Test func streamListingsKeepToTheirCategoryWhateverSortsNextToIt() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("neighbours.sqlite"))
        // ',' sorts just before '-', '.' just after: categories "a,b" and "a.x" border "a".
        let names = ["a,b-1", "a-1", "a-z", "a.x-1", "ab-1", "0-1", "b-1"]
        for (n, name) in names.enumerated() {
            let stream = try StreamName(name)
            for _ in 0...n {
                try await store.append([NewEvent(type: "E", data: Data("{}".utf8))], to: stream, expecting: .any)
            }
        }
        let inA = try await store.streams(category: "a", after: nil, limit: 10)
        #expect(inA.map(\.stream.description) == ["a-1", "a-z"])
        #expect(inA.map(\.version) == [2, 3])
        #expect(try await store.streams(category: "a", after: StreamName("0-1"), limit: 10).count == 2)
        #expect(try await store.streams(category: "a", after: StreamName("a-1"), limit: 10).map(\.stream) == [StreamName("a-z")])
        #expect(try await store.streams(category: "a", after: StreamName("a-z"), limit: 10).isEmpty)
        #expect(try await store.streams(category: "a", after: StreamName("b-1"), limit: 10).isEmpty)
        #expect(try await store.streams(category: "a,b", after: nil, limit: 10).map(\.stream) == [StreamName("a,b-1")])
        let every = try await store.streams(category: nil, after: nil, limit: 100)
        #expect(every.map(\.stream.description) == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(try await store.statistics().streamCount == Int64(names.count))
        // A listing seeks stream by stream: no step walks the whole events table or index.
        let plan = try await store.pool.read { db in
            try Self.plan(
                db,
                SQLiteStreamQueries.names(lower: "stream > 'a'", upper: "stream < 'b'", limited: false)
                    + "SELECT count(stream) FROM names")
        }
        #expect(!plan.contains { $0.hasPrefix("SCAN chronicle_events") }, "\(plan)")
        try store.close()
    }

    @Test func aVersionThreeFileLosesItsCatalogTableButNoStream() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v3.sqlite")
        let streams = try [StreamName("order-1"), StreamName("order-2"), StreamName("cart-9")]
        // A file as schema 3 left it: events, their catalog rows and the category index.
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "chronicle-projections-v1")
            for (n, stream) in streams.enumerated() {
                let events = (0...n).map { _ in NewEvent(type: "E", data: Data("{}".utf8)) }
                let parts = [StreamAppend(stream: stream, events: events, expecting: .noStream)]
                let prepared = try AppendValidation.prepare(parts, maximumEventSize: 1 << 20)
                _ = try await pool.writeWithoutTransaction { db in
                    try SQLiteAppender.appendInTransaction(parts, prepared: prepared, in: db, checkIdsFirst: false)
                }
            }
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO chronicle_streams (stream, category, version, updated_at)
                        SELECT stream, category, max(version), max(recorded_at) FROM chronicle_events GROUP BY stream
                        """)
            }
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 3)
            #expect(try await pool.read { db in try SQLiteCategoryIndex.exists(db) })
            try pool.close()
        }
        let store = try await SQLiteEventStore(path: path)
        #expect(try await store.schemaVersion() == Int(SQLiteSchema.currentVersion))
        let objects = try await Self.objects(store)
        #expect(!objects.contains("chronicle_streams") && !objects.contains(SQLiteSchema.categoryIndexName))
        let listed = try await store.streams(category: nil, after: nil, limit: 10)
        #expect(listed.map(\.stream) == streams.sorted { $0.description < $1.description })
        #expect(listed.map(\.version) == [3, 1, 2], "cart-9, order-1, order-2")
        let last = try await store.readStream(streams[1], from: 2, direction: .forward, limit: 1)
        #expect(listed[2].updatedAt == last[0].recordedAt, "updatedAt is the time of the stream's last event")
        #expect(try await store.statistics().streamCount == 3)
        #expect(try await store.streamVersion(streams[2]) == 3)
        // Appends check their expected version against the index now.
        let error = try await #require(throws: EventStoreError.self) {
            try await store.append([NewEvent(type: "E", data: Data("{}".utf8))], to: streams[0], expecting: .exactly(2))
        }
        #expect(error.code == .wrongExpectedVersion)
        try await store.append([NewEvent(type: "E", data: Data("{}".utf8))], to: streams[0], expecting: .exactly(1))
        #expect(try await store.streamVersion(streams[0]) == 2)
        try store.close()
    }
}
