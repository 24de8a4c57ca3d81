import Chronicle
@testable import ChronicleCLI
import ChronicleSQLite
import Foundation
import Testing

/// The reusable pieces of ChronicleCLI, in-process: times, store locations,
/// the event line format, tables.
@Suite("ChronicleCLI pieces")
struct LibraryPiecesTests {
    @Test func timestampsKeepMicrosecondsBothWays() throws {
        let micros: [Int64] = [0, -1, 1, 1_714_557_600_123_456, 4_102_444_799_999_999, -2_208_988_800_000_000]
        for value in micros {
            let date = Date(timeIntervalSince1970: Double(value) / 1_000_000)
            let text = Timestamp.format(date)
            #expect(try Timestamp.parse(text) == date, "\(text)")
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_714_557_600.123_456)) == "2024-05-01T10:00:00.123456Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.000_001)) == "1969-12-31T23:59:59.999999Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400), fractionDigits: 3) == "2000-02-29T00:00:00.000Z")
        #expect(try Timestamp.parse("2024-05-01T12:00:00+02:00") == Date(timeIntervalSince1970: 1_714_557_600))
        #expect(try Timestamp.parse("2024-05-01 10:00:00.1234565Z") == Date(timeIntervalSince1970: 1_714_557_600.123_457))
        for bad in ["2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T10:00:00", "2024-05-01", "yesterday", "2024-05-01T10:00:00.Z"] {
            #expect(throws: CommandError.self, "\(bad)") { try Timestamp.parse(bad) }
        }
    }

    /// Found by the event-line fuzz checks: an offset (or rounding) could carry a
    /// time outside the four-digit years, which an export then wrote as
    /// "00-1-12-31T…" or "10000-…" and an import refused.
    @Test func timestampsStayWithinTheYearsTheFormatCanWrite() throws {
        for edge in ["0000-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.000000Z"] {
            #expect(Timestamp.format(try Timestamp.parse(edge)) == edge)
        }
        // The last one is in 9999, but a `Date` cannot tell its microsecond from the next second.
        for outside in ["0000-01-01T00:00:00+00:01", "9999-12-31T23:30:00-01:00", "9999-12-31T23:59:59.999999Z"] {
            let error = try #require(throws: CommandError.self, "\(outside)") { try Timestamp.parse(outside) }
            #expect(error.message?.contains("outside the years 0000 to 9999") == true)
        }
    }

    @Test func storeLocationsParse() throws {
        let sqlite = StoreBackendRegistry([SQLiteBackend()])
        #expect(try sqlite.location(parsing: "sqlite:data/events.sqlite") == .sqlite(path: "data/events.sqlite"))
        #expect(try sqlite.location(parsing: "sqlite:///var/lib/events.sqlite") == .sqlite(path: "/var/lib/events.sqlite"))
        #expect(try sqlite.location(parsing: "events.sqlite") == .sqlite(path: "events.sqlite"))
        #expect(try sqlite.location(parsing: "sqlite:~/events.sqlite") == .sqlite(path: NSHomeDirectory() + "/events.sqlite"))
        let postgres = StoreLocation(scheme: "postgres", address: "postgres://ada:secret@db:5432/events")
        #expect(postgres.description == "postgres://ada:***@db:5432/events")
        // A password URLComponents cannot parse ('#', '/') is masked all the same, with more around it if need be.
        for (address, written) in [
            ("postgres://ada:se#cr/et@db/events", "postgres://ada:***@db/events"),
            ("postgres://ada:a/b@c@db:5432/events", "postgres://ada:***@db:5432/events"),
        ] {
            #expect(StoreLocation(scheme: "postgres", address: address).description == written)
        }
        // Found by the store-location fuzz checks: the written form of a path
        // starting with "//" lost those slashes ("sqlite:////srv/x" named "//srv/x"
        // but was written "sqlite://srv/x", which names "srv/x").
        let doubleSlash = try sqlite.location(parsing: "sqlite:////srv/events.sqlite")
        #expect(doubleSlash == .sqlite(path: "//srv/events.sqlite"))
        #expect(try sqlite.location(parsing: doubleSlash.description) == doubleSlash)
        #expect(try sqlite.location(parsing: "sqlite:data/events.sqlite").description == "sqlite:data/events.sqlite")
        // Found by fuzzing: a path starting with a combining mark was written
        // "sqlite:" + mark, and `hasPrefix("sqlite:")` (which compares
        // Characters) no longer saw the scheme in it.
        let mark = try sqlite.location(parsing: "\u{6E1}")
        #expect(mark == .sqlite(path: "\u{6E1}"))
        #expect(try sqlite.location(parsing: mark.description) == mark)
        #expect(try sqlite.location(parsing: "SQLite:\u{301}x") == .sqlite(path: "\u{301}x"))
        #expect(throws: CommandError.self) { try sqlite.location(parsing: "sqlite:") }
        // Found by fuzzing: "sqlite:a://x" named the path "a://x", written "a://x",
        // which reads as a URL of scheme "a". A path with "://" is refused.
        for urlLike in ["sqlite:a://x", "sqlite:sqlite://x", "./data://events.sqlite"] {
            let error = try #require(throws: CommandError.self, "\(urlLike)") { try sqlite.location(parsing: urlLike) }
            #expect(error.status == .badInput)
            #expect(error.message?.contains("looks like a URL") == true, "\(urlLike): \(error)")
        }
        #expect(throws: CommandError.self) { try sqlite.location(parsing: "redis://x") }
        try StoreBackendRegistry.$current.withValue(sqlite) {
            try storeOptionsReadTheEnvironment()
        }
    }

    private func storeOptionsReadTheEnvironment() throws {
        #expect(try StoreLocation(parsing: "events.sqlite") == .sqlite(path: "events.sqlite"))
        #expect(try StoreOptions(store: "b.sqlite").location(environment: ["CHRONICLE_STORE": "a.sqlite"]) == .sqlite(path: "b.sqlite"))
        #expect(throws: CommandError.self) { try StoreOptions(store: nil).location(environment: [:]) }
        #expect(try StoreOptions(store: nil).location(environment: ["CHRONICLE_STORE": "a.sqlite"]) == .sqlite(path: "a.sqlite"))
    }

    @Test func eventLinesRoundTripEveryKindOfPayload() throws {
        let payloads = [
            Data(#"{"a":[1,2.5e3,-0.1,true,null,"\u00e9\ud83c\udf89"]}"#.utf8), Data("{\n}".utf8), Data(" 1".utf8),
            Data([0xC3, 0x28]), Data(), Data("{\"unclosed\":".utf8),
        ]
        for payload in payloads {
            let record = EventRecord(
                position: 9, stream: try StreamName("order-1"), version: 2, id: UUID(), type: "T\"\n",
                schemaVersion: 4, data: payload, metadata: EventMetadata(headers: ["k": "\u{1}"]),
                recordedAt: Date(timeIntervalSince1970: 1.5))
            let line = EventLine.encode(record)
            #expect(!line.contains("\n"))
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any], "\(line)")
            #expect(try EventLine.decode(Array(line.utf8)) == record, "\(line)")
        }
        let deep = "{\"position\":1,\"data\":" + String(repeating: "[", count: 10_000) + "}"
        #expect(throws: CommandError.self) { try EventLine.decode(Array(deep.utf8)) }
    }

    @Test func tablesAlignColumns() {
        var table = Table([.init("NAME"), .init("COUNT", alignment: .right), .init("NOTE")])
        table.append(["a", "1", "x"])
        table.append(["longer name", "12345", ""])
        var widths: [Int] = []
        #expect(widths.isEmpty)
        table.print(to: .standardError, header: false, widths: &widths)
        #expect(widths == [11, 5, 1], "without the header, titles do not count")
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 130])
    }
}
