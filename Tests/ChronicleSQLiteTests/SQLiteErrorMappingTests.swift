import Chronicle
import GRDB
import Testing

@testable import ChronicleSQLite

@Suite("SQLite error mapping")
struct SQLiteErrorMappingTests {
    @Test(arguments: [
        (ResultCode.SQLITE_FULL, EventStoreError.Code.storageFull),
        (.SQLITE_CORRUPT, .corruptStore),
        (.SQLITE_NOTADB, .notAChronicleStore),
        (.SQLITE_READONLY, .readOnly),
        (.SQLITE_CANTOPEN, .storageUnavailable),
        (.SQLITE_IOERR, .storageUnavailable),
        (.SQLITE_BUSY, .storageUnavailable),
        (.SQLITE_PERM, .storageUnavailable),
    ])
    func nativeErrorsBecomeTypedErrors(native: ResultCode, expected: EventStoreError.Code) throws {
        let mapped = SQLiteErrorMapping.map(DatabaseError(resultCode: native, message: "boom"), path: "x.sqlite")
        let error = try #require(mapped as? EventStoreError)
        #expect(error.code == expected)
        #expect(error.message.contains("x.sqlite"))
        #expect((error.cause as? DatabaseError)?.resultCode == native, "the native cause is kept")
    }

    @Test func otherErrorsPassThroughUnchanged() {
        struct UserError: Error, Equatable {}
        #expect(SQLiteErrorMapping.map(UserError(), path: "x") as? UserError == UserError())
        let typed = EventStoreError.invalidArgument("nope")
        #expect((SQLiteErrorMapping.map(typed, path: "x") as? EventStoreError)?.code == .invalidArgument)
    }
}
