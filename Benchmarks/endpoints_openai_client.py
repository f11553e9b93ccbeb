"""The Python baseline for Benchmarks/endpoints-throughput.sh: the same closed-loop load as
`prefab-bench endpoints-throughput`, through the official `openai` package's AsyncOpenAI."""

import argparse
import asyncio
import json
import resource
import sys
import time

from openai import AsyncOpenAI


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run(client: AsyncOpenAI, model: str, requests: int, concurrency: int, max_tokens: int, offset: int):
    next_index = 0
    errors = 0
    first_error = None

    async def worker():
        nonlocal next_index, errors, first_error
        while next_index < requests:
            index = next_index
            next_index += 1
            try:
                await client.chat.completions.create(
                    model=model,
                    messages=[{"role": "user", "content": f"Benchmark question number {offset + index}."}],
                    max_tokens=max_tokens,
                )
            except Exception as error:  # counted and reported, like the Swift side
                errors += 1
                first_error = first_error or repr(error)

    await asyncio.gather(*(worker() for _ in range(min(concurrency, requests))))
    return errors, first_error


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", default="sim-model")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()

    # The package's default HTTP client keeps up to 100 connections alive: enough for the
    # benchmark's concurrency (64 by default).
    client = AsyncOpenAI(base_url=args.base_url, api_key="unused", max_retries=0, timeout=120)
    await run(client, args.model, args.concurrency, args.concurrency, args.max_tokens, -args.concurrency)
    cpu_before = cpu_seconds()
    start = time.perf_counter()
    errors, first_error = await run(client, args.model, args.requests, args.concurrency, args.max_tokens, 0)
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_before
    await client.close()
    if first_error:
        print(f"first error: {first_error}", file=sys.stderr)
    print(json.dumps({
        "client": "python-openai", "requests": args.requests, "errors": errors,
        "seconds": round(seconds, 3), "rps": round(args.requests / seconds, 1), "cpu_seconds": round(cpu, 3),
    }))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
