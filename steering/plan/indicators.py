"""What a sub-goal can measure, and the half-year periods HR figures are reported for.

An indicator is named by a kind and a code, written ``kind:code`` in forms:

- ``index:<code>``: a survey index on 0–100 (``survey.library.INDEXES``: the HME total and
  its sub-indices, the workload index, or any index code an instrument defines);
- ``question:<code>``: a scale question's share of favourable answers, in percent (the good
  end of the scale: for a workload item, the share who do not report a heavy workload);
- ``hr:<code>``: an HR figure entered per district and half-year (:data:`HR_INDICATORS`).

Periods of HR figures are half-years written ``2018H1`` (January–June) and ``2018H2``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.i18n import _, _l, bilingual
from survey.library import INDEXES

INDEX, QUESTION, HR = "index", "question", "hr"
KINDS = (INDEX, QUESTION, HR)
HIGHER, LOWER = "higher", "lower"
DIRECTIONS = (HIGHER, LOWER)

TURNOVER, CONSULTANTS, SICK_LEAVE = "turnover", "consultants", "sick-leave"


@dataclass(frozen=True)
class HrIndicator:
    code: str
    label: object  #: a lazy string
    percent: bool  #: a percentage 0–100 (else a count)
    aliases: tuple[str, ...] = ()


HR_INDICATORS: dict[str, HrIndicator] = {
    TURNOVER: HrIndicator(TURNOVER, _l("Staff turnover (%)"), True,
                          ("personalomsattning", "personalomsättning", "omsattning")),
    CONSULTANTS: HrIndicator(CONSULTANTS, _l("Hired consultants (number)"), False,
                             ("konsulter", "antal-konsulter")),
    SICK_LEAVE: HrIndicator(SICK_LEAVE, _l("Sick leave (%)"), True,
                            ("sjukfranvaro", "sjukfrånvaro", "sick_leave")),
}

#: the survey indices offered first in the indicator list, in this order
SURVEY_INDEXES = ("hme", "hme-motivation", "hme-ledarskap", "hme-styrning", "workload")


def hr_indicator(code: str) -> HrIndicator | None:
    """An HR indicator by its code or one of its Swedish aliases (case-insensitive)."""
    wanted = code.strip().lower()
    for indicator in HR_INDICATORS.values():
        if wanted == indicator.code or wanted in indicator.aliases:
            return indicator
    return None


def split_indicator(value: str) -> tuple[str, str]:
    """``"index:hme"`` → ``("index", "hme")``; ValueError for anything else."""
    kind, sep, code = (value or "").partition(":")
    if not sep or kind not in KINDS or not code:
        raise ValueError(f"not an indicator: {value!r}")
    if kind == HR and code not in HR_INDICATORS:
        raise ValueError(f"unknown HR indicator {code!r}")
    return kind, code


def index_name(code: str) -> str:
    meta = INDEXES.get(code)
    if not meta:
        return code
    return bilingual(meta["name_sv"], meta["name_en"])


def default_direction(kind: str, code: str) -> str:
    """The usual good direction: lower for the workload index and every HR figure."""
    if kind == HR:
        return LOWER
    if kind == INDEX and not INDEXES.get(code, {}).get("higher_is_better", True):
        return LOWER
    return HIGHER


def is_percent(kind: str, code: str) -> bool:
    """Whether values of the indicator are percentages (0–100)."""
    if kind == HR:
        return HR_INDICATORS[code].percent
    return kind == QUESTION


#: the largest count an HR figure may be (hired consultants of one district in a half-year;
#: a district employs far fewer people than this)
COUNT_MAX = 10_000


def value_range(kind: str, code: str) -> tuple[float, float]:
    """Allowed values: 0–100 for indices and percentages, 0 to COUNT_MAX for counts."""
    if kind == INDEX or is_percent(kind, code):
        return 0.0, 100.0
    return 0.0, float(COUNT_MAX)


# -- half-years ------------------------------------------------------------------------------

HALF_YEAR = re.compile(r"^\s*(\d{4})\s*[-:]?\s*[Hh]\s*([12])\s*$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_half_year(text: str) -> str | None:
    """``"2018H1"``, ``"2018-h1"`` or ``"2018 H1"`` → ``"2018H1"``; None when it is not one."""
    match = HALF_YEAR.match(text or "")
    if not match:
        return None
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return f"{year}H{match.group(2)}"


def half_year_end(period: str) -> date:
    """The last day of a half-year: 30 June or 31 December."""
    year, half = int(period[:4]), period[-1]
    return date(year, 6, 30) if half == "1" else date(year, 12, 31)


def half_year_of(day: date) -> str:
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def half_year_label(period: str) -> str:
    """"2018H2" → "second half of 2018" in the active language."""
    year = int(period[:4])
    if period.endswith("1"):
        return _("first half of %(year)s", year=year)
    return _("second half of %(year)s", year=year)


def half_years(first_year: int, last_year: int) -> list[str]:
    """Every half-year from ``first_year``H1 to ``last_year``H2, oldest first."""
    return [f"{y}H{h}" for y in range(first_year, last_year + 1) for h in (1, 2)]


# -- numbers as people type them -------------------------------------------------------------

SPACES = (" ", "\u00a0", "\u202f", "\u2009")


def parse_number(text: str | None) -> float | None:
    """A number as typed in Swedish or English: ``"12,5"``, ``"12.5"``, ``"1 250"``, with an
    optional trailing ``%``. None when the text is not a finite number."""
    value = (text or "").strip().removesuffix("%").strip()
    for space in SPACES:
        value = value.replace(space, "")
    value = value.replace("\u2212", "-")
    if "," in value and "." in value:
        return None
    value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number


def check_value(kind: str, code: str, value: float) -> str | None:
    """Why ``value`` cannot be a value of the indicator, or None when it can."""
    low, high = value_range(kind, code)
    if not low <= value <= high:
        return _("Enter a value from %(low)s to %(high)s.", low=int(low), high=int(high))
    return None
