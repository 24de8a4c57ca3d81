/// An in-memory store keeps its consumers' leases too: two runners on one
/// store exclude each other as two processes on one SQLite file do.
///
/// ```swift
/// let store = InMemoryEventStore()
/// let runner = try ProjectionRunner(store: store, projections: projections)   // leases: store.leases
/// ```
extension InMemoryEventStore: LeaseProviding {}
