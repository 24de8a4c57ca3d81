#!/usr/bin/env bash
# Soak test: writers, projections, a live subscriber and export/import cycles
# on one SQLite store for MINUTES minutes (default 10). Not part of CI.
#
#   Scripts/soak.sh [MINUTES] [--writers N] [--pause-ms P]
#
# Four writer tasks append (singles, batches, multi-stream appends) with a
# 2 ms pause after each call; a projection runner keeps an exactly-once SQLite
# read model and an at-least-once in-memory one; a subscriber follows the log
# live; every 20 s the `chronicle` tool exports the new events and imports them
# into a mirror store. Every 10 s it prints appends, head, lag, RSS and open
# files. At the end it stops the writers, lets the readers catch up, and
# reports peak RSS at 1 minute vs the end and open files at start, 1 minute and
# the end; it fails when an invariant broke (positions 1…N without holes,
# stream versions without holes, no partial append, each projection and the
# subscriber saw every event exactly as promised, the mirror equals the store)
# or when open files grew after the first minute.
#
# Builds the release products into .build; the store lives in a temporary
# directory, removed afterwards unless CHRONICLE_SOAK_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }

source Scripts/install-deps.sh

minutes=10
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
    minutes=$1
    shift
fi

log "building the release products (ChronicleTestHelper, chronicle)"
# A failed build stops here: the binaries left from an earlier build would soak stale code.
build_log=$(mktemp)
for product in ChronicleTestHelper chronicle; do
    if ! swift build -c release --product "$product" >"$build_log" 2>&1; then
        grep -E 'error' "$build_log" | head -20 >&2
        rm -f "$build_log"
        echo "building $product failed" >&2
        exit 1
    fi
done
rm -f "$build_log"
bin=$(swift build -c release --show-bin-path)

directory=$(mktemp -d "${TMPDIR:-/tmp}/chronicle-soak.XXXXXX")
if [ "${CHRONICLE_SOAK_KEEP:-0}" != 1 ]; then trap 'rm -rf "$directory"' EXIT; fi
seconds=$(awk "BEGIN { print int($minutes * 60) }")
log "soaking for $minutes minutes in $directory"
"$bin/ChronicleTestHelper" soak --store "$directory/soak.sqlite" --seconds "$seconds" --chronicle "$bin/chronicle" "$@" \
    2> >(grep -v ' info chronicle' >&2)
du -sh "$directory" | sed 's/^/store size: /'
