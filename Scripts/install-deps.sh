#!/usr/bin/env bash
# Installs the Debian packages Chronicle builds against when they are missing
# (through apt when run as root; otherwise says what to install). Sourced by
# the other scripts; safe to run on its own.
set -euo pipefail

chronicle_install_packages() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages: $*; install them (sudo apt-get install $*) and run again" >&2
        exit 1
    fi
    printf '==> installing %s through apt\n' "$*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

chronicle_missing=()
[ -e /usr/include/sqlite3.h ] || chronicle_missing+=(libsqlite3-dev)
if [ "${#chronicle_missing[@]}" -gt 0 ]; then chronicle_install_packages "${chronicle_missing[@]}"; fi
command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
