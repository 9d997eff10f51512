"""Config as code on a live server (issue 11): the teams, users and keys a YAML file declares are
reconciled into the database at each start; they are read-only through the API; what the API made
survives restarts; what the file no longer declares is disabled; `enclave config validate` checks a file
with line-numbered errors."""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path

from conftest import Server, enclave_binary, free_port, http_request, model_path, spawn_server

BCRYPT = "$2b$04$" + "N" * 53


def config_text(users: list[str]) -> str:
    declared = {
        "alice": "  - name: cac-alice\n    email: alice@cac.test\n    teams: [cac-research]\n"
                 f"    password_hash: \"{BCRYPT}\"\n",
        "bob": "  - name: cac-bob\n    role: member\n",
    }
    return ("logging:\n  level: info\n"
            "teams:\n  - name: cac-research\n    weight: 3\n"
            "users:\n" + "".join(declared[name] for name in users) +
            "keys:\n  - name: cac-ci\n    user: cac-alice\n    secret: ${CAC_CI_KEY}\n    scopes: [inference]\n")


def call(server: Server, method: str, path: str, key: str, body: dict | None = None):
    status, _, data = http_request(method, server.url + path, key=key,
                                   body=json.dumps(body).encode() if body is not None else None,
                                   content_type="application/json" if body is not None else None)
    return status, json.loads(data) if data else None


def start(tmp: Path, config: Path, admin_key: str | None = None) -> Server:
    model = model_path()
    return spawn_server(tmp, ["--model", str(model), "--config", str(config)], model.name.removesuffix(".gguf"), admin_key)


def users_by_name(server: Server) -> dict[str, dict]:
    status, listing = call(server, "GET", "/admin/v1/users", server.admin_key)
    assert status == 200, listing
    return {user["name"]: user for user in listing["data"]}


