"""Submission throughput (issue 3): responses per second for a full 20-question submission
through gunicorn (production settings, 2 workers) with 16 concurrent clients, next to a bare
Flask "hello" application served the same way in the same run, and their ratio.

Each simulated respondent keeps one HTTP/1.1 connection and its cookies, and does what a
browser does for the one-page form: GET ``/survey/<id>/all`` (the CSRF and one-time
submission tokens come from that page), then POST every answer. Only the POST that stores
a response and answers 303 counts as a response; the GET before it is the cost of getting
the tokens and runs inside the measured time. A hello client sends GET / again and again.
Afterwards the database is counted: stored responses must equal acknowledged ones.

    .venv/bin/python bench/submit.py                 # 16 clients, 10 s each
    .venv/bin/python bench/submit.py --seconds 20
    .venv/bin/python bench/submit.py --postgres      # a throw-away PostgreSQL server
    .venv/bin/python bench/submit.py --profile 300   # cProfile of the submit path, no server

Only 127.0.0.1 is used. Exit status 1 when stored != acknowledged."""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    HOST,
    ROOT,
    Instance,
    PostgresCluster,
    create_app_for,
    free_port,
    make_instance,
    prepare_survey,
    start_app_server,
    start_server,
    unit_codes,
    venv_bin,
)
from _load import Browser, Tally, hidden_fields, run_people  # noqa: E402

COMMENTS = ["Mindre administration och fler kollegor.", "Bättre introduktion.", ""]
_RADIO = re.compile(r'<input type="radio" name="(q\d+)" value="([^"]*)"')
_TEXTAREA = re.compile(r'<textarea[^>]*name="(q\d+)"')
_NUMBER = re.compile(r'<input type="text" inputmode="numeric"[^>]*name="(q\d+)"')


class FormPlan:
    """How to fill the one-page form, read from the page itself as a person would."""

    def __init__(self, html: str) -> None:
        self.radios: dict[str, list[str]] = {}
        for name, value in _RADIO.findall(html):
            if value != "na":
                self.radios.setdefault(name, []).append(value)
        self.texts = _TEXTAREA.findall(html)
        self.numbers = _NUMBER.findall(html)
        self.units = unit_codes()

    @property
    def question_count(self) -> int:
        return len(self.radios) + len(self.texts) + len(self.numbers)

    def answers(self, rng: random.Random) -> dict[str, str]:
        fields = {name: rng.choice(values) for name, values in self.units.items()}
        fields.update({name: rng.choice(values) for name, values in self.radios.items()})
        fields.update({name: str(rng.randint(0, 60)) for name in self.numbers})
        fields.update({name: rng.choice(COMMENTS) for name in self.texts})
        return fields


class Respondent:
    """Simulated people taking turns on one connection and its cookies. ``fetch`` GETs the
    form as a new person (a new answering session) and keeps its hidden fields (CSRF and
    submission tokens), as a browser showing the page does; ``send`` posts one kept form
    with answers (fetching first when none is kept)."""

    def __init__(self, port: int, path: str, plan: FormPlan, seed: int) -> None:
        self.browser = Browser(HOST, port)
        self.path, self.plan = path, plan
        self.rng = random.Random(seed)  # noqa: S311 (answers, not secrets)
        self.forms: deque[dict[str, str]] = deque()

    def fetch(self, tally: Tally) -> None:
        # each form is another person's: a new answering session, not this browser's last
        for cookie in ("survey_pass", "survey_answered"):
            self.browser.cookies.pop(cookie, None)
        page = self.browser.get(self.path)
        tally.add("form-gets")
        if page.status == 200:
            self.forms.append(hidden_fields(page.body))
        else:
            tally.add(f"get-{page.status}")

    def send(self, tally: Tally) -> None:
        if not self.forms:
            tally.add("gets-during-post-run")
            self.fetch(tally)
            if not self.forms:
                return
        fields = {**self.forms.popleft(), **self.plan.answers(self.rng)}
        reply = self.browser.post(self.path, fields)
        if reply.status == 303 and reply.location.endswith("/thanks"):
            tally.add("acknowledged")
        else:
            tally.add(f"post-{reply.status}")


def measure_flow(people: list[Respondent], seconds: float):
    """Each person: GET the form, POST it, again and again."""

    def person(index: int, _iteration: int, tally: Tally) -> None:
        people[index].fetch(tally)
        people[index].send(tally)

    return run_people(len(people), seconds, person)


def prefetch(people: list[Respondent], per_person: int, tally: Tally) -> None:
    """Every person GETs forms until it holds ``per_person`` (before measured POSTs)."""

    def fetch_all(person: Respondent) -> None:
        while len(person.forms) < per_person:
            person.fetch(tally)

    with ThreadPoolExecutor(len(people)) as pool:
        list(pool.map(fetch_all, people))


def measure_posts(people: list[Respondent], seconds: float):
    """Each person: POST a form fetched earlier, again and again (only the storing POSTs
    run in the measured time, unless a person runs out of fetched forms)."""

    def person(index: int, _iteration: int, tally: Tally) -> None:
        people[index].send(tally)

    return run_people(len(people), seconds, person)


def measure_hello(port: int, clients: int, seconds: float):
    browsers = [Browser(HOST, port) for _ in range(clients)]

    def person(index: int, _iteration: int, tally: Tally) -> None:
        reply = browsers[index].get("/")
        tally.add("hello" if reply.status == 200 and reply.body == "hello" else "hello-bad")

    result = run_people(clients, seconds, person)
    for browser in browsers:
        browser.close()
    return result


