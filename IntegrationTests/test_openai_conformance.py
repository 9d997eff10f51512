"""OpenAI conformance against a live server: `refusal` on chat messages, `prompt: null` on completions, and a
bounded schemathesis run with OpenAI's published description for the operations Enclave implements
(GET /v1/models, GET /v1/models/{model}, POST /v1/chat/completions, POST /v1/completions).

Pass condition of the schemathesis run: no server error (5xx) and no response that violates the
description's schema. The description is `shared/data/openai/openapi.yaml`, next to the repository
(ROOT.parent / "shared"), or ENCLAVE_OPENAPI_SPEC.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, Server

SPEC = Path(os.environ.get("ENCLAVE_OPENAPI_SPEC", ROOT.parent / "shared" / "data" / "openai" / "openapi.yaml"))
HOOKS = Path(__file__).resolve().parent / "schemathesis_hooks"
PROMPT = [{"role": "user", "content": "Say hi."}]


def test_chat_messages_have_a_null_refusal(ready_server: Server):
    body = json.dumps({"model": ready_server.model_id, "messages": PROMPT, "max_tokens": 2, "logprobs": True}).encode()
    status, _, raw = ready_server.post("/v1/chat/completions", body, key=ready_server.admin_key)
    assert status == 200, raw
    choice = json.loads(raw)["choices"][0]
    assert "refusal" in choice["message"] and choice["message"]["refusal"] is None
    assert choice["logprobs"]["refusal"] is None
    assert isinstance(choice["logprobs"]["content"], list)


def test_a_null_prompt_completes_from_the_start_of_a_document(ready_server: Server):
    for prompt in (None, ""):
        body = json.dumps({"model": ready_server.model_id, "prompt": prompt, "max_tokens": 3, "temperature": 0}).encode()
        status, _, raw = ready_server.post("/v1/completions", body, key=ready_server.admin_key)
        assert status == 200, raw
        answer = json.loads(raw)
        assert answer["choices"][0]["finish_reason"] in ("stop", "length")
        assert answer["usage"]["prompt_tokens"] >= 1
    status, _, raw = ready_server.post("/v1/completions", json.dumps({"model": ready_server.model_id}).encode(), key=ready_server.admin_key)
    assert status == 400 and json.loads(raw)["error"]["param"] == "prompt"


def schemathesis_binary() -> str:
    candidate = Path(sys.executable).parent / "schemathesis"
    return str(candidate) if candidate.exists() else (shutil.which("schemathesis") or "schemathesis")


def test_schemathesis_finds_no_server_error_and_no_schema_violation(ready_server: Server, tmp_path: Path):
    if not SPEC.exists():
        pytest.fail(f"OpenAI's description is missing at {SPEC} (set ENCLAVE_OPENAPI_SPEC)")
    examples = os.environ.get("ENCLAVE_SCHEMATHESIS_EXAMPLES", "20")
    arguments = [
        schemathesis_binary(), "run", str(SPEC), "--url", ready_server.url + "/v1",
        "-H", f"Authorization: Bearer {ready_server.admin_key}",
        "--include-operation-id", "listModels", "--include-operation-id", "retrieveModel",
        "--include-operation-id", "createChatCompletion", "--include-operation-id", "createCompletion",
        "--checks", "not_a_server_error,response_schema_conformance",
        "--phases", "examples,coverage,fuzzing", "--max-examples", examples, "--seed", "17",
        "--workers", "1", "--request-timeout", "120", "--generation-database", "none", "--no-color",
        "--suppress-health-check", "all",
    ]
    environment = dict(os.environ, SCHEMATHESIS_HOOKS="enclave_hooks", PYTHONPATH=str(HOOKS),
                       ENCLAVE_SCHEMATHESIS_MODEL=ready_server.model_id)
    start = time.monotonic()
    result = subprocess.run(arguments, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=600)
    elapsed = time.monotonic() - start
    output = result.stdout + result.stderr
    assert ready_server.process.poll() is None, f"the server died during the run:\n{ready_server.log()[-4000:]}"
    assert result.returncode == 0, f"schemathesis failed after {elapsed:.0f} s:\n{output[-12000:]}"
    # The run must have tested the four operations, not skipped them.
    assert "Selected: 4/" in output and "Tested: 4" in output, output[-6000:]
    print(output[-3000:])
