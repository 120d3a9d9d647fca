"""The action plan's blueprint (``steering_plan`` under ``/action-plan``): every page of
``steering.plan.views`` and ``steering.plan.hr_views``, registered here."""

from __future__ import annotations

from flask import Flask

from core.access import ADMIN, CENTRAL, LOCAL
from core.i18n import _l
from core.web import GET, GET_POST, POST, register_nav, routed_blueprint
from steering.plan import hr_views, views
from steering.plan.indicators import half_year_label
from steering.plan.queries import reason_text

#: (rule, view, methods) of every action plan page
ROUTES = (
    ("/", views.index, GET),
    ("/city", views.city, GET),
    ("/district/<district_code>", views.district, GET),
    ("/subgoals/<int:subgoal_id>", views.subgoal, GET),
    ("/subgoals/new", views.new_subgoal, GET_POST),
    ("/subgoals/<int:subgoal_id>/edit", views.edit_subgoal, GET_POST),
    ("/subgoals/<int:subgoal_id>/delete", views.remove_subgoal, POST),
    ("/subgoals/<int:subgoal_id>/notes", views.new_note, POST),
    ("/subgoals/<int:subgoal_id>/notes/<int:progress_note_id>/delete",
     views.remove_note, POST),
    ("/hr/district/<district_code>", hr_views.hr_district, GET_POST),
    ("/hr/district/<district_code>/<int:hr_figure_id>/delete", hr_views.hr_delete, POST),
    ("/hr/import", hr_views.hr_import, GET_POST),
)


def register(app: Flask) -> None:
    """Register the action plan pages, their template helpers and navigation item."""
    app.register_blueprint(routed_blueprint("steering_plan", __name__, "/action-plan", ROUTES))
    app.jinja_env.globals.update(plan_reason_text=reason_text,
                                 plan_status_label=views.status_label,
                                 plan_half_year_label=half_year_label)
    register_nav(app, "steering_plan.index", _l("Action plan"), (CENTRAL, LOCAL, ADMIN), order=24)
