import Foundation
import GRDB

/// `hold-write-lock --store PATH --seconds S`: takes the store file's write
/// lock (`BEGIN IMMEDIATE` on a plain SQLite connection) and keeps it for S
/// seconds, the way another process's long write transaction would.
///
/// Prints "holding" once the lock is held, then, still holding it, "releasing
/// <unix time in nanoseconds>" just before the `COMMIT` that lets it go: a
/// write that another process completes later than that instant waited for
/// this one.
enum HoldWriteLockCommand {
    static func run() throws {
        let path = requiredArgument("--store")
        guard let seconds = Double(requiredArgument("--seconds")), seconds >= 0 else { fail("bad --seconds") }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        try connection.inDatabase { db in
            try db.execute(sql: "BEGIN IMMEDIATE TRANSACTION")
            emit("holding")
            Thread.sleep(forTimeInterval: seconds)
            emit("releasing \(unixNanoseconds())")
            try db.execute(sql: "COMMIT TRANSACTION")
        }
        try connection.close()
        emit("released")
    }
}
