"""Peer benchmark (issue 6, part 6): this project against the open-source Django survey app
django-survey-and-report, on the same machine in the same run.

    .venv/bin/python bench/peer.py                       # about 5 minutes
    .venv/bin/python bench/peer.py --export-rows 100000  # the peer's full export (~15 min more)

It installs the peer from PyPI into bench/out/peer-venv (once), builds a Django project in
bench/out/peer-project (SQLite, migrations run), creates an anonymous one-page survey of the
same 20 questions as our built-in HME + workload instrument, and serves each application
with gunicorn (2 sync workers, SQLite, 127.0.0.1). The same workload runs against both:
16 clients, each repeatedly fetching the one-page form and posting all 20 answers, for a
bounded time. Then it times a full CSV export: ours of 100,000 responses stored through the
survey package's bulk path, the peer's admin "Export to CSV" action on responses stored
with its ORM (bulk_create); fewer peer rows are extrapolated linearly, and the printout
says so. SQL statements are counted in-process (SQLAlchemy events; Django's
CaptureQueriesContext)."""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    HOST,
    OUT,
    make_instance,
    prepare_survey,
    start_app_server,
    unit_codes,
)
from _load import CONNECTION_ERRORS, Browser, Tally, hidden_fields, run_people  # noqa: E402
from _ours import our_export, our_statements, our_stored  # noqa: E402
from _peer import (  # noqa: E402
    PEER_PACKAGE,
    PEER_PROJECT,
    build_peer_project,
    ensure_peer_venv,
    log,
    peer_export,
    peer_run,
    start_peer_server,
)
from _respondent import AnswerPlan  # noqa: E402

FULL_EXPORT = 100_000
COMMENTS = ["Fler kollegor och mindre administration.", "Bättre introduktion för nyanställda."]


# --- the workload ------------------------------------------------------------------------

@dataclass
class Side:
    """One application under test: its server, its form and how to fill and check it."""

    name: str
    server: object
    form_path: str
    fill: Callable
    accepted: Callable
    submissions: int = 0  # in the measured windows
    seconds: float = 0.0
    failures: int = 0
    acknowledged: int = 0  # warm-up included: what the database must hold

    def __post_init__(self) -> None:
        self.latencies: list[float] = []

    def measure(self, clients: int, seconds: float, count: bool = True) -> None:
        """``clients`` people for ``seconds``, each: GET the form, fill it, POST it."""
        port = self.server.port

        def person(index: int, iteration: int, tally: Tally) -> None:
            rng = random.Random(index * 1_000_003 + iteration + int(time.time() * 1000))
            browser = Browser(HOST, port)
            try:
                page = browser.get(self.form_path)
                if page.status != 200:
                    tally.add("failures")
                    return
                fields = self.fill(page, rng)
                started = time.perf_counter()
                reply = browser.post(self.form_path, fields)
                if self.accepted(reply):
                    tally.latency(time.perf_counter() - started)
                    tally.add("submissions")
                else:
                    tally.add("failures")
            except CONNECTION_ERRORS:
                tally.add("failures")
            finally:
                browser.close()

        result = run_people(clients, seconds, person, grace=60)
        self.acknowledged += result.tally["submissions"]
        if count:
            self.submissions += result.tally["submissions"]
            self.seconds += result.elapsed
            self.failures += result.tally["failures"] + len(result.errors)
            self.latencies += result.tally.latencies

    @property
    def rate(self) -> float:
        return self.submissions / self.seconds if self.seconds else 0.0

    def latency_ms(self) -> str:
        if len(self.latencies) < 2:
            return "–"
        ordered = sorted(self.latencies)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        return f"{statistics.median(ordered) * 1000:.0f} / {p95 * 1000:.0f}"


def our_side(instance, wave_id: int) -> Side:
    plan = AnswerPlan.load(instance, wave_id)
    codes = unit_codes()

    def fill(page, rng):
        fields = hidden_fields(page.body)
        fields.update({name: rng.choice(values) for name, values in codes.items()})
        fields.update({k: v for k, v in plan.answers(rng).items() if v})
        return fields

    return Side("ours", start_app_server(instance, workers=2), f"/survey/{wave_id}/all", fill,
                lambda r: r.status == 303 and r.location.endswith("/thanks"))


def peer_side(database: Path, described: dict) -> Side:
    questions = described["questions"]

    def fill(page, rng):
        fields = hidden_fields(page.body)
        for q in questions:
            if q["values"]:
                fields[q["field"]] = rng.choice(q["values"])
            elif q["type"] == "integer":
                fields[q["field"]] = str(rng.randint(0, 60))
            else:
                fields[q["field"]] = rng.choice(COMMENTS) if rng.random() < 0.33 else ""
        return fields

    return Side("peer", start_peer_server(database), f"/survey/{described['survey_id']}/",
                fill, lambda r: r.status == 302 and "/confirm/" in r.location)


def compare(sides: list[Side], clients: int, seconds: float, rounds: int) -> None:
    """A short warm-up of each, then ``rounds`` alternating windows, so that changes in
    the machine's load during the run fall on both applications alike."""
    for side in sides:
        side.measure(clients, 2.0, count=False)
    for number in range(rounds):
        for side in sides:
            log(f"round {number + 1}/{rounds}: {side.name}, {clients} clients for "
                f"{seconds / rounds:g} s")
            side.measure(clients, seconds / rounds)


