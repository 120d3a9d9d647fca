"""The input policy: which characters are refused, how text is cleaned, which redirect
targets are followed, the form base every form uses, and 400 for addresses with control
characters (the fuzz suite sweeps every route; these are the rules themselves)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from wtforms import Form, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired

from core.forms import BaseForm, BaseSubForm
from core.inputs import (
    clean_text,
    control_character_problem,
    describe_characters,
    is_acceptable,
    refused_characters,
    safe_next,
)


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31m", "a\x7f", "\x85", "\x9f", "\ud800",
                                  "\ufffe", "\uffff", "\x0b", "\x0c"])
def test_control_characters_are_refused_everywhere(text):
    assert not is_acceptable(text)
    assert not is_acceptable(text, multiline=True)
    assert is_acceptable(clean_text(text, multiline=True), multiline=True)


def test_line_breaks_and_tabs_only_in_multi_line_text():
    text = "rad ett\r\nrad två\n\tindrag"
    assert is_acceptable(text, multiline=True)
    assert refused_characters(text) == ["\r", "\n", "\t"]
    assert clean_text(text, multiline=True) == text
    assert clean_text(text) == "rad ett rad två  indrag"


@pytest.mark.parametrize("text", ["Ärende åäö ß", "😀 \u200d emoji", "\u202e\u0645", "\ufeff",
                                  "\u2028", "²", "１２"])
def test_other_characters_are_accepted(text):
    assert is_acceptable(text) and clean_text(text) == text


def test_problem_names_the_characters():
    assert control_character_problem("ok\ttab", multiline=True) is None
    assert describe_characters(["\x00", "\x1b", "\x7f", "\x85"]) == (
        "U+0000, U+001B, U+007F, …")


@pytest.mark.parametrize("target", ["/results/?wave=3", "/", "/survey/1/page/2#q5"])
def test_local_paths_are_followed(target):
    assert safe_next(target, "/home") == target


@pytest.mark.parametrize("target", [
    None, "", "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil",
    "javascript:alert(1)", "evil.example", "/\r\nSet-Cookie: x=1", "/a\x00b", "/x\tdata",
    " /leading-space",
])
def test_other_targets_fall_back(target):
    assert safe_next(target, "/home") == "/home"


class ExampleForm(BaseForm):
    title = StringField(validators=[DataRequired()])
    text = TextAreaField()
    secret = PasswordField()


def test_a_form_field_refuses_control_characters_and_shows_the_text_cleaned(app):
    with app.test_request_context("/", method="POST", headers={"Accept-Language": "en"}, data={
        "title": "Mål\x00 ett", "text": "rad ett\r\nrad\ttvå\x1b", "secret": "pass\tord",
    }):
        form = ExampleForm()
        assert not form.validate()
        assert form.title.data == "Mål ett" and form.text.data == "rad ett\r\nrad\ttvå"
        assert "U+0000" in form.title.errors[0] and "removed" in form.title.errors[0]
        assert "U+001B" in form.text.errors[0]
        assert "password" in form.secret.errors[0]


def test_line_breaks_are_kept_in_a_text_area(app):
    with app.test_request_context("/", method="POST", data={
        "title": "Mål", "text": "rad ett\r\nrad\ttvå", "secret": "lösenord",
    }):
        form = ExampleForm()
        assert form.validate(), form.errors
        assert form.text.data == "rad ett\r\nrad\ttvå"


def test_every_form_of_the_application_uses_the_base_form(app):
    """A form that skipped the base would skip the input policy."""
    for package in ("core", "survey", "cafe", "steering"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            importlib.import_module(info.name)
    forms = []
    stack = list(Form.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in ("core", "survey", "cafe", "steering"):
            forms.append(cls)
    assert len(forms) > 20
    outside = [f"{c.__module__}.{c.__qualname__}" for c in forms
               if not issubclass(c, BaseForm | BaseSubForm)]
    assert not outside, f"forms without the input policy: {outside}"
    nested = [c for c in forms if inspect.getmodule(c).__name__ == "survey.editor.forms"]
    assert any(issubclass(c, BaseSubForm) for c in nested)


@pytest.mark.parametrize("path", ["/you-said-we-did/%00", "/no/such/page%0d%0a",
                                  "/?next=/%0d%0aX:1", "/language/en?next=/%0d%0aX:1",
                                  "/login?next=%1b"])
def test_an_address_with_control_characters_gets_400_with_the_reason(client, path):
    client.set_cookie("lang", "en")
    response = client.get(path)
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)
    assert "Location" not in response.headers


def test_an_api_address_with_control_characters_gets_json(client):
    client.set_cookie("lang", "en")
    response = client.get("/api/v1/waves?x=%00")
    assert response.status_code == 400 and "control characters" in response.get_json()["detail"]


def test_the_language_switch_follows_only_local_paths(client):
    assert client.get("/language/en?next=/results/").headers["Location"] == "/results/"
    assert client.get("/language/en?next=/%5Cevil.example").headers["Location"] == "/"


def test_every_whole_number_in_a_path_stops_at_the_database_integer(app, client):
    """A larger id is no page (404), not a query PostgreSQL refuses (500)."""
    from werkzeug.routing import IntegerConverter

    from core.inputs import MAX_DATABASE_INTEGER, DatabaseIntConverter

    converters = [c for rule in app.url_map.iter_rules()
                  for c in (rule._converters or {}).values() if isinstance(c, IntegerConverter)]
    assert len(converters) > 50
    assert all(isinstance(c, DatabaseIntConverter) and c.max == MAX_DATABASE_INTEGER
               for c in converters)
    assert client.get(f"/survey/{MAX_DATABASE_INTEGER + 1}/").status_code == 404
    assert client.get(f"/survey/{MAX_DATABASE_INTEGER}/").status_code == 404
