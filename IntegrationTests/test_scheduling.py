"""Fair scheduling on a live server: the X-Enclave-Priority header (batch accepted, anything else a 400 in
OpenAI's error shape), the scheduler's metrics labelled by team name and model (never a user or key id),
and a `scheduling:` section that `enclave serve` refuses with the key and line when a value is wrong."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request

import pytest

from conftest import Server, enclave_binary, http_request, model_path, spawn_server

CONFIG = """\
scheduling:
  policy: fair
  preemption: true
  queue_per_user: 4
  queue_length: 16
logging:
  format: json
"""


def cli(server: Server, *arguments: str) -> str:
    done = subprocess.run([str(enclave_binary()), *arguments, "--data-dir", str(server.data_dir)],
                          capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scheduling")
    config = tmp / "enclave.yaml"
    config.write_text(CONFIG)
    server = spawn_server(tmp, ["--model", str(model_path()), "--config", str(config)], model_path().name.removesuffix(".gguf"))
    server.wait_ready()
    yield server
    assert server.stop() == 0, server.log()


def chat(server: Server, key: str, priority: str | None):
    body = json.dumps({"model": server.model_id, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1}).encode()
    request = urllib.request.Request(server.url + "/v1/chat/completions", data=body, method="POST")
    request.add_header("Authorization", f"Bearer {key}")
    request.add_header("Content-Type", "application/json")
    if priority is not None:
        request.add_header("X-Enclave-Priority", priority)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_the_priority_header_selects_a_class_and_rejects_other_values(scheduled: Server):
    status, answer = chat(scheduled, scheduled.admin_key, "batch")
    assert status == 200 and answer["usage"]["completion_tokens"] >= 1
    status, answer = chat(scheduled, scheduled.admin_key, "Interactive")
    assert status == 200
    status, error = chat(scheduled, scheduled.admin_key, "urgent")
    assert status == 400
    assert error["error"]["param"] == "X-Enclave-Priority"
    assert "interactive or batch" in error["error"]["message"]


def test_scheduler_metrics_are_labelled_by_team_name_and_model(scheduled: Server):
    cli(scheduled, "teams", "create", "sched-research", "--weight", "2")
    cli(scheduled, "users", "create", "--name", "sched-carol", "--team", "sched-research")
    key = cli(scheduled, "keys", "create", "--name", "k", "--user", "sched-carol").strip().splitlines()[-1]
    status, _ = chat(scheduled, key, None)
    assert status == 200
    metrics = scheduled.metrics()
    lines = [line for line in metrics.splitlines() if line.startswith("enclave_scheduler_")]
    team_lines = [line for line in lines if 'team="sched-research"' in line]
    assert any(line.startswith("enclave_scheduler_queue_time_seconds") for line in team_lines), lines
    assert any(line.startswith("enclave_scheduler_running") and float(line.rsplit(" ", 1)[1]) == 0 for line in team_lines), lines
    assert all(f'model="{scheduled.model_id}"' in line for line in team_lines)
    # Labels are team names and models only: no user or key ids.
    status, _, body = http_request("GET", scheduled.url + "/v1/me", key=key)
    me = json.loads(body)
    assert me["user"]["id"] not in metrics
    # The existing names still report.
    assert "enclave_queue_depth" in metrics and "enclave_active_sequences" in metrics


def test_a_wrong_scheduling_value_stops_the_server_with_key_and_line(tmp_path):
    config = tmp_path / "enclave.yaml"
    config.write_text("scheduling:\n  policy: lottery\n")
    done = subprocess.run([str(enclave_binary()), "serve", "--port", "0", "--data-dir", str(tmp_path / "data"),
                           "--model", str(model_path()), "--config", str(config)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "enclave.yaml:2:11: scheduling.policy" in done.stderr and "fair, fifo" in done.stderr
