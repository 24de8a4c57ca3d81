#!/usr/bin/env bash
# Compiles and runs the C reference program: the physical limit of an event
# store on SQLite on this machine, to put beside `chronicle bench`.
#
#   Benchmarks/CReference/run.sh [rounds] [directory] [workload ...]
#
# rounds: rounds per workload, the median is printed (default 5).
# directory: where the temporary database goes (default /tmp; use the same
# file system as `chronicle bench --store` when comparing).
# workload: append-single, append-stream, append-batch, append-100, group-16,
# load-rows or scan-rows; all of them when none is named.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$(mktemp -d)/chronicle-c-reference"
trap 'rm -rf "$(dirname "$binary")"' EXIT
cc -O2 -Wall -Wextra -o "$binary" "$here/reference.c" -lsqlite3
"$binary" "${1:-5}" "${2:-/tmp}" "${@:3}"
