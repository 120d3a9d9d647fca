"""Participation: responses and the response rate per unit. While a wave is open these are
the only figures anyone sees of it; they come from the wave's participation pattern
(``steering.results.data``), which hides every count under the minimum, zero included, and the
counts from which one could be worked out.

While a wave is open its participation is a snapshot of the responses stored before today
(``steering.results.data``) and every count is published as the band of ``minimum`` it lies in
(35 as "35–39", the response rate as the range the band gives): a reader who knows of an
answer of their own cannot tell from the figures how many others arrived with it, nor, from
a band boundary crossed, what a hidden count was before."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.disclosure.gate import TOTAL
from core.i18n import _
from core.org.models import District, ServiceArea, StaffRole
from core.stats.descriptive import ResponseRate, response_rate
from steering.results.data import Key, WaveResults, unit_key
from steering.results.tables import INT, PCT, Column, Range, Table, Value


def band(n: int, minimum: int) -> Range:
    """The band of ``minimum`` a count lies in: 35 -> 35–39 (minimum 5)."""
    low = n // minimum * minimum
    return Range(low, low + minimum - 1)


def open_band(results: WaveResults, key: Key) -> Range | None:
    """The published band of an open wave's unit, or None (hidden, or the wave closed)."""
    if results.closed or results.reason(key):
        return None
    return band(results.n.get(key, 0), results.minimum)


def rate_range(results: WaveResults, key: Key) -> tuple[Range, int] | None:
    """(the response rate's range, the headcount) of an open wave's district or service area
    whose band is published and whose headcount is known."""
    found = open_band(results, key)
    if found is None or key[2] is not TOTAL or key[0] is TOTAL:
        return None
    staff = results.staff.get(key)
    if not staff:
        return None
    return Range(found.low / staff, found.high / staff), staff


def rate(results: WaveResults, key: Key) -> ResponseRate | None:
    """The response rate of a district or one of its service areas, where its count is
    published and its headcount known."""
    count = results.count(key)
    if count is None or key[2] is not TOTAL or key[0] is TOTAL:
        return None
    staff = results.staff.get(key)
    return response_rate(count, staff) if staff is not None else None


def participation_table(db: Session, results: WaveResults, keys: list[Key],
                        title: str) -> Table:
    """Responses, staff and response rate of ``keys`` (a hidden count says why; an open
    wave's counts and rates are ranges)."""
    names = {kind: {row.id: row.name for row in db.scalars(select(model))}
             for kind, model in (("d", District), ("a", ServiceArea), ("r", StaffRole))}
    table = Table("participation", title,
                  [Column("unit", _("Unit")), Column("n", _("Responses"), INT),
                   Column("headcount", _("Staff"), INT),
                   Column("rate", _("Response rate"), PCT)])
    for key in keys:
        reason = results.reason(key)
        if not results.closed:
            ranged = rate_range(results, key)
            table.add(unit=unit_label(names, key),
                      n=Value(None, reason) if reason else Value(open_band(results, key)),
                      headcount=Value(ranged[1] if ranged else None),
                      rate=Value(None, reason) if reason
                      else Value(ranged[0] if ranged else None))
            continue
        found = rate(results, key)
        table.add(unit=unit_label(names, key), n=Value(None, reason) if reason
                  else Value(results.n.get(key, 0)),
                  headcount=Value(found.headcount if found else None),
                  rate=Value(None, reason) if reason else Value(found.rate if found else None))
    return table


def unit_label(names: dict[str, dict[int, str]], key: Key) -> str:
    district, area, role = key
    if district is TOTAL:
        return _("Whole city")
    label = names["d"].get(district, "?")  # type: ignore[arg-type]
    part = area if area is not TOTAL else role
    if part is TOTAL:
        return label
    kind = "a" if area is not TOTAL else "r"
    part_name = names[kind].get(part, _("Not stated")) if part else _("Not stated")  # type: ignore[arg-type]
    return f"{label} – {part_name}"


def district_keys(results: WaveResults, district_id: int) -> list[Key]:
    """A district, then its service areas, then its staff roles (those with a key)."""
    _districts, areas, roles = results.dims
    return ([unit_key(district_id)] + [unit_key(district_id, a) for a in areas]
            + [unit_key(district_id, None, r) for r in roles])


def city_keys(results: WaveResults, visible: set[int], with_city: bool) -> list[Key]:
    """The visible districts, and the city when the reader sees it."""
    districts, _areas, _roles = results.dims
    keys = [unit_key(d) for d in districts if d in visible]
    return keys + ([unit_key(None)] if with_city else [])
