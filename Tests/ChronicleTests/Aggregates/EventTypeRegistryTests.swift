import Chronicle
import Foundation
import Testing

// Schema evolution of one event type: v1 {"name"}, v2 {"name", "currency"},
// v3 {"first", "last", "currency"}, v4 {"first", "last", "currency", "vip"}.

struct CustomerRegisteredV1: Codable, Sendable {
    var name: String
}

struct CustomerRegisteredV3: Codable, Sendable {
    var first: String
    var last: String
    var currency: String
}

struct CustomerRegistered: DomainEvent, Equatable {
    static let eventType = "CustomerRegistered"
    static let schemaVersion = 4
    static let upcasters: [EventUpcaster] = [
        // v1 -> v2: JSON edit.
        .json(from: 1) { payload in payload["currency"] = "EUR" },
        // v2 -> v3: typed, split the name.
        .typed(from: 2, CustomerRegisteredV2.self) { old in
            let parts = old.name.split(separator: " ", maxSplits: 1).map(String.init)
            return CustomerRegisteredV3(first: parts[0], last: parts.count > 1 ? parts[1] : "", currency: old.currency)
        },
        // v3 -> v4: raw bytes.
        EventUpcaster(from: 3) { data in
            var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            object["vip"] = false
            return try JSONSerialization.data(withJSONObject: object)
        },
    ]

    var first: String
    var last: String
    var currency: String
    var vip: Bool
}

struct CustomerRegisteredV2: Codable, Sendable {
    var name: String
    var currency: String
}

@Suite("EventTypeRegistry")
struct EventTypeRegistryTests {
    let stream = try! StreamName("customer-1")

    func record(_ type: String, schemaVersion: Int, _ json: String, version: Int64 = 1) -> EventRecord {
        EventRecord(
            position: GlobalPosition(version), stream: stream, version: version, id: UUID(), type: type,
            schemaVersion: schemaVersion, data: Data(json.utf8), metadata: .empty, recordedAt: Date())
    }

