#!/usr/bin/env python3
"""The gateway's own cost: Enclave and LiteLLM's proxy in front of the same fast fake upstream, with the same
load generator, alternating, side by side (docs/performance.md, "Upstream overhead").

The upstream is `enclave bench fake-server` (answers at once, no work per token). Three targets are measured
the same way, round after round: the upstream directly, Enclave in front of it (a `backends:` entry, an API
key, limits, audit and metrics on, as shipped), LiteLLM's proxy in front of it (its own venv, a master key,
one worker, as its docs start it). Non-streaming latency at concurrency 1 (what one request pays), requests/s
at concurrency 64 (wrk), streaming time to first token at concurrency 1 (`enclave bench run`), and each
gateway's peak RSS. Loopback only; every run stops by itself.

    python3 scripts/bench_upstream.py [--bin .build/release/enclave] [--litellm .venv-litellm/bin/litellm]
                                      [--duration 10] [--rounds 2] [--json]

Without `--litellm` (or when the path does not exist) only the upstream and Enclave are measured.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY_PATTERN = re.compile(r"^enc-[A-Za-z0-9_-]{43,}$")
LISTEN_PATTERN = re.compile(r"listening on (http://\S+)")
BODY = {"model": "fake-model", "messages": [{"role": "user", "content": "Say hello."}], "max_tokens": 16}
LITELLM_KEY = "sk-bench-master-key"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_http(url: str, key: str | None, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        request = urllib.request.Request(url)
        if key:
            request.add_header("Authorization", f"Bearer {key}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer within {seconds:.0f} s")
        time.sleep(0.25)


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_fake(binary: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([binary, "bench", "fake-server", "--port", str(port), "--tokens", "16"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    wait_http(url + "/models", None, 30)
    return process, url


def start_enclave(binary: str, upstream: str, work: Path) -> tuple[subprocess.Popen, str, str]:
    config = work / "enclave.yaml"
    config.write_text(f"""\
backends:
  - name: fake
    type: openai
    url: {upstream}
    models: [fake-model]
    concurrency: 256
logging:
  level: warning
""")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(work / "enclave-data")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    key = None
    url = None
    deadline = time.monotonic() + 60
    while url is None or key is None:
        line = process.stdout.readline()
        if not line or time.monotonic() > deadline:
            process.kill()
            raise SystemExit("enclave serve did not start")
        line = line.strip()
        if KEY_PATTERN.match(line):
            key = line
        if match := LISTEN_PATTERN.search(line):
            url = match.group(1)
    # Keep draining standard output so the process never blocks on a full pipe.
    subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
    wait_http(url + "/readyz", None, 30)
    return process, url + "/v1", key


def start_litellm(executable: str, upstream: str, work: Path) -> tuple[subprocess.Popen, str, str]:
    config = work / "litellm.yaml"
    config.write_text(f"""\
model_list:
  - model_name: fake-model
    litellm_params:
      model: openai/fake-model
      api_base: {upstream}
      api_key: unused
general_settings:
  master_key: {LITELLM_KEY}
litellm_settings:
  telemetry: false
