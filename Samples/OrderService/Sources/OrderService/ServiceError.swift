import Chronicle
import Hummingbird
import OrderDomain

/// An HTTP error with a JSON body: `{"error": "..."}`, plus the order id when
/// an order was written but refused (out of stock).
///
/// Every mistake of the client maps to a 4xx here; only a failure of the
/// service itself (the store) is a 500.
struct ServiceError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    var orderId: String?

    init(_ status: HTTPResponse.Status, _ message: String, orderId: String? = nil) {
        self.status = status
        self.message = message
        self.orderId = orderId
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONBody.response(ErrorBody(error: message, orderId: orderId), status: status)
    }

    struct ErrorBody: Encodable {
        let error: String
        let orderId: String?
    }

    /// The HTTP error for an error the domain or the store threw; `nil` for an
    /// error that is the service's own fault (it then becomes a 500).
    static func mapping(_ error: any Error) -> ServiceError? {
        switch error {
        case let error as ServiceError:
            return error
        case let error as ShopError:
            return ServiceError(.badRequest, "\(error)")
        case let error as OrderError:
            switch error {
            case .noItems, .invalidQuantity, .wrongAmount: return ServiceError(.badRequest, "\(error)")
            case .notPlaced, .alreadyFinal, .notConfirmed: return ServiceError(.conflict, "\(error)")
            }
        case let error as StockError:
            switch error {
            case .invalidQuantity: return ServiceError(.badRequest, "\(error)")
            case .insufficient: return ServiceError(.conflict, "\(error)")
            }
        case AggregateError.notFound:
            return ServiceError(.notFound, "no such order")
        case AggregateError.alreadyExists, AggregateError.concurrencyConflict:
            return ServiceError(.conflict, "\(error)")
        default:
            return nil
        }
    }
}
