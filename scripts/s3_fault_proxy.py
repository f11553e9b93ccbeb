"""A fault-injecting HTTP proxy in front of an S3 server, for the object-storage tests.

Forwards every request unchanged (the Host header too, so SigV4 signatures made for the proxy's
address still verify at the server) and injects faults by count:

  --slowdown N   answer the first N requests with 503 SlowDown, as S3 throttles
  --reset N      reset the connection of the first N PUT requests after reading them, as a
                 dropped connection mid-upload does (nothing reaches the server)
  --pass N       let the first N PUT requests through before resetting any (so an upload can
                 be stopped part way, with some objects stored and others not)
  --log FILE     append "METHOD PATH" for every request forwarded (tests check what was sent)

Usage: python s3_fault_proxy.py LISTEN_PORT UPSTREAM_URL [--slowdown N] [--reset N] [--pass N] [--log FILE]
Prints "ready" once listening. Stdlib only.
"""
import argparse
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
parser.add_argument("--log")
args = parser.parse_args()
upstream = urllib.parse.urlparse(args.upstream)
lock = threading.Lock()
counts = {"slowdown": args.slowdown, "reset": args.reset, "pass": args.passing}

SLOWDOWN = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
            b'<Message>Please reduce your request rate.</Message></Error>')


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

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
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
server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
print("ready", flush=True)
server.serve_forever()
