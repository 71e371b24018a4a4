"""Labels read from Arrow buffers, and text conditions decided among sorted labels, against plain Python.

The reference is the operators' own test of one value (`on_value`), applied to every label:
the codes a condition keeps must be exactly those whose label passes it.
"""

from __future__ import annotations

from bisect import bisect_left

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.data import labels as labels_module
from service.data.labels import Labels
from service.query.label_codes import Codes
from service.query.operators import OPERATORS
from tests.helpers.hypothesis_profiles import examples

#: Any text but lone surrogates (a CSV cell is UTF-8); ordered by code point, as Python and Arrow order it.
texts = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=6)
#: `contains` lower-cases with Unicode's simple mapping (pyarrow), Python with the full one; they agree on these.
plain_texts = st.text(alphabet="abcAB ÉéÖöß-/,", min_size=1, max_size=6)


def labels_of(values: list[str], eager: bool = True) -> Labels:
    sorted_values = sorted(set(values))
    labels = Labels(pa.array(sorted_values, pa.large_string()))
    if not eager:
        labels.decoded = None  # as a large set is read: one label at a time from the buffers
    return labels


def kept(codes: Codes, count: int) -> set[int]:
    if codes.listed is not None:
        chosen = set(codes.listed)
    elif codes.span is not None:
        chosen = set(codes.span)
    else:
        assert codes.mask is not None
        chosen = {code for code, yes in enumerate(codes.mask.to_pylist()) if yes}
    return set(range(count)) - chosen if codes.negated else chosen


@pytest.mark.parametrize("eager", [True, False])
def test_labels_read_back_as_written_one_at_a_time_or_all_at_once(eager: bool) -> None:
    values = sorted({f"{prefix}-{number}" for prefix in ("Ann", "Émile", "Zoë/R&D", "") for number in range(300)})
    labels = labels_of(values, eager)
    assert len(labels) == len(values) and list(labels) == values
    assert [labels[code] for code in (0, 17, len(values) - 1, -1)] == [values[0], values[17], values[-1], values[-1]]
    assert bisect_left(labels, "Zoë") == bisect_left(values, "Zoë")
    with pytest.raises(IndexError):
        labels[len(values)]


def test_a_large_label_set_is_decoded_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels_module, "EAGER_LABELS", 10)
    assert labels_of([str(n) for n in range(11)]).decoded is None
    assert labels_of([str(n) for n in range(10)]).decoded is not None


def test_a_slice_of_labels_has_the_content_of_the_same_labels_alone() -> None:
    joined = pa.array(["a", "b", "cc", "d"], pa.large_string())
    assert Labels(joined.slice(1, 2)).content() == Labels(pa.array(["b", "cc"], pa.large_string())).content()
    assert Labels(joined.slice(1, 2)).content() != Labels(pa.array(["b", "cd"], pa.large_string())).content()


@pytest.mark.parametrize("operator", ["eq", "ne", "gt", "gte", "lt", "lte", "starts_with"])
@given(values=st.lists(texts, min_size=1, max_size=12), probe=texts, eager=st.booleans())
@settings(max_examples=examples(150))
def test_single_value_conditions_keep_exactly_the_labels_that_pass(
    operator: str, values: list[str], probe: str, eager: bool
) -> None:
    labels, op = labels_of(values, eager), OPERATORS[operator]
    expected = {code for code, label in enumerate(labels) if op.on_value(label, probe)}
    assert kept(op.on_labels(labels, probe), len(labels)) == expected


@pytest.mark.parametrize("operator", ["in", "nin"])
@given(values=st.lists(texts, min_size=1, max_size=12), probes=st.lists(texts, min_size=1, max_size=5))
@settings(max_examples=examples(150))
def test_list_conditions_keep_exactly_the_labels_that_pass(operator: str, values: list[str], probes: list[str]) -> None:
    labels, op = labels_of(values), OPERATORS[operator]
    expected = {code for code, label in enumerate(labels) if op.on_value(label, tuple(probes))}
    assert kept(op.on_labels(labels, tuple(probes)), len(labels)) == expected


@given(values=st.lists(plain_texts, min_size=1, max_size=12), needle=plain_texts)
@settings(max_examples=examples(150))
def test_contains_keeps_the_labels_holding_the_needle_in_any_case(values: list[str], needle: str) -> None:
    labels = labels_of(values)
    expected = {code for code, label in enumerate(labels) if needle.lower() in label.lower()}
    assert kept(OPERATORS["contains"].on_labels(labels, needle), len(labels)) == expected


@given(values=st.lists(plain_texts, min_size=1, max_size=12), probe=plain_texts)
@settings(max_examples=examples(150))
def test_ieq_keeps_the_labels_equal_to_the_value_in_any_case(values: list[str], probe: str) -> None:
    labels = labels_of(values)
    expected = {code for code, label in enumerate(labels) if probe.lower() == label.lower()}
    assert kept(OPERATORS["ieq"].on_labels(labels, probe), len(labels)) == expected


def test_ieq_lower_cases_as_contains_does() -> None:
    """Both by Unicode's simple mapping: `ß` is not `SS`, and `İ` is `i` (Python's `lower` makes it `i̇`)."""
    labels = labels_of(["SS", "i", "ss", "ß"])
    for probe, expected in [("ß", {"ß"}), ("SS", {"SS", "ss"}), ("İ", {"i"})]:
        chosen = kept(OPERATORS["ieq"].on_labels(labels, probe), len(labels))
        assert {labels[code] for code in chosen} == expected, probe
        assert chosen <= kept(OPERATORS["contains"].on_labels(labels, probe), len(labels))
