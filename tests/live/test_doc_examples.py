"""Every `curl` example in README.md and docs/*.md, run against a live server on the shipped sample.

Why: examples are the first thing a newcomer copies; this keeps each printed answer true. The
commands are read, not run by a shell: `curl` with `-g -s -i -I -X METHOD -H 'Name: value' URL`,
optionally piped to `head -N`. Requests go to the test server with `Host: localhost:8000`, the
host the examples show, so links come out exactly as printed. A JSON body is compared parsed; a
status line and every header shown (but `Date` and `Server`) are compared as text, except a
value shown as `<...>` (an ETag changes with the data and the release), which must be present;
`<the ETag above>` in a command is the current ETag of the same URL. A body that is not one JSON
document (a CSV or NDJSON export) is compared line by line, exactly.
"""

from __future__ import annotations

import http.client
import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.conftest import SAMPLE_CSV
from tests.helpers.live_server import REPO, running

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
PUBLIC_HOST = "localhost:8000"
_UNSHOWN_HEADERS = {"date", "server"}


@dataclass(frozen=True)
class Example:
    source: str
    command: str
    printed: list[str]


def examples() -> list[Example]:
    found = []
    for path in DOCUMENTS:
        lines = path.read_text(encoding="utf-8").splitlines()
        in_block, current = False, None
        for number, line in enumerate(lines, start=1):
            if line.startswith("```"):
                in_block, current = not in_block, None
            elif in_block and line.startswith("$ curl "):
                current = Example(f"{path.relative_to(REPO)}:{number}", line[2:], [])
                found.append(current)
            elif in_block and line.startswith("$ "):
                current = None
            elif current is not None:
                current.printed.append(line)
    return found


@dataclass
class Request:
    method: str = "GET"
    target: str = "/"
    headers: dict[str, str] | None = None
    include_headers: bool = False
    head_lines: int | None = None


def parse(command: str) -> Request:
    words = shlex.split(command)
    assert words[0] == "curl", command
    request = Request(headers={})
    if "|" in words:
        pipe = words.index("|")
        assert words[pipe + 1 : pipe + 2] == ["head"] and re.fullmatch(r"-[0-9]+", words[pipe + 2]), command
        request.head_lines = int(words[pipe + 2][1:])
        words = words[:pipe]
    arguments = iter(words[1:])
    for word in arguments:
        if word in ("-g", "-s"):
            continue
        if word in ("-i", "-si", "-is"):
            request.include_headers = True
        elif word in ("-I", "-sI"):
            request.include_headers, request.method = True, "HEAD"
        elif word == "-X":
            request.method = next(arguments)
        elif word == "-H":
            name, _, value = next(arguments).partition(":")
            request.headers[name.strip()] = value.strip()  # type: ignore[index]
        else:
            url = urlsplit(word)
            assert url.netloc == PUBLIC_HOST, f"examples talk to http://{PUBLIC_HOST}: {command}"
            request.target = url.path + (f"?{url.query}" if url.query else "")
    return request


def answer(base: str, request: Request) -> list[str]:
    """What curl would print for `request`, as lines."""
    for name, value in (request.headers or {}).items():
        if "<the ETag above>" in value:
            etag = _header(answer(base, Request("HEAD", request.target, {}, include_headers=True)), "etag")
            request.headers[name] = value.replace('"<the ETag above>"', etag)  # type: ignore[index]
    server = urlsplit(base)
    connection = http.client.HTTPConnection(server.hostname or "", server.port, timeout=10)
    try:
        connection.putrequest(request.method, request.target, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Host": PUBLIC_HOST, "Accept": "*/*", **(request.headers or {})}.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode("utf-8")
    finally:
        connection.close()
    lines = []
    if request.include_headers:
        lines.append(f"HTTP/1.1 {response.status} {response.reason}")
        lines += [f"{name}: {value}" for name, value in response.getheaders()]
        lines.append("")
    lines += body.splitlines() if body else []
    return lines[: request.head_lines] if request.head_lines else lines


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running(SAMPLE_CSV) as url:
        yield url


EXAMPLES = examples()


def test_the_docs_keep_their_examples() -> None:
    assert len(EXAMPLES) >= 24, [example.source for example in EXAMPLES]


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.source for example in EXAMPLES])
def test_an_example_prints_what_the_service_answers(base: str, example: Example) -> None:
    request = parse(example.command)
    printed = _trimmed(example.printed)
    real = answer(base, request)
    if request.include_headers:
        assert printed[0] == real[0], example.source
        printed_headers, printed = _split(printed)
        real_headers, real = _split(real)
        for name, line in printed_headers.items():
            assert name not in _UNSHOWN_HEADERS, f"{example.source}: {name} changes with every answer"
            if re.fullmatch(r"[^:]+: \"?<[^>]+>\"?", line):
                assert name in real_headers, f"{example.source}: no {name} header"
            else:
                assert real_headers.get(name) == line, f"{example.source}: {line!r} vs {real_headers.get(name)!r}"
    if printed or real:
        assert _body(printed) == _body(real), example.source


def _body(lines: list[str]) -> object:
    """A JSON body parsed (spacing aside); any other (CSV, NDJSON) as its lines, exactly."""
    try:
        return json.loads("\n".join(lines))
    except ValueError:
        return lines


def _header(lines: list[str], name: str) -> str:
    return _split(lines)[0][name].partition(":")[2].strip()


def _split(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Header lines after the status line (by lower-case name) and the body lines after the blank one."""
    blank = lines.index("") if "" in lines else len(lines)
    return {line.partition(":")[0].lower(): line for line in lines[1:blank]}, lines[blank + 1 :]


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines
