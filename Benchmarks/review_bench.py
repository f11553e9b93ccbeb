#!/usr/bin/env python3
"""Times `prefab review` on a large run (issue #19's targets): the first open, which builds the
queue index; the queue opening in the page's own requests (the page, its script and style, the
config and the first queue page) with the index built; deep and filtered pages; and a label
followed by the next item, as the page does after each click. HTTP/1.1 keep-alive, as a browser.

    review_bench.py --prefab BIN --run DIR [--rounds 50]
"""
import argparse
import http.client
import json
import statistics
import subprocess
import time
import urllib.parse


def start(prefab, run):
    began = time.perf_counter()
    process = subprocess.Popen([prefab, "review", run, "--port", "0", "--reviewer", "bench"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = process.stdout.readline().strip()
    return process, url, time.perf_counter() - began


def timed(rounds, body):
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        body()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "max_ms": round(times[-1], 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefab", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    results = {}

    process, url, seconds = start(args.prefab, args.run)
    results["first_open_with_index_build_s"] = round(seconds, 2)
    process.terminate()
    process.wait()
    process, url, seconds = start(args.prefab, args.run)
    results["open_with_index_built_s"] = round(seconds, 2)
    parsed = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port)

    def get(path):
        connection.request("GET", path)
        response = connection.getresponse()
        data = response.read()
        assert response.status == 200, (path, response.status, data[:200])
        return data

    def post(path, body):
        connection.request("POST", path, body=json.dumps(body), headers={"content-type": "application/json"})
        response = connection.getresponse()
        data = response.read()
        assert response.status == 200, (path, response.status, data[:200])
        return data

    try:
        total = json.loads(get("/api/config"))["total"]
        results["prompts"] = total

        def open_queue():
            for path in ("/", "/review.js", "/review.css", "/api/config", "/api/queue?offset=0&limit=50&reviewer=bench"):
                get(path)

        results["queue_open"] = timed(args.rounds, open_queue)
        results["queue_last_page"] = timed(args.rounds, lambda: get(f"/api/queue?offset={total - 50}&limit=50&reviewer=bench"))
        results["queue_filtered_model_flag"] = timed(args.rounds, lambda: get("/api/queue?offset=0&limit=50&model=model-b&flag=failed&reviewer=bench"))
        results["queue_unreviewed"] = timed(args.rounds, lambda: get("/api/queue?offset=0&limit=50&status=unreviewed&reviewer=bench"))

        queue = json.loads(get(f"/api/queue?offset=0&limit={min(200, args.rounds + 1)}&reviewer=bench"))["page"]["entries"]
        position = [0]

        def label_and_next():
            entry = queue[position[0]]
            post("/api/label", {"prompt_id": entry["prompt_id"], "reviewer": "bench", "verdict": "A"})
            get("/api/item?prompt_id=" + urllib.parse.quote(queue[position[0] + 1]["prompt_id"]))
            position[0] += 1

        results["label_and_next"] = timed(min(args.rounds, len(queue) - 1), label_and_next)
    finally:
        process.terminate()
        process.wait()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
