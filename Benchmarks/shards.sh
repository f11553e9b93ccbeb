#!/usr/bin/env bash
# Shard benchmark: JSONL.zst and MDS write/read throughput against the zstd CLI on the same
# bytes in the same run, plus peak RSS of each phase. Not a test: timings vary with the machine.
#   Benchmarks/shards.sh            # 500 MB of generated preference records
#   Benchmarks/shards.sh 50         # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
command -v zstd >/dev/null || { echo "the zstd CLI is needed (apt-get install zstd)" >&2; exit 1; }
swift build -c release --product prefab-bench
exec .build/release/prefab-bench shards --megabytes "${1:-500}" "${@:2}"
