public import Foundation

/// The default ``EventCodec``: JSON through Foundation's `JSONEncoder` and `JSONDecoder`.
///
/// Keys are sorted, so the same value always gives the same bytes. Dates use the
/// encoder's default strategy (a `Double` of seconds), which round-trips exactly;
/// pass configured coders to store ISO 8601 strings instead.
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
    public init(encoder: JSONEncoder? = nil, decoder: JSONDecoder = JSONDecoder()) {
        if let encoder {
            self.encoder = encoder
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            self.encoder = encoder
        }
        self.decoder = decoder
    }

    public func encode<Value: Encodable>(_ value: Value) throws -> Data {
        try encoder.encode(value)
    }

    public func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try decoder.decode(type, from: data)
    }
}
