#!/usr/bin/env bash
# `prefab run` against distilabel 1.5.3 and Bespoke Curator 0.1.31, the UltraFeedback shape (4
# completions, 4 aspects, multi mode), the same prefab-sim, the same prompts, one run. Prints each
# tool's prompts/s, the ratios, and with latency each tool's fraction of the Little's-law limit.
#
#   Benchmarks/run-throughput.sh [--prompts 1000] [--latency lognormal:400:0.6] [run_bench.py options]
#
# Matched settings by default: two endpoints x max_concurrent 128 for Prefab, max_concurrent_requests
# 256 for Curator, batches of 32 for distilabel (4 generators and 4 judges x 32): up to 256 calls in
# flight for each. `--latency` is passed to prefab-sim (lognormal:400:0.6, mean 479 ms, is the
# shape of a real server); Prefab's target is >= 90% of the Little's-law limit without a window.
# `--no-curator` leaves Curator out; without `prefab run` in the build, the baselines run alone.
set -euo pipefail
source "$(dirname "$0")/run-common.sh"

build_release
ensure_distilabel
extra=()
curator=1
args=()
for argument in "$@"; do
    if [[ "$argument" == "--no-curator" ]]; then curator=0; else args+=("$argument"); fi
done
if [[ $curator -eq 1 ]]; then
    ensure_curator
    extra+=(--curator-python "$CURATOR_VENV/bin/python")
fi
if ! has_prefab_run; then
    echo "this build has no 'prefab run': measuring the baselines only" >&2
    extra+=(--skip-prefab)
fi
exec python3 "$ROOT/Benchmarks/run_bench.py" throughput --bin "$BIN" --python "$DISTILABEL_VENV/bin/python" "${extra[@]}" "${args[@]}"
