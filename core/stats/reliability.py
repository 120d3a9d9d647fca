"""Cronbach's alpha of an index, from raw item answers or from an item covariance matrix.

Alpha needs the covariances between items, which answer-count rollups do not hold; use
:func:`cronbach_alpha` on raw or imported answers (respondents x items) and
:func:`cronbach_alpha_from_covariance` when a covariance matrix is stored.

Missing answers: ``missing="pairwise"`` (the default) estimates each covariance from the
respondents who answered both items, as R's ``psych::alpha`` does by default; ``"listwise"``
keeps only respondents who answered every item. On the bfi data both round to psych's printed
figures (A 0.70 / 0.71, C 0.73, E 0.76, N 0.81, O 0.60 / 0.61); pairwise is psych's own method
(A raw 0.7030 vs listwise 0.7038; O 0.6002 vs 0.6025; C 0.7267 vs 0.7293).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.stats import f as f_distribution


@dataclass(frozen=True)
class AlphaResult:
    """psych-style reliability figures: ``raw_alpha`` from covariances, ``std_alpha`` from
    correlations, ``average_r`` the mean inter-item correlation; ``n_complete`` counts
    respondents who answered every item (None when computed from a covariance matrix).
    A figure is NaN when undefined (e.g. an item without variance)."""

    raw_alpha: float
    std_alpha: float
    average_r: float
    n_items: int
    n_complete: int | None


def _keyed(cov: np.ndarray, keys: Sequence[int] | None) -> np.ndarray:
    if keys is None:
        return cov
    signs = np.asarray(keys, dtype=float)
    if signs.shape != (cov.shape[0],) or not np.isin(signs, (-1.0, 1.0)).all():
        raise ValueError("keys must hold +1 or -1 for every item")
    return cov * np.outer(signs, signs)


def cronbach_alpha_from_covariance(cov: Sequence[Sequence[float]] | np.ndarray,
                                   keys: Sequence[int] | None = None) -> AlphaResult:
    """Alpha of k items from their k x k covariance matrix.

    ``raw = k / (k - 1) * (1 - trace(C) / sum(C))``; ``std`` is the same formula on the
    correlation matrix. ``keys`` (+1 / -1 per item, like psych's ``keys``) reverse items:
    reversing ``v -> c - v`` flips the sign of that item's covariances and leaves its variance.
    """
    c = _keyed(np.asarray(cov, dtype=float), keys)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or c.shape[0] < 2:
        raise ValueError("need a square covariance matrix of at least two items")
    if not np.allclose(c, c.T):
        raise ValueError("a covariance matrix is symmetric")
    k = c.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = k / (k - 1) * (1 - np.trace(c) / c.sum())
        sd = np.sqrt(np.diag(c))
        r = c / np.outer(sd, sd)
        std = k / (k - 1) * (1 - k / r.sum())
        average_r = (r.sum() - k) / (k * (k - 1))
    return AlphaResult(float(raw), float(std), float(average_r), k, None)


def item_covariance(items: Sequence[Sequence[float | None]] | np.ndarray,
                    missing: Literal["pairwise", "listwise"] = "pairwise") -> np.ndarray:
    """Sample covariance matrix (ddof 1) of the columns of a respondents x items matrix whose
    missing answers are None or NaN; see the module docstring for ``missing``."""
    x = _matrix(items)
    if missing == "listwise":
        x = x[~np.isnan(x).any(axis=1)]
        if len(x) < 2:
            raise ValueError("fewer than two complete respondents")
        return np.cov(x, rowvar=False)
    if missing != "pairwise":
        raise ValueError("missing must be 'pairwise' or 'listwise'")
    k = x.shape[1]
    cov = np.empty((k, k))
    present = ~np.isnan(x)
    for i in range(k):
        for j in range(i, k):
            both = present[:, i] & present[:, j]
            if both.sum() < 2:
                raise ValueError(f"items {i} and {j} have fewer than two answers in common")
            a, b = x[both, i], x[both, j]
            cov[i, j] = cov[j, i] = float(((a - a.mean()) * (b - b.mean())).sum()
                                          / (both.sum() - 1))
    return cov


def _matrix(items: Sequence[Sequence[float | None]] | np.ndarray) -> np.ndarray:
    if isinstance(items, np.ndarray):
        x = items.astype(float)
    else:
        x = np.array([[np.nan if v is None else float(v) for v in row] for row in items])
    if x.ndim != 2 or x.shape[1] < 2:
        raise ValueError("need a respondents x items matrix with at least two items")
    return x


def cronbach_alpha(items: Sequence[Sequence[float | None]] | np.ndarray,
                   keys: Sequence[int] | None = None,
                   missing: Literal["pairwise", "listwise"] = "pairwise") -> AlphaResult:
    """Alpha from raw answers (rows = respondents, columns = items; None/NaN = not answered).
    ``keys`` reverse items (+1 / -1 per item). Same figures as ``psych::alpha`` with its
    default pairwise covariances."""
    x = _matrix(items)
    result = cronbach_alpha_from_covariance(item_covariance(x, missing), keys)
    complete = int((~np.isnan(x).any(axis=1)).sum())
    return AlphaResult(result.raw_alpha, result.std_alpha, result.average_r, result.n_items,
                       complete)


def feldt_interval(alpha: float, n: int, k: int, confidence: float = 0.95
                   ) -> tuple[float, float] | None:
    """Feldt's (1965) confidence interval of Cronbach's alpha from ``n`` respondents and
    ``k`` items: ``(1 - alpha) / (1 - true alpha)`` follows F with ``n - 1`` and
    ``(n - 1)(k - 1)`` degrees of freedom. The same interval as ``psych::alpha.ci``.
    None when it is undefined (n < 2, k < 2, alpha not a number)."""
    if n < 2 or k < 2 or not np.isfinite(alpha):
        return None
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    low = 1 - (1 - alpha) * float(f_distribution.ppf(1 - tail, df1, df2))
    high = 1 - (1 - alpha) * float(f_distribution.ppf(tail, df1, df2))
    return low, high
