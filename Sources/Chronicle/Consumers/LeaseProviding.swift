/// A store that keeps consumers' leases next to their log: what a
/// ``ProjectionRunner`` uses when it is given no lease store.
///
/// `SQLiteEventStore` (table `chronicle_leases`) and ``InMemoryEventStore``
/// conform, so a runner on them takes a lease per projection without extra code.
///
/// ```swift
/// let store = try await SQLiteEventStore(path: "app.sqlite")
/// let runner = try ProjectionRunner(store: store, projections: projections)   // leases: store.leases
/// ```
public protocol LeaseProviding: Sendable {
    /// The kind of lease store.
    associatedtype Leases: LeaseStore
    /// The leases kept with this store.
    var leases: Leases { get }
}