# --- the run and the table ------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="how long each application is loaded (after a 2 s warm-up)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="alternating measuring windows per application")
    parser.add_argument("--export-rows", type=int, default=10_000,
                        help="peer responses exported (fewer than 100,000 are extrapolated)")
    parser.add_argument("--our-export-rows", type=int, default=FULL_EXPORT,
                        help="our responses exported (default the full 100,000)")
    args = parser.parse_args(argv)
    args.clients = max(1, min(args.clients, 64))
    args.seconds = max(3.0, min(args.seconds, 300.0))
    args.rounds = max(1, min(args.rounds, 20))
    args.export_rows = max(100, min(args.export_rows, FULL_EXPORT))
    args.our_export_rows = max(100, min(args.our_export_rows, FULL_EXPORT))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    versions = ensure_peer_venv()
    peer_db = PEER_PROJECT / "db.sqlite3"
    log("building the peer project")
    described = build_peer_project(peer_db)

    instance = make_instance(prefix="bench-peer-")
    sides: list[Side] = []
    try:
        wave_id = prepare_survey(instance)
        sides = [our_side(instance, wave_id), peer_side(peer_db, described)]
        compare(sides, args.clients, args.seconds, args.rounds)
    finally:
        for side in sides:
            side.server.stop()
    try:
        ours, peer = sides
        ours_stored = our_stored(instance, wave_id)
        peer_stored = peer_run(peer_db, "count")["responses"]
        log("counting SQL statements")
        ours_sql = our_statements(instance, wave_id)
        peer_sql = peer_run(peer_db, "queries")
    finally:
        instance.remove()
    log(f"ours: storing and exporting {args.our_export_rows:,} responses")
    ours_export = our_export(args.our_export_rows)
    log(f"peer: storing and exporting {args.export_rows:,} responses")
    peer_exp = peer_export(args.export_rows)

    print_table(args, versions, load_before, ours, peer, ours_stored, peer_stored, ours_sql,
                peer_sql, ours_export, peer_exp)
    consistent = (ours_stored == ours.acknowledged
                  and peer_stored == peer.acknowledged)
    return 0 if consistent else 1


def _ratio(a: float, b: float) -> str:
    return f"{a / b:,.1f}×" if b else "–"


def print_table(args, versions, load_before, ours, peer, ours_stored, peer_stored, ours_sql,
                peer_sql, ours_export, peer_exp) -> None:
    ours_full = ours_export["seconds"] * FULL_EXPORT / ours_export["rows"]
    peer_full = peer_exp["seconds"] * FULL_EXPORT / args.export_rows
    peer_export_per_response = peer_sql["export"] / max(1, peer_sql["export_responses"])
    rows = [
        ("submissions/s", f"{ours.rate:,.1f}", f"{peer.rate:,.1f}",
         _ratio(ours.rate, peer.rate), "≥ 10×"),
        ("POST latency median / p95 (ms)", ours.latency_ms(), peer.latency_ms(), "", ""),
        ("stored = acknowledged",
         f"{'yes' if ours_stored == ours.acknowledged else 'NO'} ({ours_stored:,})",
         f"{'yes' if peer_stored == peer.acknowledged else 'NO'} ({peer_stored:,})",
         "", ""),
        ("failed submissions", str(ours.failures), str(peer.failures), "", ""),
        ("SQL statements per POST", str(ours_sql["post"]), str(peer_sql["post"]),
         _ratio(peer_sql["post"], ours_sql["post"]) + " fewer", ""),
        ("SQL statements per form GET", str(ours_sql["get"]), str(peer_sql["get"]), "", ""),
        (f"CSV export of {FULL_EXPORT:,} responses (s)",
         f"{ours_full:,.2f}" + ("" if ours_export["rows"] == FULL_EXPORT else " *"),
         f"{peer_full:,.1f}" + ("" if args.export_rows == FULL_EXPORT else " *"),
         _ratio(peer_full, ours_full), "≥ 100×"),
        ("SQL statements per export", f"{ours_export['statements']} in all",
         f"{peer_export_per_response:.0f} per response", "", ""),
    ]
    print(f"== peer benchmark: Medarbetardialog vs {PEER_PACKAGE} "
          f"{versions[PEER_PACKAGE]} (Django {versions['django']}) ==")
    print(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}, load average {load_before:.1f} at the start "
          "(shared machine: absolute figures are noisy, the ratios are from the same run)")
    print(f"servers: gunicorn {versions['gunicorn']}, 2 sync workers each, 127.0.0.1; SQLite "
          "in WAL mode with synchronous=NORMAL for both")
    print(f"workload: {args.clients} concurrent clients, {args.seconds:g} s per application "
          f"in {args.rounds} alternating windows after a 2 s warm-up; one submission = GET "
          "the one-page form, POST all 20 answers")
    print()
    print(f"{'':<38}{'ours':>14}{'peer':>16}{'ratio':>14}{'target':>9}")
    for label, a, b, ratio, target in rows:
        print(f"{label:<38}{a:>14}{b:>16}{ratio:>14}{target:>9}")
    print()
    print(f"ours: {ours_export['exported']:,} rows written in {ours_export['seconds']:.2f} s "
          f"from {ours_export['rows']:,} responses stored in "
          f"{ours_export['insert_seconds']:.1f} s (units below the minimum group size are "
          "left out of our export)")
    note = ("measured" if args.export_rows == FULL_EXPORT else
            f"* EXTRAPOLATED linearly from {args.export_rows:,} responses measured in "
            f"{peer_exp['seconds']:.1f} s (×{FULL_EXPORT / args.export_rows:g})")
    print(f"peer: {peer_exp['rows']:,} rows exported by its admin action; {note}; responses "
          f"stored with bulk_create in {peer_exp['insert_seconds']:.1f} s")
    if ours_export["rows"] != FULL_EXPORT:
        print(f"* ours extrapolated from {ours_export['rows']:,} responses")


if __name__ == "__main__":
    sys.exit(main())
