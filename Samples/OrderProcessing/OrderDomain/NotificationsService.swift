public import Chronicle
internal import Foundation

/// The notifications service: when an order ends (`OrderConfirmed` or
/// `OrderCancelled` on `orders`) it records one `CustomerNotified` (stream
/// `notification-<orderId>`, published to `notifications`); the mailer, an inbox
/// consumer of `notifications`, sends each exactly once by writing it to the
/// `sent_notifications` table in the same transaction as its inbox entry
/// (``ShopStorage/mailer(registry:)``, one per backend).
public struct NotificationsService: Sendable {
    public static let groupName = "notifications"
    public static let mailerGroupName = "mailer"
    public let notifications: AggregateRepository<CustomerNotification>
    let orders: AggregateRepository<Order>
    let registry: EventTypeRegistry

    public init(store: some EventStore, registry: EventTypeRegistry) throws {
        self.registry = registry
        notifications = try AggregateRepository<CustomerNotification>(store: store, registry: registry)
        orders = try AggregateRepository<Order>(store: store, registry: registry)
    }

    /// Handles one message of `orders`.
    public func handle(_ message: ReceivedMessage) async throws {
        let kind: CustomerNotified.Kind
        switch message.type {
        case OrderConfirmed.eventType: kind = .confirmation
        case OrderCancelled.eventType: kind = .cancellation
        default: return
        }
        let orderId = message.stream.id
        // The customer's address would come from a customer service; here the order knows the name.
        let order = try await orders.load(orderId).state
        let text =
            switch kind {
            case .confirmation: "Your order \(orderId.prefix(8)) of \(Money.format(order.totalCents)) is confirmed."
            case .cancellation: "Your order \(orderId.prefix(8)) was cancelled: \(order.cancelReason ?? "")."
            }
        do {
            try await notifications.create(orderId, context: CommandContext(causedBy: message.record)) { notification in
                notification.notify(customer: order.customer, kind: kind, text: text, reason: order.cancelReason)
            } publishing: { events, _ in events.published(to: ShopTopics.notifications, key: orderId) }
        } catch AggregateError.alreadyExists {
            // Delivered again: the customer was notified already.
        }
    }

    /// The service's consumer group: the orders that ended, nothing else of `orders`.
    public static func group(_ settings: ServiceSettings) throws -> ConsumerGroup {
        var group = try settings.group(groupName, topics: [ShopTopics.orders])
        group.messageTypes = [OrderConfirmed.eventType, OrderCancelled.eventType]
        return group
    }

    /// The mailer's consumer group.
    public static func mailerGroup(_ settings: ServiceSettings) throws -> ConsumerGroup {
        try settings.group(mailerGroupName, topics: [ShopTopics.notifications])
    }
}

/// Money in cents, printed as units with two decimals.
public enum Money {
    public static func format(_ cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let value = abs(cents)
        return "\(sign)\(value / 100).\(value % 100 < 10 ? "0" : "")\(value % 100)"
    }
}
