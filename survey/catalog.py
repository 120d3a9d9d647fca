"""Reads of waves and instruments: the wave's settings as plain values (cached briefly for
the submission path), listings, and a wave's questionnaire. Re-exported by
``survey.queries``, the package's read API."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection
from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.caches import worker_cache
from core.i18n import bilingual
from survey.models import Instrument, Wave, wave_dimension, wave_status
from survey.spec import InstrumentSpec, QuestionSpec, instrument_spec


class WaveInfo(NamedTuple):
    """A wave as plain values: what a submission needs, read with one small query."""

    id: int
    name_sv: str
    name_en: str
    instrument_id: int
    opens_on: date
    closes_on: date
    state: str
    mode: str
    ask_district: bool
    ask_service_area: bool
    ask_staff_role: bool
    dimension_ids: tuple[int, ...]

    def status(self, today: date) -> str:
        return wave_status(self.state, self.opens_on, self.closes_on, today)

    @property
    def name(self) -> str:
        """The name in the reader's language, as ``Wave.name``."""
        return bilingual(self.name_sv, self.name_en)


_wave_table = Wave.__table__
#: built once: a prebuilt statement keeps its cache key, so executing it is cheap
_WAVE_ROW = select(
    *(_wave_table.c[name] for name in WaveInfo._fields if name != "dimension_ids")
).where(_wave_table.c.id == bindparam("wave_id"))
_WAVE_DIMENSIONS = (
    select(wave_dimension.c.dimension_id)
    .where(wave_dimension.c.wave_id == bindparam("wave_id"))
    .order_by(wave_dimension.c.dimension_id)
)


#: how long a worker may reuse a wave's settings on the submission path (its state and
#: dates are checked again by the statement that stores the response)
WAVE_INFO_SECONDS = 10.0
#: how many waves' settings a worker keeps
WAVES_KEPT = 1024


def wave_info(db: Session, wave_id: int, *, max_age: float = 0.0) -> WaveInfo | None:
    """The wave's state and settings: read now, or (``max_age`` > 0) a copy at most that
    many seconds old. Its extra dimensions, fixed at creation, are always cached."""
    cache = worker_cache("survey_wave_info", maxsize=WAVES_KEPT)
    now = time.monotonic()
    if max_age > 0:
        cached = cache.get(wave_id)
        if cached is not None and now - cached[0] <= max_age:
            return cached[1]
    connection = db.connection()
    row = connection.execute(_WAVE_ROW, {"wave_id": wave_id}).first()
    if row is None:
        return None
    previous = cache.get(wave_id)
    if previous is not None:
        dimension_ids = previous[1].dimension_ids
    else:
        dimension_ids = tuple(connection.execute(_WAVE_DIMENSIONS, {"wave_id": wave_id}).scalars())
    info = WaveInfo(*row, dimension_ids)
    cache.put(wave_id, (now, info))
    return info


def list_waves(db: Session) -> list[Wave]:
    """Every wave, newest first."""
    return list(db.scalars(select(Wave).order_by(Wave.opens_on.desc(), Wave.name)))


def waves_with_status(db: Session, statuses: Collection[str], today: date) -> list[Wave]:
    """Waves whose ``status(today)`` is one of ``statuses`` (``survey.models`` constants)."""
    return [w for w in list_waves(db) if w.status(today) in statuses]


def wave_by_name(db: Session, name: str) -> Wave | None:
    return db.scalar(select(Wave).where(Wave.name == name))


def list_instruments(db: Session) -> list[Instrument]:
    """Every instrument version, by code then newest version first."""
    return list(
        db.scalars(select(Instrument).order_by(Instrument.code, Instrument.version.desc()))
    )


def latest_instrument(db: Session, code: str) -> Instrument | None:
    return db.scalar(
        select(Instrument).where(Instrument.code == code).order_by(Instrument.version.desc())
    )


def wave_instrument(db: Session, wave: Wave | WaveInfo) -> InstrumentSpec:
    """The questionnaire of a wave (sections and questions, cached once frozen)."""
    spec = instrument_spec(db, wave.instrument_id)
    assert spec is not None  # noqa: S101  (foreign key)
    return spec


def wave_questions(db: Session, wave: Wave) -> list[QuestionSpec]:
    """The questions of a wave in questionnaire order."""
    return list(wave_instrument(db, wave).questions)


def index_questions(db: Session, wave: Wave) -> dict[str, list[QuestionSpec]]:
    """{index code: its questions} for the wave's instrument (e.g. "hme-motivation")."""
    result: dict[str, list[QuestionSpec]] = defaultdict(list)
    for q in wave_questions(db, wave):
        if q.index_code:
            result[q.index_code].append(q)
    return dict(result)