def test_declared_entities_are_reconciled_across_restarts(tmp_path: Path, monkeypatch):
    ci_key = "enc-" + secrets.token_urlsafe(32)
    monkeypatch.setenv("CAC_CI_KEY", ci_key)
    config = tmp_path / "enclave.yaml"
    config.write_text(config_text(["alice", "bob"]))
    managed_by = str(config.resolve())

    server = start(tmp_path, config)
    try:
        users = users_by_name(server)
        assert users["cac-alice"]["managed_by"] == managed_by and users["cac-alice"]["teams"] == ["cac-research"]
        assert users["cac-bob"]["disabled"] is False
        status, team = call(server, "GET", "/admin/v1/teams/cac-research", server.admin_key)
        assert status == 200 and team["weight"] == 3 and team["members"] == ["cac-alice"]
        assert "configuration reconciled" in server.log() and ci_key not in server.log() and BCRYPT not in server.log()

        # The declared key, whose secret came from the environment, works.
        status, models = call(server, "GET", "/v1/models", ci_key)
        assert status == 200 and models["data"]

        # Declared entities are read-only through the API, with an error naming the file.
        status, error = call(server, "PATCH", "/admin/v1/users/cac-alice", server.admin_key, {"role": "admin"})
        assert status == 409 and error["error"]["code"] == "managed_by_config", error
        assert managed_by in error["error"]["message"]
        status, error = call(server, "PATCH", "/admin/v1/teams/cac-research", server.admin_key, {"weight": 9})
        assert status == 409 and managed_by in error["error"]["message"]

        # What the API makes is its own, and survives restarts.
        status, made = call(server, "POST", "/admin/v1/users", server.admin_key, {"name": "cac-dave"})
        assert status == 201 and made.get("managed_by") is None
    finally:
        assert server.stop() == 0

    # cac-bob leaves the file: disabled at the next start, never deleted; the rest stays.
    config.write_text(config_text(["alice"]))
    server = start(tmp_path, config, admin_key=server.admin_key)
    try:
        users = users_by_name(server)
        assert users["cac-bob"]["disabled"] is True and users["cac-bob"]["managed_by"] == managed_by
        assert users["cac-alice"]["disabled"] is False and users["cac-alice"]["role"] == "member"
        assert users["cac-dave"]["disabled"] is False and users["cac-dave"].get("managed_by") is None
        status, _ = call(server, "GET", "/v1/models", ci_key)
        assert status == 200
    finally:
        assert server.stop() == 0

    # Every reconciliation change is in the audit log, the removal included, without a secret.
    exported = subprocess.run([str(enclave_binary()), "audit", "export", "--since", "2000-01-01",
                               "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=120, check=True).stdout
    changes = [json.loads(line) for line in exported.splitlines()]
    changes = [r for r in changes if r["action"] == "config.reconcile"]
    assert {"team.created", "user.created", "key.created"} <= {r["reason"] for r in changes}
    bob = users["cac-bob"]["id"]
    assert [r["reason"] for r in changes if r["target"] == bob] == ["user.created", "user.disabled"]
    assert ci_key not in exported and BCRYPT not in exported
    assert all(r["after"]["managed_by"] == managed_by for r in changes)

    # A declaration with the name of an API-made user stops the start, naming both.
    config.write_text(config_text(["alice"]) .replace("users:\n", "users:\n  - name: cac-dave\n"))
    result = subprocess.run([str(enclave_binary()), "serve", "--host", "127.0.0.1", "--port", str(free_port()),
                             "--data-dir", str(tmp_path / "data"), "--model", str(model_path()), "--config", str(config)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "cac-dave" in result.stderr and made["id"] in result.stderr and f"{managed_by}:" in result.stderr, result.stderr


def test_config_validate_reports_line_numbered_errors(tmp_path: Path):
    good = tmp_path / "good.yaml"
    good.write_text(config_text(["alice", "bob"]).replace("${CAC_CI_KEY}", "enc-" + "A" * 43))
    result = subprocess.run([str(enclave_binary()), "config", "validate", str(good)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{good} is valid"

    bad = tmp_path / "bad.yaml"
    bad.write_text("teams:\n  - name: ops\nusers:\n  - name: eve\n    teams: [sales]\n    colour: red\n"
                   "keys:\n  - name: ci\n    user: mallory\n    secret: ${CAC_UNSET_VARIABLE}\n")
    result = subprocess.run([str(enclave_binary()), "config", "validate", str(bad)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert f"{bad}:5:13: users[0].teams: the team 'sales' is not declared under teams: in this file" in lines, result.stderr
    assert any(line.startswith(f"{bad}:6:5: users[0].colour: unknown key") for line in lines)
    assert any(line.startswith(f"{bad}:9:11: keys[0].user:") for line in lines)
    assert any(line.startswith(f"{bad}:10:13: keys[0].secret:") and "CAC_UNSET_VARIABLE" in line for line in lines)

    # `enclave serve` runs the same checks and refuses to start.
    result = subprocess.run([str(enclave_binary()), "serve", "--port", "0", "--data-dir", str(tmp_path / "data"),
                             "--model", str(model_path()), "--config", str(bad)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and f"{bad}:5:13:" in result.stderr


def test_a_declared_user_has_limits_of_their_own(tmp_path: Path, monkeypatch):
    key = "enc-" + secrets.token_urlsafe(32)
    monkeypatch.setenv("CAC_LIMITED_KEY", key)
    config = tmp_path / "enclave.yaml"
    config.write_text("limits:\n  per_user: {requests_per_minute: 100}\n"
                      "users:\n  - name: cac-limited\n    limits: {requests_per_minute: 1}\n"
                      "keys:\n  - name: cac-limited\n    user: cac-limited\n    secret: ${CAC_LIMITED_KEY}\n")
    server = start(tmp_path, config)
    try:
        server.wait_ready()
        body = json.dumps({"model": server.model_id, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1}).encode()
        status, _, answer = server.post("/v1/chat/completions", body, key=key)
        assert status == 200, answer
        status, headers, answer = server.post("/v1/chat/completions", body, key=key)
        headers = {name.lower(): value for name, value in headers.items()}
        assert status == 429 and "retry-after" in headers, answer
        assert headers["x-ratelimit-limit-requests"] == "1" and b"Limit 1" in answer
        # The admin is held to the default (100 a minute), not to the declared user's limit.
        status, _, answer = server.post("/v1/chat/completions", body, key=server.admin_key)
        assert status == 200, answer
    finally:
        assert server.stop() == 0
