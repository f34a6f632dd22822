#!/usr/bin/env python3
"""A small HTTP/1.1 server on 127.0.0.1 for the tests of runlens's HTTP transport.

Prints its port on the first line of stdout, then serves until killed (or stdin closes).
Paths:
  /echo       any method: 200, the request body as the body; X-Method, X-Content-Type,
              X-Content-Length, X-Expect and X-Agent name what came; X-Client-Port is the
              client's port (the same port twice means the connection was kept)
  /redirect   302 to /elsewhere with a small body (a client that follows it gets /elsewhere)
  /elsewhere  200 "followed"
  /continue   an interim "100 Continue" with its own header, then 200 with X-Final
  /twice      200 with X-Twice sent twice (a and b)
  /gzip       200 with a gzip-encoded body when the client accepts gzip
  /stall      reads the request, never answers
  /big        200 with 2,000,000 bytes of "x"
  /bomb       200 with a gzip body of 64 KiB that unpacks to 65 MiB, when the client accepts gzip
  /many?n=N&pad=P
              200 with X-Many sent N times (values 0 to N-1, then P x's), each followed by a
              folded continuation line "+": about (18 + P) bytes of headers times N
"""
import gzip
import os
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        body = self.body()
        path = self.path.split("?")[0]
        if path == "/echo":
            self.answer(200, body, [
                ("X-Method", self.command),
                ("X-Content-Type", self.headers.get("Content-Type", "-")),
                ("X-Content-Length", self.headers.get("Content-Length", "-")),
                ("X-Expect", self.headers.get("Expect", "-")),
                ("X-Agent", self.headers.get("User-Agent", "-")),
                ("X-Client-Port", str(self.client_address[1])),
            ])
        elif path == "/redirect":
            self.answer(302, b"moved", [("Location", "/elsewhere")])
        elif path == "/elsewhere":
            self.answer(200, b"followed")
        elif path == "/continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n")
            self.answer(200, b"done", [("X-Final", "yes")])
        elif path == "/twice":
            self.answer(200, b"", [("X-Twice", "a"), ("X-Twice", "b")])
        elif path == "/gzip":
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                self.answer(200, gzip.compress(b"squeezed " * 100), [("Content-Encoding", "gzip")])
            else:
                self.answer(200, b"squeezed " * 100)
        elif path == "/big":
            self.answer(200, b"x" * 2_000_000)
        elif path == "/bomb":
            self.answer(200, gzip.compress(b" " * (65 << 20), 1), [("Content-Encoding", "gzip")])
        elif path == "/many":
            query = urllib.parse.parse_qs(self.path.partition("?")[2])
            count = int(query.get("n", ["0"])[0])
            pad = b"x" * int(query.get("pad", ["0"])[0])
            lines = b"".join(b"X-Many: %d%s\r\n +\r\n" % (number, pad) for number in range(count))
            self.wfile.write(b"HTTP/1.1 200 OK\r\n" + lines + b"Content-Length: 2\r\n\r\nok")
        elif path == "/stall":
            time.sleep(3600)
        else:
            self.answer(404, b"no such path")

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_any


def main():
    # The test runner's threads block signals and a spawned child inherits the mask.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # Ends on SIGTERM, or when the test process goes away and its end of stdin closes.
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
