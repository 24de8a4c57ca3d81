import Chronicle
import Foundation
import Testing

/// The one handler builder: decoding, the type check, the last registration
/// winning and the filter are the core's, whatever the handler's signature.
@Suite("ProjectionHandlerSet")
struct ProjectionHandlerSetTests {
    let registry: EventTypeRegistry

    init() throws {
        registry = try EventTypeRegistry().registering(MoneyDeposited.self).registering(AuditNoteAdded.self)
    }

    private func record(_ event: NewEvent, position: GlobalPosition = 1) throws -> EventRecord {
        EventRecord(
            position: position, stream: try StreamName("account-1"), version: 1, id: event.id, type: event.type,
            schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata, recordedAt: Date())
    }

    @Test func plainHandlersDecodeTheirTypeAndIgnoreOthers() async throws {
        let seen = Seen()
        var handlers = ProjectionHandlers(registry: registry)
        handlers.on(MoneyDeposited.self) { deposited, record in await seen.add("\(record.position):\(deposited.amount)") }
        #expect(handlers.filter == EventFilter(eventTypes: ["MoneyDeposited"]))
        try await handlers.handle(try record(registry.encode(MoneyDeposited(amount: 5)), position: 3))
        try await handlers.handle(try record(registry.encode(AuditNoteAdded(note: "n"))))
        #expect(await seen.items == ["3:5"])
    }

    @Test func theLastRegistrationWins() async throws {
        let seen = Seen()
        var handlers = ProjectionHandlers(registry: registry)
        handlers.on(MoneyDeposited.self) { _, _ in await seen.add("first") }
        handlers.on(MoneyDeposited.self) { _, _ in await seen.add("second") }
        try await handlers.handle(try record(registry.encode(MoneyDeposited(amount: 1))))
        #expect(await seen.items == ["second"])
    }

    @Test func aRecordThatDoesNotDecodeIsADecodingError() async throws {
        var handlers = ProjectionHandlers(registry: registry)
        handlers.on(MoneyDeposited.self) { _, _ in }
        let broken = NewEvent(type: "MoneyDeposited", data: Data("{\"amount\":\"many\"}".utf8))
        await #expect(throws: EventCodingError.self) { try await handlers.handle(try record(broken)) }
    }

    @Test func anotherSignatureGetsItsContext() throws {
        // What a backend does: its own handler signature over the same builder.
        typealias Handler = @Sendable (EventRecord, inout [Int]) throws -> Void
        var handlers = ProjectionHandlerSet<Handler>(registry: registry)
        handlers.register(MoneyDeposited.self) { decode in { record, totals in totals.append(try decode(record).amount) } }
        var totals: [Int] = []
        let deposited = try record(registry.encode(MoneyDeposited(amount: 7)))
        try handlers.handler(for: deposited)?(deposited, &totals)
        #expect(totals == [7])
        #expect(handlers.handler(for: try record(registry.encode(AuditNoteAdded(note: "n")))) == nil)
    }
}

private actor Seen {
    var items: [String] = []
    func add(_ item: String) { items.append(item) }
}
