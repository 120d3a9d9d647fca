"""How far a sub-goal has come: pure functions over numbers and dates (no Flask, no database).

Progress is the share of the way from the baseline to the target that the latest value has
covered: ``(latest - baseline) / (target - baseline)``, the same formula whichever direction
is better (both differences change sign together). It is shown clipped to 0..1; the raw share
says whether the value moved the wrong way (below 0) or went past the target (above 1).

Status, from the latest reading:

- ``reached``: the value is at the target or beyond it in the good direction;
- ``on-track``: not reached, but at least as far as the time elapsed since the baseline asks
  for (a straight line from baseline to target at the deadline), and the deadline has not
  passed at the reading;
- ``behind``: otherwise;
- ``no-data``: no figure (none reported, or withheld by the disclosure gate), or the only
  figure is the baseline itself.

A survey figure carries a 95 % interval. When the interval includes the target the reading
is ``uncertain``: the data cannot tell whether the target is reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

REACHED, ON_TRACK, BEHIND, NO_DATA = "reached", "on-track", "behind", "no-data"
STATUSES = (REACHED, ON_TRACK, BEHIND, NO_DATA)


@dataclass(frozen=True)
class Reading:
    """A value of an indicator for one period, or the reason it has none.

    ``on`` is the date the value describes (the end of a half-year, the closing day of a
    survey wave); ``period`` is its label; ``ci`` the 95 % interval of a survey figure."""

    value: float | None
    on: date | None
    period: str
    ci: tuple[float, float] | None = None
    reason: str | None = None

    @property
    def shown(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Progress:
    status: str
    #: share of the way, clipped to 0..1 (None without data)
    share: float | None = None
    #: share of the way before clipping: < 0 moved the wrong way, > 1 went past the target
    raw_share: float | None = None
    #: the share the elapsed time asks for at the reading's date
    expected_share: float | None = None
    #: the interval of the share (survey figures), unclipped, low end first
    raw_share_ci: tuple[float, float] | None = None
    uncertain: bool = False
    reading: Reading | None = None

    @property
    def moved_wrong_way(self) -> bool:
        return self.raw_share is not None and self.raw_share < 0


def share_of_way(baseline: float, target: float, value: float) -> float:
    """``(value - baseline) / (target - baseline)``; ValueError when target equals baseline."""
    if target == baseline:
        raise ValueError("the target must differ from the baseline")
    return (value - baseline) / (target - baseline)


def clip(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def elapsed_share(start: date, end: date, on: date) -> float:
    """How much of the time from ``start`` to ``end`` has passed ``on`` that day (0..1)."""
    if end <= start:
        return 1.0
    return clip((on - start).days / (end - start).days)


def is_reached(value: float, target: float, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def straddles(ci: tuple[float, float] | None, target: float) -> bool:
    """True when the interval includes the target."""
    return ci is not None and min(ci) <= target <= max(ci)


def compute_progress(*, baseline: float, target: float, higher_is_better: bool,
                     baseline_on: date | None, deadline: date,
                     reading: Reading | None) -> Progress:
    """The progress of a sub-goal given its latest reading (see the module docstring).

    Raises ValueError when the target equals the baseline or lies on the wrong side of it
    for the direction (a target lower than the baseline when higher is better)."""
    if target == baseline:
        raise ValueError("the target must differ from the baseline")
    if (target > baseline) != higher_is_better:
        raise ValueError("the target must be better than the baseline")
    if reading is None or reading.value is None:
        return Progress(NO_DATA, reading=reading)
    if baseline_on is not None and reading.on is not None and reading.on <= baseline_on:
        return Progress(NO_DATA, reading=reading)
    raw = share_of_way(baseline, target, reading.value)
    share_ci = None
    if reading.ci is not None:
        ends = sorted(share_of_way(baseline, target, v) for v in reading.ci)
        share_ci = (ends[0], ends[1])
    expected = None
    if baseline_on is not None and reading.on is not None:
        expected = elapsed_share(baseline_on, deadline, reading.on)
    if is_reached(reading.value, target, higher_is_better):
        status = REACHED
    elif reading.on is not None and reading.on >= deadline:
        status = BEHIND
    elif expected is None or raw >= expected:
        status = ON_TRACK
    else:
        status = BEHIND
    return Progress(status, clip(raw), raw, expected, share_ci,
                    straddles(reading.ci, target), reading)


# -- the bar drawn for a sub-goal -------------------------------------------------------------

BAR_WIDTH = 300.0
BAR_MARGIN = 8.0
#: the drawn axis covers this range of the share of the way at most
AXIS_LIMITS = (-0.5, 1.5)


@dataclass(frozen=True)
class BarGeometry:
    """x positions (SVG user units, 0..``width``) of a progress bar on the share-of-the-way
    axis: the baseline (share 0) and the target (share 1), the latest value, its interval
    and the share expected by now."""

    width: float
    baseline_x: float
    target_x: float
    value_x: float | None
    ci_x: tuple[float, float] | None
    expected_x: float | None

    @property
    def fill(self) -> tuple[float, float] | None:
        """(x, width) of the filled part from the baseline to the value."""
        if self.value_x is None:
            return None
        left = min(self.baseline_x, self.value_x)
        return left, abs(self.value_x - self.baseline_x)


def bar_geometry(progress: Progress, width: float = BAR_WIDTH) -> BarGeometry:
    """Where to draw the parts of a progress bar. The axis runs from baseline to target,
    widened (up to :data:`AXIS_LIMITS`) when the value or its interval lies outside."""
    points = [0.0, 1.0]
    if progress.raw_share is not None:
        points.append(progress.raw_share)
    if progress.raw_share_ci is not None:
        points.extend(progress.raw_share_ci)
    low = max(AXIS_LIMITS[0], min(points))
    high = min(AXIS_LIMITS[1], max(points))
    usable = width - 2 * BAR_MARGIN

    def x(share: float) -> float:
        return round(BAR_MARGIN + (clip(share, low, high) - low) / (high - low) * usable, 1)

    ci = progress.raw_share_ci
    return BarGeometry(
        width=width, baseline_x=x(0.0), target_x=x(1.0),
        value_x=x(progress.raw_share) if progress.raw_share is not None else None,
        ci_x=(x(ci[0]), x(ci[1])) if ci else None,
        expected_x=x(progress.expected_share) if progress.expected_share is not None else None,
    )
