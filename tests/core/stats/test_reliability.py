"""Cronbach's alpha against psych::alpha on the bfi data set (Revelle, R package psych)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.stats.reliability import (
    cronbach_alpha,
    cronbach_alpha_from_covariance,
    item_covariance,
)
from tests.conftest import EXTERNAL_DATA

# psych::alpha(bfi[...], keys = ...) as printed by psych (two decimals): raw_alpha, std.alpha
BFI_SCALES = {
    "agreeableness": (["-A1", "A2", "A3", "A4", "A5"], 0.70, 0.71),
    "conscientiousness": (["C1", "C2", "C3", "-C4", "-C5"], 0.73, 0.73),
    "extraversion": (["-E1", "-E2", "E3", "E4", "E5"], 0.76, 0.76),
    "neuroticism": (["N1", "N2", "N3", "N4", "N5"], 0.81, 0.81),
    "openness": (["O1", "-O2", "O3", "O4", "-O5"], 0.60, 0.61),
}


@pytest.fixture(scope="module")
def bfi() -> list[dict[str, str]]:
    with (EXTERNAL_DATA / "bfi.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def scale_items(rows, keyed):
    columns = [k.lstrip("-") for k in keyed]
    keys = [-1 if k.startswith("-") else 1 for k in keyed]
    matrix = [[float(r[c]) if r[c] != "" else None for c in columns] for r in rows]
    return matrix, keys


@pytest.mark.parametrize("name", sorted(BFI_SCALES))
def test_alpha_reproduces_psych_on_bfi(bfi, name):
    keyed, raw, std = BFI_SCALES[name]
    matrix, keys = scale_items(bfi, keyed)
    result = cronbach_alpha(matrix, keys)
    assert round(result.raw_alpha, 2) == raw
    assert round(result.std_alpha, 2) == std
    assert result.n_items == 5
    assert 2690 <= result.n_complete <= 2730


def test_pairwise_is_psych_default_and_differs_from_listwise(bfi):
    matrix, keys = scale_items(bfi, BFI_SCALES["agreeableness"][0])
    pairwise = cronbach_alpha(matrix, keys)
    listwise = cronbach_alpha(matrix, keys, missing="listwise")
    # psych prints raw_alpha 0.70, std.alpha 0.71, average_r 0.33 for this scale
    assert pairwise.raw_alpha == pytest.approx(0.7030, abs=5e-5)
    assert listwise.raw_alpha == pytest.approx(0.7038, abs=5e-5)
    assert round(pairwise.average_r, 2) == 0.33
    # without reversing A1 the scale hangs together much worse
    assert cronbach_alpha(matrix).raw_alpha < 0.5


def test_alpha_from_covariance_equals_alpha_from_answers(bfi):
    matrix, keys = scale_items(bfi, BFI_SCALES["openness"][0])
    cov = item_covariance(matrix)
    from_cov = cronbach_alpha_from_covariance(cov, keys)
    from_answers = cronbach_alpha(matrix, keys)
    assert from_cov.raw_alpha == pytest.approx(from_answers.raw_alpha)
    assert from_cov.std_alpha == pytest.approx(from_answers.std_alpha)
    assert from_cov.n_complete is None


def test_alpha_by_hand():
    # three items, variances 1, covariances 0.5: alpha = 3/2 * (1 - 3/6) = 0.75
    cov = [[1, 0.5, 0.5], [0.5, 1, 0.5], [0.5, 0.5, 1]]
    result = cronbach_alpha_from_covariance(cov)
    assert result.raw_alpha == pytest.approx(0.75)
    assert result.std_alpha == pytest.approx(0.75)
    assert result.average_r == pytest.approx(0.5)
    # identical items are perfectly reliable
    answers = np.array([[1, 1], [2, 2], [4, 4], [5, 5]])
    assert cronbach_alpha(answers).raw_alpha == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 30).flatmap(lambda n: st.lists(
    st.lists(st.integers(1, 5), min_size=4, max_size=4), min_size=n, max_size=n)))
def test_alpha_equals_the_variance_formula_on_complete_data(rows):
    x = np.array(rows, dtype=float)
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return
    expected = 4 / 3 * (1 - x.var(axis=0, ddof=1).sum() / total_var)
    result = cronbach_alpha(x)
    assert result.raw_alpha == pytest.approx(expected)
    assert cronbach_alpha(x, missing="listwise").raw_alpha == pytest.approx(expected)


def test_invalid_input():
    with pytest.raises(ValueError):
        cronbach_alpha([[1], [2]])
    with pytest.raises(ValueError):
        cronbach_alpha_from_covariance([[1.0]])
    with pytest.raises(ValueError):
        cronbach_alpha_from_covariance([[1.0, 0.2], [0.3, 1.0]])
    with pytest.raises(ValueError):
        cronbach_alpha([[1, 2], [2, 3]], keys=[1, 0])
    with pytest.raises(ValueError):
        cronbach_alpha([[1, None], [None, 3], [2, 2]])
    with pytest.raises(ValueError):
        cronbach_alpha([[1, 2], [None, 3]], missing="listwise")
    with pytest.raises(ValueError):
        item_covariance([[1, 2], [2, 3]], missing="sometimes")
