import Foundation
import ProcessTestSupport
import Synchronization

/// Runs the built `chronicle` executable (or another executable of the package,
/// such as `ChronicleCLITestApp`) as a separate OS process, with an environment
/// cleared of the variables that change the tool's behaviour.
///
/// The test bundle and the executables are built into the same products
/// directory (the test target depends on their targets for that reason).
enum ChronicleProcess {
    typealias Output = ChildProcess.Output

    static var executableURL: URL { executableURL("chronicle") }

    static func executableURL(_ name: String) -> URL { ChildProcess.executableURL(name) }

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
        try await ChildProcess.run(
            executable, arguments, standardInput: standardInput, environment: environment(overrides))
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
            standardError = Task.detached { await ChildProcess.readToEnd(errorHandle) }
        }

        var processIdentifier: Int32 { process.processIdentifier }

        /// Whether it has not ended yet.
        var isRunning: Bool { process.isRunning }

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
                        continuation.resume(returning: ChildProcess.readChunk(self.output) ?? Data())
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

        /// Whether one of its threads is blocked writing to a full pipe (its
        /// standard output, when the test does not read it), as Linux reports in
        /// /proc/PID/task/*/wchan.
        func isBlockedWritingToAPipe() -> Bool {
            let tasks = "/proc/\(process.processIdentifier)/task"
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []
            return threads.contains { thread in
                let wchan = (try? String(contentsOfFile: "\(tasks)/\(thread)/wchan", encoding: .utf8)) ?? ""
                return wchan.hasSuffix("pipe_write")
            }
        }

        /// Sends a signal.
        func signal(_ number: Int32) {
            kill(process.processIdentifier, number)
        }

        /// Waits for the process to end; returns how it ended.
        func wait() async -> (status: Int32, reason: Process.TerminationReason) {
            let status = await ChildProcess.waitForExit(process)
            return (status, process.terminationReason)
        }
    }
}
