// The standalone `chronicle` tool: the store-level commands of ChronicleCLI
// under one root command, with ChronicleCLI's error and exit-code handling,
// opening the backends this executable ships (SQLite for bare paths, PostgreSQL).
import ChronicleCLI
import ChroniclePostgres
import ChronicleSQLite

await CommandRunner.main(ChronicleToolCommand.self, backends: [SQLiteBackend(), PostgresBackend()])
