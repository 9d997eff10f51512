"""Every numeric field of both generation routes, driven with extreme values against a live server.

Huge integers, 2^63 and 2^64 and their negatives, fractions for integers, 1e400 and 1e-400, -0, numbers
written as strings, booleans, nulls and nested values. The server must stay up and never answer 5xx; a
400 names the field at fault (or, for a completion count past the context, the prompt).
"""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Server

CHAT_FIELDS = ["max_tokens", "max_completion_tokens", "n", "seed", "temperature", "top_p", "presence_penalty",
               "frequency_penalty", "logprobs", "top_logprobs", "stream_options", "logit_bias", "stream"]
COMPLETION_FIELDS = ["max_tokens", "n", "seed", "temperature", "top_p", "presence_penalty", "frequency_penalty",
                     "logprobs", "best_of", "echo", "stream_options", "logit_bias", "prompt"]

EXTREMES = [
    "18446744073709551616", "-18446744073709551616", "9223372036854775808", "9223372036854775807",
    "-9223372036854775808", "-9223372036854775809", "2147483648", "4294967296", "1" + "0" * 400,
    "1e400", "-1e400", "1e-400", "-0", "-0.0", "0", "-1", "1", "2.5", "0.5", "1e308", "5e-324", "1.0", "1E2",
    '"1"', '"NaN"', '"Infinity"', '"-0"', "true", "false", "null", "[]", "{}", "[1e400]", '{"a": 1e400}',
    "[9223372036854775808]", '{"include_usage": 1e400}', '{"include_usage": true}', '{"1": 1e400}', '{"1": 100}',
]

literal = st.one_of(
    st.sampled_from(EXTREMES),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)


def body_text(route: str, model: str, fields: dict[str, str]) -> bytes:
    parts = [f'"model": {json.dumps(model)}']
    if route == "chat":
        parts.append('"messages": [{"role": "user", "content": "Reply with one word: hi"}]')
    elif "prompt" not in fields:
        parts.append('"prompt": "One, two,"')
    # Keep valid generations short unless the count is what is being fuzzed.
    if "max_tokens" not in fields and "max_completion_tokens" not in fields:
        parts.append('"max_tokens": 2')
    parts += [f'"{name}": {value}' for name, value in fields.items()]
    return ("{" + ", ".join(parts) + "}").encode()


BUDGET_SECONDS = 100
CLOCK: dict[str, float] = {}


@settings(max_examples=160, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_extreme_numbers_never_crash_the_server_or_answer_5xx(ready_server: Server, data):
    started = CLOCK.setdefault("start", time.monotonic())
    if time.monotonic() - started > BUDGET_SECONDS:
        return  # bounded in time as well as in examples
    route = data.draw(st.sampled_from(["chat", "completions"]))
    names = data.draw(st.lists(st.sampled_from(CHAT_FIELDS if route == "chat" else COMPLETION_FIELDS), min_size=1, max_size=3, unique=True))
    fields = {name: data.draw(literal) for name in names}
    if "stream" in fields or "stream_options" in fields:
        fields.setdefault("stream", "true")
    path = "/v1/chat/completions" if route == "chat" else "/v1/completions"
    body = body_text(route, ready_server.model_id, fields)
    status, _, raw = ready_server.post(path, body, key=ready_server.admin_key)
    assert status < 500, f"{path} {body!r} -> {status} {raw[:500]!r}"
    assert ready_server.process.poll() is None, f"the server died on {body!r}"
    if status == 400:
        error = json.loads(raw)["error"]
        assert set(error) == {"message", "type", "param", "code"}, raw
        param = error["param"] or ""
        root = param.split(".")[0].split("[")[0]
        allowed = set(fields) | {"max_tokens"}
        if error["code"] == "context_length_exceeded":
            allowed |= {"messages", "prompt"}
        if fields.get("stream") == "true" and "stream" not in names:
            allowed.add("stream_options")
        assert root in allowed, f"{body!r} -> {raw!r}"
        assert error["message"] != "The request body is not valid JSON.", raw


def test_the_server_is_still_healthy_after_the_fuzzing(ready_server: Server):
    status, _, _ = ready_server.get("/healthz")
    assert status == 200
    body = json.dumps({"model": ready_server.model_id, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2}).encode()
    status, _, raw = ready_server.post("/v1/chat/completions", body, key=ready_server.admin_key)
    assert status == 200, raw
