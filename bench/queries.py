"""The race: each query as our API asks it, as Datasette asks it and as DJA asks it, in two regimes.

Why a table: the harness, the report and the smoke run read the same list, so a query is
added in one place. DJA is django-rest-framework-json-api over SQLite (`bench/drf_peer/`); a
peer that cannot express a query has None there, and the report shows "—". A path template's
`{x}` is an amount threshold in euros (two decimals), `{m}` a member name, `{id}` a record id,
`{size}`/`{number}` paging and `{after}` Datasette's keyset cursor. The repeated regime fills
every template with the same values; the distinct regime draws new ones for every request (in
wrk's Lua). Where the answers are few (149 records have 149 single-record answers) values do
repeat, so compare.py runs that regime with our answer memory off.
"""

from __future__ import annotations

from dataclasses import dataclass

MEMBERS = ("Sam", "Ann", "Jennifer", "Matt", "George")
#: Values of the repeated regime (the issue's example query).
REPEATED = {"x": "1400.00", "m": "Sam", "id": "17", "size": "20", "number": "1", "after": "0"}


@dataclass(frozen=True)
class Race:
    """One query: its label, our path, Datasette's and DJA's paths (templates as described above).

    DJA's filters are django-filter's (`filter[amount.gte]`, `filter[member]`: a member's id is its
    name); where we sort, it sorts by the same keys and then id, the tie-break our API adds itself.
    """

    name: str
    label: str
    ours: str
    datasette: str | None
    drf: str | None = None

    def paths(self) -> dict[str, str]:
        """Each server's path template, by the server's name in the race, for the servers that can ask it."""
        named = {"expanses": self.ours, "datasette": self.datasette, "drf": self.drf}
        return {server: path for server, path in named.items() if path is not None}


RACES = (
    Race(
        "list",
        "list, one page",
        "/expanses?page%5Bsize%5D={size}&page%5Bnumber%5D={number}",
        "/expanses/expanses.json?_size={size}&_next={after}&_nosuggest=1",
        "/expanses?page%5Bsize%5D={size}&page%5Bnumber%5D={number}",
    ),
    Race(
        "filter_sort",
        "filter + sort + page",
        "/expanses?filter%5Bamount%5D%5Bgte%5D={x}&filter%5Bmember_name%5D={m}&sort=-amount",
        "/expanses/expanses.json?amount__gte={x}&member_name={m}&_sort_desc=amount&_nosuggest=1",
        "/expanses?filter%5Bamount.gte%5D={x}&filter%5Bmember%5D={m}&sort=-amount,id",
    ),
    Race(
        "single",
        "single record",
        "/expanses/{id}",
        "/expanses/expanses/{id}.json",
        "/expanses/{id}",
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
        "/expanses?filter%5Bamount.gte%5D={x}&filter%5Bmember%5D={m}&fields%5Bexpanses%5D=amount,date",
    ),
)

#: Queries our API may refuse: issue 24's `include=`, a 400 before it landed (answered since). `compare.py`
#: races the peers on them, and ours too once it answers 200; the scripts that race only our API
#: (ab.py, proxy.py, workers.py, ...) read RACES alone. Datasette has no compound documents.
PENDING = (
    Race(
        "include",
        "page with include=",
        "/expanses?include=member,department,project&page%5Bsize%5D={size}&page%5Bnumber%5D={number}",
        None,
        "/expanses?include=member,department,project&page%5Bsize%5D={size}&page%5Bnumber%5D={number}",
    ),
)
#: Every query of the race against the peers.
ALL_RACES = RACES + PENDING
