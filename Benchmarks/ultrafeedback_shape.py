"""What the `prefab run` throughput benchmark's tools share: the UltraFeedback shape (four pool
models with their temperatures, four aspects) and the prompts file they all read.

Imported by Benchmarks/run_bench.py and by the baselines (Benchmarks/distilabel/,
Benchmarks/curator/), each run by its own virtual environment's python.
"""
import json
import sys

# Four pool models as the Prefab config names them, each with its own temperature.
POOL = [("pool-a", 0.2), ("pool-b", 0.7), ("pool-c", 1.0), ("pool-d", 1.2)]
# The aspects as distilabel's UltraFeedback task names them (Prefab's rubrics use underscores).
ASPECTS = ["helpfulness", "honesty", "instruction-following", "truthfulness"]


def read_prompts(path: str, limit: int) -> list:
    """The `prompt` of each line of a JSONL file (the first `limit`, when given)."""
    prompts = []
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                prompts.append(json.loads(line)["prompt"])
            except (ValueError, KeyError) as error:
                sys.exit(f"{path}:{line_number}: prompt: {error}")
            if limit and len(prompts) >= limit:
                break
    if not prompts:
        sys.exit(f"{path}: no prompts")
    return prompts
