#!/usr/bin/env bash
# `prefab review` at scale (issue #19): a generated run of N rated prompts (three answers, two
# rating judges and a pairwise judge each; scripts/review_run.py), then Benchmarks/review_bench.py
# times the first open (which builds RUN/review-index.sqlite), the queue opening with the index
# built, deep and filtered pages, and a label followed by the next item. Targets: the queue opens
# in < 1 s for 100,000 prompts once indexed; label + next < 100 ms.
#
#   Benchmarks/review.sh [--prompts 100000] [--release] [--keep DIR]
set -euo pipefail
export PATH="/opt/swift/usr/bin:$PATH"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

PROMPTS=100000
CONFIG=debug
KEEP=
while [[ $# -gt 0 ]]; do
    case "$1" in
        --prompts) PROMPTS="$2"; shift 2 ;;
        --release) CONFIG=release; shift ;;
        --keep) KEEP="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

swift build -c "$CONFIG" --product prefab >&2
prefab="$(swift build -c "$CONFIG" --show-bin-path)/prefab"
work=${KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/prefab-review-bench.XXXXXX")}
[[ -n "$KEEP" ]] || trap 'rm -rf "$work"' EXIT
if [[ ! -d "$work/run/rated" ]]; then
    echo "review bench: generating $PROMPTS rated prompts…" >&2
    started=$(date +%s)
    python3 scripts/review_run.py "$work/run" --prefab "$prefab" --prompts "$PROMPTS" >&2
    echo "review bench: generated in $(( $(date +%s) - started )) s ($(du -sh "$work/run/rated" | cut -f1) of shards)" >&2
fi
rm -f "$work/run/review-index.sqlite" "$work/run/review.sqlite"*
echo "review bench: prefab $CONFIG build, $(nproc) cores" >&2
python3 Benchmarks/review_bench.py --prefab "$prefab" --run "$work/run"
