"""Upstream backends (issue 13) against a real llama.cpp server: llama-cpp-python's `llama_cpp.server`
serving the SmolLM2 GGUF on loopback, with `enclave serve` in front of it through a `backends:` entry.
Through the openai SDK: chat, streaming with usage, completions, an alias, /v1/models, /readyz; the rate
limits and the audit log apply to upstream requests as to embedded ones.

Needs ENCLAVE_LLAMA_PYTHON: the python of a venv with `llama-cpp-python[server]==0.3.36` installed
(`make test-integration` makes one in .venv-llama-server); without it the tests are skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import openai
import pytest

from conftest import Server, enclave_binary, free_port, model_path, spawn_server

LLAMA_PYTHON = os.environ.get("ENCLAVE_LLAMA_PYTHON")

pytestmark = pytest.mark.skipif(
    not LLAMA_PYTHON,
    reason="ENCLAVE_LLAMA_PYTHON is unset (the python of a venv with llama-cpp-python[server]==0.3.36)",
)


def backends_config(llama_url: str, limits: str = "") -> str:
    return f"""\
backends:
  - name: llama-box
    type: openai
    url: {llama_url}
    models: [local-llama]
    aliases: {{gpt-4o-mini: local-llama}}
    concurrency: 2
    context_length: 2048
    timeouts: {{connect: 2, first_byte: 120, idle: 60, total: 300}}
    health: {{interval: 5}}
{limits}logging:
  format: json
