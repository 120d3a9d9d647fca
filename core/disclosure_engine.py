"""Complementary suppression over sum relations: the numeric engine behind ``core.disclosure``.

Cells are indices ``0..N-1`` with counts ``n[i]``; a relation ``(t, parts)`` states
``n[t] == sum(n[p] for p in parts)``. Published cells are known to a reader; suppressed cells
are unknowns. Two attacks are checked:

* **exact recovery** (linear algebra): an unknown cell is recoverable when its unit vector lies
  in the row space of the constraint matrix restricted to the unknowns, i.e. every solution of
  the homogeneous system has that coordinate 0 (checked through the SVD null space);
* **pinning by bounds** (linear programming): a reader also knows that a cell suppressed as
  "fewer than m" holds 1..m-1 people, that any other suppressed cell holds at least m (zero cells
  are published, cells with 0 < n < m are all primary). A primary cell is pinned when these
  bounds plus the relations leave it a single whole number. The check relaxes the other cells
  to real numbers; that is exact for 2-D tables and trees (their constraint matrices are totally
  unimodular) and a close approximation for cubes of three or more dimensions.

Repairs pick the cheapest published cell (or pair of cells) that removes the exposure of one
target at a time; the cost prefers non-totals, then the fewest people hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import combinations

import numpy as np
from scipy.optimize import linprog

from core.limits import ScopeTooLarge

#: how many of the cheapest candidates are combined into pairs when no single cell helps
PAIR_POOL = 12
#: how many repair options are tried with linear programs before taking the cheapest single
LP_TRIES = 24
#: the most cells (or relations) one system takes: its dense matrix stays under 200 MiB
#: instead of growing with the square of the organisation (callers cap their scopes far
#: lower, see core.limits)
MAX_CELLS = 5000
_NULL_NORM = 1e-7
_LP_SLACK = 1e-6


class RelationSystem:
    """The sum relations of one published scope, with the queries the suppression loop needs."""

    def __init__(self, n: Sequence[int], relations: Sequence[tuple[int, Sequence[int]]],
                 minimum: int) -> None:
        self.n = list(n)
        self.minimum = minimum
        self.relations = [(t, tuple(parts)) for t, parts in relations]
        if max(len(self.n), len(self.relations)) > MAX_CELLS:
            raise ScopeTooLarge(max(len(self.n), len(self.relations)), MAX_CELLS)
        self.matrix = np.zeros((len(self.relations), len(self.n)))
        self.cell_relations: list[list[int]] = [[] for _ in self.n]
        self.is_total = [False] * len(self.n)
        for r, (total, parts) in enumerate(self.relations):
            self.matrix[r, total] = 1.0
            self.matrix[r, list(parts)] = -1.0
            self.is_total[total] = True
            for cell in (total, *parts):
                self.cell_relations[cell].append(r)

    def relation_cells(self, r: int) -> tuple[int, ...]:
        total, parts = self.relations[r]
        return (total, *parts)

    def determined(self, unknown: Iterable[int]) -> set[int]:
        """Unknown cells whose value follows exactly from the relations and the known cells.

        The system is block diagonal over groups of unknowns linked by shared relations, so
        each group is solved on its own (small SVDs instead of one large one)."""
        remaining = set(unknown)
        found: set[int] = set()
        while remaining:
            start = min(remaining)
            rels = self.component_relations(start, remaining)
            cols = sorted({c for r in rels for c in self.relation_cells(r) if c in remaining})
            remaining.difference_update(cols or [start])
            if rels:
                found |= self._determined_block(rels, cols)
        return found

    def _determined_block(self, rows: list[int], cols: list[int]) -> set[int]:
        sub = self.matrix[np.ix_(rows, cols)]
        _, sing, vh = np.linalg.svd(sub)
        tol = sing.max(initial=0.0) * max(sub.shape) * np.finfo(float).eps
        rank = int((sing > tol).sum())
        null = vh[rank:]
        if null.shape[0] == 0:
            return set(cols)
        norms = np.linalg.norm(null, axis=0)
        return {c for c, norm in zip(cols, norms, strict=True) if norm < _NULL_NORM}

    def determined_one(self, target: int, unknown: set[int]) -> set[int]:
        """Like :meth:`determined`, for the group of unknowns that ``target`` belongs to."""
        rels = self.component_relations(target, unknown)
        cols = sorted({c for r in rels for c in self.relation_cells(r) if c in unknown})
        return self._determined_block(rels, cols) if rels else set()

    def component_relations(self, target: int, unknown: set[int]) -> list[int]:
        """Relations reachable from ``target`` by stepping through unknown cells."""
        seen_cells, seen_rel, stack = {target}, set(), [target]
        while stack:
            cell = stack.pop()
            for r in self.cell_relations[cell]:
                if r in seen_rel:
                    continue
                seen_rel.add(r)
                for other in self.relation_cells(r):
                    if other in unknown and other not in seen_cells:
                        seen_cells.add(other)
                        stack.append(other)
        return sorted(seen_rel)

    def cost(self, cells: Sequence[int]) -> tuple:
        """Order of preference for extra suppression: fewer totals, fewer people, fewer cells."""
        return (sum(self.is_total[c] for c in cells), sum(self.n[c] for c in cells),
                len(cells), sorted(cells))

    def candidates(self, target: int, unknown: set[int]) -> list[int]:
        """Published non-zero cells that share a relation with ``target``'s unknown component."""
        pool = {c for r in self.component_relations(target, unknown)
                for c in self.relation_cells(r) if c not in unknown and self.n[c] > 0}
        return sorted(pool, key=lambda c: self.cost([c]))

    def neighbours(self, cell: int, unknown: set[int]) -> set[int]:
        """Published non-zero cells that share a relation with ``cell``."""
        return {c for r in self.cell_relations[cell] for c in self.relation_cells(r)
                if c != cell and c not in unknown and self.n[c] > 0}

    def pinned(self, target: int, unknown: set[int], primary: set[int]) -> bool:
        """True when the relations, the published cells and the bounds a reader knows (primary
        cells 1..m-1, other hidden cells >= m) leave ``target`` no whole value but its own."""
        rels = self.component_relations(target, unknown)
        cols = sorted({c for r in rels for c in self.relation_cells(r) if c in unknown})
        index = {c: i for i, c in enumerate(cols)}
        a_eq = np.zeros((len(rels), len(cols)))
        b_eq = np.zeros(len(rels))
        for row, r in enumerate(rels):
            for cell in self.relation_cells(r):
                coef = 1.0 if cell == self.relations[r][0] else -1.0
                if cell in index:
                    a_eq[row, index[cell]] += coef
                else:
                    b_eq[row] -= coef * self.n[cell]
        bounds = [(1, self.minimum - 1) if c in primary else (self.minimum, None) for c in cols]
        if target not in index:
            return False  # in no relation: only its bounds 1..m-1 are known (m >= 3)
        true = self.n[target]
        t = index[target]
        for low, high in ((bounds[t][0], true - 1), (true + 1, bounds[t][1])):
            if high is not None and low > high:
                continue
            trial = list(bounds)
            trial[t] = (low, high)
            found = linprog(np.zeros(len(cols)), A_eq=a_eq, b_eq=b_eq, bounds=trial,
                            method="highs")
            if found.status == 0:
                return False
        return True

    def repair(self, target: int, unknown: set[int], exposed: Callable[[set[int]], bool],
               max_tries: int | None = None) -> tuple[int, ...]:
        """Cells to suppress next: the cheapest single or pair (among the ``max_tries``
        cheapest options) that ends ``target``'s exposure, else the cheapest single candidate
        (progress is still made). Empty when there is no candidate."""
        pool = self.candidates(target, unknown)
        options = {(c,) for c in pool} | set(combinations(sorted(pool[:PAIR_POOL]), 2))
        for first in pool[:PAIR_POOL]:
            # a partner next to the first cell: hiding a unit needs hiding its only child too
            options |= {tuple(sorted((first, c))) for c in self.neighbours(first, unknown)}
        for option in sorted(options, key=self.cost)[:max_tries]:
            if not exposed(unknown | set(option)):
                return option
        return (pool[0],) if pool else ()


