"""Loader-compatibility check for Prefab's shards (run by scripts/check-loaders).

generate OUT.jsonl         write 10,000 deterministic preference pairs
check IN.jsonl MDS JSONL   read MDS with StreamingDataset (validate_hash sha1 and xxh64) and
                           JSONL.zst with HF datasets (streaming and not); every record must
                           equal the input line, in order
generate-rated OUT.jsonl   write deterministic rated records (ties, missing scores, one-answer
                           prompts, multi-turn prompts) for `prefab pairs`
check-pairs FORMAT DIR     read DIR/{train,test} written by `prefab pairs --format FORMAT` with
                           HF datasets and StreamingDataset (both must give the same rows) and
                           check every row has exactly the keys and types TRL documents
quickstart-config REPO URL OUT.yaml RUN
                           write configs/quickstart.yaml with its endpoints pointed at the
                           simulator at URL (a header value and an API key variable planted),
                           its paths absolute, and its output at RUN
check-card FORMAT DIR      the dataset card DIR/README.md: huggingface_hub's DatasetCard.load
                           parses it and its data has the configs; load_dataset(DIR) with no
                           other argument gives exactly the splits the card names, with the
                           card's features, and the rows the shards hold; no planted secret in it
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


def generate_rated(path, count=400):
    rng = random.Random(1234)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            turns = rng.choice([1, 1, 1, 3])
            messages = []
            if rng.random() < 0.2:
                messages.append({"role": "system", "content": "You are terse."})
            for t in range(turns):
                role = "user" if t % 2 == 0 else "assistant"
                messages.append({"role": role, "content": text(rng, 2, 20)})
            completions = []
            for j in range(rng.choice([1, 2, 3, 4, 4])):
                fine = rng.choice([None, 1.0, 2.5, 3.0, 3.0, 4.25, 5.0])
                completions.append({
                    "model": f"model-{j}", "principle": "helpfulness", "custom_system_prompt": "",
                    "response": f"{text(rng, 1, 40)} [{i}.{j}]", "annotations": {}, "critique": "",
                    "overall_score": None, "fine-grained_score": fine,
                })
            record = {
                "source": "synthetic", "instruction": messages[-1]["content"], "prompt_id": f"rated-{i:04d}",
                "models": [c["model"] for c in completions], "completions": completions, "messages": messages,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


MESSAGES = "messages"
ASSISTANT_TURN = "assistant turn"

# The columns and types of each `prefab pairs` format, as TRL documents its dataset formats
# (conversational and standard preference, unpaired preference) and ultrafeedback_binarized
# lays out its rows.
PAIR_FORMATS = {
    "h4": {"prompt": str, "prompt_id": str, "chosen": MESSAGES, "rejected": MESSAGES, "messages": MESSAGES,
           "score_chosen": float, "score_rejected": float, "margin": float, "chosen_model": str, "rejected_model": str,
           "label_source": str},
    "trl": {"prompt": MESSAGES, "chosen": ASSISTANT_TURN, "rejected": ASSISTANT_TURN},
    "trl-standard": {"prompt": str, "chosen": str, "rejected": str},
    "kto": {"prompt": MESSAGES, "completion": ASSISTANT_TURN, "label": bool},
    "kto-standard": {"prompt": str, "completion": str, "label": bool},
    "rm": {"chosen": MESSAGES, "rejected": MESSAGES, "margin": float},
    "sft": {"messages": MESSAGES},
}


def is_messages(value):
    return isinstance(value, list) and value and all(
        isinstance(m, dict) and set(m) == {"role", "content"} and m["role"] in ("system", "user", "assistant")
        and isinstance(m["content"], str) for m in value)


def type_problems(fmt, row):
    spec = PAIR_FORMATS[fmt]
    if list(row) != list(spec) and set(row) != set(spec):
        return [f"keys {sorted(row)} != {sorted(spec)}"]
    problems = []
    for key, want in spec.items():
        value = row[key]
        if want is MESSAGES:
            ok = is_messages(value)
        elif want is ASSISTANT_TURN:
            ok = is_messages(value) and len(value) == 1 and value[0]["role"] == "assistant"
        elif want is float:
            ok = isinstance(value, float)
        else:
            ok = type(value) is want
        if not ok:
            problems.append(f"{key}: {type(value).__name__} {value!r:.80}")
    if fmt == "h4" and not problems:
        if row["chosen"][:-1] != row["rejected"][:-1] or row["chosen"][-1]["role"] != "assistant":
            problems.append("chosen and rejected must share the prompt turns and end with the answer")
        # A reviewer (prefab review) may prefer the answer the judges scored lower: the margin
        # then says so (zero or negative); the judges' own pairs always clear it.
        if row["label_source"] not in ("judges", "human"):
            problems.append(f"label_source must be judges or human, not {row['label_source']!r}")
        elif row["messages"] != row["chosen"] or (row["label_source"] == "judges" and not row["margin"] > 0):
            problems.append("messages must equal chosen and the judges' margin must be positive")
        if abs(row["score_chosen"] - row["score_rejected"] - row["margin"]) > 1e-9:
            problems.append("margin != score_chosen - score_rejected")
    if fmt in ("h4", "rm", "trl", "trl-standard") and not problems and row["chosen"] == row["rejected"]:
        problems.append("chosen equals rejected")
    return problems


def read_jsonl_zst(directory):
    """The rows of a JSONL.zst directory, read with the zstandard package alone (no Prefab code)."""
    import zstandard
    rows = []
    for path in sorted(glob.glob(os.path.join(directory, "*.jsonl.zst"))):
        with open(path, "rb") as handle:
            reader = zstandard.ZstdDecompressor().stream_reader(handle, read_across_frames=True)
            data = reader.read()
        rows.extend(json.loads(line) for line in data.decode("utf-8").splitlines() if line)
    return rows


def check_pairs(fmt, directory):
    from datasets import load_dataset
    from streaming import StreamingDataset
    from streaming.base.util import clean_stale_shared_memory
    try:
        from trl.data_utils import is_conversational
    except ImportError as error:
        print(f"{fmt}: FAILED: cannot import TRL's data utilities ({error})")
        return False

    ok = True
    total = 0
    for split in ("train", "test"):
        base = os.path.join(directory, split)
        if not os.path.isdir(base):
            continue
        expected = read_jsonl_zst(base)
        total += len(expected)
        cache = tempfile.mkdtemp()
        tmp = tempfile.mkdtemp()
        try:
            files = sorted(glob.glob(os.path.join(base, "*.jsonl.zst")))
            table = list(load_dataset("json", data_files=files, split="train", cache_dir=cache)) if expected else []
            ok &= compare(f"{fmt}/{split}: HF datasets", expected, table)
            local = os.path.join(tmp, "ds")
            shutil.copytree(os.path.join(base, "mds"), local)
            clean_stale_shared_memory()
            dataset = StreamingDataset(local=local, remote=None, shuffle=False, validate_hash="xxh64", batch_size=1)
            ok &= compare(f"{fmt}/{split}: MosaicML StreamingDataset", expected, [dataset[i] for i in range(len(dataset))])
        finally:
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(tmp, ignore_errors=True)
        # h4 is ultrafeedback_binarized's layout (a string prompt beside message lists), not one of
        # TRL's own formats, so TRL's format test only applies to the others.
        conversational = fmt in ("trl", "kto", "rm", "sft")
        for index, row in enumerate(expected):
            problems = type_problems(fmt, row)
            if fmt != "h4" and is_conversational(row) != conversational:
                problems.append(f"TRL's is_conversational says {not conversational}")
            if problems:
                print(f"{fmt}/{split}: row {index}: " + "; ".join(problems))
                ok = False
                break
    if total == 0:
        print(f"{fmt}: no rows written")
        return False
    if ok:
        print(f"{fmt}: {total} rows with exactly TRL's keys and types")
    return ok


PLANTED_HEADER = "planted-header-value-3c1f"
PLANTED_KEY = "sk-planted-loader-check-key-9a7e"
KEY_VARIABLE = "PREFAB_CHECK_LOADERS_KEY"


def quickstart_config(repo, url, out, run):
    """configs/quickstart.yaml against the simulator: same pool, principles, judges and pairing;
    the endpoints are the simulator's (with a header value and an API key variable to plant),
    every path absolute, the output at RUN."""
    with open(os.path.join(repo, "configs", "quickstart.yaml"), encoding="utf-8") as source:
        lines = source.read().splitlines()
    result, skipping = [], False
    for line in lines:
        if line.startswith("endpoints:"):
            result.append("endpoints:")
            for name in ("local", "judge"):
                result.append(f'  - {{name: {name}, provider: openai-compatible, base_url: "{url}/v1", model: smollm2-sim, '
                              f'api_key_env: {KEY_VARIABLE}, headers: {{x-trace-note: "{PLANTED_HEADER}"}}}}')
            skipping = True
            continue
        if skipping and (line.startswith(" ") or not line.strip()):
            continue
        skipping = False
        if line.startswith("output:"):
            line = f"output: {run}"
        elif line.startswith("principles:"):
            result.append(line)
            line = f"  directory: {os.path.join(repo, 'rubrics', 'principles')}"
        line = line.replace("../", repo.rstrip("/") + "/")
        result.append(line)
    with open(out, "w", encoding="utf-8") as target:
        target.write("\n".join(result) + "\n")


def check_card(fmt, directory):
    from datasets import load_dataset
    from datasets.info import DatasetInfo
    from huggingface_hub import DatasetCard

    path = os.path.join(directory, "README.md")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    ok = True
    for secret in (PLANTED_HEADER, PLANTED_KEY):
        if secret in text:
            print(f"{fmt} card: FAILED: a planted secret ({secret}) is in {path}")
            ok = False
    card = DatasetCard.load(path)
    data = card.data.to_dict()
    configs = data.get("configs") or []
    if len(configs) != 1 or configs[0].get("config_name") != "default":
        print(f"{fmt} card: FAILED: DatasetCard.load gives configs {configs!r}")
        return False
    named = [entry["split"] for entry in configs[0]["data_files"]]
    present = [split for split in ("train", "test")
               if glob.glob(os.path.join(directory, split, "*.jsonl.zst"))]
    if named != present:
        print(f"{fmt} card: FAILED: the card names splits {named}, the directory has shards for {present}")
        ok = False
    features = DatasetInfo._from_yaml_dict(data["dataset_info"]).features
    print(f"{fmt} card: DatasetCard.load parses it; configs name {named}; features {list(features)}")

    cache = tempfile.mkdtemp()
    try:
        try:
            dataset = load_dataset(directory, cache_dir=cache)
        except Exception as error:  # a cast error: the card's features are not the rows'
            cause = error.__cause__ or error
            print(f"{fmt} card: FAILED: load_dataset(DIR): {type(cause).__name__}: {cause!s:.400}")
            return False
        if sorted(dataset.keys()) != sorted(named):
            print(f"{fmt} card: FAILED: load_dataset(DIR) gives splits {sorted(dataset.keys())}, the card names {named}")
            return False
        for split in named:
            loaded = dataset[split]
            if loaded.features != features or list(loaded.features) != list(features):
                print(f"{fmt}/{split}: FAILED: load_dataset(DIR) features {loaded.features} != the card's {features}")
                ok = False
            ok &= compare(f"{fmt}/{split}: load_dataset(DIR)", read_jsonl_zst(os.path.join(directory, split)), list(loaded))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return ok


def main():
    try:
        import datasets
        datasets.disable_progress_bars()  # one line per check, not a bar per split
    except ImportError:
        pass
    if len(sys.argv) == 3 and sys.argv[1] == "generate":
        generate(sys.argv[2])
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "check":
        with open(sys.argv[2], encoding="utf-8") as source:
            expected = [json.loads(line) for line in source]
        ok = check_mds(expected, sys.argv[3])
        ok &= check_jsonl(expected, sys.argv[4])
        return 0 if ok else 1
    if len(sys.argv) == 3 and sys.argv[1] == "generate-rated":
        generate_rated(sys.argv[2])
        return 0
    if len(sys.argv) == 6 and sys.argv[1] == "quickstart-config":
        quickstart_config(*sys.argv[2:])
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "check-card":
        return 0 if check_card(sys.argv[2], sys.argv[3]) else 1
    if len(sys.argv) == 4 and sys.argv[1] == "check-pairs":
        return 0 if check_pairs(sys.argv[2], sys.argv[3]) else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
