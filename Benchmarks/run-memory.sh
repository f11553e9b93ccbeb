#!/usr/bin/env bash
# Peak RSS of `prefab run` over 10,000 and 100,000 synthetic prompts against a zero-latency
# prefab-sim (16-word answers), with wall time and prompts/s. Target: the peaks differ by < 20%.
#
#   Benchmarks/run-memory.sh [--sizes 10000,100000] [run_bench.py options]
set -euo pipefail
source "$(dirname "$0")/run-common.sh"

build_release
if ! has_prefab_run; then
    echo "this build has no 'prefab run' yet: nothing to measure" >&2
    exit 2
fi
exec python3 "$ROOT/Benchmarks/run_bench.py" memory --bin "$BIN" --max-tokens 16 --words 16 --quiet-prefab "$@"
