"""The sign-in pages (blueprint ``auth``): every route of ``core.auth.views``, registered here."""

from __future__ import annotations

from flask import Flask

from core.auth import views
from core.web import GET_POST, POST, routed_blueprint

#: (rule, view, methods) of every sign-in page
ROUTES = (
    ("/login", views.login, GET_POST),
    ("/logout", views.logout, POST),
    ("/account/password", views.change_password, GET_POST),
)


def register(app: Flask) -> None:
    app.register_blueprint(routed_blueprint("auth", __name__, None, ROUTES))
