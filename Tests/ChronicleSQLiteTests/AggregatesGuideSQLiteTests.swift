// The SQLite part of Docs/Aggregates.md, compiled and run (see
// ChronicleTests/AggregatesGuideTests.swift for the rest and for the check that
// the guide and these files agree).

import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Testing

private struct ItemAdded: DomainEvent {
    static let eventType = "ItemAdded"
    var sku: String
    var quantity: Int
}

private struct Cart: Aggregate, Codable {
    static let category = "cart"
    static let handlers = EventHandlers<Cart>()
        .on(ItemAdded.self) { cart, event in cart.items[event.sku, default: 0] += event.quantity }

    let id: String
    var items: [String: Int] = [:]

    init(id: String) { self.id = id }
}

@Suite("Aggregates guide, SQLite")
struct AggregatesGuideSQLiteTests {
    @Test func snapshotsInTheStoreFile() async throws {
        let directory = try TemporaryDirectory()
        let databasePath = directory.path("shop.sqlite")

        let store = try await SQLiteEventStore(path: databasePath)
        let carts = try AggregateRepository<Cart>(
            store: store, snapshots: SQLiteSnapshotStore(store), policy: .every(100))

        try await carts.create("c-1") { _ in [ItemAdded(sku: "apple", quantity: 1)] }
        for _ in 1..<250 { try await carts.execute("c-1") { _ in [ItemAdded(sku: "apple", quantity: 1)] } }
        let snapshot = try await SQLiteSnapshotStore(store).latestSnapshot(for: try Cart.streamName(for: "c-1"))
        #expect(snapshot?.version == 200)
        #expect(try await carts.load("c-1").state.items["apple"] == 250)
        try store.close()
    }
}
