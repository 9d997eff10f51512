#!/usr/bin/env python3
"""Measures `enclave serve`: time from process start to ready, idle RSS, and requests/s and tokens/s for
short chat requests at a given concurrency. Standard library only; loopback only; bounded in count.

    python3 scripts/bench_serve.py [--bin .build/release/enclave] [--model models/SmolLM2-135M-Instruct.Q4_1.gguf]
                                   [--requests 100] [--concurrency 4] [--max-tokens 32]
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = ["Say hello.", "Name a colour.", "What is 2 + 2?", "Give me one word for happy.", "Name a fruit."]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url: str, key: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    if data:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=600) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release" / "enclave"))
    parser.add_argument("--model", default=str(ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"))
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--ready-timeout", type=float, default=300)
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="enclave-bench-") as data_dir:
        start = time.monotonic()
        process = subprocess.Popen(
            [args.bin, "serve", "--model", args.model, "--port", str(port), "--data-dir", data_dir],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            key = None
            while key is None:
                line = process.stdout.readline()
                if not line:
                    print("enclave serve exited before printing its admin key", file=sys.stderr)
                    return 1
                if re.fullmatch(r"enc-[A-Za-z0-9_-]{43,}", line.strip()):
                    key = line.strip()
            while True:
                try:
                    status, body = request(base + "/readyz")
                except OSError:
                    status, body = 0, {}
                if status == 200:
                    break
                if body.get("status") == "failed" or time.monotonic() - start > args.ready_timeout:
                    print(f"not ready: {body}", file=sys.stderr)
                    return 1
                time.sleep(0.05)
            ready_seconds = time.monotonic() - start
            time.sleep(1)
            idle_rss = rss_mib(process.pid)
            _, models = request(base + "/v1/models", key)
            model = models["data"][0]["id"]

            def one(index: int) -> int:
                status, body = request(base + "/v1/chat/completions", key, {
                    "model": model, "max_tokens": args.max_tokens, "temperature": 0.7, "seed": index,
                    "messages": [{"role": "user", "content": PROMPTS[index % len(PROMPTS)]}]})
                if status != 200:
                    raise RuntimeError(f"request {index}: {status} {body}")
                return body["usage"]["completion_tokens"]

            began = time.monotonic()
            with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                tokens = sum(pool.map(one, range(args.requests)))
            elapsed = time.monotonic() - began
            peak_rss = rss_mib(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=120)

    print(f"model              {model}")
    print(f"start to ready     {ready_seconds:.2f} s")
    print(f"idle RSS           {idle_rss:.1f} MiB (after the load: {peak_rss:.1f} MiB)")
    print(f"requests           {args.requests} at concurrency {args.concurrency}, max_tokens {args.max_tokens}")
    print(f"requests/s         {args.requests / elapsed:.2f}")
    print(f"completion tokens  {tokens} ({tokens / elapsed:.1f} tokens/s)")
    print(f"exit status        {code} after SIGTERM")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
