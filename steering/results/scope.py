"""Who sees which districts, and which wave and unit a request asks for. A district in a URL
that the user may not see is a 403 (``core.access.require_district``), never an empty page."""

from __future__ import annotations

from datetime import date

from flask import abort, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import require_district, visible_district_ids
from core.org.models import District, ServiceArea, StaffRole, by_code
from steering.results.changes import report_waves
from steering.results.imported import chosen_level, imported_waves, may_see
from survey.models import CLOSED, Wave


def visible_districts(db: Session, user, include_central: bool = False) -> list[District]:
    """The districts ``user`` may see, in display order."""
    stmt = select(District).where(District.active.is_(True))
    if not include_central:
        stmt = stmt.where(District.is_central.is_(False))
    districts = list(db.scalars(stmt.order_by(District.sort_order, District.code)))
    allowed = visible_district_ids(user, [d.id for d in districts])
    return [d for d in districts if d.id in allowed]


def sees_city(user) -> bool:
    return user is not None and user.sees_all_districts


def district_by_code(db: Session, code: str) -> District:
    """The district named in a URL: 404 when unknown, 403 when not the user's."""
    district = by_code(db, District, code)
    if district is None:
        abort(404)
    require_district(district.id)
    return district


def chosen_wave(db: Session, wave_id: int | None = None) -> Wave | None:
    """``?wave=<id>`` among the opened waves, else the latest closed one, else the latest."""
    waves = report_waves(db)
    wanted = wave_id if wave_id is not None else request.args.get("wave", type=int)
    if wanted is not None:
        found = next((w for w in waves if w.id == wanted), None)
        if found is None:
            abort(404)
        return found
    closed = [w for w in waves if w.status(date.today()) == CLOSED]
    return (closed or waves or [None])[-1]


def chosen_part(db: Session) -> tuple[ServiceArea | None, StaffRole | None]:
    """``?area=<code>`` or ``?role=<code>`` (not both: a 400), unknown codes a 404."""
    area_code = request.args.get("area") or None
    role_code = request.args.get("role") or None
    if area_code and role_code:
        abort(400)
    area = by_code(db, ServiceArea, area_code) if area_code else None
    role = by_code(db, StaffRole, role_code) if role_code else None
    if (area_code and area is None) or (role_code and role is None):
        abort(404)
    return area, role


def current_user():
    return g.get("user")


def imported_wave(db, wave_id: int) -> Wave:
    """An imported closed wave the user may read: 404 when there is none, 403 when it is
    history and the user does not see the whole city."""
    wave = next((w for w in imported_waves(db) if w.id == wave_id), None)
    if wave is None:
        abort(404)
    if not may_see(wave, sees_city(current_user())):
        abort(403)
    return wave


def imported_level(wave: Wave, code: str | None):
    try:
        return chosen_level(wave, code)
    except LookupError:
        abort(404)
