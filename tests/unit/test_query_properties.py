"""Property-based tests of the query layer: any parameters yield a Query or a 400 naming one of them."""

from __future__ import annotations

import string
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from service.api.specs import list_spec
from service.config import Settings
from service.data.fields import DIMENSIONS, QUERYABLE
from service.engine.metrics import METRICS
from service.query.errors import QueryError
from service.query.model import Query
from service.query.operators import OPERATORS
from service.query.parser import parse_query
from service.web.errors import query_error_object
from tests.helpers.hypothesis_profiles import examples

SPEC = replace(
    list_spec(Settings()),
    families=frozenset({"filter", "sort", "fields", "page", "group_by"}),
    dimensions=DIMENSIONS,
    cursor_pagination=False,
)

# Names: the real grammar's pieces mixed with noise, brackets and unicode.
pieces = st.sampled_from(
    [
        "filter",
        "sort",
        "fields",
        "page",
        "group_by",
        "include",
        "by",
        "foo",
        "[",
        "]",
        "][",
        "%5B",
        "expanses",
        "aggregates",
        "number",
        "size",
        "",
        *QUERYABLE,
        *OPERATORS,
        *DIMENSIONS,
        *METRICS,
    ]
)
names = st.one_of(
    st.lists(pieces, min_size=1, max_size=6).map("".join),
    st.builds(lambda f, a, b: f"{f}[{a}]" + (f"[{b}]" if b else ""), pieces, pieces, st.one_of(st.none(), pieces)),
    st.text(min_size=0, max_size=12),
)
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "NaN",
            "Infinity",
            "-Infinity",
            "1e400",
            "9" * 40,
            "-0",
            "0.001",
            "2021-02-30",
            "",
            ",",
            ",,",
            "1,2,3",
            "-amount,amount",
            "\u0663",
            "%20",
            "a" * 5000,
        ]
    ),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.lists(st.sampled_from([*QUERYABLE, *DIMENSIONS, *METRICS, "-amount", "x"]), max_size=5).map(",".join),
    st.text(alphabet=string.digits + "-.,", max_size=20),
)
pairs = st.lists(st.tuples(names, values), max_size=8)


@settings(max_examples=examples(1500), deadline=None)
@given(pairs)
def test_any_parameters_give_a_query_or_a_400_naming_a_parameter(query_pairs: list[tuple[str, str]]) -> None:
    args = MultiDict(query_pairs)
    try:
        query = parse_query(args, SPEC)
    except QueryError as error:
        assert query_error_object(error)["status"] == "400"
        assert error.parameter in args
        assert error.detail
    else:
        assert isinstance(query, Query)
        assert 1 <= query.page.size <= SPEC.max_page_size
        assert query.page.number >= 1
        assert len(query.filters) == sum(1 for name in args if name.startswith("filter["))
