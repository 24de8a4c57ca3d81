/*
 * The physical limit of an event store on SQLite, for comparison with
 * `chronicle bench`: libsqlite3 called directly, no framework, no decoding.
 *
 *   Benchmarks/CReference/run.sh [rounds] [directory] [workload ...]
 *
 * Schema: one events table shaped like Chronicle's (position, stream, version,
 * event id, type, data, metadata, time; unique (stream, version) and unique
 * event id, ids in increasing order like Chronicle's time-ordered ones). Every
 * append is one transaction:
 *
 *   BEGIN IMMEDIATE; SELECT max(version) FROM events WHERE stream = ?;
 *   INSERT ... (one row per event); COMMIT
 *
 * except group-16, whose transactions each hold 16 such appends (version check
 * and insert) to 16 streams: what group commit makes of append-concurrent.
 *
 * Each workload runs `rounds` times on a fresh file in WAL mode, at
 * synchronous=FULL and at synchronous=NORMAL; the median round is printed.
 * Workloads named after the directory run alone (all of them by default).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fprintf(stderr, "%s: %s\n", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        exit(1);
    }
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void exec(sqlite3 *db, const char *sql) { check(sqlite3_exec(db, sql, NULL, NULL, NULL), db, sql); }

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *begin, *max_version, *insert, *commit;
    uint64_t next_id;
} Store;

static void prepare(Store *s, const char *sql, sqlite3_stmt **out) {
    check(sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL), s->db, sql);
}

static void open_store(Store *s, const char *path, const char *synchronous) {
    char sql[128];
    unlink(path);
    char side[600];
    snprintf(side, sizeof side, "%s-wal", path); unlink(side);
    snprintf(side, sizeof side, "%s-shm", path); unlink(side);
    check(sqlite3_open(path, &s->db), s->db, "open");
    exec(s->db, "PRAGMA journal_mode = WAL");
    snprintf(sql, sizeof sql, "PRAGMA synchronous = %s", synchronous);
    exec(s->db, sql);
    exec(s->db,
         "CREATE TABLE events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL, "
         "event_id BLOB NOT NULL, type TEXT NOT NULL, data BLOB NOT NULL, metadata BLOB, recorded_at INTEGER NOT NULL);"
         "CREATE UNIQUE INDEX events_stream_version ON events(stream, version);"
         "CREATE UNIQUE INDEX events_event_id ON events(event_id);");
    prepare(s, "BEGIN IMMEDIATE", &s->begin);
    prepare(s, "SELECT max(version) FROM events WHERE stream = ?", &s->max_version);
    prepare(s, "INSERT INTO events (stream, version, event_id, type, data, metadata, recorded_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)", &s->insert);
    prepare(s, "COMMIT", &s->commit);
    s->next_id = 1;
}

static void close_store(Store *s) {
    sqlite3_finalize(s->begin);
    sqlite3_finalize(s->max_version);
    sqlite3_finalize(s->insert);
    sqlite3_finalize(s->commit);
    check(sqlite3_close(s->db), NULL, "close");
}

static void step(Store *s, sqlite3_stmt *stmt) {
    int rc = sqlite3_step(stmt);
    check(rc, s->db, sqlite3_sql(stmt));
    sqlite3_reset(stmt);
}

/* The events of one append, after its version check, inside the caller's transaction. */
static void append_rows(Store *s, const char *stream, int count) {
    static const char *metadata = "{\"causationId\":\"6F1C2A9E-3B7D-4C11-9A0E-2D5B8F7C1E34\","
                                  "\"correlationId\":\"6F1C2A9E-3B7D-4C11-9A0E-2D5B8F7C1E34\"}";
    check(sqlite3_bind_text(s->max_version, 1, stream, -1, SQLITE_STATIC), s->db, "bind");
    check(sqlite3_step(s->max_version), s->db, "max(version)");
    int64_t version = sqlite3_column_int64(s->max_version, 0);
    sqlite3_reset(s->max_version);
    for (int i = 0; i < count; i++) {
        /* Ids in increasing byte order, like Chronicle's time-ordered (version 7) event ids. */
        unsigned char id[16] = {0};
        uint64_t n = s->next_id++;
        for (int b = 0; b < 8; b++) id[b] = (unsigned char)(n >> (56 - 8 * b));
        char data[64];
        int length = snprintf(data, sizeof data, "{\"sku\":\"sku-%d\",\"qty\":%d}", (int)(n % 20), (int)(n % 5) + 1);
        sqlite3_bind_text(s->insert, 1, stream, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s->insert, 2, version + 1 + i);
        sqlite3_bind_blob(s->insert, 3, id, 16, SQLITE_TRANSIENT);
        sqlite3_bind_text(s->insert, 4, "ItemAdded", -1, SQLITE_STATIC);
        sqlite3_bind_blob(s->insert, 5, data, length, SQLITE_TRANSIENT);
        sqlite3_bind_blob(s->insert, 6, metadata, (int)strlen(metadata), SQLITE_STATIC);
        sqlite3_bind_int64(s->insert, 7, (int64_t)(now_s() * 1e6));
        step(s, s->insert);
    }
}

