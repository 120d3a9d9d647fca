"""Sign-in throttling attacked: many failures from one client, failures behind a proxy,
parallel wrong passwords, and the real user's own client slowed but never shut out."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.auth import accounts as auth
from core.auth import throttle
from tests.conftest import PASSWORD

ATTACKER = "203.0.113.66"
REAL_USER = "198.51.100.7"


def try_sign_in(client, username: str, password: str, address: str = REAL_USER, **headers):
    return client.post(
        "/login", data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address}, headers=headers,
    )


class Clock:
    """Stands in for the throttle's clock so that waits can pass without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(throttle, "utcnow", fake)
    return fake


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The password hashes checked, in order (every check goes through this)."""
    real = auth.check_password_hash
    seen: list[str] = []

    def counting(password_hash: str, password: str) -> bool:
        seen.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(auth, "check_password_hash", counting)
    return seen


def test_30_failures_from_one_client_do_not_stop_the_real_user_elsewhere(
    client, users, app, clock, checks
):
    statuses = [try_sign_in(client, "admin", "guess", ATTACKER).status_code for _ in range(30)]
    free = app.config["LOGIN_MAX_FAILURES"]
    assert statuses[:free] == [401] * free
    assert set(statuses[free:]) == {429}  # refused without a password check
    assert len(checks) == free
    assert try_sign_in(client, "admin", PASSWORD, REAL_USER).status_code == 302


def test_the_real_users_own_client_waits_longer_each_time_but_is_never_locked(
    client, users, app, clock, checks
):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert try_sign_in(client, "central", "mistyped").status_code == 401
    waits = []
    for _ in range(4):
        refused = try_sign_in(client, "central", "mistyped")
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        assert "Försök igen om" in refused.get_data(as_text=True)
        # refusing checks no password and adds no wait
        again = try_sign_in(client, "central", "mistyped")
        assert again.status_code == 429 and int(again.headers["Retry-After"]) == wait
        waits.append(wait)
        clock.advance(wait)
        assert try_sign_in(client, "central", "mistyped").status_code == 401
    base = app.config["LOGIN_BACKOFF_SECONDS"]
    assert waits == [base, 2 * base, 4 * base, 8 * base]
    clock.advance(16 * base)
    assert try_sign_in(client, "central", PASSWORD).status_code == 302
    # success forgets the count: the next mistake is free again
    client.post("/logout")
    assert try_sign_in(client, "central", "mistyped").status_code == 401
    assert try_sign_in(client, "central", PASSWORD).status_code == 302


def test_waits_stop_growing_at_the_window_and_are_forgotten_after_it(
    client, users, app, clock
):
    app.config.update(LOGIN_BACKOFF_SECONDS=400, LOGIN_WINDOW_SECONDS=900)
    free = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(free):
        try_sign_in(client, "central", "mistyped")
    waits = []
    for _ in range(4):
        refused = try_sign_in(client, "central", "mistyped")
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(waits[-1])
        assert try_sign_in(client, "central", "mistyped").status_code == 401
    assert waits == [400, 800, 900, 900]
    clock.advance(901)  # a whole window without a try: the count is forgotten
    assert [try_sign_in(client, "central", "mistyped").status_code
            for _ in range(free)] == [401] * free


def test_many_user_names_from_one_client_are_slowed_too(client, users, app, clock):
    per_client = app.config["LOGIN_MAX_FAILURES_PER_CLIENT"]
    statuses = [try_sign_in(client, f"user{i}", "guess", ATTACKER).status_code
                for i in range(per_client + 1)]
    assert statuses == [401] * per_client + [429]
    assert try_sign_in(client, "central", PASSWORD, ATTACKER).status_code == 429
    assert try_sign_in(client, "central", PASSWORD, REAL_USER).status_code == 302


def test_behind_a_proxy_each_forwarded_client_counts_alone(users, app_config, clock):
    from app import create_app
    from core.db import get_session
    from core.org.seed import seed_organisation

    app = create_app({**app_config, "TRUSTED_PROXY_COUNT": 1})
    with app.app_context():
        seed_organisation(get_session())
        get_session().commit()
    client = app.test_client()
    proxy = "10.0.0.2"
    for _ in range(30):
        try_sign_in(client, "admin", "guess", proxy, **{"X-Forwarded-For": ATTACKER})
    assert try_sign_in(client, "admin", "guess", proxy,
                       **{"X-Forwarded-For": ATTACKER}).status_code == 429
    response = try_sign_in(client, "admin", PASSWORD, proxy, **{"X-Forwarded-For": REAL_USER})
    assert response.status_code == 302
    app.extensions["db_engine"].dispose()


def test_without_a_trusted_proxy_a_forged_header_changes_nothing(client, users, app, clock):
    for number in range(app.config["LOGIN_MAX_FAILURES"]):
        try_sign_in(client, "admin", "guess", ATTACKER, **{"X-Forwarded-For": f"10.9.9.{number}"})
    response = try_sign_in(client, "admin", "guess", ATTACKER, **{"X-Forwarded-For": "10.9.9.99"})
    assert response.status_code == 429


def test_the_table_holds_no_address_and_no_user_name(client, users, app, db, clock):
    try_sign_in(client, "central", "mistyped", ATTACKER)
    rows = db.scalars(select(throttle.SignInThrottle)).all()
    assert len(rows) == 2
    stored = " ".join(f"{r.key} {r.account}" for r in rows)
    assert ATTACKER not in stored and "central" not in stored
    assert {r.failures for r in rows} == {1}


def test_parallel_wrong_passwords_make_at_most_the_limit_of_checks(users, app, monkeypatch):
    """12 tries at once from one client: each is counted before its check, atomically, so
    no more passwords are checked than the limit allows."""
    app.config["LOGIN_BACKOFF_SECONDS"] = 600  # nothing may pass on time during the burst
    real = auth.check_password_hash
    lock = threading.Lock()
    checked = []

    def slow_check(password_hash: str, password: str) -> bool:
        with lock:
            checked.append(password_hash)
        time.sleep(0.05)  # as long as a real scrypt check, to widen the race
        return real(password_hash, password)

    monkeypatch.setattr(auth, "check_password_hash", slow_check)
    start = threading.Barrier(12)
    statuses: list[int] = []

    def one_try() -> None:
        client = app.test_client()
        start.wait()
        status = try_sign_in(client, "central", "guess", ATTACKER).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=one_try) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert sorted(statuses) == [401] * limit + [429] * (12 - limit)
    assert len(checked) == limit
    with app.app_context():
        from core.db import get_session

        counted = get_session().scalar(select(func.max(throttle.SignInThrottle.failures)))
    assert counted == limit


def test_a_borrowed_session_cannot_be_used_to_guess_the_password(login, client, app, clock):
    login("central")
    tries = [client.post("/account/password", data={
        "current": f"guess {n}", "new": "a new secret 123", "repeat": "a new secret 123",
    }).status_code for n in range(app.config["LOGIN_MAX_FAILURES"] + 1)]
    assert tries == [200] * app.config["LOGIN_MAX_FAILURES"] + [429]
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": "a new secret 123", "repeat": "a new secret 123"})
    assert response.status_code == 429
    assert "Försök igen om" in response.get_data(as_text=True)


def test_parallel_right_passwords_of_one_user_all_sign_in(users, app):
    """A double click or a few tabs at once: a success forgetting the count while other
    tries of the same name and client are being counted refuses none of them. (Each try is
    counted until its check is done, so more than LOGIN_MAX_FAILURES at once would wait.)"""
    tries = app.config["LOGIN_MAX_FAILURES"] - 1
    start = threading.Barrier(tries)
    statuses: list[int] = []

    def one_try() -> None:
        client = app.test_client()
        start.wait()
        statuses.append(try_sign_in(client, "central", PASSWORD).status_code)

    for _round in range(3):
        threads = [threading.Thread(target=one_try) for _ in range(tries)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert statuses == [302] * tries * 3
