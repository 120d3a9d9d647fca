"""The built-in library, the demo data and the ``flask survey`` commands."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select, update

from core.org.models import ServiceArea, by_code
from survey import catalog, queries
from survey.library import HME, LIBRARY, load_library
from survey.models import ResumeDraft, Rollup, Wave
from survey.spec import build_spec
from tests.survey.helpers import make_wave

HME_STATEMENTS = {
    "hme-motivation": ["Mitt arbete känns meningsfullt.",
                       "Jag lär nytt och utvecklas i mitt dagliga arbete.",
                       "Jag ser fram emot att gå till arbetet."],
    "hme-ledarskap": ["Min närmaste chef visar uppskattning för mina arbetsinsatser.",
                      "Min närmaste chef visar förtroende för mig som medarbetare.",
                      "Min närmaste chef ger mig förutsättningar att ta ansvar i mitt arbete."],
    "hme-styrning": ["Jag är insatt i min arbetsplats mål.",
                     "Min arbetsplats mål följs upp och utvärderas på ett bra sätt.",
                     "Jag vet vad som förväntas av mig i mitt arbete."],
}


def test_hme_is_the_nine_statements_in_three_indices_scored_0_to_100(app, db):
    made = {i.code: i for i in load_library(db)}
    assert set(made) == set(LIBRARY)
    assert load_library(db) == []  # idempotent
    spec = build_spec(made[HME["code"]])
    by_index: dict[str, list[str]] = {}
    for q in spec.questions:
        by_index.setdefault(q.index_code, []).append(q.text_sv)
        assert q.points == 5 and q.text_en
        assert [q.score(v) for v in range(1, 6)] == [0, 25, 50, 75, 100]
    assert by_index == HME_STATEMENTS


def test_workload_module_has_every_listed_question(app, db):
    instrument = {i.code: i for i in load_library(db)}["hme-arbetsbelastning"]
    spec = build_spec(instrument)
    assert len(spec.questions) == 20
    types = {q.code: q.type for q in spec.questions}
    assert types["ab-arendemangd"] == "number"
    assert types["ab-hot-vald"] == "yesno"
    assert types["ab-forbattra"] == "text"
    # having time pulls the workload index the other way; thinking about leaving is the
    # unfavourable answer when agreed with
    reverse = [q.code for q in spec.questions if q.reverse_scored]
    assert reverse == ["ab-hinner", "ab-funderar-sluta"]
    assert {q.code for q in spec.questions if q.index_code == "workload"} == {
        "ab-tidspress", "ab-hinner", "ab-akutstyrt"}


def test_demo_waves(app, db):
    from survey import demo

    demo.load(db, random.Random(2017))
    db.commit()
    waves = {w.name: w for w in catalog.list_waves(db)}
    base, follow = waves[demo.autumn_wave_name(2017)], waves[demo.autumn_wave_name(2018)]
    for wave in (base, follow):
        assert wave.status(date.today()) == "closed" and wave.closes_on < date.today()
        assert wave.name_en.startswith("Staff survey autumn ")
        assert 2700 <= queries.total_responses(db, wave.id) <= 3300
    # one timeline: the follow-up is the latest autumn survey closed, less than a year ago
    assert date.today() - follow.closes_on < timedelta(days=366)
    assert [w.status(date.today()) for w in waves.values()].count("open") == 1
    # cells under the minimum group size exist, and economic aid scores lower
    cells = queries.response_counts(db, base.id, group_by=("district", "service_area"))
    assert any(c.count < 5 for c in cells)
    spec = catalog.wave_instrument(db, base)
    hme = {q.id: q for q in spec.questions if q.index_code and q.index_code.startswith("hme")}
    means: dict[int, list[float]] = {}
    for row in queries.rollup_counts(db, base.id, question_ids=hme, group_by=("service_area",)):
        means.setdefault(row.service_area_id, []).extend([hme[row.question_id].score(row.value)]
                                                          * row.count)
    averages = {area: sum(v) / len(v) for area, v in means.items()}
    economic = by_code(db, ServiceArea, "ekonomiskt-bistand").id
    assert averages[economic] == min(averages.values())


def test_verify_rollups_reports_differences_and_fails(app, db):
    from tests.survey.helpers import valid_form
    from tests.survey.respond.test_responding import post_single

    wave = make_wave(db, name="Kontroll")
    client = app.test_client()
    assert post_single(client, app, wave, valid_form(db, wave)).status_code == 303
    runner = app.test_cli_runner()
    result = runner.invoke(args=["survey", "verify-rollups", "--wave", "Kontroll"])
    assert result.exit_code == 0, result.output
    assert "match" in result.output
    db.execute(update(Rollup).where(Rollup.wave_id == wave.id).values(count=Rollup.count + 1))
    db.commit()
    result = runner.invoke(args=["survey", "verify-rollups"])
    assert result.exit_code != 0
    assert "stored 2, recomputed 1" in result.output


def test_purge_drafts_command(app, db):
    wave = make_wave(db)
    client = app.test_client()
    client.post(f"/survey/{wave.id}/", data={
        "district": "farsta", "service_area": "ekonomiskt-bistand",
        "staff_role": "socialsekreterare"})
    client.post(f"/survey/{wave.id}/page/1", data={"action": "later"})  # the draft is made
    db.execute(update(Wave).values(state="closed"))
    db.commit()
    result = app.test_cli_runner().invoke(args=["survey", "purge-drafts"])
    assert "deleted 1 drafts" in result.output
    assert db.scalar(select(func.count()).select_from(ResumeDraft)) == 0


def test_load_library_command(app, db):
    result = app.test_cli_runner().invoke(args=["survey", "load-library"])
    assert "created hme v1" in result.output
    result = app.test_cli_runner().invoke(args=["survey", "load-library"])
    assert "already" in result.output
