"""The three AWS credential endpoints a machine in the cloud offers, for the credential tests:

  POST /                      STS AssumeRoleWithWebIdentity (form: Action, Version, RoleArn,
                              RoleSessionName, WebIdentityToken); refused unless RoleArn and the
                              token are the ones given here
  GET  /container/credentials the ECS / EKS Pod Identity container endpoint; refused unless the
                              Authorization header is --container-auth (when given)
  PUT  /latest/api/token      IMDSv2: a session token, only with X-aws-ec2-metadata-token-ttl-seconds
  GET  /latest/meta-data/iam/security-credentials/[ROLE]
                              IMDSv2: the role name, then its credentials; refused (401) without the
                              session token, as an instance that requires IMDSv2 refuses IMDSv1

Each answers the credentials given on the command line (temporary ones from a real STS, in the
tests) in the shape the real endpoint uses. Real moto cannot play the first: with request
authentication on it wants AssumeRoleWithWebIdentity signed, which real STS does not.

Usage: python aws_credentials_server.py PORT --key ID --secret SECRET [--session-token T]
           [--expiration ISO8601] [--role-arn ARN --web-token TOKEN] [--container-auth TOKEN]
Prints "ready" once listening. Stdlib only.
"""
import argparse
import http.server
import json
import os
import secrets
import signal
import threading
import time
import urllib.parse
from xml.sax.saxutils import escape

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("--key", required=True)
parser.add_argument("--secret", required=True)
parser.add_argument("--session-token", default="")
parser.add_argument("--expiration", default="")
parser.add_argument("--role-arn", default="")
parser.add_argument("--web-token", default="")
parser.add_argument("--container-auth", default="")
args = parser.parse_args()
imds_tokens = set()
ROLE = "prefab-test-role"


def credentials_json():
    body = {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": args.key, "SecretAccessKey": args.secret}
    if args.session_token:
        body["Token"] = args.session_token
    if args.expiration:
        body["Expiration"] = args.expiration
    return json.dumps(body).encode()


def assume_role_xml():
    return (
        '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<AssumeRoleWithWebIdentityResult><Credentials>"
        f"<AccessKeyId>{escape(args.key)}</AccessKeyId><SecretAccessKey>{escape(args.secret)}</SecretAccessKey>"
        f"<SessionToken>{escape(args.session_token)}</SessionToken><Expiration>{escape(args.expiration)}</Expiration>"
        "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
    ).encode()


def sts_error(code):
    return f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{code}</Message></Error></ErrorResponse>".encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def reply(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        field = lambda name: (form.get(name) or [""])[0]
        if field("Action") != "AssumeRoleWithWebIdentity" or not field("RoleSessionName"):
            return self.reply(400, sts_error("InvalidAction"), "text/xml")
        if field("RoleArn") != args.role_arn or field("WebIdentityToken") != args.web_token:
            return self.reply(403, sts_error("AccessDenied"), "text/xml")
        self.reply(200, assume_role_xml(), "text/xml")

    def do_PUT(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path != "/latest/api/token" or not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(400, b"", "text/plain")
        token = secrets.token_hex(16)
        imds_tokens.add(token)
        self.reply(200, token.encode(), "text/plain")

    def do_GET(self):
        if self.path == "/container/credentials":
            if args.container_auth and self.headers.get("Authorization") != args.container_auth:
                return self.reply(403, b'{"message": "bad authorization token"}')
            return self.reply(200, credentials_json())
        prefix = "/latest/meta-data/iam/security-credentials/"
        if self.path.startswith(prefix):
            if self.headers.get("X-aws-ec2-metadata-token") not in imds_tokens:
                return self.reply(401, b"", "text/plain")
            role = self.path[len(prefix):]
            if not role:
                return self.reply(200, ROLE.encode(), "text/plain")
            if role == ROLE:
                return self.reply(200, credentials_json())
        self.reply(404, b"", "text/plain")


def exit_with_parent(parent=os.getppid()):
    """A test process killed without stopping this server must not leave it running."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()
signal.signal(signal.SIGTERM, signal.SIG_DFL)
server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
print("ready", flush=True)
server.serve_forever()
