internal import Foundation
internal import GRDB
internal import GRDBSQLite

/// A GRDB-prepared (and cached) statement driven through SQLite's C API: binding
/// values and stepping rows without `StatementArguments`, `Row` or
/// `DatabaseValue`, which cost more than the statement itself on the hot paths
/// (appends, event reads).
///
/// Only code that binds every parameter itself uses these statements.
struct SQLiteRawStatement {
    let statement: Statement

    init(_ statement: Statement) {
        self.statement = statement
        sqlite3_reset(statement.sqliteStatement)
    }

    var handle: OpaquePointer { statement.sqliteStatement }

    /// SQLite's "copy this value now" destructor.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    func bind(_ index: Int32, _ text: String) throws {
        // A native string's UTF-8 bytes are bound in place with their length (the
        // implicit String-to-pointer conversion copies them into a new C string first).
        var text = text
        try text.withUTF8 { utf8 in
            // An empty string (not NULL) needs a non-nil pointer too.
            let bytes = utf8.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!
            try check(
                sqlite3_bind_text(
                    handle, index, bytes.assumingMemoryBound(to: CChar.self), Int32(utf8.count), Self.transient))
        }
    }

    func bind(_ index: Int32, blob data: Data) throws {
        try data.withUnsafeBytes { raw in
            // A zero-length blob (not NULL) needs a non-nil pointer.
            try check(sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), Self.transient))
        }
    }

    func bind(_ index: Int32, uuid: UUID) throws {
        try withUnsafeBytes(of: uuid.uuid) { raw in
            try check(sqlite3_bind_blob(handle, index, raw.baseAddress, 16, Self.transient))
        }
    }

    func bindNull(_ index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Steps once: `true` for a row, `false` when done.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        let error = self.error(code)
        sqlite3_reset(handle)
        throw error
    }

    /// Resets the statement (ending its read, keeping its bindings).
    func reset() {
        sqlite3_reset(handle)
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw error(code) }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_errmsg(sqlite3_db_handle(handle)).map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}

extension SQLiteRawStatement {
    /// Runs `body` in a `BEGIN IMMEDIATE` transaction, committed when it returns
    /// and rolled back when it throws, with cached statements (GRDB's
    /// `inTransaction` compiles `BEGIN` and `COMMIT` anew each time).
    static func immediateTransaction<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try run(db, "BEGIN IMMEDIATE TRANSACTION")
        let result: T
        do {
            result = try body()
            try run(db, "COMMIT TRANSACTION")
        } catch {
            // A failed COMMIT (or an error SQLite already rolled back for) may leave no transaction.
            if sqlite3_get_autocommit(db.sqliteConnection) == 0 { try? run(db, "ROLLBACK TRANSACTION") }
            throw error
        }
        return result
    }

    /// Executes a statement without parameters or rows, cached.
    static func run(_ db: Database, _ sql: String) throws {
        let statement = SQLiteRawStatement(try db.cachedStatement(sql: sql))
        defer { statement.reset() }
        _ = try statement.step()
    }
}
