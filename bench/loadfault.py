"""Load and fault benchmark (issue 6, part 3): N simulated respondents answer the
20-question survey through every page (start → unit → sections → review → send) against
gunicorn with the production settings on 127.0.0.1, with client retries, while one worker is
killed with SIGKILL and (``--postgres``) the PostgreSQL server is restarted. Afterwards the
database is counted: stored responses must equal accepted submissions, and no response may
be partial.

    .venv/bin/python bench/loadfault.py              # 16 clients, 30 s, SQLite
    .venv/bin/python bench/loadfault.py --postgres   # also restarts PostgreSQL mid-run
    .venv/bin/python bench/loadfault.py --short      # 6 clients, 8 s (CI)

Exit status 1 when accepted != stored, a partial response exists, the counters differ from
the raw rows, a request still failed after every retry, or the service did not recover by
itself."""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    HOST,
    OUT,
    ROOT,
    PostgresCluster,
    Server,
    create_app_for,
    kill_one_worker,
    make_instance,
    prepare_survey,
    start_app_server,
)
from _load import CONNECTION_ERRORS, Browser, Tally, run_people  # noqa: E402
from _respondent import AnswerPlan, Events, respondent  # noqa: E402

#: the last run's gunicorn log (access lines carry no address or time; errors in full)
SERVER_LOG = OUT / "loadfault-gunicorn.log"


@dataclass
class Recovery:
    what: str
    at: float | None = None  # seconds into the run
    recovered_after: float | None = None
    detail: str = ""


