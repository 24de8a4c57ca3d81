internal import ArgumentParser
@_spi(Implementing) internal import Chronicle
internal import Foundation

/// `chronicle bus publish`: one message to a topic.
struct BusPublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish one message to a topic; prints its id and position.",
        discussion: ChronicleCommands.discussion(
            """
            The message goes to stream TOPIC-ID, where ID is --stream or a new id. Messages of one
            stream are delivered in order. With --delay or --deliver-at it stays invisible to consumers
            until due (a consumer process publishes it then); its position is then that of its
            scheduled entry. With --ttl a group that has not handled it that long after it became
            visible dead-letters it as expired. --data takes JSON text, @FILE or - for standard input.

            EXAMPLES
              chronicle bus publish orders --type OrderPlaced --data '{"total":42}' --stream 42
              chronicle bus publish reminders --type Remind --data '{}' --delay 30s --ttl 10m
              chronicle bus publish orders --type OrderPlaced --data @order.json --correlation-id req-7 --json
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The topic (a stream category: no '-').")
    var topic: String

    @Option(help: "The message's type name (OrderPlaced).")
    var type: String

    @Option(help: ArgumentHelp("The message's data: JSON text, @FILE or - for standard input.", valueName: "json"))
    var data: String

    @Option(help: ArgumentHelp("The stream id within the topic; a new id by default.", valueName: "id"))
    var stream: String?

    @Option(help: ArgumentHelp("The message id (a UUID); a new time-ordered one by default.", valueName: "uuid"))
    var id: String?

    @Option(help: ArgumentHelp("The correlation id.", valueName: "id"))
    var correlationId: String?

    @Option(help: ArgumentHelp("The id of the message or command that caused this one.", valueName: "id"))
    var causationId: String?

    @Option(
        name: .customLong("header"), parsing: .singleValue,
        help: ArgumentHelp("A header, KEY=VALUE; repeatable.", valueName: "key=value"))
    var headers: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Deliver after this long (250ms, 5s, 2m, 1h).", valueName: "duration"))
    var delay: String?

    @Option(help: ArgumentHelp("Deliver at this ISO-8601 time.", valueName: "time"))
    var deliverAt: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("How long it stays deliverable once visible.", valueName: "duration"))
    var ttl: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let topic = try parseTopic(topic)
        if topic.isAll { throw CommandError(.badInput, "messages are published to a named topic, not to $all") }
        guard AppendValidation.isValidTypeName(type) else {
            throw CommandError(.badInput, "--type '\(type)' is not a valid type name: 1 to 256 bytes, no control characters")
        }
        if let stream { _ = try parseStream("\(topic.name)-\(stream)") }
        if delay != nil && deliverAt != nil {
            throw CommandError(.badInput, "give --delay or --deliver-at, not both")
        }
        var due: Date?
        if let delay { due = Date().addingTimeInterval(try DurationText.parse(delay, option: "--delay").timeInterval) }
        if let deliverAt { due = try Timestamp.parse(deliverAt) }
        let timeToLive = try ttl.map { try DurationText.parse($0, option: "--ttl") }
        var messageId: UUID?
        if let id {
            guard let parsed = UUID(uuidString: id) else { throw CommandError(.badInput, "--id '\(id)' is not a UUID") }
            messageId = parsed
        }
        var headerValues: [String: String] = [:]
        for header in headers {
            guard let equals = header.firstIndex(of: "="), equals != header.startIndex else {
                throw CommandError(.badInput, "--header '\(header)' is not KEY=VALUE")
            }
            headerValues[String(header[..<equals])] = String(header[header.index(after: equals)...])
        }
        if let reserved = headerValues.keys.sorted().first(where: { $0.hasPrefix("chronicle.") }) {
            throw CommandError(.badInput, "--header '\(reserved)': headers starting with 'chronicle.' are the bus's own")
        }
        let payload = try AppendCommand.jsonInput(data, option: "--data")
        let metadata = EventMetadata(correlationId: correlationId, causationId: causationId, headers: headerValues)
        // Without --id, the time-ordered id every NewEvent gets by default.
        let event =
            messageId.map { NewEvent(id: $0, type: type, data: payload, metadata: metadata) }
            ?? NewEvent(type: type, data: payload, metadata: metadata)

        let opened = try await storeOptions.open(.createIfMissing)
        defer { opened.close() }
        let receipt = try await opened.bus.publish(
            event, to: topic, key: stream, deliverAt: due, timeToLive: timeToLive)
        let out = TextOutput.standardOutput
        if json {
            var members: [(String, JSONValue)] = [
                ("id", .string(receipt.id.uuidString.lowercased())), ("stream", .string(receipt.stream.description)),
                ("position", .int(receipt.position.rawValue)),
            ]
            if let due = receipt.deliverAt { members.append(("deliverAt", .string(Timestamp.format(due)))) }
            out.line(JSONValue.object(members).serialized())
        } else if let due = receipt.deliverAt {
            out.line(
                "scheduled \(type) \(receipt.id.uuidString.lowercased()) for \(receipt.stream) at \(Timestamp.format(due)) "
                    + "(entry at position \(receipt.position))")
        } else {
            out.line("published \(type) \(receipt.id.uuidString.lowercased()) to \(receipt.stream) at position \(receipt.position)")
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) * 1e-18
    }
}
