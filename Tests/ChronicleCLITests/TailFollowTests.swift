import Chronicle
import ChronicleCLI
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// `tail --follow` in one process sees what another process appends, and stops
/// cleanly on SIGINT and SIGTERM. The tests wait on output lines, never on time.
@Suite("chronicle tail --follow")
struct TailFollowTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func followSeesAnAppendFromAnotherProcess(stopSignal: Int32) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await Fixtures.makeStore(at: path, events: 3)
        let tail = try ChronicleProcess.start(["tail", "--follow", "--json", "--type", "Live", "--store", path])
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            tail.signal(SIGKILL)
        }
        defer { watchdog.cancel() }

        // A first matching event shows the follower is running and caught up.
        let first = try await ChronicleProcess.run(["append", "live-1", "--type", "Live", "--data", #"{"n":1}"#, "--store", path])
        #expect(first.status == 0, "\(first)")
        let firstLine = try #require(await tail.nextLine(), "tail ended early")
        #expect(try EventLine.decode(Array(firstLine.utf8)).data == Data(#"{"n":1}"#.utf8))

        // Events it must skip, then one it must print.
        for index in 0..<3 {
            #expect(try await ChronicleProcess.run(["append", "noise-\(index)", "--type", "Noise", "--data", "{}", "--store", path]).status == 0)
        }
        let second = try await ChronicleProcess.run(["append", "live-1", "--type", "Live", "--data", #"{"n":2}"#, "--store", path])
        #expect(second.status == 0)
        let secondLine = try #require(await tail.nextLine(), "tail ended early")
        let record = try EventLine.decode(Array(secondLine.utf8))
        #expect(record.stream.description == "live-1")
        #expect(record.version == 2)
        #expect(record.position == 8)

        tail.signal(stopSignal)
        let ending = await tail.wait()
        #expect(ending.reason == .exit && ending.status == 0, "stopped cleanly by signal \(stopSignal)")
        #expect(await tail.nextLine() == nil, "nothing more was printed")
        let errors = String(decoding: await tail.standardError.value, as: UTF8.self)
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func followFromTheEndPrintsOnlyNewEventsAsATable() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await Fixtures.makeStore(at: path, events: 5)
        // A marker appended before the follower starts would be missed with
        // --from-end; so the follower starts from the marker's position.
        let marker = try await ChronicleProcess.run(["append", "mark-1", "--type", "Mark", "--data", "{}", "--json", "--store", path])
        let tail = try ChronicleProcess.start(["tail", "--follow", "--from", "6", "--store", path])
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            tail.signal(SIGKILL)
        }
        defer { watchdog.cancel() }
        #expect(marker.standardOutput.contains(#""position":6"#))
        let header = try #require(await tail.nextLine())
        #expect(header.hasPrefix("POSITION  RECORDED"), "\(header)")
        let markLine = try #require(await tail.nextLine())
        #expect(markLine.contains("mark-1") && markLine.contains("Mark"), "\(markLine)")
        #expect(try await ChronicleProcess.run(["append", "order-99", "--type", "Late", "--data", #"{"late":true}"#, "--store", path]).status == 0)
        let late = try #require(await tail.nextLine())
        #expect(late.hasPrefix("       7  "), "\(late)")
        #expect(late.hasSuffix(#"order-99        1  Late  {"late":true}"#), "\(late)")
        tail.signal(SIGINT)
        #expect(await tail.wait().status == 0)
    }
}
