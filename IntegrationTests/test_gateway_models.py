"""Several models behind one gateway: both default models served at once from one configuration, each with its
own scheduler and load state; a model file that cannot load leaves the others serving; /readyz names the failed
model without its path; client-supplied extremes on the backend (max_tokens of 2^63-1, a tiny top_p) get a 400
naming the parameter and the server stays up.

Needs models/SmolLM2-135M-Instruct.Q4_1.gguf and models/gemma-3-270m-q4_k_m.gguf (`make models`).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import openai
import pytest

from conftest import ROOT, Server, enclave_binary, spawn_server

SMOLLM2 = ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
GEMMA3 = ROOT / "models" / "gemma-3-270m-q4_k_m.gguf"
INT64_MAX = 2**63 - 1


def launch(tmp: Path, models: list[tuple[str, Path]]) -> Server:
    """Starts `enclave serve` with a configuration that declares `models` (id, file)."""
    for _, file in models:
        if not file.exists() and file.parent == ROOT / "models":
            pytest.fail(f"the model {file} is missing: run `make models`")
    tmp.mkdir(parents=True, exist_ok=True)
    entries = "".join(f"  - id: {model_id}\n    file: {file}\n    context_length: 1024\n    kv_budget: 64MiB\n"
                      for model_id, file in models)
    config = tmp / "enclave.yaml"
    config.write_text(f"models:\n{entries}limits:\n  queue_length: 4\nlogging:\n  level: info\n  format: json\n")
    return spawn_server(tmp, ["--config", str(config)], models[0][0])


def readiness(server: Server) -> tuple[int, dict]:
    status, _, body = server.get("/readyz")
    return status, json.loads(body)


def wait_settled(server: Server, timeout: float = 300) -> tuple[int, dict]:
    """Waits until no model is loading any more; returns the last /readyz answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, state = readiness(server)
        if all(model["state"] != "loading" for model in state["models"]):
            return status, state
        assert server.process.poll() is None, server.log()
        time.sleep(0.5)
    pytest.fail("the models did not finish loading in time")


def sample(metrics: str, name: str, *labels: str) -> float | None:
    for line in metrics.splitlines():
        if (line.startswith(name + "{") or line.startswith(name + " ")) and all(label in line for label in labels):
            return float(line.rsplit(" ", 1)[1])
    return None


@pytest.fixture(scope="module")
def two_models(tmp_path_factory):
    server = launch(tmp_path_factory.mktemp("two-models"), [("smollm2", SMOLLM2), ("gemma3", GEMMA3)])
    yield server
    assert server.stop() == 0, server.log()


def test_both_default_models_are_listed_and_answer(two_models: Server):
    status, state = wait_settled(two_models)
    assert status == 200, state
    assert state == {"status": "ready", "models": [{"id": "smollm2", "state": "ready"}, {"id": "gemma3", "state": "ready"}]}
    client = two_models.client()
    assert [model.id for model in client.models.list().data] == ["smollm2", "gemma3"]
    for model in ("smollm2", "gemma3"):
        chat = client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "Name a colour."}], max_tokens=8, temperature=0)
        assert chat.model == model
        assert chat.choices[0].message.content
        assert chat.usage.prompt_tokens > 0 and 0 < chat.usage.completion_tokens <= 8
        text = client.completions.create(model=model, prompt="The capital of France is", max_tokens=5, temperature=0)
        assert text.choices[0].text and text.usage.completion_tokens <= 5
        streamed = "".join(chunk.choices[0].delta.content or "" for chunk in client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "Say hi."}], max_tokens=6, stream=True)
            if chunk.choices)
        assert streamed


