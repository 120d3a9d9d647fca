"""The idea loop's pages (blueprints ``cafe_ideas`` under ``/ideas`` and the public
``you_said`` under ``/you-said-we-did``): every route of ``cafe.ideas.views`` and
``cafe.ideas.public``, registered here."""

from __future__ import annotations

from flask import Flask

from cafe.ideas import public, views
from core.web import GET, GET_POST, routed_blueprint

#: (rule, view, methods) of the steering groups' idea inbox
INBOX_ROUTES = (
    ("/", views.inbox, GET),
    ("/<int:idea_id>", views.detail, GET_POST),
)
#: (rule, view, methods) of the public "you said, we did" pages
PUBLIC_ROUTES = (
    ("", public.index, GET),
    ("/<district_code>", public.district, GET),
)


def register(app: Flask) -> None:
    app.register_blueprint(routed_blueprint("cafe_ideas", __name__, "/ideas", INBOX_ROUTES))
    app.register_blueprint(routed_blueprint("you_said", __name__, "/you-said-we-did",
                                            PUBLIC_ROUTES))
