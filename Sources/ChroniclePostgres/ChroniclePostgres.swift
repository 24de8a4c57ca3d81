// ChroniclePostgres: Chronicle's PostgreSQL backend.
