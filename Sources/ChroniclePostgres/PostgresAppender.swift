@_spi(Implementing) internal import Chronicle
internal import Foundation
internal import Logging
internal import PostgresNIO

/// The append path: a batch of calls in one statement (its own transaction),
/// and a careful path, one call at a time under the append lock, for what the
/// batch cannot settle (a wrong expected version, an id already stored, a
/// concurrent writer on the same stream).
enum PostgresAppender {
    /// One append call, validated and with its metadata encoded.
    struct Request: Sendable {
        let appends: [StreamAppend]
        let prepared: [[AppendValidation.PreparedEvent]]
        var eventCount: Int { prepared.reduce(0) { $0 + $1.count } }
    }

    typealias Outcome = Result<[AppendResult], any Error>

    /// The rows of one insert, as the arrays `chronicle_append_events` takes.
    private struct Rows {
        var streams: [String] = []
        var versions: [Int64] = []
        var categories: [String] = []
        var ids: [UUID] = []
        var types: [String] = []
        var schemaVersions: [Int32] = []
        var data: [ByteBuffer] = []
        var metadata: [ByteBuffer] = []

        mutating func add(_ part: StreamAppend, events: [AppendValidation.PreparedEvent], after current: Int64) {
            var version = current
            for prepared in events {
                version += 1
                streams.append(part.stream.description)
                versions.append(version)
                categories.append(part.stream.category)
                ids.append(prepared.event.id)
                types.append(prepared.event.type)
                schemaVersions.append(Int32(clamping: prepared.event.schemaVersion))
                data.append(ByteBuffer(bytes: prepared.event.data))
                metadata.append(ByteBuffer(bytes: prepared.metadataBytes))
            }
        }

        /// Adds the rows of a part whose expectation holds at `current` and
        /// returns its result, positions as offsets into these rows.
        mutating func plan(_ part: StreamAppend, events: [AppendValidation.PreparedEvent], after current: Int64) -> Planned {
            guard !events.isEmpty else {
                return Planned(stream: part.stream, version: current, versions: nil, offsets: nil)
            }
            let offset = Int64(ids.count)
            let count = Int64(events.count)
            add(part, events: events, after: current)
            return Planned(
                stream: part.stream, version: current + count, versions: (current + 1)...(current + count),
                offsets: (offset + 1)...(offset + count))
        }

        mutating func append(_ other: Self) {
            streams += other.streams
            versions += other.versions
            categories += other.categories
            ids += other.ids
            types += other.types
            schemaVersions += other.schemaVersions
            data += other.data
            metadata += other.metadata
        }
    }

    /// A result whose positions are offsets into the batch, until the base is known.
    private struct Planned {
        let stream: StreamName
        let version: Int64
        let versions: ClosedRange<Int64>?
        let offsets: ClosedRange<Int64>?

        /// The same result with its offsets moved by `shift` (rows planned apart, then appended).
        func shifted(by shift: Int64) -> Planned {
            Planned(
                stream: stream, version: version, versions: versions,
                offsets: offsets.map { ($0.lowerBound + shift)...($0.upperBound + shift) })
        }

        func result(base: Int64) -> AppendResult {
            AppendResult(
                stream: stream, version: version, versions: versions,
                positions: offsets.map { GlobalPosition(base + $0.lowerBound)...GlobalPosition(base + $0.upperBound) })
        }
    }

    /// Writes the requests, each with the outcome it would have alone.
    static func write(_ requests: [Request], in database: PostgresDatabase) async -> [Outcome] {
        var outcomes = [Outcome?](repeating: nil, count: requests.count)
        do {
            let settled = try await batch(requests, in: database)
            for (index, planned) in settled {
                outcomes[index] = .success(planned)
            }
        } catch {
            // Nothing of the batch is stored: each request takes the careful path.
        }
        for index in requests.indices where outcomes[index] == nil {
            do {
                outcomes[index] = .success(try await careful(requests[index], in: database))
            } catch {
                outcomes[index] = .failure(PostgresErrorMapping.map(error, location: database.configuration))
            }
        }
        return outcomes.map { $0! }
    }

