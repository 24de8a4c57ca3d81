import Hummingbird
import Logging

/// Turns the domain's and the store's refusals into HTTP errors
/// (``ServiceError/mapping(_:)``); anything else is logged and becomes a 500.
struct DomainErrors<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            if let mapped = ServiceError.mapping(error) { throw mapped }
            context.logger.error(
                "request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            throw ServiceError(.internalServerError, "internal error")
        }
    }
}
