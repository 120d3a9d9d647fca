"""Sign-in timing: does a wrong password for an existing user take longer than an unknown
user name (which would let anyone list the accounts)?

Serves a temporary instance with gunicorn (production settings: werkzeug's scrypt, CSRF on,
one worker so that the tries do not overlap) behind one trusted proxy, creates an active and
an inactive account, and signs in again and again, in turns: a wrong password for the
existing user, an unknown user name, and the right password of the inactive account. Each
try comes from its own ``X-Forwarded-For`` address, so that throttling never answers early.
Only the storing POST is timed, over HTTP as a browser sees it. Prints the median and
quartiles of each kind and the ratio of the medians (target: within 10 %).

    .venv/bin/python bench/signin.py                 # 25 tries of each kind (~30 s)
    .venv/bin/python bench/signin.py --tries 60

Only 127.0.0.1 is used. Exit status 1 when a median differs by more than 10 %."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import HOST, create_app_for, make_instance, start_app_server  # noqa: E402
from _load import Browser, hidden_fields  # noqa: E402

PASSWORD = "the real password of bench"  # noqa: S105


def prepare(instance) -> None:
    from sqlalchemy import select

    from core.auth import accounts
    from core.db import Base, get_session
    from core.org.seed import seed_organisation

    app = create_app_for(instance)
    with app.app_context():
        Base.metadata.create_all(app.extensions["db_engine"])
        db = get_session()
        seed_organisation(db)
        accounts.create_user(db, "analyst", PASSWORD, "central", "Analyst")
        gone = accounts.create_user(db, "former", PASSWORD, "central", "Former analyst")
        accounts.deactivate(db, gone)
        db.commit()
        hashes = [h.split("$", 1)[0] for h in db.scalars(select(accounts.User.password_hash))]
    app.extensions["db_engine"].dispose()
    print(f"password hashes: {', '.join(sorted(set(hashes)))}")


def timed_try(port: int, number: int, username: str, password: str) -> tuple[int, float]:
    browser = Browser(HOST, port)
    address = {"X-Forwarded-For": f"10.{number // 65536 % 256}.{number // 256 % 256}."
                                  f"{number % 256}"}
    try:
        page = browser.request("GET", "/login", headers=address)
        fields = {**hidden_fields(page.body), "username": username, "password": password}
        started = time.perf_counter()
        reply = browser.request("POST", "/login", fields, headers=address)
        return reply.status, time.perf_counter() - started
    finally:
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tries", type=int, default=25, help="tries of each kind")
    args = parser.parse_args()

    instance = make_instance(prefix="bench-signin-")
    with (instance.path / "config.py").open("a", encoding="utf-8") as config:
        config.write("TRUSTED_PROXY_COUNT = 1\n")
    server = None
    try:
        prepare(instance)
        server = start_app_server(instance, workers=1)
        kinds = {
            "wrong password, existing user": ("analyst", "not the password"),
            "unknown user name": ("nobody-by-that-name", "not the password"),
            "inactive user, right password": ("former", PASSWORD),
        }
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        statuses: dict[str, set[int]] = {kind: set() for kind in kinds}
        number = 0
        for _warm_up in range(3):
            for username, password in kinds.values():
                number += 1
                timed_try(server.port, number, username, password)
        for _round in range(args.tries):
            for kind, (username, password) in kinds.items():
                number += 1
                status, seconds = timed_try(server.port, number, username, password)
                statuses[kind].add(status)
                times[kind].append(seconds)
    finally:
        if server is not None:
            server.stop()
        instance.remove()

    print(f"gunicorn, 1 worker, {args.tries} tries of each kind in turns, each from its own "
          "address (HTTP POST /login, ms)")
    medians = {}
    for kind, values in times.items():
        q1, median, q3 = statistics.quantiles(values, n=4)
        medians[kind] = median
        print(f"{kind:32} median {median * 1000:7.1f}   quartiles {q1 * 1000:7.1f} – "
              f"{q3 * 1000:7.1f}   answered {sorted(statuses[kind])}")
    reference = medians["wrong password, existing user"]
    worst = 0.0
    for kind, median in medians.items():
        if median is not reference:
            ratio = median / reference
            worst = max(worst, abs(ratio - 1))
            print(f"ratio {kind} / wrong password: {ratio:.3f}")
    met = worst <= 0.10 and all(s == {401} for s in statuses.values())
    print(f"result: {'OK' if met else 'FAILED'} (largest difference {worst * 100:.1f} %, "
          "target within 10 %, every try answered 401)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
