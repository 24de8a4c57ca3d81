internal import Foundation
internal import Logging
internal import Metrics

extension AggregateRepository {
    /// Takes a snapshot of an aggregate now, whatever the policy says.
    ///
    /// Use it after a migration, or to warm up snapshots of long streams.
    ///
    /// ```swift
    /// try await orders.saveSnapshot(of: "42")
    /// ```
    ///
    /// - Parameter id: The aggregate's identifier.
    /// - Returns: The version the snapshot was taken at.
    /// - Throws: ``AggregateError/invalidConfiguration`` when the repository has
    ///   no snapshot store; ``AggregateError/notFound``; the load's and the
    ///   snapshot store's errors (unlike automatic snapshots, these are thrown).
    @discardableResult
    public func saveSnapshot(of id: A.ID) async throws -> Int64 {
        guard let snapshotting else {
            throw AggregateError(
                code: .invalidConfiguration, message: "the repository of \(A.self) has no snapshot store")
        }
        let stream = try A.streamName(for: id)
        var entry = try await rebuild(id, stream: stream)
        guard entry.version > 0 else { throw Self.notFound(stream) }
        let data = try snapshotting.encode(entry.state)
        try await snapshotting.store.saveSnapshot(
            Snapshot(stream: stream, version: entry.version, schemaVersion: A.snapshotSchemaVersion, data: data))
        metrics.snapshotsSaved.increment()
        entry.snapshotVersion = entry.version
        cache?.store(entry, for: id)
        return entry.version
    }

    /// The newest usable snapshot as a starting point, or `nil`.
    ///
    /// Never throws for a snapshot problem: a failed read, a snapshot of another
    /// schema version, or bytes that do not decode to this aggregate fall back to
    /// a full replay (logged; failures and corrupt bytes are also counted).
    /// Only cancellation is rethrown.
    func snapshotStart(_ id: A.ID, stream: StreamName) async throws -> AggregateCache<A>.Entry? {
        guard let snapshotting else { return nil }
        let logger = options.logger
        let snapshot: Snapshot?
        do {
            snapshot = try await snapshotting.store.latestSnapshot(for: stream)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            metrics.snapshotLoadFailures.increment()
            logger.warning(
                "reading the snapshot failed; replaying every event",
                metadata: ["stream": "\(stream)", "error": "\(error)"])
            return nil
        }
        guard let snapshot else { return nil }
        guard snapshot.schemaVersion == A.snapshotSchemaVersion else {
            logger.debug(
                "ignoring a snapshot of another schema version; replaying every event",
                metadata: [
                    "stream": "\(stream)", "snapshotSchemaVersion": "\(snapshot.schemaVersion)",
                    "currentSchemaVersion": "\(A.snapshotSchemaVersion)",
                ])
            return nil
        }
        let state: A
        do {
            state = try snapshotting.decode(snapshot.data)
        } catch {
            reportCorrupt(snapshot, reason: "its bytes do not decode as \(A.self): \(error)")
            return nil
        }
        guard snapshot.version > 0, state.id == id, snapshot.stream == stream else {
            reportCorrupt(snapshot, reason: "it holds version \(snapshot.version) of aggregate '\(state.id)'")
            return nil
        }
        return AggregateCache<A>.Entry(state: state, version: snapshot.version, snapshotVersion: snapshot.version)
    }

    private func reportCorrupt(_ snapshot: Snapshot, reason: String) {
        metrics.snapshotsCorrupt.increment()
        options.logger.error(
            "ignoring a corrupt snapshot; replaying every event",
            metadata: [
                "stream": "\(snapshot.stream)", "snapshotVersion": "\(snapshot.version)", "reason": "\(reason)",
            ])
    }

    /// Takes a snapshot when the policy says so. A failure is logged and counted,
    /// never thrown: the events it would summarise are already stored.
    func snapshotIfDue(
        _ entry: inout AggregateCache<A>.Entry, stream: StreamName, newEvents: [any DomainEvent]
    ) async {
        guard let snapshotting else { return }
        let context = SnapshotPolicy<A>.Context(
            state: entry.state, version: entry.version, lastSnapshotVersion: entry.snapshotVersion,
            newEvents: newEvents)
        guard snapshotting.policy.shouldSnapshot(context) else { return }
        do {
            let data = try snapshotting.encode(entry.state)
            try await snapshotting.store.saveSnapshot(
                Snapshot(stream: stream, version: entry.version, schemaVersion: A.snapshotSchemaVersion, data: data))
            metrics.snapshotsSaved.increment()
            entry.snapshotVersion = entry.version
        } catch {
            metrics.snapshotSaveFailures.increment()
            options.logger.error(
                "saving a snapshot failed; the events are stored, the next load replays more of them",
                metadata: ["stream": "\(stream)", "version": "\(entry.version)", "error": "\(error)"])
        }
    }
}
