/// The global log read lazily in pages: see ``EventStore/events(from:filter:pageSize:)``.
///
/// ```swift
/// for try await event in store.events(from: .start) { print(event.position) }
/// ```
public struct GlobalLogEvents: AsyncSequence, Sendable {
    public typealias Element = EventRecord

    let store: any EventStore
    let start: GlobalPosition
    let filter: EventFilter
    let pageSize: Int

    init(store: any EventStore, from start: GlobalPosition, filter: EventFilter, pageSize: Int) {
        self.store = store
        self.start = start
        self.filter = filter
        self.pageSize = pageSize
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, next: start, filter: filter, pageSize: pageSize)
    }

    /// Reads the next page when the current one is used up.
    public struct Iterator: AsyncIteratorProtocol {
        let store: any EventStore
        var next: GlobalPosition
        let filter: EventFilter
        let pageSize: Int
        var page: [EventRecord] = []
        var index = 0
        var finished = false

        init(store: any EventStore, next: GlobalPosition, filter: EventFilter, pageSize: Int) {
            self.store = store
            self.next = next
            self.filter = filter
            self.pageSize = pageSize
        }

        public mutating func next() async throws -> EventRecord? {
            if index == page.count {
                if finished { return nil }
                try Task.checkCancellation()
                page = try await store.readAll(from: next, limit: pageSize, filter: filter)
                index = 0
                if page.count < pageSize { finished = true }
                guard let last = page.last else { return nil }
                next = last.position.next
            }
            defer { index += 1 }
            return page[index]
        }
    }
}

/// One stream read lazily in pages: see ``EventStore/streamEvents(_:from:direction:pageSize:)``.
///
/// ```swift
/// for try await event in store.streamEvents(stream, direction: .backward) { print(event.version) }
/// ```
public struct StreamEvents: AsyncSequence, Sendable {
    public typealias Element = EventRecord

    let store: any EventStore
    let stream: StreamName
    let start: Int64
    let direction: ReadDirection
    let pageSize: Int

    init(store: any EventStore, stream: StreamName, from start: Int64, direction: ReadDirection, pageSize: Int) {
        self.store = store
        self.stream = stream
        self.start = start
        self.direction = direction
        self.pageSize = pageSize
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, stream: stream, next: start, direction: direction, pageSize: pageSize)
    }

    /// Reads the next page when the current one is used up.
    public struct Iterator: AsyncIteratorProtocol {
        let store: any EventStore
        let stream: StreamName
        var next: Int64
        let direction: ReadDirection
        let pageSize: Int
        var page: [EventRecord] = []
        var index = 0
        var finished = false

        init(store: any EventStore, stream: StreamName, next: Int64, direction: ReadDirection, pageSize: Int) {
            self.store = store
            self.stream = stream
            self.next = next
            self.direction = direction
            self.pageSize = pageSize
        }

        public mutating func next() async throws -> EventRecord? {
            if index == page.count {
                if finished { return nil }
                try Task.checkCancellation()
                page = try await store.readStream(stream, from: next, direction: direction, limit: pageSize)
                index = 0
                if page.count < pageSize { finished = true }
                guard let last = page.last else { return nil }
                switch direction {
                case .forward: next = last.version + 1
                case .backward:
                    next = last.version - 1
                    if next < 1 { finished = true }
                }
            }
            defer { index += 1 }
            return page[index]
        }
    }
}
