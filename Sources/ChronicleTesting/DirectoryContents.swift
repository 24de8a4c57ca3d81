public import Foundation

/// The names and bytes of the files in a directory at one moment: what a test
/// compares before and after an operation that must leave a store's files, and
/// the directory's listing, exactly as they were.
///
/// ```swift
/// let before = try DirectoryContents(of: directory.path(""))
/// let store = try await SQLiteEventStore(path: path, options: .init(readOnly: true))
/// try store.close()
/// #expect(try DirectoryContents(of: directory.path("")) == before)
/// ```
public struct DirectoryContents: Hashable, Sendable, CustomStringConvertible {
    /// Each file's name and bytes.
    public let files: [String: Data]

    /// Reads the directory's files (not its subdirectories' contents).
    ///
    /// - Parameter path: The directory.
    /// - Throws: The file system's error when it cannot be read.
    public init(of path: String) throws {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            let url = URL(fileURLWithPath: path).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            files[name] = isDirectory.boolValue ? Data() : try Data(contentsOf: url)
        }
        self.files = files
    }

    /// The file names and sizes, sorted.
    public var description: String {
        files.keys.sorted().map { "\($0) (\(files[$0]?.count ?? 0) bytes)" }.joined(separator: ", ")
    }
}
