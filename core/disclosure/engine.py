"""Complementary suppression over sum relations: the numeric engine behind ``core.disclosure.gate``.

Cells are indices ``0..N-1`` with counts ``n[i]``; a relation ``(t, parts)`` states
``n[t] == sum(n[p] for p in parts)``. Published cells are known to a reader; hidden cells are
unknowns. A *target* is a hidden group under the minimum: a primary cell, or several hidden
primary parts of one relation taken together (district minus its published areas leaves the
hidden areas' people as one group). A target is **exposed** when a reader can pin it down:

* its size takes a single value, given the relations, the published cells and the bounds a
  reader knows: a primary holds ``floor..m-1`` people (``floor`` is 1 when zero cells are
  published, 0 when zeros are hidden too), any other hidden cell at least ``m``, and no cell
  more than its upper bound (a headcount; for a question, the people of the unit);
* with :class:`Answers` (the answer counts a question publishes beside its count): one of
  its answer counts is pinned to a positive value, or all of its answers can only be one value
  (a homogeneous group: each member's answer is known) while the published groups that
  contain it allow more.

What a published group already says is no exposure: a zero implied by a published zero of a
containing group (nobody in the district answered, so nobody in its area did), or one
answer that a published containing group gave unanimously.

Method. Exact recovery (no bounds) is linear algebra: a linear function of the hidden cells
is known exactly when it lies in the row space of the relations restricted to them (SVD null
space). With bounds, the values a reader finds possible form a polytope that contains the
true values ``z*``; a function is constant on it exactly when it is orthogonal to every
direction one can move in from ``z*`` without leaving it. Those directions span the null space
of the relations together with the bounds and inequalities that are *implicitly* tight (tight
at ``z*`` and in every feasible direction). One linear program finds them: maximise how many
tight inequalities can be loosened at once (feasible directions form a cone, closed under
addition, so one direction loosens every inequality that any direction loosens). One SVD then
gives the span, and every target is a projection. Whole numbers are relaxed to real numbers
there; a single target's size is also checked in whole numbers (two linear programs: a range
narrower than one holds one whole number). The attacker tests (``tests/anonymity``) solve the
same relations in integers.

Repairs end the exposure of one target at a time: the cheapest single published cell if it
does, else the cells a linear program proposes (move the exposed figure by one in a feasible
direction, paying for every nearby published cell whose unknowns move with it), checked, else
the cheapest options one by one. The cost puts cells to keep (a district's total) last, then
totals, then the most people. Hiding more only widens what a reader finds possible, so a
repaired target stays repaired.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from scipy.optimize import linprog
from threadpoolctl import ThreadpoolController

from core.limits import ScopeTooLarge

#: how many of the cheapest candidates are combined into pairs when no single cell helps
PAIR_POOL = 12
#: how many repair options are tried with linear programs before taking the cheapest single
LP_TRIES = 24
#: the most cells (or relations) one system takes: its dense matrix stays under 200 MiB
#: instead of growing with the square of the organisation (callers cap their scopes far
#: lower, see core.limits)
MAX_CELLS = 5000
#: at most this many subsets of one relation's hidden small parts are checked as groups
GROUP_SUBSETS = 256
_NULL_NORM = 1e-7
_TIGHT = 1e-9
_threads: ThreadpoolController | None = None


def one_blas_thread():
    """A context in which linear algebra runs on one thread: the matrices here are small,
    and a web worker that fans out over every core only competes with the others (an SVD
    of a 150 x 100 matrix took 74 ms with threads on a busy two-core machine, 6 without)."""
    global _threads
    if _threads is None:
        _threads = ThreadpoolController()
    return _threads.limit(limits=1, user_api="blas")

Bound = tuple[float, float | None]
Group = tuple[int, ...]


class RelationSystem:
    """The sum relations of one published scope, with the queries the suppression loop needs.

    ``floor`` is the fewest people a reader must allow in a cell hidden as below the minimum
    (1 when zero cells are published, 0 when zeros are hidden as well); ``high`` gives, per
    cell, an upper bound a reader knows (a headcount), or None; ``keep`` marks cells to hide
    as a last resort (a district's total: its steering group would see nothing)."""

    def __init__(self, n: Sequence[int], relations: Sequence[tuple[int, Sequence[int]]],
                 minimum: int, *, floor: int = 1,
                 high: Sequence[int | None] | None = None,
                 keep: Sequence[bool] | None = None) -> None:
        self.n = list(n)
        self.minimum = minimum
        self.floor = floor
        #: cells to hide only when nothing else helps (the units people look for first)
        self.keep: list[bool] = list(keep) if keep is not None else [False] * len(self.n)
        self.high: list[int | None] = list(high) if high is not None else [None] * len(self.n)
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
        self._containers: list[frozenset[int]] | None = None

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
        null = _null_space(self.matrix[np.ix_(rows, cols)])
        if null.shape[1] == 0:
            return set(cols)
        norms = np.linalg.norm(null, axis=1)
        return {c for c, norm in zip(cols, norms, strict=True) if norm < _NULL_NORM}

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

    def component(self, target: int, unknown: set[int]) -> frozenset[int]:
        """The unknown cells linked to ``target`` through relations (``target`` included)."""
        rels = self.component_relations(target, unknown)
        cells = {c for r in rels for c in self.relation_cells(r) if c in unknown}
        return frozenset(cells | {target})

    def containers(self, cell: int) -> frozenset[int]:
        """Cells that contain ``cell``: totals of its relations, and theirs, and so on."""
        if self._containers is None:
            direct: list[set[int]] = [set() for _ in self.n]
            for total, parts in self.relations:
                for p in parts:
                    direct[p].add(total)
            found: list[frozenset[int] | None] = [None] * len(self.n)

            def up(c: int, seen: frozenset[int]) -> frozenset[int]:
                if found[c] is None:
                    out = set(direct[c])
                    for t in direct[c]:
                        if t not in seen:
                            out |= up(t, seen | {c})
                    found[c] = frozenset(out)
                return found[c]  # type: ignore[return-value]

            self._containers = [up(c, frozenset()) for c in range(len(self.n))]
        return self._containers[cell]

    def cost(self, cells: Sequence[int]) -> tuple:
        """Order of preference for extra suppression: fewer cells to keep, fewer totals, fewer
        people, fewer cells."""
        return (sum(self.keep[c] for c in cells), sum(self.is_total[c] for c in cells),
                sum(self.n[c] for c in cells), len(cells), sorted(cells))

    def candidates(self, cells: Iterable[int], unknown: set[int]) -> list[int]:
        """Published non-zero cells that share a relation with ``cells``."""
        pool = {c for cell in cells for r in self.cell_relations[cell]
                for c in self.relation_cells(r) if c not in unknown and self.n[c] > 0}
        return sorted(pool, key=lambda c: self.cost([c]))

    def neighbours(self, cell: int, unknown: set[int]) -> set[int]:
        """Published non-zero cells that share a relation with ``cell``."""
        return {c for r in self.cell_relations[cell] for c in self.relation_cells(r)
                if c != cell and c not in unknown and self.n[c] > 0}

    def bounds(self, cell: int, primary: set[int], known: Mapping[int, Bound]) -> Bound:
        """What a reader knows of a hidden cell's count from why it is hidden."""
        if cell in known:
            return known[cell]
        high = self.high[cell]
        if cell in primary:
            top = self.minimum - 1 if high is None else min(self.minimum - 1, high)
            return (self.floor, top)
        return (self.minimum, high)


@dataclass(frozen=True)
class Answers:
    """What a question publishes beside its count, per cell; the relations hold for each.

    ``values``: the answers that make up the count (answer value -> count per cell);
    ``other``: answers outside it, such as "cannot answer"; ``measures``: other additive,
    non-negative figures (the sum of numeric answers and of their squares); ``unit``: the
    people of each cell, so that count + other <= unit; ``unit_bounds``: what a reader knows
    of the cells whose unit count is hidden; those under ``unit_minimum`` are targets too."""

    values: Mapping[Hashable, Sequence[int]] = field(default_factory=dict)
    other: Mapping[Hashable, Sequence[int]] = field(default_factory=dict)
    measures: Mapping[Hashable, Sequence[float]] = field(default_factory=dict)
    unit: Sequence[int] | None = None
    unit_bounds: Mapping[int, Bound] = field(default_factory=dict)
    unit_minimum: int = 0

    def layers(self) -> list[tuple[str, Hashable, Sequence[float]]]:
        return ([("v", k, c) for k, c in self.values.items()]
                + [("o", k, c) for k, c in self.other.items()]
                + [("m", k, c) for k, c in self.measures.items()])


def _null_space(matrix: np.ndarray) -> np.ndarray:
    """Orthonormal basis (columns) of the null space of ``matrix``."""
    rows, cols = matrix.shape
    if rows == 0:
        return np.eye(cols)
    # a tall matrix needs no full U; a wide one needs the full V (its null space)
    _, sing, vh = np.linalg.svd(matrix, full_matrices=rows < cols)
    tol = sing.max(initial=0.0) * max(matrix.shape) * np.finfo(float).eps
    rank = int((sing > max(tol, 1e-12)).sum())
    return vh[rank:].T


class Reader:
    """What a reader can work out about one connected group of hidden cells.

    Unknowns are the count of each hidden cell, with :class:`Answers` also its answer counts
    and (where the unit count is hidden) its people; equations are every relation in every
    layer plus "the answers add up to the count"; inequalities are the bounds a reader knows
    and "count + other answers <= people". ``intervals=False`` ignores bounds (exact recovery
    only)."""

    def __init__(self, system: RelationSystem, cells: Iterable[int], hidden: set[int],
                 bound: Callable[[int], Bound], answers: Answers | None,
                 intervals: bool, analyse: bool = True) -> None:
        self.system = system
        self.cells = sorted(cells)
        self.hidden = hidden
        self.answers = answers
        self.index: dict[tuple, int] = {}
        truth: list[float] = []
        low: list[float | None] = []
        high: list[float | None] = []

        def add(key: tuple, value: float, limits: tuple) -> None:
            self.index[key] = len(truth)
            truth.append(float(value))
            low.append(limits[0])
            high.append(limits[1])

        for c in self.cells:
            add(("n", c), system.n[c], bound(c) if intervals else (None, None))
        layers = answers.layers() if answers is not None else []
        for kind, key, counts in layers:
            for c in self.cells:
                add((kind, key, c), counts[c], (0, None) if intervals else (None, None))
        unit_cells = [c for c in self.cells if answers is not None and answers.unit is not None
                      and c in answers.unit_bounds]
        for c in unit_cells:
            add(("u", c), answers.unit[c],  # type: ignore[index,union-attr]
                answers.unit_bounds[c] if intervals else (None, None))  # type: ignore[union-attr]
        eq: list[tuple[dict[int, float], float]] = []
        ub: list[tuple[dict[int, float], float]] = []
        rels = sorted({r for c in self.cells for r in system.cell_relations[c]})
        plan: list[tuple[tuple, Callable[[int], float]]] = [(("n",), lambda c: system.n[c])]
        plan += [((kind, key), lambda c, counts=counts: counts[c]) for kind, key, counts in layers]
        if unit_cells:
            plan.append((("u",), lambda c: answers.unit[c]))  # type: ignore[union-attr,index]
        for r in rels:
            total, parts = system.relations[r]
            members = [(total, 1.0)] + [(p, -1.0) for p in parts]
            for layer, published in plan:
                row: dict[int, float] = {}
                rhs = 0.0
                for cell, coef in members:
                    var = self.index.get((*layer, cell))
                    if var is None:
                        rhs -= coef * published(cell)
                    else:
                        row[var] = row.get(var, 0.0) + coef
                if row:
                    eq.append((row, rhs))
        if answers is not None:
            for c in self.cells:
                if answers.values:
                    row = {self.index[("v", k, c)]: 1.0 for k in answers.values}
                    row[self.index[("n", c)]] = -1.0
                    eq.append((row, 0.0))
                if answers.unit is not None:
                    row = {self.index[("n", c)]: 1.0}
                    row.update({self.index[("o", k, c)]: 1.0 for k in answers.other})
                    unit_var = self.index.get(("u", c))
                    if unit_var is None:
                        ub.append((row, float(answers.unit[c])))
                    else:
                        row[unit_var] = -1.0
                        ub.append((row, 0.0))
        size = len(truth)
        self.truth = np.array(truth)
        a_eq = np.zeros((len(eq), size))
        for i, (row, _rhs) in enumerate(eq):
            for var, coef in row.items():
                a_eq[i, var] += coef
        self.rising: set[int] = set()
        self.a_eq = a_eq
        self.tight: list[np.ndarray] = []
        self._polytope = None
        if intervals:
            a_ub = np.zeros((len(ub), size))
            for i, (row, _rhs) in enumerate(ub):
                for var, coef in row.items():
                    a_ub[i, var] += coef
            self._polytope = (a_eq, np.array([rhs for _row, rhs in eq]), a_ub,
                              np.array([rhs for _row, rhs in ub]),
                              list(zip(low, high, strict=True)))
        if not intervals:
            if analyse:
                self.basis = _null_space(a_eq)
            return
        tight = self.tight
        lower_tight: dict[int, int] = {}
        for j in range(size):
            if low[j] is not None and self.truth[j] <= low[j] + _TIGHT:
                vec = np.zeros(size)
                vec[j] = -1.0
                lower_tight[len(tight)] = j
                tight.append(vec)
            if high[j] is not None and self.truth[j] >= high[j] - _TIGHT:
                vec = np.zeros(size)
                vec[j] = 1.0
                tight.append(vec)
        for row, rhs in ub:
            vec = np.zeros(size)
            for var, coef in row.items():
                vec[var] += coef
            if vec @ self.truth >= rhs - _TIGHT:
                tight.append(vec)
        if not analyse:
            return
        loosened = self._loosened(a_eq, tight)
        self.rising = {j for k, j in lower_tight.items() if k in loosened}
        # an implicitly tight bound fixes its unknown: drop that column instead of adding a row
        fixed = {int(np.flatnonzero(vec)[0]) for k, vec in enumerate(tight)
                 if k not in loosened and np.count_nonzero(vec) == 1}
        free = [j for j in range(size) if j not in fixed]
        rows = [vec for k, vec in enumerate(tight)
                if k not in loosened and np.count_nonzero(vec) > 1]
        stacked = np.vstack([a_eq, *rows]) if rows else a_eq
        stacked = stacked[:, free]
        stacked = stacked[np.any(stacked != 0, axis=1)]
        basis = np.zeros((size, 0))
        if free:
            part = _null_space(stacked)
            basis = np.zeros((size, part.shape[1]))
            basis[free] = part
        self.basis = basis

    @staticmethod
    def _loosened(a_eq: np.ndarray, tight: list[np.ndarray]) -> set[int]:
        """Indices of the tight inequalities some feasible direction makes slack."""
        if not tight:
            return set()
        size, count = a_eq.shape[1], len(tight)
        cost = np.concatenate([np.zeros(size), -np.ones(count)])
        a_ub = np.hstack([np.vstack(tight), np.eye(count)])
        a_eq_lp = np.hstack([a_eq, np.zeros((a_eq.shape[0], count))]) if a_eq.shape[0] else None
        found = linprog(cost, A_ub=a_ub, b_ub=np.zeros(count), A_eq=a_eq_lp,
                        b_eq=np.zeros(a_eq.shape[0]) if a_eq.shape[0] else None,
                        bounds=[(None, None)] * size + [(0, 1)] * count, method="highs")
        if found.status != 0:
            return set()
        return {k for k, t in enumerate(found.x[size:]) if t > 0.5}

    def guide(self, functionals: list[tuple[dict[int, float], tuple[int, ...]]],
              candidates: Mapping[int, float]) -> set[int] | None:
        """The cheapest-looking set of ``candidates`` (cell -> cost of hiding it) whose
        unknowns, moving together with the hidden ones, can change one of ``functionals``
        (each with the signs to try). A linear program: move the functional by one in a
        feasible direction, paying each candidate's cost times how far its unknowns move.
        None when no direction through these candidates exists."""
        size = len(self.truth)
        owner = {var: key[-1] for key, var in self.index.items() if key[-1] in candidates}
        cells = sorted(candidates)
        slot = {c: i for i, c in enumerate(cells)}
        cost = np.concatenate([np.zeros(size), [candidates[c] for c in cells]])
        rows_ub = [np.concatenate([vec, np.zeros(len(cells))]) for vec in self.tight]
        for var, cell in owner.items():
            for sign in (1.0, -1.0):
                row = np.zeros(size + len(cells))
                row[var] = sign
                row[size + slot[cell]] = -1.0
                rows_ub.append(row)
        a_ub = np.vstack(rows_ub) if rows_ub else None
        b_ub = np.zeros(len(rows_ub)) if rows_ub else None
        bounds = [(None, None)] * size + [(0, None)] * len(cells)
        best: tuple[float, set[int]] | None = None
        for terms, signs in functionals:
            target = np.zeros(size + len(cells))
            for var, coef in terms.items():
                target[var] += coef
            for sign in signs:
                a_eq = np.vstack([np.hstack([self.a_eq, np.zeros((self.a_eq.shape[0],
                                                                   len(cells)))]), target])
                b_eq = np.concatenate([np.zeros(self.a_eq.shape[0]), [float(sign)]])
                found = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                                bounds=bounds, method="highs")
                if found.status != 0:
                    continue
                chosen = {c for c in cells if found.x[size + slot[c]] > 1e-7}
                if best is None or found.fun < best[0]:
                    best = (found.fun, chosen)
        return best[1] if best is not None else None

    def pinned(self, coefficients: Mapping[int, float]) -> bool:
        """True when the linear function ``sum(coef * unknown)`` has one possible value."""
        vector = np.zeros(len(self.truth))
        for var, coef in coefficients.items():
            vector[var] += coef
        if self.basis.shape[1] == 0:
            return True
        return bool(np.linalg.norm(vector @ self.basis) < _NULL_NORM * np.linalg.norm(vector))

    def whole_number_pinned(self, var: int) -> bool:
        """True when the unknown ``var`` can take only one whole number: its range over the
        real-valued polytope is narrower than one (3.5..4 leaves only 4), which the span
        analysis, working in real numbers, does not see."""
        if self._polytope is None:
            return False
        a_eq, b_eq, a_ub, b_ub, limits = self._polytope
        cost = np.zeros(len(self.truth))
        ends = []
        for sign in (1.0, -1.0):
            cost[var] = sign
            found = linprog(cost, A_ub=a_ub if len(b_ub) else None,
                            b_ub=b_ub if len(b_ub) else None,
                            A_eq=a_eq if len(b_eq) else None, b_eq=b_eq if len(b_eq) else None,
                            bounds=limits, method="highs")
            if found.status != 0:
                return False
            ends.append(sign * found.fun)
        low, high = ends
        return bool(np.floor(high + 1e-6) - np.ceil(low - 1e-6) < 1)

    def _published_zero_above(self, cell: int, value: Callable[[int], float]) -> bool:
        return any(value(p) == 0 for p in self.system.containers(cell) if p not in self.hidden)

    def exposed(self, group: Group, own_bounds: Callable[[int], Bound]) -> bool:
        """Whether a reader can pin down the size or the answers of ``group``."""
        return self.exposure(group, own_bounds) is not None

    def exposure(self, group: Group, own_bounds: Callable[[int], Bound]
                 ) -> frozenset[tuple] | None:
        """None when a reader cannot pin down ``group``; otherwise the layers that give it
        away (``("n",)`` its size, ``(kind, key)`` an answer count, ``("u",)`` its people)."""
        system, answers = self.system, self.answers
        size = sum(system.n[c] for c in group)
        if self.pinned({self.index[("n", c)]: 1.0 for c in group}) or (
                len(group) == 1 and self.whole_number_pinned(self.index[("n", group[0])])):
            implied = size == 0 and all(
                self._published_zero_above(c, lambda p: system.n[p]) for c in group)
            fixed = len(group) == 1 and own_bounds(group[0])[0] == own_bounds(group[0])[1]
            if not implied and not fixed:
                return frozenset({("n",)})
        if answers is None:
            return None
        for kind, key, counts in answers.layers():
            if sum(counts[c] for c in group) > 0 and self.pinned(
                    {self.index[(kind, key, c)]: 1.0 for c in group}):
                return frozenset({(kind, key)})
        if len(group) != 1:
            return None
        cell = group[0]
        missing = self._homogeneous(cell)
        if missing:
            return missing
        unit_var = self.index.get(("u", cell))
        if unit_var is not None and answers.unit is not None \
                and answers.unit[cell] < answers.unit_minimum and self.pinned({unit_var: 1.0}):
            low, high = answers.unit_bounds[cell]
            if low != high:
                return frozenset({("u",)})
        return None

    def _homogeneous(self, cell: int) -> frozenset[tuple]:
        """The answers ``cell`` cannot have although the published groups that contain it
        did, when that leaves it at most one possible answer (all its people answered alike,
        or none answered); empty otherwise."""
        answers = self.answers
        assert answers is not None
        kinds = [(k, key, counts) for k, key, counts in answers.layers() if k in ("v", "o")]
        if not kinds:
            return frozenset()
        possible = {(k, key) for k, key, counts in kinds
                    if counts[cell] > 0 or self.index[(k, key, cell)] in self.rising}
        if len(possible) > 1:
            return frozenset()
        allowed = {(k, key) for k, key, _ in kinds}
        for above in self.system.containers(cell):
            if above not in self.hidden:
                allowed &= {(k, key) for k, key, counts in kinds if counts[above] > 0}
        return frozenset(allowed - possible) if len(possible) < len(allowed) else frozenset()


