internal import Chronicle
internal import Foundation

extension EventStoreConformance {
    static var importChecks: [ConformanceCheck] {
        [
            importKeepsEveryField, importSkipsWhatIsPresent, importRejectsWrongVersionsAtomically,
            importRejectsHolesAndForeignPositions, importRejectsIdsStoredElsewhere, importAfterHead,
            importThenAppend, importValidatesRecords,
        ]
    }

    /// The store as an ``EventStoreImporting``; every store of the contract is one.
    static func importer(
        _ store: any EventStore, file: String = #fileID, line: Int = #line
    ) throws -> any EventStoreImporting {
        guard let importer = store as? any EventStoreImporting else {
            throw ConformanceFailure(
                message: "\(type(of: store)) does not conform to EventStoreImporting, which the contract requires",
                file: file, line: line)
        }
        return importer
    }

    static let importKeepsEveryField = ConformanceCheck(
        "an import into an empty store keeps ids, versions, positions, times, data and metadata"
    ) { store in
        let importer = try importer(store)
        let records = Fixtures.importedLog()
        let result = try await importer.importEvents(Array(records[..<5]), positions: .keep)
        try Expect.equal(result, ImportResult(imported: 5, skipped: 0, positions: 1...5), "first batch")
        try await importer.importEvents(Array(records[5...]), positions: .keep)
        try Expect.equal(try await Fixtures.snapshot(of: store), records, "the log after the import")
        try Expect.equal(try await store.streamVersion(Fixtures.stream("order-1")), 5, "version of order-1")
        try Expect.equal(try await store.headPosition(), GlobalPosition(Int64(records.count)), "head")
        let listed = try await catalog(store).streams(category: nil, after: nil, limit: 10)
        try Expect.equal(
            listed.map(\.updatedAt), [records[7].recordedAt, records[6].recordedAt, records[8].recordedAt],
            "each stream's updatedAt is its last imported event's time")
    }

    static let importSkipsWhatIsPresent = ConformanceCheck(
        "re-importing events already present skips them, so an interrupted import can run again"
    ) { store in
        let importer = try importer(store)
        let records = Fixtures.importedLog()
        try await importer.importEvents(Array(records[..<4]), positions: .keep)
        // Run again from the start, in other batch sizes.
        let again = try await importer.importEvents(Array(records[..<6]), positions: .keep)
        try Expect.equal(again, ImportResult(imported: 2, skipped: 4, positions: 5...6), "overlapping batch")
        try await importer.importEvents(Array(records[6...]), positions: .keep)
        let all = try await importer.importEvents(records, positions: .keep)
        try Expect.equal(all, ImportResult(imported: 0, skipped: records.count, positions: nil), "everything again")
        try Expect.equal(try await Fixtures.snapshot(of: store), records, "every event exactly once")
    }

    static let importRejectsWrongVersionsAtomically = ConformanceCheck(
        "an imported version that does not continue its stream fails and writes nothing"
    ) { store in
        let importer = try importer(store)
        let records = Fixtures.importedLog()
        try await importer.importEvents(Array(records[..<3]), positions: .keep)
        let before = try await Fixtures.snapshot(of: store)
        // records[4] is version 4 of order-1, which is at version 2: records[3] is missing.
        let error = try await Expect.error(.wrongExpectedVersion, "version 4 on a stream at version 2") {
            try await importer.importEvents([records[4].withPosition(4)], positions: .keep)
        }
        try Expect.equal(error.stream, records[4].stream, "the error names the stream")
        try Expect.equal(error.expectedVersion, .exactly(3), "the error names the expectation")
        try Expect.equal(error.actualVersion, 2, "the error names the actual version")
        try Expect.equal(error.eventId, records[4].id, "the error names the event")
        // A batch whose last record fails writes none of the batch.
        let batch = [records[3], records[4], records[5], records[7].withPosition(7).withVersion(7)]
        try await Expect.error(.wrongExpectedVersion, "a bad record at the end of a batch") {
            try await importer.importEvents(batch, positions: .keep)
        }
        try Expect.equal(try await Fixtures.snapshot(of: store), before, "the log after the failed imports")
    }

