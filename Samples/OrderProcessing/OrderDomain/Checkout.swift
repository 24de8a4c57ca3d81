public import Chronicle
public import Foundation

/// The checkout saga (process manager) of one order, event-sourced in stream
/// `checkout-<orderId>`.
///
/// On `OrderPlaced` it requests the payment and the stock and sets a payment
/// deadline; when the payment is authorized and every product reserved it asks
/// for the capture; once captured it commits the stock and confirms the order.
/// A declined payment, a rejected reservation or a deadline passed before
/// authorization cancels the order and compensates (releases the stock, refunds
/// an authorized payment). ``handle(_:)`` is a pure decision on the state: a
/// message delivered again, or one arriving after the outcome, decides nothing
/// new (or only the compensation it calls for).
public struct Checkout: Aggregate, Codable, Equatable {
    public enum Stage: String, Codable, Sendable {
        /// No `OrderPlaced` yet.
        case new
        /// Waiting for the payment's authorization and the stock.
        case awaiting
        /// Waiting for the capture.
        case capturing
        case completed, cancelled
    }

    public static let category = "checkout"
    public static let handlers = EventHandlers<Checkout>()
        .on(CheckoutStarted.self) { checkout, event in
            checkout.stage = .awaiting
            checkout.customer = event.customer
            checkout.lines = event.lines
            checkout.totalCents = event.totalCents
        }
        .on(CheckoutPaymentAuthorized.self) { checkout, _ in checkout.paymentAuthorized = true }
        .on(CheckoutStockReserved.self) { checkout, event in checkout.reservedSkus.insert(event.sku) }
        .on(CheckoutCaptureRequested.self) { checkout, _ in checkout.stage = .capturing }
        .on(CheckoutCompleted.self) { checkout, _ in checkout.stage = .completed }
        .on(CheckoutCancelled.self) { checkout, event in
            checkout.stage = .cancelled
            checkout.cancelReason = event.reason
            checkout.refundRequested = event.refundPayment
        }
        .on(CheckoutRefundRequested.self) { checkout, _ in checkout.refundRequested = true }

    public let id: String
    public var stage: Stage = .new
    public var customer = ""
    public var lines: [OrderLine] = []
    public var totalCents = 0
    public var paymentAuthorized = false
    public var reservedSkus: Set<String> = []
    public var refundRequested = false
    public var cancelReason: String?

    public init(id: String) { self.id = id }

    /// The products of the order, each once, sorted.
    public var skus: [String] { Set(lines.map(\.sku)).sorted() }
}

/// A message the saga cannot take yet.
public enum CheckoutError: Error, Equatable, CustomStringConvertible {
    /// A reply arrived before the order's `OrderPlaced`: retried by the bus.
    case notStarted(orderId: String, message: String)

    public var description: String {
        switch self {
        case .notStarted(let orderId, let message): return "\(message) for order \(orderId) before its checkout started"
        }
    }
}

