"""The disclosure patterns of one wave's whole results scope. Pure functions (no Flask).

The scope is everything a page, an export or the API can show of a wave, for any user:
the city, each district, and each of them split by service area or by staff role (not by
both at once: area x role cells of one district are mostly managers counted in ones and
twos, so that table would be more hidden than shown). Keys are (district, area, role) with
``TOTAL`` for "all"; the relations are every margin of those two tables, which share the
district totals and the city total, so the hierarchy city -> district -> area and
city -> district -> role is one system.

Two kinds of pattern, both made by ``core.disclosure.engine.protect`` from one place:

* :func:`suppress_scope`, the response counts per unit. The union of the patterns of the
  two tables (``core.disclosure.gate.suppress_cube`` on each, fast) is the start; it is then
  checked and repaired against the relations of the whole scope. While a wave is open
  (``hide_zeros``) zero counts are hidden too: participation must not tell who answered first.
* :func:`suppress_question`, one question's answers, started from the unit pattern. Its
  count is the number of *valid* answers (a "cannot answer" is not an answer the figures
  describe), every answer count and the "cannot answer" count are protected as well, and the
  reader's bounds include "answers <= the unit's people".
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import product

from core.disclosure.engine import Answers, Bound, RelationSystem, protect
from core.disclosure.gate import (
    REASON_BELOW_MINIMUM,
    REASON_COMPLEMENTARY,
    TOTAL,
    suppress_cube,
    validate_minimum,
)

Key = tuple[Hashable, Hashable, Hashable]
Dims = tuple[Sequence[Hashable], Sequence[Hashable], Sequence[Hashable]]


def scope_keys(dims: Dims) -> list[Key]:
    """Every published key: a unit crossed with an area or a role, never both."""
    axes = [list(values) + [TOTAL] for values in dims]
    return [k for k in product(*axes) if k[1] is TOTAL or k[2] is TOTAL]


def scope_relations(dims: Dims, keys: Iterable[Key]) -> list[tuple[Key, list[Key]]]:
    """(total, parts) for every margin of the scope whose parts are all in the scope."""
    present = set(keys)
    relations = []
    for key in present:
        for pos, value in enumerate(key):
            if value is TOTAL:
                parts = [key[:pos] + (v,) + key[pos + 1:] for v in dims[pos]]
                if all(p in present for p in parts):
                    relations.append((key, parts))
    relations.sort(key=lambda rel: repr(rel[0]))
    return relations


def cube_totals(counts: Mapping[Key, int], dims: Dims) -> dict[Key, int]:
    """n of every scope key from the inner counts (missing inner keys are 0)."""
    totals: dict[Key, int] = {}
    for key in scope_keys(dims):
        ranges = [dims[i] if v is TOTAL else [v] for i, v in enumerate(key)]
        totals[key] = sum(counts.get(k, 0) for k in product(*ranges))
    return totals


def _layered(counts: Mapping[Key, int], dims: Dims, minimum: int,
             hide_zeros: bool) -> set[Key]:
    """The union of the patterns of the district x area and district x role tables."""
    districts, areas, roles = dims
    hidden: set[Key] = set()
    by_area: dict[tuple, int] = {}
    by_role: dict[tuple, int] = {}
    for (d, a, r), n in counts.items():
        by_area[(d, a)] = by_area.get((d, a), 0) + n
        by_role[(d, r)] = by_role.get((d, r), 0) + n
    for table, place in ((by_area, lambda k: (k[0], k[1], TOTAL)),
                         (by_role, lambda k: (k[0], TOTAL, k[1]))):
        second = areas if table is by_area else roles
        keep = [(d, TOTAL) for d in districts] + [(TOTAL, TOTAL)]
        result = suppress_cube(table, [districts, second], minimum, hide_zeros=hide_zeros,
                               keep=keep)
        hidden.update(place(k) for k in result.suppressed_keys)
    return hidden


def _system(totals: Mapping[Key, int], dims: Dims, minimum: int, *, floor: int,
            upper: Mapping[Key, int] | None) -> tuple[list[Key], dict[Key, int], RelationSystem]:
    keys = list(totals)
    index = {k: i for i, k in enumerate(keys)}
    pairs = [(index[t], [index[p] for p in parts]) for t, parts in scope_relations(dims, keys)]
    high = [None] * len(keys)
    for key, bound in (upper or {}).items():
        if key in index and bound >= totals[key]:  # a wrong headcount is no bound
            high[index[key]] = bound
    # a district's own total and the city are hidden for others only as a last resort
    keep = [k[1] is TOTAL and k[2] is TOTAL for k in keys]
    system = RelationSystem([totals[k] for k in keys], pairs, minimum, floor=floor, high=high,
                            keep=keep)
    return keys, index, system


def suppress_scope(counts: Mapping[Key, int], dims: Dims, minimum: int, *,
                   hide_zeros: bool = False, upper: Mapping[Key, int] | None = None,
                   start: Iterable[Key] = ()) -> dict[Key, str]:
    """{hidden key: reason} for the response counts of the scope of ``counts`` (inner keys
    (district, area, role)). ``upper`` are bounds a reader knows (headcounts by scope key);
    ``start`` are keys hidden whatever the counts (what an earlier publication hid).
    Reasons are ``REASON_BELOW_MINIMUM`` for 0 < n < minimum (0 <= n with ``hide_zeros``),
    otherwise ``REASON_COMPLEMENTARY``."""
    minimum = validate_minimum(minimum)
    totals = cube_totals(counts, dims)
    keys, index, system = _system(totals, dims, minimum, floor=0 if hide_zeros else 1,
                                  upper=upper)
    primary = {index[k] for k, n in totals.items() if n < minimum and (n or hide_zeros)}
    earlier = {index[k] for k in start if k in index} - primary
    if not primary and not earlier:
        return {}
    begin = {index[k] for k in _layered(counts, dims, minimum, hide_zeros)} - primary
    begin |= earlier
    extra = protect(system, primary, start=begin)
    return {keys[i]: REASON_BELOW_MINIMUM if i in primary else REASON_COMPLEMENTARY
            for i in primary | begin | extra}


def suppress_question(valid: Mapping[Key, Mapping[Hashable, int]], dims: Dims, minimum: int,
                      *, units: Mapping[Key, int], unit_hidden: Mapping[Key, str],
                      other: Mapping[Key, int] | None = None,
                      measures: Mapping[Key, Mapping[Hashable, float]] | None = None,
                      upper: Mapping[Key, int] | None = None,
                      values: Iterable[Hashable] = ()) -> dict[Key, str]:
    """{hidden key: reason} for one question's figures, started from the unit pattern.

    ``valid``: per scope key the valid answers by value (they make up the question's n);
    ``other``: per scope key the "cannot answer" count (None when the question has none);
    ``measures``: per scope key additive figures published beside (the sum of numeric
    answers and of their squares); ``values``: every answer the question offers (those
    nobody gave included); ``units``: people per scope key; ``unit_hidden``: the unit
    pattern (kept hidden, with its reasons); ``upper``: headcounts a reader knows.

    A unit is hidden for the question when it has answers but fewer than ``minimum`` valid
    ones (a unit where everyone chose "cannot answer" shows nothing either), and more units
    are hidden until no hidden group under the minimum has its number of answers or any of
    its answer counts pinned down, nor all its answers fall in one value a published group
    around it does not already show.
    """
    minimum = validate_minimum(minimum)
    keys = scope_keys(dims)
    values = sorted(set(values) | {v for counts in valid.values() for v in counts}, key=repr)
    totals = {k: sum(valid.get(k, {}).values()) for k in keys}
    cannot = {k: (other or {}).get(k, 0) for k in keys}
    keys, index, system = _system(totals, dims, minimum, floor=0,
                                  upper={k: units.get(k, 0) for k in keys})
    unit_idx = {index[k] for k in unit_hidden if k in index}
    primary = {index[k] for k in keys
               if totals[k] < minimum and (totals[k] + cannot[k] > 0 or index[k] in unit_idx)}
    heads = {index[k]: bound for k, bound in (upper or {}).items()
             if k in index and bound >= units.get(k, 0)}
    unit_bounds: dict[int, Bound] = {}
    known: dict[int, Bound] = {}
    for k, reason in unit_hidden.items():
        if k not in index:
            continue
        i = index[k]
        head = heads.get(i)
        if reason == REASON_BELOW_MINIMUM:
            unit_bounds[i] = (1, minimum - 1 if head is None else min(minimum - 1, head))
            known[i] = (0, minimum - 1)
        else:
            unit_bounds[i] = (minimum, head)
            known[i] = (0, None)
    answers = Answers(
        values={v: [valid.get(k, {}).get(v, 0) for k in keys] for v in values},
        other={"cannot": [cannot[k] for k in keys]} if other is not None else {},
        measures={m: [(measures or {}).get(k, {}).get(m, 0.0) for k in keys]
                  for m in sorted({m for f in (measures or {}).values() for m in f}, key=repr)},
        unit=[units.get(k, 0) for k in keys], unit_bounds=unit_bounds, unit_minimum=minimum)
    if not primary and not unit_idx:
        return {}
    extra = protect(system, primary, start=unit_idx - primary, answers=answers, bounds=known)
    hidden = {keys[i]: REASON_BELOW_MINIMUM if i in primary else REASON_COMPLEMENTARY
              for i in primary | extra}
    hidden.update({k: r for k, r in unit_hidden.items() if k in index})
    return hidden
