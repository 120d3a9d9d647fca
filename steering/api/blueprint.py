"""The JSON API (blueprint ``api`` under ``/api/v1``, exempt from CSRF: GET only, token
authentication) and its token page (blueprint ``api_tokens`` under ``/account/api-tokens``):
every route of ``steering.api.views`` and ``steering.api.tokens``, registered here."""

from __future__ import annotations

from flask import Flask

from core.web import GET, POST, routed_blueprint
from steering.api import tokens, views

#: (rule, view, methods) of every API endpoint
API_ROUTES = (
    ("/openapi.yaml", views.openapi, GET),
    ("/waves", views.waves, GET),
    ("/units", views.units, GET),
    ("/waves/<int:wave_id>/questions", views.questions, GET),
    ("/waves/<int:wave_id>/overview", views.overview, GET),
    ("/waves/<int:wave_id>/results/<district_code>", views.results, GET),
    ("/imported", views.imported_waves_list, GET),
    ("/imported/<int:wave_id>", views.imported_results, GET),
    ("/ideas", views.ideas, GET),
)
#: (rule, view, methods) of the page where tokens are made and revoked
TOKEN_ROUTES = (
    ("/", tokens.index, GET),
    ("/", tokens.create, POST),
    ("/revoke", tokens.revoke, POST),
)


def register(app: Flask) -> None:
    api = routed_blueprint("api", __name__, "/api/v1", API_ROUTES)
    app.register_blueprint(api)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(api)
    app.register_blueprint(routed_blueprint("api_tokens", __name__, "/account/api-tokens",
                                            TOKEN_ROUTES))
