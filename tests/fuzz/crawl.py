"""Walk every page of the demo city as the roles that may see it and note its forms, keyed by
the endpoint each form posts (or gets) to: the fuzzer then sends those field names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from core.access import ADMIN
from tests.demo_site import sign_in
from tests.html_forms import Form, FormField, parse_forms, parse_links
from tests.sitemap import Route, UrlFiller, routes


@dataclass
class FormIndex:
    forms: dict[str, list[Form]] = field(default_factory=lambda: defaultdict(list))
    #: (role, url) of every HTML page seen, for the escaping sweep
    pages: list[tuple[str | None, str]] = field(default_factory=list)
    #: the query strings that the pages' links give each endpoint (exports, filters)
    queries: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))

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
                html = response.get_data(as_text=True)
                for form in parse_forms(html):
                    endpoint = _endpoint_of(adapter, form, url)
                    if endpoint:
                        index.forms[endpoint].append(form)
                index._note_links(adapter, parse_links(html), url)
        return index

    def _note_links(self, adapter, links: list[str], page_url: str) -> None:
        for href in links:
            parts = urlsplit(href)
            if not parts.query or parts.scheme or parts.netloc:
                continue
            endpoint = _endpoint_of(adapter, Form(parts.path, "get"), page_url)
            query = dict(parse_qsl(parts.query))
            if endpoint and query not in self.queries[endpoint]:
                self.queries[endpoint].append(query)


def _crawl_roles(route: Route) -> list[str | None]:
    """The role the fuzzer uses for the route; public pages are also read signed in as an
    administrator, whose pages show the most forms."""
    return [route.role, ADMIN] if route.role is None else [route.role]


def _endpoint_of(adapter, form: Form, page_url: str) -> str | None:
    path = urlsplit(form.action or page_url).path or urlsplit(page_url).path
    try:
        endpoint, _args = adapter.match(path, method=form.method.upper())
    except (HTTPException, RequestRedirect):
        return None
    return endpoint
