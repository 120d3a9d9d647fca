"""The wave-wide disclosure pattern (``steering.results.suppression``): district x area and district
x role with every margin, checked with the independent exact checker of the core tests."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.disclosure.gate import (
    REASON_BELOW_MINIMUM,
    TOTAL,
    CellOutcome,
    SumRelation,
    SuppressionResult,
)
from steering.results.suppression import cube_totals, scope_keys, scope_relations, suppress_scope
from tests.core.disclosure.test_properties import MIN, check_protected


def outcome(counts: dict, dims) -> tuple[dict, list[SumRelation], SuppressionResult]:
    totals = cube_totals(counts, dims)
    hidden = suppress_scope(counts, dims, MIN)
    relations = [SumRelation(t, tuple(p)) for t, p in scope_relations(dims, totals)]
    cells = tuple(CellOutcome(k, None, None, hidden[k]) if k in hidden
                  else CellOutcome(k, n, {}) for k, n in totals.items())
    return totals, relations, SuppressionResult(cells, MIN)


def test_scope_has_no_area_by_role_cells():
    keys = scope_keys(([1, 2], ["a", "b"], ["x", "y"]))
    assert (1, "a", TOTAL) in keys and (1, TOTAL, "x") in keys and (TOTAL, TOTAL, TOTAL) in keys
    assert (1, "a", "x") not in keys and (TOTAL, "a", "x") not in keys


def test_a_small_area_hides_a_second_cell_of_its_district():
    counts = {(1, "a", "x"): 20, (1, "b", "x"): 15, (1, "c", "y"): 3,
              (2, "a", "x"): 12, (2, "b", "y"): 10}
    totals, relations, result = outcome(counts, ([1, 2], ["a", "b", "c"], ["x", "y"]))
    assert result[(1, "c", TOTAL)].reason == REASON_BELOW_MINIMUM
    row = [(1, a, TOTAL) for a in ("a", "b")] + [(1, TOTAL, TOTAL)]
    assert any(not result[k].published for k in row), "the district total minus its areas"
    check_protected(totals, relations, result)


def test_nothing_hidden_without_small_groups():
    counts = {(1, "a", "x"): 20, (1, "b", "y"): 15, (2, "a", "x"): 12, (2, "b", "y"): 10}
    assert suppress_scope(counts, ([1, 2], ["a", "b"], ["x", "y"]), MIN) == {}


cells = st.integers(min_value=0, max_value=14)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), districts=st.integers(2, 4), areas=st.integers(2, 3),
       roles=st.integers(2, 3))
def test_random_scopes_leave_no_small_group_recoverable(data, districts, areas, roles):
    dims = (list(range(districts)), [f"a{i}" for i in range(areas)],
            [f"r{i}" for i in range(roles)])
    counts = {(d, a, r): data.draw(cells) for d in dims[0] for a in dims[1] for r in dims[2]}
    totals, relations, result = outcome(counts, dims)
    check_protected(totals, relations, result)


def test_district_44_with_areas_40_2_2_leaves_no_remainder_of_4():
    counts = {(1, "a", "x"): 40, (1, "b", "x"): 2, (1, "c", "x"): 2,
              (2, "a", "x"): 30, (2, "b", "x"): 20, (2, "c", "x"): 9}
    dims = ([1, 2], ["a", "b", "c"], ["x"])
    totals, relations, result = outcome(counts, dims)
    hidden = result.suppressed_keys
    assert {(1, "b", TOTAL), (1, "c", TOTAL)} <= hidden
    if (1, TOTAL, TOTAL) not in hidden:
        remainder = sum(totals[(1, a, TOTAL)] for a in "abc" if (1, a, TOTAL) in hidden)
        assert remainder >= MIN, "district minus its published areas"
    check_protected(totals, relations, result)