"""


@pytest.fixture(scope="module")
def llama(tmp_path_factory) -> str:
    port = free_port()
    log = open(tmp_path_factory.mktemp("llama") / "llama.log", "w")
    process = subprocess.Popen(
        [LLAMA_PYTHON, "-m", "llama_cpp.server", "--model", str(model_path()), "--model_alias", "local-llama",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "1"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(url + "/models", timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"llama_cpp.server did not start:\n{Path(log.name).read_text()}")
        time.sleep(0.5)
    yield url
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def sample(metrics: str, name: str, *labels: str) -> float | None:
    for line in metrics.splitlines():
        if (line.startswith(name + "{") or line.startswith(name + " ")) and all(label in line for label in labels):
            return float(line.rsplit(" ", 1)[1])
    return None


def start(tmp: Path, config_text: str) -> Server:
    tmp.mkdir(parents=True, exist_ok=True)
    config = tmp / "enclave.yaml"
    config.write_text(config_text)
    server = spawn_server(tmp, ["--config", str(config)], "local-llama")
    server.wait_ready(timeout=60)
    return server


@pytest.fixture(scope="module")
def gateway(llama, tmp_path_factory) -> Server:
    server = start(tmp_path_factory.mktemp("upstream"), backends_config(llama))
    yield server
    assert server.stop() == 0, server.log()


def test_models_lists_the_upstream_model_and_its_alias(gateway: Server):
    ids = [model.id for model in gateway.client().models.list().data]
    assert ids == ["local-llama", "gpt-4o-mini"]
    status, _, body = gateway.get("/readyz")
    ready = json.loads(body)
    assert status == 200 and ready["status"] == "ready"
    assert ready["upstreams"] == [{"backend": "llama-box", "replica": 0, "state": "closed", "outstanding": 0}]
    assert "127.0.0.1" not in body.decode()


def test_chat_through_an_alias_counts_the_upstreams_usage(gateway: Server):
    answer = gateway.client().chat.completions.create(
        model="gpt-4o-mini", max_tokens=8, temperature=0,
        messages=[{"role": "user", "content": "Say hello."}],
    )
    assert answer.model == "gpt-4o-mini"
    assert answer.choices[0].message.content
    assert answer.choices[0].finish_reason in ("stop", "length")
    assert answer.usage.prompt_tokens > 3 and 1 <= answer.usage.completion_tokens <= 8
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens


def test_streaming_forwards_chunks_and_the_final_usage(gateway: Server):
    stream = gateway.client().chat.completions.create(
        model="local-llama", max_tokens=12, temperature=0, stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "Count from one to five."}],
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) >= 2
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens >= 1 and chunks[-1].usage.prompt_tokens > 3


def test_completions_and_unknown_parameters_pass_through(gateway: Server):
    answer = gateway.client().completions.create(
        model="local-llama", prompt="The capital of France is", max_tokens=6, temperature=0,
        extra_body={"top_k": 1, "repeat_penalty": 1.0},
    )
    assert answer.choices[0].text
    assert answer.usage.prompt_tokens >= 4 and answer.usage.completion_tokens >= 1


def test_a_prompt_over_the_upstreams_context_is_a_clear_error(gateway: Server):
    # Enclave streams every upstream request (usage and idle timeouts need the chunks). llama_cpp.server
    # checks the context inside its stream: it answers 200 and ends the stream with no event, which Enclave
    # reports as a 503 instead of passing on an empty answer (refusals before the stream, as vLLM and Ollama
    # send them, pass through: test_upstream_faults.py).
    with pytest.raises(openai.APIStatusError) as failed:
        gateway.client().chat.completions.create(
            model="local-llama", max_tokens=2, messages=[{"role": "user", "content": "hello world " * 1500}],
        )
    assert failed.value.status_code == 503 and "ended before the answer" in failed.value.body["message"]
    assert "127.0.0.1" not in str(failed.value)


def test_an_upstream_crash_is_a_503_without_its_traceback(gateway: Server):
    # llama_cpp.server answers a field of the wrong type with a 500 whose message holds a Python traceback
    # (with file paths): the client gets 503 upstream_unavailable and none of it.
    with pytest.raises(openai.APIStatusError) as failed:
        gateway.client().chat.completions.create(
            model="local-llama", max_tokens=4, messages=[{"role": "user", "content": "x"}],
            extra_body={"top_k": "not a number"},
        )
    assert failed.value.status_code == 503 and failed.value.body["code"] == "upstream_unavailable"
    assert "site-packages" not in str(failed.value) and "127.0.0.1" not in str(failed.value)


def test_the_audit_log_and_metrics_record_upstream_requests(gateway: Server):
    gateway.client().chat.completions.create(model="gpt-4o-mini", max_tokens=2, messages=[{"role": "user", "content": "Hi"}])
    result = subprocess.run([str(enclave_binary()), "audit", "export", "--since", "2000-01-01", "--data-dir", str(gateway.data_dir)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    requests = [r for r in records if r["action"] == "request" and r["status"] == 200]
    assert requests and all(r["prompt_tokens"] > 0 and r["completion_tokens"] >= 1 for r in requests)
    assert {r["model"] for r in requests} >= {"gpt-4o-mini"}
    metrics = gateway.metrics()
    assert sample(metrics, "enclave_upstream_replica_up", 'model="llama-box[0]"') == 1
    assert sample(metrics, "enclave_completion_tokens_total", 'model="gpt-4o-mini"') >= 1
    assert sample(metrics, "enclave_time_to_first_token_seconds_count", 'model="local-llama"') >= 1


def test_rate_limits_apply_to_upstream_requests(llama, tmp_path):
    server = start(tmp_path, backends_config(llama, "limits:\n  per_key:\n    requests_per_minute: 2\n"))
    try:
        client = server.client()
        for _ in range(2):
            client.chat.completions.create(model="local-llama", max_tokens=1, messages=[{"role": "user", "content": "Hi"}])
        with pytest.raises(openai.RateLimitError) as limited:
            client.chat.completions.create(model="local-llama", max_tokens=1, messages=[{"role": "user", "content": "Hi"}])
        assert limited.value.response.headers.get("retry-after")
    finally:
        server.stop()


def test_a_dead_upstream_gets_503_and_readyz_reports_it(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = tmp_path / "enclave.yaml"
    config.write_text(backends_config(dead).replace("health: {interval: 5}", "health: {interval: 1, failures: 1, cooldown: 30}"))
    server = spawn_server(tmp_path, ["--config", str(config)], "local-llama")
    try:
        deadline = time.monotonic() + 30
        while True:
            status, _, body = server.get("/readyz")
            if status == 503 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        ready = json.loads(body)
        assert status == 503 and ready["upstreams"][0]["state"] == "open", ready
        with pytest.raises(openai.APIStatusError) as failed:
            server.client().chat.completions.create(model="local-llama", max_tokens=1, messages=[{"role": "user", "content": "Hi"}])
        assert failed.value.status_code == 503
        assert dead not in str(failed.value) and "127.0.0.1" not in str(failed.value)
    finally:
        server.stop()
