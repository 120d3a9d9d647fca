"""The attacker: everything a reader knows of a wave, written as integer linear constraints,
and ``scipy.optimize.milp`` asked, for every hidden group under the minimum, for the
smallest and the largest value its size and each of its answer counts can take.

Unknowns, per scope key (district, area, role with TOTAL for "all"): the people ``n``; per
question the valid answers, the count of each answer value, the "cannot answer" count and
the sum of numeric answers. With the raw CSV, also the same for every (district, area, role)
crossing, which the CSV's rows add up to. Constraints: every relation of the scope (city =
districts, district = areas = roles, area column = its districts) in every layer; answers add
up to the valid count, valid + "cannot answer" <= people; what was downloaded fixes its
cells; a hidden cell's reason bounds it ("fewer than m": 1..m-1 people, 0..m-1 answers;
"hidden to protect": at least m); headcounts bound the people.

A group under the minimum is a hidden cell with fewer than m people (or valid answers), or
several hidden parts of one relation with fewer than m together. It is given away when its
size is pinned, when one of its answer counts is pinned to a positive value, or when all its
answers can only be one value although the published groups around it gave more (then each
member's answer is known). A zero that a published zero around it implies (nobody in the
district answered, so nobody in its area did) is no finding; nor a size that the cell's own
bounds fix (a unit whose only staff member answered)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array, vstack

from core.disclosure.gate import REASON_BELOW_MINIMUM, REASON_COMPLEMENTARY, TOTAL
from tests.anonymity.downloads import Figures, Knowledge

INF = np.inf


@dataclass
class Model:
    """Variables (by name) with bounds, and linear rows ``lo <= sum(coef * var) <= hi``."""

    index: dict[tuple, int] = field(default_factory=dict)
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)
    _cache: dict = field(default_factory=dict)

    def var(self, name: tuple, integer: bool = True) -> int:
        if name not in self.index:
            self.index[name] = len(self.low)
            self.low.append(0.0)
            self.high.append(INF)
            self.integer.append(1 if integer else 0)
        return self.index[name]

    def bound(self, name: tuple, low: float | None = None, high: float | None = None) -> None:
        i = self.var(name)
        if low is not None:
            self.low[i] = max(self.low[i], low)
        if high is not None:
            self.high[i] = min(self.high[i], high)

    def fix(self, name: tuple, value: float, slack: float = 0.0) -> None:
        self.bound(name, value - slack, value + slack)

    def add(self, terms: dict[tuple, float], low: float, high: float) -> None:
        row: dict[int, float] = defaultdict(float)
        for name, coef in terms.items():
            row[self.var(name)] += coef
        self.rows.append((dict(row), low, high))

    def _component(self, start: set[int]) -> tuple[list[int], list[int]]:
        """Variables linked to ``start`` through rows over unknowns, and those rows."""
        if "part" not in self._cache:
            by_var = defaultdict(list)
            for r, (row, _lo, _hi) in enumerate(self.rows):
                for v in row:
                    by_var[v].append(r)
            part: dict[int, int] = {}
            members: list[tuple[list[int], list[int]]] = []
            for first in range(len(self.low)):
                if first in part:
                    continue
                seen, rows, todo = {first}, set(), [first]
                if self.low[first] == self.high[first]:
                    todo = []  # a known value links nothing
                while todo:
                    v = todo.pop()
                    for r in by_var[v]:
                        if r in rows:
                            continue
                        rows.add(r)
                        for other in self.rows[r][0]:
                            if other not in seen and self.low[other] != self.high[other]:
                                seen.add(other)
                                todo.append(other)
                for v in seen:
                    part[v] = len(members)
                members.append((sorted(seen), sorted(rows)))
            self._cache["part"] = (part, members)
        part, members = self._cache["part"]
        found = {part[v] for v in start}
        if len(found) == 1:
            return members[found.pop()]
        cols = sorted({v for p in found for v in members[p][0]})
        rows = sorted({r for p in found for r in members[p][1]})
        return cols, rows

    def extreme(self, terms: dict[tuple, float], sense: int) -> float | None:
        """The smallest (sense 1) or largest (sense -1) value of ``terms``; None when the
        facts contradict each other (they must not)."""
        start = {self.index[name] for name in terms}
        cols, rows = self._component(start)
        key = (tuple(cols), tuple(rows))
        if key not in self._cache:
            pos = {v: i for i, v in enumerate(cols)}
            data, ri, ci, lo, hi = [], [], [], [], []
            for k, r in enumerate(rows):
                row, low, high = self.rows[r]
                shift = 0.0
                for v, coef in row.items():
                    if v in pos:
                        data.append(coef)
                        ri.append(k)
                        ci.append(pos[v])
                    else:
                        shift += coef * self.low[v]
                lo.append(low - shift)
                hi.append(high - shift)
            matrix = csr_array((data, (ri, ci)), shape=(len(rows), len(cols)))
            lo, hi = np.array(lo), np.array(hi)
            equal = np.isfinite(lo) & np.isfinite(hi) & (lo == hi)
            upper, lower = np.isfinite(hi) & ~equal, np.isfinite(lo) & ~equal
            relaxed = {
                "A_ub": vstack([matrix[upper], -matrix[lower]], format="csr"),
                "b_ub": np.concatenate([hi[upper], -lo[lower]]),
                "A_eq": matrix[equal], "b_eq": lo[equal],
                "bounds": [(self.low[v], None if self.high[v] == INF else self.high[v])
                           for v in cols]}
            if not len(relaxed["b_ub"]):
                relaxed["A_ub"] = relaxed["b_ub"] = None
            if not equal.any():
                relaxed["A_eq"] = relaxed["b_eq"] = None
            integer = np.array([self.integer[v] for v in cols])
            self._cache[key] = (pos, matrix, lo, hi, relaxed, integer)
        pos, matrix, lo, hi, relaxed, integer = self._cache[key]
        cost = np.zeros(len(pos))
        for name, coef in terms.items():
            cost[pos[self.index[name]]] += sense * coef
        # the linear relaxation first: when its optimal vertex is whole, it is the answer
        found = linprog(cost, method="highs", **relaxed)
        if found.status == 3:
            return -sense * INF
        if found.status == 0:
            x = found.x[integer == 1]
            if np.all(np.abs(x - np.round(x)) < 1e-7):
                return sense * found.fun
        found = milp(cost, constraints=LinearConstraint(matrix, lo, hi) if len(lo) else None,
                     integrality=integer,
                     bounds=Bounds([self.low[v] for v in pos], [self.high[v] for v in pos]))
        if found.status == 3:  # unbounded
            return -sense * INF
        if found.status != 0:
            return None
        return sense * found.fun

    def pinned(self, terms: dict[tuple, float], truth: float, tol: float = 0.5) -> bool:
        low = self.extreme(terms, 1)
        assert low is not None, "the facts a reader has are contradictory"
        if low < truth - tol:
            return False
        high = self.extreme(terms, -1)
        return high is not None and high <= truth + tol


@dataclass
class Truth:
    """The true counts (from the counters), to know which hidden groups are small, and the
    wave's patterns (what the gate publishes)."""

    n: dict[tuple, int]
    answers: dict[int, dict[tuple, dict[int, int]]]  #: question -> key -> value -> count
    unit_reasons: dict[tuple, str] = field(default_factory=dict)
    question_reasons: dict[int, dict[tuple, str]] = field(default_factory=dict)


