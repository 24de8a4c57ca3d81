// The fresh-database helpers (PostgresTestDatabase, withPostgresStore,
// PostgresTestServer) live in the PostgresTestSupport target, which the CLI
// tests share; every file of this target sees them.
@_exported public import PostgresTestSupport
