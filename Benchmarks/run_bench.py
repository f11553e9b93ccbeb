#!/usr/bin/env python3
"""The `prefab run` benchmarks of issue 7, against one zero-latency prefab-sim.

    run_bench.py throughput --bin DIR --python VENV_PYTHON [--prompts N] [--distilabel-prompts N]
    run_bench.py memory --bin DIR [--sizes 10000,100000]

`throughput`: the UltraFeedback shape (4 pool models, one completion each; the bundled
UltraFeedback ensemble: 4 aspects, all completions in one call per aspect; h4 pairs) through
`prefab run`, and distilabel 1.5.3's UltraFeedback pipeline of the same shape
(Benchmarks/distilabel/ultrafeedback_pipeline.py), over the same prompts and the same simulator, in
one run. Prints both prompts/s and Prefab/distilabel (target >= 10x).

`memory`: `prefab run` over 10,000 and 100,000 synthetic prompts (small answers). Prints each run's
peak RSS, wall time and prompts/s, and the ratio of the peak RSS figures (target: they differ by
less than 20%).

Each `prefab run` gets a fresh temporary directory for its config, output, cache and
PREFAB_HOME, and runs with `--quiet --fresh`. The simulator's counters are reset before each
measured run and checked after it: every call answered once, none failed.

Normally started through Benchmarks/run-throughput.sh and Benchmarks/run-memory.sh, which build
the release binaries and the distilabel virtual environment first.
"""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from ultrafeedback_shape import POOL

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASPECTS = ["helpfulness", "honesty", "instruction_following", "truthfulness"]
CALLS_PER_PROMPT = len(POOL) + len(ASPECTS)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Simulator:
    """prefab-sim on a free port, stopped on exit."""

    def __init__(self, binary: str, words: int, threads: int, latency: str = "none"):
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--words", str(words), "--threads", str(threads),
             "--answer-style", "ultrafeedback-text", "--latency", latency],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if not match:
            self.process.kill()
            sys.exit(f"prefab-sim did not start: {line!r}")
        self.url = match.group(1)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)

    def reset(self) -> None:
        urllib.request.urlopen(urllib.request.Request(self.url + "/sim/reset", method="POST", data=b"")).read()

    def stats(self) -> dict:
        return json.loads(urllib.request.urlopen(self.url + "/sim/stats").read())

    def check_calls(self, label: str, prompts: int) -> dict:
        """Every expected call answered with 200, none repeated, nothing else."""
        stats = self.stats()
        chat = stats["paths"].get("/v1/chat/completions", {})
        statuses = chat.get("statuses", {})
        ok = int(statuses.get("200", 0))
        expected = prompts * CALLS_PER_PROMPT
        summary = {"requests": chat.get("requests", 0), "ok": ok, "expected": expected,
                   "unique_bodies": stats.get("unique_bodies")}
        if ok != expected or chat.get("requests", 0) != expected:
            log(f"warning: {label}: the simulator saw {summary}, expected {expected} answered calls")
        return summary


class RSSSampler(threading.Thread):
    """Appends `label seconds rss_mb anon MB file MB` lines for a process every half second,
    to see where in a run memory grows (the pipeline or the report) and of what kind."""

    def __init__(self, pid: int, path: str, label: str):
        super().__init__(daemon=True)
        self.pid, self.path, self.label = pid, path, label
        self.done = threading.Event()
        self.start()

    def run(self) -> None:
        started = time.perf_counter()
        with open(self.path, "a", encoding="utf-8") as out:
            while not self.done.wait(0.5):
                try:
                    with open(f"/proc/{self.pid}/status", encoding="utf-8") as status:
                        fields = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith("Rss")}
                    rss = fields["RssAnon"] + fields["RssFile"] + fields["RssShmem"]
                except (OSError, KeyError):
                    return
                out.write(f"{self.label} {time.perf_counter() - started:.1f} {rss / 1024:.1f}"
                          f" anon {fields['RssAnon'] / 1024:.1f} file {fields['RssFile'] / 1024:.1f}\n")
                out.flush()

    def stop(self) -> None:
        self.done.set()
        self.join()


def write_prompts(count: int, path: str) -> None:
    subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "run_prompts.py"), str(count), path], check=True)


def yaml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid YAML scalar


