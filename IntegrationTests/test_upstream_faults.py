"""Upstream faults end to end (issue 13): `enclave serve` in front of upstreams that misbehave on demand
(fault_upstream.py) and of real `enclave bench fake-server` processes, one of which is killed mid-run.

A broken stream ends the client's stream with a final SSE error event and an audit record; a 5xx or a
stall before the first byte is retried on the other replica; every replica at 429 falls back to the next
model; an upstream's error keeps its message but never its address; a replica killed during a load run
fails no request that had not started streaming.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import openai
import pytest

from conftest import Server, enclave_binary, free_port, spawn_server
from fault_upstream import FaultUpstream


def start(tmp: Path, backends: str) -> Server:
    tmp.mkdir(parents=True, exist_ok=True)
    config = tmp / "enclave.yaml"
    config.write_text(backends + "logging:\n  format: json\n")
    server = spawn_server(tmp, ["--config", str(config)], "fake-model")
    server.wait_ready(timeout=60)
    return server


def entry(name: str, urls: list[str], model: str = "fake-model", extra: str = "") -> str:
    replicas = "".join(f"      - {url}\n" for url in urls)
    return f"""\
  - name: {name}
    type: openai
    replicas:
{replicas}    models: [{model}]
    timeouts: {{connect: 1, first_byte: 2, idle: 2, total: 20}}
    health: {{interval: 0}}
{extra}"""


def audit_records(server: Server) -> list[dict]:
    result = subprocess.run([str(enclave_binary()), "audit", "export", "--since", "2000-01-01", "--data-dir", str(server.data_dir)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def raw_stream(server: Server, model: str = "fake-model") -> tuple[int, str]:
    body = json.dumps({"model": model, "stream": True, "messages": [{"role": "user", "content": "Hi"}]}).encode()
    request = urllib.request.Request(server.url + "/v1/chat/completions", data=body, method="POST")
    request.add_header("Authorization", f"Bearer {server.admin_key}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def test_a_stream_that_breaks_ends_with_an_error_event_and_an_audit_record(tmp_path):
    upstream = FaultUpstream("drop")
    server = start(tmp_path, "backends:\n" + entry("flaky", [upstream.url]))
    try:
        status, text = raw_stream(server)
        assert status == 200
        events = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
        assert json.loads(events[0])["choices"][0]["delta"].get("role") == "assistant" or "Hello" in text
        last = json.loads(events[-1])
        assert last["error"]["code"] == "upstream_stream_broken", events
        assert "127.0.0.1" not in text and str(upstream.port) not in text
        # Nothing is retried once the stream started: the upstream saw one request.
        assert upstream.count() == 1
        records = [r for r in audit_records(server) if r["action"] == "request"]
        assert records and records[-1]["model"] == "fake-model"
        assert "upstream_stream_broken" in json.dumps(records[-1])
    finally:
        server.stop()
        upstream.close()


@pytest.mark.parametrize("mode", ["fail500", "stall"])
def test_a_failure_before_the_first_byte_is_retried_on_the_other_replica(tmp_path, mode):
    bad, good = FaultUpstream(mode), FaultUpstream("ok")
    server = start(tmp_path, "backends:\n" + entry("pair", [bad.url, good.url], extra="    retries: 2\n"))
    try:
        client = server.client()
        for _ in range(4):
            answer = client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "Hi"}])
            assert answer.choices[0].message.content == "Hello world"
            assert answer.usage.completion_tokens == 2
        assert bad.count() >= 1 and good.count() == 4
    finally:
        server.stop()
        bad.close()
        good.close()


def test_every_replica_at_429_falls_back_to_the_next_model(tmp_path):
    limited, spare = FaultUpstream("limit429"), FaultUpstream("ok")
    backends = ("backends:\n" + entry("busy", [limited.url], extra="    fallbacks: {fake-model: [spare-model]}\n")
                + entry("spare", [spare.url], model="spare-model"))
    server = start(tmp_path, backends)
    try:
        answer = server.client().chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "Hi"}])
        assert answer.choices[0].message.content == "Hello world"
        assert limited.count() == 1 and spare.count() == 1
        # The fallback is asked for its own model id.
        assert spare.received[-1][1]["model"] == "spare-model"
    finally:
        server.stop()
        limited.close()
        spare.close()


def test_without_a_fallback_429_reaches_the_client_with_retry_after(tmp_path):
    limited = FaultUpstream("limit429")
    server = start(tmp_path, "backends:\n" + entry("busy", [limited.url]))
    try:
        with pytest.raises(openai.RateLimitError) as refused:
            server.client().chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "Hi"}])
        assert refused.value.response.headers.get("retry-after") == "7"
        assert "127.0.0.1" not in str(refused.value)
    finally:
        server.stop()
        limited.close()


def test_an_upstream_error_keeps_its_message_without_the_address(tmp_path):
    upstream = FaultUpstream("error400")
    server = start(tmp_path, "backends:\n" + entry("strict", [upstream.url]))
    try:
        with pytest.raises(openai.BadRequestError) as refused:
            server.client().chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "Hi"}])
        message = refused.value.body["message"]
        assert message.startswith("model not found at"), message
        assert "127.0.0.1" not in message and str(upstream.port) not in message and "strict" in message
        assert refused.value.body["param"] == "model"
    finally:
        server.stop()
        upstream.close()


def test_a_client_that_leaves_mid_stream_cancels_the_upstream_request(tmp_path):
    upstream = FaultUpstream("slow")
    server = start(tmp_path, "backends:\n" + entry("slow", [upstream.url]).replace("total: 20", "total: 60"))
    try:
        stream = server.client().chat.completions.create(model="fake-model", stream=True,
                                                        messages=[{"role": "user", "content": "Hi"}])
        received = 0
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                received += 1
            if received == 3:
                break
        stream.close()
        deadline = time.monotonic() + 10
        while upstream.cancelled == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert upstream.cancelled == 1, "the upstream kept streaming to nobody"
    finally:
        server.stop()
        upstream.close()


def start_fake_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen([str(enclave_binary()), "bench", "fake-server", "--port", str(port), "--tokens", "16"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2):
                return process
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("enclave bench fake-server did not start")
            time.sleep(0.1)


def test_killing_one_of_two_replicas_mid_run_fails_no_request_that_had_not_started(tmp_path):
    ports = [free_port(), free_port()]
    replicas = [start_fake_server(port) for port in ports]
    server = start(tmp_path, "backends:\n" + entry("twins", [f"http://127.0.0.1:{port}/v1" for port in ports],
                                                   extra="    retries: 2\n    concurrency: 16\n"))
    outcomes: list[tuple[bool, bool]] = []  # (succeeded, had streamed content)
    lock = threading.Lock()
    stop = threading.Event()

    def worker():
        client = server.client()
        while not stop.is_set():
            streamed = False
            try:
                stream = client.chat.completions.create(model="fake-model", stream=True,
                                                        messages=[{"role": "user", "content": "Hi"}])
                text = ""
                for chunk in stream:
                    if chunk.choices and chunk.choices[0].delta.content:
                        streamed = True
                        text += chunk.choices[0].delta.content
                ok = text.startswith(" w0") and text.endswith(" w15")
            except openai.APIError:
                ok = False
            with lock:
                outcomes.append((ok, streamed))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(2)
        replicas[0].send_signal(signal.SIGKILL)
        replicas[0].wait()
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        after_kill = len(outcomes)
        assert after_kill > 50, outcomes
        not_started = [ok for ok, streamed in outcomes if not streamed]
        assert all(not_started), f"{not_started.count(False)} requests failed before streaming of {len(outcomes)}"
        # The dead replica is out of rotation now.
        status, _, body = server.get("/readyz")
        states = {u["replica"]: u["state"] for u in json.loads(body)["upstreams"]}
        assert states[0] in ("open", "half_open") and states[1] == "closed", body
    finally:
        stop.set()
        server.stop()
        for replica in replicas:
            if replica.poll() is None:
                replica.terminate()
                replica.wait(timeout=10)
