"""The café package's parts of the home page: what needs each role now. Facilitators see
their tables at cafés not yet closed; moderators and administrators the cafés coming up and
the summaries still to publish; steering groups the ideas waiting for them and the next café
in their districts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import g
from flask_babel import to_user_timezone
from sqlalchemy import func, select

from cafe.ideas.models import NEW, Idea
from cafe.listings import facilitator_tables, ideas_stmt
from cafe.models import CLOSED, Cafe, CafeTable, cafe_district
from core.access import visible_district_ids
from core.db import get_session
from core.org.models import District, list_active

#: how many items a panel lists before it links to the full page
SHOWN = 5


def facilitator_context() -> dict:
    """The facilitator's tables at cafés that have not closed, soonest first."""
    tables = [t for t in facilitator_tables(get_session(), g.user) if t.cafe.status != CLOSED]
    tables.sort(key=lambda t: (t.cafe.starts_at, t.number))
    return {"coming_tables": tables}


def moderator_context() -> dict:
    """Cafés not closed (soonest first) and closed ones whose summary is not published."""
    db = get_session()
    coming = list(db.scalars(select(Cafe).where(Cafe.status != CLOSED)
                             .order_by(Cafe.starts_at, Cafe.id)))
    unassigned = dict(db.execute(
        select(CafeTable.cafe_id, func.count(CafeTable.id))
        .where(CafeTable.cafe_id.in_([c.id for c in coming]),
               CafeTable.facilitator_id.is_(None))
        .group_by(CafeTable.cafe_id)).all()) if coming else {}
    summaries = list(db.scalars(
        select(Cafe).where(Cafe.status == CLOSED, Cafe.summary_published_at.is_(None))
        .order_by(Cafe.starts_at.desc())))
    return {"coming_cafes": coming, "unassigned": unassigned, "summaries_due": summaries}


@dataclass(frozen=True)
class IdeasWaiting:
    count: int
    newest: list[Idea]


def _visible_ids() -> set[int] | None:
    """The districts of the reader's ideas and cafés; None for all of them."""
    user = g.user
    if user.sees_all_districts:
        return None
    districts = list_active(get_session(), District)
    return visible_district_ids(user, [d.id for d in districts])


def steering_context() -> dict:
    """New ideas routed to the reader's districts, and the next café held in them."""
    db = get_session()
    visible = _visible_ids()
    new = ideas_stmt(visible, status=NEW)
    count = db.scalar(select(func.count()).select_from(new.order_by(None).subquery())) or 0
    ideas = IdeasWaiting(count, list(db.scalars(new.limit(SHOWN))))
    upcoming = select(Cafe).where(Cafe.status != CLOSED, Cafe.starts_at >= _now())
    if visible is not None:
        hosted = select(cafe_district.c.cafe_id).where(
            cafe_district.c.district_id.in_(visible))
        upcoming = upcoming.where(Cafe.id.in_(hosted))
    next_cafe = db.scalar(upcoming.order_by(Cafe.starts_at, Cafe.id).limit(1))
    return {"new_ideas": ideas, "next_cafe": next_cafe}


def _now() -> datetime:
    """Now as café times are kept: the wall-clock time of the configured time zone
    (``BABEL_DEFAULT_TIMEZONE``), without the zone, as the moderator typed them."""
    return to_user_timezone(datetime.now(UTC)).replace(tzinfo=None)
