#!/usr/bin/env python3
"""Prompt hygiene benchmark: `prefab prompts` against datasketch's MinHashLSH.

  generate  writes N synthetic prompts (with planted exact duplicates, near duplicates and
            prompts quoting an evaluation item) and M evaluation items.
  datasketch runs datasketch.MinHashLSH over the prompts with the same shingles, permutations
            and banding as Prefab's defaults, keeping the first of each group in input order
            (query, then insert only what is kept: what `prefab prompts` does), and writes its
            decisions.
  compare   reads both decisions and prints the agreement.

Shingles are built exactly as Prefab builds them for ASCII text (lowercase, tokens are runs of
[a-z0-9], word 3-grams, a shorter text is one shingle); the synthetic prompts are ASCII, so the
two tools see the same shingle sets and differ only in hashing (Prefab: XXH64 and
multiply-shift permutations; datasketch: SHA-1 and (a*h+b) mod 2^61-1).
"""
import argparse
import json
import random
import re
import resource
import sys
import time

TOKEN = re.compile(r"[a-z0-9]+")


def words(rng, vocabulary, count):
    return [rng.choice(vocabulary) for _ in range(count)]


def generate(args):
    rng = random.Random(args.seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "va", "de", "zu", "ri", "mo", "fe", "gan", "tor", "bel", "qui"]
    vocabulary = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(60000)})
    evals = []
    with open(args.eval_out, "w") as out:
        for index in range(args.evals):
            text = " ".join(words(rng, vocabulary, rng.randint(10, 30))).capitalize() + "?"
            evals.append(text)
            out.write(json.dumps({"id": f"e{index}", "question": text}) + "\n")
    planted = {"exact": 0, "near": 0, "contaminated": 0}
    texts = []
    with open(args.prompts_out, "w") as out:
        for index in range(args.prompts):
            roll = rng.random()
            if texts and roll < 0.05:
                source = rng.choice(texts)
                text = "  ".join(source.upper().split()) if rng.random() < 0.5 else " " + source.lower() + "\t"
                planted["exact"] += 1
            elif texts and roll < 0.10:
                source = rng.choice(texts).split()
                if len(source) >= 30:
                    source[rng.randrange(len(source))] = rng.choice(vocabulary)
                    planted["near"] += 1
                text = " ".join(source)
            elif roll < 0.11:
                text = "Please answer: " + rng.choice(evals) + " Explain briefly."
                planted["contaminated"] += 1
            else:
                text = " ".join(words(rng, vocabulary, rng.randint(12, 60))).capitalize() + "."
            # Remember originals only (a bounded pool), so duplicates point at earlier prompts.
            if roll >= 0.10 and len(texts) < 200000:
                texts.append(text)
            out.write(json.dumps({"id": f"p{index}", "prompt": text}) + "\n")
    print(json.dumps({"prompts": args.prompts, "evals": args.evals, "planted": planted}))


def shingles(text, n):
    tokens = TOKEN.findall(text.lower())
    if not tokens:
        return []
    size = min(n, len(tokens))
    return list({" ".join(tokens[i:i + size]).encode() for i in range(len(tokens) - size + 1)})


def run_datasketch(args):
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    lsh = MinHashLSH(num_perm=args.permutations, params=(args.bands, args.rows))
    template = MinHash(num_perm=args.permutations, seed=1)
    removed = {}
    kept = 0
    with open(args.prompts) as source:
        for ordinal, line in enumerate(source, start=1):
            record = json.loads(line)
            grams = shingles(record["prompt"], args.ngram)
            if not grams:
                kept += 1
                continue
            minhash = MinHash(num_perm=args.permutations, seed=1, permutations=template.permutations, scheme=template.scheme)
            minhash.update_batch(grams)
            found = lsh.query(minhash)
            if found:
                removed[ordinal] = min(found)
            else:
                lsh.insert(ordinal, minhash, check_duplication=False)
                kept += 1
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(args.out, "w") as out:
        json.dump({"seconds": seconds, "peak_rss_mib": peak, "kept": kept, "removed": removed}, out)
    print(json.dumps({"datasketch_seconds": round(seconds, 1), "peak_rss_mib": round(peak), "kept": kept, "removed": len(removed)}))


def compare(args):
    with open(args.prefab) as source:
        prefab = json.load(source)
    with open(args.datasketch) as source:
        sketch = json.load(source)
    ours = {r["ordinal"]: r.get("duplicate_of_ordinal") for r in prefab["removals"] if r["reason"] != "contaminated"}
    theirs = {int(k): v for k, v in sketch["removed"].items()}
    both = set(ours) & set(theirs)
    union = set(ours) | set(theirs)
    same_target = sum(1 for k in both if ours[k] == theirs[k])
    result = {
        "prefab_removed": len(ours),
        "datasketch_removed": len(theirs),
        "removed_by_both": len(both),
        "only_prefab": len(set(ours) - set(theirs)),
        "only_datasketch": len(set(theirs) - set(ours)),
        "jaccard_of_removed_sets": round(len(both) / len(union), 5) if union else 1.0,
        "same_duplicate_of": round(same_target / len(both), 5) if both else 1.0,
    }
    if args.prompts:
        # Where the tools disagree, the true Jaccard similarity of the prompt and the earlier
        # prompt the other tool named: disagreements from hashing fall on the steep part of the
        # S-curve (around the threshold), where each tool's outcome is a coin toss.
        wanted = {}
        for ordinal in set(ours) ^ set(theirs):
            target = ours.get(ordinal) or theirs.get(ordinal)
            wanted[ordinal] = target
        needed = set(wanted) | set(wanted.values())
        texts = {}
        with open(args.prompts) as source:
            for ordinal, line in enumerate(source, start=1):
                if ordinal in needed:
                    texts[ordinal] = json.loads(line)["prompt"]
        bins = {"<0.6": 0, "0.6-0.7": 0, "0.7-0.8": 0, "0.8-0.9": 0, ">=0.9": 0}
        for ordinal, target in wanted.items():
            a, b = set(shingles(texts[ordinal], 3)), set(shingles(texts[target], 3))
            j = len(a & b) / len(a | b) if a | b else 1.0
            key = "<0.6" if j < 0.6 else "0.6-0.7" if j < 0.7 else "0.7-0.8" if j < 0.8 else "0.8-0.9" if j < 0.9 else ">=0.9"
            bins[key] += 1
        result["disagreements_by_true_jaccard"] = bins
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--prompts", type=int, default=1_000_000)
    g.add_argument("--evals", type=int, default=100_000)
    g.add_argument("--seed", type=int, default=20)
    g.add_argument("--prompts-out", required=True)
    g.add_argument("--eval-out", required=True)
    d = sub.add_parser("datasketch")
    d.add_argument("--prompts", required=True)
    d.add_argument("--out", required=True)
    d.add_argument("--ngram", type=int, default=3)
    d.add_argument("--permutations", type=int, default=128)
    d.add_argument("--bands", type=int, default=9)
    d.add_argument("--rows", type=int, default=13)
    c = sub.add_parser("compare")
    c.add_argument("--prefab", required=True)
    c.add_argument("--datasketch", required=True)
    c.add_argument("--prompts", help="the prompts file, to measure the true Jaccard of disagreements")
    args = parser.parse_args()
    {"generate": generate, "datasketch": run_datasketch, "compare": compare}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