""")
    port = free_port()
    environment = dict(os.environ, LITELLM_LOG="ERROR", LITELLM_TELEMETRY="False")
    process = subprocess.Popen([executable, "--config", str(config), "--host", "127.0.0.1", "--port", str(port),
                                "--num_workers", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    url = f"http://127.0.0.1:{port}/v1"
    wait_http(url + "/models", LITELLM_KEY, 180)
    return process, url, LITELLM_KEY


def wrk(url: str, key: str | None, connections: int, seconds: int, work: Path) -> dict:
    """Non-streaming chat completions with wrk: requests/s and the latency percentiles (ms)."""
    script = work / "post.lua"
    headers = 'wrk.headers["Content-Type"] = "application/json"\n'
    if key:
        headers += f'wrk.headers["Authorization"] = "Bearer {key}"\n'
    script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(BODY))}\n{headers}'
                      + 'done = function(summary, latency, requests)\n'
                      + '  io.write(string.format("JSON {\\"rps\\":%f,\\"p50\\":%f,\\"p90\\":%f,\\"p99\\":%f,'
                      + '\\"errors\\":%d,\\"non2xx\\":%d,\\"requests\\":%d}\\n", summary.requests / (summary.duration / 1e6),'
                      + ' latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,'
                      + ' summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,'
                      + ' summary.errors.status, summary.requests))\nend\n')
    threads = 1 if connections == 1 else 2
    output = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                             "-s", str(script), url + "/chat/completions"],
                            capture_output=True, text=True, timeout=seconds + 60).stdout
    line = next(l for l in output.splitlines() if l.startswith("JSON "))
    return json.loads(line[5:])


def ttft(binary: str, url: str, key: str | None, seconds: int) -> dict:
    """Streaming time to first token at concurrency 1 with `enclave bench run` (ms)."""
    command = [binary, "bench", "run", "--url", url.removesuffix("/v1"), "--model", "fake-model", "--concurrency", "1",
               "--duration", f"{seconds}s", "--warmup", "20", "--max-tokens", "16", "--prompt-tokens", "8", "--json"]
    if key:
        command += ["--key", key]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    report = json.loads(output.stdout)
    level = report["levels"][0]
    return {"ttft_p50": level["ttft_ms"]["p50"], "ttft_p99": level["ttft_ms"]["p99"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release" / "enclave"))
    parser.add_argument("--litellm", default=str(ROOT / ".venv-litellm" / "bin" / "litellm"))
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="bench-upstream-"))
    processes: list[subprocess.Popen] = []
    try:
        fake, upstream = start_fake(options.bin)
        processes.append(fake)
        targets: dict[str, tuple[str, str | None, int | None]] = {"upstream": (upstream, None, None)}
        enclave, enclave_url, enclave_key = start_enclave(options.bin, upstream, work)
        processes.append(enclave)
        targets["enclave"] = (enclave_url, enclave_key, enclave.pid)
        if options.litellm and Path(options.litellm).exists():
            litellm, litellm_url, litellm_key = start_litellm(options.litellm, upstream, work)
            processes.append(litellm)
            targets["litellm"] = (litellm_url, litellm_key, litellm.pid)
        results: dict[str, list[dict]] = {name: [] for name in targets}
        for round_index in range(options.rounds):
            for name, (url, key, _) in targets.items():
                one = wrk(url, key, 1, options.duration, work)
                many = wrk(url, key, 64, options.duration, work)
                stream = ttft(options.bin, url, key, options.duration)
                results[name].append({"p50": one["p50"], "p99": one["p99"], "rps_c1": one["rps"], "rps_c64": many["rps"],
                                      "p99_c64": many["p99"], "errors": one["errors"] + many["errors"] + one["non2xx"] + many["non2xx"],
                                      **stream})
                print(f"round {round_index + 1} {name}: {results[name][-1]}", file=sys.stderr)
        summary = {}
        for name, runs in results.items():
            best = {field: (max if field.startswith("rps") else min)(run[field] for run in runs) for field in runs[0]}
            best["errors"] = sum(run["errors"] for run in runs)
            pid = targets[name][2]
            best["peak_rss_mib"] = peak_rss_mib(pid) if pid else None
            summary[name] = best
        if options.json:
            print(json.dumps(summary, indent=2))
            return 0
        base = summary["upstream"]
        print(f"{'target':10} {'c1 p50 ms':>10} {'c1 p99 ms':>10} {'+p50 ms':>8} {'+p99 ms':>8} {'req/s c64':>10}"
              f" {'TTFT p50':>9} {'+TTFT':>7} {'peak RSS':>9} {'errors':>6}")
        for name, row in summary.items():
            rss = f"{row['peak_rss_mib']:.0f} MiB" if row["peak_rss_mib"] else "-"
            print(f"{name:10} {row['p50']:10.3f} {row['p99']:10.3f} {row['p50'] - base['p50']:8.3f} {row['p99'] - base['p99']:8.3f}"
                  f" {row['rps_c64']:10.0f} {row['ttft_p50']:9.3f} {row['ttft_p50'] - base['ttft_p50']:7.3f} {rss:>9} {row['errors']:6d}")
        if "litellm" in summary:
            enclave, litellm = summary["enclave"], summary["litellm"]
            print(f"\nadded p50: Enclave {enclave['p50'] - base['p50']:.3f} ms, LiteLLM {litellm['p50'] - base['p50']:.3f} ms;"
                  f" requests/s at 64: Enclave / LiteLLM = {enclave['rps_c64'] / litellm['rps_c64']:.1f}x;"
                  f" peak RSS LiteLLM / Enclave = {litellm['peak_rss_mib'] / enclave['peak_rss_mib']:.1f}x")
        return 0
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
