"""The café page: ideas by development area and status, and a word cloud of the notes of a
café, one of its rounds, or a development area, for the cafés a user may see.

Idea and note counts describe what tables wrote, not people, so they are shown as counted.
Note words are free text, and word counts can be subtracted, so every cloud anyone can choose
is one publication, decided per café before anything is shown (``published_selections``):

* a cloud is shown only when the participants behind its notes (the head counts of the
  tables that wrote them) reach ``MIN_GROUP_SIZE_FREE_TEXT``;
* of two clouds of one café where the notes of one contain the other's (the café and a
  round, a round and a development area whose notes are all in it, …), the difference is
  the notes of none or of that many participants; the café is decided first, then its
  rounds, then the development areas, and a cloud that would break the rule is withheld;
* the rounds of a shown café that are withheld together cover none or enough participants
  (rounds split a café, so the café less the shown rounds is their notes);
* a round and a development area are never crossed (their intersection is another set of
  notes to subtract);
* a cloud of several cafés (all the cafés a steering group can see, or all of them for one
  development area) is made of the shown clouds of those cafés only. It adds up clouds that
  are shown anyway, so the central group's cloud less a local group's, or one cloud of all
  cafés less another, gives nothing that is not published on its own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cafe.ideas.models import IDEA_STATUSES, Idea
from cafe.models import Cafe, Round
from cafe.queries import (
    CafeFigures,
    NoteSource,
    cafe_figures,
    note_sources,
    note_texts,
    table_participants,
)
from cafe.texts import IDEA_STATUS_LABELS
from core.i18n import _
from core.org.models import DevelopmentArea
from core.text import word_frequencies
from steering import charts
from steering.results.tables import INT, Column, Table


@dataclass
class CafeReport:
    cafes: list[CafeFigures]
    areas: list[DevelopmentArea]
    ideas: Table
    cafe: CafeFigures | None = None
    round: Round | None = None
    area: DevelopmentArea | None = None
    participants: int = 0  #: the people behind the notes the cloud shows
    cloud_reason: str | None = None  #: why no cloud: "free_text" (too few), "crossed"
    partial: bool = False  #: a cloud of several cafés leaves some cafés' notes out
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


#: a cloud of one café: the whole café, one round, or one development area
Selection = tuple[str, int | None]
WHOLE: Selection = ("cafe", None)


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
    _cloud(db, report)
    return report


def published_selections(notes: Sequence[NoteSource], seats: Mapping[int, int],
                         round_ids: Sequence[int], area_ids: Sequence[int],
                         minimum: int) -> dict[Selection, frozenset[int]]:
    """The clouds of one café that may be shown, with their note ids (see the module's
    docstring). ``notes`` are the café's live notes, ``seats`` the head count per table,
    ``round_ids`` its rounds in order and ``area_ids`` the development areas in order."""

    def people(note_ids: Iterable[int]) -> int:
        return sum(seats.get(t, 0) for t in {by_id[n].table_id for n in note_ids})

    def safe(note_ids: Iterable[int]) -> bool:
        n = people(note_ids)
        return n == 0 or n >= minimum

    by_id = {note.note_id: note for note in notes}
    candidates: dict[Selection, frozenset[int]] = {WHOLE: frozenset(by_id)}
    for round_id in round_ids:
        candidates[("round", round_id)] = frozenset(
            n.note_id for n in notes if n.round_id == round_id)
    for area_id in area_ids:
        candidates[("area", area_id)] = frozenset(
            n.note_id for n in notes if area_id in n.area_ids)
    shown: dict[Selection, frozenset[int]] = {}

    def consider(selection: Selection) -> None:
        chosen = candidates[selection]
        if not chosen or people(chosen) < minimum:
            return
        for other in shown.values():
            if (chosen <= other or other <= chosen) and not safe(chosen ^ other):
                return
        shown[selection] = chosen

    consider(WHOLE)
    if WHOLE not in shown:
        return shown
    for round_id in round_ids:
        consider(("round", round_id))
    while True:  # the rounds withheld together: the café less the rounds shown
        rounds = [s for s in shown if s[0] == "round"]
        rest = shown[WHOLE].difference(*(shown[s] for s in rounds))
        if safe(rest) or not rounds:
            break
        del shown[min(rounds, key=lambda s: (people(shown[s]), -round_ids.index(s[1])))]
    for area_id in area_ids:
        consider(("area", area_id))
    return shown


def _cloud(db: Session, report: CafeReport) -> None:
    minimum = int(current_app.config["MIN_GROUP_SIZE_FREE_TEXT"])
    if report.round is not None and report.area is not None:
        report.cloud_reason = "crossed"
        return
    cafe_ids = [report.cafe.cafe_id] if report.cafe else [c.cafe_id for c in report.cafes]
    if not cafe_ids:
        report.cloud_reason = "free_text"
        return
    if report.round is not None:
        selection: Selection = ("round", report.round.id)
    elif report.area is not None:
        selection = ("area", report.area.id)
    else:
        selection = WHOLE
    notes = note_sources(db, cafe_ids)
    seats = table_participants(db, cafe_ids)
    area_ids = [a.id for a in report.areas]
    rounds: dict[int, list[int]] = {}
    for cafe_id, round_id in db.execute(
            select(Round.cafe_id, Round.id).where(Round.cafe_id.in_(cafe_ids))
            .order_by(Round.cafe_id, Round.position)):
        rounds.setdefault(cafe_id, []).append(round_id)
    by_cafe: dict[int, list[NoteSource]] = {}
    for note in notes:
        by_cafe.setdefault(note.cafe_id, []).append(note)
    wanted = {n.note_id for n in notes if selection == WHOLE
              or (selection[0] == "round" and n.round_id == selection[1])
              or (selection[0] == "area" and selection[1] in n.area_ids)}
    chosen: set[int] = set()
    for cafe_id in cafe_ids:
        shown = published_selections(by_cafe.get(cafe_id, []), seats, rounds.get(cafe_id, []),
                                     area_ids, minimum)
        chosen |= shown.get(selection, frozenset())
    if not chosen:
        report.cloud_reason = "free_text" if wanted else None
        return
    report.partial = chosen != wanted
    report.participants = sum(seats.get(t, 0) for t in
                              {n.table_id for n in notes if n.note_id in chosen})
    report.words = word_frequencies(note_texts(db, sorted(chosen)), top=60)
    if report.words:
        report.cloud = charts.word_cloud(report.words, _("Common words in the café notes"))


def cafe_rounds(db: Session, cafe_id: int) -> list[Round]:
    return list(db.scalars(select(Round).where(Round.cafe_id == cafe_id)
                           .order_by(Round.position)))


def cafe_exists(db: Session, cafe_id: int) -> bool:
    return db.get(Cafe, cafe_id) is not None
