internal import ArgumentParser
@_spi(Implementing) internal import Chronicle
internal import Foundation

/// `chronicle append`: appends one event to a stream.
struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append one event to a stream; prints its position and version.",
        discussion: ChronicleCommands.discussion(
            """
            --data and --metadata take JSON text, @FILE to read a file, or - to read standard input.
            The store file is created when missing. A version conflict exits with 3 and names the
            expected and actual versions; invalid JSON or stream names exit with 2.

            EXAMPLES
              chronicle append order-42 --type OrderPlaced --data '{"customer":"ada"}' --store events.sqlite
              chronicle append order-42 --type OrderPaid --data @paid.json --expected-version 1
              chronicle append order-42 --type OrderNoted --data '{}' --metadata '{"correlationId":"req-7"}'
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The stream, written category-id (order-42).")
    var stream: String

    @Option(help: "The event's type name (OrderPlaced).")
    var type: String

    @Option(help: ArgumentHelp("The event's data: JSON text, @FILE or - for standard input.", valueName: "json"))
    var data: String

    @Option(
        help: ArgumentHelp(
            "The metadata: a JSON object with correlationId, causationId and headers (strings).", valueName: "json"))
    var metadata: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "What the stream's version must be: a number, any, no-stream or exists.", valueName: "version"))
    var expectedVersion = "any"

    @Option(help: ArgumentHelp("The event id (a UUID); a new time-ordered one by default.", valueName: "uuid"))
    var id: String?

    @Option(parsing: .unconditional, help: "The schema version of the data.")
    var schemaVersion = 1

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        // Check everything before opening (and perhaps creating) the store.
        let streamName = try parseStream(stream)
        guard AppendValidation.isValidTypeName(type) else {
            throw CommandError(
                .badInput, "--type '\(type)' is not a valid type name: 1 to 256 bytes, no control characters")
        }
        guard schemaVersion >= 1 else {
            throw CommandError(.badInput, "--schema-version must be 1 or more, got \(schemaVersion)")
        }
        let expected = try Self.parseExpectedVersion(expectedVersion)
        var eventId: UUID?
        if let id {
            guard let parsed = UUID(uuidString: id) else { throw CommandError(.badInput, "--id '\(id)' is not a UUID") }
            eventId = parsed
        }
        let payload = try Self.jsonInput(data, option: "--data")
        var eventMetadata = EventMetadata.empty
        if let metadata {
            let bytes = try Self.jsonInput(metadata, option: "--metadata")
            guard bytes.first == UInt8(ascii: "{"), let parsed = try? EventMetadata(jsonData: bytes) else {
                throw CommandError(
                    .badInput,
                    "--metadata must be a JSON object with string \"correlationId\" and \"causationId\" "
                        + "and a \"headers\" object of strings")
            }
            eventMetadata = parsed
        }
        // Without --id, the time-ordered id every NewEvent gets by default.
        let event =
            eventId.map { NewEvent(id: $0, type: type, schemaVersion: schemaVersion, data: payload, metadata: eventMetadata) }
            ?? NewEvent(type: type, schemaVersion: schemaVersion, data: payload, metadata: eventMetadata)

        let opened = try await storeOptions.open(.createIfMissing)
        defer { opened.close() }
        let result = try await opened.store.append([event], to: streamName, expecting: expected)
        let position = result.positions?.lowerBound ?? .none
        let out = TextOutput.standardOutput
        if json {
            out.line(
                JSONValue.object([
                    ("stream", .string(streamName.description)), ("version", .int(result.version)),
                    ("position", .int(position.rawValue)), ("id", .string(event.id.uuidString.lowercased())),
                ]).serialized())
        } else {
            out.line("appended \(type) to \(streamName) at version \(result.version), position \(position)")
        }
    }

    /// Parses `any`, `no-stream`, `exists` or a version number.
    static func parseExpectedVersion(_ text: String) throws -> ExpectedVersion {
        switch text.lowercased() {
        case "any": return .any
        case "no-stream", "nostream", "none": return .noStream
        case "exists", "stream-exists": return .streamExists
        default:
            guard let version = Int64(text), version >= 0 else {
                throw CommandError(
                    .badInput,
                    "--expected-version '\(text)' is not a version number (0 or more), any, no-stream or exists")
            }
            return .exactly(version)
        }
    }

    /// Reads a JSON option: inline text, `@FILE` or `-` (standard input); checks
    /// that it is JSON (in UTF-8) and trims surrounding whitespace.
    static func jsonInput(_ value: String, option: String) throws -> Data {
        var bytes: [UInt8]
        if value == "-" {
            bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        } else if value.hasPrefix("@") {
            let path = String(value.dropFirst())
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CommandError(.badInput, "\(option) file '\(path)' cannot be read")
            }
            bytes = [UInt8](contents)
        } else {
            bytes = Array(value.utf8)
        }
        do {
            let range = try JSONReader.validate(bytes)
            bytes = Array(bytes[range])
        } catch {
            throw CommandError(.badInput, "\(option) is not valid JSON: \(error)")
        }
        return Data(bytes)
    }
}

/// Parses a stream name given on the command line; an invalid one is bad input.
func parseStream(_ text: String) throws -> StreamName {
    do {
        return try StreamName(text)
    } catch let error as EventStoreError {
        throw CommandError(.badInput, error.message)
    }
}

/// Checks a category given on the command line; an invalid one is bad input.
func parseCategory(_ text: String) throws -> String {
    do {
        try StreamName.validateCategory(text)
        return text
    } catch is EventStoreError {
        throw CommandError(
            .badInput, "invalid category '\(text)': a category is not empty and holds no '-' or control characters")
    }
}
