"""Upgrading a database that has invitation codes and drafts from before codes came in
batches: every code gets the batch of its unit, a draft loses the invitation code it held
(the code is spent now, as a start spends it) and is found by the HMAC of its resume code;
of two drafts with one code only the latest is kept, so the code still gives one response."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from app import create_app
from core import migrate
from core.db import get_session, make_engine
from survey.respond.drafts import find_draft
from tests.core.test_migrations import all_models_registered, empty_database

ROWS = [
    "INSERT INTO district (id, code, name_sv, name_en, sort_order, active, is_central) "
    "VALUES (1, 'f', 'F', 'F', 1, true, false)",
    "INSERT INTO survey_instrument (id, code, version, title_sv, title_en, intro_sv, "
    "intro_en, frozen) VALUES (1, 'i', 1, 't', 't', '', '', true)",
    "INSERT INTO survey_wave (id, name, instrument_id, opens_on, closes_on, state, mode, "
    "ask_district, ask_service_area, ask_staff_role, drafts_purged) VALUES "
    "(1, 'w', 1, '2026-01-01', '2099-01-01', 'open', 'codes', true, true, true, false)",
    "INSERT INTO survey_invitation_code (code, wave_id, district_id, used) VALUES "
    "('CODEA00000', 1, 1, false), ('CODEB00000', 1, 1, true), ('CODEC00000', 1, 1, false)",
    "INSERT INTO survey_draft (id, wave_id, district_id, extra_key, invitation_code, answers, "
    "submission_token, updated_on) VALUES "
    "('RESUMECODE01', 1, 1, '', 'CODEA00000', '{\"3\": 4}', 'token-1', '2026-01-02'), "
    "('RESUMECODE02', 1, 1, '', 'CODEA00000', '{}', 'token-2', '2026-01-01')",
]


def test_codes_and_drafts_are_carried_over(tmp_path):
    with empty_database(tmp_path) as url:
        all_models_registered(url)
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "upgrade"})
        engine = make_engine(url)
        try:
            with app.app_context():
                config = migrate.alembic_config(url)
                for head in ("core@head", "survey_0002", "cafe@head", "steering@head"):
                    command.upgrade(config, head)
                with engine.begin() as conn:
                    for statement in ROWS:
                        conn.execute(text(statement))
                command.upgrade(config, "heads")
                with engine.connect() as conn:
                    codes = conn.execute(text(
                        "SELECT code, used, batch_id FROM survey_invitation_code "
                        "ORDER BY code")).all()
                    batch = conn.execute(text(
                        "SELECT id, district_id, size, shown FROM survey_code_batch")).one()
                    tokens = conn.execute(text(
                        "SELECT submission_token FROM survey_draft")).scalars().all()
                    names = conn.execute(text("SELECT name_sv, name_en FROM survey_wave")).all()
                assert names == [("w", "")]  # the name is the Swedish one; no English yet
                assert [(c, bool(u)) for c, u, _ in codes] == [
                    ("CODEA00000", True), ("CODEB00000", True), ("CODEC00000", False)]
                assert {b for *_, b in codes} == {batch.id}
                assert (batch.district_id, batch.size, bool(batch.shown)) == (1, 3, True)
                assert tokens == ["token-1"]
                draft = find_draft(get_session(), "RESUMECODE01")
                assert draft is not None and draft.answers == {"3": 4}
                get_session().close()
        finally:
            engine.dispose()
            app.extensions["db_engine"].dispose()
