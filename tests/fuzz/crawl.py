"""Walk every page of the demo city as the roles that may see it and note its forms, keyed by
the endpoint each form posts (or gets) to: the fuzzer then sends those field names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from core.access import ADMIN
from tests.demo_site import sign_in
from tests.html_forms import Form, FormField, parse_forms
from tests.sitemap import Route, UrlFiller, routes


@dataclass
class FormIndex:
    forms: dict[str, list[Form]] = field(default_factory=lambda: defaultdict(list))
    #: (role, url) of every HTML page seen, for the escaping sweep
    pages: list[tuple[str | None, str]] = field(default_factory=list)

    def fields(self, endpoint: str, method: str = "post") -> dict[str, FormField]:
        merged: dict[str, FormField] = {}
        for form in self.forms.get(endpoint, []):
            if form.method != method:
                continue
            for f in form.fields:
                if f.kind in ("submit", "button") and f.name in merged:
                    merged[f.name].options.append(f.value)
                elif f.name not in merged:
                    merged[f.name] = FormField(f.name, f.kind, f.value, list(f.options))
                    if f.kind in ("submit", "button", "radio", "checkbox"):
                        merged[f.name].options.append(f.value)
                elif f.kind in ("radio", "checkbox"):
                    merged[f.name].options.append(f.value)
        return merged

    @classmethod
    def crawl(cls, app: Flask) -> FormIndex:
        index = cls()
        fillers: dict[str | None, UrlFiller] = {}
        adapter = app.url_map.bind("localhost")
        for route in routes(app, include_static=False):
            if "GET" not in route.methods:
                continue
            for role in _crawl_roles(route):
                filler = fillers.setdefault(role, UrlFiller(app, role))
                url = filler.url(route)
                client = sign_in(app.test_client(), app, role)
                response = client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                index.pages.append((role, url))
                for form in parse_forms(response.get_data(as_text=True)):
                    endpoint = _endpoint_of(adapter, form, url)
                    if endpoint:
                        index.forms[endpoint].append(form)
        return index


def _crawl_roles(route: Route) -> list[str | None]:
    roles: list[str | None] = [route.role]
    if route.role != ADMIN:
        roles.append(ADMIN)
    return roles


def _endpoint_of(adapter, form: Form, page_url: str) -> str | None:
    path = urlsplit(form.action or page_url).path or urlsplit(page_url).path
    try:
        endpoint, _args = adapter.match(path, method=form.method.upper())
    except (HTTPException, RequestRedirect):
        return None
    return endpoint