extension Checkout {
    /// Decides what a message means for this order: the saga's new events.
    ///
    /// - Parameter message: A decoded message from `orders`, `payments`,
    ///   `inventory` or `checkout_timeouts`.
    /// - Returns: The new events; none for a message already taken into account
    ///   or of no interest.
    /// - Throws: ``CheckoutError/notStarted(orderId:message:)`` for a service's
    ///   reply before `OrderPlaced`.
    public func handle(_ message: any DomainEvent) throws -> [any DomainEvent] {
        switch message {
        case let placed as OrderPlaced:
            guard stage == .new else { return [] }
            return [
                CheckoutStarted(
                    customer: placed.customer, lines: placed.lines, totalCents: placed.lines.reduce(0) { $0 + $1.totalCents })
            ]
        case is PaymentAuthorized:
            switch stage {
            case .new: throw CheckoutError.notStarted(orderId: id, message: PaymentAuthorized.eventType)
            case .awaiting:
                guard !paymentAuthorized else { return [] }
                var events: [any DomainEvent] = [CheckoutPaymentAuthorized()]
                if Set(skus) == reservedSkus { events.append(CheckoutCaptureRequested(amountCents: totalCents)) }
                return events
            case .cancelled:
                // Authorized after the order was cancelled (the deadline passed, stock ran out): give it back.
                return refundRequested ? [] : [CheckoutRefundRequested(reason: "order cancelled: \(cancelReason ?? "")")]
            case .capturing, .completed: return []
            }
        case let failed as PaymentFailed:
            switch stage {
            case .new: throw CheckoutError.notStarted(orderId: id, message: PaymentFailed.eventType)
            case .awaiting: return [CheckoutCancelled(reason: "payment failed: \(failed.reason)", refundPayment: false)]
            case .capturing, .completed, .cancelled: return []
            }
        case let reserved as StockReserved:
            switch stage {
            case .new: throw CheckoutError.notStarted(orderId: id, message: StockReserved.eventType)
            case .awaiting:
                let sku = reserved.sku ?? ""
                guard !reservedSkus.contains(sku) else { return [] }
                var events: [any DomainEvent] = [CheckoutStockReserved(sku: sku)]
                if paymentAuthorized && Set(skus) == reservedSkus.union([sku]) {
                    events.append(CheckoutCaptureRequested(amountCents: totalCents))
                }
                return events
            // Cancelled: the release sent with the cancellation follows the reservation on the
            // inventory's command stream, so it gives this back too.
            case .capturing, .completed, .cancelled: return []
            }
        case let rejected as StockReservationRejected:
            switch stage {
            case .new: throw CheckoutError.notStarted(orderId: id, message: StockReservationRejected.eventType)
            case .awaiting:
                return [
                    CheckoutCancelled(
                        reason: "out of stock: \(rejected.sku) (\(rejected.available) available, \(rejected.requested) requested)",
                        refundPayment: paymentAuthorized)
                ]
            case .capturing, .completed, .cancelled: return []
            }
        case is PaymentCaptured:
            guard stage == .capturing else { return [] }
            return [CheckoutCompleted()]
        case is PaymentDeadlinePassed:
            guard stage == .awaiting, !paymentAuthorized else { return [] }
            return [CheckoutCancelled(reason: "payment not authorized in time", refundPayment: false)]
        default:
            return []
        }
    }

    /// The commands the saga's new events send, for the outbox.
    ///
    /// - Parameters:
    ///   - events: The new events as they will be appended (their metadata
    ///     carries on to the commands, with the event as the cause).
    ///   - paymentDeadline: How long the payment may take to be authorized.
    ///   - now: The time the deadline counts from.
    /// - Returns: The commands, in the order they are to be published.
    public func commands(
        for events: [NewEvent], registry: EventTypeRegistry, paymentDeadline: Duration, now: Date = Date()
    ) throws -> [OutgoingMessage] {
        var messages: [OutgoingMessage] = []
        for event in events {
            let metadata = EventMetadata(
                correlationId: event.metadata.correlationId, causationId: event.id.uuidString.lowercased(),
                headers: event.metadata.headers)
            func send(_ command: some DomainEvent, to topic: Topic, deliverAt: Date? = nil) throws {
                messages.append(
                    OutgoingMessage(try registry.encode(command, metadata: metadata), to: topic, key: id, deliverAt: deliverAt))
            }
            switch event.type {
            case CheckoutStarted.eventType:
                try send(RequestPayment(amountCents: totalCents), to: ShopTopics.paymentCommands)
                try send(ReserveStock(lines: lines), to: ShopTopics.inventoryCommands)
                let seconds = Double(paymentDeadline.components.seconds) + Double(paymentDeadline.components.attoseconds) / 1e18
                try send(PaymentDeadlinePassed(), to: ShopTopics.checkoutTimeouts, deliverAt: now.addingTimeInterval(seconds))
            case CheckoutCaptureRequested.eventType:
                try send(CapturePayment(), to: ShopTopics.paymentCommands)
            case CheckoutCompleted.eventType:
                try send(CommitStock(skus: skus), to: ShopTopics.inventoryCommands)
                try send(ConfirmOrder(amountCents: totalCents), to: ShopTopics.orderCommands)
            case CheckoutCancelled.eventType:
                try send(CancelOrder(reason: cancelReason ?? "cancelled"), to: ShopTopics.orderCommands)
                try send(ReleaseStock(skus: skus), to: ShopTopics.inventoryCommands)
                if refundRequested { try send(RefundPayment(reason: cancelReason ?? "cancelled"), to: ShopTopics.paymentCommands) }
            case CheckoutRefundRequested.eventType:
                try send(RefundPayment(reason: cancelReason ?? "cancelled"), to: ShopTopics.paymentCommands)
            default:
                break
            }
        }
        return messages
    }
}
