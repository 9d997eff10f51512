"""Fixtures: a live `enclave serve` on a free loopback port, with a temporary data directory.

Environment:
  ENCLAVE_BIN         the enclave binary (default: .build/release/enclave, else .build/debug/enclave)
  ENCLAVE_TEST_MODEL  the GGUF model to serve (default: models/SmolLM2-135M-Instruct.Q4_1.gguf)
  ENCLAVE_READY_TIMEOUT  seconds to wait for /readyz (default 300)
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import openai
import pytest

ROOT = Path(__file__).resolve().parents[1]
KEY_PATTERN = re.compile(r"^enc-[A-Za-z0-9_-]{43,}$")
LISTEN_PATTERN = re.compile(r"listening on (http://\S+)")


def enclave_binary() -> Path:
    if os.environ.get("ENCLAVE_BIN"):
        return Path(os.environ["ENCLAVE_BIN"]).resolve()
    for configuration in ("release", "debug"):
        candidate = ROOT / ".build" / configuration / "enclave"
        if candidate.exists():
            return candidate
    pytest.fail("no enclave binary: build it (swift build) or set ENCLAVE_BIN")


def model_path() -> Path:
    return Path(os.environ.get("ENCLAVE_TEST_MODEL", ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf")).resolve()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running `enclave serve` process."""

    process: subprocess.Popen
    url: str
    admin_key: str
    data_dir: Path
    log_path: Path
    model_id: str
    stdout_lines: list[str] = field(default_factory=list)

    def client(self, key: str | None = None) -> openai.OpenAI:
        # No retries: 429 and 503 must reach the tests.
        return openai.OpenAI(base_url=self.url + "/v1", api_key=self.admin_key if key is None else key, max_retries=0, timeout=300)

    def get(self, path: str, key: str | None = None) -> tuple[int, dict[str, str], bytes]:
        return http_request("GET", self.url + path, key=key)

    def post(self, path: str, body: bytes, key: str | None = None, content_type: str = "application/json"):
        return http_request("POST", self.url + path, key=key, body=body, content_type=content_type)

    def metrics(self) -> str:
        status, _, body = self.get("/metrics", key=self.admin_key)
        assert status == 200, body
        return body.decode()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or float(os.environ.get("ENCLAVE_READY_TIMEOUT", "300")))
        while time.monotonic() < deadline:
            status, _, body = self.get("/readyz")
            if status == 200:
                return
            state = json.loads(body or b"{}")
            if state.get("status") == "failed":
                pytest.fail(f"the model failed to load: {json.dumps(state)}")
            if self.process.poll() is not None:
                pytest.fail(f"enclave serve exited with {self.process.returncode}:\n{self.log()}")
            time.sleep(0.5)
        pytest.fail("the server did not become ready in time")

    def stop(self, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def http_request(method: str, url: str, key: str | None = None, body: bytes | None = None, content_type: str | None = None):
    request = urllib.request.Request(url, data=body, method=method)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def start_server(tmp: Path, model: Path, config_text: str | None = None, extra: list[str] | None = None) -> Server:
    tmp.mkdir(parents=True, exist_ok=True)
    arguments = ["--model", str(model)]
    if config_text is not None:
        config = tmp / "enclave.yaml"
        config.write_text(config_text)
        arguments += ["--config", str(config)]
    return spawn_server(tmp, arguments + (extra or []), model.name.removesuffix(".gguf"))


def spawn_server(tmp: Path, arguments: list[str], model_id: str, admin_key: str | None = None) -> Server:
    """Starts `enclave serve ARGUMENTS` on a free loopback port with its data in `tmp/data` and its log in
    `tmp/serve.log`; returns once it prints its URL (and, on first start, its admin key). To restart a
    server on the same data directory, pass the admin key printed the first time."""
    tmp.mkdir(parents=True, exist_ok=True)
    data_dir = tmp / "data"
    log_path = tmp / "serve.log"
    arguments = [str(enclave_binary()), "serve", "--host", "127.0.0.1", "--port", str(free_port()),
                 "--data-dir", str(data_dir)] + arguments
    log = open(log_path, "w")
    process = subprocess.Popen(arguments, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
    lines: list[str] = []
    url = None
    deadline = time.monotonic() + 120
    while url is None:
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("enclave serve did not print its URL in time")
        line = process.stdout.readline()
        if not line:
            process.wait()
            pytest.fail(f"enclave serve exited with {process.returncode}:\n{log_path.read_text()}")
        line = line.rstrip("\n")
        lines.append(line)
        if KEY_PATTERN.match(line):
            admin_key = line
        if match := LISTEN_PATTERN.search(line):
            url = match.group(1)
    # Keep draining standard output so the process never blocks on a full pipe.
    threading.Thread(target=lambda: [lines.append(l.rstrip("\n")) for l in process.stdout], daemon=True).start()
    assert admin_key, f"no admin key printed on first start: {lines}"
    return Server(process, url, admin_key, data_dir, log_path, model_id, lines)


CONFIG = """\
limits:
  max_body_bytes: 256KiB
  queue_length: 2
logging:
  level: info
  format: json
server:
  shutdown_grace_seconds: 30
"""


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    """A server that answers HTTP (its model may still be loading)."""
    model = model_path()
    if not model.exists():
        pytest.fail(f"the model {model} is missing: run `make models`")
    instance = start_server(tmp_path_factory.mktemp("enclave"), model, CONFIG)
    yield instance
    code = instance.stop()
    assert code == 0, f"enclave serve exited with {code} on SIGTERM:\n{instance.log()}"


@pytest.fixture(scope="session")
def ready_server(server: Server) -> Server:
    """The same server once its model is loaded."""
    server.wait_ready()
    return server


@pytest.fixture()
def client(ready_server: Server) -> openai.OpenAI:
    return ready_server.client()