def write_config(directory: str, prompts: str, sim_url: str, args) -> str:
    """A `prefab run` config of the UltraFeedback shape against the simulator."""
    judges = os.path.join(directory, "ultrafeedback.yaml")
    shutil.copyfile(os.path.join(ROOT, "judges", "ultrafeedback.yaml"), judges)
    base_url = yaml_string(sim_url + "/v1")
    limits = f"{{max_concurrent: {args.max_concurrent}}}"
    if getattr(args, "rpm", 0):
        limits = f"{{max_concurrent: {args.max_concurrent}, requests_per_minute: {args.rpm}}}"
    if getattr(args, "batch", False):
        # Every call through prefab-sim's batch APIs (docs/batch.md).
        limits += ", batch: {poll: 0.05s, max_bytes: 30MB}"  # prefab-sim takes bodies up to 32 MiB
    models = "\n".join(
        f"    - {{name: {name}, endpoint: sim, parameters: {{temperature: {temperature}, max_tokens: {args.max_tokens}}}}}"
        for name, temperature in POOL
    )
    config = f"""# Generated by Benchmarks/run_bench.py: the UltraFeedback shape against prefab-sim.
seed: 42
prompts: {{path: {yaml_string(prompts)}}}
output: {yaml_string(os.path.join(directory, "out"))}
endpoints:
  - {{name: sim, provider: openai-compatible, base_url: {base_url}, model: sim-model, limits: {limits}}}
  - {{name: judge, provider: openai-compatible, base_url: {base_url}, model: judge-model, limits: {limits}}}
pool:
  models:
{models}
  select: {len(POOL)}
  samples_per_model: 1
judges: {yaml_string(judges)}
pairing: {{strategy: best-vs-random, format: h4, score: fine-grained, min_margin: 0, test_ratio: 0.2}}
cache: {yaml_string(os.path.join(directory, "cache.sqlite"))}
"""
    if args.window:
        config += f"window: {args.window}\n"
    path = os.path.join(directory, "run.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(config)
    return path


def count_rated(binary: str, directory: str) -> dict:
    """Rated records and numeric ratings in OUT/rated, read back with `prefab cat`."""
    process = subprocess.Popen([binary, "cat", directory], stdout=subprocess.PIPE, text=True)
    records = ratings = 0
    for line in process.stdout:
        record = json.loads(line)
        records += 1
        for completion in record.get("completions", []):
            for annotation in completion.get("annotations", {}).values():
                try:
                    float(annotation.get("Rating"))
                    ratings += 1
                except (TypeError, ValueError):
                    pass
    if process.wait() != 0:
        sys.exit(f"prefab cat {directory} failed")
    return {"records": records, "ratings": ratings}


def run_prefab(args, sim: Simulator, prompts_path: str, prompts: int, label: str) -> dict:
    """One `prefab run --quiet --fresh` in a fresh directory: wall time, peak RSS, checks."""
    directory = tempfile.mkdtemp(prefix=f"prefab-bench-run-{label}-")
    try:
        config = write_config(directory, prompts_path, sim.url, args)
        environment = dict(os.environ, PREFAB_HOME=os.path.join(directory, "home"))
        sim.reset()
        log(f"prefab run: {prompts} prompts ({label})")
        started = time.perf_counter()
        process = subprocess.Popen(
            [os.path.join(args.bin, "prefab"), "run", config, "--quiet", "--fresh"],
            cwd=ROOT, env=environment, stdout=subprocess.DEVNULL if args.quiet_prefab else None,
        )
        sampler = RSSSampler(process.pid, args.rss_timeline, label) if args.rss_timeline else None
        # wait4 gives this child's own peak RSS (ru_maxrss, KiB on Linux).
        _, status, usage = os.wait4(process.pid, 0)
        if sampler:
            sampler.stop()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            sys.exit(f"prefab run {config} exited with {process.returncode}")
        calls = sim.check_calls(f"prefab run ({label})", prompts)
        rated = count_rated(os.path.join(args.bin, "prefab"), os.path.join(directory, "out", "rated"))
        if rated["records"] != prompts:
            log(f"warning: {rated['records']} rated records for {prompts} prompts")
        with open(os.path.join(directory, "out", "run-summary.json"), encoding="utf-8") as handle:
            run_seconds = json.load(handle).get("seconds")  # the streaming run, before the report
        expected_ratings = prompts * len(POOL) * len(ASPECTS)
        if rated["ratings"] != expected_ratings:
            log(f"warning: {rated['ratings']} numeric ratings, expected {expected_ratings}")
        return {
            "tool": "prefab run", "prompts": prompts, "seconds": round(seconds, 3),
            "prompts_per_second": round(prompts / seconds, 3),
            "run_seconds": round(run_seconds, 3) if run_seconds else None,
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "calls": calls, "rated": rated, "ratings_expected": expected_ratings,
        }
    finally:
        if args.keep:
            log(f"kept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


def run_distilabel(args, sim: Simulator, prompts_path: str, prompts: int) -> dict:
    sim.reset()
    log(f"distilabel: {prompts} prompts")
    script = os.path.join(ROOT, "Benchmarks", "distilabel", "ultrafeedback_pipeline.py")
    completed = subprocess.run(
        [args.python, script, "--base-url", sim.url + "/v1", "--prompts", prompts_path,
         "--limit", str(prompts), "--batch-size", str(args.distilabel_batch_size),
         "--max-tokens", str(args.max_tokens)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, PYTHONWARNINGS="ignore"),  # pydantic's warnings from every step process
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        sys.stderr.write(completed.stdout[-4000:])
        sys.exit(f"the distilabel pipeline failed (exit {completed.returncode})")
    result = json.loads(lines[-1])
    result["calls"] = sim.check_calls("distilabel", prompts)
    return result


def mean_latency_seconds(spec: str) -> float:
    """The mean delay of a prefab-sim `--latency` spec, in seconds."""
    parts = spec.lower().split(":")
    if parts[0] in ("none", "0"):
        return 0.0
    if parts[0] == "fixed":
        return float(parts[1]) / 1000
    if parts[0] == "uniform":
        return (float(parts[1]) + float(parts[2])) / 2000
    if parts[0] == "lognormal":  # median * exp(sigma^2 / 2)
        return float(parts[1]) * math.exp(float(parts[2]) ** 2 / 2) / 1000
    sys.exit(f"--latency {spec}: expected none, fixed:MS, uniform:MIN:MAX or lognormal:MEDIAN_MS:SIGMA")


def run_curator(args, sim: Simulator, prompts_path: str, prompts: int) -> dict:
    sim.reset()
    log(f"curator: {prompts} prompts")
    script = os.path.join(ROOT, "Benchmarks", "curator", "ultrafeedback_curator.py")
    completed = subprocess.run(
        [args.curator_python, script, "--base-url", sim.url + "/v1", "--prompts", prompts_path,
         "--limit", str(prompts), "--max-concurrent", str(2 * args.max_concurrent),
         "--max-tokens", str(args.max_tokens)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        sys.stderr.write(completed.stdout[-4000:])
        sys.exit(f"the Curator pipeline failed (exit {completed.returncode})")
    result = json.loads(lines[-1])
    result["calls"] = sim.check_calls("curator", prompts)
    return result


def throughput(args) -> None:
    work = tempfile.mkdtemp(prefix="prefab-bench-throughput-")
    latency = mean_latency_seconds(args.latency)
    try:
        prompts_path = os.path.join(work, "prompts.jsonl")
        write_prompts(args.prompts, prompts_path)
        # The baselines may take the first N of the same prompts when they are slow.
        baseline_prompts = min(args.distilabel_prompts or args.prompts, args.prompts)
        with Simulator(os.path.join(args.bin, "prefab-sim"), args.words, args.sim_threads, args.latency) as sim:
            log(f"prefab-sim at {sim.url} (latency {args.latency}, mean {latency * 1000:.0f} ms; "
                f"{args.sim_threads or 'one per core'} event-loop threads)")
            results = {}
            tools = ["prefab", "distilabel", "curator"] if args.prefab_first else ["distilabel", "curator", "prefab"]
            for tool in tools:
                if tool == "prefab" and not args.skip_prefab:
                    results["prefab"] = run_prefab(args, sim, prompts_path, args.prompts, "throughput")
                    print(json.dumps(results["prefab"]), flush=True)
                if tool == "distilabel" and args.python:
                    results["distilabel"] = run_distilabel(args, sim, prompts_path, baseline_prompts)
                    print(json.dumps(results["distilabel"]), flush=True)
                if tool == "curator" and args.curator_python:
                    results["curator"] = run_curator(args, sim, prompts_path, baseline_prompts)
                    print(json.dumps(results["curator"]), flush=True)
        in_flight = 2 * args.max_concurrent
        print(f"settings: latency {args.latency} (mean {latency * 1000:.0f} ms), two endpoints x max_concurrent "
              f"{args.max_concurrent} = {in_flight} calls in flight for Prefab and Curator, distilabel batches of "
              f"{args.distilabel_batch_size}, {CALLS_PER_PROMPT} calls a prompt")
        for name in ("distilabel", "curator", "prefab"):
            if name not in results:
                continue
            result = results[name]
            line = (f"{result['tool']}: {result['prompts']} prompts in {result['seconds']:.1f} s = "
                    f"{result['prompts_per_second']:.2f} prompts/s")
            if latency > 0:
                limit = in_flight / latency / CALLS_PER_PROMPT
                line += f" ({result['prompts_per_second'] / limit:.0%} of Little's law, {limit:.1f} prompts/s)"
            print(line)
        if "prefab" in results:
            prefab = results["prefab"]["prompts_per_second"]
            for name in ("distilabel", "curator"):
                if name in results:
                    print(f"throughput: Prefab / {name} = {prefab / results[name]['prompts_per_second']:.1f}x")
            if latency > 0:
                limit = in_flight / latency / CALLS_PER_PROMPT
                fraction = prefab / limit
                print(f"Prefab at {fraction:.0%} of the Little's-law limit (target >= 90%): {'PASS' if fraction >= 0.9 else 'FAIL'}")
                run_seconds = results["prefab"].get("run_seconds")
                if run_seconds:
                    streaming = results["prefab"]["prompts"] / run_seconds / limit
                    print(f"  the streaming run alone (run-summary.json seconds {run_seconds:.1f}, without start-up and the "
                          f"report): {streaming:.0%} of the limit")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def ratelimit(args) -> None:
    """Both endpoints limited to `--rpm` requests a minute (`--max-concurrent` at the default 64,
    more than that rate needs at this latency): the run must keep >= 95% of that budget in use.
    Measured from the run's own progress lines (`--json-progress`, every second): for each
    endpoint, its requests over the time it had work (its first call to its last answer), against
    what the limiter allows in that time: rpm / 60 a second, plus the ten seconds of requests its
    bucket holds at the start."""
    work = tempfile.mkdtemp(prefix="prefab-bench-ratelimit-")
    try:
        prompts_path = os.path.join(work, "prompts.jsonl")
        write_prompts(args.prompts, prompts_path)
        with Simulator(os.path.join(args.bin, "prefab-sim"), args.words, args.sim_threads, args.latency) as sim:
            log(f"prefab-sim at {sim.url} (latency {args.latency}); both endpoints at {args.rpm} requests a minute")
            config = write_config(work, prompts_path, sim.url, args)
            environment = dict(os.environ, PREFAB_HOME=os.path.join(work, "home"))
            started = time.perf_counter()
            completed = subprocess.run(
                [os.path.join(args.bin, "prefab"), "run", config, "--fresh", "--no-report", "--json-progress",
                 "--progress-interval", "1"],
                cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            seconds = time.perf_counter() - started
            if completed.returncode != 0:
                sys.stderr.write(completed.stderr[-4000:])
                sys.exit(f"prefab run exited with {completed.returncode}")
            sim.check_calls("prefab run (ratelimit)", args.prompts)
        frames = [json.loads(line) for line in completed.stderr.splitlines() if line.startswith("{")]
        frames = [frame for frame in frames if frame.get("endpoints")]
        if len(frames) < 10:
            sys.exit(f"too few progress lines ({len(frames)}) to measure; raise --prompts")
        rate = args.rpm / 60
        fractions = []
        print(f"prefab run: {args.prompts} prompts in {seconds:.1f} s")
        for endpoint in ("sim", "judge"):
            def counts(frame):
                found = next(e for e in frame["endpoints"] if e["name"] == endpoint)
                return found["requests"], found["in_flight"]
            total = counts(frames[-1])[0]
            busy = [frame for frame in frames if counts(frame)[1] > 0 or 0 < counts(frame)[0] < total]
            # From the frame before its first call to the first frame showing its last answer.
            begin = max(0.0, busy[0]["elapsed"] - 1)
            end = next(frame["elapsed"] for frame in frames if counts(frame)[0] == total)
            budget = rate * (end - begin) + 10 * rate
            fractions.append(total / budget)
            print(f"endpoint {endpoint}: {total} requests in {end - begin:.1f} s with work, of {budget:.0f} allowed "
                  f"({rate:.0f}/s and the bucket's 10 s) = {total / budget:.1%}")
        worst = min(fractions)
        print(f"rate-limit budget in use: {worst:.1%} (target >= 95%): {'PASS' if worst >= 0.95 else 'FAIL'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def memory(args) -> None:
    sizes = [int(size) for size in args.sizes.split(",")]
    work = tempfile.mkdtemp(prefix="prefab-bench-memory-")
    try:
        results = []
        with Simulator(os.path.join(args.bin, "prefab-sim"), args.words, args.sim_threads, args.latency) as sim:
            log(f"prefab-sim at {sim.url} (latency {args.latency}, {args.words}-word answers)")
            for size in sizes:
                prompts_path = os.path.join(work, f"prompts-{size}.jsonl")
                write_prompts(size, prompts_path)
                result = run_prefab(args, sim, prompts_path, size, f"memory-{size}")
                print(json.dumps(result), flush=True)
                results.append(result)
                os.remove(prompts_path)
        for result in results:
            print(f"{result['prompts']:>7} prompts: peak RSS {result['peak_rss_mb']:.1f} MB, "
                  f"{result['seconds']:.1f} s, {result['prompts_per_second']:.1f} prompts/s, "
                  f"{result['cpu_seconds']:.1f} CPU s")
        peaks = [result["peak_rss_mb"] for result in results]
        spread = max(peaks) / min(peaks) - 1
        print(f"peak RSS: largest / smallest = {max(peaks) / min(peaks):.3f} "
              f"(target: differ by < 20%): {'PASS' if spread < 0.2 else 'FAIL'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=["throughput", "memory", "ratelimit"])
    parser.add_argument("--bin", required=True, help="directory holding prefab and prefab-sim (release)")
    parser.add_argument("--python", help="the distilabel virtual environment's python (throughput)")
    parser.add_argument("--prompts", type=int, default=1000, help="throughput: prompts for prefab run")
    parser.add_argument("--distilabel-prompts", type=int, default=0,
                        help="throughput: prompts for distilabel (default: the same; fewer when it is slow)")
    parser.add_argument("--distilabel-batch-size", type=int, default=32,
                        help="32: 4 generators and 4 judges x 32 = 256 calls in flight, matching Prefab's two endpoints x 128")
    parser.add_argument("--skip-prefab", action="store_true", help="throughput: distilabel only")
    parser.add_argument("--prefab-first", action="store_true")
    parser.add_argument("--sizes", default="10000,100000", help="memory: prompt counts")
    parser.add_argument("--max-tokens", type=int, default=256, help="pool models' max_tokens")
    parser.add_argument("--words", type=int, default=40, help="prefab-sim answer length in words")
    parser.add_argument("--window", type=int, default=0, help="prefab run's window (0: unset, derived from the endpoints' slots)")
    parser.add_argument("--max-concurrent", type=int, default=128, help="calls in flight per endpoint (two endpoints)")
    parser.add_argument("--rpm", type=int, default=0, help="ratelimit: requests_per_minute of each endpoint")
    parser.add_argument("--latency", default="none", help="prefab-sim --latency, e.g. lognormal:400:0.6 (a real server's shape)")
    parser.add_argument("--curator-python", help="the Curator virtual environment's python (throughput; omit to skip it)")
    parser.add_argument("--sim-threads", type=int, default=0, help="prefab-sim event-loop threads (0: one per core)")
    parser.add_argument("--keep", action="store_true", help="keep each run's directory")
    parser.add_argument("--rss-timeline", help="append prefab run's RSS every 0.5 s to this file")
    parser.add_argument("--quiet-prefab", action="store_true", help="drop prefab run's stdout")
    parser.add_argument("--batch", action="store_true", help="both endpoints with a batch: block (calls through the batch APIs)")
    args = parser.parse_args()
    {"throughput": throughput, "memory": memory, "ratelimit": ratelimit}[args.benchmark](args)


if __name__ == "__main__":
    main()
