"""The HTTP transport against hostile and clumsy clients (issue 10 items 2 and 3, issue 17 item 3).

Raw sockets on loopback only, every wait bounded. `make test-integration` runs this under
`ulimit -n 1024`, so the server has 1,024 descriptors as in the issue's reproductions.
"""

from __future__ import annotations

import json
import os
import select
import socket
import threading
import time
import urllib.parse

import pytest

from conftest import Server, model_path, start_server

TRANSPORT_CONFIG = """\
limits:
  max_body_bytes: 256KiB
logging:
  level: info
  format: json
server:
  request_head_timeout_seconds: 1
  request_body_timeout_seconds: 2
  idle_timeout_seconds: 5
"""

CAPPED_CONFIG = """\
logging:
  format: json
server:
  request_head_timeout_seconds: 6
  idle_timeout_seconds: 6
  max_connections: 300
  max_connections_per_client: 100
"""


@pytest.fixture(scope="module")
def transport_server(tmp_path_factory) -> Server:
    """A server with small timeouts and caps, so the exhaustion checks are quick."""
    instance = start_server(tmp_path_factory.mktemp("transport"), model_path(), TRANSPORT_CONFIG)
    instance.wait_ready()
    yield instance
    assert instance.stop() == 0, instance.log()


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory) -> Server:
    """A server with small connection caps (no model needed: only /healthz and /metrics are asked)."""
    instance = start_server(tmp_path_factory.mktemp("capped"), model_path(), CAPPED_CONFIG)
    yield instance
    assert instance.stop() == 0, instance.log()


def port_of(server: Server) -> int:
    return urllib.parse.urlsplit(server.url).port


def connect(server: Server, source: str = "127.0.0.1", timeout: float = 30) -> socket.socket:
    connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    connection.bind((source, 0))
    connection.connect(("127.0.0.1", port_of(server)))
    return connection


