#!/usr/bin/env bash
# `prefab run` against distilabel 1.5.3, the UltraFeedback shape (4 completions, 4 aspects, multi
# mode), same zero-latency prefab-sim, same prompts, one run. Prints both prompts/s and the ratio.
# Target: Prefab >= 10x the prompts per second.
#
#   Benchmarks/run-throughput.sh [--prompts 1000] [--distilabel-prompts N] [run_bench.py options]
#
# Without `prefab run` in the build, it measures distilabel alone.
set -euo pipefail
source "$(dirname "$0")/run-common.sh"

build_release
ensure_distilabel
extra=()
if ! has_prefab_run; then
    echo "this build has no 'prefab run': measuring distilabel only" >&2
    extra+=(--skip-prefab)
fi
exec python3 "$ROOT/Benchmarks/run_bench.py" throughput --bin "$BIN" --python "$DISTILABEL_VENV/bin/python" "${extra[@]}" "$@"
