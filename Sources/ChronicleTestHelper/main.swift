// A helper the SQLite tests start as separate OS processes, so that behaviour
// between processes (several writers on one file, crashes) is tested for real.
//
//   ChronicleTestHelper append --store PATH|URL --writer NAME --count N
//     Appends N single-event appends: alternately to the shared stream
//     `shared-log` (expecting .any) and to the writer's own stream
//     `writer-NAME` (expecting its exact version). Prints one line per
//     acknowledged append: "ack <stream> <version> <position> <event-id>".
//
//   ChronicleTestHelper seed --store PATH --events N [--streams S]
//     Appends N events over S streams (`kill-<i>`) in batches of 100.
//
//   ChronicleTestHelper project --store PATH [--batch-size B] [--file-log FILE [--handler-delay-us U]]
//     Runs the exactly-once `KillTestProjection` up to the head, printing
//     "batch <position>" after every committed batch, then "done <position>".
//     With --file-log, runs the at-least-once `FileLogProjection` instead,
//     which appends a line per event it is given to FILE (taking U µs per event).
//
//   ChronicleTestHelper follow --store PATH|URL --owner NAME [--lease-ms L] [--batch-size B] [--handler-delay-us U] [--pause-after P]
//     Runs the exactly-once `ApplicationCountProjection` (a row per event id with
//     how often it was applied, and by which owner) with a projection runner
//     that takes its lease as NAME (lasting L ms), until SIGTERM. Prints
//     "state <state>" on each change of the runner's state (e.g. "state waiting:
//     runs in A"), "batch <position>" after each committed batch, "stopped" at the end.
//     With --pause-after P it prints "paused" after the batch ending at P and
//     waits for a line on stdin. A postgres:// URL runs the same projection on PostgreSQL.
//
//   ChronicleTestHelper crash-writer --store PATH [--durability full|normal] [--tasks T]
//     Appends forever from T concurrent tasks (singles, batches, multi-stream
//     appends) and prints each acknowledged call at once; the crash tests kill
//     it with SIGKILL. See CrashWriterCommand.
//
//   ChronicleTestHelper soak --store PATH --seconds S [--writers W] [--pause-ms P] [--chronicle TOOL]
//     Writers, projections, a subscriber and (with the chronicle tool) export/import
//     cycles for S seconds; reports memory and open files, then checks every
//     invariant. Run through Scripts/soak.sh.
//
//   ChronicleTestHelper hold-write-lock --store PATH --seconds S
//     Holds the file's write lock (BEGIN IMMEDIATE) for S seconds; prints
//     "holding", then "releasing <unix ns>" just before letting it go (see
//     HoldWriteLockCommand).
//
//   ChronicleTestHelper append-beside-lock --store PATH [--store PATH ...] --tasks N
//     Opens the stores, prints "opened", waits for a line on stdin, then appends
//     from N tasks while a timer ticks; prints how late the latest tick was and
//     each append's positions and finishing time (see AppendBesideLockCommand).
//
//   ChronicleTestHelper pg-subscribe --store URL --count N
//     Follows a PostgreSQL store's log, printing each event and its lag, until
//     N events (see PostgresSubscribeCommand).
//
//   ChronicleTestHelper bus-inbox --store PATH --group G [--lease-ms L] [--kill-at N]
//     Consumes topic `orders` in group G through the store's inbox, a row in
//     `bus_effects` per message; with --kill-at N it SIGKILLs itself inside the
//     Nth handler, after its write and before the commit (see BusInboxCommand).
//
//   ChronicleTestHelper fork-ids
//     Prints four random command ids from a forked child, then four from the
//     parent (see ForkIdsCommand).
import Foundation

// A helper whose test process died (a crash, a kill) ends too instead of
// following a store forever: it checks once a second whether its parent changed.
let parent = getppid()
Thread.detachNewThread {
    while true {
        sleep(1)
        if getppid() != parent { _exit(3) }
    }
}

do {
    switch CommandLine.arguments.dropFirst().first {
    case "append": try await AppendCommand.run()
    case "seed": try await SeedCommand.run()
    case "project": try await ProjectCommand.run()
    case "follow": try await FollowCommand.run()
    case "crash-writer": try await CrashWriterCommand.run()
    case "soak": try await SoakCommand.run()
    case "hold-write-lock": try HoldWriteLockCommand.run()
    case "append-beside-lock": try await AppendBesideLockCommand.run()
    case "fork-ids": ForkIdsCommand.run()
    case "pg-subscribe": try await PostgresSubscribeCommand.run()
    case "bus-inbox": try await BusInboxCommand.run()
    default: fail("unknown command; expected append, seed, project, follow, crash-writer, soak, hold-write-lock, append-beside-lock, fork-ids, pg-subscribe or bus-inbox")
    }
} catch {
    fail("\(error)")
}
