"""Descriptive statistics from counts, checked against values published elsewhere."""

from __future__ import annotations

import csv
import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from core.stats.descriptive import (
    Scale,
    describe_counts,
    index_score,
    proportion,
    response_rate,
    summarize_question,
    wilson_interval,
)
from tests.conftest import EXTERNAL_DATA

FAST = settings(max_examples=50, deadline=None)


# Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score)
@pytest.mark.parametrize("count, n, low, high", [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_matches_newcombe(count, n, low, high):
    ci = wilson_interval(count, n)
    assert ci.low == pytest.approx(low, abs=5e-5)
    assert ci.high == pytest.approx(high, abs=5e-5)


def test_wilson_edges_and_errors():
    assert wilson_interval(20, 20).high == 1.0
    assert wilson_interval(0, 20).low == 0.0
    assert wilson_interval(5, 10, 0.99).low < wilson_interval(5, 10).low
    for count, n in ((0, 0), (-1, 5), (6, 5)):
        with pytest.raises(ValueError):
            wilson_interval(count, n)
    with pytest.raises(ValueError):
        wilson_interval(1, 2, confidence=1.5)
    assert proportion(0, 0) is None
    share = proportion(3, 12)
    assert (share.count, share.n, share.share) == (3, 12, 0.25)


def test_t_interval_of_the_mean_matches_r():
    # R: t.test(sleep$extra[sleep$group == 1]) -> mean 0.75,
    #    95 percent confidence interval -0.5297804 2.0297804
    extra = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    m = describe_counts(Counter(extra))
    assert m.n == 10 and m.mean == pytest.approx(0.75)
    assert m.sd == pytest.approx(1.789010, abs=1e-6)
    assert (m.ci.low, m.ci.high) == pytest.approx((-0.5297804, 2.0297804), abs=1e-7)


def test_describe_counts_small_samples_and_bad_counts():
    assert describe_counts({}).mean is None
    one = describe_counts({3: 1})
    assert (one.n, one.mean, one.sd, one.ci) == (1, 3, None, None)
    with pytest.raises(ValueError):
        describe_counts({1: -2})
    with pytest.raises(ValueError):
        describe_counts({1: 1.5})


@FAST
@given(st.dictionaries(st.integers(0, 10), st.integers(0, 30), min_size=1))
def test_describe_counts_equals_the_expanded_data(counts):
    data = [v for v, c in counts.items() for _ in range(c)]
    m = describe_counts(counts)
    assert m.n == len(data)
    if len(data) >= 2:
        assert m.mean == pytest.approx(np.mean(data))
        assert m.sd == pytest.approx(np.std(data, ddof=1), abs=1e-9)
        if m.sd > 0:
            low, high = sps.t.interval(0.95, len(data) - 1, loc=np.mean(data),
                                       scale=sps.sem(data))
            assert (m.ci.low, m.ci.high) == pytest.approx((low, high))


def test_scales_bands_and_reversal():
    five = Scale.agreement()
    assert (five.favourable_from, five.unfavourable_to, five.has_neutral) == (4, 2, True)
    assert not Scale.agreement(4).has_neutral
    assert (Scale.agreement(7).favourable_from, Scale.agreement(7).unfavourable_to) == (6, 2)
    nps = Scale.zero_to_ten()
    assert (nps.favourable_from, nps.unfavourable_to) == (9, 6)
    assert [five.to_index(v) for v in five.values] == [0, 25, 50, 75, 100]  # HME
    assert Scale.agreement(reverse=True).score(1) == 5
    assert Scale.zero_to_ten(reverse=True).score(3) == 7
    for bad in (3, 8):
        with pytest.raises(ValueError):
            Scale.agreement(bad)
    with pytest.raises(ValueError):
        five.score(6)
    with pytest.raises(ValueError):
        Scale(1, 5, favourable_from=2, unfavourable_to=3)


def test_question_summary_by_hand():
    counts = {1: 2, 2: 3, 3: 5, 4: 6, 5: 4}  # n = 20
    s = summarize_question(counts, Scale.agreement(), cannot_answer=5)
    assert s.n == 20 and s.cannot_answer == 5
    assert s.cannot_answer_share.share == pytest.approx(5 / 25)
    assert s.mean == pytest.approx((2 + 6 + 15 + 24 + 20) / 20)
    assert s.index == pytest.approx((s.mean - 1) / 4 * 100)
    assert s.index_ci.low == pytest.approx((s.mean_ci.low - 1) * 25)
    assert [c.count for c in s.distribution] == [2, 3, 5, 6, 4]
    assert [c.share for c in s.distribution] == pytest.approx([0.1, 0.15, 0.25, 0.3, 0.2])
    assert (s.favourable.count, s.neutral.count, s.unfavourable.count) == (10, 5, 5)
    assert s.favourable.ci == wilson_interval(10, 20)


def test_reverse_scored_question_points_the_good_way():
    # "I have unrealistic time pressure": disagreeing is favourable
    counts = {1: 6, 2: 4, 5: 2}
    s = summarize_question(counts, Scale.agreement(reverse=True))
    assert s.mean == pytest.approx((5 * 6 + 4 * 4 + 1 * 2) / 12)
    assert (s.favourable.count, s.unfavourable.count) == (10, 2)
    assert [c.count for c in s.distribution] == [6, 4, 0, 0, 2]  # as asked, not reversed


def test_zero_to_ten_and_four_point_bands():
    s = summarize_question({0: 1, 6: 2, 7: 3, 8: 1, 9: 2, 10: 1}, Scale.zero_to_ten())
    assert (s.unfavourable.count, s.neutral.count, s.favourable.count) == (3, 4, 3)
    four = summarize_question({1: 1, 2: 1, 3: 5, 4: 3}, Scale.agreement(4))
    assert four.neutral is None and four.favourable.count == 8


def test_empty_question_has_no_figures():
    s = summarize_question({}, Scale.agreement(), cannot_answer=3)
    assert s.n == 0 and s.mean is None and s.index is None and s.favourable is None
    assert s.cannot_answer_share.share == 1.0
    assert all(c.share is None for c in s.distribution)
    with pytest.raises(ValueError):
        summarize_question({6: 1}, Scale.agreement())


def test_aps_census_percent_favourable_matches_the_csv():
    path = EXTERNAL_DATA / "aps2020_census_sample.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    column = header.index("19a. My supervisor communicates effectively")
    values = [int(float(r[column])) for r in rows if r[column]]
    counts = Counter(values)
    s = summarize_question(counts, Scale.agreement())
    assert s.n == len(values) == 45_000
    assert s.favourable.share == pytest.approx(sum(v >= 4 for v in values) / len(values))
    pressure = header.index("47a. I have unrealistic time pressures")
    answers = [int(float(r[pressure])) for r in rows if r[pressure]]
    s = summarize_question(Counter(answers), Scale.agreement(reverse=True))
    assert s.favourable.share == pytest.approx(sum(v <= 2 for v in answers) / len(answers))


@FAST
@given(st.integers(2, 40).flatmap(lambda n: st.lists(
    st.lists(st.integers(1, 5), min_size=3, max_size=3), min_size=n, max_size=n)))
def test_index_of_complete_answers_equals_respondent_mean_and_ci_is_conservative(rows):
    scale = Scale.agreement()
    matrix = np.array(rows)
    items = [summarize_question(Counter(matrix[:, j].tolist()), scale) for j in range(3)]
    result = index_score(items)
    per_person = ((matrix - 1) / 4 * 100).mean(axis=1)
    assert result.score == pytest.approx(per_person.mean())
    assert (result.n_items, result.n_min, result.n_max) == (3, len(rows), len(rows))
    exact_half = sps.t.ppf(0.975, len(rows) - 1) * per_person.std(ddof=1) / math.sqrt(len(rows))
    assert result.ci.high - result.score >= exact_half - 1e-9


def test_index_skips_empty_items_and_needs_two_answers_for_a_ci():
    scale = Scale.agreement()
    full = summarize_question({5: 3, 4: 1}, scale)
    empty = summarize_question({}, scale)
    single = summarize_question({3: 1}, scale)
    assert index_score([full, empty]).score == full.index
    assert index_score([full, single]).ci is None
    assert index_score([empty]).score is None


def test_response_rate():
    assert response_rate(10, None) is None
    assert response_rate(0, 0) is None
    rate = response_rate(81, 263)
    assert rate.rate == pytest.approx(81 / 263)
    assert (rate.ci.low, rate.ci.high) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    stale = response_rate(12, 10)
    assert stale.exceeds_headcount and stale.ci is None and stale.rate == 1.2
    with pytest.raises(ValueError):
        response_rate(-1, 10)
