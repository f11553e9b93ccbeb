"""What outside S3 clients see of datasets Prefab wrote to object storage (scripts/check-s3-loaders).

check IN.jsonl S3_MDS S3_JSONL   MosaicML StreamingDataset(remote=S3_MDS, local=tmp) with
                                 validate_hash xxh64 and sha1, and HF datasets reading the
                                 .jsonl.zst objects under S3_JSONL through s3fs: every record
                                 equals the input line, in order
run-pairs S3_RUN                 the pairs of a `prefab run` published to S3_RUN stream back
                                 with StreamingDataset (pairs/train/mds) equal to the JSONL.zst
                                 rows HF datasets reads (pairs/train)
no-uploads BUCKET                boto3 lists no multipart upload left open in BUCKET

The endpoint and key come from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
(StreamingDataset reads S3_ENDPOINT_URL, set by the caller).
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_loaders import compare  # noqa: E402

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
STORAGE_OPTIONS = {
    "key": os.environ["AWS_ACCESS_KEY_ID"],
    "secret": os.environ["AWS_SECRET_ACCESS_KEY"],
    "client_kwargs": {"endpoint_url": ENDPOINT, "region_name": os.environ.get("AWS_REGION", "us-east-1")},
}


def stream_mds(remote, algorithm):
    from streaming import StreamingDataset
    from streaming.base.util import clean_stale_shared_memory

    tmp = tempfile.mkdtemp()
    try:
        clean_stale_shared_memory()
        dataset = StreamingDataset(remote=remote, local=os.path.join(tmp, "cache"), shuffle=False, validate_hash=algorithm, batch_size=1)
        return list(dataset)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def hf_rows(prefix):
    import s3fs
    from datasets import load_dataset

    fs = s3fs.S3FileSystem(**STORAGE_OPTIONS)
    root = prefix.removeprefix("s3://").rstrip("/")
    # A merged partitioned run keeps each part's shards in its part-…-of-… subdirectory; sorted,
    # they come in the merged manifest's order (part by part).
    files = sorted("s3://" + path for path in fs.glob(root + "/*.jsonl.zst") + fs.glob(root + "/part-*/*.jsonl.zst"))
    if not files:
        print(f"no .jsonl.zst objects under {prefix}")
        return None
    cache = tempfile.mkdtemp()
    try:
        return list(load_dataset("json", data_files=files, split="train", cache_dir=cache, storage_options=STORAGE_OPTIONS))
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def check(expected_path, mds, jsonl):
    with open(expected_path, encoding="utf-8") as handle:
        expected = [json.loads(line) for line in handle]
    ok = True
    for algorithm in ("xxh64", "sha1"):
        ok &= compare(f"StreamingDataset(remote={mds}, validate_hash={algorithm})", expected, stream_mds(mds, algorithm))
    rows = hf_rows(jsonl)
    ok &= rows is not None and compare(f"HF datasets over s3fs ({jsonl})", expected, rows)
    return ok


def run_pairs(run):
    rows = hf_rows(run.rstrip("/") + "/pairs/train")
    if not rows:
        print("no pairs rows read from", run)
        return False
    expected = [{key: value for key, value in row.items()} for row in rows]
    return compare(f"StreamingDataset(remote={run}/pairs/train/mds)", expected, stream_mds(run.rstrip("/") + "/pairs/train/mds", "xxh64"))


def no_uploads(bucket):
    import boto3

    s3 = boto3.client("s3", endpoint_url=ENDPOINT, region_name=os.environ.get("AWS_REGION", "us-east-1"))
    uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    if uploads:
        print(f"boto3: {len(uploads)} multipart upload(s) left open in {bucket}: {[u['Key'] for u in uploads]}")
        return False
    print(f"boto3: no multipart upload left open in {bucket}")
    return True


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "check":
        sys.exit(0 if check(*sys.argv[2:5]) else 1)
    if command == "run-pairs":
        sys.exit(0 if run_pairs(sys.argv[2]) else 1)
    if command == "no-uploads":
        sys.exit(0 if no_uploads(sys.argv[2]) else 1)
    sys.exit(f"unknown command {command}")
