"""Figures of the unit report against core.stats.descriptive, and the heatmap's fast index score."""

from __future__ import annotations

import pytest

from core.db import get_session
from core.org.models import District, by_code
from core.stats.descriptive import Scale, index_score, summarize_question
from steering.results.data import load_wave, unit_key
from steering.results.figures import index_figure, index_value, wave_indexes
from steering.results.unit_report import build_unit_report
from survey.models import Wave


def test_heatmap_score_equals_core_index_score(app, city):
    with app.test_request_context("/"):
        db = get_session()
        results = load_wave(db, db.get(Wave, city.follow_up_id))
        index = wave_indexes(results.spec)[0]
        compared = 0
        for key in results.n:
            score, reason = index_value(results, index, key)
            figure = index_figure(results, index, key)
            assert reason == figure.reason
            if figure.score is not None:
                assert score == pytest.approx(figure.score.score)
                compared += 1
        assert compared >= 5


def test_unit_index_matches_core_stats_by_hand(app, city):
    with app.test_request_context("/"):
        db = get_session()
        wave = db.get(Wave, city.follow_up_id)
        report = build_unit_report(db, wave, by_code(db, District, "rinkeby-kista"))
        # Rinkeby-Kista: 12 answered q1=2, q2=3 and 10 answered q1=4, q2=4
        scale = Scale.agreement(5)
        expected = index_score([summarize_question({2: 12, 4: 10}, scale),
                                summarize_question({3: 12, 4: 10}, scale)])
        figure = next(f for f in report.indexes if f.index.code == "test-index")
        assert figure.score.score == pytest.approx(expected.score)
        assert figure.score.ci.low == pytest.approx(expected.ci.low)
        assert report.n == 22
        assert [row.wave.id for row in report.trend] == [city.baseline_id, city.follow_up_id]


def test_strongest_and_weakest_follow_favourable_share(app, city):
    with app.test_request_context("/"):
        db = get_session()
        report = build_unit_report(db, db.get(Wave, city.follow_up_id),
                                   by_code(db, District, "rinkeby-kista"))
        assert report.strongest and report.weakest
        shares = [r.favourable.share for r in report.strongest + report.weakest]
        assert shares == sorted(shares[:len(report.strongest)], reverse=True) + \
            sorted(shares[len(report.strongest):])
        assert min(s.favourable.share for s in report.strongest) >= \
            max(w.favourable.share for w in report.weakest)


def test_hidden_unit_has_no_rate_and_the_key_helper(app, city):
    with app.test_request_context("/"):
        db = get_session()
        report = build_unit_report(db, db.get(Wave, city.follow_up_id),
                                   by_code(db, District, "bromma"))
        assert report.reason and report.n is None and report.rate is None
        assert all(f.score is None for f in report.indexes)
        assert report.key == unit_key(by_code(db, District, "bromma").id)
