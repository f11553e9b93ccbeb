#!/usr/bin/env bash
# Peak RSS of `prefab run` with batch endpoints (every call through prefab-sim's batch APIs) over
# 10,000 and 100,000 synthetic prompts. Target: the peaks differ by < 20%. Also prints the batch
# file benchmark (target: 100,000 requests/s written and read on one core).
#
#   Benchmarks/batch-memory.sh [--sizes 10000,100000] [run_bench.py options]
set -euo pipefail
source "$(dirname "$0")/run-common.sh"

build_release
swift build -c release --product prefab-bench >&2
"$BIN/prefab-bench" batch-files --requests 200000
exec python3 "$ROOT/Benchmarks/run_bench.py" memory --batch --bin "$BIN" --max-tokens 16 --words 16 --quiet-prefab "$@"
