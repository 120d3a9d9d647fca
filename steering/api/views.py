"""Read-only JSON API under /api/v1 for waves, units, questions, results and ideas.

Authentication is a personal token in ``Authorization: Bearer <token>`` (made on the "API
tokens" page), checked by ``core.access.requires_token``: 401 without a valid token, 403
for a role that does not see results, and the token's user on ``g.user`` so that the district
scoping (``core.access.require_district``: 403 for another district) and the disclosure gate
are exactly those of the pages. The blueprint is exempt from CSRF: it only answers GET and
never reads the session cookie. The responses are described in ``steering/api/openapi.yaml``."""

from __future__ import annotations

from pathlib import Path

from flask import Response, g, jsonify, request
from sqlalchemy import select

from cafe.ideas.models import Idea
from core.access import ALL_DISTRICT_ROLES, LOCAL, public, requires_token
from core.db import get_session
from core.org.models import District, ServiceArea, StaffRole, list_active
from steering.api.shapes import overview_json, unit_json, wave_json
from steering.results.benchmark import attach_benchmark
from steering.results.imported import (
    IMPORTED_TABLES,
    build_imported_report,
    imported_waves,
    may_see,
)
from steering.results.overview import build_overview
from steering.results.scope import (
    chosen_part,
    chosen_wave,
    district_by_code,
    imported_level,
    imported_wave,
    sees_city,
    visible_districts,
)
from steering.results.tables import to_json
from steering.results.unit_report import build_unit_report
from survey.catalog import wave_instrument

OPENAPI = Path(__file__).with_name("openapi.yaml")
RESULT_ROLES = ALL_DISTRICT_ROLES | {LOCAL}


@public
def openapi():
    """The API description itself needs no token."""
    return Response(OPENAPI.read_text(encoding="utf-8"), mimetype="application/yaml")


@requires_token(*RESULT_ROLES)
def waves():
    from steering.results.changes import report_waves

    return jsonify(waves=[wave_json(w) for w in reversed(report_waves(get_session()))])


@requires_token(*RESULT_ROLES)
def units():
    user = g.user
    db = get_session()

    def item(row) -> dict:
        return {"code": row.code, "name_sv": row.name_sv, "name_en": row.name_en}

    return jsonify(districts=[item(d) for d in visible_districts(db, user)],
                   service_areas=[item(a) for a in list_active(db, ServiceArea)],
                   staff_roles=[item(r) for r in list_active(db, StaffRole)])


@requires_token(*RESULT_ROLES)
def questions(wave_id: int):
    db = get_session()
    wave = chosen_wave(db, wave_id)
    spec = wave_instrument(db, wave)
    return jsonify(wave=wave_json(wave), questions=[
        {"id": q.id, "code": q.code, "type": q.type, "text_sv": q.text_sv,
         "text_en": q.text_en, "index": q.index_code, "points": q.points,
         "reverse_scored": q.reverse_scored, "allow_cannot_answer": q.allow_cannot_answer}
        for q in spec.questions])


@requires_token(*RESULT_ROLES)
def overview(wave_id: int):
    user = g.user
    db = get_session()
    wave = chosen_wave(db, wave_id)
    visible = {d.id for d in visible_districts(db, user)}
    built = build_overview(db, wave, visible, by=request.args.get("by", "area"),
                           index_code=request.args.get("index"), with_city=sees_city(user))
    return jsonify(overview_json(db, built))


@requires_token(*RESULT_ROLES)
def results(wave_id: int, district_code: str):
    """One unit: a district, or ``?area=<code>`` / ``?role=<code>`` within it;
    ``?benchmark=<wave id>`` adds the comparison with an imported benchmark."""
    db = get_session()
    district = district_by_code(db, district_code)
    wave = chosen_wave(db, wave_id)
    area, role = chosen_part(db)
    report = build_unit_report(db, wave, district, area, role, with_texts=False)
    attach_benchmark(db, report, request.args)
    return jsonify(unit_json(report))


def _imported_wave_json(wave) -> dict:
    return {**wave_json(wave), "kind": wave.kind,
            "levels": [{"code": d.code, "name_sv": d.name_sv, "name_en": d.name_en}
                       for d in wave.dimensions]}


@requires_token(*RESULT_ROLES)
def imported_waves_list():
    """Imported waves (benchmarks; history too for users who see the whole city)."""
    whole_city = sees_city(g.user)
    return jsonify(waves=[_imported_wave_json(w) for w in imported_waves(get_session())
                          if may_see(w, whole_city)])


@requires_token(*RESULT_ROLES)
def imported_results(wave_id: int):
    """One imported wave at a level: ``?by=<dimension code>`` (none: the whole)."""
    db = get_session()
    wave = imported_wave(db, wave_id)
    dimension = imported_level(wave, request.args.get("by"))
    report = build_imported_report(db, wave, dimension)
    return jsonify(wave=_imported_wave_json(wave),
                   level=dimension.code if dimension else None,
                   tables={name: to_json(make(report))
                           for name, make in IMPORTED_TABLES.items()})


@requires_token(*RESULT_ROLES)
def ideas():
    """Routed café ideas of the districts the user sees (``?district=<code>`` for one)."""
    user = g.user
    db = get_session()
    stmt = select(Idea).order_by(Idea.created_at.desc(), Idea.id.desc())
    code = request.args.get("district")
    if code:
        stmt = stmt.where(Idea.district_id == district_by_code(db, code).id)
    elif not sees_city(user):
        ids = [d.id for d in visible_districts(db, user, include_central=True)]
        stmt = stmt.where(Idea.district_id.in_(ids))
    codes = {d.id: d.code for d in db.scalars(select(District))}
    return jsonify(ideas=[{
        "id": i.id, "district": codes.get(i.district_id),
        "development_area": i.development_area.code if i.development_area else None,
        "status": i.status, "text": i.note.text, "answer": i.answer or None,
        "answered_on": i.answered_on.isoformat() if i.answered_on else None,
        "published": i.published} for i in db.scalars(stmt).unique()])
