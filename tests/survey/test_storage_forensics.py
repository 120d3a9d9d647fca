"""Attack on the stored files: 50 people answer with invitation codes through gunicorn (half
on the one-page form, half page by page with "continue later" and a resume code typed on a
second device), ten more through an open link, and three leave a draft unfinished. Then the
database is read as someone holding its files would:

- SQLite: every page of the main file, and every transaction of the write-ahead log decoded
  frame by frame (stale frames included). No page and no commit may hold both an invitation
  code (or a resume code, or a client digest) and an answer; a resume code is stored nowhere;
  the commit that stores a response does not hold its own draft's key. Closing the wave
  truncates the log, and the unfinished drafts leave no bytes behind (``secure_delete``).
- PostgreSQL: no response-side row shares ``xmin`` with a code row; with ``pageinspect``
  every row version, dead ones included, is read from the heap pages, and no transaction id
  (``xmin`` or ``xmax``) that touched a code row touched a row holding answers."""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import string
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app import create_app
from core.auth import accounts as auth
from core.db import Base, get_session
from core.org.models import District, by_code
from core.org.seed import seed_organisation
from survey.models import INVITATION_CODES, OPEN_LINK, Response
from survey.tokens import resume_key
from survey.waves.codes import generate_codes
from tests.served import GUNICORN_AVAILABLE, Browser, hidden_fields, serve
from tests.survey.helpers import make_instrument, make_wave, qid

pytestmark = pytest.mark.skipif(not GUNICORN_AVAILABLE, reason="gunicorn is not installed")

SECRET = "forensics-secret-key"
PASSWORD = "forensics password 1"
CODE_RESPONDENTS = 50
UNFINISHED = 3
OPEN_RESPONDENTS = 10
#: after how many code respondents the database is read for the first time
EARLY_LOOK = 8
ANSWER_SIDE_TABLES = ("survey_response", "survey_answer", "survey_free_text",
                      "survey_used_token", "survey_rollup", "survey_response_count",
                      "survey_draft")


def _marker(rng: random.Random) -> str:
    return "Anteckning " + "".join(rng.choice(string.ascii_lowercase) for _ in range(14))


@dataclass
class Person:
    code: str = ""
    marker: str = ""
    resume: str = ""  #: the resume code shown (page-by-page respondents)
    token: str = ""  #: the submission token of the stored form
    finished: bool = True


@dataclass
class Run:
    codes_wave: int
    open_wave: int
    people: list[Person] = field(default_factory=list)
    open_markers: list[str] = field(default_factory=list)


def _prepare(url: str, create_schema: bool) -> tuple[int, int, list[str], dict[str, str]]:
    """The codes wave with its codes, an open-link wave, a moderator; the answer fields."""
    setup = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": SECRET})
    try:
        with setup.app_context():
            db = get_session()
            if create_schema:
                Base.metadata.create_all(setup.extensions["db_engine"])
                seed_organisation(db)
                db.commit()
            instrument = make_instrument(db)
            codes_wave = make_wave(db, instrument, name="Koder", mode=INVITATION_CODES)
            open_wave = make_wave(db, instrument, name="Öppen länk", mode=OPEN_LINK)
            codes = [c.code for c in generate_codes(
                db, codes_wave, CODE_RESPONDENTS + UNFINISHED,
                district=by_code(db, District, "farsta"))]
            auth.create_user(db, "moderator", PASSWORD, "moderator")
            db.commit()
            fields = {code: f"q{qid(db, codes_wave, code)}"
                      for code in ("agree", "agree4", "s10", "num", "choice", "yn", "txt")}
            return codes_wave.id, open_wave.id, codes, fields
    finally:
        setup.extensions["db_engine"].dispose()


def _answers(fields: dict[str, str], rng: random.Random, marker: str) -> dict[str, str]:
    return {
        fields["agree"]: str(rng.randint(1, 5)), fields["agree4"]: str(rng.randint(1, 4)),
        fields["s10"]: str(rng.randint(0, 10)), fields["num"]: str(rng.randint(0, 200)),
        fields["choice"]: str(rng.randint(1, 3)), fields["yn"]: str(rng.randint(0, 1)),
        fields["txt"]: marker,
    }


