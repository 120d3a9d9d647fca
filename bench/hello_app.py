"""The bare Flask application ``bench/submit.py`` measures next to the survey: one view that
answers "hello". Served by gunicorn with the same settings as the real application."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
