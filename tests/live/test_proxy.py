"""The product's nginx config (docker/nginx/) in front of two real gunicorns, all on loopback.

Why real processes: what is under test is how nginx buffers, retries, refuses and forwards,
and how gunicorn and the app read what it forwards; no mock can say that. Each replica runs
one sync worker (WORKERS=1), so a single pinned worker would show.
"""

from __future__ import annotations

import gzip
import json
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask_swagger_ui
import pytest
from werkzeug.datastructures import Headers

from tests.conftest import SAMPLE_CSV
from tests.helpers import jsonapi
from tests.helpers.jsonapi import Reply
from tests.helpers.live_server import free_port
from tests.helpers.load import Load
from tests.helpers.nginx_proxy import NGINX_MISSING, Api, Proxy, nginx_binary, running_apis, running_proxy

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason=NGINX_MISSING)

JSONAPI = "application/vnd.api+json"
REQUEST_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(scope="module")
def apis() -> Iterator[list[Api]]:
    with running_apis(SAMPLE_CSV, count=2, workers=1) as replicas:
        yield replicas


@pytest.fixture(scope="module")
def proxy(apis: list[Api], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    with running_proxy(tmp_path_factory.mktemp("nginx") / "prefix", [api.address for api in apis]) as running:
        yield running


@dataclass
class Answer:
    status: int
    headers: dict[str, list[str]]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[-1] if values else None

    def document(self) -> dict[str, Any]:
        """The body as a JSON:API document, checked by tests/jsonapi.document."""
        assert self.header("Content-Type") == JSONAPI, (self.status, self.headers, self.body[:300])
        headers = Headers([(name, value) for name, values in self.headers.items() for value in values])
        return jsonapi.document(Reply(self.status, headers, self.body))

    def error(self, status: int) -> dict[str, Any]:
        """The one error object of the proxy's own JSON:API error answer with `status`."""
        assert self.status == status, (self.status, self.headers, self.body[:300])
        [error] = self.document()["errors"]
        assert error["status"] == str(status)
        assert error["title"] and error["detail"]
        assert error["id"] == self.header("X-Request-Id")  # only the proxy's errors have an id
        return dict(error)


def read_answer(sock: socket.socket, head: bool = False) -> Answer:
    """One HTTP/1.x response from `sock`: the head, then the body (Content-Length, chunked or to the close)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a complete response head: {data!r}"
        data += chunk
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head_bytes.decode("latin-1").split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    length = headers.get("content-length")
    if head:
        body = b""
    elif length is not None:
        while len(body) < int(length[-1]):
            chunk = sock.recv(65536)
            assert chunk, f"connection closed after {len(body)} of {length[-1]} bytes"
            body += chunk
    elif headers.get("transfer-encoding") == ["chunked"]:
        while not (body.endswith(b"\r\n0\r\n\r\n") or body == b"0\r\n\r\n"):
            chunk = sock.recv(65536)
            assert chunk, "connection closed before the last chunk"
            body += chunk
        body = _dechunk(body)
    else:
        while chunk := sock.recv(65536):
            body += chunk
    return Answer(int(status_line.split(" ")[1]), headers, body)


def _dechunk(body: bytes) -> bytes:
    out = b""
    while True:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return out
        out, body = out + body[:size], body[size + 2 :]


def exchange(proxy: Proxy, raw: bytes, timeout: float = 10) -> Answer:
    """Send `raw` bytes as they are and read the one answer."""
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=timeout) as sock:
        sock.sendall(raw)
        return read_answer(sock, head=raw.startswith(b"HEAD "))


def http_get(proxy: Proxy, target: str, headers: dict[str, str] | None = None) -> Answer:
    """GET `target` exactly as written, with these headers (Host: the address used, unless given)."""
    sent = {"Host": f"127.0.0.1:{proxy.port}", **(headers or {})}
    lines = [f"GET {target} HTTP/1.1", *(f"{name}: {value}" for name, value in sent.items())]
    return exchange(proxy, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))


# --- slow clients ----------------------------------------------------------------------------


def test_128_clients_that_never_finish_their_headers_do_not_delay_a_normal_request(proxy: Proxy) -> None:
    stalled: list[socket.socket] = []
    try:
        for _ in range(128):
            sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
            stalled.append(sock)
            sock.sendall(b"GET /expanses HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        answer = http_get(proxy, "/expanses?page[size]=5")
        elapsed = time.monotonic() - started
        assert answer.status == 200
        assert len(answer.document()["data"]) == 5
        assert elapsed < 2, f"a normal request took {elapsed:.2f} s behind 128 stalled clients"
        # The stalled clients are still connected: nginx holds them, not the two workers.
        for sock in stalled:
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
    finally:
        for sock in stalled:
            sock.close()


BUNDLE = "/docs/swagger-ui-bundle.js"  # 1.6 MB, the largest answer the API has


def stalled_reader(port: int) -> socket.socket:
    """A client that asks for the bundle and reads nothing, over a path as narrow as a slow network's.

    Loopback's 64 KB segments would let the kernel's socket buffers swallow the whole bundle
    (no client could pin anything); a 536-byte segment size and a 4 KB receive buffer keep the
    sender's buffers as small as they are for a distant client.
    """
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    sock.settimeout(5)
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"GET {BUNDLE} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return sock


def bundles_sent(apis: list[Api]) -> int:
    """Bundles gunicorn has finished sending (it logs a request once the whole answer is out)."""
    lines = (line for api in apis for line in api.server.output().splitlines() if line.startswith("{"))
    entries = (json.loads(line) for line in lines)  # gunicorn's JSON log lines (service/ops/logs.py)
    return sum(1 for entry in entries if entry.get("method") == "GET" and entry.get("path") == BUNDLE)


def test_without_the_proxy_one_stalled_reader_pins_a_replicas_only_worker(apis: list[Api]) -> None:
    """The control: what the proxy must prevent does happen to a bare replica with these clients."""
    reader = stalled_reader(apis[0].port)
    try:
        with socket.create_connection(("127.0.0.1", apis[0].port), timeout=2) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            with pytest.raises(TimeoutError):
                sock.recv(1)
    finally:
        reader.close()
    apis[0].server.wait_until_ready(f"http://{apis[0].address}", seconds=10)  # freed by the reset


def test_clients_that_stop_reading_a_large_answer_do_not_pin_a_worker(proxy: Proxy, apis: list[Api]) -> None:
    before = bundles_sent(apis)
    readers: list[socket.socket] = []
    try:
        for _ in range(4):  # two per replica: twice the workers there are
            readers.append(stalled_reader(proxy.port))
        deadline = time.monotonic() + 10
        while bundles_sent(apis) < before + 4:
            assert time.monotonic() < deadline, "gunicorn did not finish sending the bundle to nginx within 10 s"
            time.sleep(0.05)
        for _ in range(4):
            started = time.monotonic()
            answer = http_get(proxy, "/expanses/1")
            elapsed = time.monotonic() - started
            assert answer.status == 200 and answer.document()["data"]["id"] == "1"
            assert elapsed < 2, f"a request took {elapsed:.2f} s while four clients did not read"
        proxy.wait_for_log("buffered to a temporary file")  # 1.6 MB > 512 KB of memory buffers
        # nginx still holds each answer for its client, which can read it whole.
        readers[0].settimeout(10)
        bundle = Path(flask_swagger_ui.__file__).resolve().parent / "dist" / "swagger-ui-bundle.js"
        assert read_answer(readers[0]).body == bundle.read_bytes()
    finally:
        for sock in readers:
            sock.close()


# --- refusals the proxy answers itself -------------------------------------------------------

HOST = b"Host: x\r\n"
REFUSALS = {
    "request line over 10 KB": (b"GET /expanses?filter[departments]=" + b"a" * 10240 + b" HTTP/1.1\r\n" + HOST, 414),
    "garbage request line": (b"HELLO WORLD\r\n", 400),
    "TLS handshake on the HTTP port": (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03 garbage\r\n", 400),
    "NUL in the path": (b"GET /\x00 HTTP/1.1\r\n" + HOST, 400),
    "header line without a colon": (b"GET / HTTP/1.1\r\n" + HOST + b"Accept application/json\r\n", 400),
    "HTTP/1.1 without Host": (b"GET / HTTP/1.1\r\n", 400),
    "Content-Length and chunked": (
        b"POST /expanses HTTP/1.1\r\n" + HOST + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
        400,
    ),
    "one header over 8 KB": (b"GET / HTTP/1.1\r\n" + HOST + b"Cookie: " + b"a" * 9000 + b"\r\n", 431),
    "headers over 32 KB in all": (
        b"GET / HTTP/1.1\r\n" + HOST + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 4000) for i in range(10)),
        431,
    ),
    "TRACE": (b"TRACE / HTTP/1.1\r\n" + HOST, 405),
    "unknown Transfer-Encoding": (b"POST /expanses HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: gzip\r\n", 501),
    "HTTP/2.0 request line": (b"GET / HTTP/2.0\r\n" + HOST, 505),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_request_nginx_refuses_gets_a_json_api_error(proxy: Proxy, case: str) -> None:
    raw, status = REFUSALS[case]
    answer = exchange(proxy, raw + b"\r\n")
    error = answer.error(status)
    assert answer.header("Cache-Control") == "no-store"
    if status == 405:
        assert answer.header("Allow") == "GET, HEAD, OPTIONS"
    assert "<html" not in answer.body.decode("latin-1") and error["detail"].endswith(".")


@pytest.mark.parametrize("chunked", [False, True], ids=["Content-Length", "chunked"])
def test_a_body_over_16_kb_is_413(proxy: Proxy, chunked: bool) -> None:
    body = b"x" * 20000
    if chunked:
        framing = b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    else:
        framing = b"Content-Length: %d\r\n\r\n" % len(body) + body
    answer = exchange(
        proxy, b"POST /expanses HTTP/1.1\r\n" + HOST + b"Content-Type: " + JSONAPI.encode() + b"\r\n" + framing
    )
    assert "16 KB" in answer.error(413)["detail"]


def test_a_small_body_reaches_the_api_which_refuses_the_write(proxy: Proxy) -> None:
    answer = exchange(proxy, b"POST /expanses HTTP/1.1\r\n" + HOST + b"Content-Length: 2\r\n\r\n{}")
    [error] = answer.document()["errors"]  # the API's own answer, passed through
    assert (answer.status, error["title"]) == (403, "Read-only API")


@pytest.mark.parametrize("path", ["/metrics", "/metrics/", "/metrics?name[]=x", "/%6detrics", "//metrics/process"])
def test_metrics_are_not_published(proxy: Proxy, path: str) -> None:
    answer = http_get(proxy, path)
    assert answer.error(404)["detail"] == "There is nothing at this path. Start at / for the list of resources."


def test_a_head_request_for_an_unpublished_path_gets_the_headers_only(proxy: Proxy) -> None:
    answer = exchange(proxy, b"HEAD /metrics HTTP/1.1\r\n" + HOST + b"\r\n")
    assert (answer.status, answer.header("Content-Type"), answer.body) == (404, JSONAPI, b"")


def test_the_apis_own_errors_pass_through_unchanged(proxy: Proxy, apis: list[Api]) -> None:
    through = http_get(proxy, "/expanses?sort=nope")
    with socket.create_connection(("127.0.0.1", apis[0].port), timeout=10) as sock:
        sock.sendall(b"GET /expanses?sort=nope HTTP/1.1\r\nHost: x\r\n\r\n")
        straight = read_answer(sock)
    assert through.status == straight.status == 400
    assert through.document()["errors"] == straight.document()["errors"]
    assert "id" not in through.document()["errors"][0]  # not the proxy's error page


def test_unavailable_upstreams_get_a_json_api_502(tmp_path: Path) -> None:
    nobody = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    with running_proxy(tmp_path / "prefix", nobody) as down:
        for path in ["/expanses", "/expanses.html", "/docs/swagger-ui-bundle.js", "/health"]:
            answer = http_get(down, path)
            assert "No API server" in answer.error(502)["detail"]
        head = exchange(down, b"HEAD /expanses HTTP/1.1\r\n" + HOST + b"\r\n")
        assert (head.status, head.header("Content-Type"), head.body) == (502, JSONAPI, b"")
        down.wait_for_log("connect() failed (111: Connection refused)")


# --- what passes through ---------------------------------------------------------------------


def test_a_large_page_is_gzipped_for_clients_that_accept_it(proxy: Proxy) -> None:
    target = "/expanses?page[size]=1000"
    plain = http_get(proxy, target)
    zipped = http_get(proxy, target, {"Accept-Encoding": "gzip"})
    assert plain.status == zipped.status == 200
    assert plain.header("Content-Encoding") is None
    assert zipped.header("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in ", ".join(zipped.headers["vary"])
    assert len(zipped.body) < len(plain.body) / 4
    unzipped = Answer(zipped.status, zipped.headers, gzip.decompress(zipped.body))
    assert unzipped.document() == plain.document()
    assert len(plain.document()["data"]) == 300


def test_plain_json_is_gzipped_too(proxy: Proxy) -> None:
    answer = http_get(proxy, "/openapi.json", {"Accept-Encoding": "gzip"})
    assert (answer.status, answer.header("Content-Type"), answer.header("Content-Encoding")) == (
        200,
        "application/json",
        "gzip",
    )
    assert json.loads(gzip.decompress(answer.body))["openapi"].startswith("3.1")


FORGED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Ssl": "on",
    "X-Forwarded-Protocol": "ssl",
    "X-Forwarded-Scheme": "https",
    "X-Url-Scheme": "https",
    "Forwarded": "for=192.0.2.1;host=evil.example;proto=https",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Port": "443",
    "X-Forwarded-Prefix": "/evil",
}


def _links(document: dict[str, Any]) -> list[str]:
    links = [value for value in document["links"].values() if value is not None]
    return links + [item["links"]["self"] for item in document["data"]]


def test_links_name_the_proxys_public_address_whatever_the_client_claims(proxy: Proxy) -> None:
    answer = http_get(proxy, "/expanses?page[size]=10&page[number]=2", FORGED)
    document = answer.document()
    assert set(document["links"]) >= {"self", "first", "last", "prev", "next"}
    for link in _links(document):
        assert link.startswith(f"http://127.0.0.1:{proxy.port}/expanses"), link


def test_links_name_the_host_and_port_the_client_used(proxy: Proxy) -> None:
    answer = http_get(proxy, "/expanses?page[size]=2", {"Host": "api.example.test:8443", **FORGED})
    for link in _links(answer.document()):
        assert link.startswith("http://api.example.test:8443/expanses"), link


def test_an_http10_request_without_host_gets_links_to_the_address_it_reached(proxy: Proxy) -> None:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
        sock.sendall(b"GET /expanses/1 HTTP/1.0\r\n\r\n")
        answer = read_answer(sock)
    assert answer.document()["data"]["links"]["self"] == f"http://127.0.0.1:{proxy.port}/expanses/1"


def test_every_answer_carries_its_own_request_id(proxy: Proxy) -> None:
    answers = [
        http_get(proxy, "/expanses/1"),
        http_get(proxy, "/expanses/1", {"X-Request-Id": "chosen-by-the-client"}),
        http_get(proxy, "/nothing"),
    ]
    ids = [answer.header("X-Request-Id") or "" for answer in answers]
    assert all(REQUEST_ID.fullmatch(value) for value in ids), ids  # nginx's $request_id, never the client's
    assert len(set(ids)) == 3 and all(len(answer.headers["x-request-id"]) == 1 for answer in answers)
    for value in ids:
        proxy.wait_for_log(f"id={value} ")  # the access log names it


# --- upstream failure and the rate limit -----------------------------------------------------


def page_of_the_load(client: int, request: int) -> str:
    """What each of the load's clients asks for: pages of its own filter, over and over."""
    return f"/expanses?page[size]=25&page[number]={(request + 1) % 12 + 1}&sort=-amount&filter[id][gt]={client + 1}"


def test_gets_still_succeed_when_an_upstream_is_killed(tmp_path: Path) -> None:
    with running_apis(SAMPLE_CSV, count=2, workers=1) as replicas:
        with running_proxy(tmp_path / "prefix", [api.address for api in replicas]) as through:
            load = Load(("127.0.0.1", through.port), page_of_the_load)  # a new connection per request
            load.start(clients=4)
            try:
                load.wait_for(20, seconds=60)
                replicas[0].kill()
                killed_at = load.served()
                load.wait_for(killed_at + 40, seconds=60)
            finally:
                load.finish(timeout=30)
            assert load.failed == 0, (load.outcomes, load.failures)
            assert load.outcomes["200"] > 0
            # At least one request met the dead replica and was retried on the other.
            through.wait_for_log(f"upstream={replicas[0].address}, {replicas[1].address} ")
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", replicas[0].port), timeout=1).close()


def test_no_rate_limit_by_default(proxy: Proxy) -> None:
    statuses = {http_get(proxy, "/health").status for _ in range(60)}
    assert statuses == {200}


def test_the_optional_rate_limit_answers_429_with_retry_after(apis: list[Api], tmp_path: Path) -> None:
    settings = {"PROXY_RATE_LIMIT": "on", "PROXY_RATE_LIMIT_RPS": "1", "PROXY_RATE_LIMIT_BURST": "3"}
    with running_proxy(tmp_path / "prefix", [api.address for api in apis], **settings) as limited:
        started = time.monotonic()
        answers = [http_get(limited, "/expanses/1")]
        while answers[-1].status != 429:
            assert len(answers) < 20, [answer.status for answer in answers]
            answers.append(http_get(limited, "/expanses/1"))
        # One request and a burst of three at once; a token more per second spent on them.
        served = len(answers) - 1
        assert 4 <= served <= 4 + int(time.monotonic() - started), [answer.status for answer in answers]
        refused = answers[-1]
        assert "1 per second, 3 at once" in refused.error(429)["detail"]
        retry_after = int(refused.header("Retry-After") or "0")
        assert retry_after >= 1
        time.sleep(retry_after)  # what a client is told to do; the limit is itself about time
        assert http_get(limited, "/expanses/1").status == 200
