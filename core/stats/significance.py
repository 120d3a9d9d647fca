"""Significance tests over answer counts, multiplicity corrections and change verdicts.

* :func:`mann_whitney_counts`: Mann-Whitney U from two count distributions over the same
  ordered values, with tie correction and the normal approximation with continuity correction.
  Equal to ``scipy.stats.mannwhitneyu(x, y, method="asymptotic")`` on the expanded data, at the
  cost of the number of distinct values instead of the number of answers.
* :func:`chi_square_independence`: chi-square test of a contingency table (scipy).
* :func:`holm`, :func:`benjamini_hochberg`, :func:`adjust_p_values`: across one report.
* :func:`compare_counts`, :func:`judge_comparisons`, :func:`classify_change`: a change (between
  waves) or difference (between units) is called only when it is both significant after
  correction and at least a meaningful number of index points; otherwise "no_clear_change".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

import numpy as np
from scipy import stats as sps

from core.stats.descriptive import Scale, summarize_question

UP: Final = "up"
DOWN: Final = "down"
NO_CLEAR_CHANGE: Final = "no_clear_change"
Alternative = Literal["two-sided", "less", "greater"]


@dataclass(frozen=True)
class MannWhitneyResult:
    """``u`` is the U statistic of the first sample (as scipy reports it); ``z`` the
    standardised statistic used for ``p_value``; ``prob_superiority`` = P(X > Y) + P(X = Y)/2
    = u / (n1 * n2), an effect size (0.5 = no difference)."""

    u: float
    p_value: float
    z: float
    n1: int
    n2: int
    prob_superiority: float


def mann_whitney_counts(x: Mapping[float, int], y: Mapping[float, int],
                        alternative: Alternative = "two-sided", use_continuity: bool = True
                        ) -> MannWhitneyResult | None:
    """Mann-Whitney U test of two samples given as value -> count. None when a sample is empty.

    Mid-ranks per distinct value, ``U1 = R1 - n1(n1+1)/2``, tie-corrected variance
    ``n1 n2 / 12 * ((n+1) - sum(t^3 - t) / (n(n-1)))`` and 0.5 continuity correction, exactly
    as scipy's asymptotic method. If every answer is the same value, p = 1 (where scipy gives
    NaN without continuity correction).
    """
    for counts in (x, y):
        if any(isinstance(c, bool) or int(c) != c or c < 0 for c in counts.values()):
            raise ValueError("counts must be whole numbers >= 0")
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(f"unknown alternative {alternative!r}")
    values = sorted(v for v in set(x) | set(y) if x.get(v, 0) + y.get(v, 0) > 0)
    cx = np.array([x.get(v, 0) for v in values], dtype=float)
    cy = np.array([y.get(v, 0) for v in values], dtype=float)
    n1, n2 = cx.sum(), cy.sum()
    if n1 == 0 or n2 == 0:
        return None
    ties = cx + cy
    ranks = np.cumsum(ties) - ties + (ties + 1) / 2
    u1 = float((cx * ranks).sum() - n1 * (n1 + 1) / 2)
    u2 = n1 * n2 - u1
    n = n1 + n2
    u, factor = {"greater": (u1, 1), "less": (u2, 1)}.get(alternative, (max(u1, u2), 2))
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - float((ties**3 - ties).sum()) / (n * (n - 1))))
    numerator = u - n1 * n2 / 2 - (0.5 if use_continuity else 0.0)
    if sigma == 0:
        z, p = 0.0, 1.0
    else:
        z = numerator / sigma
        p = min(1.0, max(0.0, factor * float(sps.norm.sf(z))))
    return MannWhitneyResult(u1, p, z, int(n1), int(n2), u1 / (n1 * n2))


@dataclass(frozen=True)
class ChiSquareResult:
    """Chi-square test of independence. ``min_expected`` below 5 means the approximation is
    doubtful; ``cramers_v`` is the effect size (0..1)."""

    statistic: float
    df: int
    p_value: float
    expected: tuple[tuple[float, ...], ...]
    min_expected: float
    cramers_v: float


def chi_square_independence(table: Sequence[Sequence[int]], correction: bool = True
                            ) -> ChiSquareResult | None:
    """``scipy.stats.chi2_contingency`` on a table of counts, after dropping all-zero rows and
    columns (they carry no information). Yates' correction applies only to 2x2 tables (as in
    R's ``chisq.test``). None when fewer than two rows or columns have answers."""
    arr = np.asarray(table, dtype=float)
    if arr.ndim != 2 or (arr < 0).any():
        raise ValueError("table must be a 2-D table of counts >= 0")
    arr = arr[arr.sum(axis=1) > 0][:, arr.sum(axis=0) > 0]
    if arr.shape[0] < 2 or arr.shape[1] < 2:
        return None
    res = sps.chi2_contingency(arr, correction=correction)
    v = math.sqrt(res.statistic / (arr.sum() * (min(arr.shape) - 1)))
    expected = tuple(tuple(float(e) for e in row) for row in res.expected_freq)
    return ChiSquareResult(float(res.statistic), int(res.dof), float(res.pvalue), expected,
                           float(res.expected_freq.min()), v)


def _present(p_values: Sequence[float | None]) -> tuple[list[int], np.ndarray]:
    idx = [i for i, p in enumerate(p_values) if p is not None and not math.isnan(p)]
    arr = np.array([p_values[i] for i in idx], dtype=float)
    if ((arr < 0) | (arr > 1)).any():
        raise ValueError("p-values must lie in [0, 1]")
    return idx, arr


def _spread(p_values: Sequence[float | None], idx: list[int], adjusted: np.ndarray
            ) -> list[float | None]:
    out: list[float | None] = [None] * len(p_values)
    for i, p in zip(idx, adjusted, strict=True):
        out[i] = float(p)
    return out


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm step-down adjusted p-values (controls the family-wise error rate), in input order.
    None / NaN entries (questions without a test) stay None and do not count in m."""
    idx, p = _present(p_values)
    m = len(p)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order]) if m else p
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return _spread(p_values, idx, adjusted)


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg step-up adjusted p-values (controls the false discovery rate), in
    input order; None / NaN entries stay None and do not count in m."""
    idx, p = _present(p_values)
    m = len(p)
    order = np.argsort(p, kind="stable")[::-1]
    ranks = m - np.arange(m)
    stepped = np.minimum.accumulate(p[order] * m / ranks) if m else p
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return _spread(p_values, idx, adjusted)


def adjust_p_values(p_values: Sequence[float | None], method: str = "holm"
                    ) -> list[float | None]:
    """``method`` "holm" or "bh" (Benjamini-Hochberg)."""
    if method == "holm":
        return holm(p_values)
    if method in ("bh", "fdr_bh", "BH"):
        return benjamini_hochberg(p_values)
    raise ValueError(f"unknown correction {method!r}")


def classify_change(diff_index_points: float | None, p_adjusted: float | None,
                    alpha: float = 0.05, meaningful: float = 5.0) -> str:
    """"up" / "down" when ``p_adjusted < alpha`` AND ``|diff| >= meaningful`` index points;
    otherwise "no_clear_change" (also when either figure is missing)."""
    if diff_index_points is None or p_adjusted is None or math.isnan(p_adjusted):
        return NO_CLEAR_CHANGE
    if p_adjusted < alpha and abs(diff_index_points) >= meaningful:
        return UP if diff_index_points > 0 else DOWN
    return NO_CLEAR_CHANGE


@dataclass(frozen=True)
class Comparison:
    """``difference`` = other - reference in index points (0..100, scored direction, so
    positive is better); ``test`` on scored values; ``p_adjusted`` and ``verdict`` are filled
    by :func:`judge_comparisons`."""

    difference: float | None
    test: MannWhitneyResult | None
    p_adjusted: float | None = None
    verdict: str = NO_CLEAR_CHANGE


def compare_counts(reference: Mapping[int, int], other: Mapping[int, int], scale: Scale
                   ) -> Comparison:
    """Compare one question between two waves (reference = earlier) or two units."""
    before = summarize_question(reference, scale)
    after = summarize_question(other, scale)
    diff = (after.index - before.index
            if after.index is not None and before.index is not None else None)
    test = mann_whitney_counts(_scored(other, scale), _scored(reference, scale))
    return Comparison(diff, test)


def _scored(counts: Mapping[int, int], scale: Scale) -> dict[int, int]:
    out: dict[int, int] = {}
    for value, count in counts.items():
        out[scale.score(value)] = out.get(scale.score(value), 0) + count
    return out


def judge_comparisons(comparisons: Sequence[Comparison], method: str = "holm",
                      alpha: float = 0.05, meaningful: float = 5.0) -> list[Comparison]:
    """Adjust the p-values of one report's comparisons together and give each a verdict."""
    adjusted = adjust_p_values([c.test.p_value if c.test else None for c in comparisons], method)
    return [replace(c, p_adjusted=p, verdict=classify_change(c.difference, p, alpha, meaningful))
            for c, p in zip(comparisons, adjusted, strict=True)]
