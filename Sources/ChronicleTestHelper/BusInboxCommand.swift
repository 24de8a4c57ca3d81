import Chronicle
import ChronicleSQLite
import Foundation
import GRDB
import Synchronization

/// Consumes topic `orders` as a member of a consumer group through the store's
/// inbox (exactly-once effect): each message inserts a row into `bus_effects`
/// in the transaction that records it as processed and moves the checkpoint.
///
///     ChronicleTestHelper bus-inbox --store PATH --group G [--lease-ms L] [--kill-at N]
///
/// Prints "joined" once it runs, and "handling <message id>" inside the handler,
/// after the insert and before the commit. With --kill-at N it sends itself
/// SIGKILL inside the handler of the Nth message it handles, after the insert:
/// that transaction never commits. Runs until killed.
enum BusInboxCommand {
    static func run() async throws {
        let path = requiredArgument("--store")
        let group = requiredArgument("--group")
        let leaseMilliseconds = argument("--lease-ms").flatMap(Int.init) ?? 1_000
        let killAt = argument("--kill-at").flatMap(Int.init)
        let store = try await SQLiteEventStore(path: path)
        var consumerGroup = try ConsumerGroup(group, topics: ["orders"], partitions: 4, member: "inbox-\(getpid())")
        consumerGroup.leaseDuration = .milliseconds(leaseMilliseconds)
        consumerGroup.runsScheduler = false
        let handled = Mutex(0)
        let inbox = store.inbox { message, db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS bus_effects (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL, stream TEXT NOT NULL,
                        version INTEGER NOT NULL, pid INTEGER NOT NULL)
                    """)
            try db.execute(
                sql: "INSERT INTO bus_effects (message_id, stream, version, pid) VALUES (?, ?, ?, ?)",
                arguments: [message.id.uuidString.lowercased(), message.stream.description, message.record.version, getpid()])
            let count = handled.withLock { count in
                count += 1
                return count
            }
            emit("handling \(message.id.uuidString.lowercased())")
            if count == killAt { kill(getpid(), SIGKILL) }
        }
        emit("joined")
        try await store.bus().consume(consumerGroup, inbox: inbox)
    }
}
