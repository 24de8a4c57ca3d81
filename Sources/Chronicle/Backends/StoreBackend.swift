/// A kind of store that tools open by location: SQLite files, PostgreSQL
/// servers, or an app's own.
///
/// A backend names the schemes it takes (`sqlite`, `postgres`), turns what a
/// user writes after `--store` into a ``StoreLocation``, and opens it as a
/// ``BackendStore``. It lives in the backend's own module (ChronicleSQLite's
/// `SQLiteBackend`), so that tools such as ChronicleCLI depend on this protocol,
/// never on a database library; each executable registers the backends it ships.
///
/// ## Implementation requirements
///
/// - ``schemes`` are lowercase and unique among the backends a tool registers.
/// - ``location(parsing:)`` accepts what ``StoreLocation/description`` writes,
///   and throws ``EventStoreError`` (`invalidArgument`) for input it rejects.
/// - ``open(_:access:)`` with ``StoreAccess/existing`` never creates a store;
///   with ``StoreAccess/readOnly`` it never creates, migrates or writes one
///   (a backend that cannot open read-only may open as for `existing`, and
///   then must not write).
/// - A store that can copy itself while in use also conforms to ``StoreBackingUp``.
///
/// ```swift
/// struct MemoryBackend: StoreBackend {
///     let name = "in-memory"
///     let schemes = ["memory"]
///     func location(parsing text: String) throws -> StoreLocation {
///         StoreLocation(scheme: "memory", address: String(text.dropFirst("memory:".count)))
///     }
///     func open(_ location: StoreLocation, access: StoreAccess) async throws -> any BackendStore {
///         MemoryStore(name: location.address)
///     }
/// }
/// ```
public protocol StoreBackend: Sendable {
    /// The backend's name in messages: `"SQLite"`, `"PostgreSQL"`.
    var name: String { get }

    /// The schemes whose locations this backend opens, lowercase; the first is
    /// the one it writes (`["sqlite"]`, `["postgres", "postgresql"]`).
    var schemes: [String] { get }

    /// Whether a location without a scheme (a bare path such as `events.sqlite`)
    /// is this backend's. At most one registered backend says yes.
    var opensBarePaths: Bool { get }

    /// How users write a location of this backend, for help and error
    /// messages: `"sqlite:PATH"`, `"postgres://…"`.
    var locationForm: String { get }

    /// Reads a location as written, with one of ``schemes`` or (when
    /// ``opensBarePaths``) none.
    ///
    /// ```swift
    /// let location = try SQLiteBackend().location(parsing: "sqlite:events.sqlite")
    /// ```
    ///
    /// - Parameter text: The location, trimmed of surrounding spaces.
    /// - Returns: The location.
    /// - Throws: ``EventStoreError`` (`invalidArgument`) when the text names no store.
    func location(parsing text: String) throws -> StoreLocation

    /// Opens the store at a location.
    ///
    /// ```swift
    /// let store = try await backend.open(location, access: .existing)
    /// defer { store.close() }
    /// ```
    ///
    /// - Parameters:
    ///   - location: A location this backend made.
    ///   - access: Whether a missing store may be created.
    /// - Returns: The open store.
    /// - Throws: ``EventStoreError`` when the store is missing (for
    ///   ``StoreAccess/existing``), damaged, or cannot be reached.
    func open(_ location: StoreLocation, access: StoreAccess) async throws -> any BackendStore
}

extension StoreBackend {
    /// No bare paths, unless the backend says otherwise.
    public var opensBarePaths: Bool { false }

    /// The first scheme followed by `:…`, unless the backend says otherwise.
    public var locationForm: String { "\(schemes.first ?? name.lowercased()):…" }
}
