"""Action plan pages (blueprint ``steering_plan`` under ``/action-plan``): the city-wide
overview for the central steering group, each district's plan with its sub-goals and their
progress, and the sub-goal forms. Local steering groups see and edit only their districts
(``core.access.require_district``); the whole city's plan is the central group's.
The HR figure pages are in ``steering.plan.hr_views``; ``steering.plan.blueprint``
registers both."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from core.access import ALL_DISTRICT_ROLES, CENTRAL, LOCAL, require_district, requires
from core.db import get_session
from core.i18n import _, _l
from core.org.models import District, by_code
from steering.plan.forms import NoteForm, SubGoalForm
from steering.plan.models import ProgressNote, SubGoal
from steering.plan.progress import BEHIND, NO_DATA, ON_TRACK, REACHED
from steering.plan.queries import PlanReader, overview, plan_of
from steering.plan.services import (
    PlanError,
    add_note,
    delete_note,
    delete_subgoal,
    save_subgoal,
    validate_subgoal,
)
from steering.plan.subgoal_form import fill_choices, form_input, load_into_form, partial_input

STATUS_LABELS = {REACHED: _l("Reached"), ON_TRACK: _l("On track"), BEHIND: _l("Behind"),
                 NO_DATA: _l("No data")}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def visible_districts() -> list[District]:
    """The active districts the signed-in user may see, in display order."""
    stmt = select(District).where(District.active.is_(True))
    districts = list(get_session().scalars(stmt.order_by(District.sort_order, District.code)))
    if g.user.role in ALL_DISTRICT_ROLES:
        return districts
    own = {d.id for d in g.user.districts}
    return [d for d in districts if d.id in own]


def district_or_404(code: str) -> District:
    district = by_code(get_session(), District, code)
    if district is None:
        abort(404)
    require_district(district.id)
    return district


def goal_or_404(subgoal_id: int) -> SubGoal:
    goal = get_session().get(SubGoal, subgoal_id)
    if goal is None:
        abort(404)
    require_district(goal.district_id)
    return goal


def plan_url(district_id: int | None) -> str:
    if district_id is None:
        return url_for("steering_plan.city")
    district = get_session().get(District, district_id)
    return url_for("steering_plan.district", district_code=district.code)


def show_errors(form, errors: list[tuple[str, str]]) -> None:
    """Attach service errors to their fields (or flash them when the form has no such)."""
    for name, message in errors:
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            flash(message, "error")


@requires(LOCAL, CENTRAL)
def index():
    """The city-wide overview for central users; a local user's own district plan(s)."""
    if g.user.role in ALL_DISTRICT_ROLES:
        db = get_session()
        districts, areas = overview(db, PlanReader(db))
        return render_template("steering/plan/overview.html", districts=districts,
                               areas=areas)
    own = visible_districts()
    if len(own) == 1:
        return redirect(url_for("steering_plan.district", district_code=own[0].code))
    return render_template("steering/plan/choose.html", districts=own)


def _render_plan(district: District | None):
    db = get_session()
    areas = plan_of(db, district.id if district else None, PlanReader(db))
    return render_template("steering/plan/plan.html", district=district, areas=areas,
                           goal_count=sum(len(a.rows) for a in areas))


@requires(CENTRAL)
def city():
    """The whole city's sub-goals: the central steering group's."""
    return _render_plan(None)


@requires(LOCAL, CENTRAL)
def district(district_code: str):
    return _render_plan(district_or_404(district_code))


@requires(LOCAL, CENTRAL)
def subgoal(subgoal_id: int):
    return _render_goal(goal_or_404(subgoal_id), NoteForm())


def _render_goal(goal: SubGoal, note_form: NoteForm, status: int = 200):
    reader = PlanReader(get_session())
    return render_template("steering/plan/subgoal.html", row=reader.row(goal), goal=goal,
                           series=reader.series(goal), note_form=note_form,
                           back=plan_url(goal.district_id)), status


