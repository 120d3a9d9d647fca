"""Comparisons from counts: Mann-Whitney, chi-square, Holm / BH, change verdicts."""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from core.stats.descriptive import Scale
from core.stats.significance import (
    DOWN,
    NO_CLEAR_CHANGE,
    UP,
    Comparison,
    adjust_p_values,
    benjamini_hochberg,
    chi_square_independence,
    classify_change,
    compare_counts,
    holm,
    judge_comparisons,
    mann_whitney_counts,
)

# R's airquality data set, Ozone in May and in August (NA removed)
OZONE_MAY = [41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32,
             23, 45, 115, 37]
OZONE_AUGUST = [39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31, 44, 21, 9, 45,
                168, 73, 76, 118, 84, 85]


def test_mann_whitney_matches_the_r_documentation_example():
    # R ?wilcox.test: wilcox.test(Ozone ~ Month, data = airquality, subset = Month %in% c(5, 8))
    # -> "Wilcoxon rank sum test with continuity correction  W = 127.5, p-value = 0.0001208"
    result = mann_whitney_counts(Counter(OZONE_MAY), Counter(OZONE_AUGUST))
    assert result.u == 127.5
    assert result.p_value == pytest.approx(0.0001208, abs=5e-8)
    assert (result.n1, result.n2) == (26, 26)
    assert result.prob_superiority == pytest.approx(127.5 / 676)


COUNTS = st.dictionaries(st.integers(1, 5), st.integers(0, 25), min_size=1)


@settings(max_examples=80, deadline=None)
@given(COUNTS, COUNTS, st.sampled_from(["two-sided", "less", "greater"]), st.booleans())
def test_mann_whitney_from_counts_equals_scipy_on_expanded_data(x, y, alternative, continuity):
    ex = [v for v, c in x.items() for _ in range(c)]
    ey = [v for v, c in y.items() for _ in range(c)]
    result = mann_whitney_counts(x, y, alternative, continuity)
    if not ex or not ey:
        assert result is None
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = sps.mannwhitneyu(ex, ey, alternative=alternative,
                                    use_continuity=continuity, method="asymptotic")
    assert result.u == pytest.approx(expected.statistic, abs=1e-9)
    if len(set(ex) | set(ey)) == 1:
        # one value only: no information; scipy gives 1 (or NaN without continuity)
        assert result.p_value == 1.0 and (expected.pvalue == 1.0 or np.isnan(expected.pvalue))
    else:
        assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-15)


def test_mann_whitney_all_tied_and_bad_input():
    tied = mann_whitney_counts({3: 7}, {3: 4})
    assert tied.p_value == 1.0 and tied.u == 14.0
    assert mann_whitney_counts({}, {3: 4}) is None
    assert mann_whitney_counts({1: 0}, {3: 4}) is None
    with pytest.raises(ValueError):
        mann_whitney_counts({1: -1}, {2: 3})
    with pytest.raises(ValueError):
        mann_whitney_counts({1: 1}, {2: 3}, alternative="sideways")


def test_chi_square_matches_the_r_documentation_example():
    # R ?chisq.test: M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477)))
    # -> X-squared = 30.07, df = 2, p-value = 2.954e-07
    result = chi_square_independence([[762, 327, 468], [484, 239, 477]])
    assert result.statistic == pytest.approx(30.07, abs=5e-3)
    assert result.df == 2
    assert result.p_value == pytest.approx(2.954e-07, abs=5e-11)
    assert result.expected[0][0] == pytest.approx(703.6714, abs=5e-5)
    assert result.min_expected == pytest.approx(246.3547, abs=5e-5)
    assert result.cramers_v == pytest.approx((30.07015 / 2757) ** 0.5, abs=1e-5)


def test_chi_square_drops_empty_rows_and_columns():
    full = chi_square_independence([[10, 20], [30, 5]])
    padded = chi_square_independence([[10, 0, 20], [0, 0, 0], [30, 0, 5]])
    assert padded == full
    # 2x2: Yates' correction, as R's chisq.test does by default
    assert full.statistic == pytest.approx(
        sps.chi2_contingency([[10, 20], [30, 5]], correction=True).statistic)
    assert chi_square_independence([[5, 6], [0, 0]]) is None
    with pytest.raises(ValueError):
        chi_square_independence([[1, -1], [2, 3]])


# Benjamini & Hochberg (1995), J. R. Statist. Soc. B 57:289-300, section 4.2: 15 p-values from
# a clinical trial; at level 0.05 their procedure rejects 4 hypotheses, the Bonferroni-type
# step-down procedure (Holm) rejects 3.
BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
           0.4262, 0.5719, 0.6528, 0.7590, 1.0000]


