"""Hand-made disclosure cases: tables where naive suppression leaks by subtraction."""

from __future__ import annotations

import pickle

import pytest

from core.disclosure.engine import RelationSystem
from core.disclosure.gate import (
    REASON_BELOW_MINIMUM,
    REASON_COMPLEMENTARY,
    TOTAL,
    Cell,
    SumRelation,
    Thresholds,
    Unit,
    cube_relations,
    free_text_allowed,
    hierarchy_cells,
    publishable_count,
    suppress,
    suppress_cube,
    suppress_hierarchy,
    suppress_table,
    validate_minimum,
)
from tests.core.disclosure.test_properties import check_protected, recoverable, with_margins


def row(parts: list[int]) -> tuple[list[Cell], list[SumRelation]]:
    cells = [Cell(f"c{i}", n, {"mean": 3.0 + i}) for i, n in enumerate(parts)]
    cells.append(Cell("total", sum(parts), {"mean": 4.0}))
    return cells, [SumRelation("total", tuple(f"c{i}" for i in range(len(parts))))]


# --- thresholds and gates -------------------------------------------------------------------

def test_minimum_is_never_below_three():
    assert validate_minimum(3) == 3
    for bad in (2, 0, -5, 2.5, True):
        with pytest.raises(ValueError):
            validate_minimum(bad)
    with pytest.raises(ValueError):
        suppress([Cell("a", 1)], minimum=2)
    with pytest.raises(ValueError):
        free_text_allowed(50, minimum_free_text=2)


def test_thresholds_defaults_config_and_order():
    assert Thresholds() == Thresholds(5, 10)
    assert Thresholds.from_config({"MIN_GROUP_SIZE": 6, "MIN_GROUP_SIZE_FREE_TEXT": 12}) \
        == Thresholds(6, 12)
    assert Thresholds.from_config({}) == Thresholds(5, 10)
    with pytest.raises(ValueError):
        Thresholds(minimum=8, minimum_free_text=6)
    with pytest.raises(ValueError):
        Thresholds(minimum=2)


def test_publishable_count_hides_small_counts_only_while_open():
    assert publishable_count(4, 5, wave_open=True) is None
    assert publishable_count(0, 5, wave_open=True) is None
    assert publishable_count(5, 5, wave_open=True) == 5
    assert publishable_count(4, 5, wave_open=False) == 4
    assert publishable_count(0, 5) == 0
    with pytest.raises(ValueError):
        publishable_count(-1, 5, wave_open=False)


def test_free_text_needs_the_larger_group():
    assert not free_text_allowed(9)
    assert free_text_allowed(10)
    assert free_text_allowed(7, minimum_free_text=7)


# --- primary suppression --------------------------------------------------------------------

def test_primary_suppression_hides_number_and_figures_and_keeps_zero():
    cells = [Cell("small", 4, {"mean": 2.0}), Cell("zero", 0), Cell("big", 5, {"mean": 3.5})]
    result = suppress(cells)
    small = result["small"]
    assert (small.n, small.figures, small.reason, small.published) == \
        (None, None, REASON_BELOW_MINIMUM, False)
    assert result["zero"].published and result["zero"].n == 0
    assert result["big"].figures == {"mean": 3.5} and result.is_published("big")
    assert [c.key for c in result] == ["small", "zero", "big"] and len(result) == 3
    assert result.primary_keys == {"small"} and not result.complementary_keys


def test_nothing_suppressed_when_all_groups_are_large_enough():
    result = suppress_table([[5, 6, 7], [30, 12, 9]])
    assert not result.suppressed_keys
    assert result[(TOTAL, TOTAL)].n == 69
    assert result[(1, TOTAL)].n == 51 and result[(TOTAL, 2)].n == 16


# --- leaks by subtraction -------------------------------------------------------------------

def test_one_small_cell_in_a_row_with_a_published_total():
    cells, relations = row([3, 12, 20, 7])
    naive = {"c0"}
    assert recoverable({c.key: c.n for c in cells}, relations, naive) == {"c0"}
    result = suppress(cells, relations)
    assert result.suppressed_keys == {"c0", "c3"}  # the next smallest, not the total
    assert result["c3"].reason == REASON_COMPLEMENTARY
    assert result.is_published("total")
    check_protected({c.key: c.n for c in cells}, relations, result)


def test_two_small_cells_in_a_row_protect_each_other():
    cells, relations = row([3, 2, 20, 7])
    result = suppress(cells, relations)
    assert result.suppressed_keys == {"c0", "c1"}


def test_district_total_minus_its_shown_service_areas():
    areas = [Unit(("area", "farsta", code), n) for code, n in
             (("ekonomiskt-bistand", 4), ("barn-och-unga", 16), ("aldreomsorg", 25))]
    farsta = Unit(("district", "farsta"), 45, tuple(areas))
    kista = Unit(("district", "rinkeby-kista"), 30, (
        Unit(("area", "rinkeby-kista", "ekonomiskt-bistand"), 12),
        Unit(("area", "rinkeby-kista", "barn-och-unga"), 18)))
    city = Unit("city", 75, (farsta, kista))
    cells, relations = hierarchy_cells(city)
    counts = {c.key: c.n for c in cells}
    assert recoverable(counts, relations, {areas[0].key}) == {areas[0].key}
    result = suppress_hierarchy(city)
    assert result.suppressed_keys == {areas[0].key, areas[1].key}
    assert result.is_published(("district", "farsta")) and result.is_published("city")
    check_protected(counts, relations, result)


