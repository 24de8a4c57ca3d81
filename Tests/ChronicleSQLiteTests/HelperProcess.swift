import Chronicle
import Foundation
import ProcessTestSupport

/// Runs the `ChronicleTestHelper` executable (built next to the test bundle) as
/// a separate OS process.
enum HelperProcess {
    typealias Output = ChildProcess.Output

    static var executableURL: URL { ChildProcess.executableURL("ChronicleTestHelper") }

    /// Starts the helper; the returned task finishes with its exit status and output.
    static func start(_ arguments: [String]) throws -> Task<Output, Never> {
        try ChildProcess.start("ChronicleTestHelper", arguments)
    }
}
