"""Runs a Prefab run's partitions as Ray tasks, then merges them into one dataset.

    python deploy/ray/prefab_ray.py CONFIG --partitions N [--address auto] [--max-retries 3]

Each partition is one Ray task executing `prefab run CONFIG --partition I/N` (Prefab must be on
PATH on every node, or named by --prefab / $PREFAB). A task whose process dies, or whose prefab
exits with an error, is retried by Ray (max_retries) and resumes from its partition's journal:
nothing finished is asked for again. When every partition has finished, `prefab merge OUTPUT`
runs on the driver. Prefab does not manage the cluster: Ray does; this only maps partitions to
tasks. Without --address, ray.init() starts a local Ray instance.

Exit status: 0 merged; 1 a partition failed after its retries, or the merge failed.
"""

import argparse
import ctypes
import os
import signal
import subprocess
import sys

import ray


def _die_with_parent():
    """The prefab process dies with the Ray worker running it, so a retry never finds the
    journal still held by an orphan (Linux: PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except OSError:
        pass


@ray.remote
def run_partition(prefab, config, index, count, extra):
    command = [prefab, "run", config, "--partition", f"{index}/{count}", "--quiet", *extra]
    result = subprocess.run(command, capture_output=True, text=True, preexec_fn=_die_with_parent)
    # 0: done. 3: some prompts failed (listed in failures.jsonl; the run is finished, as in any
    # run). Anything else (killed, budget, endpoint refusing): raise, so Ray retries the task.
    if result.returncode not in (0, 3):
        raise RuntimeError(
            f"partition {index}/{count}: prefab exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return index, result.returncode, result.stdout.strip()


def output_directory(prefab, config):
    return subprocess.run([prefab, "validate", config, "--print-output"], check=True, capture_output=True,
                          text=True).stdout.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config")
    parser.add_argument("--partitions", type=int, required=True)
    parser.add_argument("--prefab", default=os.environ.get("PREFAB", "prefab"))
    parser.add_argument("--address", default=None, help="Ray cluster address (default: start a local one)")
    parser.add_argument("--max-retries", type=int, default=3)
    parser.add_argument("--journal", default=None, help="passed to prefab run --journal (shared storage)")
    parser.add_argument("--num-cpus", type=float, default=1, help="CPUs Ray reserves per partition")
    args = parser.parse_args(argv)

    config = os.path.abspath(args.config)
    output = output_directory(args.prefab, config)
    extra = ["--journal", args.journal] if args.journal else []
    ray.init(address=args.address, include_dashboard=False, log_to_driver=False)
    task = run_partition.options(max_retries=args.max_retries, retry_exceptions=True, num_cpus=args.num_cpus)
    refs = [task.remote(args.prefab, config, index, args.partitions, extra) for index in range(args.partitions)]
    try:
        for index, status, summary in ray.get(refs):
            first = summary.splitlines()[0] if summary else ""
            print(f"partition {index}/{args.partitions}: {first}" + (" (some prompts failed)" if status == 3 else ""),
                  flush=True)
    except ray.exceptions.RayError as error:
        print(f"prefab_ray: a partition failed after {args.max_retries} retries: {error}", file=sys.stderr)
        return 1
    merged = subprocess.run([args.prefab, "merge", output, "--config", config])
    return merged.returncode


if __name__ == "__main__":
    sys.exit(main())
