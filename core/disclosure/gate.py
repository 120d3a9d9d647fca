"""The disclosure gate: every published figure passes through here (pure functions, no Flask).

Model. A published scope is a set of :class:`Cell` s (a key, the number of people ``n`` it
describes and the figures it carries) plus :class:`SumRelation` s ("this total cell is the sum
of these cells": row and column totals, a parent unit and its children, a filter combination
and its margins). :func:`suppress` decides which cells may be shown:

* **primary**: a cell with ``0 < n < minimum`` is suppressed (reason ``"below_minimum"``);
  with ``hide_zeros`` (participation while a wave is open) zero cells are too, so that a
  count growing from nothing cannot tell who answered first;
* **zeros** are otherwise published: a cell with ``n == 0`` describes nobody, and its figures
  are empty anyway. Zero cells are never used as complementary cells (hiding them protects
  nothing);
* **complementary**: more cells (reason ``"complementary"``) are suppressed until no group
  under the minimum can be worked out from the published cells through any chain of the
  declared relations: not a primary cell, and not several hidden parts of one relation taken
  together (a district of 44 with areas of 40, 2 and 2 may not publish the 40: the district
  minus it leaves 4 people). The reader is assumed to know what the reasons reveal (a "fewer
  than m" cell holds ``1..m-1`` people, ``0..m-1`` with ``hide_zeros``; any other suppressed
  cell at least m) and the ``upper`` bounds given (headcounts). See
  :mod:`core.disclosure.engine` for the method, which also protects the answer counts a
  question publishes beside its count.

What callers must do: put every figure of one scope (everything a reader can see together,
including all filter combinations a user can choose) into ONE call, with all its relations; hide
both ``n`` and all figures of a suppressed cell; render the reason instead of a number. The
decision uses ``n`` only, and protects every figure that adds up like ``n`` (answer counts per
value, sums of scores) from exact recovery because that depends only on which cells are
hidden. When the n behind a figure differs between figures (questions people may skip), run
one pattern per figure with that figure's n (``core.disclosure.engine.protect`` with
``answers``, as ``steering.results.suppression`` does).

Cost: one call takes a few milliseconds for small tables and up to a few tenths of a second for
a few hundred cells of which many are small (a 14 x 6 table, a 500-unit tree); cache per scope.

Shapes: :func:`suppress_table` (rows x columns with margins), :func:`suppress_cube` (any number
of crossed dimensions with margins, e.g. area x role x tenure), :func:`suppress_hierarchy`
(city -> district -> service area -> role). Gates: :func:`publishable_count`,
:func:`free_text_allowed`; thresholds: :class:`Thresholds`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, Final

from core.disclosure.engine import RelationSystem, protect
from core.disclosure.model import (
    REASON_BELOW_MINIMUM,
    REASON_COMPLEMENTARY,
    TOTAL,
    Cell,
    CellOutcome,
    SumRelation,
    SuppressionResult,
    Unit,
)

__all__ = [
    "DEFAULT_MINIMUM", "DEFAULT_MINIMUM_FREE_TEXT", "LOWEST_ALLOWED_MINIMUM",
    "REASON_BELOW_MINIMUM", "REASON_COMPLEMENTARY", "TOTAL",
    "Cell", "CellOutcome", "SumRelation", "SuppressionResult", "Thresholds", "Unit",
    "cube_relations", "free_text_allowed", "hierarchy_cells", "publishable_count", "suppress",
    "suppress_cube", "suppress_hierarchy", "suppress_table", "validate_minimum",
]

DEFAULT_MINIMUM: Final = 5
DEFAULT_MINIMUM_FREE_TEXT: Final = 10
LOWEST_ALLOWED_MINIMUM: Final = 3


def validate_minimum(minimum: int) -> int:
    """Return ``minimum`` as an int; raise ValueError if it is below 3 (never safe)."""
    if isinstance(minimum, bool) or int(minimum) != minimum:
        raise ValueError(f"minimum group size must be a whole number (got {minimum!r})")
    if minimum < LOWEST_ALLOWED_MINIMUM:
        raise ValueError(f"minimum group size must be at least {LOWEST_ALLOWED_MINIMUM} "
                         f"(got {minimum})")
    return int(minimum)


@dataclass(frozen=True)
class Thresholds:
    """Both minimum group sizes; validated (each >= 3, free text >= figures)."""

    minimum: int = DEFAULT_MINIMUM
    minimum_free_text: int = DEFAULT_MINIMUM_FREE_TEXT

    def __post_init__(self) -> None:
        validate_minimum(self.minimum)
        validate_minimum(self.minimum_free_text)
        if self.minimum_free_text < self.minimum:
            raise ValueError("the free-text minimum must not be below the figure minimum")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Thresholds:
        """Read ``MIN_GROUP_SIZE`` and ``MIN_GROUP_SIZE_FREE_TEXT`` from e.g. ``app.config``."""
        return cls(int(config.get("MIN_GROUP_SIZE", DEFAULT_MINIMUM)),
                   int(config.get("MIN_GROUP_SIZE_FREE_TEXT", DEFAULT_MINIMUM_FREE_TEXT)))


def suppress(cells: Iterable[Cell], relations: Iterable[SumRelation] = (),
             minimum: int = DEFAULT_MINIMUM, *, protect_intervals: bool = True,
             hide_zeros: bool = False, upper: Mapping[Hashable, int] | None = None,
             keep: Iterable[Hashable] = ()) -> SuppressionResult:
    """Apply primary and complementary suppression to one scope.

    Guarantees, for the returned outcome: (1) every cell with ``0 < n < minimum`` is suppressed
    (with ``hide_zeros`` every cell with ``n < minimum``); (2) no such cell's ``n``, and no sum
    of several such cells that are hidden parts of one relation, is a linear combination of
    published cells through the relations; (3) with ``protect_intervals`` (the default), none
    of them is pinned to a single value by the relations together with the bounds the reasons
    reveal and the ``upper`` bounds (e.g. headcounts by key), unless every non-zero cell
    connected to it is already hidden; (4) with no cell below the minimum nothing is
    suppressed; (5) zero cells are published unless ``hide_zeros``. Cells in ``keep`` are
    hidden for others only when nothing else helps.
    Deterministic: the same input gives the same outcome.
    Raises ValueError on a minimum below 3, duplicate or unknown keys, a negative ``n``, or a
    relation that does not hold for the counts.
    """
    minimum = validate_minimum(minimum)
    cell_list = list(cells)
    index = {c.key: i for i, c in enumerate(cell_list)}
    if len(index) != len(cell_list):
        raise ValueError("duplicate cell keys")
    for cell in cell_list:
        if isinstance(cell.n, bool) or int(cell.n) != cell.n or cell.n < 0:
            raise ValueError(f"cell {cell.key!r}: n must be a whole number >= 0")
    pairs = []
    for rel in relations:
        missing = [k for k in (rel.total, *rel.parts) if k not in index]
        if missing:
            raise ValueError(f"relation for {rel.total!r} names unknown cells {missing!r}")
        if cell_list[index[rel.total]].n != sum(cell_list[index[p]].n for p in rel.parts):
            raise ValueError(f"relation for {rel.total!r} does not hold for the counts")
        pairs.append((index[rel.total], [index[p] for p in rel.parts]))
    counts = [int(c.n) for c in cell_list]
    floor = 0 if hide_zeros else 1
    primary = {i for i, n in enumerate(counts) if n < minimum and (n > 0 or hide_zeros)}
    high = [None if upper is None else upper.get(c.key) for c in cell_list]
    keep = set(keep)
    system = RelationSystem(counts, pairs, minimum, floor=floor, high=high,
                            keep=[c.key in keep for c in cell_list])
    extra = protect(system, primary, intervals=protect_intervals) if primary else set()
    outcomes = []
    for i, cell in enumerate(cell_list):
        if i in primary or i in extra:
            reason = REASON_BELOW_MINIMUM if i in primary else REASON_COMPLEMENTARY
            outcomes.append(CellOutcome(cell.key, None, None, reason))
        else:
            outcomes.append(CellOutcome(cell.key, counts[i], cell.figures))
    return SuppressionResult(tuple(outcomes), minimum)


def cube_relations(dimensions: Sequence[Sequence[Hashable]]) -> list[SumRelation]:
    """Relations of a full cross-classification with all margins.

    Keys are tuples with one position per dimension; :data:`TOTAL` in a position means "all
    values of that dimension". Every key with TOTAL at position i equals the sum over that
    dimension's values. This is the shape of "filters a user can combine in one scope".
    """
    axes = [list(values) + [TOTAL] for values in dimensions]
    relations = []
    for key in product(*axes):
        for pos, value in enumerate(key):
            if value is TOTAL:
                parts = tuple(key[:pos] + (v,) + key[pos + 1:] for v in dimensions[pos])
                relations.append(SumRelation(key, parts))
    return relations


def suppress_cube(counts: Mapping[tuple, int], dimensions: Sequence[Sequence[Hashable]],
                  minimum: int = DEFAULT_MINIMUM, *,
                  figures: Mapping[tuple, Mapping[str, Any]] | None = None,
                  protect_intervals: bool = True, hide_zeros: bool = False,
                  upper: Mapping[Hashable, int] | None = None,
                  keep: Iterable[Hashable] = ()) -> SuppressionResult:
    """Suppress a cross-classification given the inner counts (missing inner keys count 0).

    Margins are computed here, so they always add up. The result has one outcome per key of
    the full cube including margins (keys as in :func:`cube_relations`); same guarantees as
    :func:`suppress`. ``figures`` (optional) maps any cube key to the figures to carry.
    """
    figures = figures or {}
    dims = [list(values) for values in dimensions]
    unknown = [k for k in counts if len(k) != len(dims)
               or any(v not in d for v, d in zip(k, dims, strict=False))]
    if unknown:
        raise ValueError(f"counts for keys outside the dimensions: {unknown[:3]!r}")
    totals: dict[tuple, int] = {}
    for key in product(*[d + [TOTAL] for d in dims]):
        inner = [d if v is TOTAL else [v] for v, d in zip(key, dims, strict=True)]
        totals[key] = sum(counts.get(k, 0) for k in product(*inner))
    cells = [Cell(k, n, figures.get(k, {})) for k, n in totals.items()]
    return suppress(cells, cube_relations(dims), minimum, protect_intervals=protect_intervals,
                    hide_zeros=hide_zeros, upper=upper, keep=keep)


def suppress_table(counts: Sequence[Sequence[int]], minimum: int = DEFAULT_MINIMUM, *,
                   row_keys: Sequence[Hashable] | None = None,
                   column_keys: Sequence[Hashable] | None = None,
                   figures: Mapping[tuple, Mapping[str, Any]] | None = None,
                   protect_intervals: bool = True) -> SuppressionResult:
    """Suppress a rows x columns table with row totals, column totals and a grand total.

    ``counts[i][j]`` is the inner cell. Keys are ``(row_key, column_key)``, ``(row_key, TOTAL)``
    (row totals), ``(TOTAL, column_key)`` (column totals) and ``(TOTAL, TOTAL)``; keys default
    to the indices. Same guarantees as :func:`suppress`.
    """
    rows = list(row_keys) if row_keys is not None else list(range(len(counts)))
    width = len(counts[0]) if counts else 0
    cols = list(column_keys) if column_keys is not None else list(range(width))
    if len(rows) != len(counts) or any(len(r) != len(cols) for r in counts):
        raise ValueError("counts must be a rectangle matching row_keys and column_keys")
    inner = {(rk, ck): counts[i][j] for i, rk in enumerate(rows) for j, ck in enumerate(cols)}
    return suppress_cube(inner, [rows, cols], minimum, figures=figures,
                         protect_intervals=protect_intervals)


def hierarchy_cells(roots: Unit | Sequence[Unit]) -> tuple[list[Cell], list[SumRelation]]:
    """Flatten trees into cells (pre-order) and parent = sum(children) relations."""
    stack = [roots] if isinstance(roots, Unit) else list(reversed(list(roots)))
    cells, relations = [], []
    while stack:
        unit = stack.pop()
        cells.append(Cell(unit.key, unit.n, unit.figures))
        if unit.children:
            relations.append(SumRelation(unit.key, tuple(c.key for c in unit.children)))
            stack.extend(reversed(unit.children))
    return cells, relations


def suppress_hierarchy(roots: Unit | Sequence[Unit], minimum: int = DEFAULT_MINIMUM, *,
                       protect_intervals: bool = True, hide_zeros: bool = False,
                       upper: Mapping[Hashable, int] | None = None) -> SuppressionResult:
    """Suppress a tree (e.g. city -> district -> service area -> role); keys must be unique
    across the whole tree. Same guarantees as :func:`suppress`."""
    cells, relations = hierarchy_cells(roots)
    return suppress(cells, relations, minimum, protect_intervals=protect_intervals,
                    hide_zeros=hide_zeros, upper=upper)


def publishable_count(n: int, minimum: int = DEFAULT_MINIMUM, wave_open: bool = False
                      ) -> int | None:
    """The response count to show, or None: while a wave is open, counts below ``minimum``
    (zero included) are hidden, so that watching a count grow cannot tell who just answered.
    After closing the count is returned as is; cells of a results table still go through
    :func:`suppress`. A response rate reveals the count: gate it the same way."""
    minimum = validate_minimum(minimum)
    if n < 0:
        raise ValueError("a count cannot be negative")
    return None if wave_open and n < minimum else n


def free_text_allowed(n: int, minimum_free_text: int = DEFAULT_MINIMUM_FREE_TEXT) -> bool:
    """True when a group of ``n`` respondents is large enough to show its free text or word
    cloud. Texts are identifiable items, so sets of them can be subtracted AND intersected:
    show free text for one level of one tree (for several levels, run
    :func:`suppress_hierarchy` with ``minimum_free_text`` and show only published units), and
    never for crossed filters (area texts intersected with role texts give a cell's texts)."""
    return n >= validate_minimum(minimum_free_text)
