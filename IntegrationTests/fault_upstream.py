"""A small OpenAI-compatible upstream for the tests that misbehaves on demand: it answers `/v1/models` and
`/v1/chat/completions` (streamed) in the mode it was started with, which a test may change at any time.

Modes: `ok` (streams "Hello", " world", a finish and usage), `fail500`, `limit429` (with Retry-After),
`stall` (sleeps before the head), `drop` (one chunk, then the connection is cut), `error400` (an OpenAI
error that names the upstream's own address), `slow` (a chunk every 0.1 s for 30 s; counts in `cancelled`
the streams whose reader went away). It counts the requests it received by mode and keeps their
bodies, so a test can say what reached the upstream.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def chunk(payload: dict) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def delta(text: str) -> bytes:
    return chunk({"id": "x", "object": "chat.completion.chunk", "model": "m",
                  "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]})


FINISH = (chunk({"id": "x", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
          + chunk({"id": "x", "object": "chat.completion.chunk", "choices": [],
                   "usage": {"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9}})
          + b"data: [DONE]\n\n")


class FaultUpstream:
    """A threaded HTTP server on a free loopback port; `url` ends in `/v1`."""

    def __init__(self, mode: str = "ok", stall_seconds: float = 5.0):
        self.mode = mode
        self.stall_seconds = stall_seconds
        self.received: list[tuple[str, dict]] = []
        self.cancelled = 0
        self.lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *arguments):
                pass

            def send_json(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                # The model list always answers, so health checks pass and only requests show the fault.
                self.send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                mode = upstream.mode
                with upstream.lock:
                    upstream.received.append((mode, body))
                if mode == "fail500":
                    return self.send_json(500, {"error": {"message": "internal error"}})
                if mode == "limit429":
                    return self.send_json(429, {"error": {"message": "slow down"}}, {"Retry-After": "7"})
                if mode == "error400":
                    host = f"http://127.0.0.1:{upstream.port}/v1"
                    return self.send_json(400, {"error": {"message": f"model not found at {host}", "type": "invalid_request_error",
                                                          "param": "model", "code": None}})
                if mode == "stall":
                    time.sleep(upstream.stall_seconds)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(delta("Hello"))
                self.wfile.flush()
                if mode == "slow":
                    try:
                        for index in range(300):
                            time.sleep(0.1)
                            self.wfile.write(delta(f" {index}"))
                            self.wfile.flush()
                    except OSError:
                        with upstream.lock:
                            upstream.cancelled += 1
                    self.close_connection = True
                    return
                if mode == "drop":
                    time.sleep(0.2)
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.wfile.write(delta(" world") + FINISH)
                self.wfile.flush()
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def count(self, mode: str | None = None) -> int:
        with self.lock:
            return sum(1 for received, _ in self.received if mode is None or received == mode)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
