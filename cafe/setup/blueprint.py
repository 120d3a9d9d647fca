"""The café set-up pages (blueprints ``cafes`` under ``/cafes`` and ``cafe_structure`` under
``/cafes/<cafe_id>``): every route of ``cafe.setup.views`` and ``cafe.setup.structure``,
registered here."""

from __future__ import annotations

from flask import Flask

from cafe.setup import structure, views
from core.web import GET, GET_POST, POST, routed_blueprint

#: (rule, view, methods) of the café pages themselves
CAFE_ROUTES = (
    ("/", views.index, GET),
    ("/new", views.create, GET_POST),
    ("/<int:cafe_id>", views.detail, GET),
    ("/<int:cafe_id>/edit", views.edit, GET_POST),
    ("/<int:cafe_id>/copy", views.copy, GET_POST),
    ("/<int:cafe_id>/delete", views.delete, POST),
    ("/<int:cafe_id>/status", views.change_status, POST),
    ("/<int:cafe_id>/current-round", views.current_round, POST),
)
#: (rule, view, methods) of a café's rounds and tables
STRUCTURE_ROUTES = (
    ("/rounds/new", structure.add_round, GET_POST),
    ("/rounds/<int:round_id>/edit", structure.edit_round, GET_POST),
    ("/rounds/<int:round_id>/move", structure.move_round, POST),
    ("/rounds/<int:round_id>/delete", structure.delete_round, POST),
    ("/tables/new", structure.add_table, GET_POST),
    ("/tables/<int:table_id>/edit", structure.edit_table, GET_POST),
    ("/tables/<int:table_id>/delete", structure.delete_table, POST),
)


def register(app: Flask) -> None:
    app.register_blueprint(routed_blueprint("cafes", __name__, "/cafes", CAFE_ROUTES))
    app.register_blueprint(routed_blueprint("cafe_structure", __name__, "/cafes/<int:cafe_id>",
                                            STRUCTURE_ROUTES))
