#!/usr/bin/env bash
# Prompts per second of 4 partitions run side by side (4 prefab processes, 4 call slots per
# endpoint each) against one process with the same total concurrency (16 slots per endpoint),
# both against one prefab-sim answering after LATENCY ms. Each side starts with an empty cache.
#
#   Benchmarks/scale-throughput.sh [PROMPTS] [LATENCY_MS]     (default 400 prompts, 50 ms)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
prompts=${1:-400}
latency=${2:-50}
bin=${PREFAB_BIN:-$root/.build/debug}
PREFAB="$bin/prefab"
work=$(mktemp -d)
source scripts/scale-e2e-lib.sh
trap 'stop_sim; rm -rf "$work"' EXIT
start_sim "$latency"
export PREFAB_HOME="$work/home"
cd "$work"
now() { date +%s.%N; }

write_run "$prompts" 16
start=$(now)
"$PREFAB" run single.yaml --quiet --no-report >single.txt
single=$(python3 -c "print($(now) - $start)")

write_run "$prompts" 4
start=$(now)
pids=()
for index in 0 1 2 3; do
    "$PREFAB" run run.yaml --partition "$index/4" --quiet --no-report >"part-$index.txt" 2>&1 &
    pids+=($!)
done
wait "${pids[@]}"
parts=$(python3 -c "print($(now) - $start)")
"$PREFAB" merge out --no-report >/dev/null

python3 - "$prompts" "$single" "$parts" "$latency" "$(nproc)" <<'PY'
import sys
prompts, single, parts, latency, cores = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
a, b = prompts / single, prompts / parts
print(f"{prompts} prompts, prefab-sim at {latency} ms, {cores} cores: one process (16 slots per endpoint) {single:.1f}s = {a:.1f} prompts/s; "
      f"4 partitions side by side (4 slots each) {parts:.1f}s = {b:.1f} prompts/s: {b / a:.2f}x")
PY