def _post_form(browser: Browser, path: str, data: dict[str, str], expect: str) -> str:
    """GET ``path``, POST its hidden fields with ``data``; the redirect target."""
    page = browser.get(path)
    assert page.status == 200, (path, page.status, page.body[:500])
    reply = browser.post(path, {**hidden_fields(page.body), **data})
    assert reply.status == 303, (path, reply.status, reply.body[:2000])
    assert re.search(expect, reply.location), (path, reply.location)
    return reply.location


def _respond(port: int, run: Run, codes: list[str], fields: dict[str, str],
             meanwhile=lambda: None) -> None:
    """Everyone answers; ``meanwhile`` runs after the first few (PostgreSQL prunes dead row
    versions from a page by itself once the page fills, so they are read early too)."""
    rng = random.Random(20260)  # noqa: S311 (test data)
    wave = run.codes_wave
    page_fields = [["agree", "agree4", "s10"], ["num", "choice", "yn", "txt"]]
    for number, code in enumerate(codes):
        if number == EARLY_LOOK:
            meanwhile()
        person = Person(code=code, marker=_marker(rng))
        run.people.append(person)
        answers = _answers(fields, rng, person.marker)
        phone = Browser("127.0.0.1", port)
        start = {"code": code.lower(), "staff_role": "socialsekreterare"}
        if number % 2 == 0 and number < CODE_RESPONDENTS:  # the one-page form
            _post_form(phone, f"/survey/{wave}/", {**start, "then": "all"}, r"/all$")
            page = phone.get(f"/survey/{wave}/all")
            hidden = hidden_fields(page.body)
            person.token = hidden["submission_token"]
            reply = phone.post(f"/survey/{wave}/all", {**hidden, **answers})
            assert reply.status == 303 and reply.location.endswith("/thanks"), reply.body[:2000]
            continue
        # page by page: the first page, "continue later", the rest on another device
        _post_form(phone, f"/survey/{wave}/", start, r"/page/1$")
        first = {fields[c]: answers[fields[c]] for c in page_fields[0]}
        _post_form(phone, f"/survey/{wave}/page/1", {**first, "action": "later"}, r"/later$")
        later = phone.get(f"/survey/{wave}/later").body
        person.resume = re.search(r"<code>([0-9A-Z-]+)</code>", later).group(1).replace("-", "")
        if number >= CODE_RESPONDENTS:  # leaves the draft unfinished, with a comment in it
            second = {fields[c]: answers[fields[c]] for c in page_fields[1]}
            _post_form(phone, f"/survey/{wave}/page/2", {**second, "action": "later"},
                       r"/later$")
            person.finished = False
            continue
        desk = Browser("127.0.0.1", port)
        _post_form(desk, "/survey/resume", {"resume_code": person.resume}, r"/page/2$")
        second = {fields[c]: answers[fields[c]] for c in page_fields[1]}
        _post_form(desk, f"/survey/{wave}/page/2", {**second, "action": "next"}, r"/review$")
        review = desk.get(f"/survey/{wave}/review")
        hidden = hidden_fields(review.body)
        person.token = hidden["submission_token"]
        reply = desk.post(f"/survey/{wave}/review", hidden)
        assert reply.status == 303 and reply.location.endswith("/thanks"), reply.body[:2000]
    for _ in range(OPEN_RESPONDENTS):
        browser = Browser("127.0.0.1", port)
        page = browser.get(f"/survey/{run.open_wave}/all")
        assert page.status == 200, page.body[:500]
        marker = _marker(rng)
        run.open_markers.append(marker)
        unit = {"district": "farsta", "service_area": "ekonomiskt-bistand",
                "staff_role": "socialsekreterare"}
        reply = browser.post(f"/survey/{run.open_wave}/all", {
            **hidden_fields(page.body), **unit, **_answers(fields, rng, marker)})
        assert reply.status == 303, reply.body[:2000]


