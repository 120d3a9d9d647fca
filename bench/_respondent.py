"""A simulated respondent of the 20-question survey: how to answer each question, and the
whole visit through the pages (start → unit → sections → review → send → thank-you page),
every request retried on connection errors and 5xx. Used by bench/loadfault.py; the
answers also by bench/peer.py."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

from _common import create_app_for, unit_codes
from _load import Browser, GaveUp, Reply, Tally, field_names, hidden_fields, with_retries

COMMENTS = [
    "Fler kollegor och mindre administration.",
    "Bättre introduktion för nyanställda.",
    "Rimligare ärendemängd, det är för många ärenden per handläggare.",
    "Mer tid för reflektion och handledning.",
]


class FlowError(Exception):
    """The server answered something a respondent's browser would not expect."""


@dataclass(frozen=True)
class AnswerPlan:
    """How to answer each question of the wave (from the instrument, read once)."""

    questions: tuple[tuple[str, str, int, int, bool, tuple[int, ...]], ...]
    counted: int  # answers stored as answer rows per complete response

    @classmethod
    def load(cls, instance, wave_id: int) -> AnswerPlan:
        from core.db import get_session
        from survey.catalog import wave_instrument
        from survey.models import COUNTED_TYPES, Wave

        app = create_app_for(instance)
        with app.app_context():
            db = get_session()
            spec = wave_instrument(db, db.get(Wave, wave_id))
            rows = tuple(
                (q.field_name, q.type, q.min_value or 0, min(q.max_value or 60, 60),
                 q.allow_cannot_answer, tuple(o.value for o in q.options))
                for q in spec.questions
            )
            counted = sum(1 for q in spec.questions if q.type in COUNTED_TYPES)
        app.extensions["db_engine"].dispose()
        return cls(rows, counted)

    def answers(self, rng: random.Random) -> dict[str, str]:
        """Every counted question answered; the free-text question in about a third."""
        values: dict[str, str] = {}
        for name, kind, low, high, cannot_answer, options in self.questions:
            if kind == "agreement":
                value = "na" if cannot_answer and rng.random() < 0.05 else str(rng.randint(1, 5))
            elif kind == "scale10":
                value = str(rng.randint(0, 10))
            elif kind == "number":
                value = str(rng.randint(low, high))
            elif kind == "yesno":
                value = rng.choice("01")
            elif kind == "choice":
                value = str(rng.choice(options))
            else:
                value = rng.choice(COMMENTS) if rng.random() < 0.33 else ""
            values[name] = value
        return values


@dataclass
class Events:
    """Moments (monotonic seconds) the summary needs, shared by the threads."""

    accepted_at: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted(self) -> None:
        with self.lock:
            self.accepted_at.append(time.monotonic())


def expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        raise FlowError(f"{what}: expected {status}, got {reply.status}")
    return reply


def respondent(browser: Browser, wave_id: int, plan: AnswerPlan, rng: random.Random,
               tally: Tally, events: Events, *, ambiguous: bool, repeat: bool,
               one_page: bool = False) -> None:
    """One person's whole visit: page by page (start, unit, sections, review, send), or
    with ``one_page`` the whole questionnaire on one page. Every request is retried on
    connection errors and 5xx; ``ambiguous`` first sends the answers and hangs up without
    reading the reply, ``repeat`` sends the same form again after it was accepted."""
    base = f"/survey/{wave_id}"

    def step(method: str, path: str, fields: dict[str, str] | None = None) -> Reply:
        tally.add("requests")
        return with_retries(lambda: browser.request(method, path, fields), tally)

    unit = {name: rng.choice(values) for name, values in unit_codes().items()}
    answers = plan.answers(rng)
    if one_page:
        path = base + "/all"
        page = expect(step("GET", path), 200, "one-page form")
        form = {**hidden_fields(page.body), **unit, **{n: v for n, v in answers.items() if v}}
        tally.add("one-page-visits")
    else:
        path, form = _page_by_page(step, base, unit, answers)
    if "submission_token" not in form:
        raise FlowError("the form has no submission token")
    if ambiguous:
        browser.post_and_drop(path, form)
        tally.add("ambiguous-sends")
    try:
        stored = step("POST", path, form)
    except GaveUp:
        tally.add("unresolved-submissions")
        raise
    if stored.status != 303 or not stored.location.endswith("/thanks"):
        tally.add("unresolved-submissions")
        raise FlowError(f"send: expected 303 to the thank-you page, got {stored.status}")
    tally.add("accepted")
    tally.add("accepted-with-comment" if any(
        answers[n] for n, kind, *_ in plan.questions if kind == "text") else "accepted-no-comment")
    events.accepted()
    if repeat:  # the same form sent again (back button, double click): nothing more stored
        again = step("POST", path, form)
        ok = again.status == 303 and again.location.endswith("/thanks")
        tally.add("repeats-answered-thanks" if ok else "repeats-other")
    expect(step("GET", base + "/thanks"), 200, "thank-you page")


def _page_by_page(step, base: str, unit: dict[str, str],
                  answers: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Start page, unit choice and every section; the review page's path and form."""
    start = expect(step("GET", base + "/"), 200, "start page")
    reply = expect(step("POST", base + "/", {**hidden_fields(start.body), **unit}), 303,
                   "unit choice")
    path = reply.location
    while "/page/" in path:
        page = expect(step("GET", path), 200, "section page")
        fields = hidden_fields(page.body)
        fields.update({n: answers[n] for n in field_names(page.body, r"q\d+") if answers.get(n)})
        fields["action"] = "next"
        path = expect(step("POST", path, fields), 303, "section answers").location
    if not path.endswith("/review"):
        raise FlowError(f"after the last section: redirected to {path!r}")
    review = expect(step("GET", path), 200, "review page")
    return path, hidden_fields(review.body)
