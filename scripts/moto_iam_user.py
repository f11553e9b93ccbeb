"""Spends a fresh moto server's unauthenticated calls on an IAM user that may do everything.

moto started with INITIAL_NO_AUTH_ACTION_COUNT=3 checks signatures from the fourth request on.
The three free requests create a user, its access key, and an inline allow-all policy (moto
does not load AWS-managed policies by default). Prints "ACCESS_KEY_ID SECRET_ACCESS_KEY".

Usage: python moto_iam_user.py http://127.0.0.1:PORT
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
# Any key signs the first three calls; moto routes them to IAM by the signature's service.
iam = boto3.client(
    "iam", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="bootstrap",
)
iam.create_user(UserName="prefab")
key = iam.create_access_key(UserName="prefab")["AccessKey"]
policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
iam.put_user_policy(UserName="prefab", PolicyName="everything", PolicyDocument=json.dumps(policy))
print(key["AccessKeyId"], key["SecretAccessKey"])
