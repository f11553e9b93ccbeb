"""A fault-injecting HTTP proxy in front of an S3 server, for the object-storage tests.

Forwards every request unchanged (the Host header too, so SigV4 signatures made for the proxy's
address still verify at the server) and injects faults by count:

  --slowdown N   answer the first N requests with 503 SlowDown, as S3 throttles
  --reset N      reset the connection of the first N PUT requests after reading them, as a
                 dropped connection mid-upload does (nothing reaches the server)
  --pass N       let the first N PUT requests through before resetting any (so an upload can
                 be stopped part way, with some objects stored and others not)
  --region NAME  play a bucket that lives in region NAME: a request signed for another region is
                 answered as S3 answers it, naming NAME (see --region-error), and not forwarded
  --region-error 301|400
                 how: 301 PermanentRedirect with an x-amz-bucket-region header (default), or 400
                 AuthorizationHeaderMalformed naming the region in the body
  --skew SECONDS play a server whose clock is SECONDS ahead: a request whose X-Amz-Date is more
                 than 15 minutes off that clock gets 403 RequestTimeTooSkewed, with the server's
                 time in the Date header (moto itself does not check request times)
  --always-skewed
                 refuse every request as skewed (a clock that cannot be corrected)
  --log FILE     append "METHOD PATH" for every request forwarded (tests check what was sent)
  --delay SECONDS
                 hold every PUT and POST that long before forwarding it, as a slow link does (so
                 a test can kill an uploader while uploads are in flight)

Usage: python s3_fault_proxy.py LISTEN_PORT UPSTREAM_URL [--slowdown N] [--reset N] [--pass N]
           [--region NAME [--region-error 301|400]] [--skew SECONDS [--always-skewed]] [--log FILE]
           [--delay SECONDS]
LISTEN_PORT 0 lets the system pick a free port. Prints "ready PORT" once listening. Stdlib only.
"""
import argparse
import calendar
import email.utils
import http.client
import http.server
import os
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("upstream")
parser.add_argument("--slowdown", type=int, default=0)
parser.add_argument("--reset", type=int, default=0)
parser.add_argument("--pass", dest="passing", type=int, default=0)
parser.add_argument("--region")
parser.add_argument("--region-error", type=int, choices=(301, 400), default=301)
parser.add_argument("--skew", type=float, default=0)
parser.add_argument("--always-skewed", action="store_true")
parser.add_argument("--log")
parser.add_argument("--delay", type=float, default=0)
args = parser.parse_args()
upstream = urllib.parse.urlparse(args.upstream)
lock = threading.Lock()
counts = {"slowdown": args.slowdown, "reset": args.reset, "pass": args.passing}

SLOWDOWN = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
            b'<Message>Please reduce your request rate.</Message></Error>')


def signed_region(headers):
    """The region in the Authorization header's credential scope (KEY/DATE/REGION/s3/aws4_request)."""
    authorization = headers.get("Authorization") or ""
    for part in authorization.replace(",", " ").split():
        if part.startswith("Credential="):
            scope = part[len("Credential="):].split("/")
            return scope[2] if len(scope) > 2 else None
    return None


def request_time(headers):
    """Seconds since the epoch of the X-Amz-Date header (20261206T120000Z), or None."""
    text = headers.get("X-Amz-Date")
    try:
        return calendar.timegm(time.strptime(text, "%Y%m%dT%H%M%SZ")) if text else None
    except ValueError:
        return None


def take(kind):
    with lock:
        if counts[kind] > 0:
            counts[kind] -= 1
            return True
        return False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def answer(self, status, code, message, extra=b"", headers=(), date=None):
        body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>' + code.encode() + b"</Code><Message>"
                + message.encode() + b"</Message>" + extra + b"</Error>")
        self.send_response_only(status)
        self.send_header("Date", email.utils.formatdate(date if date is not None else time.time(), usegmt=True))
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if args.skew or args.always_skewed:
            server_now = time.time() + args.skew
            sent = request_time(self.headers)
            if args.always_skewed or sent is None or abs(sent - server_now) > 900:
                self.answer(403, "RequestTimeTooSkewed",
                            "The difference between the request time and the current time is too large.",
                            b"<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>", date=server_now)
                return
        region = signed_region(self.headers)
        if args.region and region is not None and region != args.region:
            if args.region_error == 301:
                self.answer(301, "PermanentRedirect",
                            "The bucket you are attempting to access must be addressed using the specified endpoint.",
                            headers=[("x-amz-bucket-region", args.region)])
            else:
                # A HEAD answer has no body to name the region in: S3 sends the header then.
                self.answer(400, "AuthorizationHeaderMalformed",
                            f"The authorization header is malformed; the region '{region}' is wrong; expecting '{args.region}'",
                            b"<Region>" + args.region.encode() + b"</Region>",
                            headers=[("x-amz-bucket-region", args.region)] if self.command == "HEAD" else [])
            return
        if take("slowdown"):
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(SLOWDOWN)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(SLOWDOWN)
            return
        if self.command == "PUT" and not take("pass") and take("reset"):
            # SO_LINGER 0: close() sends a TCP RST instead of a FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if args.delay and self.command in ("PUT", "POST"):
            time.sleep(args.delay)
        if args.log:
            with lock, open(args.log, "a") as log:
                log.write(f"{self.command} {self.path}\n")
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=120)
        headers = {k: v for k, v in self.headers.items()}
        connection.request(self.command, self.path, body=body if self.command not in ("GET", "HEAD", "DELETE") or body else None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() in ("transfer-encoding", "connection", "content-length", "server", "date"):
                continue
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data) if self.command != "HEAD" else response.getheader("Content-Length") or 0))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        connection.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def exit_with_parent(parent=os.getppid()):
    """A test process killed without stopping its proxy must not leave it running."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()
# A parent that ignores SIGTERM passes that on; stopping must still work.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
# A client opens up to a dozen connections at once (upload slots, HEADs, listings): the default
# backlog of 5 refuses some on a loaded machine.
http.server.ThreadingHTTPServer.request_queue_size = 64
server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
print(f"ready {server.server_address[1]}", flush=True)
server.serve_forever()