class Reader:
    """Reads HTTP/1.x responses off a raw socket."""

    def __init__(self, connection: socket.socket):
        self.connection = connection
        self.buffer = b""
        self.closed = False

    def _fill(self) -> bool:
        try:
            data = self.connection.recv(65536)
        except ConnectionResetError:
            data = b""
        if not data:
            self.closed = True
            return False
        self.buffer += data
        return True

    def _take_line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            if not self._fill():
                raise EOFError("the connection closed")
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _take(self, count: int) -> bytes:
        while len(self.buffer) < count:
            if not self._fill():
                raise EOFError("the connection closed")
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def response(self) -> tuple[str, int, dict[str, str], bytes]:
        """(version, status, headers with lower-case names, body)."""
        status_line = self._take_line().decode()
        version, status = status_line.split(" ")[0], int(status_line.split(" ")[1])
        headers: dict[str, str] = {}
        while line := self._take_line():
            name, value = line.decode().split(":", 1)
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = self._take(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            body = b""
            while size := int(self._take_line().split(b";")[0], 16):
                body += self._take(size)
                self._take(2)
            self._take_line()
        else:
            while self._fill():
                pass
            body, self.buffer = self.buffer, b""
        return version, status, headers, body

    def at_eof(self, timeout: float) -> bool:
        """Whether the server closes the connection within `timeout` seconds (no more bytes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.connection], [], [], max(0.0, deadline - time.monotonic()))
            if ready and not self._fill():
                return self.buffer == b""
        return False


def request(method: str, path: str, server: Server, body: bytes = b"", headers: str = "", version: str = "HTTP/1.1",
            host: bool = True, key: bool = True) -> bytes:
    lines = [f"{method} {path} {version}"]
    if host:
        lines.append("Host: 127.0.0.1")
    if key:
        lines.append(f"Authorization: Bearer {server.admin_key}")
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    text = "\r\n".join(lines) + "\r\n" + headers + "\r\n"
    return text.encode() + body


def chat(server: Server, stream: bool = False, max_tokens: int = 2, content: str = "Name three colours.") -> bytes:
    return json.dumps({"model": server.model_id, "messages": [{"role": "user", "content": content}],
                       "max_tokens": max_tokens, "temperature": 0, "stream": stream}).encode()


def sample(metrics: str, name: str, *labels: str) -> float:
    total = 0.0
    for line in metrics.splitlines():
        if (line.startswith(name + "{") or line.startswith(name + " ")) and all(label in line for label in labels):
            total += float(line.rsplit(" ", 1)[1])
    return total


def open_descriptors(server: Server) -> int:
    return len(os.listdir(f"/proc/{server.process.pid}/fd"))


def events(body: bytes) -> list[str]:
    return [frame[6:] for frame in body.decode().split("\n\n") if frame.startswith("data: ")]


# MARK: issue 10 item 2: connections cannot be exhausted


def test_the_descriptor_limit_is_raised_and_logged(transport_server: Server):
    line = next(json.loads(l) for l in transport_server.log().splitlines() if '"file descriptor limit"' in l)
    soft, hard = int(line["limit"]), int(line["hard"])
    assert soft == hard > 0
    with open(f"/proc/{transport_server.process.pid}/limits") as limits:
        row = next(l for l in limits if l.startswith("Max open files"))
    assert int(row.split()[3]) == soft


def test_one_megabyte_headers_then_close_leave_no_socket_behind(transport_server: Server):
    header = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n"
    answered = 0

    def attack(count: int):
        nonlocal answered
        for _ in range(count):
            connection = connect(transport_server, timeout=10)
            try:
                connection.sendall(header)
            except OSError:
                pass  # the server may close before the whole megabyte is in
            try:
                if connection.recv(64).startswith(b"HTTP/1.1 400"):
                    answered += 1
            except OSError:
                pass
            connection.close()

    # 1,100 requests: more than the server's 1,024 descriptors, so each leaked socket would show.
    threads = [threading.Thread(target=attack, args=(275,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert answered >= 1000
    deadline = time.monotonic() + 10
    while open_descriptors(transport_server) > 100 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert open_descriptors(transport_server) <= 100
    status, _, _ = transport_server.get("/healthz")
    assert status == 200


def poll_refusals(held: list[socket.socket], refused: list[bytes], wait: float = 0.05) -> list[socket.socket]:
    """Closes the connections the server answered (its refusals); returns those it keeps open."""
    kept = []
    ready, _, _ = select.select(held, [], [], wait)
    for connection in held:
        if connection in ready:
            reader = Reader(connection)
            try:
                version, status, headers, body = reader.response()
                refused.append(f"{status} {headers.get('retry-after')} {headers.get('connection')}".encode())
            except EOFError:
                refused.append(b"closed")
            connection.close()
        else:
            kept.append(connection)
    return kept


def test_idle_connections_are_capped_per_client_and_in_total_then_time_out(capped_server: Server):
    transport_server = capped_server
    before = transport_server.metrics()
    held: list[socket.socket] = []
    refused: list[bytes] = []
    # 1,100 idle connections from one address: 100 are kept (the per-client cap), the rest refused.
    for batch in range(22):
        held += [connect(transport_server) for _ in range(50)]
        held = poll_refusals(held, refused)
    # Connections still in the listen backlog look open until the server accepts (and refuses) them.
    deadline = time.monotonic() + 20
    while len(held) > 100 and time.monotonic() < deadline:
        held = poll_refusals(held, refused, wait=0.5)
    held = poll_refusals(held, refused, wait=0.2)
    assert len(held) == 100
    assert len(refused) == 1000
    # Each refusal is a 503 with Retry-After and close, or (past 64 answers in flight) a bare close.
    assert b"503 1 close" in refused and set(refused) <= {b"503 1 close", b"closed"}
    # Another address still gets in at once.
    other = connect(transport_server, source="127.0.0.2")
    other.sendall(request("GET", "/healthz", transport_server, key=False))
    assert Reader(other).response()[1] == 200
    other.close()
    # Fill the total cap (300) from two more addresses: the next connection is refused as server_full.
    for source in ("127.0.0.3", "127.0.0.4"):
        held += [connect(transport_server, source=source) for _ in range(100)]
    time.sleep(0.3)
    late = connect(transport_server, source="127.0.0.5")
    assert Reader(late).response()[1] == 503
    late.close()
    # The idle connections time out (request_head_timeout_seconds: 6) and close.
    deadline = time.monotonic() + 20
    while held and time.monotonic() < deadline:
        ready, _, _ = select.select(held, [], [], 0.5)
        for connection in ready:
            assert connection.recv(1) == b""
            connection.close()
            held.remove(connection)
    assert not held
    status, _, _ = transport_server.get("/healthz")
    assert status == 200
    metrics = transport_server.metrics()
    assert sample(metrics, "enclave_http_connections_refused_total", 'reason="client_full"') - \
        sample(before, "enclave_http_connections_refused_total", 'reason="client_full"') >= 1000
    assert sample(metrics, "enclave_http_connections_refused_total", 'reason="server_full"') >= 1
    assert sample(metrics, "enclave_http_timeouts_total", 'phase="head"') - \
        sample(before, "enclave_http_timeouts_total", 'phase="head"') >= 300
    assert sample(metrics, "enclave_http_connections_open") <= 5


def test_a_slow_head_gets_408_and_the_connection_closes(transport_server: Server):
    connection = connect(transport_server)
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finished
    reader = Reader(connection)
    start = time.monotonic()
    version, status, headers, _ = reader.response()
    assert status == 408 and headers["connection"] == "close"
    assert time.monotonic() - start < 5
    assert reader.at_eof(5)


def test_an_idle_keep_alive_connection_is_closed(transport_server: Server):
    connection = connect(transport_server)
    connection.sendall(request("GET", "/healthz", transport_server, key=False))
    reader = Reader(connection)
    assert reader.response()[1] == 200
    start = time.monotonic()
    assert reader.at_eof(10)  # idle_timeout_seconds: 5
    assert time.monotonic() - start > 3


def test_a_stalled_body_gets_408(transport_server: Server):
    connection = connect(transport_server)
    body = chat(transport_server)
    connection.sendall(request("POST", "/v1/chat/completions", transport_server, body=body)[:-10])
    reader = Reader(connection)
    version, status, headers, payload = reader.response()
    assert status == 408
    assert headers["connection"] == "close"
    assert reader.at_eof(5)


def test_a_long_stream_is_not_cut_by_the_timeouts(transport_server: Server):
    # The stream takes longer than the head and body timeouts of this server (1 s and 2 s).
    connection = connect(transport_server)
    # 1,500 tokens: 600 took only 2.3 s once the machine was quiet (about 260 tokens/s).
    body = chat(transport_server, stream=True, max_tokens=1500, content="Tell me a very long story.")
    connection.sendall(request("POST", "/v1/chat/completions", transport_server, body=body))
    start = time.monotonic()
    _, status, _, payload = Reader(connection).response()
    assert status == 200
    assert events(payload)[-1] == "[DONE]"
    assert time.monotonic() - start > 2.5, "the stream was too short to prove anything"
    connection.close()


# MARK: issue 10 item 3: HTTP/1.1 done right


def test_pipelined_requests_after_a_generation_are_all_answered_in_order(transport_server: Server):
    connection = connect(transport_server)
    payload = request("POST", "/v1/chat/completions", transport_server, body=chat(transport_server), headers="X-Request-Id: r1\r\n")
    for index in (2, 3, 4):
        payload += request("GET", "/v1/models", transport_server, headers=f"X-Request-Id: r{index}\r\n")
    connection.sendall(payload)
    reader = Reader(connection)
    answers = [reader.response() for _ in range(4)]
    assert [a[2]["x-request-id"] for a in answers] == ["r1", "r2", "r3", "r4"]
    assert [a[1] for a in answers] == [200] * 4
    assert json.loads(answers[0][3])["object"] == "chat.completion"
    assert all("connection" not in a[2] for a in answers)
    connection.close()


def test_connection_close_is_honoured_answer_then_close(transport_server: Server):
    connection = connect(transport_server)
    first = request("GET", "/v1/models", transport_server, headers="Connection: Close\r\nX-Request-Id: only\r\n")
    second = request("GET", "/v1/models", transport_server, headers="X-Request-Id: never\r\n")
    connection.sendall(first + second)
    reader = Reader(connection)
    _, status, headers, _ = reader.response()
    assert status == 200 and headers["connection"] == "close" and headers["x-request-id"] == "only"
    assert reader.at_eof(3)
    # The request's log line is written once its response is out: it may land a moment later.
    deadline = time.monotonic() + 10
    while '"only"' not in transport_server.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert '"only"' in transport_server.log()
    assert '"never"' not in transport_server.log()


def test_a_body_shorter_than_its_content_length_is_a_400_not_a_500(transport_server: Server):
    connection = connect(transport_server)
    body = chat(transport_server)
    head = request("POST", "/v1/chat/completions", transport_server, body=body)
    connection.sendall(head[:-20])
    connection.shutdown(socket.SHUT_WR)
    reader = Reader(connection)
    _, status, headers, payload = reader.response()
    assert status == 400
    assert json.loads(payload)["error"]["type"] == "invalid_request_error"
    metrics = transport_server.metrics()
    assert sample(metrics, "enclave_http_requests_total", 'route="/v1/chat/completions"', 'status="500"') == 0
    assert '"error.code":"internal_error"' not in transport_server.log()


def test_http_1_0_streams_are_close_delimited_not_chunked(transport_server: Server):
    connection = connect(transport_server)
    connection.sendall(request("POST", "/v1/chat/completions", transport_server, body=chat(transport_server, stream=True),
                               version="HTTP/1.0", host=False))
    version, status, headers, payload = Reader(connection).response()
    assert version == "HTTP/1.0" and status == 200
    assert "transfer-encoding" not in headers
    assert headers["connection"] == "close"
    frames = events(payload)
    assert frames[-1] == "[DONE]"
    assert json.loads(frames[0])["object"] == "chat.completion.chunk"


@pytest.mark.parametrize("hosts", [0, 2])
def test_http_1_1_without_exactly_one_host_is_400(transport_server: Server, hosts: int):
    connection = connect(transport_server)
    extra = "".join("Host: 127.0.0.1\r\n" for _ in range(hosts))
    connection.sendall(request("GET", "/healthz", transport_server, host=False, key=False, headers=extra))
    reader = Reader(connection)
    _, status, headers, _ = reader.response()
    assert status == 400 and headers["connection"] == "close"
    assert headers["x-content-type-options"] == "nosniff"
    assert reader.at_eof(3)


@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "GET", "PUT"])
def test_other_methods_on_post_routes_are_405_with_allow(transport_server: Server, method: str):
    connection = connect(transport_server)
    connection.sendall(request(method, "/v1/chat/completions", transport_server))
    _, status, headers, body = Reader(connection).response()
    assert status == 405
    assert headers["allow"] == "POST"
    assert json.loads(body)["error"]["message"]
    connection.close()


def test_a_half_close_after_a_complete_request_still_gets_the_answer(transport_server: Server):
    before = sample(transport_server.metrics(), "enclave_generations_total", 'outcome="cancelled"')
    for stream in (False, True):
        connection = connect(transport_server)
        connection.sendall(request("POST", "/v1/chat/completions", transport_server, body=chat(transport_server, stream=stream, max_tokens=8)))
        connection.shutdown(socket.SHUT_WR)
        reader = Reader(connection)
        _, status, headers, payload = reader.response()
        assert status == 200, payload
        if stream:
            assert events(payload)[-1] == "[DONE]"
        else:
            assert json.loads(payload)["choices"][0]["message"]["content"]
        assert reader.at_eof(3)
        connection.close()
    assert sample(transport_server.metrics(), "enclave_generations_total", 'outcome="cancelled"') == before


# MARK: issue 17 item 3: keep-alive


def disconnect_mid_stream(server: Server):
    quitter = connect(server)
    quitter.sendall(request("POST", "/v1/chat/completions", server,
                            body=chat(server, stream=True, max_tokens=2000, content="Tell me a very long story.")))
    received = b""
    while received.count(b"data: ") < 3:
        received += quitter.recv(4096)
    quitter.close()


def test_a_hundred_requests_on_one_keep_alive_connection_with_disconnects_in_between(transport_server: Server):
    before = transport_server.metrics()
    connection = connect(transport_server)
    reader = Reader(connection)
    disconnects = 0
    for index in range(100):
        stream = index % 2 == 1
        body = chat(transport_server, stream=stream, max_tokens=2)
        connection.sendall(request("POST", "/v1/chat/completions", transport_server, body=body, headers=f"X-Request-Id: k{index}\r\n"))
        _, status, headers, payload = reader.response()
        assert status == 200, payload
        assert headers["x-request-id"] == f"k{index}"
        assert "connection" not in headers
        if stream:
            frames = events(payload)
            assert frames[-1] == "[DONE]"
            assert json.loads(frames[-2])["choices"][0]["finish_reason"] == "length"
        else:
            answer = json.loads(payload)
            assert answer["id"] == f"chatcmpl-k{index}"
            assert answer["usage"]["completion_tokens"] == 2
        if index % 10 == 5:
            disconnect_mid_stream(transport_server)
            disconnects += 1
    connection.close()
    deadline = time.monotonic() + 60
    polls = 0
    while time.monotonic() < deadline:
        metrics = transport_server.metrics()
        polls += 1
        cancelled = sample(metrics, "enclave_generations_total", 'outcome="cancelled"') - \
            sample(before, "enclave_generations_total", 'outcome="cancelled"')
        if cancelled >= disconnects and sample(metrics, "enclave_active_sequences") == 0 \
                and sample(metrics, "enclave_engine_sequences_running") == 0:
            break
        time.sleep(0.2)
    else:
        state = [line for line in metrics.splitlines() if line.startswith(("enclave_generations_total", "enclave_active_sequences",
                                                                           "enclave_engine_sequences", "enclave_scheduler_"))]
        pytest.fail(f"the disconnected streams did not all stop: {cancelled} of {disconnects} cancelled; " + "\n".join(state))
    # The kept-alive connection, one per disconnect, and one per metrics poll (on a loaded machine the
    # cancellations may need several polls to show): nothing else opened a connection.
    assert sample(metrics, "enclave_http_connections_accepted_total") - \
        sample(before, "enclave_http_connections_accepted_total") == 1 + disconnects + polls


# MARK: issue 10 item 6 and issue 17 item 7


def test_security_headers_on_errors_404s_and_health(transport_server: Server):
    for path, key in (("/healthz", False), ("/nowhere", True), ("/v1/models", False), ("/readyz", False)):
        connection = connect(transport_server)
        connection.sendall(request("GET", path, transport_server, key=key))
        _, status, headers, _ = Reader(connection).response()
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["cache-control"] == "no-store", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert headers["x-frame-options"] == "DENY", path
        connection.close()


def test_the_root_page_is_html_for_a_browser(transport_server: Server):
    status, headers, body = transport_server.get("/")
    headers = {name.lower(): value for name, value in headers.items()}
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert b"Enclave" in body and b"/v1" in body