def groups_in(system: RelationSystem, cells: Iterable[int], targets: set[int]) -> list[Group]:
    """Subsets (two or more) of one relation's hidden small parts whose people together are
    fewer than the minimum: each is a group a reader may try to work out."""
    cells = set(cells)
    found: dict[Group, None] = {}
    for r in sorted({r for c in cells for r in system.cell_relations[c]}):
        _total, parts = system.relations[r]
        small = sorted((p for p in parts if p in cells and p in targets),
                       key=lambda p: (system.n[p], p))
        if len(small) < 2:
            continue
        for subset in _small_subsets(small, [system.n[p] for p in small], system.minimum):
            found.setdefault(subset, None)
    return sorted(found, key=lambda g: (sum(system.n[c] for c in g), len(g), g))


def _small_subsets(cells: list[int], sizes: list[int], minimum: int) -> list[Group]:
    """Subsets of two or more ``cells`` (sorted by size) with fewer than ``minimum`` people
    together, at most ``GROUP_SUBSETS`` of them, and all of them if that is small."""
    subsets: list[Group] = []
    stack: list[tuple[int, tuple[int, ...], int]] = [(0, (), 0)]
    while stack and len(subsets) < GROUP_SUBSETS:
        start, chosen, people = stack.pop()
        for i in range(start, len(cells)):
            total = people + sizes[i]
            if total >= minimum:
                break
            group = (*chosen, cells[i])
            if len(group) >= 2:
                subsets.append(tuple(sorted(group)))
            stack.append((i + 1, group, total))
    if sum(sizes) < minimum:
        subsets.append(tuple(sorted(cells)))
    return subsets


