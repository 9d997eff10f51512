"""Hardening against hostile clients and careless setups, on a live `enclave serve`:

- log lines cannot be forged (a newline in a model name) or flooded (a 1 MB model name), in both formats;
- the data directory is 0700 and the database, its WAL and SHM files 0600; an exposed directory or
  database is refused at start with the `chmod` that fixes it;
- `/metrics` is for admin keys and `metrics`-scoped keys, which in turn cannot use `/v1`.
"""
from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import Server, enclave_binary, model_path, start_server

FORGED = "2026-01-01T00:00:00.000Z info enclave : principal=key:k_admin [EnclaveServer] forged"


def hardening_config(log_format: str) -> str:
    return f"""\
limits:
  max_body_bytes: 4MiB
logging:
  level: info
  format: {log_format}
"""


def keys(data_dir: Path, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(enclave_binary()), "keys", *arguments, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=60, check=check)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module", params=["text", "json"])
def logging_server(request, tmp_path_factory) -> Server:
    instance = start_server(tmp_path_factory.mktemp(f"hardening-{request.param}"), model_path(),
                            hardening_config(request.param))
    instance.log_format = request.param
    yield instance
    assert instance.stop() == 0, instance.log()


def unknown_model(server: Server, name: str) -> tuple[int, dict]:
    body = json.dumps({"model": name, "messages": [{"role": "user", "content": "hi"}]}).encode()
    status, _, answer = server.post("/v1/chat/completions", body, key=server.admin_key)
    return status, json.loads(answer)


def wait_for_request_lines(server: Server, count: int, timeout: float = 10) -> list[str]:
    """The request log lines once there are `count` of them: a request's line is written after its
    response, so it may land a moment after the client has the answer."""
    deadline = time.monotonic() + timeout
    while len(request_lines(server)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return request_lines(server)


def request_lines(server: Server) -> list[str]:
    lines = server.log().splitlines()
    if server.log_format == "json":
        return [line for line in lines if json.loads(line).get("message") == "request"]
    return [line for line in lines if line.endswith("] request")]


def test_a_newline_in_a_model_name_cannot_forge_a_log_line(logging_server: Server):
    before = request_lines(logging_server)
    status, answer = unknown_model(logging_server, "nope\n" + FORGED + "\r\nagain\u202e\u0000")
    assert status == 404 and answer["error"]["code"] == "model_not_found"
    lines = logging_server.log().splitlines()
    assert not any(line.startswith("2026-01-01T00:00:00.000Z") or line.startswith("again") for line in lines)
    assert "\u202e" not in logging_server.log() and "\u0000" not in logging_server.log()
    after = wait_for_request_lines(logging_server, len(before) + 1)
    assert len(after) == len(before) + 1, "one request, one log line"
    last = after[-1]
    if logging_server.log_format == "json":
        record = json.loads(last)
        assert record["model"] == "nope\n" + FORGED + "\r\nagain\u202e\u0000"  # escaped on disk, exact once decoded
        assert record["http.status"] == "404"
    else:
        assert "model=\"nope\\n" + FORGED.replace('"', '\\"') + "\\r\\nagain\\u{202E}\\u{0}\"" in last
        assert "http.status=404" in last


def test_a_megabyte_model_name_adds_a_few_hundred_bytes_to_the_log(logging_server: Server):
    before = len(logging_server.log().encode())
    lines_before = len(request_lines(logging_server))
    for _ in range(3):
        status, _ = unknown_model(logging_server, "m" * (1 << 20))
        assert status == 404
    wait_for_request_lines(logging_server, lines_before + 3)
    growth = len(logging_server.log().encode()) - before
    assert len(wait_for_request_lines(logging_server, lines_before + 3)) == lines_before + 3
    assert growth < 3 * 2048, f"the log grew by {growth} bytes for three 404s"
    assert f"…[cut {(1 << 20) - 512} bytes]" in logging_server.log()


def test_a_fresh_data_directory_is_private_with_private_database_files(server: Server):
    assert mode(server.data_dir) == 0o700
    database = server.data_dir / "enclave.sqlite"
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        assert path.exists(), f"{path} is missing while the server runs"
        assert mode(path) == 0o600, f"{path} is {oct(mode(path))}"


def serve(data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(enclave_binary()), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data_dir),
                           "--model", str(model_path())], capture_output=True, text=True, timeout=60)


