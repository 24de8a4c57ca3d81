public import Foundation

/// A fresh directory under the system's temporary directory, removed with
/// everything in it when the value is released: a place for a test's store files.
///
/// ```swift
/// @Test func reopening() async throws {
///     let directory = try TemporaryDirectory()
///     let store = try await SQLiteEventStore(path: directory.path("events.sqlite"))
///     // ...
/// }
/// ```
public final class TemporaryDirectory: Sendable {
    /// The directory.
    public let url: URL

    /// Creates the directory.
    ///
    /// - Parameter prefix: The start of the directory's name.
    /// - Throws: The file system's error when it cannot be created.
    public init(prefix: String = "chronicle-tests") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of a file in the directory.
    ///
    /// - Parameter name: The file's name.
    /// - Returns: Its full path.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
