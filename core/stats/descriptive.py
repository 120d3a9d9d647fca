"""Descriptive statistics over answer counts (value -> count), never raw rows. Pure functions.

Everything here is computed from a rollup: ``{1: 4, 2: 10, 3: 25, 4: 40, 5: 21}`` means 4
people answered 1, and so on. Figures are returned as frozen dataclasses; a figure that does
not exist for the data (the mean of nobody, a standard deviation of one answer) is ``None``.
Every figure still has to pass ``core.disclosure.gate`` before it is shown.

Scales and bands (:class:`Scale`): answers are first *scored* (reverse-scored items map
``v -> low + high - v``, i.e. ``points + 1 - v`` on a 1..k scale), so "favourable" and the
index always point the good way. On a 1..k agreement scale the top two scored points are
favourable, the bottom two unfavourable and the rest neutral (5 points: 4-5 / 3 / 1-2; 4 points:
3-4 / none / 1-2; 6 points: 5-6 / 3-4 / 1-2; 7 points: 6-7 / 3-5 / 1-2). On 0..10: 9-10
favourable, 7-8 neutral, 0-6 unfavourable (the promoter / passive / detractor split of NPS).
The 0-100 index of an answer is ``(score - low) / (high - low) * 100`` (HME: 1 -> 0, 2 -> 25,
..., 5 -> 100). Related modules: ``core.stats.significance`` (comparisons, multiplicity, change
verdicts) and ``core.stats.reliability`` (Cronbach's alpha).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from scipy import stats as sps

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """A confidence interval ``[low, high]``."""

    low: float
    high: float


@dataclass(frozen=True)
class Proportion:
    """``count`` of ``n`` with its share (0..1) and Wilson interval."""

    count: int
    n: int
    share: float
    ci: Interval


@dataclass(frozen=True)
class Moments:
    """n, mean, sample standard deviation (ddof 1) and t-based interval of the mean."""

    n: int
    mean: float | None
    sd: float | None
    ci: Interval | None


@lru_cache(maxsize=32)
def _z(confidence: float) -> float:
    """The normal quantile of a two-sided interval (a handful of confidences are used: kept,
    as scipy's quantile function costs far more than the interval itself)."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return float(sps.norm.ppf(0.5 + confidence / 2))


def wilson_interval(count: int, n: int, confidence: float = CONFIDENCE) -> Interval:
    """Wilson score interval for ``count`` successes in ``n`` trials (no continuity
    correction; Newcombe 1998, method 3). Stays inside [0, 1]; 0/n gives low 0, n/n high 1.
    Raises ValueError unless ``0 <= count <= n`` and ``n > 0``."""
    if n <= 0 or not 0 <= count <= n:
        raise ValueError(f"need 0 <= count <= n and n > 0 (got {count}/{n})")
    z = _z(confidence)
    p = count / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return Interval(low, high)


def proportion(count: int, n: int, confidence: float = CONFIDENCE) -> Proportion | None:
    """A share with its Wilson interval; None when ``n`` is 0 (a yes/no question, a band)."""
    if n == 0:
        return None
    return Proportion(count, n, count / n, wilson_interval(count, n, confidence))


def _check_counts(counts: Mapping[float, int]) -> None:
    for value, count in counts.items():
        if isinstance(count, bool) or int(count) != count or count < 0:
            raise ValueError(f"count for {value!r} must be a whole number >= 0 (got {count!r})")


def describe_counts(counts: Mapping[float, int], confidence: float = CONFIDENCE) -> Moments:
    """n, mean, sample SD and the t-based interval ``mean +- t(n-1) * sd / sqrt(n)`` of a
    numeric answer given as value -> count (e.g. "how many cases do you have?"). The mean is
    None for n = 0; SD and interval are None for n < 2."""
    _check_counts(counts)
    n = int(sum(counts.values()))
    if n == 0:
        return Moments(0, None, None, None)
    mean = sum(v * c for v, c in counts.items()) / n
    if n == 1:
        return Moments(1, mean, None, None)
    sd = math.sqrt(sum(c * (v - mean) ** 2 for v, c in counts.items()) / (n - 1))
    half = float(sps.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return Moments(n, mean, sd, Interval(mean - half, mean + half))


@dataclass(frozen=True)
class Scale:
    """An ordered answer scale ``low..high`` (whole numbers) with its bands on scored values:
    scored ``>= favourable_from`` is favourable, ``<= unfavourable_to`` unfavourable."""

    low: int
    high: int
    favourable_from: int
    unfavourable_to: int
    reverse: bool = False

    def __post_init__(self) -> None:
        if not self.low <= self.unfavourable_to < self.favourable_from <= self.high:
            raise ValueError("need low <= unfavourable_to < favourable_from <= high")

    @classmethod
    def agreement(cls, points: int = 5, reverse: bool = False) -> Scale:
        """1..points agreement scale (4-7 points): top two favourable, bottom two not."""
        if not 4 <= points <= 7:
            raise ValueError("agreement scales have 4 to 7 points")
        return cls(1, points, points - 1, 2, reverse)

    @classmethod
    def zero_to_ten(cls, reverse: bool = False) -> Scale:
        """0..10 scale: 9-10 favourable, 7-8 neutral, 0-6 unfavourable."""
        return cls(0, 10, 9, 6, reverse)

    @property
    def values(self) -> range:
        return range(self.low, self.high + 1)

    @property
    def has_neutral(self) -> bool:
        return self.favourable_from - self.unfavourable_to > 1

    def score(self, value: int) -> int:
        """The scored value: reversed items map ``v -> low + high - v``."""
        if value not in self.values:
            raise ValueError(f"{value!r} is not on the scale {self.low}..{self.high}")
        return self.low + self.high - value if self.reverse else value

    def to_index(self, scored: float) -> float:
        """A scored value (or a mean of scored values) on 0..100."""
        return (scored - self.low) / (self.high - self.low) * 100


@dataclass(frozen=True)
class Category:
    """One answer value as asked (not reversed), its count and share of the valid answers."""

    value: int
    count: int
    share: float | None


@dataclass(frozen=True)
class QuestionSummary:
    """Everything shown for one scale question; see :func:`summarize_question`."""

    scale: Scale
    n: int
    cannot_answer: int
    cannot_answer_share: Proportion | None
    distribution: tuple[Category, ...]
    mean: float | None
    sd: float | None
    mean_ci: Interval | None
    index: float | None
    index_ci: Interval | None
    favourable: Proportion | None
    neutral: Proportion | None
    unfavourable: Proportion | None


def summarize_question(counts: Mapping[int, int], scale: Scale, cannot_answer: int = 0,
                       confidence: float = CONFIDENCE) -> QuestionSummary:
    """Figures of one scale question from its answer counts.

    ``n`` counts valid answers; "cannot answer" is excluded from every figure and reported as
    its share of everyone who answered the question (``n + cannot_answer``). ``distribution``
    lists every scale value as asked (zeros included, shares of ``n``). Mean, SD and the
    t-interval are on scored values; ``index`` and ``index_ci`` are the same on 0..100.
    The three bands are shares of ``n`` with Wilson intervals; ``neutral`` is None on a scale
    without a neutral band (4 points). Figures are None when n is too small for them.
    Raises ValueError for a value off the scale or a negative count.
    """
    _check_counts(counts)
    _check_counts({"cannot answer": cannot_answer})
    scored: dict[int, int] = {}
    for value, count in counts.items():
        s = scale.score(value)
        scored[s] = scored.get(s, 0) + int(count)
    moments = describe_counts(scored, confidence)
    n = moments.n
    distribution = tuple(Category(v, int(counts.get(v, 0)),
                                  counts.get(v, 0) / n if n else None) for v in scale.values)
    fav = sum(c for s, c in scored.items() if s >= scale.favourable_from)
    unfav = sum(c for s, c in scored.items() if s <= scale.unfavourable_to)
    index = scale.to_index(moments.mean) if moments.mean is not None else None
    index_ci = (Interval(scale.to_index(moments.ci.low), scale.to_index(moments.ci.high))
                if moments.ci else None)
    return QuestionSummary(
        scale=scale, n=n, cannot_answer=int(cannot_answer),
        cannot_answer_share=proportion(int(cannot_answer), n + int(cannot_answer), confidence),
        distribution=distribution, mean=moments.mean, sd=moments.sd, mean_ci=moments.ci,
        index=index, index_ci=index_ci,
        favourable=proportion(fav, n, confidence),
        neutral=proportion(n - fav - unfav, n, confidence) if scale.has_neutral else None,
        unfavourable=proportion(unfav, n, confidence),
    )


@dataclass(frozen=True)
class IndexScore:
    """An index on 0..100: the mean of its items' 0..100 means, with a conservative interval."""

    score: float | None
    ci: Interval | None
    n_items: int
    n_min: int
    n_max: int


def index_score(items: Sequence[QuestionSummary], confidence: float = CONFIDENCE) -> IndexScore:
    """Index of several items (e.g. HME Motivation, or all nine HME items for the total).

    Score: the mean of the item indexes (items with no answers are left out). This equals the
    mean over respondents of their own mean item score when every respondent answered every
    item; with skipped items it weights each item equally instead of each respondent.
    Interval: rollups hold no item covariances, so the standard error is bounded from above by
    assuming perfectly correlated items, ``SE <= mean(SE_i)`` (Cauchy-Schwarz), with a t
    quantile on ``min(n_i) - 1`` degrees of freedom. It is never too narrow; for items that
    correlate ~0.5 it is ~20 % wider than the exact one. None when an item has n < 2.
    """
    used = [s for s in items if s.n > 0 and s.index is not None]
    if not used:
        return IndexScore(None, None, 0, 0, 0)
    ns = [s.n for s in used]
    score = sum(s.index for s in used) / len(used)
    ci = None
    if min(ns) >= 2:
        se = sum(s.scale.to_index(s.scale.low + s.sd) / math.sqrt(s.n) for s in used) / len(used)
        half = float(sps.t.ppf(0.5 + confidence / 2, min(ns) - 1)) * se
        ci = Interval(score - half, score + half)
    return IndexScore(score, ci, len(used), min(ns), max(ns))


@dataclass(frozen=True)
class ResponseRate:
    """Responses of a known headcount. ``ci`` is the Wilson interval of the response
    propensity; None when the headcount is exceeded (stale headcount: ``rate`` > 1)."""

    responses: int
    headcount: int
    rate: float
    ci: Interval | None
    exceeds_headcount: bool


def response_rate(responses: int, headcount: int | None, confidence: float = CONFIDENCE
                  ) -> ResponseRate | None:
    """Response rate where a headcount is known (None when it is not, or is 0). A rate
    reveals the count: gate it with ``core.disclosure.gate.publishable_count`` first."""
    if headcount is None or headcount == 0:
        return None
    if responses < 0 or headcount < 0:
        raise ValueError("responses and headcount cannot be negative")
    if responses > headcount:
        return ResponseRate(responses, headcount, responses / headcount, None, True)
    return ResponseRate(responses, headcount, responses / headcount,
                        wilson_interval(responses, headcount, confidence), False)