    static let importRejectsHolesAndForeignPositions = ConformanceCheck(
        "kept positions must continue the log: holes and taken positions fail"
    ) { store in
        let importer = try importer(store)
        let records = Fixtures.importedLog()
        try await Expect.error(.invalidArgument, "a first position of 2 in an empty store") {
            try await importer.importEvents([records[0].withPosition(2)], positions: .keep)
        }
        try await importer.importEvents(Array(records[..<2]), positions: .keep)
        try await Expect.error(.invalidArgument, "a hole after the head") {
            try await importer.importEvents([records[2].withPosition(4)], positions: .keep)
        }
        try await Expect.error(.invalidArgument, "a position already taken by another event") {
            try await importer.importEvents([records[2].withPosition(2)], positions: .keep)
        }
        try Expect.equal(try await store.headPosition(), 2, "head after the refused imports")
    }

    static let importRejectsIdsStoredElsewhere = ConformanceCheck(
        "an imported id stored at another place is a duplicate and nothing is written"
    ) { store in
        let importer = try importer(store)
        let records = Fixtures.importedLog()
        try await importer.importEvents(Array(records[..<3]), positions: .keep)
        let before = try await Fixtures.snapshot(of: store)
        let elsewhere = EventRecord(
            position: 4, stream: Fixtures.stream("order-9"), version: 1, id: records[1].id, type: "Moved",
            schemaVersion: 1, data: Data("{}".utf8), metadata: .empty, recordedAt: records[1].recordedAt)
        let error = try await Expect.error(.duplicateEvent, "an id stored in another stream") {
            try await importer.importEvents([records[3], elsewhere], positions: .keep)
        }
        try Expect.equal(error.eventId, records[1].id, "the error names the id")
        try await Expect.error(.duplicateEvent, "an id stored at another position") {
            try await importer.importEvents([records[1].withPosition(4)], positions: .keep)
        }
        try Expect.equal(try await Fixtures.snapshot(of: store), before, "the log after the duplicates")
    }

    static let importAfterHead = ConformanceCheck(
        "an import after the head gives new positions and keeps versions and times"
    ) { store in
        let importer = try importer(store)
        try await store.append(Fixtures.events(2), to: Fixtures.stream("audit-1"), expecting: .noStream)
        let records = Fixtures.importedLog()
        let result = try await importer.importEvents(records, positions: .assignAfterHead)
        try Expect.equal(
            result, ImportResult(imported: records.count, skipped: 0, positions: 3...GlobalPosition(Int64(records.count + 2))),
            "positions after the head")
        let log = try await Fixtures.snapshot(of: store)
        try Expect.equal(Array(log.dropFirst(2)), records.map { $0.withPosition($0.position.rawValue + 2) }, "the log")
        let again = try await importer.importEvents(records, positions: .assignAfterHead)
        try Expect.equal(again.skipped, records.count, "a second run skips every event by id, stream and version")
        try await Expect.error(.wrongExpectedVersion, "a stream that already holds other events") {
            let other = EventRecord(
                position: 1, stream: Fixtures.stream("audit-1"), version: 1, id: UUID(), type: "A",
                schemaVersion: 1, data: Data("{}".utf8), metadata: .empty, recordedAt: Date())
            return try await importer.importEvents([other], positions: .assignAfterHead)
        }
    }

