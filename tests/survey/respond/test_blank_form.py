"""The one-page form's fields are rendered once per wave and language and reused: what a
respondent sees must be exactly what a fresh rendering gives, in their language, and follow
a change of the wave or of the organisation lists."""

from __future__ import annotations

import re

from flask import render_template
from flask_babel import refresh
from sqlalchemy import select

from core.org.models import District
from survey.catalog import wave_instrument
from survey.respond.choices import org_choices, wave_dimensions
from tests.survey.helpers import make_wave


def _fields(html: str) -> str:
    """The part of the page between the hidden tokens and the send button, whitespace
    collapsed (the tokens differ on every request)."""
    start = html.index('name="submission_token"')
    start = html.index(">", start) + 1
    end = html.index('<div class="button-row">')
    return re.sub(r"\s+", " ", html[start:end]).strip()


def _page(client, wave, lang: str) -> str:
    """The one-page form in ``lang`` (the tests share one app context, so the locale
    Flask-Babel keeps in it is forgotten first)."""
    client.set_cookie("lang", lang)
    refresh()
    return client.get(f"/survey/{wave.id}/all").get_data(as_text=True)


def _fresh(app, db, wave, lang: str) -> str:
    """The fields rendered without the cache, as the page did before it."""
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        refresh()
        choices = org_choices(db)
        return render_template(
            "survey/_single_fields.html", wave=wave, spec=wave_instrument(db, wave),
            choices=choices, dimensions=wave_dimensions(wave, choices), values={}, errors={},
        )


def test_cached_fields_equal_a_fresh_rendering_in_each_language(app, client, db):
    wave = make_wave(db, tenure=True)
    pages = {}
    for lang in ("sv", "en", "sv", "en"):
        first, again = _page(client, wave, lang), _page(client, wave, lang)
        assert _fields(first) == _fields(again)
        refresh()
        assert _fields(first) == re.sub(r"\s+", " ", _fresh(app, db, wave, lang)).strip()
        pages[lang] = first
    assert "About your work" in pages["en"] and "Om ditt arbete" not in pages["en"]
    assert "Om ditt arbete" in pages["sv"] and "About your work" not in pages["sv"]


def test_each_browser_gets_its_own_token_although_the_fields_are_reused(app, client, db):
    """A reload keeps the browser's answering session (and so its token); another browser
    gets a session and a token of its own."""
    wave = make_wave(db)
    other = app.test_client()
    pages = [_page(client, wave, "sv"), _page(client, wave, "sv"), _page(other, wave, "sv")]
    tokens = [re.search(r'name="submission_token" value="([^"]+)"', p).group(1) for p in pages]
    assert tokens[0] == tokens[1] != tokens[2]
    assert _fields(pages[0]) == _fields(pages[2])


def test_renamed_district_shows_once_the_lists_are_read_again(app, client, db):
    wave = make_wave(db)
    assert "Farsta" in _page(client, wave, "sv")
    district = db.scalars(select(District).where(District.code == "farsta")).one()
    district.name_sv = "Farsta stadsdel"
    db.commit()
    app.extensions.pop("survey_org_choices", None)  # as when the short list cache expires
    assert "Farsta stadsdel" in _page(client, wave, "sv")
