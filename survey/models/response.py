"""Anonymous responses and the counters reports read.

What is *not* here is the point: no user, IP address, user agent or time of day; random
primary keys; on SQLite the tables holding answers are ``WITHOUT ROWID`` so that even the
physical order does not reveal the order of submission. The tables written by every
submission carry no secondary indexes: each one would cost a page write per response.
Free-text answers live apart from the response they came with, so a comment cannot be
joined to its writer's other answers.

Unit columns of the counters use 0 for "not asked in this wave" (SQL treats NULLs as
distinct, which would defeat the upsert's conflict target). ``extra_key`` encodes the
answers to a wave's extra dimensions as ``"<dimension id>:<value id>"`` pairs joined by
``","`` in dimension id order, "" when there are none (see ``survey.units``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base

NO_ROWID: dict[str, Any] = {"sqlite_with_rowid": False}


class Response(Base):
    """One submitted questionnaire: the unit it describes and the date, nothing else."""

    __tablename__ = "survey_response"
    __table_args__ = (NO_ROWID,)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: not indexed: only the recomputation of counters and exports read responses by wave
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id", ondelete="CASCADE"))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("district.id", ondelete="RESTRICT")
    )
    service_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_area.id", ondelete="RESTRICT")
    )
    staff_role_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_role.id", ondelete="RESTRICT")
    )
    extra_key: Mapped[str] = mapped_column(String(200), default="")
    submitted_on: Mapped[date] = mapped_column(Date)


class Answer(Base):
    """The value given to one counted question (see ``CANNOT_ANSWER``)."""

    __tablename__ = "survey_answer"
    __table_args__ = (NO_ROWID,)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_response.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(Integer)


class FreeTextAnswer(Base):
    """A free-text answer, personal data masked, stored with its unit but without its
    response. Shown only for groups of at least ``MIN_GROUP_SIZE_FREE_TEXT`` respondents."""

    __tablename__ = "survey_free_text"
    __table_args__ = (NO_ROWID,)
    # the key clusters a question's answers (read together) in random order within it
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("survey_wave.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, default=0)
    service_area_id: Mapped[int] = mapped_column(Integer, default=0)
    staff_role_id: Mapped[int] = mapped_column(Integer, default=0)
    extra_key: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)


class Rollup(Base):
    """How many responses of a unit cell gave ``value`` to a question."""

    __tablename__ = "survey_rollup"
    __table_args__ = (NO_ROWID,)
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("survey_wave.id", ondelete="CASCADE"), primary_key=True
    )
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_role_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    extra_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ResponseCount(Base):
    """How many responses a unit cell has."""

    __tablename__ = "survey_response_count"
    __table_args__ = (NO_ROWID,)
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("survey_wave.id", ondelete="CASCADE"), primary_key=True
    )
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_role_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    extra_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class UsedSubmissionToken(Base):
    """A one-time submission token that has been spent: a repeated POST of the same form
    (double click, back button, retry) finds it here and stores nothing. No link to the
    response."""

    __tablename__ = "survey_used_token"
    __table_args__ = (NO_ROWID,)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id", ondelete="CASCADE"))


class ResumeDraft(Base):
    """Answers given so far. The key is a keyed hash (HMAC with ``SECRET_KEY``) of the
    random resume code, which only the respondent holds (in a cookie, or written down to
    continue on another device). Holds no identity and no invitation code; deleted when
    its response is stored or its wave closes."""

    __tablename__ = "survey_draft"
    __table_args__ = (NO_ROWID,)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("survey_wave.id", ondelete="CASCADE"), index=True
    )
    district_id: Mapped[int | None] = mapped_column(Integer)
    service_area_id: Mapped[int | None] = mapped_column(Integer)
    staff_role_id: Mapped[int | None] = mapped_column(Integer)
    extra_key: Mapped[str] = mapped_column(String(200), default="")
    #: {question id as text: int or str}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submission_token: Mapped[str] = mapped_column(String(64))
    updated_on: Mapped[date] = mapped_column(Date)


class ClientAllowance(Base):
    """How many answering sessions one client started on an open link of a wave since
    ``window_start`` (seconds since 1970, whole minutes). ``client`` is a keyed digest of
    the address (``core.clients.client_digest``), never the address. Nothing here is
    written by the transaction that stores a response; rows go when their window ends."""

    __tablename__ = "survey_client_allowance"
    __table_args__ = (NO_ROWID,)
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("survey_wave.id", ondelete="CASCADE"), primary_key=True
    )
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
