import ChronicleTesting
import Foundation
import Testing

@testable import Chronicle

/// The scheduler's pending entries: due order for publishing, the oldest
/// position for the checkpoint, without sorting or scanning on each change.
@Suite("Scheduled queue")
struct ScheduledQueueTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// An entry at `position` due `seconds` after ``start``.
    static func entry(at position: Int64, dueIn seconds: Int) throws -> ScheduledEntry {
        let id = UUID()
        let metadata = EventMetadata(headers: [
            MessageHeaders.deliverAt: MessageHeaders.text(start.addingTimeInterval(TimeInterval(seconds))),
            MessageHeaders.scheduledStream: "order-\(position)",
            MessageHeaders.scheduledId: id.uuidString,
        ])
        let record = EventRecord(
            position: GlobalPosition(position), stream: try StreamName("$scheduled-\(id.uuidString.lowercased())"),
            version: 1, id: UUID(), type: "Reminder", schemaVersion: 1, data: Data("{}".utf8), metadata: metadata,
            recordedAt: start)
        return try #require(ScheduledEntry(record))
    }

    /// Takes every entry off the front, returning their positions in the order taken.
    static func drain(_ queue: inout ScheduledQueue) -> [Int64] {
        var taken: [Int64] = []
        while let first = queue.first {
            taken.append(first.record.position.rawValue)
            queue.removeFirst()
        }
        return taken
    }

    @Test("entries come out by due time, then by position, whatever order they went in")
    func dueOrder() throws {
        var queue = ScheduledQueue()
        // (position, due in seconds): later positions due earlier, and ties on the due time.
        for (position, due) in [(1, 30), (2, 10), (3, 20), (4, 10), (5, 40), (6, 5), (7, 20)] {
            queue.insert(try Self.entry(at: Int64(position), dueIn: due))
        }
        #expect(queue.count == 7)
        #expect(Self.drain(&queue) == [6, 2, 4, 3, 7, 1, 5])
        #expect(queue.count == 0 && queue.first == nil && queue.oldestPosition == nil)
    }

    @Test("the oldest position stays at the lowest entry not yet taken, while later ones go first")
    func oldestPosition() throws {
        var queue = ScheduledQueue()
        for (position, due) in [(10, 50), (11, 5), (12, 60), (13, 6)] {
            queue.insert(try Self.entry(at: Int64(position), dueIn: due))
        }
        #expect(queue.oldestPosition == 10)
        queue.removeFirst()  // 11
        #expect(queue.oldestPosition == 10)
        queue.removeFirst()  // 13
        #expect(queue.oldestPosition == 10)
        queue.removeFirst()  // 10: 11 and 13 are gone too, so 12 is the oldest
        #expect(queue.oldestPosition == 12)
        // A position lower than those waiting (read again after a restart) still counts.
        queue.insert(try Self.entry(at: 8, dueIn: 70))
        #expect(queue.oldestPosition == 8)
        #expect(Self.drain(&queue) == [12, 8])
        #expect(queue.oldestPosition == nil)
    }

    @Test("thousands of entries, taken and added in turns, come out as a full sort would give them")
    func matchesASort() throws {
        var queue = ScheduledQueue()
        var expected: [ScheduledEntry] = []
        var taken: [Int64] = []
        var generator = SeededRandom(seed: 7)
        var position: Int64 = 0
        for round in 0..<40 {
            for _ in 0..<100 {
                position += 1
                // Mostly increasing due times (one kind of delay), some out of order.
                let due = round * 10 + Int(generator.next() % 25)
                let entry = try Self.entry(at: position, dueIn: due)
                queue.insert(entry)
                expected.append(entry)
            }
            expected.sort(by: ScheduledEntry.dueOrder)
            for _ in 0..<70 {
                taken.append(queue.first!.record.position.rawValue)
                #expect(queue.first!.record.position == expected.removeFirst().record.position)
                queue.removeFirst()
            }
            #expect(queue.oldestPosition == expected.map(\.record.position).min())
        }
        #expect(queue.count == expected.count)
        #expect(Set(taken).count == taken.count)
    }
}

