#!/usr/bin/env bash
# Object storage against moto's S3 server on this machine (authentication on), release builds.
# Every comparison runs its sides interleaved, ROUNDS times (default 3), and reports the medians:
# the machine is shared, and moto is single-process Python whose speed varies with whatever
# else runs.
#
# 1. `prefab run` of PROMPTS prompts against prefab-sim writing to s3:// vs the same run writing
#    to a local directory (fresh PREFAB_HOME and response cache each, --no-report, 64 MiB
#    shards): wall time ratio. Target <= 1.1x. RUN_SHARD_SIZE (e.g. 256KiB) also runs both with
#    small shards, so shards close and go up while the run samples. RUN_S3_OPTIONS (e.g.
#    "--scratch-limit 32") are added to the s3:// run's command line.
# 2. Upload throughput: SIZE_MB of JSONL converted once to a local MDS directory (no
#    compression, 64 MiB shards); then `prefab convert` of that directory to s3:// with the same
#    options (it writes the same shards, byte for byte, and uploads each as it closes) vs
#    `aws s3 cp --recursive` (pip awscli) of the directory. Both send the same bytes; prefab's
#    time also holds reading and writing the dataset again, so the ratio is conservative.
#    Target >= 0.8x.
# 3. Peak RSS (/usr/bin/time) of `prefab convert SIZE_MB of JSONL s3://…` with 64 MiB vs 512 MiB
#    shards. Target: within 20% (memory independent of shard size).
#
#   Benchmarks/s3.sh [PROMPTS] [SIZE_MB]        defaults: 1000 prompts, 600 MB
#   (PROMPTS 0 skips the run, SIZE_MB 0 the rest; PREFAB_BENCH_NO_BUILD=1 uses the release
#   builds already there; ROUNDS=N)
set -euo pipefail
# shellcheck source=Benchmarks/run-common.sh
source "$(dirname "$0")/run-common.sh"
prompts=${1:-1000}
size_mb=${2:-600}
rounds=${ROUNDS:-3}

if [[ -n "${PREFAB_BENCH_NO_BUILD:-}" ]]; then BIN="$(swift build -c release --show-bin-path)"; else build_release; fi
scripts/s3-venv
work=$(mktemp -d "${TMPDIR:-/tmp}/prefab-s3-bench.XXXXXX")
moto_pid= sim_pid=
trap '[[ -n "$moto_pid" ]] && kill -9 "$moto_pid" 2>/dev/null; [[ -n "$sim_pid" ]] && kill -9 "$sim_pid" 2>/dev/null; rm -rf "$work"' EXIT

port=$(( 20000 + RANDOM % 20000 ))
INITIAL_NO_AUTH_ACTION_COUNT=3 .prefab/s3-venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 1200); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done   # moto starts slowly on a loaded machine
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY < <(.prefab/s3-venv/bin/python scripts/moto_iam_user.py "$AWS_ENDPOINT_URL")
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
aws=.prefab/s3-venv/bin/aws
$aws s3 mb s3://bench >/dev/null
echo "release builds: $BIN; $rounds rounds, interleaved; load average $(cut -d' ' -f1-3 /proc/loadavg)"

now() { date +%s.%N; }
# Seconds taken by a command (its output discarded).
timed() { local t0 t1; t0=$(now); "$@" >/dev/null; t1=$(now); python3 -c "print(f'{$t1-$t0:.3f}')"; }
median() { python3 -c 'import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
# moto keeps objects in memory: each copy is deleted once measured.
forget() { $aws s3 rm --recursive --quiet "s3://bench/$1" >/dev/null; }

# 1. A run to s3:// vs to a local directory.
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
        if [[ -n "${3:-}" ]]; then echo "shard_size: $3" >>"$work/$1.yaml"; fi
    }
    export PREFAB_CHECK_LOADERS_KEY=unused
    compare_runs() { # LABEL SHARD_SIZE
        local label=$1 size=${2:-} local_times=() s3_times=()
        config "local-$label" "$work/local-run-$label" "$size"
        for round in $(seq "$rounds"); do
            config "s3-$label-$round" "s3://bench/run-$label-$round" "$size"
            rm -rf "$work/local-run-$label" "$work/home-local" "$work/home-s3"
            local_times+=("$(PREFAB_HOME="$work/home-local" timed "$BIN/prefab" run "$work/local-$label.yaml" --quiet --no-report)")
            # shellcheck disable=SC2086
            s3_times+=("$(PREFAB_HOME="$work/home-s3" timed "$BIN/prefab" run "$work/s3-$label-$round.yaml" --quiet --no-report ${RUN_S3_OPTIONS:-})")
            forget "run-$label-$round"
        done
        local objects
        objects=$(find "$work/local-run-$label" -type f \( -name '*.zst' -o -name '*.mds*' -o -name '*.zstd' \) | wc -l)
        python3 - "$label" "$prompts" "$objects" "${local_times[*]}" "${s3_times[*]}" <<'PY'
import statistics, sys
label, prompts, shards, local, s3 = sys.argv[1], sys.argv[2], sys.argv[3], [float(x) for x in sys.argv[4].split()], [float(x) for x in sys.argv[5].split()]
l, s = statistics.median(local), statistics.median(s3)
print(f"run ({label}, {prompts} prompts, {shards} shard files): local {' '.join(f'{x:.2f}' for x in local)} s (median {l:.2f}); "
      f"s3 {' '.join(f'{x:.2f}' for x in s3)} s (median {s:.2f}); ratio {s/l:.3f}x (target <= 1.1x)")
PY
    }
    compare_runs "64MiB-shards"
    if [[ -n "${RUN_SHARD_SIZE:-}" ]]; then compare_runs "$RUN_SHARD_SIZE-shards" "$RUN_SHARD_SIZE"; fi
    kill -9 "$sim_pid" 2>/dev/null || true
    sim_pid=
