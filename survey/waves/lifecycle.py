"""Writing waves: creating one from an instrument, opening it (which freezes the
instrument), closing it (which purges drafts and forgets the clients counted on its open
link), changing its dates and headcounts. Invitation codes are ``survey.waves.codes``.

Results exist only for closed waves. Once they have been shown, the wave never takes answers
again: not by opening it, and not by moving its closing date into the future. Otherwise one
more answer would appear in the results as a difference between two reads. An open wave's
closing date can be moved as the administrator likes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import set_committed_value

from core.org.models import Dimension
from survey.instruments import freeze
from survey.models import (
    CLOSED,
    INVITATION_CODES,
    MODES,
    STATE_CLOSED,
    STATE_DRAFT,
    STATE_OPEN,
    Headcount,
    Instrument,
    Wave,
    wave_status,
)
from survey.respond.drafts import purge_drafts


class WaveError(ValueError):
    """A wave request that cannot be carried out (message for the administrator)."""


def create_wave(
    db: Session,
    *,
    name: str,
    name_en: str = "",
    instrument: Instrument,
    opens_on: date,
    closes_on: date,
    mode: str,
    ask_district: bool = True,
    ask_service_area: bool = True,
    ask_staff_role: bool = True,
    dimensions: Iterable[Dimension] = (),
    headcounts: Mapping[tuple[int, int | None], int] | None = None,
) -> Wave:
    """A new wave in the draft state (respondents cannot see it until it is opened);
    ``name`` is its Swedish name (unique), ``name_en`` the English one (may be empty)."""
    if mode not in MODES:
        raise WaveError(f"unknown mode {mode!r}")
    if closes_on < opens_on:
        raise WaveError("the wave closes before it opens")
    if db.scalar(select(Wave.id).where(Wave.name == name)) is not None:
        raise WaveError(f"a wave named {name!r} exists already")
    if mode == INVITATION_CODES and not ask_district:
        raise WaveError("invitation codes are made per district")
    wave = Wave(
        name_sv=name, name_en=name_en, instrument=instrument, opens_on=opens_on,
        closes_on=closes_on, state=STATE_DRAFT, mode=mode, ask_district=ask_district,
        ask_service_area=ask_service_area, ask_staff_role=ask_staff_role,
    )
    wave.dimensions = list(dimensions)
    db.add(wave)
    set_headcounts(wave, headcounts or {})
    db.flush()
    return wave


def set_headcounts(wave: Wave, headcounts: Mapping[tuple[int, int | None], int]) -> None:
    """Replace the wave's headcounts: {(district id, service area id or None): staff}."""
    # the old rows go first: the unit of work inserts before it deletes, and the new rows
    # reuse the old ones' unique (wave, district, area) keys
    session = object_session(wave)
    if session is not None and wave.headcounts:
        wave.headcounts = []
        session.flush()
    wave.headcounts = [
        Headcount(district_id=district_id, service_area_id=area_id, headcount=count)
        for (district_id, area_id), count in sorted(
            headcounts.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        )
        if count is not None
    ]


class ResultsShownError(WaveError):
    """The wave's results have been shown: it cannot take answers again."""


def open_wave(db: Session, wave: Wave) -> None:
    """Publish the wave (it takes answers between its dates) and freeze its instrument.
    Raises :class:`ResultsShownError` for a closed wave whose results have been shown."""
    if wave.state == STATE_OPEN:
        return
    if wave.state == STATE_CLOSED and wave.results_shown:
        raise ResultsShownError("the results of this wave have been shown")
    freeze(wave.instrument)
    wave.state = STATE_OPEN
    wave.drafts_purged = False
    db.flush()


def change_dates(wave: Wave, opens_on: date, closes_on: date, today: date) -> None:
    """Move a wave's dates. Refused (:class:`ResultsShownError`) when the wave is closed, its
    results have been shown and the new dates would let it take answers again; extending
    an open wave is always possible."""
    if closes_on < opens_on:
        raise WaveError("the wave closes before it opens")
    reopens = wave.status(today) == CLOSED and \
        wave_status(wave.state, opens_on, closes_on, today) != CLOSED
    if reopens and wave.results_shown:
        raise ResultsShownError("the results of this wave have been shown")
    wave.opens_on, wave.closes_on = opens_on, closes_on


def can_reopen(wave: Wave) -> bool:
    """Whether a wave may take answers again after it has closed."""
    return not wave.results_shown


def mark_results_shown(db: Session, wave: Wave) -> None:
    """Record that a closed wave's results have been shown (written with ``db``'s
    transaction; ``wave`` may belong to another session)."""
    db.execute(update(Wave).where(Wave.id == wave.id).values(results_shown=True))
    set_committed_value(wave, "results_shown", True)


def close_wave(db: Session, wave: Wave) -> int:
    """Stop taking answers, delete the drafts and the per-client counts of the open link;
    returns how many drafts were deleted."""
    wave.state = STATE_CLOSED
    return purge_drafts(db, wave)
