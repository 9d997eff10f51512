"""Assistants on a live server (issue 18): declared in the config, listed in /v1/models for those who may
use them (hidden, 404, from a caller outside their teams), and answering through the real SmolLM2 model
with the `retrieval` extension field, as JSON and as a stream whose last chunk before [DONE] carries it."""

from __future__ import annotations

import json
from pathlib import Path

import openai
import pytest

from conftest import http_request, model_path, spawn_server

CONFIG = """logging:
  level: info
teams:
  - name: shop
  - name: kitchen
users:
  - name: asst-ann
    teams: [kitchen]
assistants:
  - id: brandspark
    name: BrandSpark
    description: Writes marketing copy for the shop.
    model: {model}
    system_prompt: You are BrandSpark, a marketing writer for a sandwich shop. Answer in one short sentence.
    temperature: 0
    max_tokens: 12
    teams: [shop]
  - id: codesage
    name: CodeSage
    model: {model}
    system_prompt: You help with code.
    teams: [kitchen]
"""


def call(server, method: str, path: str, key: str, body: dict | None = None):
    status, _, data = http_request(method, server.url + path, key=key,
                                   body=json.dumps(body).encode() if body is not None else None,
                                   content_type="application/json" if body is not None else None)
    return status, json.loads(data) if data else None


@pytest.fixture(scope="module")
def assistant_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("assistants")
    model = model_path()
    model_id = model.name.removesuffix(".gguf")
    config = tmp / "enclave.yaml"
    config.write_text(CONFIG.format(model=model_id))
    server = spawn_server(tmp, ["--model", str(model), "--config", str(config)], model_id)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def member_key(server) -> str:
    status, user = call(server, "GET", "/admin/v1/users/asst-ann", server.admin_key)
    assert status == 200, user
    status, key = call(server, "POST", "/admin/v1/keys", server.admin_key, {"name": "ann-laptop", "user": user["id"]})
    assert status == 201, key
    return key["secret"]


def test_models_lists_the_assistants_a_caller_may_use(assistant_server):
    admin = assistant_server.client()
    listed = admin.models.list()
    ids = [model.id for model in listed.data]
    assert ids[0] == assistant_server.model_id
    assert ids[-2:] == ["brandspark", "codesage"]
    brandspark = next(model for model in listed.data if model.id == "brandspark")
    assert brandspark.owned_by == "enclave"
    assert brandspark.model_extra["enclave"] == {"kind": "assistant", "name": "BrandSpark",
                                                 "description": "Writes marketing copy for the shop.",
                                                 "base_model": assistant_server.model_id}
    assert admin.models.retrieve("codesage").id == "codesage"

    ann = assistant_server.client(member_key(assistant_server))
    assert [model.id for model in ann.models.list().data if model.model_extra.get("enclave")] == ["codesage"]
    with pytest.raises(openai.NotFoundError) as hidden:
        ann.models.retrieve("brandspark")
    assert hidden.value.body["code"] == "model_not_found"
    with pytest.raises(openai.NotFoundError):
        ann.chat.completions.create(model="brandspark", messages=[{"role": "user", "content": "hi"}])


def test_an_assistant_without_collections_answers_through_the_real_model(assistant_server):
    client = assistant_server.client()
    completion = client.chat.completions.create(
        model="brandspark", messages=[{"role": "user", "content": "Write a slogan for our new pastrami sandwich."}])
    assert completion.model == "brandspark"
    assert completion.choices[0].message.content.strip()
    assert completion.choices[0].finish_reason in ("stop", "length")
    assert completion.usage.completion_tokens <= 12, "the assistant's max_tokens default applies"
    assert completion.model_extra["retrieval"] == {"status": "none", "sources": 0}
    assert completion.model_extra["citations"] == []

    stream = client.chat.completions.create(
        model="brandspark", messages=[{"role": "user", "content": "A slogan for soup?"}], stream=True)
    chunks = list(stream)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text.strip()
    final = chunks[-1]
    assert final.choices == [] and final.model_extra["retrieval"] == {"status": "none", "sources": 0}
    assert all("retrieval" not in (chunk.model_extra or {}) for chunk in chunks[:-1])
