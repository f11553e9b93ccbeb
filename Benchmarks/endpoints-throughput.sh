#!/usr/bin/env bash
# Chat completions per second through Prefab's client and through Python's AsyncOpenAI, same
# zero-latency prefab-sim, same requests, same concurrency, in one run. Prints both and the ratios.
# Target: Prefab >= 5x the requests per second at <= 1/3 of the CPU seconds.
#
#   Benchmarks/endpoints-throughput.sh [REQUESTS] [CONCURRENCY]
set -euo pipefail
source "$(dirname "$0")/endpoints-common.sh"

REQUESTS="${1:-10000}"
CONCURRENCY="${2:-64}"
VENV="$ROOT/.prefab/bench-venv"

build_release
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import openai' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet openai >&2
fi

start_sim --threads 1 --words 40
echo "prefab-sim at $SIM_URL; $REQUESTS requests, $CONCURRENCY in flight" >&2

PREFAB="$("$BIN/prefab-bench" endpoints-throughput --base-url "$SIM_URL/v1" --requests "$REQUESTS" --concurrency "$CONCURRENCY")"
echo "$PREFAB"
PYTHON="$("$VENV/bin/python" "$ROOT/Benchmarks/endpoints_openai_client.py" --base-url "$SIM_URL/v1" --requests "$REQUESTS" --concurrency "$CONCURRENCY")"
echo "$PYTHON"

python3 - "$PREFAB" "$PYTHON" <<'PY'
import json, sys
prefab, python = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rps = prefab["rps"] / python["rps"]
cpu = prefab["cpu_seconds"] / python["cpu_seconds"]
print(f"throughput: Prefab {prefab['rps']:.0f} req/s vs AsyncOpenAI {python['rps']:.0f} req/s = {rps:.2f}x (target >= 5x)")
print(f"CPU: Prefab {prefab['cpu_seconds']:.2f} s vs AsyncOpenAI {python['cpu_seconds']:.2f} s = {cpu:.3f} (target <= 0.333)")
PY