def test_serve_and_keys_refuse_an_exposed_data_directory(tmp_path: Path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    os.chmod(data_dir, 0o755)
    result = serve(data_dir)
    assert result.returncode != 0
    assert f"chmod 700 {data_dir}" in result.stderr, result.stderr
    assert "0755" in result.stderr
    assert "Enclave is listening" not in result.stdout
    assert not (data_dir / "enclave.sqlite").exists()
    listing = keys(data_dir, "list", check=False)
    assert listing.returncode != 0 and f"chmod 700 {data_dir}" in listing.stderr


def test_serve_refuses_an_exposed_database_and_starts_once_fixed(tmp_path: Path):
    data_dir = tmp_path / "data"
    created = keys(data_dir, "create", "--name", "kept", "--admin")
    assert mode(data_dir) == 0o700 and mode(data_dir / "enclave.sqlite") == 0o600
    os.chmod(data_dir / "enclave.sqlite", 0o644)
    result = serve(data_dir)
    assert result.returncode != 0
    assert f"chmod 600 {data_dir / 'enclave.sqlite'}" in result.stderr, result.stderr
    os.chmod(data_dir / "enclave.sqlite", 0o600)
    listing = keys(data_dir, "list")
    assert "kept" in listing.stdout and created.stdout.splitlines()[-1] not in listing.stdout


def test_metrics_are_for_admins_and_scrapers_only(server: Server):
    users = subprocess.run([str(enclave_binary()), "users", "create", "--name", "hardening-user", "--data-dir", str(server.data_dir)],
                           capture_output=True, text=True, timeout=60, check=True)
    assert "role member" in users.stdout
    member = keys(server.data_dir, "create", "--name", "hardening-member", "--user", "hardening-user").stdout.strip().splitlines()[-1]
    scraper_created = keys(server.data_dir, "create", "--name", "hardening-prometheus", "--admin", "--scope", "metrics")
    scraper = scraper_created.stdout.strip().splitlines()[-1]
    assert "scopes metrics" in scraper_created.stdout

    status, _, body = server.get("/metrics", key=member)
    assert status == 403
    error = json.loads(body)["error"]
    assert error["code"] == "insufficient_permissions" and "Missing scope: metrics" in error["message"]
    assert b"enclave_http_requests_total" not in body

    for key in (server.admin_key, scraper):
        status, _, body = server.get("/metrics", key=key)
        assert status == 200 and b"enclave_http_requests_total" in body

    status, _, body = server.get("/v1/models", key=scraper)
    assert status == 403
    assert json.loads(body)["error"]["code"] == "insufficient_permissions"
    status, _, _ = server.post("/v1/chat/completions", json.dumps({"model": server.model_id, "messages": []}).encode(), key=scraper)
    assert status == 403
    status, _, _ = server.get("/v1/models", key=member)
    assert status == 200

    listing = keys(server.data_dir, "list").stdout
    rows = {line.split()[1]: line.split() for line in listing.splitlines()[1:]}
    assert rows["hardening-prometheus"][3] == "metrics"
    assert rows["hardening-member"][3] == "inference"
    assert rows["admin"][3] == "admin,inference,metrics"
    assert rows["hardening-member"][2] == "hardening-user" and rows["admin"][2] == "admin"
    assert re.search(r"\bSCOPES\b", listing.splitlines()[0])


def test_keys_create_refuses_unknown_scopes(tmp_path: Path):
    result = keys(tmp_path / "data", "create", "--name", "x", "--admin", "--scope", "everything", check=False)
    assert result.returncode == 64
    assert "unknown key scope 'everything'" in result.stderr
    result = keys(tmp_path / "data", "create", "--name", "x", check=False)
    assert result.returncode == 64 and "--user USER, or --admin" in result.stderr
    result = keys(tmp_path / "data", "create", "--name", "x", "--admin", "--user", "admin", check=False)
    assert result.returncode == 64
