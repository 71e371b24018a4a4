"""Labels that are hard to put in a URL, and the round trip every one of them must survive.

Why a helper: the same check runs in-process (Flask's test client), against gunicorn and through
nginx (tests/live/test_weird_labels.py), so each transport is held to the same answers. The
labels cover issue 24's list: `/ % ? # & + ; ,`, spaces, non-ASCII letters, a leading `-`, labels
that look like numbers, one that spells a path of this API (`x/expanses`), escapes written
literally (`%2F`), and `.` and `..`, which most clients resolve away (so they are fetched here
exactly as written). Expected answers come from the reference reader, never from the service.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from tests.helpers.reference import Row, read_rows
from tests.helpers.totals import TYPES, counts_by_label, label_of

CSV = """departments,project_name,amount,date,member_name
R&D/Ops,100% Mars,10.00€,1/2/2021,Zoë Ölund
"Sales, North",Why?,20.50€,1/3/2021,#1 fan
a+b;c,x/expanses,-5€,1/4/2021,-lead
42,3.50,7€,2/4/2021,"  spaced  out "
Ünïcødé 部門,..,1€,2/5/2021,%2F
.,a%20b,$2,2/6/2021,50%
R&D/Ops,Why?,£3.25,2/7/2021,Zoë Ölund
"""

#: Fetch an absolute URL exactly as written: (status, parsed body).
Fetch = Callable[[str], tuple[int, dict[str, Any]]]


def write(directory: Path) -> tuple[Path, list[Row]]:
    """The CSV in `directory`, and its rows as the reference reader reads them."""
    path = directory / "weird.csv"
    path.write_text(CSV, encoding="utf-8")
    return path, read_rows(path)


def segment(label: str) -> str:
    """A label as a client puts it in a path: everything reserved escaped; dots escaped where they would be resolved."""
    return "%2E" * len(label) if label in (".", "..") else quote(label, safe="")


def ok(fetch: Fetch, url: str) -> dict[str, Any]:
    status, body = fetch(url)
    assert status == 200, (url, status, body)
    return body


def round_trip(fetch: Fetch, base: str, rows: list[Row]) -> None:
    """Every label of every type: listed, served at its link and at a client-escaped URL, its records
    reachable, and named by the records' linkage, related resources and included resources."""
    for resource_type in TYPES:
        counts = counts_by_label(rows, resource_type)
        listed = ok(fetch, f"{base}/{resource_type}?page[size]=1000")["data"]
        assert [resource["id"] for resource in listed] == sorted(counts), resource_type
        for resource in listed:
            label = resource["id"]
            assert resource["attributes"]["name"] == label
            assert resource["links"]["self"] == f"{base}/{resource_type}/{segment(label)}"
            assert ok(fetch, resource["links"]["self"])["data"] == resource
            records = ok(fetch, resource["relationships"]["expanses"]["links"]["related"] + "?page[size]=1000")
            expected = [str(row.id) for row in rows if label_of(row, resource_type) == label]
            assert [item["id"] for item in records["data"]] == expected, label
            assert records["links"]["self"].startswith(f"{base}/{resource_type}/{segment(label)}/expanses?")
    included = ok(fetch, f"{base}/expanses?include=department,project,member&page[size]=1000")
    for item, row in zip(included["data"], rows, strict=True):
        for resource_type, (column, relationship) in TYPES.items():
            linkage = item["relationships"][relationship]["data"]
            assert (
                linkage
                == {"type": resource_type, "id": label_of(row, resource_type)}
                == {
                    "type": resource_type,
                    "id": item["attributes"][column],
                }
            )
            assert ok(fetch, item["relationships"][relationship]["links"]["related"])["data"]["id"] == linkage["id"]
    assert len(included["included"]) == sum(len(counts_by_label(rows, t)) for t in TYPES)


def filter_url(base: str, label: str) -> str:
    return f"{base}/expanses?filter%5Bmember_name%5D={quote(label, safe='')}"


def json_body(data: bytes) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(data) if data else {}
    return body


def path_of(url: str) -> str:
    """The path and query of an absolute URL, exactly as written."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