def test_each_model_has_its_own_state_scheduler_and_counters(two_models: Server):
    wait_settled(two_models)
    metrics = two_models.metrics()
    for model in ("smollm2", "gemma3"):
        assert sample(metrics, "enclave_model_state", f'model="{model}"', 'state="ready"') == 1
        assert sample(metrics, "enclave_model_state", f'model="{model}"', 'state="missing"') == 0
        assert sample(metrics, "enclave_backend_capacity", f'backend="{model}"') >= 1
        assert sample(metrics, "enclave_queue_depth", f'backend="{model}"') == 0
        assert sample(metrics, "enclave_engine_kv_blocks_capacity", f'model="{model}"') > 0
        # The sanity generation at load ran 4 tokens through each engine.
        assert sample(metrics, "enclave_engine_generated_tokens_total", f'model="{model}"') >= 4
    types = {line.split()[2]: line.split()[3] for line in metrics.splitlines() if line.startswith("# TYPE ")}
    for counter in ("enclave_engine_steps_total", "enclave_engine_preemptions_total", "enclave_engine_generated_tokens_total",
                    "enclave_engine_processed_tokens_total", "enclave_engine_prefix_cached_tokens_total"):
        assert types.get(counter) == "counter", (counter, types.get(counter))
    assert types.get("enclave_engine_kv_blocks_used") == "gauge"
    assert not any(name.endswith("_total") and kind == "gauge" for name, kind in types.items()), types


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_int64_max_tokens_on_chat_is_a_400_not_a_crash(two_models: Server, field: str):
    wait_settled(two_models)
    status, _, body = two_models.post("/v1/chat/completions", json.dumps({
        "model": "smollm2", "messages": [{"role": "user", "content": "hi"}], field: INT64_MAX}).encode(), key=two_models.admin_key)
    assert status == 400, body
    assert two_models.process.poll() is None
    assert two_models.get("/healthz")[0] == 200


def test_int64_max_tokens_on_completions_is_a_400_not_a_crash(two_models: Server):
    wait_settled(two_models)
    with pytest.raises(openai.BadRequestError) as error:
        two_models.client().completions.create(model="gemma3", prompt="hi", max_tokens=INT64_MAX)
    assert error.value.body["param"] in ("max_tokens", None) or error.value.body["code"] == "context_length_exceeded"
    assert two_models.process.poll() is None
    assert two_models.client().completions.create(model="gemma3", prompt="hi", max_tokens=2).choices


def test_a_tiny_top_p_keeps_the_most_likely_token(two_models: Server):
    # OpenAI's description allows any top_p from 0: a tiny one keeps only the most likely token (it used
    # to fail in the sampler as param "sampling"); an out-of-range one names top_p.
    wait_settled(two_models)
    client = two_models.client()
    greedy = client.chat.completions.create(
        model="smollm2", messages=[{"role": "user", "content": "hi"}], max_tokens=4, temperature=0)
    tiny = client.chat.completions.create(
        model="smollm2", messages=[{"role": "user", "content": "hi"}], max_tokens=4, top_p=1e-50, temperature=1)
    assert tiny.choices[0].message.content == greedy.choices[0].message.content
    with pytest.raises(openai.BadRequestError) as error:
        client.chat.completions.create(
            model="smollm2", messages=[{"role": "user", "content": "hi"}], max_tokens=2, top_p=1.5)
    assert error.value.body["param"] == "top_p", error.value.body


def test_a_model_that_cannot_load_leaves_the_other_serving(tmp_path: Path):
    secret_dir = tmp_path / "secret-model-dir"
    secret_dir.mkdir()
    fifo = secret_dir / "fifo.gguf"
    os.mkfifo(fifo)
    garbage = secret_dir / "garbage.gguf"
    garbage.write_bytes(b"this is not a gguf file" * 100)
    server = launch(tmp_path / "serve", [("smollm2", SMOLLM2), ("fifo", fifo), ("garbage", garbage)])
    try:
        # A FIFO used to hang the load forever (the model stayed "loading"): it must fail at once.
        status, state = wait_settled(server, timeout=120)
        assert status == 503
        assert state["status"] == "failed"
        by_id = {model["id"]: model for model in state["models"]}
        assert by_id["smollm2"]["state"] == "ready"
        assert by_id["fifo"]["state"] == "failed"
        assert by_id["garbage"]["state"] == "failed"
        assert "not a GGUF file" in by_id["garbage"]["error"]
        # The unauthenticated /readyz says what failed, never where the file is.
        body = server.get("/readyz")[2].decode()
        assert "secret-model-dir" not in body and str(tmp_path) not in body, body
        # The log has the path and the engine's error.
        log = server.log()
        assert str(fifo) in log and "not a regular file" in log
        client = server.client()
        assert client.completions.create(model="smollm2", prompt="Hello", max_tokens=3).choices[0].text is not None
        with pytest.raises(openai.APIStatusError) as error:
            client.completions.create(model="fifo", prompt="Hello", max_tokens=3)
        assert error.value.status_code == 503
        assert "secret-model-dir" not in json.dumps(error.value.body)
    finally:
        assert server.stop() == 0, server.log()


def test_models_inspect_refuses_a_fifo_at_once(tmp_path: Path):
    fifo = tmp_path / "model.gguf"
    os.mkfifo(fifo)
    result = subprocess.run([str(enclave_binary()), "models", "inspect", str(fifo)], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "not a regular file" in result.stderr + result.stdout
