// An app's admin tool, for the ChronicleCLI tests: the store commands with two
// projections registered, driven as a subprocess by Tests/ChronicleCLITests.
//
//   ChronicleCLITestApp projections status --store PATH
//   TEST_APP_FAIL_TYPES=Refunded ChronicleCLITestApp projections catch-up --store PATH
//
// `order-totals` is exactly-once (a table in the store's file); `payments-log`
// is at-least-once (a table in PATH.payments, another SQLite file). Both fail
// on the event types listed in TEST_APP_FAIL_TYPES (comma-separated). On a
// PostgreSQL store (postgres://…) only `payments-log` runs, in the SQLite file
// TEST_APP_PAYMENTS names.
import ChronicleCLI
import ChroniclePostgres
import ChronicleSQLite

await CommandRunner.main(TestApp.self, backends: [SQLiteBackend(), PostgresBackend()])
