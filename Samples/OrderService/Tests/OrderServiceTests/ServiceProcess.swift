import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A running `order-service` executable (built next to the test bundle) on a
/// store file, and an HTTP client for it over loopback.
final class ServiceProcess: @unchecked Sendable {
    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    /// An HTTP response: status, body and the body as JSON.
    struct HTTPReply: CustomStringConvertible {
        let status: Int
        let body: Data
        let contentType: String?
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        var description: String { "HTTP \(status): \(text)" }
    }

    /// Set once, before the object is shared.
    private let process: Process
    let port: Int
    private let exited: Task<Int32, Never>
    private let errors: OutputBuffer

    private init(process: Process, port: Int, exited: Task<Int32, Never>, errors: OutputBuffer) {
        self.process = process
        self.port = port
        self.exited = exited
        self.errors = errors
    }

    /// The executable next to the running test bundle.
    static var executableURL: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("order-service")
    }

    /// Runs `order-service ARGUMENTS` to its end (for the cases where it does not
    /// start): its exit status, standard output and standard error.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = executableURL
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        async let output = readAll(out.fileHandleForReading)
        async let errors = readAll(err.fileHandleForReading)
        let (o, e) = await (output, errors)
        process.waitUntilExit()
        return (process.terminationStatus, o, e)
    }

    private static func readAll(_ handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var data = Data()
                while let chunk = readChunk(handle), !chunk.isEmpty { data.append(chunk) }
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
    }

    /// Starts `order-service --store STORE --port 0` and waits for the line that
    /// names its port.
    static func start(store: String, timeout: Duration = .seconds(60)) async throws -> ServiceProcess {
        let process = Process()
        process.executableURL = executableURL
        process.arguments = ["--store", store, "--host", "127.0.0.1", "--port", "0"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let (terminations, terminated) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { process in
            terminated.yield(process.terminationStatus)
            terminated.finish()
        }
        try process.run()
        let exited = Task<Int32, Never> {
            for await status in terminations { return status }
            return -1
        }
        let errors = OutputBuffer()
        Thread.detachNewThread {
            while let chunk = readChunk(err.fileHandleForReading), !chunk.isEmpty {
                errors.append(chunk)
            }
        }
        // Standard output: the first "listening on" line gives the port; the rest is drained.
        let (ports, portFound) = AsyncStream<Int>.makeStream()
        Thread.detachNewThread {
            var text = ""
            var found = false
            while let chunk = readChunk(out.fileHandleForReading), !chunk.isEmpty {
                text += String(decoding: chunk, as: UTF8.self)
                if !found, let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") }),
                    let port = line.split(separator: ":").last.flatMap({ Int($0) })
                {
                    found = true
                    portFound.yield(port)
                }
            }
            portFound.finish()
        }
        let port = await withTaskGroup(of: Int?.self) { group in
            group.addTask { for await port in ports { return port }; return nil }
            group.addTask { try? await Task.sleep(for: timeout); return nil }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let port else {
            process.terminate()
            let stderr = errors.text
            throw StartError(description: "order-service printed no port; stderr:\n\(stderr)")
        }
        return ServiceProcess(process: process, port: port, exited: exited, errors: errors)
    }

    /// What the service wrote to standard error so far (its log).
    var log: String { errors.text }

    /// Sends `signal` (SIGTERM by default) to the service.
    func signal(_ signal: Int32 = SIGTERM) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// The exit status, or `nil` when the service is still running after `timeout`
    /// (it is then killed).
    func exitStatus(within timeout: Duration) async -> Int32? {
        let exited = self.exited
        let status = await withTaskGroup(of: Int32?.self) { group in
            group.addTask { await exited.value }
            group.addTask { try? await Task.sleep(for: timeout); return nil }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if status == nil { signal(SIGKILL) }
        return status
    }

    /// Stops the service if it still runs (for tests that end without SIGTERM).
    func stop() async {
        signal(SIGTERM)
        _ = await exitStatus(within: .seconds(10))
    }

    /// Sends one request to the service over loopback.
    func request(_ method: String, _ path: String, json: String? = nil) async throws -> HTTPReply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return HTTPReply(
            status: http.statusCode, body: data, contentType: http.value(forHTTPHeaderField: "Content-Type"))
    }

    /// One `read(2)` of up to 64 KiB, retried when a signal interrupts it;
    /// empty at the end of the stream, `nil` on an error.
    private static func readChunk(_ handle: FileHandle) -> Data? {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(buffer[..<count]) }
            if errno != EINTR { return nil }
        }
    }
}

/// Bytes a reader thread appends while the test reads them.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
