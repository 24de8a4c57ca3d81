#!/usr/bin/env bash
# Runs Chronicle's whole test suite on a fresh Debian machine.
#
#   Scripts/test.sh
#
# Installs what the tests need when it is missing (libsqlite3-dev through apt
# when run as root), builds everything with warnings from Chronicle's own code
# treated as errors, then runs `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }

source Scripts/install-deps.sh

log "building (debug, with tests)"
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
if ! swift build --build-tests 2>&1 | tee "$build_log"; then
    echo "build failed" >&2
    exit 1
fi
# Warnings from Chronicle's own sources (not from dependencies under .build/) fail the run.
own_warnings=$(grep -E '^/[^ ]*/(Sources|Tests|Samples|Benchmarks)/[^ ]*: warning:' "$build_log" | grep -v '/.build' || true)
if [ -n "$own_warnings" ]; then
    echo "warnings in Chronicle's own code:" >&2
    echo "$own_warnings" >&2
    exit 1
fi

log "running the test suite"
swift test --skip-build
