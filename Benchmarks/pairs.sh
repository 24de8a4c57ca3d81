#!/usr/bin/env bash
# Runs `chronicle bench` and the C reference program in turns, so that each
# pair sees the same phase of the machine, and prints each pair's ratio and the
# median ratio per workload (the way the performance targets are stated).
#
#   Benchmarks/pairs.sh [pairs] [full|normal]
#
# pairs: how many (C, chronicle) pairs to run (default 5).
# Needs a release build: swift build -c release --product chronicle
# (or CHRONICLE=/path/to/chronicle). Both write their stores under /tmp.
#
# Compared: append-single, append-stream and append-batch with the C program's
# workloads of the same names, append-concurrent with group-16 (its commits
# with nothing between them), and store-append (the store without the
# aggregate layer) with append-single.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pairs="${1:-5}"
durability="${2:-full}"
chronicle="${CHRONICLE:-$here/../.build/release/chronicle}"
case "$durability" in
full) column=2 ;;
normal) column=3 ;;
*) echo "pairs.sh: durability is full or normal, not '$durability'" >&2; exit 2 ;;
esac
[[ -x "$chronicle" ]] || { echo "pairs.sh: no chronicle at $chronicle (swift build -c release --product chronicle)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cc -O2 -Wall -Wextra -o "$work/reference" "$here/CReference/reference.c" -lsqlite3

for pair in $(seq "$pairs"); do
    "$work/reference" 1 /tmp append-single append-stream append-batch group-16 \
        | awk -v pair="$pair" -v column="$column" 'NR > 2 { gsub("/s", "", $column); print pair, "c", $1, $column }' \
        >>"$work/figures"
    "$chronicle" bench --durability "$durability" \
        --workload append-single append-stream append-batch append-concurrent store-append \
        | awk -v pair="$pair" '$2 ~ /^[0-9,]+$/ { gsub(",", "", $3); print pair, "ours", $1, $3 }' \
        >>"$work/figures"
    echo "pair $pair of $pairs done" >&2
done

awk -v durability="$durability" '
    function median(list, count,    i, j, t) {
        for (i = 2; i <= count; i++) for (j = i; j > 1 && list[j - 1] > list[j]; j--) { t = list[j]; list[j] = list[j - 1]; list[j - 1] = t }
        return count % 2 ? list[(count + 1) / 2] : (list[count / 2] + list[count / 2 + 1]) / 2
    }
    $2 == "c" { c[$1, $3] = $4 }
    $2 == "ours" { ours[$1, $3] = $4; pairs[$1] = 1 }
    END {
        split("append-single append-stream append-batch append-concurrent store-append", names, " ")
        split("append-single append-stream append-batch group-16 append-single", references, " ")
        printf "%s, %d pairs: events/s, medians; ratio = ours / C of the same pair\n", toupper(durability), length(pairs)
        printf "%-18s %10s %10s %8s  %s\n", "WORKLOAD", "OURS", "C", "RATIO", "RATIOS (LOW-HIGH)"
        for (n = 1; n <= 5; n++) {
            count = 0
            for (p in pairs) if ((p, names[n]) in ours && (p, references[n]) in c) {
                count++
                a[count] = ours[p, names[n]]; b[count] = c[p, references[n]]; r[count] = a[count] / b[count]
            }
            if (count == 0) continue
            low = high = r[1]
            for (i = 2; i <= count; i++) { if (r[i] < low) low = r[i]; if (r[i] > high) high = r[i] }
            printf "%-18s %10.0f %10.0f %7.0f%%  %.0f-%.0f%% (vs %s)\n", names[n], median(a, count), median(b, count),
                100 * median(r, count), 100 * low, 100 * high, references[n]
        }
    }' "$work/figures"