def scope_keys(dims) -> list[tuple]:
    districts, areas, roles = dims
    keys = [(TOTAL, TOTAL, TOTAL)]
    keys += [(TOTAL, a, TOTAL) for a in areas] + [(TOTAL, TOTAL, r) for r in roles]
    for d in districts:
        keys += [(d, TOTAL, TOTAL)] + [(d, a, TOTAL) for a in areas]
        keys += [(d, TOTAL, r) for r in roles]
    return keys


def relations(dims) -> list[tuple[tuple, list[tuple]]]:
    districts, areas, roles = dims
    found = [((TOTAL, TOTAL, TOTAL), [(d, TOTAL, TOTAL) for d in districts]),
             ((TOTAL, TOTAL, TOTAL), [(TOTAL, a, TOTAL) for a in areas]),
             ((TOTAL, TOTAL, TOTAL), [(TOTAL, TOTAL, r) for r in roles])]
    for a in areas:
        found.append(((TOTAL, a, TOTAL), [(d, a, TOTAL) for d in districts]))
    for r in roles:
        found.append(((TOTAL, TOTAL, r), [(d, TOTAL, r) for d in districts]))
    for d in districts:
        found.append(((d, TOTAL, TOTAL), [(d, a, TOTAL) for a in areas]))
        found.append(((d, TOTAL, TOTAL), [(d, TOTAL, r) for r in roles]))
    return found