def test_corrections_reproduce_benjamini_hochberg_1995():
    assert sum(p < 0.05 for p in benjamini_hochberg(BH_1995)) == 4
    assert sum(p < 0.05 for p in holm(BH_1995)) == 3
    # by hand: BH for the 4th smallest = min over j >= 4 of 15 * p_j / j = 15 * 0.0095 / 4
    assert benjamini_hochberg(BH_1995)[3] == pytest.approx(0.035625)
    # Holm for the 3rd smallest: max(15 * 0.0001, 14 * 0.0004, 13 * 0.0019)
    assert holm(BH_1995)[2] == pytest.approx(0.0247)


def test_corrections_by_hand_with_gaps_and_any_order():
    assert holm([0.01, 0.02, 0.03, 0.04, 0.05]) == pytest.approx([0.05, 0.08, 0.09, 0.09, 0.09])
    assert benjamini_hochberg([0.01, 0.02, 0.03, 0.04, 0.05]) == pytest.approx([0.05] * 5)
    p = [0.04, 0.01, 0.03, None, 0.005]
    holm_p = holm(p)
    assert holm_p[3] is None
    assert [holm_p[i] for i in (0, 1, 2, 4)] == pytest.approx([0.06, 0.03, 0.06, 0.02])
    bh = adjust_p_values(p, "bh")
    assert [bh[i] for i in (0, 1, 2, 4)] == pytest.approx([0.04, 0.02, 0.04, 0.02])
    assert holm([0.5, 0.6]) == [1.0, 1.0]
    assert holm([]) == [] and benjamini_hochberg([None]) == [None]
    with pytest.raises(ValueError):
        adjust_p_values([0.1], "bonferroni")
    with pytest.raises(ValueError):
        holm([1.5])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_adjusted_p_values_are_ordered_and_bounded(p):
    for adjusted in (holm(p), benjamini_hochberg(p)):
        assert all(a >= raw - 1e-15 and a <= 1 for a, raw in zip(adjusted, p, strict=True))
        order = np.argsort(p, kind="stable")
        ranked = [adjusted[i] for i in order]
        assert all(a <= b + 1e-12 for a, b in zip(ranked, ranked[1:], strict=False))
    assert all(b <= h + 1e-12 for b, h in zip(benjamini_hochberg(p), holm(p), strict=True))


@pytest.mark.parametrize("diff, p, expected", [
    (6.0, 0.01, UP), (-7.5, 0.001, DOWN), (5.0, 0.049, UP),
    (4.9, 0.0001, NO_CLEAR_CHANGE),   # significant but too small to matter
    (12.0, 0.2, NO_CLEAR_CHANGE),     # large but uncertain
    (12.0, 0.05, NO_CLEAR_CHANGE),    # p must be below alpha
    (None, 0.01, NO_CLEAR_CHANGE), (8.0, None, NO_CLEAR_CHANGE),
])
def test_classify_change(diff, p, expected):
    assert classify_change(diff, p) == expected


def test_classify_change_thresholds_are_configurable():
    assert classify_change(3.0, 0.01, meaningful=2.0) == UP
    assert classify_change(8.0, 0.03, alpha=0.01) == NO_CLEAR_CHANGE


def test_compare_and_judge_a_report():
    scale = Scale.agreement()
    before = {1: 20, 2: 40, 3: 80, 4: 60, 5: 20}
    better = {1: 10, 2: 20, 3: 60, 4: 100, 5: 50}
    slightly = {1: 19, 2: 38, 3: 80, 4: 62, 5: 21}
    tiny_before, tiny_after = {2: 2, 3: 2, 4: 1}, {3: 2, 4: 2, 5: 1}
    reversed_item = Scale.agreement(reverse=True)  # more agreement with a negative statement
    comparisons = [compare_counts(before, better, scale),
                   compare_counts(before, slightly, scale),
                   compare_counts(tiny_before, tiny_after, scale),
                   compare_counts(before, better, reversed_item),
                   Comparison(None, None)]
    assert comparisons[0].difference > 5 and comparisons[3].difference < -5
    assert comparisons[2].difference == pytest.approx(25.0)
    judged = judge_comparisons(comparisons)
    assert [c.verdict for c in judged] == [UP, NO_CLEAR_CHANGE, NO_CLEAR_CHANGE, DOWN,
                                          NO_CLEAR_CHANGE]
    raw = [c.test.p_value for c in comparisons[:4]]
    assert [c.p_adjusted for c in judged[:4]] == pytest.approx(holm(raw))
    assert judged[4].p_adjusted is None
    by_fdr = judge_comparisons(comparisons, method="bh")
    assert by_fdr[0].p_adjusted <= judged[0].p_adjusted
