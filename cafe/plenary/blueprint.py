"""The plenary pages (blueprint ``cafe_plenary`` under ``/cafes``): every route of
``cafe.plenary.views``, registered here."""

from __future__ import annotations

from flask import Flask

from cafe.plenary import views
from core.web import GET, GET_POST, POST, routed_blueprint

#: (rule, view, methods) of every plenary page
ROUTES = (
    ("/<int:cafe_id>/summary", views.summary, GET_POST),
    ("/<int:cafe_id>/summary/pull/<int:note_id>", views.pull, POST),
    ("/<int:cafe_id>/summary/publish", views.publish, POST),
    ("/<int:cafe_id>/harvest", views.harvest_document, GET),
    ("/<int:cafe_id>/figures", views.figures, GET),
    ("/masked-words", views.masked_words, GET_POST),
    ("/masked-words/<int:word_id>/delete", views.delete_masked_word, POST),
)


def register(app: Flask) -> None:
    app.register_blueprint(routed_blueprint("cafe_plenary", __name__, "/cafes", ROUTES))