def probe(server: Server, timeout: float = 60.0) -> float | None:
    """Seconds until /healthz answers 200 on a fresh connection (None: not within timeout)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        browser = Browser(HOST, server.port, timeout=5)
        try:
            if browser.get("/healthz").status == 200:
                return time.monotonic() - started
        except CONNECTION_ERRORS:
            time.sleep(0.05)  # not yet
        finally:
            browser.close()
        time.sleep(0.05)
    return None


def kill_worker(server: Server, run_start: float, result: Recovery) -> None:
    """SIGKILL one worker; recovered = the master has as many workers again (a new pid)
    and a fresh request succeeds."""
    before = set(server.worker_pids())
    killed = kill_one_worker(server)
    killed_at = time.monotonic()
    result.at = killed_at - run_start
    if killed is None:
        result.detail = "no worker found"
        return
    deadline = killed_at + 60
    while time.monotonic() < deadline:
        now = set(server.worker_pids())
        if killed not in now and len(now) >= len(before) and now - before:
            if probe(server, timeout=max(1.0, deadline - time.monotonic())) is not None:
                result.recovered_after = time.monotonic() - killed_at
                result.detail = f"pid {killed} killed, new worker pid {sorted(now - before)[0]}"
            return
        time.sleep(0.05)
    result.detail = f"pid {killed} killed, no new worker within 60 s"


def restart_database(server: Server, cluster: PostgresCluster, run_start: float,
                     result: Recovery) -> None:
    """``pg_ctl restart -m fast``; recovered = a fresh request succeeds afterwards."""
    began = time.monotonic()
    result.at = began - run_start
    cluster.restart()
    restart_took = time.monotonic() - began
    waited = probe(server)
    if waited is not None:
        result.recovered_after = time.monotonic() - began
    result.detail = f"pg_ctl restart -m fast took {restart_took:.1f} s"


def count_database(instance, wave_id: int, expected_answers: int) -> dict[str, int]:
    """Stored responses, partial ones, free texts and counter differences, from the rows."""
    from sqlalchemy import func, select

    from core.db import get_session
    from survey.models import Answer, FreeTextAnswer, Response, ResponseCount
    from survey.verify import rollup_differences

    app = create_app_for(instance)
    with app.app_context():
        db = get_session()
        stored = db.scalar(select(func.count()).where(Response.wave_id == wave_id))
        per_response = (
            select(Response.id, func.count(Answer.response_id).label("n"))
            .outerjoin(Answer, Answer.response_id == Response.id)
            .where(Response.wave_id == wave_id)
            .group_by(Response.id)
            .subquery()
        )
        partial = db.scalar(
            select(func.count()).select_from(per_response)
            .where(per_response.c.n < expected_answers)
        )
        counts = {
            "stored": stored or 0,
            "partial": partial or 0,
            "answer_rows": db.scalar(
                select(func.count()).select_from(Answer).join(Response)
                .where(Response.wave_id == wave_id)) or 0,
            "free_texts": db.scalar(
                select(func.count()).where(FreeTextAnswer.wave_id == wave_id)) or 0,
            "response_counter": db.scalar(
                select(func.coalesce(func.sum(ResponseCount.count), 0))
                .where(ResponseCount.wave_id == wave_id)) or 0,
            "counter_differences": len(rollup_differences(db, wave_id)),
        }
    app.extensions["db_engine"].dispose()
    return counts


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent respondents")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long new visits start")
    parser.add_argument("--postgres", action="store_true",
                        help="run on a throw-away PostgreSQL server and restart it mid-run")
    parser.add_argument("--short", action="store_true",
                        help="6 clients for 8 s, worker kill only (for CI)")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    if args.short:
        args.clients, args.seconds = 6, 8.0
    args.clients = max(1, min(args.clients, 200))
    args.seconds = max(2.0, min(args.seconds, 600.0))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cluster = PostgresCluster() if args.postgres else None
    instance = make_instance(cluster.url if cluster else None, prefix="bench-loadfault-")
    database = "PostgreSQL" if cluster else "SQLite"
    kill = Recovery("worker kill")
    restart = Recovery("database restart")
    try:
        wave_id = prepare_survey(instance)
        plan = AnswerPlan.load(instance, wave_id)
        try:
            server = start_app_server(instance, workers=2)
        except RuntimeError as error:
            print(f"result: FAILED (gunicorn could not start)\n{error}")
            return 1
        events = Events()
        try:
            run_start = time.monotonic()
            faults = [threading.Timer(args.seconds * 0.3, kill_worker,
                                      (server, run_start, kill))]
            if cluster is not None:
                faults.append(threading.Timer(args.seconds * 0.65, restart_database,
                                              (server, cluster, run_start, restart)))
            for timer in faults:
                timer.start()

            def person(index: int, iteration: int, tally: Tally) -> None:
                rng = random.Random(args.seed * 1000 + index * 100_003 + iteration)
                browser = Browser(HOST, server.port)
                try:
                    respondent(browser, wave_id, plan, rng, tally, events,
                               ambiguous=(index + iteration) % 6 == 2,
                               repeat=(index + iteration) % 4 == 1,
                               one_page=(index + iteration) % 3 == 0)
                finally:
                    browser.close()

            result = run_people(args.clients, args.seconds, person, grace=90)
            for timer in faults:
                timer.join()
            log_tail = server.log_tail(15)
            OUT.mkdir(parents=True, exist_ok=True)
            shutil.copy(server.log_path, SERVER_LOG)
        finally:
            server.stop()
        counts = count_database(instance, wave_id, plan.counted)
    finally:
        instance.remove()
        if cluster is not None:
            cluster.stop()

    tally = result.tally
    accepted = tally["accepted"]
    checks = {
        "accepted = stored": accepted == counts["stored"],
        "no partial response": counts["partial"] == 0,
        "counters match the rows": counts["counter_differences"] == 0
        and counts["response_counter"] == counts["stored"],
        "recovered after the worker kill": kill.recovered_after is not None,
        "no send left unresolved": tally["unresolved-submissions"] == 0,
        "no request failed after all retries": tally["gave-up"] == 0,
    }
    if cluster is not None:
        checks["recovered after the database restart"] = restart.recovered_after is not None
    late = [t - run_start for t in events.accepted_at]
    print_summary(args, database, result, counts, plan, kill, restart, cluster is not None,
                  late)
    failed = [name for name, ok in checks.items() if not ok]
    if result.errors:
        print("client problems (first 5):")
        for line in sorted(set(result.errors))[:5]:
            print(f"  {line}")
    if failed:
        print("server log (last lines):\n" + log_tail)
    print(f"server log: {SERVER_LOG.relative_to(ROOT)}")
    print(f"result: {'FAILED (' + ', '.join(failed) + ')' if failed else 'OK'}")
    return 1 if failed else 0


def _recovery_line(recovery: Recovery, accepted_after: int) -> str:
    if recovery.at is None:
        return "not run"
    if recovery.recovered_after is None:
        return f"at {recovery.at:.1f} s; recovered: NO ({recovery.detail})"
    return (f"at {recovery.at:.1f} s; recovered: yes, in {recovery.recovered_after:.2f} s "
            f"({recovery.detail}); accepted after it: {accepted_after}")


def print_summary(args, database, result, counts, plan, kill, restart, restarted, late):
    tally = result.tally
    fives = {k.split(":", 1)[1]: v for k, v in tally.counts.items() if k.startswith("5xx:")}
    five_text = ", ".join(f"{code}: {n}" for code, n in sorted(fives.items())) or "none"
    connection_errors = {
        k.split(":", 1)[1]: v for k, v in tally.counts.items()
        if k.startswith("connection-error:")
    }

    def after(recovery: Recovery) -> int:
        if recovery.at is None or recovery.recovered_after is None:
            return 0
        return sum(1 for t in late if t > recovery.at + recovery.recovered_after)

    with_comment = tally["accepted-with-comment"]
    rows = [
        ("run", f"{args.clients} clients, {args.seconds:g} s of new visits "
                f"({result.elapsed:.1f} s in all), {database}, gunicorn 2 workers "
                "(gunicorn.conf.py), 127.0.0.1"),
        ("requests sent", tally["requests"]),
        ("visits", f"{tally['one-page-visits']} on the one-page form, the others page by page"),
        ("accepted submissions", tally["accepted"]),
        ("stored responses", counts["stored"]),
        ("partial responses", f"{counts['partial']} (answer rows {counts['answer_rows']}, "
                              f"expected {plan.counted} per response)"),
        ("free-text answers", f"stored {counts['free_texts']}, sent with accepted "
                              f"submissions {with_comment}"),
        ("counters vs rows", "match" if counts["counter_differences"] == 0 else
         f"{counts['counter_differences']} differences"),
        ("5xx seen (by code)", five_text),
        ("retries", f"{tally['retry-connection'] + tally['retry-5xx']} "
                    f"(after connection errors {tally['retry-connection']}"
                    + (f": {dict(sorted(connection_errors.items()))}" if connection_errors
                       else "")
                    + f"; after 5xx {tally['retry-5xx']})"),
        ("requests failed after retries", tally["gave-up"]),
        ("sends left unresolved", tally["unresolved-submissions"]),
        ("clients' flows broken off", tally["person-errors"]),
        ("sends with the answer dropped", f"{tally['ambiguous-sends']} (then retried: "
                                          "each counted once)"),
        ("same form sent again", f"{tally['repeats-answered-thanks']} answered with the "
                                 f"thank-you page, {tally['repeats-other']} otherwise"),
        ("worker kill (SIGKILL)", _recovery_line(kill, after(kill))),
        ("database restart", _recovery_line(restart, after(restart)) if restarted
         else "not run (SQLite; use --postgres)"),
    ]
    print("== load and fault test ==")
    for label, value in rows:
        print(f"{label + ':':<32}{value}")


if __name__ == "__main__":
    sys.exit(main())
