public import Chronicle
internal import Foundation

/// The demo: stock in, `orders` orders placed from concurrent tasks, every
/// service running in this process until each order is confirmed or cancelled,
/// its customer notified, and every consumer group has caught up.
///
/// ```swift
/// let result = try await ShopDemo(shop: shop, orders: 200).run { progress in print(progress.settled) }
/// print(result.confirmed, result.cancelled)
/// ```
public struct ShopDemo: Sendable {
    /// How far the demo is.
    public struct Progress: Sendable {
        public var placed = 0
        public var confirmed = 0
        public var cancelled = 0
        public var notified = 0
        public var settled: Int { confirmed + cancelled }
    }

    /// What the run did.
    public struct Result: Sendable {
        /// The demo's order ids.
        public let orderIds: [String]
        public let confirmed: Int
        public let cancelled: Int
        /// Cancellations by reason ("payment failed", "out of stock", "payment not authorized in time").
        public let cancellations: [String: Int]
        /// From the first order placed to the last group caught up.
        public let elapsed: Duration
        /// Events the run appended (orders, stock, payments, saga, messages, bookkeeping).
        public let eventsWritten: Int64
        /// Each group's member statistics.
        public let statistics: [String: BusStatistics]

        public var ordersPerSecond: Double {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return seconds > 0 ? Double(orderIds.count) / seconds : 0
        }

        public var eventsPerOrder: Double { orderIds.isEmpty ? 0 : Double(eventsWritten) / Double(orderIds.count) }
    }

    public let shop: ShopServices
    public let orders: Int
    /// Tasks placing orders at once.
    public var placers = 8
    /// How often progress is reported.
    public var progressInterval: Duration = .milliseconds(500)

    public init(shop: ShopServices, orders: Int) {
        self.shop = shop
        self.orders = orders
    }

    /// Runs the demo.
    ///
    /// - Parameter progress: Called about every `progressInterval` while it runs.
    /// - Returns: The outcome and figures.
    /// - Throws: Storage and bus errors.
    public func run(progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> Result {
        for product in Catalog.products {
            try await shop.inventory.receive(
                sku: product.sku, quantity: Catalog.demoStock(product.sku, forOrders: orders),
                context: CommandContext(correlationId: "demo-stock"))
        }
        let run = String(UUID().uuidString.lowercased().prefix(6))
        let ids = (1...orders).map { "\(run)-\(String(format: "%05d", $0))" }
        let start = ContinuousClock.now
        let head = try await shop.store.headPosition()
        let shop = shop
        let placers = placers
        let interval = progressInterval
        let (_, statistics) = try await shop.running(ShopServices.Service.allCases) {
            try await Self.place(ids, shop: shop, placers: placers)
            while true {
                let now = try await Self.progress(run: run, placed: ids.count, shop: shop)
                progress(now)
                if now.settled == ids.count, now.notified == ids.count, try await Self.caughtUp(shop) { return true }
                try await Task.sleep(for: interval)
            }
        }
        let elapsed = ContinuousClock.now - start
        try await shop.projectionRunner().catchUp()
        let written = try await shop.store.headPosition().rawValue - head.rawValue
        let outcome = try await Self.outcome(run: run, shop: shop)
        return Result(
            orderIds: ids, confirmed: outcome.confirmed, cancelled: outcome.cancelled, cancellations: outcome.reasons,
            elapsed: elapsed, eventsWritten: written, statistics: statistics)
    }

    /// Places the orders from `placers` tasks, each taking the next one.
    static func place(_ ids: [String], shop: ShopServices, placers: Int) async throws {
        let next = Locked(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<placers {
                group.addTask {
                    var random = SystemRandomNumberGenerator()
                    while let index = next.withLock({ value -> Int? in
                        guard value < ids.count else { return nil }
                        value += 1
                        return value - 1
                    }) {
                        let count = Int.random(in: 1...3, using: &random)
                        let skus = Catalog.products.map(\.sku).shuffled(using: &random).prefix(count)
                        let items = skus.map { (sku: $0, quantity: Int.random(in: 1...3, using: &random)) }
                        try await shop.ordering.place(
                            id: ids[index], customer: "customer-\(index % 37)", items: items,
                            context: CommandContext(correlationId: "demo-\(ids[index])"))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Settled and notified orders of this run, from the read model and the mailer's table.
    static func progress(run: String, placed: Int, shop: ShopServices) async throws -> Progress {
        let counts = try await shop.storage.orderCounts(orderIdPrefix: "\(run)-")
        var progress = Progress(placed: placed)
        progress.confirmed = counts["confirmed"] ?? 0
        progress.cancelled = counts["cancelled"] ?? 0
        progress.notified = try await shop.storage.sentNotificationCount(orderIdPrefix: "\(run)-")
        return progress
    }

    /// Whether every group has handled everything published so far: no lag in
    /// any group, and nothing appended while the groups were looked at.
    static func caughtUp(_ shop: ShopServices) async throws -> Bool {
        let head = try await shop.store.headPosition()
        for name in ShopServices.groupNames {
            guard let status = try await shop.bus.status(group: name), status.lag == 0 else { return false }
        }
        return try await shop.store.headPosition() == head
    }

    static func outcome(run: String, shop: ShopServices) async throws -> (confirmed: Int, cancelled: Int, reasons: [String: Int]) {
        var confirmed = 0, cancelled = 0
        var reasons: [String: Int] = [:]
        for sent in try await shop.storage.sentNotifications(orderIdPrefix: "\(run)-") {
            if sent.kind == .confirmation {
                confirmed += 1
            } else {
                cancelled += 1
                reasons[String((sent.reason ?? "").split(separator: ":").first ?? ""), default: 0] += 1
            }
        }
        return (confirmed, cancelled, reasons)
    }
}
