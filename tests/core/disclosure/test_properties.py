"""Property tests for core.disclosure.gate, checked independently with exact rational arithmetic.

The checker does not use the engine: it writes each relation as an equation over the hidden
cells (published cells moved to the right-hand side), brings the system to reduced row echelon
form with Fractions, and calls a hidden cell recoverable when a row of the echelon form is its
unit vector (that is exactly "its unit vector lies in the row space").
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from core.disclosure.gate import (
    REASON_BELOW_MINIMUM,
    TOTAL,
    Cell,
    SumRelation,
    SuppressionResult,
    Unit,
    cube_relations,
    hierarchy_cells,
    suppress,
    suppress_cube,
    suppress_hierarchy,
    suppress_table,
)

MIN = 5
FAST = settings(max_examples=60, deadline=None)


def recoverable(counts: dict, relations: list[SumRelation], hidden: set) -> set:
    """Hidden cells whose value follows exactly from the published cells (exact arithmetic)."""
    cols = sorted(hidden, key=repr)
    pos = {k: i for i, k in enumerate(cols)}
    rows = []
    for rel in relations:
        row = [Fraction(0)] * (len(cols) + 1)
        for key, coef in [(rel.total, 1)] + [(p, -1) for p in rel.parts]:
            if key in pos:
                row[pos[key]] += coef
            else:
                row[-1] -= coef * counts[key]
        if any(row[:-1]):
            rows.append(row)
    pivot_row = 0
    pivots = []
    for col in range(len(cols)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivots.append((pivot_row, col))
        pivot_row += 1
    found_cells = set()
    for r, col in pivots:
        if all(v == 0 for i, v in enumerate(rows[r][:-1]) if i != col):
            assert rows[r][-1] == counts[cols[col]]  # the recovered value is the true one
            found_cells.add(cols[col])
    return found_cells


def reader_interval(counts: dict, relations: list[SumRelation], result: SuppressionResult,
                    target) -> tuple[float, float]:
    """Range of ``target`` for a reader who knows the relations, the published counts and what
    the reasons imply (primary 1..MIN-1, other hidden cells >= MIN). Every cell is a variable;
    published cells are fixed through their bounds."""
    keys = list(counts)
    pos = {k: i for i, k in enumerate(keys)}
    a_eq = np.zeros((len(relations), len(keys)))
    for r, rel in enumerate(relations):
        a_eq[r, pos[rel.total]] = 1
        for p in rel.parts:
            a_eq[r, pos[p]] = -1
    bounds = []
    for key in keys:
        outcome = result[key]
        if outcome.published:
            bounds.append((counts[key], counts[key]))
        elif outcome.reason == REASON_BELOW_MINIMUM:
            bounds.append((1, MIN - 1))
        else:
            bounds.append((MIN, None))
    c = np.zeros(len(keys))
    c[pos[target]] = 1
    lo = linprog(c, A_eq=a_eq, b_eq=np.zeros(len(relations)), bounds=bounds, method="highs")
    hi = linprog(-c, A_eq=a_eq, b_eq=np.zeros(len(relations)), bounds=bounds, method="highs")
    assert lo.status == 0
    return lo.fun, (-hi.fun if hi.status == 0 else float("inf"))


def cover_left(key, counts: dict, relations: list[SumRelation], hidden: set) -> bool:
    """True when some published non-zero cell shares a relation with the hidden cells
    connected to ``key`` (so the gate could still hide more around it)."""
    seen, todo, published = {key}, [key], False
    while todo:
        cell = todo.pop()
        for rel in relations:
            members = (rel.total, *rel.parts)
            if cell not in members:
                continue
            for other in members:
                if other in hidden and other not in seen:
                    seen.add(other)
                    todo.append(other)
                published |= other not in hidden and counts[other] > 0
    return published


def check_protected(counts: dict, relations: list[SumRelation], result: SuppressionResult,
                    intervals: bool = True) -> None:
    primary = {k for k, n in counts.items() if 0 < n < MIN}
    assert result.primary_keys == primary
    hidden = set(result.suppressed_keys)
    assert all(counts[k] > 0 for k in hidden), "zero cells are published"
    assert not (recoverable(counts, relations, hidden) & primary)
    for key in result:
        if key.published:
            assert key.n == counts[key.key]
    if intervals:
        for key in primary:
            if not cover_left(key, counts, relations, hidden):
                continue  # every non-zero cell around it is hidden: nothing more to hide
            lo, hi = reader_interval(counts, relations, result, key)
            assert np.floor(hi + 1e-6) - np.ceil(lo - 1e-6) >= 1, (key, lo, hi)
    if not primary:
        assert not hidden


# counts mix zeros, small (sensitive) and larger groups
COUNT = st.one_of(st.just(0), st.integers(1, MIN - 1), st.integers(MIN, 40))


@FAST
@given(st.integers(1, 4).flatmap(
    lambda c: st.lists(st.lists(COUNT, min_size=c, max_size=c), min_size=1, max_size=5)))
def test_random_tables_leak_nothing(table):
    result = suppress_table(table)
    rows, cols = list(range(len(table))), list(range(len(table[0])))
    inner = {(i, j): table[i][j] for i in rows for j in cols}
    check_protected(with_margins(inner, result), cube_relations([rows, cols]), result)


def with_margins(inner: dict, result: SuppressionResult) -> dict:
    """Counts of every key in ``result``, margins summed from the inner cells."""
    return {o.key: sum(v for k, v in inner.items()
                       if all(b is TOTAL or a == b for a, b in zip(k, o.key, strict=True)))
            for o in result}


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000).map(lambda seed: np.random.default_rng(seed)))
def test_random_cubes_leak_nothing(rng):
    dims = [list(range(rng.integers(lo, 4))) for lo in (2, 1, 1)]
    inner = {}
    for key in np.ndindex(*[len(d) for d in dims]):
        inner[tuple(int(v) for v in key)] = int(rng.choice([0, 1, 2, 3, 4, 6, 9, 15]))
    result = suppress_cube(inner, dims)
    check_protected(with_margins(inner, result), cube_relations(dims), result)


@st.composite
def trees(draw, depth: int = 0, path: tuple = ("city",)) -> Unit:
    if depth == 3 or (depth > 0 and draw(st.booleans()) and depth >= 2):
        return Unit(path, draw(COUNT))
    width = draw(st.integers(1, 4))
    children = tuple(draw(trees(depth + 1, path + (i,))) for i in range(width))
    return Unit(path, sum(c.n for c in children), children)


@FAST
@given(trees())
def test_random_hierarchies_leak_nothing(root):
    result = suppress_hierarchy(root)
    cells, relations = hierarchy_cells(root)
    check_protected({c.key: c.n for c in cells}, relations, result)


@FAST
@given(st.lists(st.integers(MIN, 60), min_size=1, max_size=6),
       st.lists(st.integers(MIN, 60), min_size=1, max_size=6))
def test_nothing_suppressed_without_small_cells(row_a, row_b):
    width = min(len(row_a), len(row_b))
    result = suppress_table([row_a[:width], row_b[:width]])
    assert not result.suppressed_keys
    assert all(o.n is not None for o in result)


@FAST
@given(st.lists(COUNT, min_size=2, max_size=8))
def test_one_relation_is_closed(parts):
    cells = [Cell(("part", i), n) for i, n in enumerate(parts)] + [Cell("total", sum(parts))]
    relation = SumRelation("total", tuple(("part", i) for i in range(len(parts))))
    result = suppress(cells, [relation])
    counts = {c.key: c.n for c in cells}
    check_protected(counts, [relation], result)
    hidden_parts = [k for k in result.suppressed_keys if k != "total"]
    if result.is_published("total"):
        assert len(hidden_parts) != 1, "a single hidden part of a published total leaks"
