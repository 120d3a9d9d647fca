"""The café page: ideas by development area and status, and a word cloud of the notes of a
café, one of its rounds, or a development area, for the cafés a user may see.

Idea and note counts describe what tables wrote, not people, so they are shown as counted.
Note words are free text: a word cloud (and its word table) is shown only when the
participants behind the notes it is made of reach ``MIN_GROUP_SIZE_FREE_TEXT``: the head
counts of the tables that wrote them, not of the whole café. The words of the wider choice it
narrows (all cafés, the café, the café without a round or area filter) minus its own words
are the words of the other notes: their participants must be none or enough as well."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cafe.idea_models import IDEA_STATUSES, Idea
from cafe.models import Cafe, Note, Round
from cafe.queries import CafeFigures, cafe_figures, chosen_note_ids, note_participants
from cafe.texts import IDEA_STATUS_LABELS
from core.i18n import _
from core.org import DevelopmentArea
from core.text import word_frequencies
from steering import charts
from steering.tables import INT, Column, Table


@dataclass
class CafeReport:
    cafes: list[CafeFigures]
    areas: list[DevelopmentArea]
    ideas: Table
    cafe: CafeFigures | None = None
    round: Round | None = None
    area: DevelopmentArea | None = None
    participants: int = 0
    cloud_reason: str | None = None
    words: list[tuple[str, int]] = field(default_factory=list)
    cloud: Markup = field(default_factory=Markup)


def ideas_table(db: Session, district_ids: Iterable[int] | None) -> Table:
    """Routed ideas per development area (rows) and status (columns), with totals."""
    stmt = select(Idea.development_area_id, Idea.status, func.count(Idea.id)).group_by(
        Idea.development_area_id, Idea.status)
    if district_ids is not None:
        stmt = stmt.where(Idea.district_id.in_(list(district_ids)))
    counts: dict[int | None, dict[str, int]] = {}
    for area_id, status, count in db.execute(stmt):
        counts.setdefault(area_id, dict.fromkeys(IDEA_STATUSES, 0))[status] = count
    areas = {a.id: a for a in db.scalars(select(DevelopmentArea))}
    table = Table("ideas", _("Ideas by development area and status"),
                  [Column("area", _("Development area")),
                   *[Column(s, str(IDEA_STATUS_LABELS[s]), INT) for s in IDEA_STATUSES],
                   Column("total", _("Total"), INT)])
    ordered = sorted(counts, key=lambda a: (a is None, areas[a].number if a in areas else 0))
    for area_id in ordered:
        name = (f"{areas[area_id].number}. {areas[area_id].name}" if area_id in areas
                else _("No development area"))
        row = counts[area_id]
        table.add(area=name, total=sum(row.values()), **row)
    if counts:
        totals = {s: sum(r[s] for r in counts.values()) for s in IDEA_STATUSES}
        table.add(area=_("Total"), total=sum(totals.values()), **totals)
    return table


def build_cafe_report(db: Session, district_ids: Iterable[int] | None, *,
                      cafe_id: int | None = None, round_id: int | None = None,
                      area_id: int | None = None) -> CafeReport:
    ids = list(district_ids) if district_ids is not None else None
    cafes = cafe_figures(db, district_ids=ids)
    areas = list(db.scalars(select(DevelopmentArea).order_by(DevelopmentArea.number)))
    report = CafeReport(cafes, areas, ideas_table(db, ids))
    report.cafe = next((c for c in cafes if c.cafe_id == cafe_id), None)
    report.area = next((a for a in areas if a.id == area_id), None)
    if report.cafe is not None and round_id is not None:
        report.round = db.scalar(select(Round).where(Round.id == round_id,
                                                     Round.cafe_id == report.cafe.cafe_id))
    _cloud(db, report, ids)
    return report


def _cloud(db: Session, report: CafeReport, district_ids: list[int] | None) -> None:
    minimum = int(current_app.config["MIN_GROUP_SIZE_FREE_TEXT"])
    cafe_ids = [report.cafe.cafe_id] if report.cafe else [c.cafe_id for c in report.cafes]
    if not cafe_ids:
        report.cloud_reason = "free_text"
        return
    chosen = {"cafe_ids": cafe_ids, "district_ids": district_ids,
              "development_area_id": report.area.id if report.area else None,
              "round_id": report.round.id if report.round else None}
    report.participants = note_participants(db, **chosen)
    # the choice one step wider: without the round or area filter, else all visible cafés
    if chosen["round_id"] is not None or chosen["development_area_id"] is not None:
        wider = {"cafe_ids": cafe_ids, "district_ids": district_ids}
    elif report.cafe is not None:
        wider = {"cafe_ids": [c.cafe_id for c in report.cafes], "district_ids": district_ids}
    else:
        wider = None
    rest = note_participants(db, **wider, without=chosen_note_ids(**chosen)) if wider else 0
    if report.participants < minimum or 0 < rest < minimum:
        report.cloud_reason = "free_text"
        return
    texts = db.scalars(_chosen_texts(chosen))
    report.words = word_frequencies(texts, top=60)
    if report.words:
        report.cloud = charts.word_cloud(report.words, _("Common words in the café notes"))


def _chosen_texts(chosen: dict):
    return select(Note.text).where(Note.id.in_(chosen_note_ids(**chosen)))


def cafe_rounds(db: Session, cafe_id: int) -> list[Round]:
    return list(db.scalars(select(Round).where(Round.cafe_id == cafe_id)
                           .order_by(Round.position)))


def cafe_exists(db: Session, cafe_id: int) -> bool:
    return db.get(Cafe, cafe_id) is not None