def containers(key: tuple) -> list[tuple]:
    d, a, r = key
    found = []
    if d is not TOTAL and (a is not TOTAL or r is not TOTAL):
        found += [(d, TOTAL, TOTAL), (TOTAL, a, r)]
    if key != (TOTAL, TOTAL, TOTAL):
        found.append((TOTAL, TOTAL, TOTAL))
    return found


class Attacker:
    """Builds the constraints of one wave and looks for groups it gives away."""

    def __init__(self, know: Knowledge, truth: Truth) -> None:
        self.know, self.truth, self.m = know, truth, know.minimum
        self.keys = scope_keys(know.dims)
        self.relations = relations(know.dims)
        self.findings: list[str] = []
        self.checks = 0

    # --- the constraints ---------------------------------------------------------------

    def layers(self, question: int | None) -> list[tuple]:
        if question is None:
            return [("n",)]
        found = [("n",), ("valid", question)]
        if self.know.allows_cannot[question]:
            found.append(("cannot", question))
        kind = self.know.types[question]
        if kind in ("agreement", "scale10", "yesno"):
            found += [("x", question, v) for v in self.know.values[question]]
        if kind == "number":
            found.append(("sum", question))
        return found

    def model(self, question: int | None) -> Model:
        model, know = Model(), self.know
        layers = self.layers(question)
        for layer in layers:
            for key in self.keys:
                model.var((*layer, key), integer=layer[0] != "sum")
            for total, parts in self.relations:
                model.add({(*layer, total): 1.0, **{(*layer, p): -1.0 for p in parts}}, 0, 0)
        for key in self.keys:
            self._unit_facts(model, key)
            if question is not None:
                self._question_facts(model, question, key, layers)
        if know.raw_groups:
            self._raw_facts(model, question, layers)
        return model

    def _unit_facts(self, model: Model, key: tuple) -> None:
        known = self.know.units.get(key)
        if isinstance(known, int):
            model.fix(("n", key), known)
        elif known == REASON_BELOW_MINIMUM:
            model.bound(("n", key), 1, self.m - 1)
        elif known == REASON_COMPLEMENTARY:
            model.bound(("n", key), self.m)
        if key in self.know.staff:
            model.bound(("n", key), high=self.know.staff[key])

    def _question_facts(self, model: Model, q: int, key: tuple, layers: list[tuple]) -> None:
        values = [layer for layer in layers if layer[0] == "x"]
        if values:
            model.add({("valid", q, key): -1.0, **{(*v, key): 1.0 for v in values}}, 0, 0)
        answered = {("valid", q, key): 1.0, ("n", key): -1.0}
        if ("cannot", q) in layers:
            answered[("cannot", q, key)] = 1.0
        model.add(answered, -INF, 0)
        known = self.know.questions[q].get(key)
        unit = self.know.units.get(key)
        if isinstance(known, Figures):
            model.fix(("valid", q, key), known.valid)
            if known.counts is not None and values:
                for v in self.know.values[q]:
                    model.fix(("x", q, v, key), known.counts.get(v, 0))
            if known.cannot is not None and ("cannot", q) in layers:
                model.fix(("cannot", q, key), known.cannot)
            if known.total is not None:
                model.fix(("sum", q, key), known.total, slack=0.006 * max(known.valid, 1))
        elif isinstance(unit, int) and known == REASON_BELOW_MINIMUM:
            model.bound(("valid", q, key), high=self.m - 1)
        elif isinstance(unit, int) and known == REASON_COMPLEMENTARY:
            model.bound(("valid", q, key), self.m)

    def _raw_facts(self, model: Model, question: int | None, layers: list[tuple]) -> None:
        """The raw CSV: its (district, area, role) crossings add up to the scope's cells,
        and its rows, summed by their shown values, fix sums of those crossings."""
        districts, areas, roles = self.know.dims
        inner = [(d, a, r) for d in districts for a in areas for r in roles]
        for layer in layers:
            for cell in inner:
                model.var((*layer, "inner", cell), integer=layer[0] != "sum")
            for d in districts:
                for a in areas:
                    model.add({(*layer, (d, a, TOTAL)): -1.0,
                               **{(*layer, "inner", (d, a, r)): 1.0 for r in roles}}, 0, 0)
                for r in roles:
                    model.add({(*layer, (d, TOTAL, r)): -1.0,
                               **{(*layer, "inner", (d, a, r)): 1.0 for a in areas}}, 0, 0)
        if question is not None:
            for cell in inner:
                values = [layer for layer in layers if layer[0] == "x"]
                if values:
                    model.add({("valid", question, "inner", cell): -1.0,
                               **{(*v, "inner", cell): 1.0 for v in values}}, 0, 0)
                answered = {("valid", question, "inner", cell): 1.0, ("n", "inner", cell): -1.0}
                if ("cannot", question) in layers:
                    answered[("cannot", question, "inner", cell)] = 1.0
                model.add(answered, -INF, 0)
        # a district is blanked on all its rows or on none: "*" is every district not shown
        named = {shown[0] for shown in self.know.raw_groups if shown[0] != "*"}
        for shown, group in self.know.raw_groups.items():
            members = [c for c in inner
                       if (c[0] not in named if shown[0] == "*" else c[0] == shown[0])
                       and all(s == "*" or s == v for s, v in zip(shown[1:], c[1:], strict=True))]
            facts = {("n",): group["n"]}
            if question is not None and group["q"].get(question, {}).get("hidden"):
                pass  # the export hides this question's answers in this group
            elif question is not None:
                entry = group["q"].get(question, {"counts": {}, "cannot": 0, "total": 0.0})
                facts[("valid", question)] = sum(entry["counts"].values())
                if ("cannot", question) in layers:
                    facts[("cannot", question)] = entry["cannot"]
                for layer in layers:
                    if layer[0] == "x":
                        facts[layer] = entry["counts"].get(layer[2], 0)
                    elif layer[0] == "sum":
                        facts[layer] = entry["total"]
            for layer, value in facts.items():
                if members:
                    model.add({(*layer, "inner", c): 1.0 for c in members}, value, value)

    # --- the groups and what gives them away ----------------------------------------------

    def hidden(self, question: int | None) -> list[tuple]:
        facts = self.know.units if question is None else self.know.questions[question]
        return [k for k in self.keys if isinstance(facts.get(k), str)]

    def size(self, question: int | None, key: tuple) -> int:
        if question is None:
            return self.truth.n.get(key, 0)
        counts = self.truth.answers.get(question, {}).get(key, {})
        return sum(c for v, c in counts.items() if v != -1)

    def answered(self, question: int, key: tuple) -> int:
        return sum(self.truth.answers.get(question, {}).get(key, {}).values())

    def targets(self, question: int | None) -> list[tuple[tuple, ...]]:
        """Hidden cells and groups of hidden parts of one relation under the minimum."""
        hidden = set(self.hidden(question))
        small = {k for k in hidden if self.size(question, k) < self.m and (
            self.size(None, k) > 0 if question is None
            else self.answered(question, k) > 0 or isinstance(self.know.units.get(k), str))}
        found = {(k,) for k in small}
        for _total, parts in self.relations:
            members = sorted((p for p in parts if p in small), key=repr)
            for size in range(2, len(members) + 1):
                for group in combinations(members, size):
                    if sum(self.size(question, k) for k in group) < self.m:
                        found.add(group)
        return sorted(found, key=lambda g: (len(g), repr(g)))

    def published_zero_above(self, question: int | None, layer: tuple, key: tuple) -> bool:
        for above in containers(key):
            known = (self.know.units if question is None
                     else self.know.questions[question]).get(above)
            if question is None and isinstance(known, int) and known == 0:
                return True
            if isinstance(known, Figures):
                if layer[0] == "valid" and known.valid == 0:
                    return True
                if layer[0] == "x" and known.counts is not None \
                        and known.counts.get(layer[2], 0) == 0:
                    return True
                if layer[0] == "cannot" and known.cannot == 0:
                    return True
        return False

    def truth_of(self, layer: tuple, key: tuple) -> float:
        if layer[0] == "n":
            return self.truth.n.get(key, 0)
        counts = self.truth.answers.get(layer[1], {}).get(key, {})
        if layer[0] == "valid":
            return sum(c for v, c in counts.items() if v != -1)
        if layer[0] == "cannot":
            return counts.get(-1, 0)
        if layer[0] == "sum":
            return float(sum(v * c for v, c in counts.items() if v != -1))
        return counts.get(layer[2], 0)

    def find(self, model: Model, question: int | None, label: str) -> None:
        size_layer = ("n",) if question is None else ("valid", question)
        for group in self.targets(question):
            self.checks += 1
            size = sum(self.truth_of(size_layer, k) for k in group)
            fixed_alone = len(group) == 1 and question is None and \
                model.low[model.index[("n", group[0])]] == model.high[model.index[("n", group[0])]]
            if not fixed_alone and model.pinned({(*size_layer, k): 1.0 for k in group}, size):
                if not (size == 0 and all(self.published_zero_above(question, size_layer, k)
                                          for k in group)):
                    self.findings.append(f"{label}: size of {group} pinned at {size}")
            if question is None:
                continue
            answer_layers = [layer for layer in self.layers(question)
                             if layer[0] in ("x", "cannot", "sum")]
            possible = set()
            for layer in answer_layers:
                truth = sum(self.truth_of(layer, k) for k in group)
                terms = {(*layer, k): 1.0 for k in group}
                if truth > 0:
                    possible.add(layer)
                    tol = 0.5 if layer[0] != "sum" else 0.01
                    if model.pinned(terms, truth, tol):
                        self.findings.append(f"{label}: {layer} of {group} pinned at {truth}")
                elif layer[0] != "sum" and len(group) == 1:
                    high = model.extreme(terms, -1)
                    if high is not None and high >= 0.5:
                        possible.add(layer)
            if len(group) == 1 and len(possible) <= 1:
                allowed = {layer for layer in answer_layers if layer[0] != "sum"}
                for above in containers(group[0]):
                    known = self.know.questions[question].get(above)
                    if isinstance(known, Figures) and known.counts is not None:
                        allowed = {la for la in allowed if la[0] != "x"
                                   or known.counts.get(la[2], 0) > 0}
                    if isinstance(known, Figures) and known.cannot == 0:
                        allowed.discard(("cannot", question))
                possible = {la for la in possible if la[0] != "sum"}
                if len(possible) < len(allowed):
                    self.findings.append(
                        f"{label}: answers of {group} can only be {sorted(possible)}")

    def run(self, questions: list[int] | None = None) -> list[str]:
        """Attack the unit counts, then every question; returns the findings."""
        self.find(self.model(None), None, "responses")
        for q in questions if questions is not None else sorted(self.know.questions):
            model = self.model(q)
            self.find(model, q, f"question {q}")
            # the people of a small hidden unit, with this question's answers as bounds
            for group in self.targets(None):
                if len(group) == 1 and model.pinned({("n", group[0]): 1.0},
                                                    self.truth.n.get(group[0], 0)):
                    low = model.low[model.index[("n", group[0])]]
                    if low != model.high[model.index[("n", group[0])]]:
                        self.findings.append(f"question {q}: people of {group} pinned")
        return self.findings