@requires(LOCAL, CENTRAL)
def new_subgoal():
    form = SubGoalForm()
    fill_choices(form, visible_districts(), g.user.role in ALL_DISTRICT_ROLES)
    if request.method == "GET":
        wanted = request.args.get("district", "")
        codes = [choice.value for choice in form.district.choices]
        form.district.data = wanted if wanted in codes else (codes[0] if codes else "")
        area = request.args.get("area", type=int)
        if area is not None:
            form.development_area.data = area
    return _save(form, None)


@requires(LOCAL, CENTRAL)
def edit_subgoal(subgoal_id: int):
    goal = goal_or_404(subgoal_id)
    form = SubGoalForm()
    fill_choices(form, visible_districts(), g.user.role in ALL_DISTRICT_ROLES)
    if request.method == "GET":
        load_into_form(form, goal)
    return _save(form, goal)


def _save(form: SubGoalForm, goal: SubGoal | None):
    db = get_session()
    if form.validate_on_submit():
        data = form_input(db, form)
        require_district(data.district_id)
        try:
            saved = save_subgoal(db, goal, data, PlanReader(db))
        except PlanError as error:
            db.rollback()
            show_errors(form, error.errors)
        else:
            db.commit()
            flash(_("The sub-goal was saved."), "success")
            return redirect(url_for("steering_plan.subgoal", subgoal_id=saved.id))
    elif form.is_submitted():
        # the checks between fields too, so that every problem shows at once
        data = partial_input(db, form)
        if data is not None:
            problems = validate_subgoal(data, PlanReader(db))
            show_errors(form, [(name, message) for name, message in problems
                               if not form[name].errors])
    back = plan_url(goal.district_id) if goal else url_for("steering_plan.index")
    return render_template("steering/plan/subgoal_form.html", form=form, goal=goal,
                           back=back)


@requires(LOCAL, CENTRAL)
def remove_subgoal(subgoal_id: int):
    goal = goal_or_404(subgoal_id)
    back = plan_url(goal.district_id)
    if request.form.get("confirm") != "yes":
        return render_template(
            "steering/plan/confirm.html",
            question=_("Delete the sub-goal “%(title)s”?", title=goal.title),
            detail=_("Its progress notes are deleted with it."),
            action=url_for("steering_plan.remove_subgoal", subgoal_id=goal.id),
            cancel=url_for("steering_plan.subgoal", subgoal_id=goal.id),
            label=_("Delete the sub-goal"))
    db = get_session()
    delete_subgoal(db, goal)
    db.commit()
    flash(_("The sub-goal was deleted."), "success")
    return redirect(back)


@requires(LOCAL, CENTRAL)
def new_note(subgoal_id: int):
    goal = goal_or_404(subgoal_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_goal(goal, form, 400)
    db = get_session()
    try:
        add_note(db, goal, form.text.data, g.user)
    except PlanError as error:
        db.rollback()
        show_errors(form, error.errors)
        return _render_goal(goal, form, 400)
    db.commit()
    flash(_("The note was added."), "success")
    return redirect(url_for("steering_plan.subgoal", subgoal_id=goal.id) + "#notes")


@requires(LOCAL, CENTRAL)
def remove_note(subgoal_id: int, progress_note_id: int):
    goal = goal_or_404(subgoal_id)
    db = get_session()
    note = db.get(ProgressNote, progress_note_id)
    if note is None or note.subgoal_id != goal.id:
        abort(404)
    if request.form.get("confirm") != "yes":
        return render_template(
            "steering/plan/confirm.html", question=_("Delete this progress note?"),
            detail=note.text[:200],
            action=url_for("steering_plan.remove_note", subgoal_id=goal.id,
                           progress_note_id=note.id),
            cancel=url_for("steering_plan.subgoal", subgoal_id=goal.id),
            label=_("Delete the note"))
    delete_note(db, note)
    db.commit()
    flash(_("The note was deleted."), "success")
    return redirect(url_for("steering_plan.subgoal", subgoal_id=goal.id) + "#notes")
