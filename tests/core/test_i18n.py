"""Translations: every extracted string is translated in both catalogues, pages are Swedish by
default and English after the switch, and no visible text stays the same between the two
except proper names."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from core.cli import extract_messages
from core.db import get_session
from core.org.models import District
from tests.conftest import ROOT, sign_in

CATALOGUES = {lang: ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
              for lang in ("sv", "en")}


def msgid_key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    extract_messages(pot)
    with pot.open("rb") as fh:
        return {msgid_key(m) for m in read_po(fh) if m.id}


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_every_extracted_msgid_is_translated(extracted, lang):
    with CATALOGUES[lang].open("rb") as fh:
        catalogue = {msgid_key(m): m for m in read_po(fh, locale=lang) if m.id}
    missing = sorted(extracted - set(catalogue))
    empty = sorted(k for k in extracted & set(catalogue) if untranslated(catalogue[k]))
    fuzzy = sorted(k for k in extracted & set(catalogue) if catalogue[k].fuzzy)
    problems = []
    if missing:
        problems.append(f"missing from translations/{lang} ({len(missing)}): {missing}")
    if empty:
        problems.append(f"untranslated in translations/{lang} ({len(empty)}): {empty}")
    if fuzzy:
        problems.append(f"fuzzy in translations/{lang} ({len(fuzzy)}): {fuzzy}")
    assert not problems, (
        "\n".join(problems)
        + "\nRun `flask translate update`, fill in the new msgstr lines of the .po "
        "files and run `flask translate compile`."
    )


class VisibleText(HTMLParser):
    """Text nodes a reader sees or hears, plus the attributes read out loud."""

    SPOKEN_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.lang: str | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in ("script", "style"):
            self._skip += 1
        for name in self.SPOKEN_ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name].strip())
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"].strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.append(text)


def visible(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    return parser


#: proper names may stay the same: the product, and each language's own name for itself
PROPER_NAMES = {"Medarbetardialog", "Svenska", "English"}


def proper_names(app) -> set[str]:
    """Fixed names plus district names. Its own app context: a test holding one open (the
    ``db`` fixture) would share ``g``, and so the cached locale, with the client's requests."""
    names = set(PROPER_NAMES)
    with app.app_context():
        for district in get_session().scalars(select(District)):
            names |= {district.name_sv, district.name_en}
    return names


def identical_texts(sv_html: str, en_html: str, names: set[str], usernames: set[str]):
    sv, en = visible(sv_html), visible(en_html)
    assert (sv.lang, en.lang) == ("sv", "en")
    same = []
    for text in sorted(set(sv.texts) & set(en.texts)):
        bare = text
        for word in sorted(names | usernames, key=len, reverse=True):
            bare = bare.replace(word, "")
        if re.search(r"[^\W\d_]", bare):  # letters remain that are not a proper name
            same.append(text)
    return same


@pytest.fixture
def boom_app(app):
    """The shared app plus a route that fails, to see the 500 page."""
    from core.access import public

    def boom():
        raise RuntimeError("deliberate failure in a test")

    app.add_url_rule("/test-only/boom", "test_boom", public(boom))
    return app


PAGES = {
    "home": ("/", None, 200),
    "login": ("/login", None, 200),
    "not found": ("/no/such/page", None, 404),
    "server error": ("/test-only/boom", None, 500),
    "access denied": ("/admin/", "local", 403),
    "home as administrator": ("/", "admin", 200),
    "home as local steering group": ("/", "local", 200),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_is_swedish_by_default_and_english_after_the_switch(boom_app, users, page):
    path, username, status = PAGES[page]
    client = boom_app.test_client()
    if username:
        assert sign_in(client, username).status_code == 302
        client.get("/")  # consume the welcome message so both renders match
    swedish = client.get(path)
    assert swedish.status_code == status
    switch = client.get(f"/language/en?next={path}")
    assert switch.status_code == 302 and switch.headers["Location"] == path
    english = client.get(path)
    assert english.status_code == status
    same = identical_texts(swedish.get_data(as_text=True), english.get_data(as_text=True),
                           proper_names(boom_app), set(users))
    assert not same, f"{page}: text that is the same in Swedish and English: {same}"


def test_error_pages_speak_both_languages(boom_app, users):
    client = boom_app.test_client()
    expected = {
        404: ("Sidan finns inte", "Page not found", "/no/such/page"),
        500: ("Något gick fel", "Something went wrong", "/test-only/boom"),
    }
    for code, (sv_text, en_text, path) in expected.items():
        client.delete_cookie("lang")
        response = client.get(path)
        assert response.status_code == code and sv_text in response.get_data(as_text=True)
        client.set_cookie("lang", "en")
        response = client.get(path)
        assert response.status_code == code and en_text in response.get_data(as_text=True)
    sign_in(client, "local")
    client.delete_cookie("lang")
    assert "Åtkomst nekad" in client.get("/admin/").get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Access denied" in client.get("/admin/").get_data(as_text=True)


def test_language_choice_is_remembered_in_a_cookie(client):
    response = client.get("/language/en?next=/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.get("/language/sv")
    assert '<html lang="sv">' in client.get("/").get_data(as_text=True)


def test_accept_language_is_used_when_there_is_no_cookie(client):
    def lang_of(header):
        html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
        return visible(html).lang

    assert lang_of("en-GB,en;q=0.9") == "en"
    assert lang_of("de-DE,de;q=0.9") == "sv"  # nothing we offer: the default
    assert lang_of("sv-SE,en;q=0.5") == "sv"
    client.get("/language/sv")
    assert lang_of("en-GB,en;q=0.9") == "sv"  # the switch wins over the browser


def test_unknown_language_and_foreign_next_are_ignored(client):
    response = client.get("/language/xx?next=//evil.example/")
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers
