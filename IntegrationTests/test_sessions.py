"""Web sessions on a live server (issue 11): a user made with `users create --password-stdin` logs in,
uses /v1 with the session cookie alone, needs the CSRF token for state-changing requests, and logs out;
`users passwd` changes the password (prompting without echo on a terminal) and ends the user's sessions."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess

import httpx

from conftest import Server, enclave_binary

PASSWORD = "integration secret 1"


def enclave(server: Server, *arguments: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(enclave_binary()), *arguments, "--data-dir", str(server.data_dir)],
                          input=stdin, capture_output=True, text=True, timeout=120, check=check)


def login(server: Server, login: str, password: str) -> tuple[httpx.Client, httpx.Response]:
    browser = httpx.Client(base_url=server.url, timeout=120)
    return browser, browser.post("/auth/login", json={"login": login, "password": password})


def test_password_login_cookie_csrf_and_logout(server: Server):
    refused = enclave(server, "users", "create", "--name", "sess-short", "--password-stdin", stdin="short\n", check=False)
    assert refused.returncode != 0 and "8 characters" in refused.stderr
    empty = enclave(server, "users", "create", "--name", "sess-empty", "--password-stdin", stdin="", check=False)
    assert empty.returncode != 0
    assert "sess-short" not in enclave(server, "users", "list").stdout, "a refused password creates no user"

    created = enclave(server, "users", "create", "--name", "sess-alice", "--email", "sess-alice@example.com",
                      "--password-stdin", stdin=PASSWORD + "\n")
    assert "with a password" in created.stdout and PASSWORD not in created.stdout

    browser, wrong = login(server, "sess-alice", "not the password")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_credentials"
    assert "set-cookie" not in wrong.headers

    browser, answer = login(server, "sess-alice@example.com", PASSWORD)
    assert answer.status_code == 200, answer.text
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("enclave_session=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    csrf = answer.json()["csrf_token"]
    assert answer.json()["user"]["name"] == "sess-alice" and PASSWORD not in answer.text

    # The cookie alone opens the API.
    models = browser.get("/v1/models")
    assert models.status_code == 200 and models.json()["data"]
    me = browser.get("/v1/me").json()
    assert me["user"]["name"] == "sess-alice" and me["credential"]["type"] == "session"
    assert browser.get("/auth/session").json()["csrf_token"] == csrf

    # A state-changing request needs the CSRF token.
    without = browser.post("/v1/me/keys", json={"name": "from-browser"})
    assert without.status_code == 403 and without.json()["error"]["code"] == "csrf_failed"
    with_token = browser.post("/v1/me/keys", json={"name": "from-browser"}, headers={"X-CSRF-Token": csrf})
    assert with_token.status_code == 201, with_token.text

    # Logout ends the session on the server, whatever the browser keeps.
    kept = browser.cookies.get("enclave_session")
    assert browser.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    replay = httpx.get(server.url + "/v1/me", cookies={"enclave_session": kept})
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "invalid_session"

    log = server.log()
    assert PASSWORD not in log and csrf not in log and kept not in log

    # The login, the failed login and the logout are in the audit log, without the password.
    exported = enclave(server, "audit", "export", "--since", "2000-01-01").stdout
    records = [json.loads(line) for line in exported.splitlines()]
    alice = answer.json()["user"]["id"]
    actions = [r["action"] for r in records if r["user_id"] == alice or r["target"] == alice]
    assert "login_failed" in actions and "login" in actions and "logout" in actions
    assert actions.index("login_failed") < actions.index("login") < actions.index("logout")
    assert PASSWORD not in exported and "not the password" not in exported
    assert enclave(server, "audit", "verify").returncode == 0


def test_passwd_changes_the_password_and_ends_sessions(server: Server):
    enclave(server, "users", "create", "--name", "sess-bob", "--password-stdin", stdin=PASSWORD + "\n")
    browser, answer = login(server, "sess-bob", PASSWORD)
    assert answer.status_code == 200
    changed = enclave(server, "users", "passwd", "sess-bob", "--password-stdin", stdin="a new password 2\n")
    assert "sessions have ended" in changed.stdout
    assert browser.get("/v1/me").status_code == 401
    assert login(server, "sess-bob", PASSWORD)[1].status_code == 401
    assert login(server, "sess-bob", "a new password 2")[1].status_code == 200
    assert enclave(server, "users", "passwd", "sess-bob", stdin="tiny\n", check=False).returncode != 0


def test_passwd_prompts_without_echo_on_a_terminal(server: Server):
    enclave(server, "users", "create", "--name", "sess-carol")
    master, slave = pty.openpty()
    process = subprocess.Popen([str(enclave_binary()), "users", "passwd", "sess-carol", "--data-dir", str(server.data_dir)],
                               stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        while marker not in seen:
            ready, _, _ = select.select([master], [], [], 60)
            assert ready, f"no prompt; got {seen!r}"
            seen += os.read(master, 1024)

    read_until(b"New password for sess-carol: ")
    os.write(master, b"typed on a tty 3\n")
    read_until(b"Repeat it: ")
    os.write(master, b"typed on a tty 3\n")
    assert process.wait(timeout=60) == 0
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                break
            seen += os.read(master, 1024)
    except OSError:
        pass
    os.close(master)
    assert b"Set the password of 'sess-carol'" in seen
    assert b"typed on a tty" not in seen, "the password was echoed"
    assert login(server, "sess-carol", "typed on a tty 3")[1].status_code == 200