def protect(system: RelationSystem, primary: Iterable[int], *, start: Iterable[int] = (),
            intervals: bool = True, answers: Answers | None = None,
            bounds: Mapping[int, Bound] | None = None) -> set[int]:
    """The cells to hide beyond ``primary`` and ``start`` so that no target is exposed.

    ``primary`` are the cells under the minimum (the targets; with ``floor`` 0 zeros too);
    ``start`` are cells hidden already for another reason (a question's pattern starts from
    its unit pattern), with ``bounds`` what a reader knows of them. Phase 1 removes every
    exact recovery of a target's size (linear algebra); phase 2, when ``intervals`` is true,
    also uses the bounds a reader knows and, with ``answers``, protects the answer counts.
    A target that no further hiding can help (every non-zero cell around it is hidden already)
    is left as it is."""
    primary = set(primary)
    hidden = primary | set(start)
    known = dict(bounds or {})
    extra: set[int] = set()
    hopeless: set[tuple[str, Group]] = set()
    readers: dict[tuple[str, frozenset[int]], Reader] = {}

    def bound(cell: int) -> Bound:
        return system.bounds(cell, primary, known)

    def reader(mode: str, cells: frozenset[int], unknown: set[int]) -> Reader:
        key = (mode, cells)
        if key not in readers:
            exact = mode == "exact"
            readers[key] = Reader(system, cells, unknown, bound,
                                  None if exact else answers, not exact)
        found = readers[key]
        found.hidden = unknown  # what is published around the group (containers)
        return found

    def targets_of(mode: str, cells: frozenset[int]) -> list[Group]:
        singles = sorted((c for c in cells if c in primary), key=lambda c: (system.n[c], c))
        unit_targets = []
        if mode != "exact" and answers is not None and answers.unit is not None:
            unit_targets = sorted(c for c in cells if c in answers.unit_bounds and c not in primary
                                  and answers.unit[c] < answers.unit_minimum)
        return [(c,) for c in singles] + [(c,) for c in unit_targets] + groups_in(
            system, cells, primary)

    def components(unknown: set[int]) -> list[frozenset[int]]:
        left, out = set(unknown), []
        while left:
            comp = system.component(min(left), unknown)
            left -= comp
            out.append(comp)
        return out

    def find(mode: str) -> Group | None:
        for cells in components(hidden):
            if not any(c in primary or (answers is not None and c in answers.unit_bounds)
                       for c in cells):
                continue
            found = reader(mode, cells, hidden)
            for group in targets_of(mode, cells):
                if (mode, group) not in hopeless and found.exposed(group, bound):
                    return group
        return None

    def useful(cell: int, layers: frozenset[tuple]) -> bool:
        """Whether hiding ``cell`` can loosen one of ``layers``: it has people or answers
        there that could move."""
        for layer in layers:
            if layer == ("n",) and system.n[cell] > 0:
                return True
            if layer == ("u",) and answers is not None and answers.unit is not None \
                    and answers.unit[cell] > 0:
                return True
            if answers is not None and len(layer) == 2:
                kind, key = layer
                table = {"v": answers.values, "o": answers.other, "m": answers.measures}[kind]
                if table[key][cell] > 0:
                    return True
        return False

    def functionals(found: Reader, group: Group, layers: frozenset[tuple]
                    ) -> list[tuple[dict[int, float], tuple[int, ...]]]:
        """The functions whose change ends the exposure, with the signs to try: a pinned
        size or count must move either way; a missing answer must become possible."""
        out = []
        for layer in sorted(layers, key=repr):
            if layer in (("n",), ("u",)):
                keys = [(*layer, c) for c in group]
                signs: tuple[int, ...] = (1, -1)
            else:
                keys = [(*layer, c) for c in group]
                counts = {"v": answers.values, "o": answers.other,  # type: ignore[union-attr]
                          "m": answers.measures}[layer[0]][layer[1]]  # type: ignore[union-attr]
                signs = (1, -1) if sum(counts[c] for c in group) > 0 else (1,)
            if all(k in found.index for k in keys):
                out.append(({found.index[k]: 1.0 for k in keys}, signs))
        return out

    heaviest = 2.0 * sum(system.n) + 1.0

    def weight(cell: int) -> float:
        """The guide's cost of hiding a cell, in the order of ``RelationSystem.cost``: a cell
        to keep costs more than any number of totals, a total more than any number of other
        cells, then people count, then cells."""
        return ((heaviest * heaviest if system.keep[cell] else 0.0)
                + (heaviest if system.is_total[cell] else 0.0) + system.n[cell] + 1e-3)

    def guided(mode: str, group: Group, cells: frozenset[int], pool: list[int],
               layers: frozenset[tuple]) -> tuple[int, ...]:
        """A repair proposed by a linear program over the cells next to the group, and
        checked: empty when none is found or it does not end the exposure."""
        if not pool:
            return ()
        # two steps out: hiding a unit may need hiding its only child too
        pool = sorted(set(pool) | set(system.candidates(pool, hidden | set(pool))))
        trial = hidden | set(pool)
        wide = Reader(system, cells | set(pool), trial, bound,
                      None if mode == "exact" else answers, mode != "exact", analyse=False)
        chosen = wide.guide(functionals(wide, group, layers), {c: weight(c) for c in pool})
        if not chosen:
            return ()
        option = tuple(sorted(chosen))
        trial = hidden | chosen
        if reader(mode, system.component(group[0], trial), trial).exposed(group, bound):
            return ()
        return option

    def repair(mode: str, group: Group, max_tries: int | None) -> tuple[int, ...]:
        cells = system.component(group[0], hidden)
        layers = reader(mode, cells, hidden).exposure(group, bound) or frozenset({("n",)})
        pool = system.candidates(cells, hidden)
        helpful = [c for c in pool if useful(c, layers)] or pool
        options = {(c,) for c in helpful} | set(combinations(sorted(helpful[:PAIR_POOL]), 2))
        for first in helpful[:PAIR_POOL]:
            # a partner next to the first cell: hiding a unit needs hiding its only child too
            options |= {tuple(sorted((first, c))) for c in system.neighbours(first, hidden)}
        ordered = sorted(options, key=system.cost)
        # the cheapest single first, then the guide, then the other options one by one
        for option in ordered[:1]:
            trial = hidden | set(option)
            if not reader(mode, system.component(group[0], trial), trial).exposed(group, bound):
                return option
        suggestion = guided(mode, group, cells, pool, layers)
        if suggestion:
            return suggestion
        for option in ordered[1:max_tries]:
            trial = hidden | set(option)
            if not reader(mode, system.component(group[0], trial), trial).exposed(group, bound):
                return option
        return (helpful[0],) if helpful else ()

    with one_blas_thread():
        for mode in ("exact", "bounds") if intervals else ("exact",):
            while (group := find(mode)) is not None:
                chosen = repair(mode, group, None if mode == "exact" else LP_TRIES)
                if not chosen:
                    hopeless.add((mode, group))
                    continue
                hidden.update(chosen)
                extra.update(chosen)
    return extra
