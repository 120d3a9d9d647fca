"""The overview: an index for every district crossed with service areas (or staff roles) in
one wave, as a heatmap and as a table. Local steering groups get their own districts' rows
only; central and administrators also get the city row. Every cell comes from the wave's
disclosure pattern, which is the same whoever looks (``steering.results.data``). A wave that has
not closed shows participation per district instead (every index cell is hidden)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.disclosure.gate import TOTAL
from core.i18n import _, fmt_number
from core.org.models import District, ServiceArea, StaffRole
from steering import charts
from steering.results.data import Key, WaveResults, load_wave
from steering.results.figures import IndexDef, index_value, wave_indexes
from steering.results.participation import city_keys, participation_table
from steering.results.tables import NUM, Column, Table, Value, reason_text
from survey.models import Wave
from survey.queries import headcounts

BY_AREA, BY_ROLE = "area", "role"


def unit_names(db: Session) -> dict[str, dict[int, str]]:
    """{"district"|"area"|"role": {id: name in the active locale}}; 0 is "not stated"."""
    names = {}
    for kind, model in (("district", District), ("area", ServiceArea), ("role", StaffRole)):
        names[kind] = {row.id: row.name for row in db.scalars(select(model))}
        names[kind][0] = _("Not stated")
    return names


@dataclass
class Overview:
    wave: Wave
    results: WaveResults
    by: str
    index: IndexDef | None
    indexes: list[IndexDef]
    row_keys: list[int | None]  #: district ids; None is the city row
    column_keys: list[int | None]  #: area or role ids; None is the "all" column
    row_names: list[str]
    column_names: list[str]
    grid: list[list[Value]]
    table: Table
    chart: Markup
    participation: Table


def key_for(by: str, district: int | None, column: int | None) -> Key:
    d = TOTAL if district is None else district
    c = TOTAL if column is None else column
    return (d, c, TOTAL) if by == BY_AREA else (d, TOTAL, c)


def build_overview(db: Session, wave: Wave, visible: set[int], *, by: str = BY_AREA,
                   index_code: str | None = None, with_city: bool = False,
                   results: WaveResults | None = None) -> Overview:
    """The heatmap of ``index_code`` (default: the first index of the wave)."""
    results = results or load_wave(db, wave)
    by = by if by in (BY_AREA, BY_ROLE) else BY_AREA
    indexes = wave_indexes(results.spec)
    index = next((i for i in indexes if i.code == index_code), indexes[0] if indexes else None)
    names = unit_names(db)
    districts, areas, roles = results.dims
    columns: list[int | None] = [c for c in (areas if by == BY_AREA else roles)
                                 if c != 0 or results.n.get(key_for(by, None, c), 0)]
    columns.append(None)
    rows: list[int | None] = [d for d in districts if d in visible]
    if with_city:
        rows.append(None)
    kind = "area" if by == BY_AREA else "role"
    row_names = [names["district"].get(d, "?") if d is not None else _("Whole city")
                 for d in rows]
    column_names = [names[kind].get(c, "?") if c is not None else _("All") for c in columns]
    grid = [[_cell(results, index, key_for(by, d, c)) for c in columns] for d in rows]
    title = _("%(index)s by district and %(by)s, %(wave)s",
              index=index.name if index else "", wave=wave.name,
              by=_("service area") if by == BY_AREA else _("staff role"))
    table = Table("overview", title,
                  [Column("district", _("District")),
                   *[Column(f"c{c if c is not None else 'all'}", name, NUM)
                     for c, name in zip(columns, column_names, strict=True)]])
    for d_name, cells in zip(row_names, grid, strict=True):
        table.add(district=d_name, **{col.key: v for col, v in zip(table.columns[1:], cells,
                                                                    strict=True)})
    heat = [[_heat(v, r, c) for v, c in zip(cells, column_names, strict=True)]
            for cells, r in zip(grid, row_names, strict=True)]
    chart = charts.heatmap(row_names, column_names, heat, title) \
        if rows and not results.is_open else Markup("")
    participation = participation_table(
        db, results, city_keys(results, visible, with_city),
        _("Participation by district, %(wave)s", wave=wave.name))
    return Overview(wave, results, by, index, indexes, rows, columns, row_names, column_names,
                    grid, table, chart, participation)


def _cell(results: WaveResults, index: IndexDef | None, key: Key) -> Value:
    if index is None:
        return Value(None)
    score, reason = index_value(results, index, key)
    return Value(None, reason) if reason else Value(score)


def _heat(value: Value, row: str, column: str) -> charts.HeatCell:
    if value.hidden:
        text = reason_text(value.reason)
        return charts.HeatCell(None, "×", f"{row}, {column}: {text}")
    if value.value is None:
        return charts.HeatCell(None, "–", f"{row}, {column}: {_('no answers')}")
    shown = fmt_number(int(round(value.value)))
    return charts.HeatCell(value.value, shown, f"{row}, {column}: {shown}")


def units_over_headcount(db: Session, results: WaveResults, visible: set[int]
                         ) -> list[tuple[str, str, int]]:
    """(district, service area or "", staff) of each visible unit whose *published*
    response count is above its headcount: a stale headcount, or answers sent more than once
    through an open link. A unit whose count the disclosure pattern hides is never named."""
    names = unit_names(db)
    flagged = []
    for (district, area), staff in sorted(headcounts(db, results.wave.id).items(),
                                          key=lambda item: (item[0][0], item[0][1] or 0)):
        if district not in visible:
            continue
        count = results.count((district, TOTAL if area is None else area, TOTAL))
        if count is not None and count > staff:
            flagged.append((names["district"].get(district, "?"),
                            names["area"].get(area, "") if area is not None else "", staff))
    return flagged
