#!/usr/bin/env bash
# Prompt hygiene at scale: `prefab prompts --dedup --decontaminate` over N synthetic prompts
# against M evaluation items (wall time, peak RSS), and the same prompts through datasketch's
# MinHashLSH at the same shingles, permutations and banding (time, and how far the duplicate
# groups agree). Targets (issue #20): 1,000,000 prompts vs 100,000 items in under 2 minutes
# with peak RSS < 1 GB; dedup at least 5x faster than datasketch.
#
#   Benchmarks/hygiene.sh [--prompts 1000000] [--evals 100000] [--skip-datasketch]
set -euo pipefail
export PATH="/opt/swift/usr/bin:$PATH"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

PROMPTS=1000000
EVALS=100000
SKIP_DATASKETCH=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --prompts) PROMPTS="$2"; shift 2 ;;
        --evals) EVALS="$2"; shift 2 ;;
        --skip-datasketch) SKIP_DATASKETCH=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

VENV="$ROOT/.prefab/hygiene-venv"
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import datasketch' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet datasketch >&2
fi
PY="$VENV/bin/python"
DATA="$ROOT/Benchmarks/.data/hygiene-$PROMPTS-$EVALS"
mkdir -p "$DATA"

swift build -c release --product prefab >&2
BIN="$(swift build -c release --show-bin-path)"

if [[ ! -s "$DATA/prompts.jsonl" ]]; then
    "$PY" Benchmarks/hygiene_bench.py generate --prompts "$PROMPTS" --evals "$EVALS" \
        --prompts-out "$DATA/prompts.jsonl" --eval-out "$DATA/evals.jsonl"
fi

measure() {  # label, then the command; prints wall seconds and peak RSS from /usr/bin/time -v
    local label="$1"; shift
    rm -rf "$DATA/out-$label"
    /usr/bin/time -v "$@" >"$DATA/$label.stdout" 2>"$DATA/$label.time" || { cat "$DATA/$label.time" >&2; exit 1; }
    local wall rss
    wall=$(grep 'Elapsed (wall clock)' "$DATA/$label.time" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' "$DATA/$label.time" | awk '{print $NF}')
    echo "$label: wall $wall, peak RSS $((rss / 1024)) MiB"
    head -4 "$DATA/$label.stdout"
}

echo "== $PROMPTS prompts, $EVALS evaluation items, $(nproc) cores"
measure prefab-full "$BIN/prefab" prompts "$DATA/prompts.jsonl" --dedup \
    --decontaminate "$DATA/evals.jsonl:question" --out "$DATA/out-prefab-full"
measure prefab-dedup "$BIN/prefab" prompts "$DATA/prompts.jsonl" --dedup --out "$DATA/out-prefab-dedup"

if [[ "$SKIP_DATASKETCH" == 0 ]]; then
    measure datasketch "$PY" Benchmarks/hygiene_bench.py datasketch --prompts "$DATA/prompts.jsonl" \
        --out "$DATA/datasketch.json" --ngram 3 --permutations 128 --bands 9 --rows 13
    "$PY" Benchmarks/hygiene_bench.py compare --prefab "$DATA/out-prefab-dedup/hygiene-report.json" \
        --datasketch "$DATA/datasketch.json" --prompts "$DATA/prompts.jsonl"
    "$PY" - "$DATA" <<'PY'
import json, re, sys
data = sys.argv[1]
def wall(label):
    text = open(f"{data}/{label}.time").read()
    value = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in value.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds
print(f"dedup speed-up over datasketch (wall, same prompts and parameters): {wall('datasketch') / wall('prefab-dedup'):.1f}x")
PY
fi
