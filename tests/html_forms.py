"""The forms of an HTML page, as a browser would submit them: action, method and fields.

Used by the fuzz and security suites to find what each page posts, so the fuzzer sends the
field names the views really read."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: list[FormField] = field(default_factory=list)

    def defaults(self) -> dict[str, str | list[str]]:
        """What a browser sends when nothing is changed (first option of each select)."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in ("checkbox", "radio") and not f.checked:
                continue
            if f.kind in ("submit", "button", "image", "reset", "file"):
                continue
            value = f.value
            if f.kind == "select" and not value and f.options:
                value = f.options[0]
            data.setdefault(f.name, []).append(value)
        return {k: v[0] if len(v) == 1 else v for k, v in data.items()}

    @property
    def names(self) -> list[str]:
        seen: dict[str, None] = {}
        for f in self.fields:
            if f.kind not in ("submit", "button", "image", "reset"):
                seen.setdefault(f.name)
        return list(seen)

    @property
    def csrf_token(self) -> str | None:
        for f in self.fields:
            if f.name == "csrf_token":
                return f.value
        return None


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(a.get("action", ""), (a.get("method") or "get").lower())
            self.forms.append(self._form)
        if self._form is None or "name" not in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        if tag == "input":
            self._form.fields.append(
                FormField(a["name"], a.get("type", "text").lower(), a.get("value", ""),
                          checked="checked" in a)
            )
        elif tag == "button":
            self._form.fields.append(FormField(a["name"], "submit", a.get("value", "")))
        elif tag == "select":
            self._select = FormField(a["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = FormField(a["name"], "textarea")
            self._form.fields.append(self._textarea)

    def _option(self, a: dict[str, str]) -> None:
        assert self._select is not None
        value = a.get("value", "")
        self._select.options.append(value)
        if "selected" in a:
            self._select.value = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def parse_links(html: str) -> list[str]:
    """The ``href`` of every link on the page."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.links


def csrf_token(html: str) -> str | None:
    """The first CSRF token on the page."""
    for form in parse_forms(html):
        if form.csrf_token:
            return form.csrf_token
    return None
