import Foundation
import Synchronization

/// Runs the built `chronicle` executable (or another executable of the package,
/// such as `ChronicleCLITestApp`) as a separate OS process.
///
/// The test bundle and the executables are built into the same products
/// directory (the test target depends on their targets for that reason).
enum ChronicleProcess {
    struct Output: Sendable, CustomStringConvertible {
        let status: Int32
        let standardOutput: String
        let standardError: String

        var outputLines: [String] { standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
        var errorLines: [String] { standardError.split(separator: "\n").map(String.init) }

        var description: String { "status \(status)\nstdout:\n\(standardOutput)\nstderr:\n\(standardError)" }
    }

    static var executableURL: URL { executableURL("chronicle") }

    static func executableURL(_ name: String) -> URL {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBinary.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// The test process's environment without anything that changes the tool's behaviour.
    static func environment(_ overrides: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["CHRONICLE_STORE"] = nil
        environment["NO_COLOR"] = nil
        environment.merge(overrides) { $1 }
        return environment
    }

    /// Runs `chronicle` to completion.
    static func run(
        _ arguments: [String], standardInput: Data? = nil, environment overrides: [String: String] = [:],
        executable: String = "chronicle"
    ) async throws -> Output {
        let process = Process()
        process.executableURL = executableURL(executable)
        process.arguments = arguments
        process.environment = environment(overrides)
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Feed and drain on their own threads so that no full pipe blocks the child.
        let feeding = Task.detached {
            if let standardInput { try? input.fileHandleForWriting.write(contentsOf: standardInput) }
            try? input.fileHandleForWriting.close()
        }
        async let stdout = readToEnd(out.fileHandleForReading)
        async let stderr = readToEnd(err.fileHandleForReading)
        let (o, e) = await (stdout, stderr)
        await feeding.value
        let status = await waitForExit(process)
        return Output(
            status: status, standardOutput: String(decoding: o, as: UTF8.self),
            standardError: String(decoding: e, as: UTF8.self))
    }

    /// Starts `chronicle` and hands back a handle that reads its output line by line, on demand.
    static func start(
        _ arguments: [String], environment overrides: [String: String] = [:], executable: String = "chronicle"
    ) throws -> Running {
        let process = Process()
        process.executableURL = executableURL(executable)
        process.arguments = arguments
        process.environment = environment(overrides)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, output: out.fileHandleForReading, error: err.fileHandleForReading)
    }

    static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var data = Data()
                while let chunk = readChunk(handle), !chunk.isEmpty { data.append(chunk) }
                continuation.resume(returning: data)
            }
        }
    }

    /// One `read(2)` of up to 64 KiB, retried when a signal interrupts it
    /// (Foundation's `availableData` traps on EINTR, and SIGCHLD arrives often
    /// here); empty at the end, `nil` on an error.
    static func readChunk(_ handle: FileHandle) -> Data? {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(buffer[..<count]) }
            if errno != EINTR { return nil }
        }
    }

    static func waitForExit(_ process: Process) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }

    /// A running `chronicle` whose standard output is read only when asked, so
    /// that a test can stop reading (and the child blocks on a full pipe).
    final class Running: Sendable {
        private let process: Process
        private let output: FileHandle
        private let pending = Mutex<[UInt8]>([])
        let standardError: Task<Data, Never>

        init(process: Process, output: FileHandle, error: FileHandle) {
            self.process = process
            self.output = output
            let errorHandle = error
            standardError = Task.detached { await ChronicleProcess.readToEnd(errorHandle) }
        }

        var processIdentifier: Int32 { process.processIdentifier }

        /// The next line of standard output, or `nil` at its end.
        func nextLine() async -> String? {
            while true {
                let line = pending.withLock { buffer -> String? in
                    guard let newline = buffer.firstIndex(of: 0x0A) else { return nil }
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    return line
                }
                if let line { return line }
                let chunk = await withCheckedContinuation { continuation in
                    Thread.detachNewThread {
                        continuation.resume(returning: ChronicleProcess.readChunk(self.output) ?? Data())
                    }
                }
                if chunk.isEmpty {
                    return pending.withLock { buffer -> String? in
                        guard !buffer.isEmpty else { return nil }
                        defer { buffer.removeAll() }
                        return String(decoding: buffer, as: UTF8.self)
                    }
                }
                pending.withLock { $0.append(contentsOf: chunk) }
            }
        }

        /// Sends a signal.
        func signal(_ number: Int32) {
            kill(process.processIdentifier, number)
        }

        /// Waits for the process to end; returns how it ended.
        func wait() async -> (status: Int32, reason: Process.TerminationReason) {
            let status = await ChronicleProcess.waitForExit(process)
            return (status, process.terminationReason)
        }
    }
}
