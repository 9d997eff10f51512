"""Enclave's OpenAI-compatible API, checked with the official `openai` client against a live server."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import time
import urllib.parse

import openai
import pytest

from conftest import ROOT, Server, enclave_binary, model_path, start_server

PROMPT = [{"role": "user", "content": "Name three colours."}]
LONG_PROMPT = [{"role": "user", "content": "Tell me a very long story."}]


def sample(metrics: str, name: str, *labels: str) -> float:
    """The value of the first sample of `name` whose labels include all of `labels` (0 if absent)."""
    for line in metrics.splitlines():
        if (line.startswith(name + "{") or line.startswith(name + " ")) and all(label in line for label in labels):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def open_stream(server: Server, payload: dict, key: str | None = None) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """Starts a streaming request with a raw connection (so the test can drop it)."""
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    connection.request(
        "POST", "/v1/chat/completions", body=json.dumps(payload),
        headers={"Authorization": f"Bearer {key or server.admin_key}", "Content-Type": "application/json"})
    return connection, connection.getresponse()


def read_event(response: http.client.HTTPResponse) -> str:
    """The next `data:` payload of an SSE response."""
    while True:
        line = response.readline()
        if not line:
            raise EOFError("the stream ended")
        line = line.decode().rstrip("\r\n")
        if line.startswith("data: "):
            return line[6:]


# MARK: health and authentication (no generation needed)


def test_healthz_needs_no_key(server: Server):
    status, _, body = server.get("/healthz")
    assert status == 200
    assert json.loads(body)["status"] == "ok"


def test_readyz_reports_model_states(server: Server):
    status, _, body = server.get("/readyz")
    state = json.loads(body)
    assert status in (200, 503)
    assert [model["id"] for model in state["models"]] == [server.model_id]
    assert (status == 200) == (state["status"] == "ready")


def test_admin_key_is_printed_once_and_never_logged(server: Server):
    assert server.admin_key in server.stdout_lines
    assert server.admin_key not in server.log()


def test_models_need_a_key(server: Server):
    status, _, body = server.get("/v1/models")
    assert status == 401
    assert json.loads(body)["error"]["code"] == "missing_api_key"
    with pytest.raises(openai.AuthenticationError) as wrong:
        server.client(key="enc-" + "A" * 43).models.list()
    assert wrong.value.code == "invalid_api_key"
    status, headers, _ = server.get("/metrics")
    assert status == 401
    assert headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_keys_cli_creates_and_revokes_keys_the_server_honours(server: Server):
    run = lambda *args: subprocess.run(  # noqa: E731
        [str(enclave_binary()), "keys", *args, "--data-dir", str(server.data_dir)],
        capture_output=True, text=True, timeout=60, check=True)
    subprocess.run([str(enclave_binary()), "users", "create", "--name", "integration", "--data-dir", str(server.data_dir)],
                   capture_output=True, text=True, timeout=60, check=True)
    created = run("create", "--name", "integration-user", "--user", "integration")
    key = created.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"enc-[A-Za-z0-9_-]{43,}", key)
    assert [m.id for m in server.client(key=key).models.list().data] == [server.model_id]
    listing = run("list").stdout
    assert "integration-user" in listing and key not in listing
    run("revoke", "integration-user")
    with pytest.raises(openai.AuthenticationError) as revoked:
        server.client(key=key).models.list()
    assert "revoked" in revoked.value.message


def test_list_models(server: Server):
    models = server.client().models.list().data
    assert [model.id for model in models] == [server.model_id]
    assert models[0].object == "model"


def test_unknown_model_is_404(server: Server):
    with pytest.raises(openai.NotFoundError) as error:
        server.client().chat.completions.create(model="no-such-model", messages=PROMPT)
    assert error.value.code == "model_not_found"
    assert error.value.body["param"] == "model"


@pytest.mark.parametrize("arguments, param", [
    ({"temperature": 5}, "temperature"),
    ({"top_p": 0}, "top_p"),
    ({"n": 2}, "n"),
    ({"max_tokens": 0}, "max_tokens"),
    ({"presence_penalty": 9}, "presence_penalty"),
    ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
    ({"logprobs": False, "top_logprobs": 3}, "top_logprobs"),
    ({"messages": [{"role": "tool", "content": "x", "tool_call_id": "1"}]}, "messages[0].role"),
])
def test_invalid_parameters_are_400_naming_the_parameter(server: Server, arguments: dict, param: str):
    request = {"model": server.model_id, "messages": PROMPT, **arguments}
    with pytest.raises(openai.BadRequestError) as error:
        server.client().chat.completions.create(**request)
    assert error.value.status_code == 400
    assert error.value.body["param"] == param


def test_malformed_json_is_400(server: Server):
    status, _, body = server.post("/v1/chat/completions", b'{"model": ', key=server.admin_key)
    assert status == 400
    error = json.loads(body)["error"]
    assert error["type"] == "invalid_request_error"
    assert set(error) == {"message", "type", "param", "code"}


def test_a_body_over_the_limit_is_413(server: Server):
    huge = json.dumps({"model": server.model_id, "messages": [{"role": "user", "content": "x" * 300_000}]}).encode()
    status, _, body = server.post("/v1/chat/completions", huge, key=server.admin_key)
    assert status == 413
    assert json.loads(body)["error"]["code"] == "request_too_large"


# MARK: generation (needs the model loaded)


def test_chat_completion(client: openai.OpenAI, ready_server: Server):
    completion = client.chat.completions.create(model=ready_server.model_id, messages=PROMPT, max_tokens=24, seed=1)
    choice = completion.choices[0]
    assert completion.object == "chat.completion"
    assert choice.message.role == "assistant"
    assert isinstance(choice.message.content, str) and choice.message.content
    assert choice.finish_reason in ("stop", "length")
    usage = completion.usage
    assert usage.prompt_tokens > 0
    assert 0 < usage.completion_tokens <= 24
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_chat_completion_streaming_with_usage(client: openai.OpenAI, ready_server: Server):
    stream = client.chat.completions.create(
        model=ready_server.model_id, messages=PROMPT, max_tokens=24, seed=1, stream=True,
        stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes in (["stop"], ["length"])
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens <= 24
    # The same request without streaming gives the same text and counts.
    whole = client.chat.completions.create(model=ready_server.model_id, messages=PROMPT, max_tokens=24, seed=1)
    assert whole.choices[0].message.content == text
    assert whole.usage.prompt_tokens == chunks[-1].usage.prompt_tokens
    assert whole.usage.completion_tokens == chunks[-1].usage.completion_tokens


def test_content_parts_and_system_messages(client: openai.OpenAI, ready_server: Server):
    completion = client.chat.completions.create(
        model=ready_server.model_id, max_tokens=8, temperature=0,
        messages=[{"role": "system", "content": "You are terse."},
                  {"role": "user", "content": [{"type": "text", "text": "Say"}, {"type": "text", "text": "hi."}]}])
    assert completion.choices[0].message.content


def test_completions(client: openai.OpenAI, ready_server: Server):
    completion = client.completions.create(model=ready_server.model_id, prompt="The capital of France is", max_tokens=8, temperature=0)
    assert completion.object == "text_completion"
    assert completion.choices[0].text
    assert completion.usage.completion_tokens <= 8
    streamed = client.completions.create(
        model=ready_server.model_id, prompt="The capital of France is", max_tokens=8, temperature=0, stream=True)
    assert "".join(chunk.choices[0].text for chunk in streamed if chunk.choices) == completion.choices[0].text


def test_completions_with_several_prompts(client: openai.OpenAI, ready_server: Server):
    completion = client.completions.create(model=ready_server.model_id, prompt=["One, two,", "A, B,"], max_tokens=4, temperature=0)
    assert [choice.index for choice in completion.choices] == [0, 1]


def test_same_seed_same_text(client: openai.OpenAI, ready_server: Server):
    def run(seed: int) -> str:
        return client.chat.completions.create(
            model=ready_server.model_id, messages=[{"role": "user", "content": "Write a short poem about the sea."}],
            max_tokens=32, temperature=1.0, top_p=0.95, seed=seed).choices[0].message.content
    assert run(1234) == run(1234)


def test_max_tokens_ends_with_length(client: openai.OpenAI, ready_server: Server):
    completion = client.chat.completions.create(
        model=ready_server.model_id, messages=[{"role": "user", "content": "Count from 1 to 100."}], max_tokens=3, temperature=0)
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.completion_tokens == 3


def test_stop_strings(client: openai.OpenAI, ready_server: Server):
    messages = [{"role": "user", "content": "Count from 1 to 20, separated by commas."}]
    free = client.chat.completions.create(model=ready_server.model_id, messages=messages, max_tokens=40, temperature=0)
    text = free.choices[0].message.content
    words = [word for word in re.findall(r"\w+", text) if text.index(word) > 0]
    assert words, f"no word to stop at in {text!r}"
    stop = words[len(words) // 2]
    stopped = client.chat.completions.create(model=ready_server.model_id, messages=messages, max_tokens=40, temperature=0, stop=[stop])
    assert stopped.choices[0].message.content == text[: text.index(stop)]
    assert stopped.choices[0].finish_reason == "stop"


def test_logprobs(client: openai.OpenAI, ready_server: Server):
    completion = client.chat.completions.create(
        model=ready_server.model_id, messages=PROMPT, max_tokens=5, temperature=0, logprobs=True, top_logprobs=2)
    content = completion.choices[0].logprobs.content
    assert len(content) == completion.usage.completion_tokens
    for entry in content:
        assert entry.logprob <= 0
        assert len(entry.top_logprobs) == 2
        assert entry.top_logprobs[0].logprob >= entry.top_logprobs[1].logprob


def test_context_length_exceeded(client: openai.OpenAI, ready_server: Server):
    model = client.models.list().data[0]
    context = getattr(model, "context_length", None) or 8192
    with pytest.raises(openai.BadRequestError) as error:
        client.chat.completions.create(model=ready_server.model_id, messages=[{"role": "user", "content": "hello " * (context + 64)}])
    assert error.value.code == "context_length_exceeded"
    assert str(context) in error.value.message


def test_max_tokens_past_the_context_names_prompt_and_completion(client: openai.OpenAI, ready_server: Server):
    context = client.models.retrieve(ready_server.model_id).context_length
    assert isinstance(context, int) and context > 0
    with pytest.raises(openai.BadRequestError) as error:
        client.chat.completions.create(model=ready_server.model_id, messages=PROMPT, max_tokens=context)
    assert error.value.code == "context_length_exceeded"
    assert f"{context} in the completion" in error.value.message
    assert str(context) in error.value.message


def test_a_full_queue_is_429_with_retry_after(ready_server: Server):
    capacity = int(sample(ready_server.metrics(), "enclave_backend_capacity"))
    assert capacity >= 1
    queue_length = 2  # limits.queue_length in the fixture's configuration
    # Streams that stay busy until they are closed: a short answer ends in a few dozen tokens, freeing its slot
    # before the last request arrives on a fast or lightly loaded machine.
    payload = {"model": ready_server.model_id, "messages": LONG_PROMPT, "max_tokens": 2000, "temperature": 0, "stream": True}
    streams = []
    try:
        for _ in range(capacity + queue_length):
            connection, response = open_stream(ready_server, payload)
            assert response.status == 200
            streams.append((connection, response))
        with pytest.raises(openai.RateLimitError) as error:
            ready_server.client().chat.completions.create(model=ready_server.model_id, messages=PROMPT, max_tokens=4)
        assert int(error.value.response.headers["retry-after"]) >= 1
        assert error.value.code == "queue_full"
    finally:
        for connection, response in streams:
            response.close()
            connection.close()


def test_a_disconnect_mid_stream_ends_the_sequence(ready_server: Server):
    before = sample(ready_server.metrics(), "enclave_generations_total", 'outcome="cancelled"')
    payload = {"model": ready_server.model_id, "messages": LONG_PROMPT, "max_tokens": 2000, "stream": True}
    connection, response = open_stream(ready_server, payload)
    assert response.status == 200
    for _ in range(3):
        json.loads(read_event(response))
    response.close()
    connection.close()  # hangs up mid-stream
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        metrics = ready_server.metrics()
        if (sample(metrics, "enclave_generations_total", 'outcome="cancelled"') > before
                and sample(metrics, "enclave_active_sequences") == 0
                and sample(metrics, "enclave_engine_sequences_running") == 0
                and sample(metrics, "enclave_engine_kv_blocks_used") == 0):
            break
        time.sleep(0.2)
    else:
        pytest.fail("the disconnected stream's sequence did not end")


def test_metrics_count_requests_and_tokens(ready_server: Server, client: openai.OpenAI):
    client.chat.completions.create(model=ready_server.model_id, messages=PROMPT, max_tokens=4)
    metrics = ready_server.metrics()
    assert sample(metrics, "enclave_http_requests_total", 'route="/v1/chat/completions"', 'status="200"') >= 1
    assert sample(metrics, "enclave_completion_tokens_total") >= 1
    assert sample(metrics, "enclave_time_to_first_token_seconds_count") >= 1
    assert sample(metrics, "enclave_model_state", 'state="ready"') == 1


def test_generation_responses_keep_the_connection_alive_and_back_to_back_requests_succeed(ready_server: Server):
    # A departed client is noticed through the connection's close, not by reading its inbound side, so
    # generation responses keep the connection alive and the next request reuses it.
    parts = urllib.parse.urlsplit(ready_server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    body = json.dumps({"model": ready_server.model_id, "messages": PROMPT, "max_tokens": 2})
    headers = {"Authorization": f"Bearer {ready_server.admin_key}", "Content-Type": "application/json"}
    for _ in range(3):
        connection.request("POST", "/v1/chat/completions", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        assert response.headers.get("Connection", "").lower() != "close"
    connection.close()
    client = ready_server.client()
    for _ in range(8):
        client.chat.completions.create(model=ready_server.model_id, messages=PROMPT, max_tokens=1)
        client.completions.create(model=ready_server.model_id, prompt="Hello", max_tokens=1)


def test_a_repeated_prefix_is_served_from_the_kv_cache(ready_server: Server, client: openai.OpenAI):
    system = "You are a careful assistant for the accounting team. " * 8
    messages = [{"role": "system", "content": system}, {"role": "user", "content": "Hello"}]
    before = sample(ready_server.metrics(), "enclave_engine_prefix_cached_tokens_total")
    client.chat.completions.create(model=ready_server.model_id, messages=messages, max_tokens=2)
    messages[1]["content"] = "Good morning"
    client.chat.completions.create(model=ready_server.model_id, messages=messages, max_tokens=2)
    metrics = ready_server.metrics()
    assert sample(metrics, "enclave_engine_prefix_cached_tokens_total") - before >= 64
    assert sample(metrics, "enclave_engine_kv_blocks_capacity") > 0


def test_logs_hold_no_content(ready_server: Server, client: openai.OpenAI):
    marker = "zebra-quartz-marker"
    reply = client.chat.completions.create(
        model=ready_server.model_id, messages=[{"role": "user", "content": f"Repeat: {marker}"}], max_tokens=16, temperature=0)
    log = ready_server.log()
    assert marker not in log
    completion_text = reply.choices[0].message.content.strip()
    if len(completion_text) >= 12:
        assert completion_text not in log
    assert '"message":"request"' in log


def test_chat_cli(ready_server: Server):
    environment = {**os.environ, "ENCLAVE_URL": ready_server.url, "ENCLAVE_API_KEY": ready_server.admin_key}
    result = subprocess.run(
        [str(enclave_binary()), "chat", "--max-tokens", "12"], input="Hello!\nAnd again?\n/exit\n",
        capture_output=True, text=True, timeout=300, env=environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("you> ") == 3
    assert f"{ready_server.model_id}> " in result.stdout


# MARK: servers of their own


def test_a_model_that_fails_to_load_gives_503(tmp_path):
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a gguf file" * 100)
    server = start_server(tmp_path / "server", bogus)
    try:
        deadline = time.monotonic() + 60
        while True:
            status, _, body = server.get("/readyz")
            assert status == 503
            if json.loads(body)["status"] == "failed" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert json.loads(body)["status"] == "failed"
        with pytest.raises(openai.InternalServerError) as error:
            server.client().chat.completions.create(model="bogus", messages=PROMPT)
        assert error.value.status_code == 503
    finally:
        assert server.stop() == 0


def test_sigterm_lets_a_stream_finish_then_exits_0(tmp_path):
    server = start_server(tmp_path / "server", model_path())
    try:
        server.wait_ready()
        payload = {"model": server.model_id, "messages": PROMPT, "max_tokens": 48, "stream": True}
        connection, response = open_stream(server, payload)
        assert response.status == 200
        read_event(response)
        server.process.send_signal(15)
        events = []
        while (event := read_event(response)) != "[DONE]":
            events.append(json.loads(event))
        assert events[-1]["choices"][0]["finish_reason"] in ("stop", "length")
        connection.close()
    finally:
        assert server.stop() == 0
