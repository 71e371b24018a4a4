"""Pagination links for a collection: self, first, last, and prev/next where they exist.

Why: written once for every collection; links keep the request's other parameters so a
client can walk `links.next` to the end and see every record exactly once. Pages by number
link by number; pages in cursor mode (the cursor pagination profile) link by cursor.
"""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from service.query.model import Page


def pagination_links(base_url: str, args: MultiDict[str, str], page: Page, count: int) -> dict[str, str | None]:
    """Links for `page` of a collection of `count` items at `base_url` with query `args`."""
    last = max(1, -(-count // page.size))
    kept = urlencode(_without_page(args))
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


def cursor_links(
    base_url: str, args: MultiDict[str, str], page: Page, cursors: tuple[str, str] | None, more: bool
) -> dict[str, str | None]:
    """Links of a page in cursor mode (the cursor pagination profile), from its first and last items' cursors.

    `more`: rows follow the page in the direction walked. Walking forward (or from the start),
    `next` exists only if more follow, and `prev` only if the page started at a cursor; walking
    backwards, the other way round. From an empty page the links start at the cursor given.
    `first` is the collection's start; `last` would cost a second query, so it is null.
    """
    assert page.seek is not None
    kept = _without_page(args)
    given = next(((name, args[name]) for name in ("page[after]", "page[before]") if name in args), None)
    first, last = cursors if cursors else (given[1], given[1]) if given else (None, None)

    def link(*cursor: tuple[str, str]) -> str:
        return f"{base_url}?{urlencode([*kept, ('page[size]', str(page.size)), *cursor])}"

    backwards = page.seek.backwards
    earlier = more if backwards else page.seek.position is not None
    later = True if backwards else more
    return {
        "self": link(*([given] if given else [])),
        "first": link(),
        "last": None,
        "prev": link(("page[before]", first)) if earlier and first else None,
        "next": link(("page[after]", last)) if later and last else None,
    }


def _without_page(args: MultiDict[str, str]) -> list[tuple[str, str]]:
    """The request's parameters but `page[...]`, in their order: what every link of the collection keeps."""
    return [(name, value) for name, value in args.items(multi=True) if not name.startswith("page[")]
