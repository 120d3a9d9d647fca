"""The administrator's pages (blueprint ``admin`` under ``/admin``, with user accounts nested
as ``admin.users``): every route of ``core.admin.organisation`` and ``core.admin.users``,
registered here with the administrator's navigation item and home panel."""

from __future__ import annotations

from flask import Flask

from core.access import ADMIN
from core.admin import organisation, users
from core.i18n import _l
from core.web import (
    GET,
    GET_POST,
    POST,
    HomePanel,
    register_home_panel,
    register_nav,
    routed_blueprint,
)

#: (rule, view, methods) of every organisation page
ORGANISATION_ROUTES = (
    ("/", organisation.index, GET),
    ("/org/<kind>/", organisation.org_list, GET),
    ("/org/<kind>/new", organisation.org_new, GET_POST),
    ("/org/<kind>/<int:item_id>/edit", organisation.org_edit, GET_POST),
    ("/org/<kind>/<int:item_id>/deactivate", organisation.org_deactivate, GET_POST),
    ("/org/<kind>/<int:item_id>/reactivate", organisation.org_reactivate, POST),
    ("/org/<kind>/import", organisation.org_import, GET_POST),
    ("/org/<kind>/export.csv", organisation.org_export, GET),
)
#: (rule, view, methods) of every user account page, under ``/admin/users``
USER_ROUTES = (
    ("/", users.user_list, GET),
    ("/new", users.user_new, GET_POST),
    ("/<int:user_id>/edit", users.user_edit, GET_POST),
    ("/<int:user_id>/deactivate", users.user_deactivate, GET_POST),
    ("/<int:user_id>/reactivate", users.user_reactivate, POST),
    ("/<int:user_id>/password", users.user_password, GET_POST),
)


def register(app: Flask) -> None:
    admin = routed_blueprint("admin", __name__, "/admin", ORGANISATION_ROUTES)
    admin.register_blueprint(routed_blueprint("users", __name__, "/users", USER_ROUTES))
    app.register_blueprint(admin)
    register_nav(app, "admin.index", _l("Organisation and users"), (ADMIN,), order=90)
    register_home_panel(app, HomePanel("admin/_home_admin.html", (ADMIN,),
                                       organisation.home_context, order=30))