    /// The fast path: reads the streams' versions, plans every request whose
    /// expectations hold, and inserts them all in one statement. Returns the
    /// results of the requests it wrote; the others need the careful path.
    private static func batch(_ requests: [Request], in database: PostgresDatabase) async throws -> [(Int, [AppendResult])] {
        if let settled = try await expectedBatch(requests, in: database) { return settled }
        var names = Set<String>()
        for request in requests {
            for part in request.appends where !(part.expectedVersion == .noStream && requests.count == 1) {
                names.insert(part.stream.description)
            }
        }
        var versions = try await currentVersions(of: Array(names), in: database)
        var rows = Rows()
        var planned: [(Int, [Planned])] = []
        requestLoop: for (index, request) in requests.enumerated() {
            var tentative = versions
            var results: [Planned] = []
            var rowsOfRequest = Rows()
            for (part, events) in zip(request.appends, request.prepared) {
                let name = part.stream.description
                let current = tentative[name] ?? 0
                guard part.expectedVersion.isSatisfied(by: current) else { continue requestLoop }
                let result = rowsOfRequest.plan(part, events: events, after: current)
                results.append(result)
                tentative[name] = result.version
            }
            versions = tentative
            let shift = Int64(rows.ids.count)
            rows.append(rowsOfRequest)
            planned.append((index, results.map { $0.shifted(by: shift) }))
        }
        guard !rows.ids.isEmpty else {
            return planned.map { ($0.0, $0.1.map { $0.result(base: 0) }) }
        }
        let base = try await insert(rows, in: database, connection: nil)
        return planned.map { ($0.0, $0.1.map { $0.result(base: base) }) }
    }

    /// The fast path's fast path, when every part states the version it expects
    /// (`.noStream` or `.exactly`, as the aggregate repository always does):
    /// versions are planned from the expectations and checked in the insert's
    /// own statement, one round trip instead of two. Returns nil, having written
    /// nothing, when a part has a looser expectation or a stream is not at the
    /// version expected (the caller then reads the versions).
    ///
    /// The check runs on the statement's snapshot, taken before the append lock:
    /// it may be stale, but only towards "at the expected version" while another
    /// writer has since appended, and that writer's event holds the version this
    /// batch would write next, so the insert fails on (stream, version) and
    /// nothing is stored. A stream can never be behind its expectation unseen.
    private static func expectedBatch(_ requests: [Request], in database: PostgresDatabase) async throws -> [(Int, [AppendResult])]? {
        func stated(_ expected: ExpectedVersion) -> Int64? {
            switch expected {
            case .noStream: 0
            case .exactly(let version): version
            case .any, .streamExists: nil
            }
        }
        var versions: [String: Int64] = [:]
        var checked: [(stream: String, version: Int64)] = []
        var rows = Rows()
        var planned: [(Int, [Planned])] = []
        requestLoop: for (index, request) in requests.enumerated() {
            var tentative = versions
            var newlyChecked: [(stream: String, version: Int64)] = []
            var results: [Planned] = []
            var rowsOfRequest = Rows()
            for (part, events) in zip(request.appends, request.prepared) {
                guard let expected = stated(part.expectedVersion) else { return nil }
                let name = part.stream.description
                if let current = tentative[name] {
                    // A conflict within the batch: this request takes the careful path.
                    guard current == expected else { continue requestLoop }
                } else {
                    newlyChecked.append((name, expected))
                }
                let result = rowsOfRequest.plan(part, events: events, after: expected)
                results.append(result)
                tentative[name] = result.version
            }
            versions = tentative
            checked += newlyChecked
            let shift = Int64(rows.ids.count)
            rows.append(rowsOfRequest)
            planned.append((index, results.map { $0.shifted(by: shift) }))
        }
        guard !rows.ids.isEmpty else { return nil }
        let now = PostgresTime.microseconds(Date())
        let checkStreams = checked.map(\.stream)
        let checkVersions = checked.map(\.version)
        let query: PostgresQuery = """
            SELECT CASE WHEN (
                SELECT bool_and(coalesce(last.version, 0) = expected.version)
                FROM unnest(\(checkStreams)::text[], \(checkVersions)::bigint[]) AS expected(stream, version)
                LEFT JOIN LATERAL (
                    SELECT version FROM chronicle_events WHERE stream = expected.stream COLLATE "C"
                    ORDER BY version DESC LIMIT 1
                ) AS last ON true
            ) THEN chronicle_append_events(\(rows.streams), \(rows.versions), \(rows.categories), \(rows.ids), \
            \(rows.types), \(rows.schemaVersions), \(rows.data), \(rows.metadata), \(now)) END
            """
        let base: Int64? = try await database.withConnection { connection in
            var base: Int64?
            for try await value in try await connection.query(query, logger: database.logger).decode(Int64?.self) {
                base = value
            }
            return base
        }
        guard let base else { return nil }
        return planned.map { ($0.0, $0.1.map { $0.result(base: base) }) }
    }

