"""Two application servers on one database, as a city runs them behind a load balancer:
signing out on one ends the session on the other, and failed sign-ins count across both.

Both are real gunicorn servers with the production settings (CSRF on, scrypt for new
hashes) on the suite's database: PostgreSQL in the PostgreSQL pass, one SQLite file
otherwise. They trust one proxy, so each client is told apart by ``X-Forwarded-For``."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from bench._common import HOST, make_instance, start_app_server
from bench._load import Browser, Reply, hidden_fields
from tests.conftest import PASSWORD

GUNICORN = Path(sys.executable).parent / "gunicorn"
ATTACKER = "203.0.113.66"
REAL_USER = "198.51.100.7"

pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed")


class Person:
    """One browser that may talk to either server with the same cookies."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.cookies: dict[str, str] = {}

    def send(self, port: int, method: str, path: str, fields: dict | None = None) -> Reply:
        browser = Browser(HOST, port)
        browser.cookies = self.cookies
        try:
            return browser.request(method, path, fields, {"X-Forwarded-For": self.address})
        finally:
            browser.close()

    def form_fields(self, port: int, path: str) -> dict[str, str]:
        page = self.send(port, "GET", path)
        assert page.status == 200, page.body[:300]
        return hidden_fields(page.body)

    def sign_in(self, port: int, username: str, password: str) -> Reply:
        fields = self.form_fields(port, "/login")
        return self.send(port, "POST", "/login",
                         {**fields, "username": username, "password": password})


@pytest.fixture(scope="module")
def server_ports(database_url):
    """The two servers, started once for this module (each test brings its own data)."""
    instance = make_instance(database_url, prefix="sign-in-servers-")
    with (instance.path / "config.py").open("a", encoding="utf-8") as config:
        config.write("TRUSTED_PROXY_COUNT = 1\n")
        config.write("LOGIN_BACKOFF_SECONDS = 600\n")  # no wait runs out during the test
    started: list = []
    errors: list[BaseException] = []

    def start(number: int) -> None:
        try:
            started.append(start_app_server(instance, log_name=f"gunicorn-{number}.log"))
        except BaseException as error:  # noqa: BLE001 (re-raised below)
            errors.append(error)

    starting = [threading.Thread(target=start, args=(n,)) for n in (1, 2)]
    try:
        for thread in starting:
            thread.start()
        for thread in starting:
            thread.join()
        if errors:
            raise errors[0]
        yield [server.port for server in started]
    finally:
        for server in started:
            server.stop()
        instance.remove()


@pytest.fixture
def servers(server_ports, app, users):
    return server_ports


def test_sign_out_on_one_server_ends_the_session_on_the_other(servers):
    one, two = servers
    person = Person(REAL_USER)
    assert person.sign_in(one, "central", PASSWORD).status == 302
    assert person.send(two, "GET", "/results/").status == 200
    copy = Person(REAL_USER)
    copy.cookies = dict(person.cookies)
    fields = person.form_fields(two, "/account/password")
    assert person.send(two, "POST", "/logout", {"csrf_token": fields["csrf_token"]}).status == 302
    for port in (one, two):
        response = copy.send(port, "GET", "/results/")
        assert response.status == 302 and response.location == "/login"


def test_failed_sign_ins_count_across_both_servers(servers):
    """12 wrong passwords at once, spread over both servers: at most the limit of them are
    checked (answered 401), the rest refused unchecked (429), also on the right password;
    the real user at another address signs in on either server."""
    one, two = servers
    limit = 5  # LOGIN_MAX_FAILURES
    attacker = Person(ATTACKER)
    forms = [(servers[n % 2], attacker.form_fields(servers[n % 2], "/login")) for n in range(12)]
    start = threading.Barrier(len(forms))
    statuses: list[int] = []

    def one_try(port: int, fields: dict[str, str]) -> None:
        start.wait()
        reply = Person(ATTACKER)
        reply.cookies = dict(attacker.cookies)
        status = reply.send(port, "POST", "/login",
                            {**fields, "username": "admin", "password": "guess"}).status
        statuses.append(status)

    threads = [threading.Thread(target=one_try, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(statuses) == [401] * limit + [429] * (12 - limit), statuses
    for port in (one, two):
        assert attacker.sign_in(port, "admin", PASSWORD).status == 429
    for port in (one, two):
        real = Person(REAL_USER)
        assert real.sign_in(port, "admin", PASSWORD).status == 302
