import ChronicleTesting
import Foundation
import ProcessTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Commands run on a pseudo-terminal, as a person runs them: confirmation
/// prompts that take an answer, and the rebuild's progress bar drawn in place.
@Suite("On a terminal")
struct TerminalTests {
    let app = ProjectionFixtures.app

    @Test func aConfirmedRebuildDrawsAProgressBarAndADeclinedResetChangesNothing() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 3_000)
        #expect(try await app(["projections", "catch-up"], path, nil, nil).status == 0)
        let before = try await ProjectionFixtures.readModels(path)

        let rebuild = try await TerminalRun.run(
            ["projections", "rebuild", "order-totals", "--batch-size", "100", "--store", path], answer: "y\n")
        #expect(rebuild.status == 0, "\(rebuild)")
        #expect(rebuild.standardError.contains("Rebuild 'order-totals' from 3,000 events? The read model is cleared first. [y/N] "))
        #expect(rebuild.terminal.contains("\r\u{1B}[K"), "redrawn in place: \(rebuild)")
        #expect(rebuild.terminal.contains(/\[[#-]{24}\] [0-9,]+\/3,000 events  [0-9]+%/), "a bar: \(rebuild)")
        #expect(rebuild.terminal.contains("rebuilt order-totals: 3,000 events in "), "\(rebuild)")
        #expect(try await ProjectionFixtures.readModels(path).orders == before.orders)

        let declined = try await TerminalRun.run(
            ["projections", "reset", "order-totals", "--store", path], answer: "n\n")
        #expect(declined.status == 1, "\(declined)")
        #expect(declined.standardError.contains("Reset projection 'order-totals'? "), "\(declined)")
        #expect(declined.standardError.hasSuffix("test-app: error: not confirmed: nothing was changed\n"), "\(declined)")
        #expect(try await ProjectionFixtures.readModels(path).orders == before.orders)
    }
}

/// Runs the test app with standard input and output on a pseudo-terminal
/// (standard error on a pipe), typing `answer`, and collects what it wrote.
enum TerminalRun {
    struct Output: CustomStringConvertible {
        let status: Int32
        let terminal: String
        let standardError: String
        var description: String { "status \(status)\nterminal:\n\(terminal.debugDescription)\nstderr:\n\(standardError)" }
    }

    /// libc's pseudo-terminal functions, which the Glibc module does not import.
    private static func libc<F>(_ name: String, as type: F.Type) -> F {
        unsafeBitCast(dlsym(dlopen(nil, RTLD_NOW), name), to: type)
    }
    private static let posixOpenpt = libc("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    private static let grantpt = libc("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    private static let unlockpt = libc("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    private static let ptsname = libc("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)

    static func run(_ arguments: [String], answer: String) async throws -> Output {
        let master = posixOpenpt(O_RDWR | O_NOCTTY)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
            throw POSIXError(.ENOTTY)
        }
        let slave = open(name, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENOTTY) }
        defer { close(master) }
        let process = Process()
        process.executableURL = ChronicleProcess.executableURL("ChronicleCLITestApp")
        process.arguments = arguments
        process.environment = ChronicleProcess.environment(["TERM": "xterm"])
        let terminal = FileHandle(fileDescriptor: slave)
        let err = Pipe()
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = err
        try process.run()
        close(slave)
        _ = answer.withCString { write(master, $0, strlen($0)) }
        async let screen = readUntilClosed(master)
        async let errors = ChildProcess.readToEnd(err.fileHandleForReading)
        let status = await ChildProcess.waitForExit(process)
        return Output(
            status: status, terminal: String(decoding: await screen, as: UTF8.self),
            standardError: String(decoding: await errors, as: UTF8.self))
    }

    /// Reads the terminal's output until the last program holding it exits (EIO).
    private static func readUntilClosed(_ master: Int32) async -> Data {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var data = Data()
                var buffer = [UInt8](repeating: 0, count: 1 << 14)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                    if count > 0 {
                        data.append(contentsOf: buffer[..<count])
                    } else if count < 0 && errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
                continuation.resume(returning: data)
            }
        }
    }
}
