"""`enclave bench run`: a short sweep and a short soak against a live `enclave serve`, and clear reports with the
right exit status against a port that refuses connections, a server that answers 500s and one that stalls."""
from __future__ import annotations

import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import Server, enclave_binary, free_port


def bench_run(*arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(enclave_binary()), "bench", "run", *arguments], capture_output=True, text=True, timeout=timeout)


class FakeServer:
    """A small OpenAI-compatible server in a thread; `behaviour` is ok, error or stall."""

    def __init__(self, behaviour: str):
        outer = self
        self.behaviour = behaviour
        self.release = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def send_json(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self.send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if outer.behaviour == "error":
                    self.send_json(500, {"error": {"message": "the fake server always fails", "type": "server_error"}})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = lambda text: b"data: " + json.dumps({"choices": [{"index": 0, "delta": {"content": text}}]}).encode() + b"\n\n"
                self.wfile.write(chunk("Hello"))
                self.wfile.flush()
                if outer.behaviour == "stall":
                    outer.release.wait(120)
                    return
                for word in [" there", " my", " friend"]:
                    time.sleep(0.002)
                    self.wfile.write(chunk(word))
                    self.wfile.flush()
                usage = {"choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9}}
                self.wfile.write(b"data: " + json.dumps(usage).encode() + b"\n\ndata: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def fake(request):
    server = FakeServer(request.param)
    yield server
    server.close()


def test_a_refused_port_is_reported_and_exits_2():
    result = bench_run("--url", f"http://127.0.0.1:{free_port()}", "--model", "m", "--requests", "3")
    assert result.returncode == 2, result.stderr
    assert "cannot reach" in result.stderr and "refused" in result.stderr


def test_bad_options_are_refused_by_name():
    result = bench_run("--url", "ftp://x", "--model", "m")
    assert result.returncode == 64 and "--url needs an http(s) URL" in result.stderr
    result = bench_run("--url", "http://127.0.0.1:1", "--slo", "speed=1s")
    assert result.returncode == 64 and "--slo knows ttft, itl and e2e" in result.stderr


@pytest.mark.parametrize("fake", ["ok"], indirect=True)
def test_a_sweep_against_a_fake_server_reports_every_level(fake: FakeServer, tmp_path: Path):
    result = bench_run("--url", fake.url, "--concurrency", "1,2", "--requests", "12", "--warmup", "2", "--json",
                       "--slo", "ttft=1s", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["model"] == "fake-model"
    assert [level["concurrency"] for level in report["levels"]] == [1, 2]
    for level in report["levels"]:
        assert level["requests"] == 12 and level["errors"] == 0
        assert level["usage_reported"] and level["completion_tokens_mean"] == 4
        for key in ("ttft_ms", "itl_ms", "e2e_ms"):
            assert set(level[key]) >= {"p50", "p90", "p99"}
        assert level["ttft_ms"]["p50"] > 0 and level["output_tok_s"] > 0 and level["good_fraction"] == 1
    rows = (tmp_path / "out" / "requests.csv").read_text().splitlines()
    assert len(rows) == 25
    html = (tmp_path / "out" / "report.html").read_text().replace(fake.url, "")
    assert "http:" not in html and "https:" not in html


@pytest.mark.parametrize("fake", ["ok"], indirect=True)
def test_fairness_reports_each_user_and_open_loop_replays_a_file(fake: FakeServer, tmp_path: Path):
    result = bench_run("--url", fake.url, "--scenario", "fairness", "--key", "heavy-key", "--key2", "light-key",
                       "--heavy-concurrency", "3", "--duration", "1500ms", "--json")
    assert result.returncode == 0, result.stderr
    levels = json.loads(result.stdout)["levels"]
    assert [level["label"] for level in levels] == ["heavy", "light"]
    assert all(level["requests"] > 0 and level["ttft_ms"]["p50"] > 0 for level in levels)
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"prompt": "one"}\n{"messages": [{"role": "user", "content": "two"}], "max_tokens": 3}\n')
    result = bench_run("--url", fake.url, "--rate", "20", "--duration", "1s", "--prompts", str(prompts), "--json")
    assert result.returncode == 0, result.stderr
    level = json.loads(result.stdout)["levels"][0]
    assert level["rate"] == 20 and level["requests"] > 5
    prompts.write_text('{"prompt": "one"}\nnot json\n')
    result = bench_run("--url", fake.url, "--prompts", str(prompts), "--requests", "1")
    assert result.returncode == 64 and "prompts.jsonl line 2" in result.stderr


@pytest.mark.parametrize("fake", ["error"], indirect=True)
def test_a_server_answering_500_fails_the_run_with_its_error(fake: FakeServer):
    result = bench_run("--url", fake.url, "--requests", "5", "--json")
    assert result.returncode == 1, result.stderr
    level = json.loads(result.stdout)["levels"][0]
    assert level["errors"] == 5 and level["errors_by_kind"] == {"http_500": 5}
    assert "5 of 5 requests failed" in result.stderr


@pytest.mark.parametrize("fake", ["stall"], indirect=True)
def test_a_stalled_stream_is_reported_as_stalled(fake: FakeServer):
    result = bench_run("--url", fake.url, "--requests", "2", "--concurrency", "2", "--stall-timeout", "1s", "--json")
    assert result.returncode == 1, result.stderr
    level = json.loads(result.stdout)["levels"][0]
    assert level["errors_by_kind"] == {"stalled": 2}


@pytest.mark.parametrize("fake", ["stall"], indirect=True)
def test_no_run_outlives_its_duration(fake: FakeServer):
    started = time.monotonic()
    result = bench_run("--url", fake.url, "--duration", "2s", "--concurrency", "3", "--json")
    elapsed = time.monotonic() - started
    assert elapsed < 2 + 4, elapsed
    level = json.loads(result.stdout)["levels"][0]
    assert level["cancelled_at_deadline"] == 3 and level["errors"] == 0
    assert result.returncode == 1 and "no request finished" in result.stderr


def test_a_short_sweep_against_enclave(ready_server: Server):
    result = bench_run("--url", ready_server.url, "--key", ready_server.admin_key, "--model", ready_server.model_id,
                       "--concurrency", "1,2", "--requests", "4", "--max-tokens", "8", "--prompt-tokens", "16", "--json",
                       timeout=600)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["levels"]) == 2
    for level in report["levels"]:
        assert level["requests"] == 4 and level["errors"] == 0, level
        assert level["usage_reported"], "Enclave reports usage with stream_options.include_usage"
        assert 0 < level["ttft_ms"]["p50"] <= level["e2e_ms"]["p50"]


def test_a_short_soak_against_enclave_samples_memory_and_metrics(ready_server: Server, tmp_path: Path):
    out = tmp_path / "soak"
    result = bench_run("--url", ready_server.url, "--key", ready_server.admin_key, "--soak", "6s", "--pid",
                       str(ready_server.process.pid), "--sample-interval", "1s", "--max-tokens", "8", "--prompt-tokens", "16",
                       "--out", str(out), timeout=600)
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["mode"] == "soak" and summary["levels"][0]["requests"] > 0
    samples = summary["resources"]
    assert len(samples) >= 3
    assert all(sample["rss_bytes"] > 10_000_000 for sample in samples)
    assert "enclave_completion_tokens_total" in samples[-1]["metrics"]
    for name in ("requests.csv", "latency.svg", "latency.png", "report.html", "resources.csv"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "latency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
