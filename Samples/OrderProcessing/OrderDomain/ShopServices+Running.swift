public import Chronicle

extension ShopServices {
    /// Runs services until `body` returns, then stops them (each member finishes
    /// its messages in flight, saves its checkpoints and leaves its group).
    ///
    /// ```swift
    /// let (placed, statistics) = try await shop.running(ShopServices.Service.allCases) {
    ///     try await shop.ordering.place(customer: "ada", items: [(sku: "KETTLE", quantity: 1)])
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - services: The services to run in this process.
    ///   - body: Runs while they do.
    /// - Returns: What `body` returned, and each bus member's statistics by group name.
    /// - Throws: What `body` throws, or a member's `BusError` or storage error.
    public func running<T: Sendable>(
        _ services: [Service], _ body: @escaping @Sendable () async throws -> T
    ) async throws -> (T, [String: BusStatistics]) {
        let members = try services.flatMap { try self.consumers(for: $0) }
        let runner = services.contains(.projections) ? try projectionRunner() : nil
        let value = try await withThrowingTaskGroup(of: T?.self) { group in
            for consumer in members {
                group.addTask {
                    try await consumer.run()
                    return nil
                }
            }
            if let runner {
                group.addTask {
                    try await runner.run()
                    return nil
                }
            }
            group.addTask { try await body() }
            var result: T?
            while let next = try await group.next() {
                if let next {
                    result = next
                    group.cancelAll()
                }
            }
            return result
        }
        guard let value else { throw CancellationError() }
        var statistics: [String: BusStatistics] = [:]
        for consumer in members { statistics[consumer.group.name] = consumer.statistics }
        return (value, statistics)
    }
}
