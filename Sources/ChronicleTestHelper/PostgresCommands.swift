import Chronicle
import ChroniclePostgres
import Foundation

/// `pg-subscribe --store URL --count N`: follows a PostgreSQL store's log from
/// the start through a subscription, printing "ready" once it is caught up the
/// first time, then "event <position> <event-id> <lag-ms>" per event (lag: from
/// the event's recording to its delivery here), and exits after N events.
enum PostgresSubscribeCommand {
    static func run() async throws {
        let url = requiredArgument("--store")
        guard let count = argument("--count").flatMap(Int.init) else { fail("--count needs a number") }
        let store = try await PostgresEventStore(url: url)
        var seen = 0
        var announced = false
        for try await batch in store.subscribe(from: .start, batchSize: 500) {
            let now = Date()
            for event in batch.events {
                let lag = now.timeIntervalSince(event.recordedAt) * 1_000
                emit("event \(event.position.rawValue) \(event.id) \(String(format: "%.2f", lag))")
                seen += 1
            }
            if !announced, batch.isCaughtUp {
                announced = true
                emit("ready")
            }
            if seen >= count { break }
        }
        store.close()
    }
}
