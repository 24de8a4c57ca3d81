internal import Chronicle
internal import Foundation

/// Stored payloads decoded through a registry with upcasters: typed errors
/// only, the error the documentation names for each kind of bad record, and
/// decoded events that survive encoding at the current schema version.
///
/// Input: byte 0 picks the type name, byte 1 is the stored schema version (a
/// signed byte), the rest is the payload.
enum EventDecodingCheck {
    /// v1 `{"customer","sku"}`; v2 added `currency`; v3 turned the item into lines.
    struct OrderPlaced: DomainEvent, Equatable {
        static let eventType = "OrderPlaced"
        static let schemaVersion = 3
        static let upcasters: [EventUpcaster] = [
            .json(from: 1) { payload in
                if payload["currency"] == nil { payload["currency"] = "EUR" }
            },
            .typed(from: 2, V2.self) { old in
                OrderPlaced(
                    customer: old.customer, lines: [Line(sku: old.sku, quantity: old.quantity ?? 1)],
                    currency: old.currency)
            },
        ]
        struct Line: Codable, Equatable, Sendable {
            let sku: String
            let quantity: Int
        }
        struct V2: Decodable, Sendable {
            let customer: String
            let sku: String
            let quantity: Int?
            let currency: String
        }
        let customer: String
        let lines: [Line]
        let currency: String
    }

    struct OrderPaid: DomainEvent, Equatable {
        static let eventType = "OrderPaid"
        let amount: Int64
        let paidAt: Date?
        let reference: String?
    }

    /// v1 payloads were plain UTF-8 text, not JSON.
    struct NoteAdded: DomainEvent, Equatable {
        static let eventType = "NoteAdded"
        static let schemaVersion = 2
        static let upcasters = [
            EventUpcaster(from: 1) { data in
                guard let text = String(data: data, encoding: .utf8) else { throw CocoaError(.fileReadInapplicableStringEncoding) }
                return try JSONEncoder().encode(NoteAdded(text: text))
            }
        ]
        let text: String
    }

    static let registry: EventTypeRegistry = {
        do {
            return try EventTypeRegistry().registering(OrderPlaced.self).registering(OrderPaid.self)
                .registering(NoteAdded.self)
        } catch {
            fatalError("the fuzz registry is invalid: \(error)")
        }
    }()

    static let types: [(name: String, current: Int, oldest: Int)] = [
        ("OrderPlaced", 3, 1), ("OrderPaid", 1, 1), ("NoteAdded", 2, 1), ("CustomerMoved", 0, 0),
    ]

    static func check(_ input: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        func finding(_ message: String) -> FuzzFinding { FuzzFinding(target: .eventDecoding, message: message) }
        guard input.count >= 2 else { return .rejected("too short") }
        let type = types[Int(input[0]) % types.count]
        let version = Int(Int8(bitPattern: input[1]))
        let data = Data(input[2...])
        let record = EventRecord(
            position: 7, stream: Self.stream, version: 3, id: UUID(), type: type.name, schemaVersion: version,
            data: data, metadata: .empty, recordedAt: Date(timeIntervalSince1970: 0))
        let event: any DomainEvent
        do {
            event = try registry.decode(record)
        } catch let error as EventCodingError {
            let expected: [EventCodingError.Code]
            if type.current == 0 {
                expected = [.unknownType]
            } else if version > type.current {
                expected = [.schemaVersionTooNew]
            } else if version < type.oldest {
                expected = [.missingUpcaster]
            } else if version < type.current {
                expected = [.upcastFailed, .decodingFailed]
            } else {
                expected = [.decodingFailed]
            }
            guard expected.contains(error.code) else {
                throw finding("\(type.name) v\(version): \(error.code), expected one of \(expected)")
            }
            guard error.stream == Self.stream, error.streamVersion == 3 else {
                throw finding("the error does not name the record's stream and version: \(error)")
            }
            return .rejected(error.description)
        } catch {
            throw finding("decode threw \(Swift.type(of: error)): \(error)")
        }
        // Encoded at the current version, the event decodes to itself.
        do {
            switch event {
            case let placed as OrderPlaced: try expectRoundTrip(placed)
            case let paid as OrderPaid: try expectRoundTrip(paid)
            case let note as NoteAdded: try expectRoundTrip(note)
            default: throw finding("decoded as \(Swift.type(of: event)) from '\(type.name)'")
            }
        } catch let error as FuzzFinding {
            throw error
        } catch {
            throw finding("\(event) does not survive encoding: \(error)")
        }
        return .accepted
    }

    static let stream: StreamName = {
        do { return try StreamName("order-7") } catch { fatalError("\(error)") }
    }()

    static func expectRoundTrip<E: DomainEvent & Equatable>(_ event: E) throws {
        let encoded = try registry.encode(event)
        let decoded = try registry.decode(type: encoded.type, schemaVersion: encoded.schemaVersion, data: encoded.data)
        guard decoded as? E == event else {
            throw FuzzFinding(target: .eventDecoding, message: "\(event) came back as \(decoded)")
        }
    }
}
