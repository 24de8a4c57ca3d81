import Chronicle
import Foundation
import Testing

@Suite("Bus request-reply")
struct RequestReplyTests {
    /// Answers every request published to `stock` with the request's payload, as a responder service would.
    private func respond(_ bus: EventBus, count: Int) -> Task<[EventRecord], any Error> {
        Task {
            var handled: [EventRecord] = []
            var seen = GlobalPosition.none
            while handled.count < count {
                let complete = try await bus.store.completePosition()
                let page = try await bus.store.readAll(
                    from: seen.next, limit: 100, filter: EventFilter(categories: ["stock"]))
                for request in page where request.position <= complete {
                    try await bus.reply(to: request, with: message("StockLevel", String(decoding: request.data, as: UTF8.self)))
                    handled.append(request)
                    seen = request.position
                }
                if page.count < 100, page.allSatisfy({ $0.position <= complete }) { seen = max(seen, complete) }
                try await bus.store.waitForAppends(after: seen)
            }
            return handled
        }
    }

    @Test func aRequestGetsItsReply() async throws {
        let store = InMemoryEventStore()
        let bus = makeBus(store)
        let responder = respond(bus, count: 1)
        var request = message("CheckStock", #"{"sku":"A-1"}"#)
        request.metadata.correlationId = "order-7"
        let reply = try await bus.request(request, to: "stock", key: "A-1", timeout: .seconds(60))
        let handled = try await responder.value

        #expect(reply.type == "StockLevel")
        #expect(reply.data == request.data)
        #expect(reply.stream.description == "$reply-order-7")
        #expect(reply.metadata.correlationId == "order-7")
        #expect(reply.metadata.causationId == request.id.uuidString.lowercased())
        let sent = try #require(handled.first)
        #expect(sent.id == request.id)
        #expect(sent.stream.description == "stock-A-1")
        #expect(sent.metadata.headers[MessageHeaders.replyTo] == "$reply-order-7")
        #expect(ReceivedMessage(record: sent, group: "g", partition: 0, attempt: 1).replyTo == reply.stream)
    }

    @Test func aRequestWithoutCorrelationGetsANewOne() async throws {
        let bus = makeBus(InMemoryEventStore())
        let responder = respond(bus, count: 1)
        let request = message("CheckStock")
        let reply = try await bus.request(request, to: "stock", timeout: .seconds(60))
        let sent = try #require(try await responder.value.first)
        let correlation = try #require(sent.metadata.correlationId)
        #expect(correlation != request.id.uuidString.lowercased())
        #expect(reply.metadata.correlationId == correlation)
        #expect(reply.stream.id == correlation)
    }

    @Test func requestsSharingACorrelationIdDoNotTakeEachOthersReplies() async throws {
        let bus = makeBus(InMemoryEventStore())
        let responder = respond(bus, count: 2)
        var first = message("CheckStock", "1")
        first.metadata.correlationId = "conversation"
        var second = message("CheckStock", "2")
        second.metadata.correlationId = "conversation"
        let one = try await bus.request(first, to: "stock", timeout: .seconds(60))
        let two = try await bus.request(second, to: "stock", timeout: .seconds(60))
        _ = try await responder.value
        #expect(String(decoding: one.data, as: UTF8.self) == "1")
        #expect(String(decoding: two.data, as: UTF8.self) == "2")
        #expect(two.metadata.causationId == second.id.uuidString.lowercased())
    }

    @Test func noReplyInTimeIsATypedError() async throws {
        let bus = makeBus(InMemoryEventStore())
        let started = ContinuousClock.now
        let error = await #expect(throws: BusError.self) {
            try await bus.request(message("CheckStock"), to: "stock", timeout: .milliseconds(200))
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .requestTimedOut)
        #expect(error.map { BusError.requestTimedOut ~= $0 } == true)
        #expect(error?.message.contains("'CheckStock'") == true)
        #expect(error?.message.contains("'stock'") == true)
        #expect(error?.message.contains("0.2 seconds") == true, "\(String(describing: error))")
        #expect(elapsed >= .milliseconds(200))
        // A hang detector, not a latency bound: a starved pool on a loaded 2-core machine has taken 17 s.
        #expect(elapsed < .seconds(60), "gives up at the timeout, not never: \(elapsed)")
    }

    @Test func badTimeoutsAndRepliesToNonRequestsAreInvalidArguments() async throws {
        let store = InMemoryEventStore()
        let bus = makeBus(store)
        let plain = try await bus.publish(message("Notice"), to: "stock")
        let head = try await store.headPosition()
        let record = try #require(try await store.readAll(from: plain.position, limit: 1).first)
        let received = ReceivedMessage(record: record, group: "g", partition: 0, attempt: 1)
        let noReplyTo = await #expect(throws: EventStoreError.self) {
            try await bus.reply(to: received, with: message("Answer"))
        }
        #expect(noReplyTo?.code == .invalidArgument)
        #expect(noReplyTo?.message.contains(MessageHeaders.replyTo) == true)
        let badTimeout = await #expect(throws: EventStoreError.self) {
            try await bus.request(message("CheckStock"), to: "stock", timeout: .zero)
        }
        #expect(badTimeout?.code == .invalidArgument)
        #expect(try await store.headPosition() == head, "nothing was appended")
    }
}
