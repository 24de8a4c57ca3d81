public import CoreMetrics
public import Foundation

/// The default ``EventCodec``: JSON, with the results of Foundation's `JSONEncoder`
/// and `JSONDecoder`.
///
/// Keys are sorted, so the same value always gives the same bytes. Dates use the
/// encoder's default strategy (a `Double` of seconds), which round-trips exactly;
/// pass configured coders to store ISO 8601 strings instead.
///
/// Small events are decoded in about a third of the time Foundation's coders
/// take, and encoded in about half of it (`chronicle bench --workload codec`):
/// payloads made of strings, integers, booleans, arrays, nested structs and
/// dictionaries are encoded and decoded straight from bytes, giving
/// exactly the bytes and values Foundation's coders give. Anything else (dates,
/// data, floating-point numbers, custom key strategies, malformed input) goes
/// through Foundation's coders, which also report every error; an `encode(to:)`
/// or `init(from:)` that throws runs a second time there. Each such payload is
/// counted in `chronicle_codec_fallbacks_total` (dimension `direction`: `encode`
/// or `decode`), so an event type that always takes the slow way shows.
///
/// ```swift
/// let encoder = JSONEncoder()
/// encoder.dateEncodingStrategy = .iso8601
/// let decoder = JSONDecoder()
/// decoder.dateDecodingStrategy = .iso8601
/// let registry = EventTypeRegistry(codec: JSONEventCodec(encoder: encoder, decoder: decoder))
/// ```
public struct JSONEventCodec: EventCodec {
    private let encoder: JSONEncoder
    private let decoder: JSONDecoder
    /// Whether the encoder's settings write what the fast path writes.
    private let encodesFast: Bool
    /// Whether the decoder's settings read what the fast path reads.
    private let decodesFast: Bool
    /// The coders' user info, read once: reading it from a coder takes a lock and
    /// copies it, which costs more than decoding a small event.
    private let encoderUserInfo: [CodingUserInfoKey: any Sendable]
    private let decoderUserInfo: [CodingUserInfoKey: any Sendable]
    /// Payloads that went to Foundation's coders after the fast path could not take them.
    private let encodeFallbacks: Counter
    private let decodeFallbacks: Counter

    /// The name of the counter of payloads that the fast path handed to Foundation's coders.
    public static let fallbacksLabel = "chronicle_codec_fallbacks_total"

    /// Creates a JSON codec.
    ///
    /// The coders are used as given and must not be changed afterwards (they are
    /// shared by every task that encodes or decodes).
    ///
    /// ```swift
    /// let codec = JSONEventCodec()
    /// ```
    ///
    /// - Parameters:
    ///   - encoder: The encoder; by default one with sorted keys and unescaped slashes.
    ///   - decoder: The decoder; a default `JSONDecoder` by default.
    ///   - metricsFactory: Where `chronicle_codec_fallbacks_total` is counted;
    ///     `MetricsSystem.factory` when `nil`.
    public init(
        encoder: JSONEncoder? = nil, decoder: JSONDecoder = JSONDecoder(), metricsFactory: (any MetricsFactory)? = nil
    ) {
        if let encoder {
            self.encoder = encoder
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            self.encoder = encoder
        }
        self.decoder = decoder
        var encodesFast = self.encoder.outputFormatting == [.sortedKeys, .withoutEscapingSlashes]
        if case .useDefaultKeys = self.encoder.keyEncodingStrategy {} else { encodesFast = false }
        self.encodesFast = encodesFast
        var decodesFast = !decoder.assumesTopLevelDictionary
        if case .useDefaultKeys = decoder.keyDecodingStrategy {} else { decodesFast = false }
        self.decodesFast = decodesFast
        self.encoderUserInfo = self.encoder.userInfo
        self.decoderUserInfo = decoder.userInfo
        let factory = metricsFactory ?? MetricsSystem.factory
        encodeFallbacks = Counter(label: Self.fallbacksLabel, dimensions: [("direction", "encode")], factory: factory)
        decodeFallbacks = Counter(label: Self.fallbacksLabel, dimensions: [("direction", "decode")], factory: factory)
    }

    public func encode<Value: Encodable>(_ value: Value) throws -> Data {
        if encodesFast {
            if let data = try? JSONPayloadEncoder.encode(value, userInfo: encoderUserInfo) { return data }
            encodeFallbacks.increment()
        }
        return try encoder.encode(value)
    }

    /// A decoder for a run of payloads on one task (see
    /// ``JSONPayloadDecoder/decode(_:from:)``), or `nil` when this codec's
    /// settings keep payloads off the fast path.
    func runDecoder() -> JSONPayloadDecoder? {
        decodesFast ? JSONPayloadDecoder(userInfo: decoderUserInfo) : nil
    }

    public func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        if decodesFast {
            if let value = try? JSONPayloadDecoder.decode(type, from: data, userInfo: decoderUserInfo) { return value }
            decodeFallbacks.increment()
        }
        return try decoder.decode(type, from: data)
    }
}
