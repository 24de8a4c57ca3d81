public import Chronicle
internal import Foundation

/// The contract of ``Chronicle/CheckpointStore`` as executable checks, run
/// against every checkpoint store (the in-memory one and SQLite's; any backend
/// added later) so that they behave the same.
///
/// Each check needs a fresh, empty store. The checks cover every
/// implementation requirement the protocol documents: positions replace
/// (backwards too), reset of an unknown name is no error, the listing is sorted
/// by name, names compare as bytes, and concurrent saves all land.
///
/// ```swift
/// @Test(arguments: CheckpointStoreConformance.checks)
/// func conformance(_ check: StoreConformanceCheck<any CheckpointStore>) async throws {
///     try await check.run(against: InMemoryCheckpointStore())
/// }
/// ```
public enum CheckpointStoreConformance {
    /// Every check.
    ///
    /// ```swift
    /// for check in CheckpointStoreConformance.checks { try await check.run(against: InMemoryCheckpointStore()) }
    /// ```
    public static var checks: [StoreConformanceCheck<any CheckpointStore>] {
        [
            StoreConformanceCheck("a fresh store has no checkpoints") { store in
                try Expect.that(try await store.checkpoint(named: "order-summary") == nil, "no checkpoint for a name")
                try Expect.equal(try await store.checkpoints(), [], "the listing of a fresh store")
            },
            StoreConformanceCheck("save stores the position under the name, with the time of the save") { store in
                let before = Date()
                try await store.save(42, named: "order-summary")
                let after = Date()
                let saved = try await store.checkpoint(named: "order-summary")
                try Expect.equal(saved?.name, "order-summary", "the checkpoint's name")
                try Expect.equal(saved?.position, 42, "the checkpoint's position")
                try Timing.expect(saved?.updatedAt, between: before, and: after, "the checkpoint's time")
                try Expect.equal(try await store.checkpoints(), saved.map { [$0] } ?? [], "the listing")
            },
            StoreConformanceCheck("position zero is a checkpoint, not the absence of one") { store in
                try await store.save(.none, named: "mailer")
                try Expect.equal(try await store.checkpoint(named: "mailer")?.position, GlobalPosition.none, "saved zero")
                try Expect.equal(try await store.checkpoints().map(\.name), ["mailer"], "the listing")
            },
            StoreConformanceCheck("save replaces the position, forwards and backwards, and moves the time") { store in
                try await store.save(10, named: "mailer")
                let first = try await store.checkpoint(named: "mailer")
                try await store.save(500, named: "mailer")
                try Expect.equal(try await store.checkpoint(named: "mailer")?.position, 500, "after moving forwards")
                try await store.save(3, named: "mailer")
                let rewound = try await store.checkpoint(named: "mailer")
                try Expect.equal(rewound?.position, 3, "after a rewind")
                try Expect.that(
                    (rewound?.updatedAt ?? .distantPast) >= (first?.updatedAt ?? .distantFuture),
                    "the time of the last save is not before the first")
                try Expect.equal(try await store.checkpoints().count, 1, "still one checkpoint")
            },
            StoreConformanceCheck("a negative position is an invalidArgument error and changes nothing") { store in
                try await store.save(5, named: "mailer")
                try await Expect.error(.invalidArgument, "saving position -1") {
                    try await store.save(GlobalPosition(-1), named: "mailer")
                }
                try await Expect.error(.invalidArgument, "saving position -1 under a new name") {
                    try await store.save(GlobalPosition(-1), named: "other")
                }
                try Expect.equal(try await store.checkpoint(named: "mailer")?.position, 5, "the stored checkpoint")
                try Expect.equal(try await store.checkpoints().map(\.name), ["mailer"], "no checkpoint added")
            },
            StoreConformanceCheck("names are independent") { store in
                try await store.save(7, named: "a")
                try await store.save(9, named: "b")
                try await store.save(8, named: "a")
                try Expect.equal(try await store.checkpoint(named: "a")?.position, 8, "a")
                try Expect.equal(try await store.checkpoint(named: "b")?.position, 9, "b, untouched by saves of a")
            },
            StoreConformanceCheck("reset removes one checkpoint and leaves the others") { store in
                try await store.save(7, named: "a")
                try await store.save(9, named: "b")
                try await store.reset(named: "a")
                try Expect.that(try await store.checkpoint(named: "a") == nil, "a is gone")
                try Expect.equal(try await store.checkpoint(named: "b")?.position, 9, "b stays")
                try Expect.equal(try await store.checkpoints().map(\.name), ["b"], "the listing")
                try await store.save(2, named: "a")
                try Expect.equal(try await store.checkpoint(named: "a")?.position, 2, "a saved again after reset")
            },
            StoreConformanceCheck("reset of an unknown name is no error and changes nothing") { store in
                try await store.save(7, named: "a")
                try await store.reset(named: "nobody")
                try await store.reset(named: "nobody")
                try Expect.equal(try await store.checkpoints().map(\.position), [7], "the other checkpoint")
            },
            StoreConformanceCheck("the listing holds every checkpoint, sorted by name as UTF-8 bytes") { store in
                let names = ["order-summary", "Zed", "a", "\u{E9}t\u{E9}", "a-b", "mailer", "a b", "\u{1F600}", "z"]
                for (index, name) in names.enumerated() { try await store.save(GlobalPosition(Int64(index)), named: name) }
                let listed = try await store.checkpoints()
                let sorted = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                try Expect.equal(listed.map(\.name), sorted, "names in byte order")
                for checkpoint in listed {
                    let index = names.firstIndex { $0.utf8.elementsEqual(checkpoint.name.utf8) } ?? -1
                    try Expect.equal(checkpoint.position, GlobalPosition(Int64(index)), "position of \(checkpoint.name)")
                }
            },
            StoreConformanceCheck("names are bytes: canonically equivalent spellings are different checkpoints") {
                store in
                // "café" with a precomposed é, and with e + a combining accent: equal as Swift Strings.
                let composed = "caf\u{E9}"
                let decomposed = "cafe\u{301}"
                try await store.save(1, named: composed)
                try await store.save(2, named: decomposed)
                try Expect.equal(try await store.checkpoint(named: composed)?.position, 1, "the composed name")
                try Expect.equal(try await store.checkpoint(named: decomposed)?.position, 2, "the decomposed name")
                let listed = try await store.checkpoints()
                try Expect.equal(listed.count, 2, "two checkpoints")
                // In byte order "cafe\u{301}" (65) sorts before "caf\u{E9}" (C3 A9).
                try Expect.that(
                    listed.map { Array($0.name.utf8) } == [Array(decomposed.utf8), Array(composed.utf8)],
                    "the listing keeps both spellings, in byte order")
                try await store.reset(named: decomposed)
                try Expect.equal(try await store.checkpoint(named: composed)?.position, 1, "reset of the other spelling")
            },
            StoreConformanceCheck("concurrent saves of many names all land") { store in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<40 {
                        group.addTask { try await store.save(GlobalPosition(Int64(index) + 1), named: "c\(index)") }
                    }
                    try await group.waitForAll()
                }
                let listed = try await store.checkpoints()
                try Expect.equal(listed.count, 40, "one checkpoint per name")
                for checkpoint in listed {
                    try Expect.equal("c\(checkpoint.position.rawValue - 1)", checkpoint.name, "position of \(checkpoint.name)")
                }
            },
            StoreConformanceCheck("concurrent saves of one name leave one of the saved positions") { store in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 1...30 { group.addTask { try await store.save(GlobalPosition(Int64(index)), named: "one") } }
                    try await group.waitForAll()
                }
                let saved = try await store.checkpoint(named: "one")?.position.rawValue ?? 0
                try Expect.that((1...30).contains(saved), "a saved position, got \(saved)")
                try Expect.equal(try await store.checkpoints().count, 1, "one checkpoint")
            },
        ]
    }
}
