"""`enclave collections create` and `enclave ingest` on a data directory, then the same collection through
`/v1/collections` on a server started on it (issue 18: collections, documents and ingestion)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT, enclave_binary, http_request, model_path, spawn_server

MINILM = ROOT / "models" / "all-MiniLM-L6-v2"


def enclave(config: Path, data: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(enclave_binary()), *arguments, "--config", str(config), "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=600)


def corpus(folder: Path) -> None:
    (folder / "setup").mkdir(parents=True)
    (folder / "intro.txt").write_text("Enclave is a private LLM server.\n\nIt runs on one machine for a whole team.\n")
    (folder / "setup" / "linux.md").write_text("# Linux\n\nInstall the package, then run `enclave serve`.\n\n## Ports\n\nIt listens on 8080.\n")
    (folder / "faq.html").write_text("<html><body><h1>FAQ</h1><p>Keys are stored hashed and shown once.</p></body></html>")
    (folder / "notes.txt").write_text("Collections belong to teams and are searched by assistants.\n")
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 not text \xff\xfe")
    (folder / ".hidden.txt").write_text("never ingested\n")


def test_ingest_a_folder_then_serve_it(tmp_path: Path):
    if not (MINILM / "model.safetensors").exists():
        pytest.fail(f"the embedding model {MINILM} is missing: run `make models`")
    config = tmp_path / "enclave.yaml"
    config.write_text(f"models:\n  - file: {model_path()}\n  - id: all-MiniLM-L6-v2\n    file: {MINILM}\n    kind: embedding\n")
    data = tmp_path / "data"
    docs = tmp_path / "handbook"
    corpus(docs)

    created = enclave(config, data, "collections", "create", "handbook")
    assert created.returncode == 0, created.stderr
    assert "Created the collection 'handbook'" in created.stdout

    ingested = enclave(config, data, "ingest", "handbook", str(docs))
    assert ingested.returncode == 1, ingested.stdout + ingested.stderr
    lines = ingested.stdout.splitlines()
    assert lines[0].startswith("4 ingested (") and lines[0].endswith(", 0 unchanged, 1 failed"), ingested.stdout
    assert f"{docs}/broken.txt: the file is binary, not text" in lines
    assert "hidden" not in ingested.stdout + ingested.stderr
    # Not a terminal: one progress line per document on standard error.
    assert ingested.stderr.count("documents,") == 5, ingested.stderr

    again = enclave(config, data, "ingest", "handbook", str(docs / "intro.txt"), str(docs / "notes.txt"))
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.splitlines()[0] == "0 ingested (0 chunks), 2 unchanged, 0 failed"

    table = enclave(config, data, "collections", "documents", "handbook").stdout
    assert "setup/linux.md" in table and "ready" in table and "failed" in table

    server = spawn_server(tmp_path, ["--config", str(config)], "SmolLM2-135M-Instruct.Q4_1")
    try:
        status, _, body = http_request("GET", server.url + "/v1/collections", key=server.admin_key)
        assert status == 200, body
        collections = json.loads(body)["data"]
        assert [c["name"] for c in collections] == ["handbook"]
        status, _, body = http_request("GET", server.url + "/v1/collections/handbook/documents", key=server.admin_key)
        assert status == 200, body
        documents = {d["name"]: d for d in json.loads(body)["data"]}
        assert sorted(documents) == ["broken.txt", "faq.html", "intro.txt", "notes.txt", "setup/linux.md"]
        assert all(d["status"] == "ready" and d["chunk_count"] > 0 for name, d in documents.items() if name != "broken.txt")
        assert documents["broken.txt"]["status"] == "failed"

        # The server's own ingestion: a JSON upload is indexed in the background.
        upload = json.dumps({"name": "api.txt", "content": "Uploaded through the API."}).encode()
        status, _, body = http_request("POST", server.url + "/v1/collections/handbook/documents", key=server.admin_key,
                                       body=upload, content_type="application/json")
        assert status == 202, body
        document_id = json.loads(body)["data"][0]["document_id"]
        deadline = time.monotonic() + 60
        while True:
            status, _, body = http_request("GET", f"{server.url}/v1/collections/handbook/documents/{document_id}", key=server.admin_key)
            state = json.loads(body)["status"]
            if state not in ("queued", "indexing") or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert state == "ready", body
    finally:
        assert server.stop() == 0, server.log()
