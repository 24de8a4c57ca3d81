import Foundation

/// Runs the `ChronicleTestHelper` executable (built next to the test bundle) as
/// a separate OS process.
struct HelperProcess {
    struct Output: Sendable {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    static var executableURL: URL {
        // The test bundle and the helper are built into the same products directory.
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBinary.deletingLastPathComponent().appendingPathComponent("ChronicleTestHelper")
    }

    /// Starts the helper; the returned task finishes with its exit status and output.
    static func start(_ arguments: [String]) throws -> Task<Output, any Error> {
        let process = Process()
        process.executableURL = executableURL
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Task.detached {
            // Drain both pipes on their own threads so a full pipe never blocks the child.
            async let stdout = readAll(out.fileHandleForReading)
            async let stderr = readAll(err.fileHandleForReading)
            let (o, e) = await (stdout, stderr)
            process.waitUntilExit()
            return Output(
                status: process.terminationStatus, standardOutput: String(decoding: o, as: UTF8.self),
                standardError: String(decoding: e, as: UTF8.self))
        }
    }

    private static func readAll(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }
}
