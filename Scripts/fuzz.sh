#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer, each for a fixed time.
#
#   Scripts/fuzz.sh [SECONDS] [TARGET ...]
#
# SECONDS per target (default 30); TARGETs among FuzzStreamName FuzzEventLine
# FuzzEventMetadata FuzzEventDecoding FuzzStoreLocation (default: all).
#
# The targets (Fuzz/Targets, declared in Package.swift only when
# CHRONICLE_FUZZ=1) are built in release mode with libFuzzer and
# AddressSanitizer into .build-fuzz, apart from the normal build. Each run
# starts from the checked-in corpus Fuzz/Corpus/<target> and keeps what it
# learns in .build-fuzz/corpus. A crash leaves its input in
# .build-fuzz/artifacts; copy it into Fuzz/Corpus/<target>/ (the test suite
# replays that directory) and fix the parser.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }

source Scripts/install-deps.sh

seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(FuzzStreamName FuzzEventLine FuzzEventMetadata FuzzEventDecoding FuzzStoreLocation)
fi

corpus_name() {
    case "$1" in
        FuzzStreamName) echo stream-name ;;
        FuzzEventLine) echo event-line ;;
        FuzzEventMetadata) echo event-metadata ;;
        FuzzEventDecoding) echo event-decoding ;;
        FuzzStoreLocation) echo store-location ;;
        *) echo "unknown fuzz target $1" >&2; exit 2 ;;
    esac
}

export CHRONICLE_FUZZ=1
scratch=.build-fuzz
flags=(-c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
for target in "${targets[@]}"; do
    corpus_name "$target" >/dev/null
    log "building $target (release, libFuzzer + AddressSanitizer)"
    # A failed build stops here: the binary left from an earlier build would fuzz stale code.
    build_log=$(mktemp)
    if ! swift build "${flags[@]}" --product "$target" >"$build_log" 2>&1; then
        grep -E 'error' "$build_log" | head -20 >&2
        rm -f "$build_log"
        echo "building $target failed" >&2
        exit 1
    fi
    grep -E 'warning: .*/(Sources|Fuzz)/' "$build_log" || true
    rm -f "$build_log"
done

mkdir -p "$scratch/artifacts"
# Swift's runtime keeps metadata caches for the life of the process, which
# LeakSanitizer would report at exit; and Swift's own crash backtracer trips
# over AddressSanitizer's shadow memory, so libFuzzer reports crashes alone.
export ASAN_OPTIONS=detect_leaks=0
export SWIFT_BACKTRACE=enable=no
failed=()
for target in "${targets[@]}"; do
    name=$(corpus_name "$target")
    mkdir -p "$scratch/corpus/$name"
    log "fuzzing $target for ${seconds}s"
    output=$(mktemp)
    if "$scratch/release/$target" "$scratch/corpus/$name" "Fuzz/Corpus/$name" \
        -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$scratch/artifacts/$name-" -print_final_stats=1 >"$output" 2>&1; then
        grep -E '^stat::number_of_executed_units|^stat::new_units_added|^Done' "$output" | tr '\n' ' '
        echo
    else
        tail -40 "$output"
        echo "$target found a crash: its input is in $scratch/artifacts/ (named $name-crash-*)" >&2
        failed+=("$target")
    fi
    rm -f "$output"
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing failed: ${failed[*]}" >&2
    echo "copy each crash input into Fuzz/Corpus/<target>/ as a regression, then fix the parser" >&2
    exit 1
fi
log "fuzzing passed"
