import Foundation
import Hummingbird
import NIOCore

/// Reads request bodies and writes responses as JSON.
enum JSONBody {
    /// The largest request body the service reads.
    static let maximumSize = 64 * 1024

    /// Decodes the request's body; a body that is not the expected JSON is a 400.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try await decode(type, from: request, emptyAllowed: false)!
    }

    /// Decodes the request's body, or returns `nil` for an empty body when `emptyAllowed`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, emptyAllowed: Bool) async throws -> T? {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maximumSize)
        } catch {
            throw ServiceError(.contentTooLarge, "the request body is larger than \(maximumSize) bytes")
        }
        if buffer.readableBytes == 0 {
            guard emptyAllowed else { throw ServiceError(.badRequest, "the request needs a JSON body") }
            return nil
        }
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw ServiceError(.badRequest, "the body is not the expected JSON: \(describe(error))")
        } catch {
            throw ServiceError(.badRequest, "the body is not JSON")
        }
    }

    /// A response with `value` encoded as JSON (keys sorted).
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let prefix = path(context)
            return "missing '\(prefix.isEmpty ? key.stringValue : prefix + "." + key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at '\(path(context))'"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "bad value at '\(path(context))'"
        @unknown default:
            return "\(error)"
        }
    }
}
