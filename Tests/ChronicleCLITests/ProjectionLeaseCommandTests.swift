import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// `projections rebuild`, `reset` and `catch-up` take the projection's lease, and
/// refuse on one line while another process (here: the test process) holds it.
@Suite("Projection commands and leases")
struct ProjectionLeaseCommandTests {
    let app = ProjectionFixtures.app

    @Test func rebuildResetAndCatchUpRefuseWhileAnotherProcessRunsTheProjection() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 40)
        let catchUp = try await app(["projections", "catch-up"], path, nil, nil)
        #expect(catchUp.status == 0, "\(catchUp)")
        let readModels = try await ProjectionFixtures.readModels(path)

        // This test process plays the running app: it holds the lease of order-totals.
        let store = try await SQLiteEventStore(path: path)
        defer { try? store.close() }
        let lease = try #require(
            try await store.leases.acquire("order-totals", owner: "app-host:4242:beef", duration: .seconds(300)))
        try await ProjectionFixtures.seed(at: path, events: 5)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let expiry = formatter.string(from: lease.expiresAt)

        for command in [
            ["projections", "rebuild", "order-totals", "--yes"], ["projections", "reset", "order-totals", "--yes"],
            ["projections", "catch-up", "order-totals"],
        ] {
            let refused = try await app(command, path, nil, nil)
            #expect(refused.status == 1, "\(command): \(refused)")
            #expect(refused.errorLines.count == 1, "\(command): one line: \(refused)")
            let line = refused.errorLines.first ?? ""
            #expect(line.hasPrefix("test-app: error: projection 'order-totals' runs in another process"), "\(line)")
            #expect(line.contains("held by app-host:4242:beef until \(expiry)"), "\(line)")
        }
        #expect(try await ProjectionFixtures.readModels(path) == readModels, "nothing changed")
        #expect(try await store.checkpoints.checkpoint(named: "order-totals")?.position == 40)
        #expect(try await store.leases.holder(of: "order-totals") == lease)
        // The other projection is not held: its catch-up works beside the held one.
        let other = try await app(["projections", "catch-up", "payments-log"], path, nil, nil)
        #expect(other.status == 0, "\(other)")

        // Once the app has stopped (released its lease), the rebuild runs.
        try await store.leases.release(lease)
        let rebuild = try await app(["projections", "rebuild", "order-totals", "--yes"], path, nil, nil)
        #expect(rebuild.status == 0, "\(rebuild)")
        #expect(try await store.checkpoints.checkpoint(named: "order-totals")?.position == 45)
        #expect(try await store.leases.holder(of: "order-totals") == nil, "the rebuild released the lease")
    }
}