    @Test func encodesWithTypeNameSchemaVersionAndMetadata() throws {
        let registry = try EventTypeRegistry().registering(MoneyDeposited.self)
        let id = UUID()
        let event = try registry.encode(
            MoneyDeposited(amount: 5), id: id, metadata: EventMetadata(correlationId: "c"))
        #expect(event.id == id)
        #expect(event.type == "MoneyDeposited")
        #expect(event.schemaVersion == 1)
        #expect(String(decoding: event.data, as: UTF8.self) == #"{"amount":5}"#)
        #expect(event.metadata.correlationId == "c")
        let back = try registry.decode(record("MoneyDeposited", schemaVersion: 1, #"{"amount":5}"#))
        #expect(back as? MoneyDeposited == MoneyDeposited(amount: 5))
    }

    @Test func twoTypesUnderOneNameFailAtRegistration() throws {
        struct Impostor: DomainEvent {
            static let eventType = "MoneyDeposited"
            var cents: Int
        }
        var registry = EventTypeRegistry()
        try registry.register(MoneyDeposited.self)
        expectCodingError(.duplicateTypeName) { try registry.register(Impostor.self) }
        do {
            try registry.register(Impostor.self)
        } catch let error as EventCodingError {
            #expect(error.typeName == "MoneyDeposited")
            #expect(error.message.contains("Impostor"))
            #expect(error.message.contains("MoneyDeposited"))
        }
        // Registering the same type again is a no-op, and the original stays.
        try registry.register(MoneyDeposited.self)
        #expect(registry.type(named: "MoneyDeposited") == MoneyDeposited.self)
        #expect(registry.typeNames == ["MoneyDeposited"])
    }

    @Test func invalidRegistrationsAreRefused() throws {
        struct Unnamed: DomainEvent { static let eventType = "" }
        struct VersionZero: DomainEvent {
            static let eventType = "VersionZero"
            static let schemaVersion = 0
        }
        struct Gap: DomainEvent {
            static let eventType = "Gap"
            static let schemaVersion = 4
            static let upcasters: [EventUpcaster] = [.json(from: 1) { _ in }, .json(from: 3) { _ in }]
        }
        struct Beyond: DomainEvent {
            static let eventType = "Beyond"
            static let schemaVersion = 2
            static let upcasters: [EventUpcaster] = [.json(from: 1) { _ in }, .json(from: 2) { _ in }]
        }
        struct Twice: DomainEvent {
            static let eventType = "Twice"
            static let schemaVersion = 3
            static let upcasters: [EventUpcaster] = [.json(from: 2) { _ in }, .json(from: 2) { _ in }]
        }
        var registry = EventTypeRegistry()
        expectCodingError(.invalidRegistration) { try registry.register(Unnamed.self) }
        expectCodingError(.invalidRegistration) { try registry.register(VersionZero.self) }
        expectCodingError(.invalidRegistration) { try registry.register(Gap.self) }
        expectCodingError(.invalidRegistration) { try registry.register(Beyond.self) }
        expectCodingError(.invalidRegistration) { try registry.register(Twice.self) }
        #expect(registry.typeNames.isEmpty)
    }

    @Test(arguments: [
        (1, #"{"name":"Ada Lovelace"}"#),
        (2, #"{"name":"Ada Lovelace","currency":"EUR"}"#),
        (3, #"{"first":"Ada","last":"Lovelace","currency":"EUR"}"#),
        (4, #"{"first":"Ada","last":"Lovelace","currency":"EUR","vip":false}"#),
    ])
    func upcasterChainsReachTheCurrentVersion(version: Int, json: String) throws {
        let registry = try EventTypeRegistry().registering(CustomerRegistered.self)
        let event = try registry.decode(record("CustomerRegistered", schemaVersion: version, json))
        #expect(
            event as? CustomerRegistered
                == CustomerRegistered(first: "Ada", last: "Lovelace", currency: "EUR", vip: false))
    }

    @Test func upcastingRunsEachStepOnceInOrder() throws {
        struct Counted: DomainEvent {
            static let eventType = "Counted"
            static let schemaVersion = 4
            static let upcasters: [EventUpcaster] = [
                // Deliberately listed out of order: the registry sorts them.
                .json(from: 3) { $0["steps"] = .string(($0["steps"]?.stringValue ?? "") + "3") },
                .json(from: 1) { $0["steps"] = .string(($0["steps"]?.stringValue ?? "") + "1") },
                .json(from: 2) { $0["steps"] = .string(($0["steps"]?.stringValue ?? "") + "2") },
            ]
            var steps: String
        }
        let registry = try EventTypeRegistry().registering(Counted.self)
        #expect((try registry.decode(record("Counted", schemaVersion: 1, "{}")) as? Counted)?.steps == "123")
        #expect((try registry.decode(record("Counted", schemaVersion: 2, #"{"steps":""}"#)) as? Counted)?.steps == "23")
        #expect((try registry.decode(record("Counted", schemaVersion: 4, #"{"steps":"x"}"#)) as? Counted)?.steps == "x")
        let upcast = try registry.upcast(type: "Counted", schemaVersion: 1, data: Data("{}".utf8))
        #expect(String(decoding: upcast, as: UTF8.self) == #"{"steps":"123"}"#)
    }

    @Test func decodingFailuresAreTypedAndNameTheEvent() throws {
        struct Partial: DomainEvent {
            static let eventType = "Partial"
            static let schemaVersion = 3
            static let upcasters: [EventUpcaster] = [.json(from: 2) { _ in }]
        }
        struct Failing: DomainEvent {
            static let eventType = "Failing"
            static let schemaVersion = 2
            static let upcasters: [EventUpcaster] = [EventUpcaster(from: 1) { _ in throw CocoaError(.coderInvalidValue) }]
        }
        let registry = try EventTypeRegistry()
            .registering(Partial.self).registering(Failing.self).registering(MoneyDeposited.self)

        let unknown = #expect(throws: EventCodingError.self) {
            try registry.decode(self.record("Nope", schemaVersion: 1, "{}", version: 7))
        }
        #expect(unknown?.code == .unknownType)
        #expect(unknown?.stream == stream)
        #expect(unknown?.streamVersion == 7)
        #expect(unknown?.message.contains("customer-1") == true)

        expectCodingError(.schemaVersionTooNew) {
            try registry.decode(self.record("Partial", schemaVersion: 4, "{}"))
        }
        expectCodingError(.missingUpcaster) {
            try registry.decode(self.record("Partial", schemaVersion: 1, "{}"))
        }
        let failed = #expect(throws: EventCodingError.self) {
            try registry.decode(self.record("Failing", schemaVersion: 1, "{}"))
        }
        #expect(failed?.code == .upcastFailed)
        #expect(failed?.cause is CocoaError)
        let bad = #expect(throws: EventCodingError.self) {
            try registry.decode(self.record("MoneyDeposited", schemaVersion: 1, #"{"amount":"ten"}"#))
        }
        #expect(bad?.code == .decodingFailed)
        #expect(bad?.cause is DecodingError)
        expectCodingError(.unknownType) { try registry.encode(AccountUnfrozen()) }
    }

    @Test func theCodecIsPluggable() throws {
        /// JSON wrapped in base64: visibly not the default codec.
        struct Base64JSON: EventCodec {
            func encode<Value: Encodable>(_ value: Value) throws -> Data {
                Data(try JSONEncoder().encode(value).base64EncodedString().utf8)
            }
            func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
                guard let raw = Data(base64Encoded: data) else { throw CocoaError(.coderReadCorrupt) }
                return try JSONDecoder().decode(type, from: raw)
            }
        }
        struct PriceSetV2: Codable, Sendable { var cents: Int; var currency: String }
        struct PriceSet: DomainEvent, Equatable {
            static let eventType = "PriceSet"
            static let schemaVersion = 3
            // JSON-tree and typed upcasters go through the registry's codec, whatever it is.
            static let upcasters: [EventUpcaster] = [
                .json(from: 1) { $0["currency"] = "EUR" },
                .typed(from: 2, PriceSetV2.self) { PriceSet(amount: Double($0.cents) / 100, currency: $0.currency) },
            ]
            var amount: Double
            var currency: String
        }
        let registry = try EventTypeRegistry(codec: Base64JSON()).registering(PriceSet.self)
        let encoded = try registry.encode(PriceSet(amount: 2.5, currency: "USD"))
        #expect(Data(base64Encoded: encoded.data) != nil)
        let back = try registry.decode(
            record("PriceSet", schemaVersion: 3, String(decoding: encoded.data, as: UTF8.self)))
        #expect(back as? PriceSet == PriceSet(amount: 2.5, currency: "USD"))
        let v1 = Data(#"{"cents":250}"#.utf8).base64EncodedString()
        #expect(try registry.decode(record("PriceSet", schemaVersion: 1, v1)) as? PriceSet == PriceSet(amount: 2.5, currency: "EUR"))
    }

    @Test func jsonValueRoundTripsAndEdits() throws {
        let json = #"{"big":9007199254740993,"list":[1,2.5,"x",null,true],"nested":{"a":{"b":1}}}"#
        var value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        #expect(value["big"]?.integerValue == 9_007_199_254_740_993)
        #expect(value["list"]?.arrayValue?.count == 5)
        #expect(value["list"]?.arrayValue?[1] == .double(2.5))
        #expect(value["nested"]?["a"]?["b"] == 1)
        value["nested"] = nil
        value["added"] = ["k": "v"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(
            String(decoding: try encoder.encode(value), as: UTF8.self)
                == #"{"added":{"k":"v"},"big":9007199254740993,"list":[1,2.5,"x",null,true]}"#)
        #expect(value.description == #"{"added":{"k":"v"},"big":9007199254740993,"list":[1,2.5,"x",null,true]}"#)
    }
}