def start_hello_server(instance: Instance, workers: int):
    port = free_port()
    command = [
        venv_bin("gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
        "--bind", f"{HOST}:{port}", "--workers", str(workers),
        "--chdir", str(ROOT / "bench"), "hello_app:app",
    ]
    return start_server(command, instance.env, instance.path / "hello.log", "/", workers=workers)


def stored_responses(instance: Instance, wave_id: int) -> int:
    from sqlalchemy import func, select

    from core.db import get_session
    from survey.models import Response

    app = create_app_for(instance)
    with app.app_context():
        count = get_session().scalar(
            select(func.count()).select_from(Response).where(Response.wave_id == wave_id)
        )
    app.extensions["db_engine"].dispose()
    return count or 0


class Totals:
    """Counts and measured seconds summed over the rounds of one kind of measurement."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.elapsed = 0.0
        self.errors: list[str] = []

    def add(self, result) -> None:
        self.counts.update(result.tally.counts)
        self.elapsed += result.elapsed
        self.errors += result.errors

    def rate(self, name: str) -> float:
        return self.counts[name] / self.elapsed if self.elapsed else 0.0


def measure(args: argparse.Namespace, instance: Instance, database: str) -> dict:
    """Start both servers, run the warm-up and the alternating rounds, stop the servers."""
    servers = []
    people: list[Respondent] = []
    totals = {name: Totals() for name in ("warm", "hello", "posts", "flow")}
    try:
        wave_id = prepare_survey(instance)
        app_server = start_app_server(instance, workers=args.workers)
        servers.append(app_server)
        hello_server = start_hello_server(instance, args.workers)
        servers.append(hello_server)
        path = f"/survey/{wave_id}/all"
        first = Browser(HOST, app_server.port)
        plan = FormPlan(first.get(path).body)
        first.close()
        print(f"{database}, {plan.question_count} questions, {args.clients} clients, "
              f"{args.seconds:g} s per measurement in {args.rounds} alternating rounds, "
              f"gunicorn {args.workers} workers ({ROOT / 'gunicorn.conf.py'})")
        people = [Respondent(app_server.port, path, plan, i) for i in range(args.clients)]
        totals["warm"].add(measure_flow(people, args.warmup))
        measure_hello(hello_server.port, args.clients, args.warmup)
        piece = args.seconds / args.rounds
        fetched = Tally()
        # forms for a POST run: at first four times the warm-up's rate of whole visits,
        # then twice the rate the POST runs reached so far, and some
        expected = totals["warm"].rate("acknowledged") * 4
        for _ in range(args.rounds):
            prefetch(people, int(expected * piece / args.clients) + 10, fetched)
            totals["hello"].add(measure_hello(hello_server.port, args.clients, piece))
            totals["posts"].add(measure_posts(people, piece))
            expected = totals["posts"].rate("acknowledged") * 2
            totals["flow"].add(measure_flow(people, piece))
    finally:
        for server in servers:
            server.stop()
        for person in people:
            person.browser.close()
    return {**totals, "fetched": fetched["form-gets"],
            "stored": stored_responses(instance, wave_id)}


def run(args: argparse.Namespace) -> int:
    cluster = PostgresCluster() if args.postgres else None
    instance = make_instance(cluster.url if cluster else None, prefix="bench-submit-")
    try:
        result = measure(args, instance, "PostgreSQL" if cluster else "SQLite")
    finally:
        instance.remove()
        if cluster is not None:
            cluster.stop()
    warm, hello, posts, flow = (result[k] for k in ("warm", "hello", "posts", "flow"))
    acknowledged = sum(t.counts["acknowledged"] for t in (warm, flow, posts))
    hello_rate, post_rate = hello.rate("hello"), posts.rate("acknowledged")
    print(f"hello: {hello.counts['hello']} GET / in {hello.elapsed:.1f} s = "
          f"{hello_rate:.0f} requests/s")
    print(f"storing POSTs: {posts.counts['acknowledged']} responses stored in "
          f"{posts.elapsed:.1f} s = {post_rate:.1f} responses/s (each with a form fetched "
          f"before the runs: {result['fetched']} fetched, "
          f"{posts.counts['gets-during-post-run']} more had to be fetched during it)")
    print(f"whole visits (GET form + storing POST): {flow.counts['acknowledged']} responses "
          f"in {flow.elapsed:.1f} s = {flow.rate('acknowledged'):.1f} responses/s "
          f"({flow.rate('acknowledged') / hello_rate:.2f} of hello)")
    unexpected = {k: v for t in (warm, hello, flow, posts) for k, v in t.counts.items()
                  if k.startswith(("post-", "get-", "hello-bad", "person-errors"))}
    errors = [e for t in (warm, hello, flow, posts) for e in t.errors]
    if unexpected or errors:
        print(f"unexpected answers: {unexpected} {errors[:3]}")
    print(f"acknowledged: {acknowledged}")
    print(f"stored: {result['stored']}")
    print(f"ratio: {post_rate / hello_rate:.2f}")
    return 0 if result["stored"] == acknowledged and not unexpected and not errors else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured warm-up seconds")
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternations of hello and survey (evens out changing load)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", action="store_true",
                        help="a throw-away PostgreSQL server instead of SQLite")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="profile N submissions in-process instead of the benchmark")
    args = parser.parse_args()
    if args.profile:
        from _submit_profile import profile

        return profile(args.profile)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
