public import Foundation

/// Turns event payloads (and aggregate snapshots) into bytes and back.
///
/// ``EventTypeRegistry`` uses a codec for every payload it writes or reads;
/// ``JSONEventCodec`` is the default. Plug in another one to change the JSON
/// settings (dates, keys) or to store another format altogether.
///
/// ```swift
/// struct PropertyListCodec: EventCodec {
///     func encode<Value: Encodable>(_ value: Value) throws -> Data {
///         try PropertyListEncoder().encode(value)
///     }
///     func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
///         try PropertyListDecoder().decode(type, from: data)
///     }
/// }
/// let registry = EventTypeRegistry(codec: PropertyListCodec())
/// ```
///
/// ## Implementation requirements
/// - `decode(encode(x))` gives back a value equal to `x`: aggregates apply the
///   events a command returned directly, and replay must reach the same state.
/// - Safe to call from several tasks at once.
/// - ``EventUpcaster/json(from:_:)`` upcasters decode payloads as ``JSONValue``
///   through the codec, so a codec used with them must be able to represent a
///   JSON-like tree.
public protocol EventCodec: Sendable {
    /// Encodes a value.
    ///
    /// ```swift
    /// let bytes = try codec.encode(OrderPaid(amount: 10))
    /// ```
    ///
    /// - Parameter value: The value.
    /// - Returns: Its bytes.
    /// - Throws: The format's encoding error.
    func encode<Value: Encodable>(_ value: Value) throws -> Data

    /// Decodes a value.
    ///
    /// ```swift
    /// let paid = try codec.decode(OrderPaid.self, from: bytes)
    /// ```
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - data: The bytes.
    /// - Returns: The value.
    /// - Throws: The format's decoding error.
    func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value
}
