"""The tamper-evident audit log on a live server (issue 11 item 8): every inference request is recorded
before its answer completes, `enclave audit verify` catches rows edited, deleted and inserted with the
sqlite3 tool, a kill -9 during a burst leaves a verifiable chain with every answered request in it, and
no prompt text ever reaches the database or the export."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import Server, enclave_binary, model_path, start_server

PROMPT_MARKER = "aardvark-zeppelin-4471"


def audit(data_dir: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(enclave_binary()), "audit", *arguments, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=120)


def sqlite(database: Path, sql: str) -> str:
    if shutil.which("sqlite3") is None:
        pytest.fail("the sqlite3 command-line tool is missing: apt-get install -y sqlite3")
    result = subprocess.run(["sqlite3", str(database)], input=sql, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def copy_of(data_dir: Path, target: Path) -> Path:
    """A consistent private copy of the server's database (the live one is in WAL mode), in its own data
    directory."""
    target.mkdir(mode=0o700, parents=True)
    os.chmod(target, 0o700)
    database = target / "enclave.sqlite"
    sqlite(data_dir / "enclave.sqlite", f".backup '{database}'")
    os.chmod(database, 0o600)
    return target


def chat(server: Server, request_id: str, content: str) -> tuple[int, bytes]:
    body = json.dumps({"model": server.model_id, "max_tokens": 2,
                       "messages": [{"role": "user", "content": content}]}).encode()
    request = urllib.request.Request(server.url + "/v1/chat/completions", data=body, method="POST")
    request.add_header("Authorization", f"Bearer {server.admin_key}")
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Request-Id", request_id)
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def exported(data_dir: Path) -> list[dict]:
    result = audit(data_dir, "export", "--since", "2000-01-01")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> Server:
    instance = start_server(tmp_path_factory.mktemp("audit"), model_path(), "audit:\n  retention_days: 365\n")
    instance.wait_ready()
    yield instance
    instance.stop()


def test_requests_are_recorded_and_verify_catches_tampering(audited: Server, tmp_path: Path):
    server = audited
    for index in range(3):
        status, _ = chat(server, f"audit-ok-{index}", f"Say {PROMPT_MARKER} please")
        assert status == 200
    status, _, _ = server.post("/v1/chat/completions", b'{"model":"x","messages":[]}', key="enc-not-a-real-key")
    assert status == 401

    intact = audit(server.data_dir, "verify")
    assert intact.returncode == 0, intact.stderr
    assert "records intact" in intact.stdout
    records = exported(server.data_dir)
    answered = [r for r in records if (r["request_id"] or "").startswith("audit-ok-")]
    assert len(answered) == 3
    assert all(r["action"] == "request" and r["status"] == 200 and r["user_id"] == "usr_admin" and r["key_id"] for r in answered)
    assert all(r["model"] == server.model_id and r["prompt_tokens"] > 0 and r["completion_tokens"] >= 1 for r in answered)
    assert any(r["status"] == 401 and r["outcome"] == "refused" for r in records)
    # The first record is the admin key made at first start: its prefix, never its secret.
    first = records[0]
    assert first["action"] == "key.create" and first["after"]["name"] == "admin"
    assert server.admin_key not in json.dumps(records) and first["after"]["prefix"]

    # The admin API sees the same records.
    status, _, body = server.get("/admin/v1/audit?action=request&limit=2", key=server.admin_key)
    page = json.loads(body)
    assert status == 200 and len(page["data"]) == 2 and page["next_cursor"]

    last = max(r["sequence"] for r in records)
    edited = copy_of(server.data_dir, tmp_path / "edited")
    sqlite(edited / "enclave.sqlite",
           "DROP TRIGGER auditLog_appendOnly; UPDATE auditLog SET completionTokens = completionTokens + 5 WHERE sequence = 2;")
    result = audit(edited, "verify")
    assert result.returncode != 0 and "record 2" in result.stderr and "edited" in result.stderr, result.stderr

    deleted = copy_of(server.data_dir, tmp_path / "deleted")
    sqlite(deleted / "enclave.sqlite", "DELETE FROM auditLog WHERE sequence = 2;")
    result = audit(deleted, "verify")
    assert result.returncode != 0 and "record 3" in result.stderr and "deleted" in result.stderr, result.stderr

    inserted = copy_of(server.data_dir, tmp_path / "inserted")
    sqlite(inserted / "enclave.sqlite",
           f"INSERT INTO auditLog SELECT {last + 1}, timeMs, action, userID, keyID, sessionID, clientAddress, target, outcome,"
           " status, model, promptTokens, completionTokens, latencyMs, reason, 'forged', \"before\", \"after\", previousHash, hash"
           f" FROM auditLog WHERE sequence = {last};")
    result = audit(inserted, "verify")
    assert result.returncode != 0 and f"record {last + 1}" in result.stderr, result.stderr

    # The originals are untouched by all of this.
    assert audit(server.data_dir, "verify").returncode == 0


def test_no_prompt_text_reaches_the_database_or_the_export(audited: Server):
    server = audited
    status, _ = chat(server, "audit-private", f"My secret is {PROMPT_MARKER}")
    assert status == 200
    for name in ("enclave.sqlite", "enclave.sqlite-wal"):
        path = server.data_dir / name
        if path.exists():
            assert PROMPT_MARKER.encode() not in path.read_bytes(), name
    result = audit(server.data_dir, "export", "--since", "2000-01-01")
    assert result.returncode == 0
    assert PROMPT_MARKER not in result.stdout
    lines = result.stdout.splitlines()
    assert lines and all(set(json.loads(line)) >= {"sequence", "time", "action", "hash", "previous_hash"} for line in lines)
    assert audit(server.data_dir, "export", "--since", "next week").returncode != 0


def test_kill_9_during_a_burst_keeps_every_answered_request(tmp_path: Path):
    server = start_server(tmp_path, model_path(), "limits:\n  queue_length: 64\n")
    try:
        server.wait_ready()
        answered: list[str] = []
        lock = threading.Lock()

        def one(index: int) -> None:
            try:
                status, _ = chat(server, f"burst-{index}", "Hi")
            except Exception:
                return
            if status == 200:
                with lock:
                    answered.append(f"burst-{index}")

        threads = [threading.Thread(target=one, args=(index,), daemon=True) for index in range(12)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            with lock:
                if len(answered) >= 3:
                    break
            time.sleep(0.05)
        server.process.kill()
        server.process.wait()
        for thread in threads:
            thread.join(timeout=30)
        with lock:
            acknowledged = list(answered)
        assert len(acknowledged) >= 3
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()

    result = audit(server.data_dir, "verify")
    assert result.returncode == 0, result.stderr
    recorded = {r["request_id"] for r in exported(server.data_dir)}
    missing = [request_id for request_id in acknowledged if request_id not in recorded]
    assert not missing, f"answered but not audited: {missing}"
