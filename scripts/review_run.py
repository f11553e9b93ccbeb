#!/usr/bin/env python3
"""Writes a run directory of rated records for `prefab review` checks and benchmarks, without
any model: RUN/rated/ (JSONL.zst shards), in the
RatedRecord schema, with two rating judges per aspect whose ratings sometimes disagree, a
pairwise judge whose verdict sometimes flips with the order, and now and then a failed vote.

    review_run.py DIR --prefab BIN --prompts N [--hostile] [--seed S]

The records are written as JSON Lines, then `prefab convert` makes DIR/rated a JSONL.zst shard
directory, as `prefab run` writes it.

--hostile puts answers that must stay inert in the page first: <script>, <img onerror>, a
1 MB answer, right-to-left text, markdown with code.
"""
import argparse
import json
import os
import random
import subprocess

ASPECTS = ["helpfulness", "honesty"]
MODELS = ["model-a", "model-b", "model-c"]
WORDS = ("the answer explains each step with care and checks the result against the question "
         "while a shorter version would skip the reasoning entirely").split()

HOSTILE = [
    ("xss-script", "Say hello.", ["<script>window.__pwned = 1; alert('xss')</script>Hello!", "Hello there."]),
    ("xss-img", "Show an image.", ["<img src=x onerror=\"window.__pwned = 2; alert('img')\"> here", "No image, sorry."]),
    ("big-answer", "Write a lot.", ["A" * (1024 * 1024), "A short answer."]),
    ("rtl", "ترجم: good morning", ["صباح الخير! שלום עולם", "Good morning (in Arabic: صباح الخير)."]),
    ("markdown", "Show code.", ["# Title\n\nSome **bold** and `code`.\n\n```python\nprint('<b>not bold</b>')\n```\n\n- one\n- two",
                                "[a link](javascript:alert(1)) and <a href=\"javascript:alert(2)\">x</a>"]),
]


def vote(judge, aspect, rating, rationale, **extra):
    v = {"judge": judge, "aspect": aspect, "rating": rating, "rationale": rationale, "raw": "", "parse": "ok", "attempts": 1}
    v.update(extra)
    return v


def record(rng, index, prompt_id=None, instruction=None, responses=None):
    prompt_id = prompt_id or f"q{index:06d}"
    instruction = instruction or f"Question {index}: " + " ".join(rng.choice(WORDS) for _ in range(12)) + "?"
    n = len(responses) if responses else 3
    responses = responses or [" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))) for _ in range(n)]
    disagreement = rng.random()
    completions = []
    for c in range(n):
        votes = []
        annotations = {}
        ratings = []
        for aspect in ASPECTS:
            first = rng.randint(1, 5)
            second = max(1, min(5, first + (rng.choice([-3, 3]) if disagreement > 0.8 else rng.choice([-1, 0, 0, 1]))))
            votes.append(vote("judge-1", aspect, first, f"judge-1 on {aspect}: rating {first} <b>because</b> reasons"))
            if rng.random() < 0.03:
                votes.append({"judge": "judge-2", "aspect": aspect, "rating": None, "raw": "???", "parse": "failed",
                              "attempts": 2, "detail": "no rating found"})
                mean = first
            else:
                votes.append(vote("judge-2", aspect, second, f"judge-2 on {aspect}: {second}"))
                mean = (first + second) / 2
            annotations[aspect] = {"Rating": str(round(mean)), "Rationale": "aggregated"}
            ratings.append(mean)
        for other in range(n):
            if other == c:
                continue
            flip = disagreement > 0.7
            won = 1.0 if (c < other) != flip else 0.0
            for position in (0, 1):
                rating = won if position == 0 or not flip else 1.0 - won
                votes.append(vote("pair-judge", "preference", rating, "compared", position=position, opponent=other,
                                  verdict="A" if (rating == 1.0) == (position == 0) else "B"))
        score = sum(ratings) / len(ratings)
        completions.append({
            "model": MODELS[c % len(MODELS)], "principle": "helpfulness", "custom_system_prompt": "",
            "response": responses[c], "annotations": annotations, "critique": "", "overall_score": score,
            "fine-grained_score": score, "scores": {}, "votes": votes, "flags": [],
        })
    return {
        "prompt_id": prompt_id, "source": rng.choice(["chat", "code", "math"]), "instruction": instruction,
        "messages": [{"role": "user", "content": instruction}], "models": [c["model"] for c in completions],
        "completions": completions, "reference": None, "ensemble": "generated", "agreement": None, "label_source": "judges",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--prompts", type=int, default=12)
    parser.add_argument("--hostile", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prefab", required=True, help="the prefab binary (for `prefab convert`)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.directory, exist_ok=True)
    source = os.path.join(args.directory, "rated-input.jsonl")
    with open(source, "w", encoding="utf-8") as out:
        if args.hostile:
            for prompt_id, instruction, responses in HOSTILE:
                r = record(rng, 0, prompt_id, instruction, responses)
                # Hostile items tie exactly, so they come first in the queue.
                for c in r["completions"]:
                    c["fine-grained_score"] = c["overall_score"] = 3.0
                    for v in c["votes"]:
                        if v.get("rating") is not None and v.get("opponent") is None:
                            v["rating"] = 1 if v["judge"] == "judge-1" else 5
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
        for index in range(args.prompts):
            out.write(json.dumps(record(rng, index), ensure_ascii=False) + "\n")
    subprocess.run([args.prefab, "convert", source, os.path.join(args.directory, "rated"), "--format", "jsonl.zst"],
                   check=True, stdout=subprocess.DEVNULL)
    os.remove(source)


if __name__ == "__main__":
    main()
