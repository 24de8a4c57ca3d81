internal import Dispatch

/// Where leases are renewed: a serial dispatch queue of its own, outside
/// Swift's cooperative pool.
///
/// A consumer keeps its leases only while it renews them in time. Renewing on
/// the cooperative pool (two threads on a 2-core machine) means waiting behind
/// every ready task: CPU-heavy handlers, or simply many of them, can hold a
/// renewal back past its lease, and the consumer then stops and hands its work
/// to another member although nothing was wrong with it. Kafka's consumer
/// heartbeats from a thread of its own for the same reason. A renewal is a
/// timer and one short store call, so one queue serves every lease of the
/// process. (The store call itself still runs where the store runs it: a GRDB
/// writer's queue, a NIO event loop, or inline.)
final class LeaseRenewalExecutor: TaskExecutor {
    /// The process's renewal executor.
    static let shared = LeaseRenewalExecutor()

    private let queue = DispatchQueue(label: "chronicle.lease-renewal")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