fi
(( size_mb > 0 )) || exit 0

# 2. Upload throughput: the same local shards, by prefab convert and by aws s3 cp.
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
options=(--format mds --compression none --shard-size 64MiB --quiet)
"$BIN/prefab" convert "$work/big.jsonl" "$work/big-local" "${options[@]}"
bytes=$(find "$work/big-local" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
local_times=() s3_times=() aws_times=()
for round in $(seq "$rounds"); do
    rm -rf "$work/big-copy"
    local_times+=("$(timed "$BIN/prefab" convert "$work/big-local" "$work/big-copy" "${options[@]}")")
    s3_times+=("$(timed "$BIN/prefab" convert "$work/big-local" "s3://bench/convert-$round" "${options[@]}")")
    aws_times+=("$(timed "$aws" s3 cp --recursive --quiet "$work/big-local" "s3://bench/awscp-$round")")
    if (( round == 1 )); then
        # The same bytes: every file prefab uploaded has the size of the local one (and the
        # marker on top).
        diff <(cd "$work/big-local" && find . -type f -printf '%P %s\n' | sort) \
            <($aws s3 ls --recursive s3://bench/convert-1/ | awk '{print $4, $3}' | sed 's|^convert-1/||' | grep -v '^.prefab-dataset.json' | sort) \
            || { echo "prefab uploaded other files than the local dataset's" >&2; exit 1; }
    fi
    forget "convert-$round"
    forget "awscp-$round"
done
python3 - "$bytes" "${local_times[*]}" "${s3_times[*]}" "${aws_times[*]}" <<'PY'
import statistics, sys
b = int(sys.argv[1]); mib = b / 2**20
local, s3, aws = ([float(x) for x in arg.split()] for arg in sys.argv[2:5])
l, s, a = statistics.median(local), statistics.median(s3), statistics.median(aws)
fmt = lambda xs: " ".join(f"{x:.2f}" for x in xs)
print(f"upload {mib:.0f} MiB of MDS shards: prefab convert DIR s3:// {fmt(s3)} s (median {s:.2f}, {mib/s:.0f} MiB/s); "
      f"aws s3 cp --recursive {fmt(aws)} s (median {a:.2f}, {mib/a:.0f} MiB/s); ratio {a/s:.2f}x (target >= 0.8x); "
      f"prefab convert DIR DIR alone {fmt(local)} s (median {l:.2f})")
PY

# 3. Peak RSS with 64 MiB vs 512 MiB shards.
rss() { /usr/bin/time -f %M "$BIN/prefab" convert "$work/big.jsonl" "s3://bench/rss-$1-$2" --format mds --compression none --shard-size "$1" --quiet 2>&1 >/dev/null | tail -1; forget "rss-$1-$2"; }
small=() large=()
for round in $(seq "$rounds"); do
    small+=("$(rss 64MiB "$round")")
    large+=("$(rss 512MiB "$round")")
done
python3 - "${small[*]}" "${large[*]}" <<'PY'
import statistics, sys
small, large = ([int(x) / 1024 for x in arg.split()] for arg in sys.argv[1:3])
s, l = statistics.median(small), statistics.median(large)
fmt = lambda xs: " ".join(f"{x:.0f}" for x in xs)
print(f"peak RSS, convert to s3: 64 MiB shards {fmt(small)} MiB (median {s:.0f}), 512 MiB shards {fmt(large)} MiB (median {l:.0f}); "
      f"larger/smaller {max(s, l)/min(s, l):.2f} (target within 20%)")
PY