def protect(system: RelationSystem, primary: set[int], *, intervals: bool = True) -> set[int]:
    """Return the complementary cells to suppress so that no primary cell can be recovered.

    Phase 1 removes every exact (linear) recovery; phase 2, when ``intervals`` is true, removes
    pinning by bounds. In phase 2 a primary cell whose whole component is already suppressed is
    left as it is (nothing more can be hidden: the bounds of tiny groups alone pin it). Phase 1
    always succeeds when the relations hold for ``n``: with every non-zero cell of a component
    hidden, the relations could only force a cell to 0, and primary cells are at least 1.
    """
    unknown = set(primary)
    extra: set[int] = set()
    hopeless: set[int] = set()

    def run(find: Callable[[], int | None], is_exposed: Callable[[int, set[int]], bool],
            max_tries: int | None) -> None:
        while (target := find()) is not None:
            chosen = system.repair(target, unknown, lambda u, t=target: is_exposed(t, u),
                                   max_tries)
            if not chosen:
                hopeless.add(target)
            unknown.update(chosen)
            extra.update(chosen)

    def first(cells: Iterable[int]) -> int | None:
        return min((c for c in cells if c not in hopeless),
                   key=lambda c: (system.n[c], c), default=None)

    run(lambda: first(system.determined(unknown) & primary),
        lambda t, u: t in system.determined_one(t, u), None)
    if hopeless:
        raise ValueError("the relations force a suppressed cell to a fixed value; "
                         "check that every relation holds for the counts")
    if intervals:
        # more suppression only widens a reader's intervals: a cleared cell stays cleared
        cleared: set[int] = set()

        def next_pinned() -> int | None:
            for cell in sorted(primary - cleared - hopeless, key=lambda c: (system.n[c], c)):
                if system.pinned(cell, unknown, primary):
                    return cell
                cleared.add(cell)
            return None

        run(next_pinned, lambda t, u: system.pinned(t, u, primary), LP_TRIES)
    return extra