    /// The careful path: one request in a transaction holding the append lock,
    /// so that what it reads (versions, stored ids) cannot change before it writes.
    private static func careful(_ request: Request, in database: PostgresDatabase) async throws -> [AppendResult] {
        try await database.transaction { connection in
            let logger = database.logger
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.appendLock))", logger: logger)
            /// A part's outcome: the original result of a retried append, or rows to insert.
            enum Step {
                case original(AppendResult)
                case planned(Planned)
            }
            var rows = Rows()
            var steps: [Step] = []
            var versions = try await currentVersions(
                of: request.appends.map(\.stream.description), on: connection, logger: logger)
            let places = try await storedPlaces(of: request.appends.flatMap { $0.events.map(\.id) }, on: connection, logger: logger)
            for (part, events) in zip(request.appends, request.prepared) {
                if let original = try AppendValidation.idempotentResult(
                    for: part, stored: part.events.map { places[$0.id] })
                {
                    steps.append(.original(original))
                    continue
                }
                let name = part.stream.description
                let current = versions[name] ?? 0
                guard part.expectedVersion.isSatisfied(by: current) else {
                    throw EventStoreError.wrongExpectedVersion(
                        stream: part.stream, expected: part.expectedVersion, actual: current)
                }
                let result = rows.plan(part, events: events, after: current)
                steps.append(.planned(result))
                versions[name] = result.version
            }
            let base = rows.ids.isEmpty ? 0 : try await insert(rows, in: database, connection: connection)
            return steps.map { step in
                switch step {
                case .original(let result): result
                case .planned(let planned): planned.result(base: base)
                }
            }
        }
    }

    /// Inserts the rows through `chronicle_append_events` and returns the
    /// position before the first (on `connection`, or as a statement of its own).
    private static func insert(
        _ rows: Rows, in database: PostgresDatabase, connection: PostgresConnection?
    ) async throws -> Int64 {
        let now = PostgresTime.microseconds(Date())
        let query: PostgresQuery = """
            SELECT chronicle_append_events(\(rows.streams), \(rows.versions), \(rows.categories), \(rows.ids), \
            \(rows.types), \(rows.schemaVersions), \(rows.data), \(rows.metadata), \(now))
            """
        func run(_ connection: PostgresConnection) async throws -> Int64 {
            var base: Int64 = 0
            for try await value in try await connection.query(query, logger: database.logger).decode(Int64.self) {
                base = value
            }
            return base
        }
        if let connection { return try await run(connection) }
        return try await database.withConnection { try await run($0) }
    }

    private static func currentVersions(of streams: [String], in database: PostgresDatabase) async throws -> [String: Int64] {
        guard !streams.isEmpty else { return [:] }
        return try await database.withConnection { connection in
            try await currentVersions(of: streams, on: connection, logger: database.logger)
        }
    }

    static func currentVersions(
        of streams: [String], on connection: PostgresConnection, logger: Logger
    ) async throws -> [String: Int64] {
        guard !streams.isEmpty else { return [:] }
        var versions: [String: Int64] = [:]
        let rows = try await connection.query(
            // One backward seek in the (stream, version) index per stream, whatever
            // the table's statistics say (a GROUP BY over `= ANY` can become a scan).
            """
            SELECT names.stream, last.version FROM unnest(\(streams)::text[]) AS names(stream)
            CROSS JOIN LATERAL (
                SELECT version FROM chronicle_events WHERE stream = names.stream COLLATE "C"
                ORDER BY version DESC LIMIT 1
            ) AS last
            """,
            logger: logger)
        for try await (stream, version) in rows.decode((String, Int64).self) {
            versions[stream] = version
        }
        return versions
    }

    static func storedPlaces(
        of ids: [UUID], on connection: PostgresConnection, logger: Logger
    ) async throws -> [UUID: AppendValidation.StoredPlace] {
        guard !ids.isEmpty else { return [:] }
        var places: [UUID: AppendValidation.StoredPlace] = [:]
        let rows = try await connection.query(
            "SELECT event_id, stream, version, position FROM chronicle_events WHERE event_id = ANY(\(ids))",
            logger: logger)
        for try await (id, stream, version, position) in rows.decode((UUID, String, Int64, Int64).self) {
            places[id] = AppendValidation.StoredPlace(
                stream: try PostgresRowDecoding.streamName(stream), version: version, position: GlobalPosition(position))
        }
        return places
    }
}
