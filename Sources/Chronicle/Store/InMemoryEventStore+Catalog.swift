extension InMemoryEventStore: StreamCatalog {
    public func streams(category: String?, after: StreamName?, limit: Int) async throws -> [StreamInfo] {
        try AppendValidation.checkLimit(limit)
        if let category { try StreamName.validateCategory(category) }
        let names = streamIndexes.keys
            .filter { name in
                (category.map { name.category.utf8.elementsEqual($0.utf8) } ?? true) && (after.map { $0.precedesInCatalog(name) } ?? true)
            }
            .sorted { $0.precedesInCatalog($1) }
            .prefix(limit)
        return names.map { name in
            let indexes = streamIndexes[name]!
            return StreamInfo(stream: name, version: Int64(indexes.count), updatedAt: log[indexes.last!].recordedAt)
        }
    }

    public func statistics() async throws -> StoreStatistics {
        StoreStatistics(
            eventCount: Int64(log.count), streamCount: Int64(streamIndexes.count),
            headPosition: GlobalPosition(Int64(log.count)), headRecordedAt: log.last?.recordedAt)
    }
}
