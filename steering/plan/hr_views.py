"""HR figure pages of the action plan (``steering.plan.blueprint``): a district's figures
with a form for one figure, and the CSV import (all rows checked first; nothing is written
on any problem). A local steering group enters figures for its own districts only."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from core.access import ALL_DISTRICT_ROLES, CENTRAL, LOCAL, requires
from core.db import get_session
from core.i18n import _, ngettext
from core.org.models import District, list_all
from steering.plan.forms import HrFigureForm, HrImportForm
from steering.plan.hr_import import HEADER, parse_hr_csv
from steering.plan.indicators import HR, HR_INDICATORS, check_value, parse_half_year
from steering.plan.models import HrFigure
from steering.plan.queries import hr_figures
from steering.plan.services import HrRow, delete_hr_figure, store_hr_figures
from steering.plan.views import district_or_404

#: how many import problems are listed on the page
ERRORS_SHOWN = 50


@requires(LOCAL, CENTRAL)
def hr_district(district_code: str):
    district = district_or_404(district_code)
    db = get_session()
    form = HrFigureForm()
    if form.validate_on_submit():
        period = parse_half_year(form.period.data)
        problem = check_value(HR, form.indicator.data, form.value.data)
        if problem:
            form.value.errors = [*form.value.errors, problem]
        else:
            store_hr_figures(db, [HrRow(district.id, period, form.indicator.data,
                                        form.value.data)])
            db.commit()
            flash(_("The figure was saved."), "success")
            return redirect(url_for("steering_plan.hr_district", district_code=district.code))
    return render_template("steering/plan/hr_district.html", district=district, form=form,
                           figures=hr_figures(db, district.id), indicators=HR_INDICATORS)


@requires(LOCAL, CENTRAL)
def hr_delete(district_code: str, hr_figure_id: int):
    district = district_or_404(district_code)
    db = get_session()
    figure = db.get(HrFigure, hr_figure_id)
    if figure is None or figure.district_id != district.id:
        abort(404)
    back = url_for("steering_plan.hr_district", district_code=district.code)
    if request.form.get("confirm") != "yes":
        return render_template(
            "steering/plan/confirm.html", question=_("Delete this figure?"),
            detail=f"{HR_INDICATORS[figure.indicator].label}, {figure.period}",
            action=url_for("steering_plan.hr_delete", district_code=district.code,
                           hr_figure_id=figure.id),
            cancel=back, label=_("Delete the figure"))
    delete_hr_figure(db, figure)
    db.commit()
    flash(_("The figure was deleted."), "success")
    return redirect(back)


def _district_keys() -> dict[str, int]:
    """Lower-case codes and Swedish and English names of every district, to their ids."""
    keys: dict[str, int] = {}
    for district in list_all(get_session(), District):
        for key in (district.name_en, district.name_sv, district.code):
            keys[key.strip().lower()] = district.id
    return keys


def _may_edit(district_id: int) -> bool:
    if g.user.role in ALL_DISTRICT_ROLES:
        return True
    return district_id in {d.id for d in g.user.districts}


@requires(LOCAL, CENTRAL)
def hr_import():
    form = HrImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        result = parse_hr_csv(form.file.data.read(), _district_keys(), _may_edit,
                              current_app.config["HR_IMPORT_MAX_ROWS"])
        if result.errors:
            errors = result.errors
        else:
            db = get_session()
            count = store_hr_figures(db, result.rows)
            db.commit()
            flash(ngettext("%(num)d figure was imported.", "%(num)d figures were imported.",
                           count), "success")
            return redirect(url_for("steering_plan.hr_import"))
    return render_template("steering/plan/hr_import.html", form=form,
                           errors=errors[:ERRORS_SHOWN], more=max(0, len(errors) - ERRORS_SHOWN),
                           header=",".join(HEADER)), (400 if errors else 200)
