"""People, teams and keys on a live server (issue 11): the CLI and the admin API over one database,
keys owned by users, limited to models, expiring and refused once their user is disabled."""

from __future__ import annotations

import json
import subprocess

import openai
import pytest

from conftest import Server, enclave_binary, http_request


def enclave(server: Server, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(enclave_binary()), *arguments, "--data-dir", str(server.data_dir)],
                          capture_output=True, text=True, timeout=60, check=check)


def call(server: Server, method: str, path: str, key: str, body: dict | None = None):
    status, _, data = http_request(method, server.url + path, key=key,
                                   body=json.dumps(body).encode() if body is not None else None,
                                   content_type="application/json" if body is not None else None)
    return status, json.loads(data) if data else None


def test_cli_people_and_keys_work_against_the_running_server(ready_server: Server):
    server = ready_server
    assert "weight 3" in enclave(server, "teams", "create", "people-research", "--weight", "3").stdout
    enclave(server, "users", "create", "--name", "people-alice", "--email", "alice@people.test", "--team", "people-research")
    created = enclave(server, "keys", "create", "--name", "laptop", "--user", "people-alice",
                      "--models", server.model_id, "--expires", "30d")
    key = created.stdout.strip().splitlines()[-1]
    assert "expires" in created.stdout and f"models {server.model_id}" in created.stdout

    status, me = call(server, "GET", "/v1/me", key)
    assert status == 200
    assert me["user"]["name"] == "people-alice" and me["user"]["teams"] == ["people-research"]
    assert me["credential"]["models"] == [server.model_id] and "secret" not in json.dumps(me)

    answer = server.client(key=key).chat.completions.create(
        model=server.model_id, messages=[{"role": "user", "content": "Hi"}], max_tokens=2)
    assert answer.usage.completion_tokens >= 1
    with pytest.raises(openai.NotFoundError):
        server.client(key=key).chat.completions.create(model="gemma-3-270m", messages=[{"role": "user", "content": "Hi"}])

    listing = enclave(server, "users", "list").stdout
    assert "people-alice" in listing and "people-research" in listing
    teams = enclave(server, "teams", "list").stdout
    assert "people-alice" in teams

    # A member cannot reach the admin API; disabling the user stops their key at once.
    status, error = call(server, "GET", "/admin/v1/users", key)
    assert status == 403 and error["error"]["code"] == "insufficient_permissions"
    enclave(server, "users", "disable", "people-alice")
    with pytest.raises(openai.AuthenticationError) as refused:
        server.client(key=key).models.list()
    assert "disabled" in refused.value.message
    enclave(server, "users", "enable", "people-alice")
    assert server.client(key=key).models.list().data


def test_admin_api_creates_what_the_cli_then_lists(ready_server: Server):
    server = ready_server
    status, team = call(server, "POST", "/admin/v1/teams", server.admin_key, {"name": "people-ops", "weight": 2})
    assert status == 201 and team["weight"] == 2
    status, user = call(server, "POST", "/admin/v1/users", server.admin_key, {"name": "people-bob", "teams": ["people-ops"]})
    assert status == 201 and user["role"] == "member"
    status, key = call(server, "POST", "/admin/v1/keys", server.admin_key, {"name": "ci", "user": "people-bob"})
    assert status == 201 and key["secret"].startswith("enc-")
    assert "people-bob" in enclave(server, "users", "list").stdout
    keys = enclave(server, "keys", "list", "--user", "people-bob").stdout
    assert "ci" in keys and key["secret"] not in keys

    status, error = call(server, "POST", "/admin/v1/keys", server.admin_key, {"name": "x", "user": "people-bob", "scopes": ["admin"]})
    assert status == 403
    status, error = call(server, "POST", "/admin/v1/users", server.admin_key, {"name": "people-bob"})
    assert status == 409 and error["error"]["code"] == "conflict"
    status, revoked = call(server, "DELETE", f"/admin/v1/keys/{key['id']}", server.admin_key)
    assert status == 200 and revoked["revoked_at"]
    with pytest.raises(openai.AuthenticationError):
        server.client(key=key["secret"]).models.list()
