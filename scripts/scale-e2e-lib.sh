# Shared by scripts/slurm-e2e and scripts/ray-e2e (sourced, not run): a prefab-sim, prompts, the
# partitioned config and its single-process twin, and the comparison of their rows.
# Expects: $root (the repository), $bin (built products), $work (a fresh directory), $PREFAB.

sim_pid=
stop_sim() { [[ -n "$sim_pid" ]] && kill "$sim_pid" 2>/dev/null; sim_pid=; return 0; }

# start_sim LATENCY_MS: prefab-sim in the background; sets $url.
start_sim() {
    "$bin/prefab-sim" --port 0 --seed 3 --latency "fixed:$1" >"$work/sim.out" 2>"$work/sim.err" &
    sim_pid=$!
    for _ in $(seq 100); do grep -q listening "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
    url=$(sed -n 's/^prefab-sim listening on //p' "$work/sim.out")
    [[ -n "$url" ]] || { echo "prefab-sim did not start: $(cat "$work/sim.err")" >&2; return 1; }
}

# write_run PROMPTS [SLOTS]: $work/prompts.jsonl, $work/run.yaml (output out/) and $work/single.yaml
# (output single/), each endpoint with SLOTS calls at once (default 4).
write_run() {
    local slots=${2:-4}
    python3 - "$work/prompts.jsonl" "$1" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"id": f"p{i}", "messages": [{"role": "user", "content": f"Question {i}: how does topic {i % 7} work?"}]}) + "\n")
PY
    local output
    for output in out single; do
        cat >"$work/$([[ $output == out ]] && echo run || echo single).yaml" <<YAML
seed: 5
prompts: {path: prompts.jsonl}
output: $output
cache: cache/$output.sqlite
journal: journals/
endpoints:
  - {name: sim, provider: openai-compatible, base_url: "$url/v1", model: sim-model, limits: {max_concurrent: $slots}}
  - {name: judge, provider: openai-compatible, base_url: "$url/v1", model: sim-judge, limits: {max_concurrent: $slots}}
pool:
  models:
    - {name: a, endpoint: sim, parameters: {temperature: 0.7, max_tokens: 48}}
    - {name: b, endpoint: sim, parameters: {temperature: 1.0, max_tokens: 48}}
    - {name: c, endpoint: sim, parameters: {temperature: 0.2, max_tokens: 48}}
  select: 3
principles: {directory: $root/rubrics/principles}
judges: $root/judges/ultrafeedback.yaml
pairing: {format: h4, test_ratio: 0.25}
YAML
    done
}

# rows DIR: the records of a dataset directory, one canonical JSON line each, sorted, without the
# answers' measured `latency` (seconds a call took: timing, not content; it differs in every run
# that makes the call, single-process or not).
rows() {
    "$PREFAB" cat "$1" | python3 -c '
import json, sys
def strip(v):
    if isinstance(v, dict): return {k: strip(x) for k, x in v.items() if k != "latency"}
    if isinstance(v, list): return [strip(x) for x in v]
    return v
for line in sys.stdin: print(json.dumps(strip(json.loads(line)), sort_keys=True))
' | sort
}

# largest_partition PROMPTS COUNT: the partition holding the most of prompts p0..p(PROMPTS-1)
# (SHA-256 of "prefab-partition:" + id, first 8 bytes, mod COUNT: RunPartition's rule), so the
# one interrupted mid-run is the one that runs longest.
largest_partition() {
    python3 -c '
import hashlib, sys
n, count = int(sys.argv[1]), int(sys.argv[2])
sizes = [0] * count
for i in range(n):
    sizes[int.from_bytes(hashlib.sha256(f"prefab-partition:p{i}".encode()).digest()[:8], "big") % count] += 1
print(max(range(count), key=lambda k: sizes[k]), max(sizes))
' "$1" "$2"
}

# journaled INDEX: prompts done in partition INDEX of 4's journal (in $work/journals), 0 if none yet.
journaled() {
    python3 - "$work"/journals/out-*-part-0000"$1"-of-00004.sqlite 2>/dev/null <<'PY' || echo 0
import sqlite3, sys
print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT COUNT(*) FROM prompts WHERE status = 'done'").fetchone()[0])
PY
}

# compare_with_single NAME: runs single.yaml in $work and compares every dataset directory's rows,
# as sets, with the merged out/. Prints one line per directory; returns 1 on a difference.
compare_with_single() {
    (cd "$work" && "$PREFAB" run single.yaml --quiet >single.txt 2>&1) || { echo "$1: FAILED: the single-process run: $(cat "$work/single.txt")" >&2; return 1; }
    echo "$1: single process: $(head -n 1 "$work/single.txt")"
    local failed=0 dataset
    for dataset in samples rated pairs/train pairs/test samples/mds pairs/train/mds; do
        rows "$work/out/$dataset" >"$work/merged.rows"
        rows "$work/single/$dataset" >"$work/single.rows"
        if cmp -s "$work/merged.rows" "$work/single.rows"; then
            echo "$1: $dataset: $(wc -l <"$work/merged.rows") rows, the same set as the single-process run"
        else
            echo "$1: $dataset: DIFFERENT from the single-process run ($(wc -l <"$work/merged.rows") vs $(wc -l <"$work/single.rows") rows)"
            failed=1
        fi
    done
    return $failed
}
