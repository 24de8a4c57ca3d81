internal import Chronicle
internal import Foundation
internal import Logging

/// A store opened by a command together with the app's projections and a
/// runner for them (silent: commands report outcomes themselves).
struct ProjectionSession: Sendable {
    let opened: OpenedStore
    let projections: [any RunnableProjection]
    let runner: ProjectionRunner

    static func open<Catalog: ProjectionCatalog>(
        _ catalog: Catalog.Type, storeOptions: StoreOptions, batchSize: Int = 500, access: StoreAccess = .existing
    ) async throws -> ProjectionSession {
        let opened = try await storeOptions.open(access)
        do {
            let projections = try await Catalog.projections(in: Catalog.store(in: opened))
            let runner = try ProjectionRunner(
                store: opened.store, projections: projections, batchSize: batchSize,
                logger: Logger(label: "chronicle.cli") { _ in SwiftLogNoOpLogHandler() })
            return ProjectionSession(opened: opened, projections: projections, runner: runner)
        } catch {
            opened.close()
            throw error
        }
    }

    var names: [String] { projections.map(\.name) }

    func close() { opened.close() }

    /// The projection with this name; an unknown name is bad input that lists the known ones.
    func projection(named name: String) throws -> any RunnableProjection {
        guard let projection = projections.first(where: { $0.name == name }) else {
            throw CommandError(.badInput, "no projection named '\(name)'; \(Self.known(names))")
        }
        return projection
    }

    /// The named projections, or all of them; checks the names and that there is work to do.
    func select(_ names: [String], all: Bool, command: String) throws -> [String] {
        if all && !names.isEmpty { throw CommandError(.badInput, "give projection names or --all, not both") }
        if projections.isEmpty { throw CommandError(.badInput, "this tool registers no projections") }
        if !all && names.isEmpty {
            throw CommandError(.badInput, "name the projections to \(command), or pass --all; \(Self.known(self.names))")
        }
        if all { return self.names }
        var selected: [String] = []
        for name in names where !selected.contains(name) {
            _ = try projection(named: name)
            selected.append(name)
        }
        return selected
    }

    static func known(_ names: [String]) -> String {
        names.isEmpty ? "this tool registers no projections" : "known projections: " + names.joined(separator: ", ")
    }
}

/// Where every reader of a store stands, for `stats` and `checkpoints list`:
/// the app's projections (with their filters) first, then every other
/// subscriber the checkpoint and dead-letter tables name.
enum SubscriberStatuses {
    static func collect(
        _ opened: OpenedStore, projections: [any RunnableProjection], runner: ProjectionRunner?
    ) async throws -> [ConsumerStatus] {
        let head = try await opened.store.headPosition()
        var statuses: [ConsumerStatus] = []
        if let runner {
            for status in try await runner.status() {
                statuses.append(
                    ConsumerStatus(
                        kind: .projection, name: status.name, checkpoint: status.checkpoint, lagEvents: status.lag,
                        lagSeconds: status.lagSeconds, deadLetters: Int64(status.deadLetters)))
            }
        }
        let known = Set(projections.map(\.name))
        var checkpoints: [String: GlobalPosition] = [:]
        // The bus keeps checkpoints per group, topic and partition (and one for its
        // scheduler): a group is one row, with the lag of its own messages.
        let groups = try await opened.bus.groups()
        for group in groups {
            let positions = group.partitions.flatMap { $0.checkpoints.values }
            statuses.append(
                ConsumerStatus(
                    kind: .consumerGroup, name: group.name, checkpoint: positions.min() ?? .none, lagEvents: group.lag,
                    lagSeconds: group.lag > 0 ? group.lagSeconds : nil, deadLetters: Int64(group.deadLetters)))
        }
        let groupNames = Set(groups.map(\.name))
        for checkpoint in try await opened.checkpoints.checkpoints()
        where !RebuildMarker.isMarker(checkpoint.name) && !checkpoint.name.hasPrefix(BusNames.prefix) {
            checkpoints[checkpoint.name] = checkpoint.position
        }
        let deadLetters = try await opened.deadLetterCounts()
        let others = Set(checkpoints.keys).union(deadLetters.keys).subtracting(known).subtracting(groupNames).sorted()
        for name in others {
            let checkpoint = checkpoints[name] ?? .none
            var lagSeconds: Double?
            if checkpoint < head, let oldest = try await opened.store.readAll(from: checkpoint.next, limit: 1).first {
                lagSeconds = max(0, Date().timeIntervalSince(oldest.recordedAt))
            }
            statuses.append(
                ConsumerStatus(
                    kind: .subscriber, name: name, checkpoint: checkpoint,
                    lagEvents: try await opened.store.eventCount(after: checkpoint, through: head), lagSeconds: lagSeconds,
                    deadLetters: Int64(deadLetters[name] ?? 0)))
        }
        return statuses
    }
}
