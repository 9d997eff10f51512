"""POST /v1/embeddings against a live `enclave serve` with all-MiniLM-L6-v2, through the `openai` client."""

from __future__ import annotations

import base64
import math
import struct

import openai
import pytest

from conftest import ROOT, Server, http_request, model_path, spawn_server

MINILM = ROOT / "models" / "all-MiniLM-L6-v2"
FOOD = "A man is eating food."
BREAD = "A man is eating a piece of bread."


@pytest.fixture(scope="module")
def embedding_server(tmp_path_factory) -> Server:
    if not (MINILM / "model.safetensors").exists():
        pytest.fail(f"the embedding model {MINILM} is missing: run `make models`")
    tmp = tmp_path_factory.mktemp("enclave-embed")
    config = tmp / "enclave.yaml"
    config.write_text(
        f"""\
models:
  - file: {model_path()}
  - id: all-MiniLM-L6-v2
    file: {MINILM}
    kind: embedding
limits:
  max_body_bytes: 1MiB
"""
    )
    instance = spawn_server(tmp, ["--config", str(config)], "SmolLM2-135M-Instruct.Q4_1")
    instance.wait_ready()
    yield instance
    assert instance.stop() == 0, instance.log()


@pytest.fixture()
def client(embedding_server: Server) -> openai.OpenAI:
    return embedding_server.client()


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def test_both_models_are_listed(client: openai.OpenAI) -> None:
    ids = [model.id for model in client.models.list().data]
    assert ids == ["SmolLM2-135M-Instruct.Q4_1", "all-MiniLM-L6-v2"]


def test_reference_sentences_give_the_reference_cosine(client: openai.OpenAI) -> None:
    response = client.embeddings.create(model="all-MiniLM-L6-v2", input=[FOOD, BREAD], encoding_format="float")
    assert [item.index for item in response.data] == [0, 1]
    food, bread = (item.embedding for item in response.data)
    assert len(food) == len(bread) == 384
    assert abs(cosine(food, bread) - 0.755337) < 1e-3
    for got, want in zip(food[:5], [0.033242, 0.004406, -0.006277, 0.048379, -0.138702]):
        assert abs(got - want) < 1e-3
    assert abs(math.sqrt(sum(x * x for x in food)) - 1) < 1e-5
    # [CLS] + 6 pieces + [SEP], and [CLS] + 9 + [SEP].
    assert response.usage.prompt_tokens == 8 + 11
    assert response.usage.total_tokens == 19


def test_float_and_base64_agree(embedding_server: Server, client: openai.OpenAI) -> None:
    floats = client.embeddings.create(model="all-MiniLM-L6-v2", input=FOOD, encoding_format="float").data[0].embedding
    # Asked for base64 explicitly, the SDK hands over the string: little-endian float32 bytes.
    text = client.embeddings.create(model="all-MiniLM-L6-v2", input=FOOD, encoding_format="base64").data[0].embedding
    assert isinstance(text, str)
    values = struct.unpack("<384f", base64.b64decode(text))
    # JSON numbers are the shortest decimals of the float32 values: rounded back to float32 they are the same.
    assert list(struct.unpack("<384f", struct.pack("<384f", *floats))) == list(values)
    # Without encoding_format the SDK asks for base64 itself and decodes it.
    default = client.embeddings.create(model="all-MiniLM-L6-v2", input=FOOD).data[0].embedding
    assert len(default) == 384
    assert max(abs(a - b) for a, b in zip(values, default)) == 0


def test_default_encoding_and_token_id_input(client: openai.OpenAI) -> None:
    text = client.embeddings.create(model="all-MiniLM-L6-v2", input=FOOD).data[0].embedding
    ids = client.embeddings.create(model="all-MiniLM-L6-v2", input=[1037, 2158, 2003, 5983, 2833, 1012]).data[0].embedding
    nested = client.embeddings.create(model="all-MiniLM-L6-v2", input=[[1037, 2158, 2003, 5983, 2833, 1012], [7852]])
    assert max(abs(a - b) for a, b in zip(text, ids)) < 1e-5
    assert max(abs(a - b) for a, b in zip(text, nested.data[0].embedding)) < 1e-5
    assert len(nested.data) == 2


@pytest.mark.parametrize(
    ("arguments", "param"),
    [
        ({"input": []}, "input"),
        ({"input": ""}, "input"),
        ({"input": ["fine", ""]}, "input[1]"),
        ({"input": FOOD, "dimensions": 128}, "dimensions"),
        ({"input": "word " * 300}, "input"),
        ({"input": [[1037, 99999]]}, "input[0][1]"),
    ],
)
def test_bad_inputs_get_400s(client: openai.OpenAI, arguments: dict, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.embeddings.create(model="all-MiniLM-L6-v2", **arguments)
    assert raised.value.body["param"] == param


def test_too_many_inputs(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.embeddings.create(model="all-MiniLM-L6-v2", input=["a"] * 2049)
    assert "at most 2048" in raised.value.message


def test_models_used_for_the_wrong_thing(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.embeddings.create(model="SmolLM2-135M-Instruct.Q4_1", input=FOOD)
    assert raised.value.body["param"] == "model"
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="all-MiniLM-L6-v2", messages=[{"role": "user", "content": "hi"}])
    assert "/v1/embeddings" in raised.value.message
    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="no-such-model", input=FOOD)


def test_needs_a_key(embedding_server: Server) -> None:
    status, _, _ = http_request(
        "POST", embedding_server.url + "/v1/embeddings", body=b'{"model":"all-MiniLM-L6-v2","input":"x"}', content_type="application/json"
    )
    assert status == 401


def test_a_batch_matches_single_requests(client: openai.OpenAI) -> None:
    texts = [f"Sentence {i} is about {'bread' if i % 2 else 'food'}." for i in range(40)]
    batch = client.embeddings.create(model="all-MiniLM-L6-v2", input=texts).data
    for i in (0, 17, 39):
        alone = client.embeddings.create(model="all-MiniLM-L6-v2", input=texts[i]).data[0].embedding
        assert max(abs(a - b) for a, b in zip(alone, batch[i].embedding)) < 1e-5