def _close_as_moderator(port: int, wave: int) -> None:
    browser = Browser("127.0.0.1", port)
    page = browser.get("/login")
    reply = browser.post("/login", {**hidden_fields(page.body), "username": "moderator",
                                    "password": PASSWORD})
    assert reply.status == 302, reply.body[:1000]
    page = browser.get(f"/survey/admin/waves/{wave}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.body).group(1)
    reply = browser.post(f"/survey/admin/waves/{wave}/close", {"csrf_token": csrf})
    assert reply.status == 302, reply.body[:1000]


# --- reading SQLite files as bytes -------------------------------------------------------

def sqlite_pages(path: Path) -> list[bytes]:
    data = path.read_bytes()
    size = struct.unpack(">H", data[16:18])[0]
    size = 65536 if size == 1 else size
    return [data[i:i + size] for i in range(0, len(data), size)]


def wal_commits(path: Path) -> list[bytes]:
    """Every transaction in a write-ahead log: the pages of its frames, up to and including
    the commit frame. Frames of earlier generations (another salt) are decoded as well."""
    if not path.exists() or path.stat().st_size < 32:
        return []
    data = path.read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    commits, current, offset = [], [], 32
    while offset + 24 + page_size <= len(data):
        _page_number, commit_size = struct.unpack(">II", data[offset:offset + 8])
        current.append(data[offset + 24:offset + 24 + page_size])
        if commit_size:
            commits.append(b"".join(current))
            current = []
        offset += 24 + page_size
    if current:
        commits.append(b"".join(current))
    return commits


def _holds(blob: bytes, needles: list[bytes]) -> list[bytes]:
    return [n for n in needles if n in blob]


def _check_sqlite(db_path: Path, run: Run, response_ids: list[str], client: str) -> dict:
    codes = [p.code.encode() for p in run.people]
    resumes = [p.resume.encode() for p in run.people if p.resume]
    digests = [resume_key(p.resume).encode() for p in run.people if p.resume]
    answers = [i.encode() for i in response_ids] + [
        p.marker.encode() for p in run.people if p.finished] + [
        m.encode() for m in run.open_markers]
    keys = codes + resumes + [client.encode()]
    commits = wal_commits(db_path.with_name(db_path.name + "-wal"))
    pages = sqlite_pages(db_path)
    seen = {"commits": len(commits), "commits with answers": 0, "commits with codes": 0}
    for kind, blobs in (("commit", commits), ("page", pages)):
        for number, blob in enumerate(blobs):
            found_answers = _holds(blob, answers)
            found_keys = _holds(blob, keys)
            if kind == "commit":
                seen["commits with answers"] += bool(found_answers)
                seen["commits with codes"] += bool(_holds(blob, codes))
            assert not (found_answers and found_keys), (
                f"{kind} {number} holds {found_keys[:2]} and {found_answers[:2]}")
            assert not _holds(blob, resumes), f"{kind} {number} holds a resume code"
            if kind == "page":
                assert not (_holds(blob, [i.encode() for i in response_ids])
                            and _holds(blob, digests)), f"page {number}: response and draft key"
    # the transaction that stored a draft's response does not hold that draft's key
    for person in run.people:
        if not person.resume or not person.finished:
            continue
        own = resume_key(person.resume).encode()
        for blob in commits:
            if person.token.encode() in blob and _holds(blob, [i.encode() for i in response_ids]):
                assert own not in blob, "the storing commit holds its own draft's key"
    return seen


# --- reading PostgreSQL system columns and heap pages --------------------------------------

def _xids(conn, table: str) -> set[int]:
    """Transaction ids in every row version of ``table`` (live and dead), via pageinspect."""
    blocks = conn.execute(text(
        f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")).scalar()
    found: set[int] = set()
    for block in range(int(blocks or 0)):
        page = f"heap_page_items(get_raw_page('{table}', {block}))"
        rows = conn.execute(text(f"SELECT t_xmin, t_xmax FROM {page} WHERE lp_flags = 1"))  # noqa: S608
        for xmin, xmax in rows:
            found.update(int(x) for x in (xmin, xmax) if x and int(x) > 2)
    return found


def _check_postgres(url: str) -> dict:
    from core.db import make_engine

    engine = make_engine(url)
    seen: dict = {}
    try:
        with engine.connect() as conn:
            code_rows = conn.execute(text(
                "SELECT xmin::text, ctid::text FROM survey_invitation_code WHERE used")).all()
            code_xmins = {x for x, _ in code_rows}
            for table in ANSWER_SIDE_TABLES:
                query = f"SELECT xmin::text, ctid::text FROM {table}"  # noqa: S608
                rows = conn.execute(text(query)).all()
                shared = code_xmins & {x for x, _ in rows}
                assert not shared, f"{table} shares xmin {sorted(shared)[:3]} with a code"
            seen["used codes"] = len(code_rows)
            available = conn.execute(text(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'pageinspect'")).scalar()
            if not available:
                seen["dead tuples"] = "pageinspect not available: live rows only"
                return seen
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
            try:
                code_xids = _xids(conn, "survey_invitation_code")
                for table in (*ANSWER_SIDE_TABLES, "survey_client_allowance"):
                    shared = code_xids & _xids(conn, table)
                    assert not shared, f"{table}: a row version shares a transaction with a code"
                allowance = _xids(conn, "survey_client_allowance")
                for table in ANSWER_SIDE_TABLES:
                    assert not allowance & _xids(conn, table), f"{table}: shares with a client"
                seen["dead tuples"] = "checked with pageinspect"
            finally:
                conn.execute(text("DROP EXTENSION IF EXISTS pageinspect"))
                conn.commit()
    finally:
        engine.dispose()
    return seen


def test_no_page_commit_or_row_version_links_a_code_to_an_answer(
    request, tmp_path, database_url
):
    postgres = database_url.startswith("postgresql")
    if postgres:
        request.getfixturevalue("app")  # seeds the organisation, empties the tables after
        url = database_url
    else:
        url = f"sqlite:///{tmp_path / 'forensics.sqlite'}"
    codes_wave, open_wave, codes, fields = _prepare(url, create_schema=not postgres)
    run = Run(codes_wave, open_wave)
    reader = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": SECRET})
    db_path = Path(url.removeprefix("sqlite:///"))
    # no timed checkpoint while answering: the log keeps as much as SQLite itself keeps
    with serve(tmp_path / "instance", url, SECRET, SQLITE_CHECKPOINT_SECONDS=0) as server, \
            reader.app_context():
        early = {}
        _respond(server.port, run, codes, fields,
                 lambda: early.update(_check_postgres(url) if postgres else {}))
        db = get_session()
        response_ids = list(db.scalars(select(Response.id)))
        db.rollback()
        assert len(response_ids) == CODE_RESPONDENTS + OPEN_RESPONDENTS
        if postgres:
            seen = {"early look": early, "at the end": _check_postgres(url)}
        else:
            seen = _check_sqlite(db_path, run, response_ids, CLIENT_DIGEST)
            assert seen["commits with answers"] >= 10, seen
            assert seen["commits with codes"] >= 10, seen
        _close_as_moderator(server.port, codes_wave)
        if not postgres:
            wal = db_path.with_name(db_path.name + "-wal")
            assert not wal.exists() or wal.stat().st_size == 0, "closing truncates the log"
            leftovers = [p.marker.encode() for p in run.people if not p.finished]
            leftovers += [resume_key(p.resume).encode() for p in run.people if not p.finished]
            assert not _holds(db_path.read_bytes(), leftovers), "deleted drafts left bytes"
            _check_sqlite(db_path, run, response_ids, CLIENT_DIGEST)
    reader.extensions["db_engine"].dispose()
    print(seen)  # noqa: T201 (shown with -s: what was decoded)


#: the stored digest of 127.0.0.1 for the open link, as ``core.clients`` makes it
CLIENT_DIGEST = hmac.new(
    hmac.new(SECRET.encode(), b"medarbetardialog client digest", hashlib.sha256).digest(),
    b"survey-open-link\x00127.0.0.1", hashlib.sha256).hexdigest()[:32]
