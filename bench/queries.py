"""The race: each query as our API asks it and as Datasette asks it, in two regimes.

Why a table: the harness, the report and the smoke run read the same list, so a query is
added in one place. A path template's `{x}` is an amount threshold in euros (two decimals),
`{m}` a member name, `{id}` a record id, `{size}`/`{number}` paging and `{after}` Datasette's
keyset cursor. The repeated regime fills every template with the same values; the distinct
regime draws new ones for every request (in wrk's Lua). Where the answers are few (149
records have 149 single-record answers) values do repeat, so compare.py runs that regime
with our answer memory off.
"""

from __future__ import annotations

from dataclasses import dataclass

MEMBERS = ("Sam", "Ann", "Jennifer", "Matt", "George")
#: Values of the repeated regime (the issue's example query).
REPEATED = {"x": "1400.00", "m": "Sam", "id": "17", "size": "20", "number": "1", "after": "0"}


@dataclass(frozen=True)
class Race:
    """One query: its label, our path, Datasette's path (templates as described above)."""

    name: str
    label: str
    ours: str
    datasette: str


RACES = (
    Race(
        "list",
        "list, one page",
        "/expanses?page%5Bsize%5D={size}&page%5Bnumber%5D={number}",
        "/expanses/expanses.json?_size={size}&_next={after}&_nosuggest=1",
    ),
    Race(
        "filter_sort",
        "filter + sort + page",
        "/expanses?filter%5Bamount%5D%5Bgte%5D={x}&filter%5Bmember_name%5D={m}&sort=-amount",
        "/expanses/expanses.json?amount__gte={x}&member_name={m}&_sort_desc=amount&_nosuggest=1",
    ),
    Race(
        "single",
        "single record",
        "/expanses/{id}",
        "/expanses/expanses/{id}.json",
    ),
    Race(
        "aggregate",
        "sum by department",
        "/aggregates?group_by=departments&filter%5Bamount%5D%5Bgte%5D={x}&sort=-total",
        "/expanses.json?sql=select+departments%2C+sum%28amount%29+as+total%2C+count%28%2A%29+as+count"
        "+from+expanses+where+amount+%3E%3D+%3Ax+group+by+departments+order+by+total+desc&x={x}",
    ),
    Race(
        "columns",
        "two filters + two columns",
        "/expanses?filter%5Bamount%5D%5Bgte%5D={x}&filter%5Bmember_name%5D={m}&fields%5Bexpanses%5D=amount,date",
        "/expanses/expanses.json?amount__gte={x}&member_name={m}&_col=amount&_col=date&_nosuggest=1",
    ),
)
