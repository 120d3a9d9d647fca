"""The facilitator's tablet (blueprints ``cafe_tablet`` and ``cafe_sync``, both under
``/my-tables``): every route of ``cafe.tablet.views`` and ``cafe.tablet.sync``, registered
here."""

from __future__ import annotations

from flask import Flask

from cafe.tablet import sync, views
from core.web import GET, GET_POST, POST, routed_blueprint

#: (rule, view, methods) of the tablet pages and their plain forms
TABLET_ROUTES = (
    ("/", views.my_tables, GET),
    ("/<int:table_id>", views.tablet, GET),
    ("/<int:table_id>/notes", views.add_note, POST),
    ("/notes/<uuid>/edit", views.edit_note, GET_POST),
    ("/notes/<uuid>/delete", views.delete_note, POST),
    ("/<int:table_id>/participants", views.participants, POST),
)
#: (rule, view, methods) of what the offline queue calls
SYNC_ROUTES = (
    ("/api/tables/<int:table_id>/notes", sync.api_save_note, POST),
    ("/api/csrf", sync.api_csrf, GET),
    ("/sw.js", sync.service_worker, GET),
)


def register(app: Flask) -> None:
    app.register_blueprint(routed_blueprint("cafe_tablet", __name__, "/my-tables", TABLET_ROUTES))
    app.register_blueprint(routed_blueprint("cafe_sync", __name__, "/my-tables", SYNC_ROUTES))
