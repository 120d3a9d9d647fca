"""Wave administration (administrators and moderators): create a wave from an instrument,
list waves with their status, open and close them, headcounts, and invitation codes in
batches: printable notes and a CSV file before the wave opens, participation per batch
afterwards (``survey.waves.codes`` says why no list of codes is shown once it is open)."""

from __future__ import annotations

from datetime import date

from flask import (
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
from core.db import get_engine, get_session, truncate_wal
from core.i18n import _, _l
from core.org.models import Dimension, District, ServiceArea, StaffRole, list_active
from core.spreadsheet import csv_convention, csv_document, csv_response
from survey.catalog import list_instruments, list_waves
from survey.models import (
    INVITATION_CODES,
    OPEN,
    OPEN_LINK,
    STATE_OPEN,
    CodeBatch,
    Instrument,
    Wave,
)
from survey.queries import headcounts, total_responses, units_over_headcount
from survey.waves import codes as code_services
from survey.waves import lifecycle as wave_services
from survey.waves import qr
from survey.waves.forms import CodesForm, WaveDatesForm, WaveForm

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
                name_en=(form.name_en.data or "").strip(),
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


@requires(MODERATOR)
def wave(wave_id: int):
    db = get_session()
    wave = _wave_or_404(wave_id)
    form = WaveDatesForm(obj=wave, name=wave.name_sv)
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
                wave.name_sv = form.name.data.strip()
                wave.name_en = (form.name_en.data or "").strip()
                db.commit()
                flash(_("The wave was saved."), "success")
                return redirect(url_for(".wave", wave_id=wave.id))
    codes_form = _codes_form(db) if wave.mode == INVITATION_CODES else None
    return _wave_page(db, wave, form, codes_form), (422 if form.errors else 200)


def _wave_page(db, wave: Wave, form: WaveDatesForm, codes_form: CodesForm | None):
    today = date.today()
    status = wave.status(today)
    count = total_responses(db, wave.id)
    return render_template(
        "survey/admin/wave.html", wave=wave, form=form, codes_form=codes_form,
        status=status, labels=STATUS_LABELS, responses=count,
        show_count=status != OPEN or count >= _min_group(),
        participation=code_services.participation(db, wave, _min_group(), today)
        if wave.mode == INVITATION_CODES else None,
        codes_listable=code_services.codes_may_be_listed(db, wave, today),
        over_headcount=_over_headcount(db, wave),
    )


def _over_headcount(db, wave: Wave) -> list[tuple[str, str, int]]:
    """(district, service area or "", staff) of each unit with more responses than staff."""
    districts = {d.id: d.name for d in db.scalars(select(District))}
    areas = {a.id: a.name for a in db.scalars(select(ServiceArea))}
    return [
        (districts.get(u.district_id, "?"), areas.get(u.service_area_id, ""), u.headcount)
        for u in units_over_headcount(db, wave.id, _min_group())
    ]


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


@requires(MODERATOR)
def close_wave(wave_id: int):
    db = get_session()
    wave = _wave_or_404(wave_id)
    if wave.state != STATE_OPEN:
        flash(_("Only a published wave can be closed."), "warning")
    else:
        wave_services.close_wave(db, wave)
        db.commit()
        truncate_wal(get_engine())  # the files keep no history of the wave's submissions
        flash(_("The wave is closed and unfinished answers have been deleted."), "success")
    return redirect(url_for(".wave", wave_id=wave.id))


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


@requires(MODERATOR)
def make_codes(wave_id: int):
    """A new batch. Before the wave opens it joins the printable list; once the wave is
    open it is shown at once, one time only, to be printed."""
    db = get_session()
    wave = _wave_or_404(wave_id)
    form = _codes_form(db)
    if wave.mode != INVITATION_CODES:
        abort(404)
    if form.validate_on_submit():
        district = db.get(District, form.district_id.data)
        area = db.get(ServiceArea, form.service_area_id.data or -1)
        role = db.get(StaffRole, form.staff_role_id.data or -1)
        batch = code_services.make_batch(
            db, wave, form.count.data, district=district, service_area=area, staff_role=role
        )
        db.commit()
        flash(_("%(n)d codes were made.", n=batch.size), "success")
        if code_services.codes_may_be_listed(db, wave, date.today()):
            return redirect(url_for(".wave", wave_id=wave.id))
        return redirect(url_for(".print_batch", wave_id=wave.id, batch_id=batch.id))
    return _wave_page(db, wave, WaveDatesForm(obj=wave), form), 422


def _district_filter(codes: list) -> list:
    district = request.args.get("district", type=int)
    if district:
        return [c for c in codes if c.batch.district_id == district]
    return codes


def _all_codes(db, wave: Wave) -> list:
    return [
        code for batch in code_services.wave_batches(db, wave)
        for code in code_services.batch_codes(db, batch)
    ]


def _notes(wave: Wave, codes: list) -> list[tuple]:
    """(code, the link its QR code opens, that QR code as SVG) for each printed note."""
    notes = []
    for code in codes:
        link = qr.code_url(wave.id, code.code)
        notes.append((code, link, qr.qr_svg(link)))
    return notes


def _not_listable(wave: Wave):
    """Why codes are not listed once the wave takes answers (409: the wave's state)."""
    return render_template(
        "survey/admin/codes_print.html", wave=wave, codes=[], refused=True, url="",
        districts=[], batch=None,
    ), 409


@requires(MODERATOR)
def print_codes(wave_id: int):
    """Every code of the wave as cut-out notes to hand out (print the page); only before
    the wave opens."""
    db = get_session()
    wave = _wave_or_404(wave_id)
    if not code_services.codes_may_be_listed(db, wave, date.today()):
        return _not_listable(wave)
    return render_template(
        "survey/admin/codes_print.html", wave=wave,
        codes=_notes(wave, _district_filter(_all_codes(db, wave))),
        url=qr.start_url(wave.id), districts=list_active(db, District), refused=False,
        batch=None,
    )


@requires(MODERATOR)
def print_batch(wave_id: int, batch_id: int):
    """One batch as notes: before the wave opens at any time; a batch made while it is
    open only once, right after it was made."""
    db = get_session()
    wave = _wave_or_404(wave_id)
    batch = db.get(CodeBatch, batch_id)
    if batch is None or batch.wave_id != wave.id:
        abort(404)
    today = date.today()
    if not code_services.batch_may_be_shown(db, wave, batch, today):
        return _not_listable(wave)
    codes = code_services.batch_codes(db, batch)
    once = not code_services.codes_may_be_listed(db, wave, today)
    notes = _notes(wave, codes)
    code_services.mark_shown(db, wave, batch, today)
    db.commit()
    return render_template(
        "survey/admin/codes_print.html", wave=wave, codes=notes, url=qr.start_url(wave.id),
        districts=[], refused=False, batch=batch, once=once,
    )


@requires(MODERATOR)
def poster(wave_id: int):
    """A printable A4 poster of an open-link wave: its address and QR code, the closing date
    and the promise of anonymity, for notice boards and staff rooms."""
    wave = _wave_or_404(wave_id)
    if wave.mode != OPEN_LINK:
        abort(404)
    link = qr.start_url(wave.id)
    return render_template("survey/admin/poster.html", wave=wave, link=link,
                           qr_code=qr.qr_svg(link, "qr poster-qr"))


@requires(MODERATOR)
def codes_csv(wave_id: int):
    """Every code of the wave as CSV (for a print shop); only before the wave opens."""
    db = get_session()
    wave = _wave_or_404(wave_id)
    if not code_services.codes_may_be_listed(db, wave, date.today()):
        return _not_listable(wave)
    url = qr.start_url(wave.id)
    rows = [[_("Code"), _("District"), _("Service area"), _("Role"), _("Batch"), _("Address"),
             _("Link with the code (for a QR code)")]]
    for code in _district_filter(_all_codes(db, wave)):
        batch = code.batch
        rows.append([
            code.code, batch.district.name, batch.service_area.name if batch.service_area else "",
            batch.staff_role.name if batch.staff_role else "", batch.id, url,
            qr.code_url(wave.id, code.code),
        ])
    return csv_response("".join(csv_document(rows, csv_convention())),
                        f"codes-wave-{wave.id}.csv")
