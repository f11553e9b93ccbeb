#!/usr/bin/env python3
"""Bespoke Curator 0.1.31's version of the UltraFeedback run, against an OpenAI-compatible server.

The second baseline of `Benchmarks/run-throughput.sh`, the same shape as the Prefab run and the
distilabel pipeline: per prompt, four pool models answer (one `curator.LLM` per model, each over
every prompt), then four judges (one per aspect: helpfulness, honesty, instruction-following,
truthfulness) each rate the four answers in one call. Eight calls per prompt. Curator runs one
`LLM` over the whole dataset at a time, the way its documentation chains steps; each keeps up to
`--max-concurrent` calls in flight (`max_concurrent_requests`), with its request and token rate
limits raised far above what the simulator needs, its cache and telemetry off.

prefab-sim runs with `--answer-style ultrafeedback-text`, so the judges' answers come in the
`Rating: N` layout this script parses; it fails if any rating is missing.

Offline, Curator's OpenAI backend counts tokens with tiktoken and prices calls through litellm:
tiktoken's encodings are read from the copy litellm ships (TIKTOKEN_CACHE_DIR) and litellm's
price list from its local copy (LITELLM_LOCAL_MODEL_COST_MAP), so nothing is downloaded.

The last stdout line is one JSON object: tool, prompts, seconds, prompts_per_second, requests,
ratings, ratings_expected.

    python Benchmarks/curator/ultrafeedback_curator.py --base-url http://127.0.0.1:PORT/v1 \\
        --prompts prompts.jsonl [--limit N] [--max-concurrent 256]
"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ultrafeedback_shape import ASPECTS, POOL, read_prompts  # noqa: E402

RATING = re.compile(r"Rating:\s*(\d)")


def offline_environment(cache_dir: str) -> None:
    """Curator and litellm settings for a machine without the internet, set before importing."""
    import importlib.util

    spec = importlib.util.find_spec("litellm")
    if spec and spec.submodule_search_locations:
        bundled = os.path.join(spec.submodule_search_locations[0], "litellm_core_utils", "tokenizers")
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", bundled)
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ["TELEMETRY_ENABLED"] = "false"
    os.environ["CURATOR_DISABLE_CACHE"] = "true"
    os.environ["CURATOR_CACHE_DIR"] = cache_dir
    os.environ.setdefault("OPENAI_API_KEY", "sim")


def judge_prompt(aspect: str, instruction: str, answers: list) -> str:
    """An UltraFeedback-style annotation prompt (our wording) in the layout prefab-sim answers."""
    texts = "\n\n".join(f"<text {index + 1}> {answer}" for index, answer in enumerate(answers))
    return (
        f"# {aspect.replace('-', ' ').title()} Assessment\n\n"
        f"Rate each text for {aspect} on a scale of 1 to 5.\n\n"
        "## Format:\n\n### Input\nInstruction: [the request]\n\nTexts:\n<text 1> [text 1]\n...\n\n"
        "### Output\n#### Output for Text 1\nRating: [1-5]\nRationale: [why]\n\n---\n\n"
        f"## Annotation\n\n### Input\nInstruction: {instruction}\n\nTexts:\n{texts}\n\n### Output\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--prompts", required=True, help="JSONL with a 'prompt' per line")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--max-concurrent", type=int, default=256, help="max_concurrent_requests of each LLM step")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--judge-model", default="judge-model")
    parser.add_argument("--judge-max-tokens", type=int, default=600)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="prefab-bench-curator-")
    offline_environment(work)
    from bespokelabs import curator
    from bespokelabs.curator import __version__ as curator_version

    backend_params = {
        "base_url": args.base_url, "api_key": "sim", "max_concurrent_requests": args.max_concurrent,
        # Far above what is reached: the concurrency is the limit, as for the other tools.
        "max_requests_per_minute": 10_000_000, "max_tokens_per_minute": 10_000_000_000,
        "max_retries": 2, "request_timeout": 120,
    }

    class Generate(curator.LLM):
        def prompt(self, row):
            return row["instruction"]

        def parse(self, row, response):
            return {**row, "generation": response}

    class Judge(curator.LLM):
        aspect = "helpfulness"

        def prompt(self, row):
            return judge_prompt(self.aspect, row["instruction"], row["generations"])

        def parse(self, row, response):
            ratings = [int(match) for match in RATING.findall(response)][: len(row["generations"])]
            return {**row, f"ratings_{self.aspect}": ratings}

    prompts = read_prompts(args.prompts, args.limit)
    try:
        started = time.perf_counter()
        rows = [{"id": index, "instruction": prompt} for index, prompt in enumerate(prompts)]
        answers = {row["id"]: [] for row in rows}
        for model, temperature in POOL:
            generate = Generate(
                model_name=model, backend="openai", backend_params=backend_params,
                generation_params={"temperature": temperature, "max_tokens": args.max_tokens})
            for row in generate(rows).dataset:
                answers[row["id"]].append(row["generation"])
        grouped = [{**row, "generations": answers[row["id"]]} for row in rows]
        ratings = {}
        for aspect in ASPECTS:
            judge = type(f"Judge_{aspect.replace('-', '_')}", (Judge,), {"aspect": aspect})(
                model_name=args.judge_model, backend="openai", backend_params=backend_params,
                generation_params={"temperature": 0.0, "max_tokens": args.judge_max_tokens})
            judged = judge(grouped).dataset
            ratings[aspect] = sum(len(row[f"ratings_{aspect}"]) for row in judged)
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result = {
        "tool": f"curator {curator_version}",
        "prompts": len(prompts),
        "seconds": round(seconds, 3),
        "prompts_per_second": round(len(prompts) / seconds, 3),
        "requests": len(prompts) * (len(POOL) + len(ASPECTS)),
        "ratings": ratings,
        "ratings_expected": len(prompts) * len(POOL),
    }
    print(json.dumps(result), flush=True)
    missing = {a: result["ratings_expected"] - n for a, n in ratings.items() if n != result["ratings_expected"]}
    if missing:
        print(f"error: ratings missing: {missing}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