def test_small_district_is_protected_across_levels():
    # a small district is hidden, and so are its (small) areas; the city total and the other
    # districts would give it away, so the next-smallest district is hidden too
    small = Unit("d1", 4, (Unit("d1-a", 3), Unit("d1-b", 1)))
    d2 = Unit("d2", 9, (Unit("d2-a", 9),))
    d3 = Unit("d3", 30, (Unit("d3-a", 10), Unit("d3-b", 20)))
    city = Unit("city", 43, (small, d2, d3))
    result = suppress_hierarchy(city)
    assert {"d1", "d1-a", "d1-b"} <= result.primary_keys
    # d2 is the cheapest partner; its only area equals it, so it must go too
    assert result.complementary_keys == {"d2", "d2-a"}
    cells, relations = hierarchy_cells(city)
    check_protected({c.key: c.n for c in cells}, relations, result)


def test_role_filter_combined_with_area_filter_in_one_scope():
    areas = ["ekonomiskt-bistand", "barn-och-unga", "aldreomsorg"]
    roles = ["socialsekreterare", "bistandshandlaggare"]
    inner = {("ekonomiskt-bistand", "socialsekreterare"): 3,
             ("ekonomiskt-bistand", "bistandshandlaggare"): 11,
             ("barn-och-unga", "socialsekreterare"): 22,
             ("barn-och-unga", "bistandshandlaggare"): 9,
             ("aldreomsorg", "socialsekreterare"): 14,
             ("aldreomsorg", "bistandshandlaggare"): 30}
    result = suppress_cube(inner, [areas, roles])
    counts = with_margins(inner, result)
    relations = cube_relations([areas, roles])
    # hiding the small cell alone: the area filter's total minus the other role gives it back
    assert recoverable(counts, relations, {("ekonomiskt-bistand", "socialsekreterare")})
    # the gate hides a rectangle of inner cells and keeps every margin
    assert result.suppressed_keys == {
        ("ekonomiskt-bistand", "socialsekreterare"), ("ekonomiskt-bistand", "bistandshandlaggare"),
        ("barn-och-unga", "socialsekreterare"), ("barn-och-unga", "bistandshandlaggare")}
    check_protected(counts, relations, result)


def test_recovery_through_a_combination_of_relations():
    # three overlapping groups: each relation has two hidden cells, yet a = (t1 + t2 - t3) / 2
    cells = [Cell("a", 3), Cell("b", 8), Cell("c", 9),
             Cell("t1", 11), Cell("t2", 12), Cell("t3", 17)]
    relations = [SumRelation("t1", ("a", "b")), SumRelation("t2", ("a", "c")),
                 SumRelation("t3", ("b", "c"))]
    counts = {c.key: c.n for c in cells}
    naive = {"a", "b", "c"}
    # no relation has a single hidden cell, but the system still gives a away
    assert all(sum(k in naive for k in (r.total, *r.parts)) == 2 for r in relations)
    assert recoverable(counts, relations, naive) == naive
    system = RelationSystem([3, 8, 9, 11, 12, 17], [(3, [0, 1]), (4, [0, 2]), (5, [1, 2])], 5)
    assert system.determined({0, 1, 2}) == {0, 1, 2}
    result = suppress(cells, relations)
    check_protected(counts, relations, result)


def test_bounds_from_reasons_cannot_pin_a_small_cell():
    # hiding c0 and c1 stops plain subtraction, but c1 must hold >= 5 people (it is not
    # "fewer than 5"), so c0 <= 6 - 5 = 1: exactly 1. The total is hidden as well.
    cells, relations = row([1, 5])
    plain = suppress(cells, relations, protect_intervals=False)
    assert plain.suppressed_keys == {"c0", "c1"}
    result = suppress(cells, relations)
    assert result.suppressed_keys == {"c0", "c1", "total"}
    check_protected({c.key: c.n for c in cells}, relations, result)


def test_zero_cells_are_never_used_as_complements():
    cells, relations = row([3, 0, 0, 9])
    result = suppress(cells, relations)
    assert result.suppressed_keys == {"c0", "c3"}


def test_result_is_deterministic():
    table = [[3, 10, 12, 1], [8, 9, 20, 6], [15, 7, 11, 2]]
    first = suppress_table(table, row_keys=["x", "y", "z"], column_keys=list("abcd"))
    again = suppress_table(table, row_keys=["x", "y", "z"], column_keys=list("abcd"))
    assert first == again