/* One append: `count` events to `stream` in one transaction, after the version check. */
static void append(Store *s, const char *stream, int count) {
    step(s, s->begin);
    append_rows(s, stream, count);
    step(s, s->commit);
}

typedef struct {
    const char *name;
    const char *meaning;
    double value; /* events (or rows) per second, or ms */
    const char *unit;
} Result;

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count) {
    qsort(values, count, sizeof *values, compare);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

enum { SINGLE, STREAM, BATCH10, BATCH100, GROUP16, LOAD, SCAN, WORKLOADS };
static const char *names[WORKLOADS] = {
    "append-single", "append-stream", "append-batch", "append-100", "group-16", "load-rows", "scan-rows"};
static const char *meanings[WORKLOADS] = {
    "10,000 appends of 1 event, each to a new stream (events/s)",
    "10,000 appends of 1 event to one stream (events/s)",
    "1,000 appends of 10 events, each to a new stream (events/s)",
    "100 appends of 100 events to one stream (events/s)",
    "1,250 commits of 16 one-event appends to 16 streams: append-concurrent's commits (events/s)",
    "read the 1,000 rows of one stream, no decode (ms, median of 50)",
    "read every row of the log in order, no decode (rows/s)"};

/* Runs one round of one workload on a fresh store; returns its figure. */
static double run(int workload, const char *path, const char *synchronous) {
    Store s;
    open_store(&s, path, synchronous);
    char stream[64];
    double figure = 0, start;
    switch (workload) {
    case SINGLE:
        start = now_s();
        for (int i = 0; i < 10000; i++) {
            snprintf(stream, sizeof stream, "order-%d", i);
            append(&s, stream, 1);
        }
        figure = 10000 / (now_s() - start);
        break;
    case STREAM:
        start = now_s();
        for (int i = 0; i < 10000; i++) append(&s, "order-1", 1);
        figure = 10000 / (now_s() - start);
        break;
    case BATCH10:
        start = now_s();
        for (int i = 0; i < 1000; i++) {
            snprintf(stream, sizeof stream, "order-%d", i);
            append(&s, stream, 10);
        }
        figure = 10000 / (now_s() - start);
        break;
    case BATCH100:
        start = now_s();
        for (int i = 0; i < 100; i++) append(&s, "order-1", 100);
        figure = 10000 / (now_s() - start);
        break;
    case GROUP16:
        /* What group commit makes of append-concurrent: each transaction holds one
           append (version check and insert) of each of 16 streams. */
        start = now_s();
        for (int i = 0; i < 1250; i++) {
            step(&s, s.begin);
            for (int t = 0; t < 16; t++) {
                snprintf(stream, sizeof stream, "order-c%d", t);
                append_rows(&s, stream, 1);
            }
            step(&s, s.commit);
        }
        figure = 20000 / (now_s() - start);
        break;
    case LOAD: {
        for (int i = 0; i < 10; i++) append(&s, "order-big", 100);
        for (int i = 0; i < 100; i++) {
            snprintf(stream, sizeof stream, "order-%d", i);
            append(&s, stream, 100);
        }
        sqlite3_stmt *read;
        prepare(&s, "SELECT position, stream, version, event_id, type, data, metadata, recorded_at FROM events "
                    "WHERE stream = ? AND version >= ? ORDER BY version LIMIT ?", &read);
        double samples[50];
        for (int round = -5; round < 50; round++) {
            start = now_s();
            sqlite3_bind_text(read, 1, "order-big", -1, SQLITE_STATIC);
            sqlite3_bind_int64(read, 2, 1);
            sqlite3_bind_int64(read, 3, 1000);
            int64_t bytes = 0, rows = 0;
            while (sqlite3_step(read) == SQLITE_ROW) {
                rows++;
                bytes += sqlite3_column_int64(read, 0) + sqlite3_column_bytes(read, 1) + sqlite3_column_int64(read, 2)
                         + sqlite3_column_bytes(read, 3) + sqlite3_column_bytes(read, 4)
                         + sqlite3_column_bytes(read, 5) + sqlite3_column_bytes(read, 6)
                         + sqlite3_column_int64(read, 7);
                (void)sqlite3_column_blob(read, 5);
            }
            sqlite3_reset(read);
            if (rows != 1000) { fprintf(stderr, "load read %lld rows\n", (long long)rows); exit(1); }
            if (round >= 0) samples[round] = (now_s() - start) * 1000;
            if (bytes == 42) printf(" ");
        }
        sqlite3_finalize(read);
        figure = median(samples, 50);
        break;
    }
    case SCAN: {
        for (int i = 0; i < 300; i++) {
            snprintf(stream, sizeof stream, "order-%d", i);
            append(&s, stream, 100);
        }
        sqlite3_stmt *read;
        prepare(&s, "SELECT position, stream, version, event_id, type, data, metadata, recorded_at FROM events "
                    "WHERE position >= ? ORDER BY position LIMIT ?", &read);
        start = now_s();
        int64_t next = 1, rows = 0, bytes = 0;
        for (;;) {
            int64_t page = 0;
            sqlite3_bind_int64(read, 1, next);
            sqlite3_bind_int64(read, 2, 1000);
            while (sqlite3_step(read) == SQLITE_ROW) {
                page++;
                next = sqlite3_column_int64(read, 0) + 1;
                bytes += sqlite3_column_bytes(read, 1) + sqlite3_column_int64(read, 2) + sqlite3_column_bytes(read, 3)
                         + sqlite3_column_bytes(read, 4) + sqlite3_column_bytes(read, 5)
                         + sqlite3_column_bytes(read, 6) + sqlite3_column_int64(read, 7);
            }
            sqlite3_reset(read);
            rows += page;
            if (page < 1000) break;
        }
        figure = rows / (now_s() - start);
        sqlite3_finalize(read);
        if (bytes == 42) printf(" ");
        break;
    }
    }
    close_store(&s);
    return figure;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    const char *directory = argc > 2 ? argv[2] : "/tmp";
    if (rounds < 1) rounds = 1;
    char path[512];
    snprintf(path, sizeof path, "%s/chronicle-c-reference-%d.sqlite", directory, (int)getpid());
    int chosen[WORKLOADS] = {0};
    for (int a = 3; a < argc; a++) {
        int found = 0;
        for (int w = 0; w < WORKLOADS; w++)
            if (strcmp(argv[a], names[w]) == 0) chosen[w] = found = 1;
        if (!found) {
            fprintf(stderr, "unknown workload '%s'\n", argv[a]);
            return 2;
        }
    }
    const char *modes[2] = {"FULL", "NORMAL"};
    printf("SQLite %s, WAL, medians of %d rounds, %s\n", sqlite3_libversion(), rounds, directory);
    printf("%-14s %14s %14s  %s\n", "WORKLOAD", "FULL", "NORMAL", "MEANING");
    for (int w = 0; w < WORKLOADS; w++) {
        if (argc > 3 && !chosen[w]) continue;
        double figures[2];
        for (int m = 0; m < 2; m++) {
            /* Reads do not depend on durability: measure them once. */
            if ((w == LOAD || w == SCAN) && m == 1) { figures[1] = figures[0]; continue; }
            double samples[64];
            for (int r = 0; r < rounds && r < 64; r++) samples[r] = run(w, path, modes[m]);
            figures[m] = median(samples, rounds < 64 ? rounds : 64);
        }
        const char *format = w == LOAD ? "%-14s %11.3f ms %11.3f ms  %s\n" : "%-14s %12.0f/s %12.0f/s  %s\n";
        printf(format, names[w], figures[0], figures[1], meanings[w]);
        fflush(stdout);
    }
    unlink(path);
    char side[600];
    snprintf(side, sizeof side, "%s-wal", path); unlink(side);
    snprintf(side, sizeof side, "%s-shm", path); unlink(side);
    return 0;
}
