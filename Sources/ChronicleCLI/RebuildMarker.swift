internal import Chronicle

/// The note that a rebuild started by the CLI has reset a projection and not
/// yet brought it back to the head, kept as a row of the checkpoint table.
///
/// A rebuild resets the projection, then writes the marker (position: the head
/// when the rebuild started; time: when it started), then replays, then removes
/// the marker. Because the marker is written after the reset, its presence
/// means the read model was cleared by a rebuild that has not finished: the
/// next `projections rebuild` (or `catch-up`) continues from the projection's
/// checkpoint instead of resetting again. A crash between the reset and the
/// marker only makes the next rebuild reset once more. Either way the read
/// model and its checkpoint agree (the runner commits each batch with its
/// checkpoint), so the projection is consistent at every point.
///
/// The rows are named ``prefix`` + the projection's name; `checkpoints list`
/// and `stats` show them as notes, not as readers.
enum RebuildMarker {
    static let prefix = "chronicle.rebuild:"

    static func name(for projection: String) -> String { prefix + projection }

    static func isMarker(_ name: String) -> Bool { name.hasPrefix(prefix) }

    /// Unfinished rebuilds, keyed by projection name.
    static func markers(in checkpoints: any CheckpointStore) async throws -> [String: Checkpoint] {
        var markers: [String: Checkpoint] = [:]
        for checkpoint in try await checkpoints.checkpoints() where isMarker(checkpoint.name) {
            markers[String(checkpoint.name.dropFirst(prefix.count))] = checkpoint
        }
        return markers
    }

    static func set(_ projection: String, target: GlobalPosition, in checkpoints: any CheckpointStore) async throws {
        try await checkpoints.save(target, named: name(for: projection))
    }

    static func clear(_ projection: String, in checkpoints: any CheckpointStore) async throws {
        try await checkpoints.reset(named: name(for: projection))
    }
}
