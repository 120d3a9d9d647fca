"""Complementary suppression of one wave's whole results scope. Pure functions (no Flask).

The scope is everything a page, an export or the API can show of a wave, for any user:
the city, each district, and each of them split by service area or by staff role (not by
both at once: area x role cells of one district are mostly managers counted in ones and
twos, so that table would be more hidden than shown). Keys are (district, area, role) with
``TOTAL`` for "all"; the relations are every margin of those two tables, which share the
district totals and the city total, so the hierarchy city -> district -> area and
city -> district -> role is one system.

The pattern is built from the two tables (``core.disclosure.suppress_cube`` on each, fast)
and their union is then checked against the relations of the whole scope with the engine's
own tests (exact recovery, then pinning by the bounds a reader knows), repairing from there.
Suppressing more never makes a hidden cell easier to recover, so the union is a safe start
and the final check gives the guarantee of one call over the whole scope, at a fraction of
its cost.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from itertools import product

from core.disclosure import (
    REASON_BELOW_MINIMUM,
    REASON_COMPLEMENTARY,
    TOTAL,
    suppress_cube,
    validate_minimum,
)
from core.disclosure_engine import LP_TRIES, RelationSystem

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


def _layered(counts: Mapping[Key, int], dims: Dims, minimum: int) -> set[Key]:
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
        result = suppress_cube(table, [districts, second], minimum)
        hidden.update(place(k) for k in result.suppressed_keys)
    return hidden


def protect_from(system: RelationSystem, primary: set[int], start: set[int]) -> set[int]:
    """The engine's two repair phases (``core.disclosure_engine.protect``), started from the
    hidden cells ``start`` instead of the primary cells alone. Returns every hidden cell."""
    unknown = set(start) | set(primary)
    hopeless: set[int] = set()

    def run(find: Callable[[], int | None], is_exposed: Callable[[int, set[int]], bool],
            max_tries: int | None) -> None:
        while (target := find()) is not None:
            chosen = system.repair(target, unknown, lambda u, t=target: is_exposed(t, u),
                                   max_tries)
            if not chosen:
                hopeless.add(target)
            unknown.update(chosen)

    def first_determined() -> int | None:
        found = system.determined(unknown) & primary
        return min((c for c in found if c not in hopeless),
                   key=lambda c: (system.n[c], c), default=None)

    run(first_determined, lambda t, u: t in system.determined(u), None)
    if hopeless:
        raise ValueError("the relations force a suppressed cell to a fixed value")
    cleared: set[int] = set()

    def next_pinned() -> int | None:
        for cell in sorted(primary - cleared - hopeless, key=lambda c: (system.n[c], c)):
            if system.pinned(cell, unknown, primary):
                return cell
            cleared.add(cell)
        return None

    run(next_pinned, lambda t, u: system.pinned(t, u, primary), LP_TRIES)
    return unknown


def suppress_scope(counts: Mapping[Key, int], dims: Dims, minimum: int,
                   start: Iterable[Key] = ()) -> dict[Key, str]:
    """{hidden key: reason} for the scope of ``counts`` (inner keys (district, area, role)).

    ``start`` are keys hidden already for another reason (a question's figures start from
    the pattern of the response counts); they are kept hidden. Reasons are
    ``REASON_BELOW_MINIMUM`` for 0 < n < minimum, otherwise ``REASON_COMPLEMENTARY``.
    """
    minimum = validate_minimum(minimum)
    totals = cube_totals(counts, dims)
    keys = list(totals)
    index = {k: i for i, k in enumerate(keys)}
    primary = {index[k] for k, n in totals.items() if 0 < n < minimum}
    if not primary and not start:
        return {}
    hidden = {index[k] for k in start if k in index}
    if primary:
        hidden |= {index[k] for k in _layered(counts, dims, minimum)}
        pairs = [(index[t], [index[p] for p in parts])
                 for t, parts in scope_relations(dims, keys)]
        system = RelationSystem([totals[k] for k in keys], pairs, minimum)
        hidden = protect_from(system, primary, hidden)
    return {keys[i]: REASON_BELOW_MINIMUM if i in primary else REASON_COMPLEMENTARY
            for i in hidden}