def test_table_keys_figures_and_higher_minimum():
    result = suppress_table([[6, 9], [7, 20]], minimum=7, row_keys=["a", "b"],
                            column_keys=["m", "k"], figures={("a", "k"): {"mean": 4.2}})
    assert result.primary_keys == {("a", "m")}
    assert ("a", "k") in result.suppressed_keys
    assert result.minimum == 7
    published = suppress_table([[8, 9]], row_keys=["a"], column_keys=["m", "k"],
                               figures={("a", "k"): {"mean": 4.2}})
    assert published[("a", "k")].figures == {"mean": 4.2}
    assert published[("a", TOTAL)].n == 17


def test_total_marker_is_a_singleton_that_survives_pickling():
    assert repr(TOTAL) == "TOTAL"
    assert pickle.loads(pickle.dumps(TOTAL)) is TOTAL  # noqa: S301 (own data)


def test_cube_relations_cover_every_margin():
    relations = cube_relations([["a", "b"], ["x", "y", "z"]])
    totals = [r.total for r in relations]
    # 3 row totals + 2 column totals + the grand total twice (over rows and over columns)
    assert len(relations) == 7
    assert totals.count((TOTAL, TOTAL)) == 2
    assert SumRelation(("a", TOTAL), (("a", "x"), ("a", "y"), ("a", "z"))) in relations


# --- invalid input --------------------------------------------------------------------------

@pytest.mark.parametrize("cells, relations, message", [
    ([Cell("a", 5), Cell("a", 6)], [], "duplicate"),
    ([Cell("a", -1)], [], "whole number"),
    ([Cell("a", 2.5)], [], "whole number"),
    ([Cell("a", 5)], [SumRelation("a", ("b",))], "unknown"),
    ([Cell("t", 9), Cell("a", 5), Cell("b", 5)], [SumRelation("t", ("a", "b"))], "hold"),
])
def test_invalid_input_is_rejected(cells, relations, message):
    with pytest.raises(ValueError, match=message):
        suppress(cells, relations)


def test_malformed_relations_are_rejected():
    with pytest.raises(ValueError):
        SumRelation("t", ())
    with pytest.raises(ValueError):
        SumRelation("t", ("a", "a"))
    with pytest.raises(ValueError):
        SumRelation("t", ("t", "a"))
    with pytest.raises(ValueError):
        suppress_table([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress_cube({("a", "q"): 3}, [["a"], ["x"]])


# --- groups, bounds and answers -------------------------------------------------------------

def test_hidden_parts_of_a_relation_never_hold_fewer_than_the_minimum_together():
    # district 44 = areas 40 + 2 + 2: hiding the two small areas leaves 44 - 40 = 4 people
    cells, relations = row([40, 2, 2])
    result = suppress(cells, relations)
    assert {"c1", "c2"} <= result.primary_keys
    hidden = result.suppressed_keys
    remainder = sum(c.n for c in cells if c.key in hidden and c.key != "total")
    assert "c0" in hidden or "total" in hidden
    if "total" not in hidden:
        assert remainder >= 5


def test_free_text_minimum_protects_groups_too():
    # texts of areas 91, 4 and 5: the district's texts minus the 91 would be 9 people's
    district = Unit("d", 100, (Unit("a", 91), Unit("b", 4), Unit("c", 5)))
    result = suppress_hierarchy(district, 10)
    assert {"b", "c"} <= result.suppressed_keys
    assert "a" in result.suppressed_keys or "d" in result.suppressed_keys


def test_while_open_zero_hides_like_a_small_count():
    cells, relations = row([0, 3, 12, 9])
    result = suppress(cells, relations, hide_zeros=True)
    assert result["c0"].reason == result["c1"].reason == REASON_BELOW_MINIMUM
    assert not (result.suppressed_keys & {"c2", "c3"}) or result.is_published("total")
    # zero and three look alike to a reader, and 12 + 9 published would give 0 + 3 away
    assert len(result.suppressed_keys) >= 3


def test_a_headcount_a_reader_knows_is_a_bound():
    # c0 holds 2 of a unit of 2 staff: hiding c0 with c1 (20) and the total keeps c0's
    # count open to 1..2 only because the reader does not know c1's staff
    cells, relations = row([2, 20, 9])
    plain = suppress(cells, relations)
    bounded = suppress(cells, relations, upper={"c0": 2, "c1": 21})
    assert "c0" in plain.primary_keys and "c0" in bounded.primary_keys
    assert len(bounded.suppressed_keys) >= len(plain.suppressed_keys)


def test_answers_of_a_small_group_are_protected_not_only_its_size():
    from core.disclosure.engine import Answers, RelationSystem, protect

    # a district of 49: a published area of 40 (10 said yes), small areas of 2 and 2 and an
    # area of 5 hidden with them. The hidden part's size (9) is safe, but it said "yes" 10 -
    # 10 = 0 times: everyone in the small areas said "no". Hiding more must prevent that.
    n = [49, 40, 2, 2, 5]
    yes = [10, 10, 0, 0, 0]
    answers = Answers(values={1: yes, 0: [a - b for a, b in zip(n, yes, strict=True)]})
    system = RelationSystem(n, [(0, [1, 2, 3, 4])], 5, floor=0)
    assert protect(system, {2, 3}, start={4}) == set()
    assert protect(system, {2, 3}, start={4}, answers=answers) == {1}
