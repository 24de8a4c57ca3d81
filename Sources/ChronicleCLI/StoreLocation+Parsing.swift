public import Chronicle

extension StoreLocation {
    /// Parses a store location with the running command's backends
    /// (``StoreBackendRegistry/current``).
    ///
    /// - `sqlite:PATH` (or `sqlite://PATH`), or a bare path such as
    ///   `events.sqlite`: a SQLite store file, when the tool registers ChronicleSQLite's backend;
    /// - `postgres://…` / `postgresql://…`: a PostgreSQL store, when the tool registers ChroniclePostgres's backend;
    /// - `SCHEME:…` for any other registered backend.
    ///
    /// ```swift
    /// let location = try StoreLocation(parsing: "sqlite:data/events.sqlite")
    /// location.description   // "sqlite:data/events.sqlite"
    /// ```
    ///
    /// - Parameter text: The location as written.
    /// - Throws: ``CommandError`` as ``StoreBackendRegistry/location(parsing:)``.
    public init(parsing text: String) throws {
        self = try StoreBackendRegistry.current.location(parsing: text)
    }
}
