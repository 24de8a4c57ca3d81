import Chronicle
import Foundation

/// `fork-ids`: takes a command id (which fills the process's pool of random
/// words), forks, and prints four more command ids from the child, then four
/// from the parent. A pool that missed the fork would give both the same ids.
enum ForkIdsCommand {
    static func run() {
        _ = CommandContext().commandId
        let child = fork()
        if child < 0 { fail("fork failed: errno \(errno)") }
        let ids = (0..<4).map { _ in CommandContext().commandId }
        if child == 0 {
            print(ids.map { "child \($0)" }.joined(separator: "\n"))
            fflush(nil)
            _exit(0)
        }
        var status: Int32 = 0
        waitpid(child, &status, 0)
        print(ids.map { "parent \($0)" }.joined(separator: "\n"))
    }
}
