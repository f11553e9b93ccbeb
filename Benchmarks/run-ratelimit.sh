#!/usr/bin/env bash
# `prefab run` against endpoints limited by requests per minute instead of a concurrency cap:
# the run must keep >= 95% of that budget in use. Defaults: 2,000 prompts, both endpoints at
# 3,000 requests a minute and the default max_concurrent (64), prefab-sim at lognormal:400:0.6
# latency (about a minute of run at --rpm 6000).
#
#   Benchmarks/run-ratelimit.sh [--prompts 2000] [--rpm 3000] [--latency lognormal:400:0.6]
set -euo pipefail
source "$(dirname "$0")/run-common.sh"

build_release
exec python3 "$ROOT/Benchmarks/run_bench.py" ratelimit --bin "$BIN" --prompts 2000 --rpm 3000 \
    --latency lognormal:400:0.6 --max-concurrent 64 "$@"
