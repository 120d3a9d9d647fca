"""Pages of imported waves: the list of imported results, and one wave's results at a level
(the whole, or split by one of its dimensions), with CSV/XLSX through ``/results/export``."""

from __future__ import annotations

from flask import render_template, request

from core.access import CENTRAL, LOCAL, requires
from core.db import get_session
from steering.results.imported import (
    IMPORTED_TABLES,
    build_imported_report,
    imported_waves,
    may_see,
)
from steering.results.scope import current_user, imported_level, imported_wave, sees_city


@requires(CENTRAL, LOCAL)
def imported_list():
    db = get_session()
    whole_city = sees_city(current_user())
    waves = [w for w in imported_waves(db) if may_see(w, whole_city)]
    return render_template("steering/imported_list.html", waves=waves)


@requires(CENTRAL, LOCAL)
def imported(wave_id: int):
    db = get_session()
    wave = imported_wave(db, wave_id)
    dimension = imported_level(wave, request.args.get("by"))
    report = build_imported_report(db, wave, dimension)
    tables = {name: make(report) for name, make in IMPORTED_TABLES.items()}
    return render_template("steering/imported.html", report=report, tables=tables)
