"""Wave administration (administrators and moderators): create a wave from an instrument,
list waves with their status, open and close them, headcounts, invitation codes as a
printable list and a CSV file."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.access import MODERATOR, requires
from core.db import get_session
from core.i18n import _, _l
from core.org import Dimension, District, ServiceArea, StaffRole, list_active
from survey import waves as wave_services
from survey.forms import CodesForm, WaveDatesForm, WaveForm
from survey.models import INVITATION_CODES, OPEN, STATE_OPEN, Instrument, Wave
from survey.queries import headcounts, list_instruments, list_waves, total_responses

bp = Blueprint("survey_admin", __name__, url_prefix="/survey/admin")
STATUS_LABELS = {
    "not-published": _l("Not published"),
    "not-yet-open": _l("Opens later"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}
NONE_CHOICE = 0


def _wave_or_404(wave_id: int) -> Wave:
    wave = get_session().get(Wave, wave_id)
    if wave is None:
        abort(404)
    return wave


@bp.get("/waves")
@requires(MODERATOR)
def waves():
    db = get_session()
    today = date.today()
    rows = [
        (wave, wave.status(today), total_responses(db, wave.id)) for wave in list_waves(db)
    ]
    return render_template(
        "survey/admin/waves.html", rows=rows, labels=STATUS_LABELS, today=today
    )


@bp.route("/waves/new", methods=["GET", "POST"])
@requires(MODERATOR)
def new_wave():
    db = get_session()
    form = WaveForm()
    instruments = list_instruments(db)
    form.instrument_id.choices = [
        SelectChoice(i.id, f"{i.title} ({i.code} v{i.version})") for i in instruments
    ]
    form.dimensions.choices = [SelectChoice(d.id, d.name) for d in list_active(db, Dimension)]
    if not instruments:
        flash(_("There is no questionnaire yet. Load the built-in library first."), "warning")
    if form.validate_on_submit():
        try:
            wave = wave_services.create_wave(
                db,
                name=form.name.data.strip(),
                instrument=db.get(Instrument, form.instrument_id.data),
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                mode=form.mode.data,
                ask_district=form.ask_district.data,
                ask_service_area=form.ask_service_area.data,
                ask_staff_role=form.ask_staff_role.data,
                dimensions=[db.get(Dimension, d) for d in form.dimensions.data or []],
            )
        except wave_services.WaveError:
            form.name.errors.append(_("A wave with this name exists already."))
        else:
            db.commit()
            flash(_("The wave was created. Open it when it should take answers."), "success")
            return redirect(url_for(".wave", wave_id=wave.id))
    return render_template("survey/admin/wave_form.html", form=form)


@bp.route("/waves/<int:wave_id>", methods=["GET", "POST"])
@requires(MODERATOR)
def wave(wave_id: int):
    db = get_session()
    wave = _wave_or_404(wave_id)
    form = WaveDatesForm(obj=wave)
    if form.validate_on_submit():
        clash = db.scalar(
            select(Wave.id).where(Wave.name == form.name.data.strip(), Wave.id != wave.id)
        )
        if clash is not None:
            form.name.errors.append(_("A wave with this name exists already."))
        else:
            try:
                wave_services.change_dates(wave, form.opens_on.data, form.closes_on.data,
                                           date.today())
            except wave_services.ResultsShownError:
                form.closes_on.errors.append(_(
                    "The results of this wave have been shown, so it cannot take answers "
                    "again. Choose a closing date in the past, or make a new wave."))
            else:
                wave.name = form.name.data.strip()
                db.commit()
                flash(_("The wave was saved."), "success")
                return redirect(url_for(".wave", wave_id=wave.id))
    codes_form = _codes_form(db) if wave.mode == INVITATION_CODES else None
    status = wave.status(date.today())
    count = total_responses(db, wave.id)
    return render_template(
        "survey/admin/wave.html", wave=wave, form=form, codes_form=codes_form,
        status=status, labels=STATUS_LABELS, responses=count,
        show_count=status != OPEN or count >= _min_group(),
        code_summary=_code_summary(db, wave),
    ), (422 if form.errors else 200)


def _min_group() -> int:
    return current_app.config["MIN_GROUP_SIZE"]


def _codes_form(db) -> CodesForm:
    form = CodesForm()
    form.district_id.choices = [SelectChoice(d.id, d.name) for d in list_active(db, District)]
    form.service_area_id.choices = [SelectChoice(NONE_CHOICE, _("Any (the whole district)"))] + [
        SelectChoice(s.id, s.name) for s in list_active(db, ServiceArea)
    ]
    form.staff_role_id.choices = [SelectChoice(NONE_CHOICE, _("Chosen by the respondent"))] + [
        SelectChoice(r.id, r.name) for r in list_active(db, StaffRole)
    ]
    return form


def _code_summary(db, wave: Wave) -> list[tuple[str, str, str, int]]:
    """(district, service area, role, codes made) per unit; deliberately not how many were
    used, which would be a response count per unit."""
    summary: dict[tuple[str, str, str], int] = {}
    for code in wave_services.wave_codes(db, wave):
        key = (
            code.district.name,
            code.service_area.name if code.service_area else "–",
            code.staff_role.name if code.staff_role else "–",
        )
        summary[key] = summary.get(key, 0) + 1
    return [(*key, n) for key, n in summary.items()]


@bp.post("/waves/<int:wave_id>/open")
@requires(MODERATOR)
def open_wave(wave_id: int):
    db = get_session()
    wave = _wave_or_404(wave_id)
    try:
        wave_services.open_wave(db, wave)
    except wave_services.ResultsShownError:
        flash(_("The results of this wave have been shown, so it cannot be opened again."),
              "warning")
        return redirect(url_for(".wave", wave_id=wave.id))
    db.commit()
    flash(_("The wave is published. Its questionnaire can no longer be changed."), "success")
    return redirect(url_for(".wave", wave_id=wave.id))


@bp.post("/waves/<int:wave_id>/close")
@requires(MODERATOR)
def close_wave(wave_id: int):
    db = get_session()
    wave = _wave_or_404(wave_id)
    if wave.state != STATE_OPEN:
        flash(_("Only a published wave can be closed."), "warning")
    else:
        wave_services.close_wave(db, wave)
        db.commit()
        flash(_("The wave is closed and unfinished answers have been deleted."), "success")
    return redirect(url_for(".wave", wave_id=wave.id))


@bp.route("/waves/<int:wave_id>/headcounts", methods=["GET", "POST"])
@requires(MODERATOR)
def wave_headcounts(wave_id: int):
    """Staff per district and service area, for response rates (empty = unknown)."""
    db = get_session()
    wave = _wave_or_404(wave_id)
    districts = list_active(db, District)
    areas = list_active(db, ServiceArea) if wave.ask_service_area else []
    current = headcounts(db, wave.id)
    values = {
        f"hc_{d}_{a or 0}": str(n) for (d, a), n in current.items()
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: v.strip() for k, v in request.form.items() if k.startswith("hc_")}
        parsed: dict[tuple[int, int | None], int] = {}
        for district in districts:
            for area_id in [0] + [a.id for a in areas]:
                name = f"hc_{district.id}_{area_id}"
                raw = values.get(name, "")
                if not raw:
                    continue
                if not (raw.isascii() and raw.isdigit()) or len(raw) > 7:
                    errors[name] = _("Enter a whole number of staff, or leave it empty.")
                else:
                    parsed[(district.id, area_id or None)] = int(raw)
        if not errors:
            wave_services.set_headcounts(wave, parsed)
            db.commit()
            flash(_("The headcounts were saved."), "success")
            return redirect(url_for(".wave", wave_id=wave.id))
    return render_template(
        "survey/admin/headcounts.html", wave=wave, districts=districts, areas=areas,
        values=values, errors=errors,
    ), (422 if errors else 200)


@bp.post("/waves/<int:wave_id>/codes")
@requires(MODERATOR)
def make_codes(wave_id: int):
    db = get_session()
    wave = _wave_or_404(wave_id)
    form = _codes_form(db)
    if wave.mode != INVITATION_CODES:
        abort(404)
    if form.validate_on_submit():
        district = db.get(District, form.district_id.data)
        area = db.get(ServiceArea, form.service_area_id.data or -1)
        role = db.get(StaffRole, form.staff_role_id.data or -1)
        made = wave_services.generate_codes(
            db, wave, form.count.data, district=district, service_area=area, staff_role=role
        )
        db.commit()
        flash(_("%(n)d codes were made.", n=len(made)), "success")
        return redirect(url_for(".wave", wave_id=wave.id))
    status = wave.status(date.today())
    return render_template(
        "survey/admin/wave.html", wave=wave, form=WaveDatesForm(obj=wave), codes_form=form,
        status=status, labels=STATUS_LABELS, responses=0, show_count=False,
        code_summary=_code_summary(db, wave),
    ), 422


def _unused_codes(db, wave: Wave):
    codes = [c for c in wave_services.wave_codes(db, wave) if not c.used]
    district = request.args.get("district", type=int)
    if district:
        codes = [c for c in codes if c.district_id == district]
    return codes


@bp.get("/waves/<int:wave_id>/codes")
@requires(MODERATOR)
def print_codes(wave_id: int):
    """Unused codes as cut-out notes to hand out (print the page)."""
    db = get_session()
    wave = _wave_or_404(wave_id)
    url = url_for("survey.start", wave_id=wave.id, _external=True)
    return render_template(
        "survey/admin/codes_print.html", wave=wave, codes=_unused_codes(db, wave), url=url,
        districts=list_active(db, District),
    )


@bp.get("/waves/<int:wave_id>/codes.csv")
@requires(MODERATOR)
def codes_csv(wave_id: int):
    db = get_session()
    wave = _wave_or_404(wave_id)
    url = url_for("survey.start", wave_id=wave.id, _external=True)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Code"), _("District"), _("Service area"), _("Role"), _("Address")])
    for code in _unused_codes(db, wave):
        writer.writerow([
            code.code, code.district.name, code.service_area.name if code.service_area else "",
            code.staff_role.name if code.staff_role else "", url,
        ])
    filename = f"codes-wave-{wave.id}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
