"""Writes the output directory of a run made in P partitions of S shards per dataset directory,
as `prefab run --partition` leaves it, for Benchmarks/scale-merge.sh: `OUT/parts/*/partition.json`
(complete, one identity) and `run-summary.json`, and for `samples` (JSON Lines shards) and
`samples/mds` (MDS shards) S shard files per partition with the partition's manifest and index.

`prefab merge` reads indexes and run files only, so the shards hold filler bytes of the stated
size; their hashes in the manifests are real, so `prefab inspect --verify` would check them.

    python3 scale_merge_fixture.py OUT PARTITIONS SHARDS SHARD_BYTES
"""
import hashlib
import json
import os
import sys

out, partitions, shards, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
identity = hashlib.sha256(b"bench").hexdigest()
records_per_shard = 100


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f, sort_keys=True)


def summary(prompts):
    return {"output": out, "prompts": prompts, "done": prompts, "resumed": 0, "failed": 0, "not_finished": 0,
            "failures_by_kind": {}, "completions": prompts * 3, "usage": [], "run_usage": [], "cache_hits": 0,
            "seconds": 1.0, "journal": ""}


for index in range(partitions):
    name = f"{index:05d}-of-{partitions:05d}"
    write_json(f"{out}/parts/{name}/partition.json", {
        "index": index, "count": partitions, "identity": identity, "status": "complete", "source": "bench",
        "host": "bench", "pid": 1, "prompts": shards * records_per_shard, "done": shards * records_per_shard, "failed": 0})
    write_json(f"{out}/parts/{name}/run-summary.json", summary(shards * records_per_shard))
    for directory, mds in (("samples", False), ("samples/mds", True)):
        part = f"{out}/{directory}/part-{name}"
        os.makedirs(part, exist_ok=True)
        entries, index_entries = [], []
        for shard in range(shards):
            file = f"shard.{shard:05d}.mds" if mds else f"samples-{shard:05d}.jsonl.zst"
            data = (f"{name}/{file}\n".encode() * (size // 24 + 1))[:size]
            with open(f"{part}/{file}", "wb") as f:
                f.write(data)
            digest = hashlib.sha256(data).hexdigest()
            entries.append({"file": file, "bytes": size, "raw_bytes": size, "records": records_per_shard, "sha256": digest})
            index_entries.append({
                "column_encodings": ["str", "str"], "column_names": ["prompt", "prompt_id"], "column_sizes": [None, None],
                "compression": None, "format": "mds", "hashes": [], "size_limit": 8 << 20, "version": 2,
                "samples": records_per_shard, "raw_data": {"basename": file, "bytes": size, "hashes": {}}, "zip_data": None})
        write_json(f"{part}/manifest.json", {
            "manifest_version": 1, "tool": "prefab", "tool_version": "bench", "format": "mds" if mds else "jsonl.zst",
            "config_hash": identity[:16], "compression": "none" if mds else "zstd",
            "records": shards * records_per_shard, "shards": entries})
        if mds:
            write_json(f"{part}/index.json", {"shards": index_entries, "version": 2})
