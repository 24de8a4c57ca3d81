#!/usr/bin/env bash
# A throwaway PostgreSQL server for the PostgreSQL tests (ChroniclePostgresTests).
# Sourced by Scripts/test.sh; usable on its own:
#
#   source Scripts/postgres-server.sh
#   postgres_server_start        # exports CHRONICLE_TEST_POSTGRES_URL
#   swift test --skip-build --filter ChroniclePostgresTests
#   postgres_server_stop         # stops it and deletes its files
#
# postgres_server_start finds PostgreSQL's server binaries (the newest
# /usr/lib/postgresql/*/bin, then PATH), installing the `postgresql` package
# through apt when they are missing and it runs as root. It creates a cluster in
# a fresh temporary directory (superuser `chronicle` with a random password,
# scram-sha-256 over TCP, trust over the Unix socket, UTF8), starts it on a free
# port of 127.0.0.1 and exports
#   CHRONICLE_TEST_POSTGRES_URL=postgres://chronicle:PASSWORD@127.0.0.1:PORT/postgres
# As root, every server command runs as the `postgres` user (initdb refuses
# root). Durability settings stay at their defaults (fsync on): the tests check
# behaviour the production server has. The Debian package's own cluster is
# never used (the install stops it).
#
# Both functions return non-zero with one line on stderr when they fail; they
# never exit the shell that sourced them. A failed start removes what it made.

chronicle_pg_dir=""       # the temporary directory: data/, the log, the socket
chronicle_pg_bindir=""    # where initdb, pg_ctl and postgres are

chronicle_pg_fail() { printf 'postgres-server: %s\n' "$*" >&2; return 1; }

