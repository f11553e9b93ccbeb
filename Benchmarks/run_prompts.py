#!/usr/bin/env python3
"""Writes N synthetic prompts as JSONL ({"id", "prompt"} per line) for the `prefab run` benchmarks.

The prompts are seeded (the same N and seed give the same file), distinct, and vary in length and
wording like an instruction dataset, so the simulator's answers and the response cache see distinct
requests for every prompt.

    python3 Benchmarks/run_prompts.py N OUT.jsonl [--seed S]
"""
import argparse
import json
import os
import random

OPENERS = [
    "Explain", "Describe", "Summarise", "Compare", "List the main ideas behind",
    "Write a short guide to", "Give three examples of", "What are the risks of",
    "How would you teach", "Argue for and against",
]
TOPICS = [
    "photosynthesis", "compound interest", "the water cycle", "binary search", "plate tectonics",
    "the French Revolution", "vaccination", "supply and demand", "recursion", "climate feedback loops",
    "public key cryptography", "the immune system", "jazz improvisation", "urban gardening",
    "black holes", "the printing press", "machine translation", "sleep hygiene", "volcanoes",
    "open source licensing", "bread baking", "orbital mechanics", "game theory", "coral reefs",
]
AUDIENCES = [
    "to a ten-year-old", "to a new employee", "for a university exam", "in plain words",
    "to a sceptical reader", "for a podcast script", "as a haiku", "in under 100 words",
]
DETAILS = [
    "Mention one common misconception.", "End with a question for the reader.",
    "Use a numbered list.", "Include a concrete number.", "Avoid jargon.",
    "Cite one historical example.", "Keep it friendly.", "",
]


def prompt_text(rng: random.Random, index: int) -> str:
    parts = [
        rng.choice(OPENERS), rng.choice(TOPICS), rng.choice(AUDIENCES) + ".",
        rng.choice(DETAILS), rng.choice(DETAILS),
    ]
    # The index keeps every prompt distinct however many are drawn.
    return " ".join(p for p in parts if p) + f" (case {index})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    temporary = args.output + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        for index in range(args.count):
            record = {"id": f"bench-{index:07d}", "prompt": prompt_text(rng, index)}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, args.output)


if __name__ == "__main__":
    main()
