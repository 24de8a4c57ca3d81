internal import Foundation

extension Lease {
    /// An owner id that names this process for operators: host name, process id
    /// and a random suffix, e.g. `build-7:4121:9f3a2c`.
    ///
    /// Each call returns a new suffix, so two runners in one process are two
    /// owners (they exclude each other like two processes do), while operators
    /// still see which host and process holds a lease.
    ///
    /// ```swift
    /// let owner = Lease.processOwner()   // "build-7:4121:9f3a2c"
    /// ```
    ///
    /// - Returns: The owner id.
    public static func processOwner() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let suffix = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        return "\(host.isEmpty ? "host" : host):\(ProcessInfo.processInfo.processIdentifier):\(suffix)"
    }
}
