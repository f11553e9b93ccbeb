#!/usr/bin/env bash
# 1,024 requests in flight against prefab-sim with 1 s of latency: Little's law allows 1,024
# requests/s. Prints Prefab's sustained rate, its fraction of that bound, and its peak RSS; then
# the same with every worker starting at once (each round arrives and returns as one burst).
# Target (sustained): >= 95% of the bound, peak RSS <= 300 MB.
#
#   Benchmarks/endpoints-concurrency.sh [IN_FLIGHT] [WINDOW_SECONDS]
set -euo pipefail
source "$(dirname "$0")/endpoints-common.sh"

IN_FLIGHT="${1:-1024}"
WINDOW="${2:-5}"

build_release
start_sim --threads 1 --words 16 --latency fixed:1000
echo "prefab-sim at $SIM_URL (1 s latency); $IN_FLIGHT in flight, ${WINDOW} s window" >&2

SUSTAINED="$("$BIN/prefab-bench" endpoints-concurrency --base-url "$SIM_URL/v1" --in-flight "$IN_FLIGHT" --window-seconds "$WINDOW" --latency-ms 1000)"
echo "$SUSTAINED"
BURST="$("$BIN/prefab-bench" endpoints-concurrency --base-url "$SIM_URL/v1" --in-flight "$IN_FLIGHT" --window-seconds "$WINDOW" --latency-ms 1000 --ramp-seconds 0)"
echo "$BURST"

python3 - "$SUSTAINED" "$BURST" <<'PY'
import json, sys
r, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"concurrency (sustained): {r['rps']:.0f} req/s of {r['littles_law_rps']:.0f} allowed = {100 * r['efficiency']:.1f}% (target >= 95%), mean latency {r['mean_latency_s']:.3f} s")
print(f"peak RSS: {r['peak_rss_mb']:.0f} MB (target <= 300 MB)")
print(f"concurrency (all workers start together): {b['rps']:.0f} req/s = {100 * b['efficiency']:.1f}% of the bound, mean latency {b['mean_latency_s']:.3f} s")
PY
