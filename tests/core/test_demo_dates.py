"""The demonstration's calendar: its story ends with the latest autumn survey that has closed
on the day it is loaded, whatever that day is."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.demo_dates import story_date, story_datetime, year_shift


@pytest.mark.parametrize(("today", "follow_up_closes"), [
    (date(2026, 12, 7), date(2026, 10, 5)),   # after this autumn's survey
    (date(2026, 10, 6), date(2026, 10, 5)),   # the day after it closed
    (date(2026, 10, 5), date(2025, 10, 5)),   # its last day: not closed yet
    (date(2027, 3, 1), date(2026, 10, 5)),
])
def test_the_follow_up_survey_is_the_latest_closed_autumn(today, follow_up_closes):
    assert story_date(date(2018, 10, 5), today) == follow_up_closes
    assert year_shift(today) == follow_up_closes.year - 2018


def test_leap_days_and_times_move_with_the_story():
    today = date(2026, 12, 7)  # a shift of 8 years: 2016 becomes 2024, a leap year too
    assert story_date(date(2016, 2, 29), today) == date(2024, 2, 29)
    assert story_date(date(2016, 2, 29), date(2027, 12, 7)) == date(2025, 2, 28)
    assert story_datetime(datetime(2017, 6, 8, 13, 0), today) == datetime(2025, 6, 8, 13, 0)
