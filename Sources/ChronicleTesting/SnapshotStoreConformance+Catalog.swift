public import Chronicle
internal import Foundation

extension SnapshotStoreConformance {
    /// The contract of ``Chronicle/SnapshotCatalog`` (listing snapshots), for
    /// snapshot stores that are catalogs; run beside ``checks``, each against a
    /// fresh, empty store.
    ///
    /// ```swift
    /// @Test(arguments: SnapshotStoreConformance.catalogChecks)
    /// func catalog(_ check: StoreConformanceCheck<any SnapshotCatalog>) async throws {
    ///     try await check.run(against: InMemorySnapshotStore())
    /// }
    /// ```
    public static var catalogChecks: [StoreConformanceCheck<any SnapshotCatalog>] {
        [
            StoreConformanceCheck("the catalog lists each stream's stored snapshot in byte order") { store in
                try Expect.that(
                    try await store.snapshots(category: nil, after: nil, limit: 10).isEmpty, "an empty store lists none")
                let created = Date(timeIntervalSince1970: 1_800_000_000.5)
                let saved = [
                    Snapshot(stream: Fixtures.stream("order-2"), version: 7, schemaVersion: 2, data: Data("abc".utf8), createdAt: created),
                    Snapshot(stream: Fixtures.stream("order-10"), version: 1, schemaVersion: 1, data: Data(), createdAt: created),
                    Snapshot(stream: Fixtures.stream("stock-1"), version: 3, schemaVersion: 1, data: Data([0, 255]), createdAt: created),
                    Snapshot(stream: try StreamName(category: "caf\u{E9}", id: "1"), version: 4, schemaVersion: 1, data: Data("é".utf8), createdAt: created),
                ]
                for snapshot in saved { try await store.saveSnapshot(snapshot) }
                // A lower version changes nothing; it is not listed.
                try await store.saveSnapshot(Snapshot(stream: saved[0].stream, version: 5, schemaVersion: 1, data: Data()))
                let listed = try await store.snapshots(category: nil, after: nil, limit: 100)
                let expected = saved.sorted { $0.stream.precedesInCatalog($1.stream) }
                try Expect.equal(listed.map(\.stream), expected.map(\.stream), "streams in the byte order of their names")
                for (info, snapshot) in zip(listed, expected) {
                    try Expect.equal(info.version, snapshot.version, "version of \(snapshot.stream)")
                    try Expect.equal(info.schemaVersion, snapshot.schemaVersion, "schema version of \(snapshot.stream)")
                    try Expect.equal(info.size, Int64(snapshot.data.count), "size of \(snapshot.stream)")
                    try Timing.expect(info.createdAt, near: created, "createdAt of \(snapshot.stream)")
                }
            },
            StoreConformanceCheck("the catalog filters by category and pages with a cursor, each stream once") { store in
                let orders = (1...12).map { Fixtures.stream("order-\($0)") }
                // Neighbours of the category's range of names: "orders-1" sorts after "order-…".
                let others = ["orders-1", "orde-1", "stock-1"].map(Fixtures.stream)
                for stream in orders + others {
                    try await store.saveSnapshot(Snapshot(stream: stream, version: 1, schemaVersion: 1, data: Data()))
                }
                var paged: [StreamName] = []
                var after: StreamName?
                for _ in 0..<10 {
                    let page = try await store.snapshots(category: "order", after: after, limit: 5)
                    try Expect.that(page.count <= 5, "a page holds at most the limit")
                    paged += page.map(\.stream)
                    guard page.count == 5 else { break }
                    after = page.last?.stream
                }
                try Expect.equal(
                    paged, orders.sorted { $0.precedesInCatalog($1) }, "the category's snapshots, paged, each once")
                let fromBefore = try await store.snapshots(category: "order", after: Fixtures.stream("a-1"), limit: 100)
                try Expect.equal(fromBefore.count, 12, "a cursor before the category's range")
                let afterAll = try await store.snapshots(category: nil, after: Fixtures.stream("stock-1"), limit: 10)
                try Expect.that(afterAll.isEmpty, "nothing after the last stream")
                let none = try await store.snapshots(category: "payment", after: nil, limit: 10)
                try Expect.that(none.isEmpty, "a category without snapshots")
            },
            StoreConformanceCheck("a deleted snapshot is not listed") { store in
                let stream = Fixtures.stream("order-1")
                try await store.saveSnapshot(Snapshot(stream: stream, version: 9, schemaVersion: 1, data: Data()))
                try await store.saveSnapshot(
                    Snapshot(stream: Fixtures.stream("order-2"), version: 2, schemaVersion: 1, data: Data()))
                try await store.deleteSnapshots(for: stream)
                let listed = try await store.snapshots(category: nil, after: nil, limit: 10)
                try Expect.equal(listed.map(\.stream), [Fixtures.stream("order-2")], "the remaining snapshot")
            },
            StoreConformanceCheck("a limit below 1 and an invalid category are refused") { store in
                try await Expect.error(.invalidArgument, "a limit of 0") {
                    try await store.snapshots(category: nil, after: nil, limit: 0)
                }
                try await Expect.error(.invalidStreamName, "the category 'a-b'") {
                    try await store.snapshots(category: "a-b", after: nil, limit: 10)
                }
            },
        ]
    }
}
