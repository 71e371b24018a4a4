"""Pagination links: present, correct, and keeping the other parameters."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from service.api.pagination import pagination_links
from service.query.model import Page


def page_of(link: str | None) -> int | None:
    return None if link is None else int(dict(parse_qsl(urlsplit(link).query))["page[number]"])


@pytest.mark.parametrize(
    ("number", "count", "expected"),
    [
        (1, 149, {"self": 1, "first": 1, "last": 8, "prev": None, "next": 2}),
        (4, 149, {"self": 4, "first": 1, "last": 8, "prev": 3, "next": 5}),
        (8, 149, {"self": 8, "first": 1, "last": 8, "prev": 7, "next": None}),
        (1, 0, {"self": 1, "first": 1, "last": 1, "prev": None, "next": None}),
        (1, 20, {"self": 1, "first": 1, "last": 1, "prev": None, "next": None}),
        (2, 21, {"self": 2, "first": 1, "last": 2, "prev": 1, "next": None}),
        (30, 149, {"self": 30, "first": 1, "last": 8, "prev": 8, "next": None}),
    ],
)
def test_links_point_at_the_right_pages(number: int, count: int, expected: dict[str, int | None]) -> None:
    links = pagination_links("http://h/expanses", MultiDict(), Page(number, 20), count)
    assert {name: page_of(link) for name, link in links.items()} == expected


def test_links_keep_other_parameters_and_replace_the_page() -> None:
    args = MultiDict([("filter[member_name]", "Sam"), ("sort", "-amount"), ("page[number]", "2"), ("page[size]", "5")])
    links = pagination_links("http://h/expanses", args, Page(2, 5), 12)
    next_query = parse_qsl(urlsplit(links["next"] or "").query)
    assert next_query == [
        ("filter[member_name]", "Sam"),
        ("sort", "-amount"),
        ("page[number]", "3"),
        ("page[size]", "5"),
    ]
