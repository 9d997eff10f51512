"""Rate limits and token budgets on a live server: 429 with Retry-After and OpenAI's x-ratelimit-* headers
for requests per minute, tokens per minute and a daily budget, and a budget that holds across a restart.

Every API key is its own user until users and teams exist, so each test uses its own key (made with
`enclave keys create` while the server runs) and the limits of one test do not touch the others.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from conftest import Server, enclave_binary, model_path, spawn_server

TOKENS_PER_MINUTE = 60
TOKENS_PER_DAY = 50

RATES = f"""\
limits:
  queue_length: 8
  per_key:
    requests_per_minute: 3
    tokens_per_minute: {TOKENS_PER_MINUTE}
logging:
  format: json
"""

BUDGET = f"""\
limits:
  per_user:
    tokens_per_day: {TOKENS_PER_DAY}
logging:
  format: json
"""


def header(headers: dict[str, str], name: str) -> str | None:
    lowered = {key.lower(): value for key, value in headers.items()}
    return lowered.get(name)


def create_key(server: Server, name: str) -> str:
    result = subprocess.run(
        [str(enclave_binary()), "keys", "create", "--name", name, "--admin", "--scope", "inference", "--data-dir", str(server.data_dir)],
        capture_output=True, text=True, check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def complete(server: Server, key: str, max_tokens: int, prompt: str = "Hi"):
    body = json.dumps({"model": server.model_id, "prompt": prompt, "max_tokens": max_tokens, "temperature": 0}).encode()
    status, headers, data = server.post("/v1/completions", body, key=key)
    return status, headers, json.loads(data or b"{}")


def start(tmp, config_text: str, admin_key: str | None = None) -> Server:
    tmp.mkdir(parents=True, exist_ok=True)
    config = tmp / "enclave.yaml"
    config.write_text(config_text)
    server = spawn_server(tmp, ["--model", str(model_path()), "--config", str(config)],
                          model_path().name.removesuffix(".gguf"), admin_key=admin_key)
    server.wait_ready()
    return server


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    instance = start(tmp_path_factory.mktemp("limits"), RATES)
    yield instance
    assert instance.stop() == 0, instance.log()


def test_requests_per_minute_gives_429_with_retry_after_and_request_headers(limited: Server):
    key = create_key(limited, "rpm")
    for remaining in ("2", "1", "0"):
        status, headers, body = complete(limited, key, max_tokens=1)
        assert status == 200, body
        assert header(headers, "x-ratelimit-limit-requests") == "3"
        assert header(headers, "x-ratelimit-remaining-requests") == remaining
        assert re.fullmatch(r"(\d+m)?\d+(\.\d+)?s|\d+ms", header(headers, "x-ratelimit-reset-requests") or "")
        assert header(headers, "x-ratelimit-limit-tokens") is not None
    status, headers, body = complete(limited, key, max_tokens=1)
    assert status == 429, body
    # 3 per minute: the next request comes back within 20 seconds.
    assert 1 <= int(header(headers, "retry-after")) <= 20
    assert header(headers, "x-ratelimit-remaining-requests") == "0"
    assert body["error"]["type"] == "requests"
    assert body["error"]["code"] == "rate_limit_exceeded"
    assert "requests per min (RPM): Limit 3, Used 3, Requested 1" in body["error"]["message"]


def test_tokens_per_minute_gives_429_and_a_request_too_large_has_no_retry_after(limited: Server):
    key = create_key(limited, "tpm")
    status, headers, body = complete(limited, key, max_tokens=TOKENS_PER_MINUTE + 1)
    assert status == 429, body
    assert header(headers, "retry-after") is None
    assert body["error"]["message"].startswith("Request too large for key")

    # Reserve the prompt plus 40 and use most of it, then ask for a whole minute's worth at once: the bucket
    # refills one token per second, so it is not full again yet.
    status, headers, body = complete(limited, key, max_tokens=40, prompt="Once upon a time")
    assert status == 200, body
    assert header(headers, "x-ratelimit-limit-tokens") == str(TOKENS_PER_MINUTE)
    prompt, used = body["usage"]["prompt_tokens"], body["usage"]["total_tokens"]
    assert used >= 20, f"the model stopped after {used} tokens; the refill would hide the limit"
    status, headers, body = complete(limited, key, max_tokens=TOKENS_PER_MINUTE - prompt, prompt="Once upon a time")
    assert status == 429, body
    assert body["error"]["type"] == "tokens"
    assert body["error"]["code"] == "rate_limit_exceeded"
    assert "tokens per min (TPM): Limit 60" in body["error"]["message"]
    assert 1 <= int(header(headers, "retry-after")) <= TOKENS_PER_MINUTE
    assert header(headers, "x-ratelimit-limit-tokens") == str(TOKENS_PER_MINUTE)
    assert int(header(headers, "x-ratelimit-remaining-tokens")) < TOKENS_PER_MINUTE
    assert header(headers, "x-ratelimit-reset-tokens") is not None


def test_a_daily_budget_holds_across_a_restart(tmp_path):
    server = start(tmp_path, BUDGET)
    key = create_key(server, "budget")
    try:
        status, _, body = complete(server, key, max_tokens=40)
        assert status == 200, body
        prompt, used = body["usage"]["prompt_tokens"], body["usage"]["total_tokens"]
        left = TOKENS_PER_DAY - used
        status, headers, body = complete(server, key, max_tokens=left - prompt + 1)
        assert status == 429, body
        assert body["error"]["code"] == "token_budget_exceeded"
        assert "tokens per day" in body["error"]["message"]
        assert int(header(headers, "retry-after")) > 0
    finally:
        assert server.stop() == 0, server.log()

    report = subprocess.run([str(enclave_binary()), "usage", "--data-dir", str(server.data_dir), "--by", "key"],
                            capture_output=True, text=True, check=True).stdout
    assert re.search(rf"\b{used}\s*$", report.splitlines()[-1]), report

    restarted = start(tmp_path, BUDGET, admin_key=server.admin_key)
    try:
        status, headers, body = complete(restarted, key, max_tokens=left - prompt + 1)
        assert status == 429, body
        assert body["error"]["code"] == "token_budget_exceeded"
        assert f"Used {used}," in body["error"]["message"]
        if left - prompt >= 1:
            status, headers, body = complete(restarted, key, max_tokens=left - prompt)
            assert status == 200, body
            assert header(headers, "x-ratelimit-remaining-tokens") is not None
    finally:
        assert restarted.stop() == 0, restarted.log()
