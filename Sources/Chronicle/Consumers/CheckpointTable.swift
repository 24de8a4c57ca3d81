internal import Foundation

/// The checkpoints of an in-memory store as a value: what
/// ``InMemoryCheckpointStore`` keeps in its actor and ``InMemoryProjectionStore``
/// keeps under its lock, next to dead letters and read models.
///
/// Keyed by the name's UTF-8 bytes: names are bytes, as in every store (a
/// `String` key would merge canonically equivalent spellings).
struct CheckpointTable: Sendable {
    private var entries: [[UInt8]: Checkpoint] = [:]

    func checkpoint(named name: String) -> Checkpoint? { entries[Array(name.utf8)] }

    /// The position of `name`, ``GlobalPosition/none`` without a checkpoint.
    func position(of name: String) -> GlobalPosition { entries[Array(name.utf8)]?.position ?? .none }

    mutating func save(_ position: GlobalPosition, named name: String) {
        entries[Array(name.utf8)] = Checkpoint(name: name, position: position, updatedAt: Date())
    }

    mutating func reset(named name: String) { entries[Array(name.utf8)] = nil }

    func checkpoints() -> [Checkpoint] {
        entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.value)
    }
}
