#!/usr/bin/env python3
"""Measures fair scheduling: user B's time to first token (TTFT) on an idle server, then while user A keeps
16 long streaming generations in flight, for three scheduler settings: `fifo`, `fair` without preemption
and `fair` with preemption. Prints a table of medians and their ratio to idle (the goal: fair <= 2x idle).

Each setting gets its own `enclave serve` on a free loopback port with a temporary data directory and a
config with its `scheduling:` section; users A and B and their keys are made with the CLI. Standard library
only; bounded: a fixed number of samples, every request with a timeout, A's load stopped after B's samples.

    python3 scripts/bench_fairness.py [--bin .build/release/enclave] [--model models/SmolLM2-135M-Instruct.Q4_1.gguf]
                                      [--streams 16] [--max-tokens 256] [--samples 5] [--policies fifo,fair-no-preempt,fair]
                                      [--b-prompts short,paragraph]

B asks with two prompts: a 4-word one, where the idle TTFT is one tiny prefill (about 10 ms) and any batch
step already in flight dominates the loaded figure, and a paragraph of about 200 tokens, as questions to a
team assistant usually are.
"""

from __future__ import annotations

import argparse
import secrets
import json
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY_PATTERN = re.compile(r"^enc-[A-Za-z0-9_-]{43,}$")
LISTEN_PATTERN = re.compile(r"listening on (http://\S+)")
SETTINGS = {
    "fifo": "policy: fifo\n  preemption: false",
    "fair-no-preempt": "policy: fair\n  preemption: false",
    "fair": "policy: fair\n  preemption: true",
}
LONG_PROMPT = "Write a very long and detailed story about a lighthouse keeper and the sea, chapter by chapter."
SHORT_PROMPT = "Name a colour."
# A question as people send them to a team assistant: some context, then the ask (about 200 tokens).
PARAGRAPH_PROMPT = (
    "Our team keeps its release notes in a shared folder. Each release has a summary, a list of fixed issues, "
    "known problems and upgrade steps. Last quarter we shipped three releases: the first fixed a crash when "
    "importing large spreadsheets and sped up search; the second added single sign-on and an audit trail for "
    "administrators; the third changed the default retention of logs from ninety to thirty days and removed "
    "an old export format that nobody used. Customers asked about the retention change, because some of them "
    "must keep records for a year for their own auditors, and about whether the removed export format can be "
    "restored for one of them. Support wants a short answer they can paste into an e-mail. Write two sentences "
    "for support: what changed about log retention, and what a customer who needs a year of logs should do."
)
PROMPTS = {"short": SHORT_PROMPT, "paragraph": PARAGRAPH_PROMPT}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`enclave serve` with one scheduler setting, its data in a temporary directory."""

    def __init__(self, binary: Path, model: Path, setting: str, directory: Path):
        self.binary = binary
        self.data_dir = directory / "data"
        config = directory / "enclave.yaml"
        config.write_text(f"scheduling:\n  {SETTINGS[setting]}\nlimits:\n  queue_length: 256\nlogging:\n  level: warning\n")
        arguments = [str(binary), "serve", "--host", "127.0.0.1", "--port", str(free_port()), "--data-dir", str(self.data_dir),
                     "--model", str(model), "--config", str(config)]
        self.log = open(directory / "serve.log", "w")
        self.process = subprocess.Popen(arguments, cwd=ROOT, stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1)
        self.url = None
        deadline = time.monotonic() + 120
        while self.url is None:
            line = self.process.stdout.readline()
            if not line or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"enclave serve did not start; see {directory / 'serve.log'}")
            if match := LISTEN_PATTERN.search(line):
                self.url = match.group(1)
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        else:
            self.stop()
            sys.exit("the model did not load in time")
        self.model = model.name.removesuffix(".gguf")

    def cli(self, *arguments: str) -> str:
        done = subprocess.run([str(self.binary), *arguments, "--data-dir", str(self.data_dir)],
                              capture_output=True, text=True, timeout=60, check=True)
        return done.stdout

    def user_key(self, name: str) -> str:
        self.cli("users", "create", "--name", name)
        key = self.cli("keys", "create", "--name", "k", "--user", name).strip().splitlines()[-1]
        assert KEY_PATTERN.match(key), f"unexpected key line: {key!r}"
        return key

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def stream_chat(url: str, key: str, model: str, prompt: str, max_tokens: int, stop: threading.Event | None = None,
                started: threading.Event | None = None) -> float | None:
    """Streams one chat completion; returns seconds to the first non-empty content delta (None if none came).
    Stops reading (closing the stream, which cancels the generation) once `stop` is set."""
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": prompt}], "max_tokens": max_tokens,
                       "temperature": 0, "stream": True}).encode()
    request = urllib.request.Request(url + "/v1/chat/completions", data=body, method="POST")
    request.add_header("Authorization", f"Bearer {key}")
    request.add_header("Content-Type", "application/json")
    begin = time.monotonic()
    first = None
    with urllib.request.urlopen(request, timeout=600) as response:
        for raw in response:
            line = raw.decode().strip()
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            choices = json.loads(line[6:]).get("choices") or [{}]
            if choices[0].get("delta", {}).get("content"):
                first = time.monotonic() - begin
                break
        if started is not None and first is not None:
            started.set()
        # The rest of the stream is read in large blocks without parsing, so that the load generator takes
        # as little CPU as it can from the server it measures.
        while not (stop is not None and stop.is_set()):
            if not response.read1(1 << 16):
                break
    return first


def median_ttft(server: Server, key: str, samples: int, prompt: str) -> float:
    values = []
    for _ in range(samples):
        # A new first line each time, so the engine's prefix cache cannot serve the prompt: every sample
        # pays its whole prefill, idle or loaded.
        ttft = stream_chat(server.url, key, server.model, f"Ticket {secrets.token_hex(4)}.\n{prompt}", 4)
        if ttft is not None:
            values.append(ttft)
    if not values:
        sys.exit("B never received a token")
    return statistics.median(values)


def measure(binary: Path, model: Path, setting: str, streams: int, max_tokens: int, samples: int,
            prompts: list[str]) -> list[tuple[float, float]]:
    """B's (idle, loaded) median TTFT for each of `prompts`, on one server."""
    with tempfile.TemporaryDirectory(prefix="enclave-fairness-") as directory:
        server = Server(binary, model, setting, Path(directory))
        try:
            key_a = server.user_key("bench-a")
            key_b = server.user_key("bench-b")
            stream_chat(server.url, key_b, server.model, SHORT_PROMPT, 2)  # warm-up
            idle = [median_ttft(server, key_b, samples, PROMPTS[name]) for name in prompts]

            stop = threading.Event()
            started = [threading.Event() for _ in range(streams)]

            def keep_streaming(index: int) -> None:
                # A keeps `streams` generations in flight until B's samples are taken.
                while not stop.is_set():
                    try:
                        stream_chat(server.url, key_a, server.model, LONG_PROMPT, max_tokens, stop, started[index])
                    except (urllib.error.URLError, OSError):
                        time.sleep(0.1)

            workers = [threading.Thread(target=keep_streaming, args=(index,), daemon=True) for index in range(streams)]
            for worker in workers:
                worker.start()
            for event in started:
                event.wait(timeout=600)
            loaded = [median_ttft(server, key_b, samples, PROMPTS[name]) for name in prompts]
            stop.set()
            for worker in workers:
                worker.join(timeout=600)
            return list(zip(idle, loaded))
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / ".build/release/enclave"))
    parser.add_argument("--model", default=str(ROOT / "models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    parser.add_argument("--streams", type=int, default=16, help="A's concurrent long generations")
    parser.add_argument("--max-tokens", type=int, default=256, help="max_tokens of A's generations")
    parser.add_argument("--samples", type=int, default=5, help="B's requests per median")
    parser.add_argument("--policies", default="fifo,fair-no-preempt,fair")
    parser.add_argument("--b-prompts", default="short,paragraph",
                        help="B's prompts: short (4 words) and paragraph (about 200 tokens)")
    arguments = parser.parse_args()
    binary, model = Path(arguments.bin).resolve(), Path(arguments.model).resolve()
    for path, hint in ((binary, "swift build -c release --product enclave"), (model, "make models")):
        if not path.exists():
            sys.exit(f"{path} is missing: run `{hint}`")
    policies = arguments.policies.split(",")
    if unknown := [p for p in policies if p not in SETTINGS]:
        sys.exit(f"unknown policies {unknown}; choose among {list(SETTINGS)}")

    print(f"B's time to first token (median of {arguments.samples}), idle and while A streams "
          f"{arguments.streams} x max_tokens {arguments.max_tokens}; {model.name}")
    prompts = arguments.b_prompts.split(",")
    if unknown := [p for p in prompts if p not in PROMPTS]:
        sys.exit(f"unknown B prompts {unknown}; choose among {list(PROMPTS)}")
    print(f"{'scheduling':<18} {'B prompt':<10} {'idle ms':>9} {'loaded ms':>10} {'ratio':>7}")
    for policy in policies:
        results = measure(binary, model, policy, arguments.streams, arguments.max_tokens, arguments.samples, prompts)
        for name, (idle, loaded) in zip(prompts, results):
            print(f"{policy:<18} {name:<10} {idle * 1000:>9.0f} {loaded * 1000:>10.0f} {loaded / idle:>6.2f}x", flush=True)


if __name__ == "__main__":
    main()
