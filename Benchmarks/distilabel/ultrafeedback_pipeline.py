#!/usr/bin/env python3
"""distilabel 1.5.3's UltraFeedback pipeline against an OpenAI-compatible server (prefab-sim).

The baseline of `Benchmarks/run-throughput`: the same shape as the Prefab run it is compared
with. Per prompt, four `TextGeneration` tasks (four pool models, one completion each) answer;
`GroupColumns` gathers the four completions; four `UltraFeedback` tasks (helpfulness, honesty,
instruction-following, truthfulness) each rate all four completions in one call; `CombineOutputs`
joins the ratings. Eight calls per prompt, as Prefab's run makes. distilabel's defaults are kept
(batches of 50, free-text judge answers parsed by the task); its cache is off and lives in a
temporary directory.

Judge calls carry `x-sim-answer-style: ultrafeedback-text`, so prefab-sim answers them in the
layout distilabel's UltraFeedback parser reads; the script counts the ratings it parsed and fails
if any is missing.

The last stdout line is one JSON object: prompts, seconds (wall time of `pipeline.run`),
prompts_per_second, requests, ratings (non-null per aspect), ratings_expected.

    python Benchmarks/distilabel/ultrafeedback_pipeline.py --base-url http://127.0.0.1:PORT/v1 \
        --prompts prompts.jsonl [--limit N] [--batch-size 50]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ultrafeedback_shape import ASPECTS, POOL, read_prompts  # noqa: E402



def output_mappings(aspect: str) -> dict:
    """Each aspect's columns under their own names, so the four judges' outputs can be joined."""
    key = aspect.replace("-", "_")
    columns = ["ratings", "rationales", "model_name"]
    if aspect in ("helpfulness", "truthfulness"):
        columns += ["types", "rationales-for-ratings"]
    return {column: f"{column.replace('-', '_')}_{key}" for column in columns}


def build_pipeline(args, prompts, cache_dir):
    from distilabel.models import OpenAILLM
    from distilabel.pipeline import Pipeline
    from distilabel.steps import CombineOutputs, GroupColumns, LoadDataFromDicts
    from distilabel.steps.tasks import TextGeneration, UltraFeedback

    batch = args.batch_size
    with Pipeline(name="prefab-bench-ultrafeedback", cache_dir=cache_dir) as pipeline:
        load = LoadDataFromDicts(
            name="load_prompts", data=[{"instruction": p} for p in prompts], batch_size=batch
        )
        generators = [
            TextGeneration(
                name=f"generate_{model.replace('-', '_')}",
                llm=OpenAILLM(
                    model=model, base_url=args.base_url, api_key="sim", max_retries=2, timeout=120,
                    generation_kwargs={"max_new_tokens": args.max_tokens, "temperature": temperature},
                ),
                input_batch_size=batch,
            )
            for model, temperature in POOL
        ]
        group = GroupColumns(
            name="group_completions",
            columns=["generation", "model_name"],
            output_columns=["generations", "generation_models"],
            input_batch_size=batch,
        )
        judges = []
        for aspect in ASPECTS:
            key = aspect.replace("-", "_")
            judges.append(UltraFeedback(
                name=f"ultrafeedback_{key}",
                aspect=aspect,
                llm=OpenAILLM(
                    model=args.judge_model, base_url=args.base_url, api_key="sim", max_retries=2, timeout=120,
                    default_headers={"x-sim-answer-style": "ultrafeedback-text"},
                    generation_kwargs={"max_new_tokens": args.judge_max_tokens, "temperature": 0.0},
                ),
                input_batch_size=batch,
                output_mappings=output_mappings(aspect),
            ))
        combine = CombineOutputs(name="combine_ratings", input_batch_size=batch)
        load >> generators >> group >> judges >> combine
    return pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8089/v1")
    parser.add_argument("--prompts", required=True, help="JSONL with a 'prompt' per line")
    parser.add_argument("--limit", type=int, default=0, help="use the first N prompts (0: all)")
    parser.add_argument("--batch-size", type=int, default=50, help="distilabel batch size (its default: 50)")
    parser.add_argument("--max-tokens", type=int, default=256, help="max_new_tokens of the pool models")
    parser.add_argument("--judge-model", default="judge-model")
    parser.add_argument("--judge-max-tokens", type=int, default=600)
    parser.add_argument(
        "--log-level", default="WARNING",
        help="DISTILABEL_LOG_LEVEL (at its default, INFO, it logs every HTTP request; Prefab runs --quiet)",
    )
    args = parser.parse_args()
    os.environ["DISTILABEL_LOG_LEVEL"] = args.log_level

    import distilabel
    if distilabel.__version__ != "1.5.3":
        print(f"warning: distilabel {distilabel.__version__}, the benchmark names 1.5.3", file=sys.stderr)

    prompts = read_prompts(args.prompts, args.limit)
    cache_dir = tempfile.mkdtemp(prefix="prefab-bench-distilabel-")
    try:
        pipeline = build_pipeline(args, prompts, cache_dir)
        started = time.perf_counter()
        distiset = pipeline.run(use_cache=False)
        seconds = time.perf_counter() - started
        rows = distiset["default"]["train"]
        ratings = {}
        for aspect in ASPECTS:
            column = rows[f"ratings_{aspect.replace('-', '_')}"]
            ratings[aspect] = sum(1 for row in column for rating in (row or []) if rating is not None)
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)

    result = {
        "tool": f"distilabel {distilabel.__version__}",
        "prompts": len(prompts),
        "rows": len(rows),
        "seconds": round(seconds, 3),
        "prompts_per_second": round(len(prompts) / seconds, 3),
        "requests": len(prompts) * (len(POOL) + len(ASPECTS)),
        "ratings": ratings,
        "ratings_expected": len(prompts) * len(POOL),
    }
    sys.stdout.flush()
    print(json.dumps(result), flush=True)
    missing = {a: result["ratings_expected"] - n for a, n in ratings.items() if n != result["ratings_expected"]}
    if len(rows) != len(prompts) or missing:
        print(f"error: {len(rows)} rows for {len(prompts)} prompts; ratings missing: {missing}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
