#!/usr/bin/env bash
# Object storage against moto's S3 server on this machine (authentication on), release builds:
#
# 1. `prefab run` of PROMPTS prompts against prefab-sim writing to s3:// vs the same run writing
#    to a local directory (fresh response caches each): wall time ratio. Target <= 1.1x.
# 2. Upload throughput of `prefab convert IN s3://…` (SIZE_MB of JSONL, MDS
#    with --compression none, 64 MiB shards): bytes / (convert-to-s3 time - convert-to-local
#    time), vs `aws s3 cp --recursive` (pip awscli) of the same local shards. Target >= 0.8x.
# 3. Peak RSS of `prefab convert … s3://…` with 64 MiB shards vs 512 MiB shards. Target: within
#    20% (memory independent of shard size).
#
#   Benchmarks/s3.sh [PROMPTS] [SIZE_MB]        defaults: 200 prompts, 600 MB
#   (PROMPTS 0 skips the run; PREFAB_BENCH_NO_BUILD=1 uses the release builds already there)
set -euo pipefail
# shellcheck source=Benchmarks/run-common.sh
source "$(dirname "$0")/run-common.sh"
prompts=${1:-200}
size_mb=${2:-600}

if [[ -n "${PREFAB_BENCH_NO_BUILD:-}" ]]; then BIN="$(swift build -c release --show-bin-path)"; else build_release; fi
scripts/s3-venv
work=$(mktemp -d "${TMPDIR:-/tmp}/prefab-s3-bench.XXXXXX")
moto_pid= sim_pid=
trap '[[ -n "$moto_pid" ]] && kill -9 "$moto_pid" 2>/dev/null; [[ -n "$sim_pid" ]] && kill -9 "$sim_pid" 2>/dev/null; rm -rf "$work"' EXIT

port=$(( 20000 + RANDOM % 20000 ))
INITIAL_NO_AUTH_ACTION_COUNT=3 .prefab/s3-venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY < <(.prefab/s3-venv/bin/python scripts/moto_iam_user.py "$AWS_ENDPOINT_URL")
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
aws=.prefab/s3-venv/bin/aws
$aws s3 mb s3://bench >/dev/null

now() { date +%s.%N; }

# 1. A run to s3:// vs to a local directory (PROMPTS 0 skips it).
if (( prompts > 0 )); then
"$BIN/prefab-sim" --port 0 >"$work/sim.log" 2>&1 &
sim_pid=$!
url=
for _ in $(seq 100); do url=$(sed -n 's/^prefab-sim listening on //p' "$work/sim.log"); [[ -n "$url" ]] && break; sleep 0.1; done
python3 - "$prompts" "$work/prompts.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w") as out:
    for i in range(int(sys.argv[1])):
        out.write(json.dumps({"id": f"p{i}", "messages": [{"role": "user", "content": f"Question {i}: how does topic {i % 17} work?"}]}) + "\n")
PY
config() {
    python3 scripts/check_loaders.py quickstart-config "$PWD" "$url" "$work/$1.yaml" "$2"
    sed -i -e "s|^  path: .*prompts.jsonl|  path: $work/prompts.jsonl|" -e "s|^  limit: .*|  limit: $prompts|" "$work/$1.yaml"
}
config local "$work/local-run"
config s3 "s3://bench/run"
export PREFAB_CHECK_LOADERS_KEY=unused
t0=$(now); PREFAB_HOME="$work/home-local" "$BIN/prefab" run "$work/local.yaml" --quiet --no-report >/dev/null; t1=$(now)
PREFAB_HOME="$work/home-s3" "$BIN/prefab" run "$work/s3.yaml" --quiet --no-report >/dev/null; t2=$(now)
python3 -c "l=$t1-$t0; s=$t2-$t1; print(f'run, {$prompts} prompts: local {l:.2f} s, s3 {s:.2f} s, ratio {s/l:.3f}x (target <= 1.1x)')"
fi

# 2. Upload throughput: prefab convert to s3:// vs aws s3 cp of the same shards.
python3 - "$size_mb" "$work/big.jsonl" <<'PY'
import json, os, sys
target = int(sys.argv[1]) << 20
with open(sys.argv[2], "w") as out:
    written, i = 0, 0
    while written < target:
        line = json.dumps({"id": i, "text": os.urandom(3000).hex()}) + "\n"
        out.write(line)
        written += len(line)
        i += 1
PY
# Each measured twice, interleaved, keeping the faster: the machine is shared, and moto is
# single-process Python whose speed varies with whatever else runs.
options=(--format mds --compression none --shard-size 64MiB --quiet)
local_times=() s3_times=() aws_times=()
for round in 1 2; do
    rm -rf "$work/big-local"
    t0=$(now); "$BIN/prefab" convert "$work/big.jsonl" "$work/big-local" "${options[@]}"; t1=$(now)
    "$BIN/prefab" convert "$work/big.jsonl" "s3://bench/convert-$round" "${options[@]}"; t2=$(now)
    $aws s3 cp --recursive --quiet "$work/big-local" "s3://bench/awscp-$round"; t3=$(now)
    local_times+=("$t1-$t0") s3_times+=("$t2-$t1") aws_times+=("$t3-$t2")
done
bytes=$(du -sb "$work/big-local" | cut -f1)
python3 -c "
b=$bytes; local=min($(IFS=,; echo "${local_times[*]}")); s3=min($(IFS=,; echo "${s3_times[*]}")); aws=min($(IFS=,; echo "${aws_times[*]}")); up=s3-local
print(f'convert {b/2**20:.0f} MiB: local {local:.2f} s, to s3 {s3:.2f} s (upload {up:.2f} s, {b/up/2**20:.0f} MiB/s); aws s3 cp {aws:.2f} s ({b/aws/2**20:.0f} MiB/s); ratio {aws/up:.2f}x (target >= 0.8x)')"

# 3. Peak RSS with 64 MiB vs 512 MiB shards.
rss() { /usr/bin/time -f %M "$BIN/prefab" convert "$work/big.jsonl" "s3://bench/rss-$1" --format mds --compression none --shard-size "$1" --quiet 2>&1 >/dev/null | tail -1; }
small=$(rss 64MiB)
large=$(rss 512MiB)
python3 -c "s=$small/1024; l=$large/1024; print(f'peak RSS, convert to s3: 64 MiB shards {s:.0f} MiB, 512 MiB shards {l:.0f} MiB, ratio {l/s:.2f} (target within 20%)')"
