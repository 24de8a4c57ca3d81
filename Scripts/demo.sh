#!/usr/bin/env bash
# Runs Chronicle's order-processing sample on an embedded SQLite file
# (order-processing.sqlite in the current directory): `order-processing demo`.
#
#   Scripts/demo.sh [--store PATH] [--orders N]
#
# Installs what the build needs when it is missing, then runs the sample.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$here" && source Scripts/install-deps.sh)
command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
exec swift run --package-path "$here" order-processing demo "$@"