    static let importThenAppend = ConformanceCheck(
        "appends after an import continue its versions and positions"
    ) { store in
        let importer = try importer(store)
        let records = Fixtures.importedLog()
        try await importer.importEvents(records, positions: .keep)
        let result = try await store.append(Fixtures.events(1), to: Fixtures.stream("order-1"), expecting: .exactly(5))
        try Expect.equal(result.version, 6, "version after the import")
        try Expect.equal(result.positions?.lowerBound, GlobalPosition(Int64(records.count + 1)), "position")
        let retried = try await importer.importEvents(records, positions: .keep)
        try Expect.equal(retried.skipped, records.count, "the import still skips everything")
    }

    static let importValidatesRecords = ConformanceCheck(
        "imported records pass the append checks: type, schema version, size, version and position"
    ) { store in
        let importer = try importer(store)
        let good = Fixtures.importedLog()[0]
        func with(type: String = good.type, schemaVersion: Int = good.schemaVersion, data: Data = good.data,
                  version: Int64 = good.version, position: Int64 = 1) -> EventRecord {
            EventRecord(
                position: GlobalPosition(position), stream: good.stream, version: version, id: good.id, type: type,
                schemaVersion: schemaVersion, data: data, metadata: good.metadata, recordedAt: good.recordedAt)
        }
        try await Expect.error(.invalidEvent, "an empty type") { try await importer.importEvents([with(type: "")], positions: .keep) }
        try await Expect.error(.invalidEvent, "schema version 0") {
            try await importer.importEvents([with(schemaVersion: 0)], positions: .keep)
        }
        try await Expect.error(.eventTooLarge, "2 MiB of data") {
            try await importer.importEvents([with(data: Data(count: 2 << 20))], positions: .keep)
        }
        try await Expect.error(.invalidArgument, "version 0") { try await importer.importEvents([with(version: 0)], positions: .keep) }
        try await Expect.error(.invalidArgument, "position 0") { try await importer.importEvents([with(position: 0)], positions: .keep) }
        try await Expect.error(.duplicateEvent, "one id twice in a call") {
            try await importer.importEvents([good, with(version: 2, position: 2)], positions: .keep)
        }
        try Expect.equal(try await store.headPosition(), .none, "nothing was written")
        let empty = try await importer.importEvents([], positions: .keep)
        try Expect.equal(empty, ImportResult(imported: 0, skipped: 0, positions: nil), "an empty import")
    }
}

extension Fixtures {
    /// Nine events of three streams with distinct times (whole microseconds, so
    /// every store keeps them exactly), data and metadata, positions 1...9.
    static func importedLog() -> [EventRecord] {
        let places: [(String, Int64)] = [
            ("order-1", 1), ("order-1", 2), ("stock-7", 1), ("order-1", 3), ("order-1", 4), ("stock-7", 2),
            ("payment-1", 1), ("order-1", 5), ("stock-7", 3),
        ]
        let base: Int64 = 1_700_000_000_123_456
        return places.enumerated().map { index, place in
            let (name, version) = place
            return EventRecord(
                position: GlobalPosition(Int64(index + 1)), stream: stream(name), version: version, id: UUID(),
                type: "Happened\(index % 3)", schemaVersion: 1 + index % 2,
                data: Data("{\"n\":\(index),\"text\":\"é \\\"quoted\\\"\"}".utf8),
                metadata: index % 2 == 0
                    ? EventMetadata(correlationId: "c-\(index)", causationId: "k", headers: ["tenant": "acme"]) : .empty,
                recordedAt: Date(timeIntervalSince1970: Double(base + Int64(index) * 1_234_567) / 1_000_000))
        }
    }
}

extension EventRecord {
    func withPosition(_ position: Int64) -> EventRecord {
        EventRecord(
            position: GlobalPosition(position), stream: stream, version: version, id: id, type: type,
            schemaVersion: schemaVersion, data: data, metadata: metadata, recordedAt: recordedAt)
    }

    func withVersion(_ version: Int64) -> EventRecord {
        EventRecord(
            position: position, stream: stream, version: version, id: id, type: type,
            schemaVersion: schemaVersion, data: data, metadata: metadata, recordedAt: recordedAt)
    }
}
