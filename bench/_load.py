"""A small load client shared by the benchmark scripts: simulated people (one keep-alive
connection and a cookie jar each, redirects not followed so that every answer can be
checked), form-field parsing, retries on connection errors and 5xx, and a runner that keeps
N people busy for a bounded time. Standard library only, threads: the servers measured are
far slower than this client."""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlencode, urlsplit

#: what a lost connection looks like from the client (worker killed, server restarting)
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def location(self) -> str:
        """The path of a redirect's target ('' when there is none)."""
        return urlsplit(self.headers.get("location", "")).path


class Browser:
    """One simulated person: one connection to ``host:port`` and its cookies."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "text/html", "User-Agent": "medarbetardialog-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _store_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            lowered = attributes.lower()
            if not value or "max-age=0" in lowered or "expires=thu, 01 jan 1970" in lowered:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def request(self, method: str, path: str, fields: Mapping[str, str] | None = None,
                headers: Mapping[str, str] | None = None, body: bytes | None = None) -> Reply:
        """Send one request (form ``fields``, or a raw ``body`` with its Content-Type in
        ``headers``); connection problems raise one of ``CONNECTION_ERRORS``."""
        extra = dict(headers or {})
        if fields is not None:
            body = urlencode(fields).encode()
            extra["Content-Type"] = "application/x-www-form-urlencoded"
        conn = self._connection()
        try:
            conn.request(method, path, body=body, headers=self._headers(extra))
            response = conn.getresponse()
            data = response.read()
        except CONNECTION_ERRORS:
            self.close()
            raise
        self._store_cookies(response)
        if response.will_close:
            self.close()
        reply_headers = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, reply_headers, data.decode("utf-8", "replace"))

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, fields: Mapping[str, str]) -> Reply:
        return self.request("POST", path, fields)

    def post_and_drop(self, path: str, fields: Mapping[str, str]) -> None:
        """Send a POST and hang up without reading the answer: the client cannot know
        whether it was stored (an ambiguous failure, as when a phone loses its signal)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            body = urlencode(fields)
            conn.request("POST", path, body=body, headers=self._headers(
                {"Content-Type": "application/x-www-form-urlencoded"}))
        except CONNECTION_ERRORS:
            pass
        finally:
            conn.close()


_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """name → value of every ``<input type="hidden">`` in ``html``."""
    found = {}
    for tag in _INPUT.findall(html):
        attrs = {k.lower(): unescape(v) for k, v in _ATTR.findall(tag)}
        if attrs.get("type", "").lower() == "hidden" and "name" in attrs:
            found[attrs["name"]] = attrs.get("value", "")
    return found


def field_names(html: str, pattern: str) -> list[str]:
    """The distinct form field names in ``html`` that match ``pattern``, in page order."""
    names = re.findall(r'name="(' + pattern + r')"', html)
    return list(dict.fromkeys(names))


class Tally:
    """Thread-safe counters (and a list of per-event latencies)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.latencies: list[float] = []

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            self.counts[name] += n

    def latency(self, seconds: float) -> None:
        with self._lock:
            self.latencies.append(seconds)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]


class GaveUp(Exception):
    """A request still failed after every retry."""


def with_retries(
    send: Callable[[], Reply], tally: Tally, *, budget: float = 45.0,
    first_delay: float = 0.05, max_delay: float = 1.0,
) -> Reply:
    """Call ``send`` until it gives an answer below 500; count each connection error
    (``retry-connection``) and each 5xx (``5xx:<code>``). Raises GaveUp (counted as
    ``gave-up``) after ``budget`` seconds of failures."""
    deadline = time.monotonic() + budget
    delay = first_delay
    while True:
        try:
            reply = send()
        except CONNECTION_ERRORS as error:
            tally.add("retry-connection")
            tally.add(f"connection-error:{type(error).__name__}")
        else:
            if reply.status < 500:
                return reply
            tally.add(f"5xx:{reply.status}")
            tally.add("retry-5xx")
        if time.monotonic() + delay > deadline:
            tally.add("gave-up")
            raise GaveUp
        time.sleep(delay * (0.5 + random.random()))  # noqa: S311 (jitter, not security)
        delay = min(delay * 2, max_delay)


@dataclass
class RunResult:
    elapsed: float
    tally: Tally
    errors: list[str] = field(default_factory=list)


def run_people(
    count: int, seconds: float, one_person: Callable[[int, int, Tally], None],
    grace: float = 60.0,
) -> RunResult:
    """Run ``count`` threads; each calls ``one_person(thread, iteration, tally)`` again and
    again until ``seconds`` have passed (an iteration in progress is finished, at most
    ``grace`` seconds later). Unexpected exceptions are collected, not raised."""
    tally = Tally()
    errors: list[str] = []
    started = time.monotonic()
    stop_at = started + seconds

    def loop(index: int) -> None:
        iteration = 0
        while time.monotonic() < stop_at:
            try:
                one_person(index, iteration, tally)
            except Exception as error:  # noqa: BLE001 (reported in the summary)
                errors.append(f"{type(error).__name__}: {error}")
                tally.add("person-errors")
            iteration += 1

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, stop_at + grace - time.monotonic()))
    elapsed = time.monotonic() - started
    if any(t.is_alive() for t in threads):
        errors.append("some clients were still busy after the grace period")
    return RunResult(elapsed, tally, errors)
