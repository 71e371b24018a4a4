"""Pagination links for a collection: self, first, last, and prev/next where they exist.

Why: written once for every collection; links keep the request's other parameters so a
client can walk `links.next` to the end and see every record exactly once.
"""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from service.query import Page


def pagination_links(base_url: str, args: MultiDict[str, str], page: Page, count: int) -> dict[str, str | None]:
    """Links for `page` of a collection of `count` items at `base_url` with query `args`."""
    last = max(1, -(-count // page.size))
    kept = urlencode([(name, value) for name, value in args.items(multi=True) if not name.startswith("page[")])
    prefix = f"{base_url}?{kept}&" if kept else f"{base_url}?"

    def link(number: int) -> str:
        return f"{prefix}page%5Bnumber%5D={number}&page%5Bsize%5D={page.size}"

    return {
        "self": link(page.number),
        "first": link(1),
        "last": link(last),
        "prev": link(min(page.number - 1, last)) if page.number > 1 else None,
        "next": link(page.number + 1) if page.number < last else None,
    }
