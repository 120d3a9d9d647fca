"""The results pages (blueprint ``steering`` under ``/results``): every route of
``steering.results.views`` and ``steering.results.imported_views``, registered here with the
template helpers the results pages share."""

from __future__ import annotations

from flask import Flask

from core.web import GET, routed_blueprint
from steering.results import imported_views, views

#: (rule, view, methods) of every results page
ROUTES = (
    ("/", views.overview, GET),
    ("/unit/<district_code>", views.unit, GET),
    ("/cafes", views.cafes, GET),
    ("/report/<district_code>", views.print_report, GET),
    ("/export", views.export, GET),
    ("/imported", imported_views.imported_list, GET),
    ("/imported/<int:wave_id>", imported_views.imported, GET),
)


def register(app: Flask) -> None:
    app.register_blueprint(routed_blueprint("steering", __name__, "/results", ROUTES))
    app.context_processor(views.template_helpers)
