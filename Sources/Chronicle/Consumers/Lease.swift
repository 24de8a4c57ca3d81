public import Foundation

/// The right, for a while, to be the one process that runs a consumer (a
/// projection today, a partition of a bus consumer group next).
///
/// A ``LeaseStore`` hands out leases. Each holds for a ``duration`` from the
/// store's clock and is renewed while its owner runs; when the owner dies, the
/// lease expires and another owner takes it, with a greater ``token``. The
/// token is a fencing token: it strictly increases each time the lease changes
/// hands, so writes tagged with it can be told apart from those of an owner that
/// lost the lease without knowing.
///
/// ```swift
/// if let lease = try await store.leases.acquire("order-summary", owner: Lease.processOwner(), duration: .seconds(15)) {
///     print("running as \(lease.owner), token \(lease.token), until \(lease.expiresAt)")
/// }
/// ```
public struct Lease: Hashable, Sendable, CustomStringConvertible {
    /// The name of the consumer the lease guards (a projection's name).
    public let name: String
    /// Who holds it: an id naming the process (see ``processOwner()``).
    public let owner: String
    /// The fencing token: greater for every new holder, the same while one owner renews.
    public let token: Int64
    /// When the current holder took it, by the store's clock.
    public let acquiredAt: Date
    /// When it expires unless renewed, by the store's clock.
    public let expiresAt: Date

    /// Creates a lease; lease stores build these.
    ///
    /// - Parameters:
    ///   - name: The consumer it guards.
    ///   - owner: Who holds it.
    ///   - token: The fencing token.
    ///   - acquiredAt: When the holder took it.
    ///   - expiresAt: When it expires unless renewed.
    public init(name: String, owner: String, token: Int64, acquiredAt: Date, expiresAt: Date) {
        self.name = name
        self.owner = owner
        self.token = token
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }

    /// How long the lease lasts from ``acquiredAt`` as it stands (renewals lengthen it).
    public var duration: TimeInterval { expiresAt.timeIntervalSince(acquiredAt) }

    public var description: String {
        "lease '\(name)' held by \(owner) (token \(token)) until \(Self.format(expiresAt))"
    }

    /// A time as operators read it in messages: ISO 8601, UTC, milliseconds.
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
