"""`page[...]` as the parser reads it: page numbers, and cursor mode where the endpoint offers it."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from service.errors import QueryError
from service.fields import ATTRIBUTES, QUERYABLE
from service.query import QuerySpec, parse_query

NUMBERED = QuerySpec(
    resource_type="expanses",
    attributes=tuple(ATTRIBUTES),
    filterable=QUERYABLE,
    sortable=tuple(QUERYABLE),
    families=frozenset({"filter", "sort", "fields", "page"}),
)


@pytest.mark.parametrize("name", ["page[number]", "page[size]"])
@pytest.mark.parametrize("digits", [19, 4301, 7000])
def test_a_page_value_of_thousands_of_digits_is_a_400_not_a_crash(name: str, digits: int) -> None:
    """int() refuses strings of more than 4,300 digits with a ValueError, which used to become a 500."""
    with pytest.raises(QueryError) as caught:
        parse_query(MultiDict([(name, "9" * digits)]), NUMBERED)
    assert caught.value.parameter == name
