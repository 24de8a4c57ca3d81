import Hummingbird
import Metrics

/// Counts HTTP requests by method, route and status:
/// `order_service_http_requests_total{method="POST",route="/orders",status="201"}`.
///
/// The count is taken before the response is returned, so a client that reads
/// `/metrics` after its request has completed sees that request counted.
struct RequestCounter<Context: RequestContext>: RouterMiddleware {
    static var label: String { "order_service_http_requests_total" }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            count(request, context, response.status)
            return response
        } catch {
            count(request, context, (error as? any HTTPResponseError)?.status ?? .internalServerError)
            throw error
        }
    }

    private func count(_ request: Request, _ context: Context, _ status: HTTPResponse.Status) {
        Counter(
            label: Self.label,
            dimensions: [
                ("method", request.method.rawValue), ("route", context.endpointPath ?? "unmatched"),
                ("status", String(status.code)),
            ]
        ).increment()
    }
}
