"""The JSON:API "Cursor Pagination" profile: its URI and its own errors.

Why one module: what this API says on the profile's behalf (its URI in `jsonapi.profile` and in
the media type, the `links.type` of its errors, `meta.page.maxSize`) is written here once; the
cursors themselves are service/query/cursors.py, whether Accept asks for the profile
service/web/negotiation.py, the pages' links service/api/pagination.py.
Profile text: https://jsonapi.org/profiles/ethanresnick/cursor-pagination/
"""

from __future__ import annotations

from service.query.errors import QueryError

PROFILE = "https://jsonapi.org/profiles/ethanresnick/cursor-pagination/"
_ERROR_TYPES = "https://jsonapi.org/profiles/ethanresnick/cursor-pagination/"


class MaxPageSizeExceeded(QueryError):
    """The profile's error for a `page[size]` over the endpoint's maximum, which it states in `meta.page.maxSize`."""

    title = "Page size too large"
    type_link = _ERROR_TYPES + "max-size-exceeded"
    profile = PROFILE

    def __init__(self, max_size: int) -> None:
        super().__init__("page[size]", f"page[size] asks for more items than fit in a page; at most {max_size} do.")
        self.meta = {"page": {"maxSize": max_size}}


class RangePaginationNotSupported(QueryError):
    """The profile's error for `page[after]` and `page[before]` together: this API does not serve ranges."""

    title = "Range pagination not supported"
    type_link = _ERROR_TYPES + "range-pagination-not-supported"
    profile = PROFILE

    def __init__(self) -> None:
        super().__init__(
            "page[before]",
            "page[after] and page[before] together ask for a range, which this API does not serve; "
            "give one of them and follow the page links.",
        )
