#!/usr/bin/env bash
# `prefab merge` of 100 partitions x 20 shards per dataset directory (samples as JSON Lines and as
# MDS: 4,000 shard files of 64 KiB): wall time and peak RSS (GNU time), and a check that no shard
# byte was rewritten (SHA-256 of every shard file before and after, and the files' inodes).
#
#   Benchmarks/scale-merge.sh [PARTITIONS] [SHARDS] [SHARD_BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
partitions=${1:-100}
shards=${2:-20}
bytes=${3:-65536}
prefab=${PREFAB:-.build/release/prefab}
[[ -x "$prefab" ]] || prefab=.build/debug/prefab
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 Benchmarks/scale_merge_fixture.py "$work/out" "$partitions" "$shards" "$bytes"
shard_files() { find "$work/out" -path '*/part-*' -type f ! -name '*.json' -printf '%i %p\n' | sort -k2; }
before=$(shard_files | while read -r inode path; do echo "$inode $(sha256sum "$path")"; done)
command -v /usr/bin/time >/dev/null || { echo "scale-merge: needs GNU time (apt-get install time)" >&2; exit 1; }
/usr/bin/time -f '%e %M' -o "$work/time" "$prefab" merge "$work/out" --no-report >"$work/merge.out"
read -r seconds rss_kb <"$work/time"
after=$(shard_files | while read -r inode path; do echo "$inode $(sha256sum "$path")"; done)
count=$(echo "$before" | wc -l)
[[ "$before" == "$after" ]] && same="unchanged" || same="CHANGED"
records=$(python3 -c "import json; print(json.load(open('$work/out/samples/manifest.json'))['records'])")
echo "prefab merge: $partitions partitions x $shards shards x 2 directories ($count shard files, $records records per directory): ${seconds}s, peak RSS $((rss_kb / 1024)) MB, shard bytes and inodes $same ($prefab)"
[[ $same == unchanged ]]
