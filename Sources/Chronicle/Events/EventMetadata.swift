public import Foundation

/// Data about an event that is not part of the domain: where it came from and why.
///
/// The correlation id ties together every event caused by one original request;
/// the causation id names the message (command or event) that directly caused
/// this one. Headers carry anything else as strings (tenant, user, trace ids).
/// Metadata is stored as a JSON object next to the event's data:
/// `{"correlationId": "…", "causationId": "…", "headers": {"tenant": "acme"}}`,
/// with absent parts left out.
///
/// ```swift
/// let metadata = EventMetadata(correlationId: request.id, headers: ["tenant": "acme"])
/// let event = NewEvent(type: "OrderPlaced", data: json, metadata: metadata)
/// ```
public struct EventMetadata: Hashable, Sendable, Codable {
    /// The id shared by every event that one original request caused.
    public var correlationId: String?
    /// The id of the message that directly caused this event.
    public var causationId: String?
    /// Free string headers.
    public var headers: [String: String]

    /// Creates metadata.
    ///
    /// - Parameters:
    ///   - correlationId: The id shared by every event of one request.
    ///   - causationId: The id of the message that caused this event.
    ///   - headers: Free string headers.
    public init(correlationId: String? = nil, causationId: String? = nil, headers: [String: String] = [:]) {
        self.correlationId = correlationId
        self.causationId = causationId
        self.headers = headers
    }

    /// Metadata with nothing in it.
    public static let empty = EventMetadata()

    /// Whether nothing is set.
    public var isEmpty: Bool { correlationId == nil && causationId == nil && headers.isEmpty }

    private enum CodingKeys: String, CodingKey { case correlationId, causationId, headers }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        correlationId = try container.decodeIfPresent(String.self, forKey: .correlationId)
        causationId = try container.decodeIfPresent(String.self, forKey: .causationId)
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(correlationId, forKey: .correlationId)
        try container.encodeIfPresent(causationId, forKey: .causationId)
        if !headers.isEmpty { try container.encode(headers, forKey: .headers) }
    }

    /// The stored JSON form: empty `Data` for empty metadata, else a JSON object
    /// with sorted keys.
    ///
    /// - Returns: The bytes a store writes.
    public func jsonData() -> Data {
        if isEmpty { return Data() }
        if let plain = plainJSONData() { return plain }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and a string dictionary cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }

    /// Parses the stored JSON form (empty bytes are empty metadata).
    ///
    /// ```swift
    /// let metadata = try EventMetadata(jsonData: Data(#"{"correlationId":"c-1"}"#.utf8))
    /// ```
    ///
    /// - Parameter data: A JSON object as written by ``jsonData()``.
    /// - Throws: ``EventStoreError/invalidMetadata`` when the bytes are not such an object.
    public init(jsonData data: Data) throws {
        if data.isEmpty {
            self = .empty
            return
        }
        do {
            self = try JSONDecoder().decode(EventMetadata.self, from: data)
        } catch {
            throw EventStoreError(
                code: .invalidMetadata,
                message: "event metadata is not a JSON object of string fields and string headers",
                cause: error)
        }
    }
}
