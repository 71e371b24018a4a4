"""What rendering a compound page costs through marshmallow-jsonapi's Relationship fields, against plain dicts.

Why: issue 24 asks us to use flask-rest-jsonapi-next's ResourceRelationship and marshmallow-jsonapi's
Relationship fields, or to say with a measurement why not (docs/decisions/0011-relationships.md).
This renders the same page both ways, in one process, inside a Flask request context (the
library builds links with `url_for`): 20 expanses with their three to-one relationships and
`include=member,department,project` (23 dimension resources with a `totals` list), once through
`compute_schema` + `dump` as the library's resources do, once as plain dict building with the
same links and the same de-duplication, as the service renders. Milliseconds per page, best of
`--rounds` rounds of `--calls` calls each (the machine is shared).

    .venv/bin/python bench/relationship_rendering.py [--calls 300] [--rounds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import flask
from flask_rest_jsonapi_next.schema import compute_schema
from marshmallow import fields
from marshmallow_jsonapi.flask import Relationship, Schema

BASE = "http://localhost"
TYPES = (("department", "departments"), ("project", "projects"), ("member", "members"))
ATTRIBUTES = ("departments", "project_name", "amount", "currency", "date", "member_name")
TOTALS = [{"currency": "EUR", "total": 1234.5, "count": 12, "average": 102.87, "min": 1.0, "max": 900.0}]


def _app() -> flask.Flask:
    app = flask.Flask("relationship_rendering")
    for relationship, resource_type in TYPES:
        app.add_url_rule(f"/{resource_type}/<path:id>", resource_type, lambda id: "")
        app.add_url_rule(f"/expanses/<int:id>/{relationship}", f"expanse_{relationship}", lambda id: "")
        app.add_url_rule(
            f"/expanses/<int:id>/relationships/{relationship}", f"expanse_linkage_{relationship}", lambda id: ""
        )
    app.add_url_rule("/expanses/<int:id>", "expanse", lambda id: "")
    return app


def _dimension_schema(resource_type: str) -> type[Schema]:
    meta = type("Meta", (), {"type_": resource_type, "self_view": resource_type, "self_view_kwargs": {"id": "<id>"}})
    body = {"Meta": meta, "id": fields.Str(), "name": fields.Str(), "totals": fields.List(fields.Dict())}
    return type(f"{resource_type}Schema", (Schema,), body)


def _relationship(name: str, resource_type: str) -> Relationship:
    return Relationship(
        related_view=f"expanse_{name}",
        related_view_kwargs={"id": "<id>", "_external": True},
        self_view=f"expanse_linkage_{name}",
        self_view_kwargs={"id": "<id>", "_external": True},
        include_resource_linkage=True,
        type_=resource_type,
        schema=_dimension_schema(resource_type),
        attribute=name,
    )


def _expanse_schema() -> type[Schema]:
    meta = type(
        "Meta", (), {"type_": "expanses", "self_view": "expanse", "self_view_kwargs": {"id": "<id>", "_external": True}}
    )
    body: dict[str, Any] = {"Meta": meta, "id": fields.Str(), "amount": fields.Float()}
    body |= {name: fields.Str() for name in ATTRIBUTES if name != "amount"}
    body |= {name: _relationship(name, resource_type) for name, resource_type in TYPES}
    return type("ExpanseSchema", (Schema,), body)


def _records() -> list[dict[str, Any]]:
    def labels(prefix: str, count: int) -> list[dict[str, Any]]:
        return [{"id": f"{prefix}{i}", "name": f"{prefix}{i}", "totals": TOTALS} for i in range(count)]

    departments, projects, members = labels("D", 5), labels("P", 8), labels("M", 10)
    return [
        {
            "id": i,
            "departments": departments[i % 5]["id"],
            "project_name": projects[i % 8]["id"],
            "amount": 10.0 + i,
            "currency": "EUR",
            "date": "2022-01-01",
            "member_name": members[i % 10]["id"],
            "department": departments[i % 5],
            "project": projects[i % 8],
            "member": members[i % 10],
        }
        for i in range(20)
    ]


class _Query:
    """What `compute_schema` reads of the library's query-string manager: no sparse fieldsets."""

    fields: dict[str, list[str]] = {}


def _through_the_library(schema: type[Schema], records: list[dict[str, Any]]) -> Callable[[], Any]:
    include = [name for name, _ in TYPES]
    return lambda: compute_schema(schema, {"many": True}, _Query(), include).dump(records)


def _plain(records: list[dict[str, Any]]) -> Callable[[], Any]:
    def render() -> dict[str, Any]:
        data, included = [], {}
        for record in records:
            relationships = {}
            for name, resource_type in TYPES:
                label = record[name]
                relationships[name] = {
                    "links": {
                        "self": f"{BASE}/expanses/{record['id']}/relationships/{name}",
                        "related": f"{BASE}/expanses/{record['id']}/{name}",
                    },
                    "data": {"type": resource_type, "id": label["id"]},
                }
                if (resource_type, label["id"]) not in included:
                    included[(resource_type, label["id"])] = {
                        "type": resource_type,
                        "id": label["id"],
                        "attributes": {"name": label["name"], "totals": label["totals"]},
                        "links": {"self": f"{BASE}/{resource_type}/{quote(label['id'], safe='')}"},
                    }
            data.append(
                {
                    "type": "expanses",
                    "id": str(record["id"]),
                    "attributes": {name: record[name] for name in ATTRIBUTES},
                    "relationships": relationships,
                    "links": {"self": f"{BASE}/expanses/{record['id']}"},
                }
            )
        return {"data": data, "included": list(included.values())}

    return render


def _best_ms(render: Callable[[], Any], calls: int, rounds: int) -> float:
    render()
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        for _ in range(calls):
            render()
        best = min(best, (time.perf_counter() - began) / calls * 1000)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    records = _records()
    with _app().test_request_context("/expanses"):
        library = _through_the_library(_expanse_schema(), records)
        document = library()
        assert len(document["data"]) == 20 and len(document["included"]) == 23, document
        library_ms = _best_ms(library, args.calls, args.rounds)
        plain_ms = _best_ms(_plain(records), args.calls, args.rounds)
    print("a page of 20 expanses, include=member,department,project (23 included), ms per page, best round")
    print(f"marshmallow-jsonapi compute_schema + dump  {library_ms:7.3f}")
    print(f"plain dicts (the service's way)           {plain_ms:7.3f}")
    print(f"ratio                                     {library_ms / plain_ms:7.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
