"""`/aggregates` on the engine: groups of the matching rows, one page of them, and grand totals by currency.

Why two ways: a small table is answered in plain Python (service/engine/plain_aggregate.py,
decision 0008), a larger one by two Polars plans (the groups, sorted; their totals), because
each plan costs about 0.1 ms even over a few groups. Both read the one metric table
(service/engine/metrics.py) and the one filter compilation (service/engine/filters.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from service.engine import metrics, plain_aggregate, thresholds
from service.engine.filters import matching, row_test
from service.engine.metrics import Group
from service.engine.plans import collect
from service.engine.stored import StoredRows
from service.query.model import Filter, SortKey
from service.query.operators import OPERATORS


def aggregate(
    rows: StoredRows,
    filters: Sequence[Filter],
    group_filters: Sequence[Filter],
    dimensions: Sequence[str],
    sort: Sequence[SortKey],
    offset: int,
    limit: int,
) -> tuple[int, list[Group], list[Group]]:
    """Group the matching rows by `dimensions` and currency: the group count, one page, and per-currency totals.

    Each group carries its dimension values, `currency`, and every metric of the table in
    exact integers (the average rounded half to even); `sort` may name dimensions and metrics
    (`average` orders by total / count as a float: groups whose averages differ past 2**53
    cents may tie there). `group_filters` keep the groups whose metrics pass (the average as
    served). Ties are broken by the dimensions, then currency, ascending. The totals (one group
    per currency, in currency order) are folded from the groups kept, not from the rows again.
    """
    keys = [*dimensions, "currency"]
    named = {key.field for key in sort}
    order = [(key.field, key.descending) for key in sort] + [(key, False) for key in keys if key not in named]
    if len(rows) <= thresholds.PLAIN_AGGREGATE_ROWS:
        tests = [row_test(rows, condition) for condition in filters]
        kept, sums = plain_aggregate.aggregate(rows.columns, tests, keys, group_filters, order)
        return len(kept), _served(rows, kept[offset : offset + limit]), _served(rows, sums)
    groups = matching(rows, filters).group_by(keys).agg(*metrics.of_rows())
    if group_filters:
        groups = groups.filter(
            [OPERATORS[f.operator].on_column(metrics.value_of(f.field), f.value) for f in group_filters]
        )
    by = [metrics.order_of(name) for name, _ in order]
    ordered = collect(groups.sort(by, descending=[down for _, down in order]), len(rows))
    totals = collect(ordered.lazy().group_by("currency").agg(*metrics.folded()).sort("currency"), ordered.height)
    return ordered.height, _served(rows, ordered.slice(offset, limit).to_dicts()), _served(rows, totals.to_dicts())


def _served(rows: StoredRows, groups: list[Group]) -> list[Group]:
    """Groups as an answer shows them: labels in place of codes, and the average."""
    return [metrics.with_average(group) for group in rows.labelled(groups)]