# Runs a server command as the `postgres` user when root (initdb and postgres refuse root).
chronicle_pg_run() {
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The directory holding initdb, pg_ctl and postgres: the newest /usr/lib/postgresql/*/bin, then PATH.
chronicle_pg_find_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -rn); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            echo "$dir"
            return 0
        fi
    done
    local initdb
    initdb=$(command -v initdb 2>/dev/null) || return 1
    dir=$(dirname "$(readlink -f "$initdb")")
    [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] || return 1
    echo "$dir"
}

# Installs the `postgresql` package as root and stops the cluster its postinst may have started.
chronicle_pg_install() {
    if [ "$(id -u)" -ne 0 ]; then
        chronicle_pg_fail "PostgreSQL's server (initdb, pg_ctl, postgres) is not installed; install it (sudo apt-get install postgresql) and run again"
        return 1
    fi
    printf '==> installing postgresql through apt\n'
    DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
        { chronicle_pg_fail "apt-get update failed"; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null ||
        { chronicle_pg_fail "apt-get install postgresql failed"; return 1; }
    # Debian's postinst creates a `main` cluster and may start it: we never use it.
    if command -v pg_lsclusters >/dev/null; then
        local version name port status rest
        while read -r version name port status rest; do
            [ "$status" = online ] && pg_ctlcluster "$version" "$name" stop || true
        done < <(pg_lsclusters --no-header 2>/dev/null)
    fi
}

# A TCP port of 127.0.0.1 nobody listens on (the start retries if another process binds it first).
chronicle_pg_free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local port attempt
    for attempt in $(seq 1 50); do
        port=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# Starts the throwaway server and exports CHRONICLE_TEST_POSTGRES_URL.
postgres_server_start() {
    if [ -n "$chronicle_pg_dir" ]; then
        chronicle_pg_fail "a server is already running (data in $chronicle_pg_dir); call postgres_server_stop first"
        return 1
    fi
    if ! chronicle_pg_bindir=$(chronicle_pg_find_bindir); then
        chronicle_pg_install || return 1
        chronicle_pg_bindir=$(chronicle_pg_find_bindir) ||
            { chronicle_pg_fail "the postgresql package is installed but initdb, pg_ctl and postgres are not found"; return 1; }
    fi
    if [ "$(id -u)" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
        useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin postgres ||
            { chronicle_pg_fail "could not create the postgres user (the server cannot run as root)"; return 1; }
    fi

    local started=$SECONDS
    if [ "$(id -u)" -eq 0 ]; then
        # The postgres user must reach it: a directory of /tmp, not of $TMPDIR (often under root's home).
        chronicle_pg_dir=$(mktemp -d /tmp/chronicle-postgres.XXXXXX 2>/dev/null) ||
            { chronicle_pg_dir=""; chronicle_pg_fail "cannot create a temporary directory in /tmp"; return 1; }
        chown postgres: "$chronicle_pg_dir" ||
            { postgres_server_stop; chronicle_pg_fail "could not give $chronicle_pg_dir to the postgres user"; return 1; }
    else
        chronicle_pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/chronicle-postgres.XXXXXX" 2>/dev/null) ||
            { chronicle_pg_dir=""; chronicle_pg_fail "cannot create a temporary directory in ${TMPDIR:-/tmp}"; return 1; }
    fi

    local dir=$chronicle_pg_dir password
    password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    if ! (umask 077 && printf '%s\n' "$password" >"$dir/pwfile") ||
        { [ "$(id -u)" -eq 0 ] && ! chown postgres: "$dir/pwfile"; }; then
        postgres_server_stop
        chronicle_pg_fail "could not write the password file in $dir"
        return 1
    fi

    # --locale=C: always present, and UTF8 works with it. --no-sync only skips
    # initdb's final flush of a cluster deleted after the run; the server keeps fsync on.
    if ! chronicle_pg_run "$chronicle_pg_bindir/initdb" -D "$dir/data" -U chronicle --pwfile="$dir/pwfile" \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
        local reason
        reason=$(grep -m1 -E 'initdb: (error|fatal)' "$dir/initdb.log" | sed 's/^initdb: //' || true)
        postgres_server_stop
        chronicle_pg_fail "initdb failed: ${reason:-see its output}"
        return 1
    fi
    rm -f "$dir/pwfile"
    # Settings for a throwaway server: loopback only, its socket in the temporary
    # directory, and room for the many pools the tests open.
    chronicle_pg_run tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF || { postgres_server_stop; chronicle_pg_fail "could not write postgresql.conf"; return 1; }

# Scripts/postgres-server.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
EOF

    local port attempt
    for attempt in 1 2 3 4 5; do
        rm -f "$dir/postgres.log"
        port=$(chronicle_pg_free_port) || { postgres_server_stop; chronicle_pg_fail "no free TCP port found"; return 1; }
        if chronicle_pg_run "$chronicle_pg_bindir/pg_ctl" -D "$dir/data" -p "$chronicle_pg_bindir/postgres" \
            -o "-p $port" -w -t 60 -l "$dir/postgres.log" start >/dev/null 2>&1; then
            export CHRONICLE_TEST_POSTGRES_URL="postgres://chronicle:$password@127.0.0.1:$port/postgres"
            printf '==> PostgreSQL %s on 127.0.0.1:%s (%s, started in %ss)\n' \
                "$("$chronicle_pg_bindir/postgres" --version | awk '{print $3}')" "$port" "$dir" "$((SECONDS - started))"
            return 0
        fi
        # Another process took the port between the probe and the bind: try another one.
        grep -q 'could not bind\|Address already in use' "$dir/postgres.log" 2>/dev/null || break
        chronicle_pg_run "$chronicle_pg_bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    done
    tail -n 20 "$dir/postgres.log" >&2 2>/dev/null || true
    postgres_server_stop
    chronicle_pg_fail "the server did not start (its log's tail is above)"
    return 1
}

# Stops the server (immediately: its data is thrown away) and deletes its directory. Safe to call twice.
postgres_server_stop() {
    local dir=$chronicle_pg_dir
    [ -n "$dir" ] || return 0
    chronicle_pg_dir=""
    unset CHRONICLE_TEST_POSTGRES_URL
    if [ -f "$dir/data/postmaster.pid" ]; then
        chronicle_pg_run "$chronicle_pg_bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        # Still there (pg_ctl failed): end the postmaster this script started, by
        # its id, once its command line shows it is ours (the id may be reused).
        local pid
        pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
        if [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "-D $dir/data"; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "usage: source Scripts/postgres-server.sh; postgres_server_start; ...; postgres_server_stop" >&2
    exit 2
fi
