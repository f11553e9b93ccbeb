"""Loader-compatibility check for Prefab's shards (run by scripts/check-loaders).

generate OUT.jsonl         write 10,000 deterministic preference pairs
check IN.jsonl MDS JSONL   read MDS with StreamingDataset (validate_hash sha1 and xxh64) and
                           JSONL.zst with HF datasets (streaming and not); every record must
                           equal the input line, in order
"""
import glob
import json
import os
import random
import shutil
import sys
import tempfile

WORDS = ("the answer is because we can see that a model should help honest harmless "
         "step solution equation result café naïve 日本語 Ωμέγα 😀 données straße").split()


def text(rng, low, high):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def generate(path, count=10_000):
    rng = random.Random(20240611)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            prompt = "" if i % 997 == 0 else text(rng, 3, 60)
            chosen = [{"role": "user", "content": prompt}, {"role": "assistant", "content": text(rng, 5, 200)}]
            rejected = [{"role": "user", "content": prompt}, {"role": "assistant", "content": "" if i % 101 == 0 else text(rng, 1, 150)}]
            score_chosen = rng.randint(10, 20) / 2
            score_rejected = rng.randint(2, 9) / 2
            record = {
                "prompt": prompt,
                "prompt_id": f"{rng.getrandbits(256):064x}",
                "chosen": chosen,
                "rejected": rejected,
                "messages": chosen,
                "score_chosen": score_chosen,
                "score_rejected": score_rejected,
                "margin": score_chosen - score_rejected,
                "chosen_model": rng.choice(["model-a", "model-b", "smollm2-135m-instruct"]),
                "rejected_model": rng.choice(["model-c", "model-d"]),
                "turn": i % 5,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def plain(value):
    """numpy scalars and arrays to Python values, for comparison."""
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def compare(name, expected, actual):
    if len(expected) != len(actual):
        print(f"{name}: {len(actual)} records, expected {len(expected)}")
        return False
    for i, (want, got) in enumerate(zip(expected, actual)):
        got = {key: plain(value) for key, value in got.items()}
        if got != want:
            keys = sorted(set(want) | set(got))
            diff = [k for k in keys if want.get(k) != got.get(k)]
            print(f"{name}: record {i} differs in {diff}: expected {[want.get(k) for k in diff]!r:.300}, got {[got.get(k) for k in diff]!r:.300}")
            return False
    print(f"{name}: {len(actual)} records equal to the input")
    return True


def check_mds(expected, directory):
    from streaming import StreamingDataset
    from streaming.base.util import clean_stale_shared_memory

    ok = True
    for algorithm in ("xxh64", "sha1"):
        tmp = tempfile.mkdtemp()
        try:
            local = os.path.join(tmp, "ds")
            shutil.copytree(directory, local)
            clean_stale_shared_memory()
            dataset = StreamingDataset(local=local, remote=None, shuffle=False, validate_hash=algorithm, batch_size=1)
            ok &= compare(f"MosaicML StreamingDataset (validate_hash={algorithm})", expected, [dataset[i] for i in range(len(dataset))])
            ok &= compare(f"MosaicML StreamingDataset iteration (validate_hash={algorithm})", expected, list(dataset))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return ok


def check_jsonl(expected, directory):
    from datasets import load_dataset

    files = sorted(glob.glob(os.path.join(directory, "*.jsonl.zst")))
    if not files:
        print(f"no .jsonl.zst files in {directory}")
        return False
    ok = True
    cache = tempfile.mkdtemp()
    try:
        table = load_dataset("json", data_files=files, split="train", cache_dir=cache)
        ok &= compare(f"HF datasets load_dataset('json', {len(files)} .jsonl.zst files)", expected, list(table))
        streamed = load_dataset("json", data_files=files, split="train", streaming=True)
        ok &= compare("HF datasets load_dataset('json', streaming=True)", expected, list(streamed))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return ok


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "generate":
        generate(sys.argv[2])
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "check":
        with open(sys.argv[2], encoding="utf-8") as source:
            expected = [json.loads(line) for line in source]
        ok = check_mds(expected, sys.argv[3])
        ok &= check_jsonl(expected, sys.argv[4])
        return 0 if ok else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
