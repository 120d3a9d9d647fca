"""Progress of a sub-goal from its latest reading: pure functions, no database."""

from __future__ import annotations

from datetime import date

import pytest

from steering.plan.indicators import (
    check_value,
    half_year_end,
    half_year_of,
    parse_half_year,
    parse_number,
    split_indicator,
)
from steering.plan.progress import (
    BEHIND,
    NO_DATA,
    ON_TRACK,
    REACHED,
    Reading,
    bar_geometry,
    compute_progress,
    elapsed_share,
    share_of_way,
)

START = date(2017, 1, 1)
HALFWAY = date(2018, 1, 1)
DEADLINE = date(2019, 1, 1)


def progress(baseline, target, value, *, on=HALFWAY, ci=None, higher=None, deadline=DEADLINE):
    higher = target > baseline if higher is None else higher
    reading = Reading(value, on, "2018", ci) if value is not None or on else None
    return compute_progress(baseline=baseline, target=target, higher_is_better=higher,
                            baseline_on=START, deadline=deadline, reading=reading)


def test_share_of_the_way_is_the_same_formula_in_both_directions():
    assert share_of_way(50, 60, 55) == pytest.approx(0.5)
    assert share_of_way(20, 15, 17) == pytest.approx(0.6)
    assert share_of_way(20, 15, 22) == pytest.approx(-0.4)
    with pytest.raises(ValueError):
        share_of_way(10, 10, 12)


def test_elapsed_share_is_clipped():
    assert elapsed_share(START, DEADLINE, HALFWAY) == pytest.approx(365 / 730)
    assert elapsed_share(START, DEADLINE, date(2016, 1, 1)) == 0
    assert elapsed_share(START, DEADLINE, date(2020, 1, 1)) == 1
    assert elapsed_share(DEADLINE, START, HALFWAY) == 1


def test_higher_is_better_on_track_and_behind():
    ahead = progress(50, 60, 56)
    assert (ahead.status, ahead.share) == (ON_TRACK, pytest.approx(0.6))
    assert ahead.expected_share == pytest.approx(0.5)
    behind = progress(50, 60, 52)
    assert behind.status == BEHIND
    assert behind.share == pytest.approx(0.2)
    assert not behind.uncertain


def test_lower_is_better_progress_reached_and_clipped():
    halfway = progress(20.0, 15.0, 17.0)
    assert halfway.status == ON_TRACK
    assert halfway.share == pytest.approx(0.6)
    past = progress(20.0, 15.0, 14.0)
    assert past.status == REACHED
    assert past.share == 1.0
    assert past.raw_share == pytest.approx(1.2)
    exactly = progress(20.0, 15.0, 15.0)
    assert exactly.status == REACHED


def test_a_value_moving_away_from_the_target_is_behind_and_shown_as_zero():
    worse = progress(20.0, 15.0, 22.0)
    assert worse.status == BEHIND
    assert worse.share == 0.0
    assert worse.moved_wrong_way


def test_after_the_deadline_an_unreached_target_is_behind():
    late = progress(50, 60, 59.5, on=date(2019, 6, 30))
    assert late.status == BEHIND
    assert late.share == pytest.approx(0.95)


def test_interval_straddling_the_target_is_uncertain():
    reached = progress(50, 60, 61, ci=(58.0, 64.0))
    assert reached.status == REACHED and reached.uncertain
    not_yet = progress(50, 60, 57, ci=(54.0, 60.5))
    assert not_yet.status == ON_TRACK and not_yet.uncertain
    assert not_yet.raw_share_ci == (pytest.approx(0.4), pytest.approx(1.05))
    clear = progress(50, 60, 63, ci=(61.0, 65.0))
    assert clear.status == REACHED and not clear.uncertain
    lower_better = progress(40, 30, 31, ci=(27.5, 34.5))
    assert lower_better.status == ON_TRACK
    assert lower_better.uncertain
    assert lower_better.raw_share_ci == (pytest.approx(0.55), pytest.approx(1.25))


def test_no_data_without_a_figure_or_with_only_the_baseline():
    assert progress(50, 60, None, on=None).status == NO_DATA
    hidden = compute_progress(baseline=50, target=60, higher_is_better=True, baseline_on=START,
                              deadline=DEADLINE,
                              reading=Reading(None, HALFWAY, "2018", reason="below_minimum"))
    assert hidden.status == NO_DATA and hidden.share is None
    same = progress(50, 60, 50, on=START)
    assert same.status == NO_DATA


def test_inconsistent_goals_are_refused():
    with pytest.raises(ValueError):
        progress(50, 50, 55)
    with pytest.raises(ValueError):
        progress(50, 60, 55, higher=False)


def test_bar_puts_baseline_left_of_target_in_both_directions():
    for p in (progress(50, 60, 55), progress(20, 15, 17)):
        bar = bar_geometry(p)
        assert bar.baseline_x < bar.value_x < bar.target_x
        assert bar.fill == (bar.baseline_x, pytest.approx(bar.value_x - bar.baseline_x))
    past = bar_geometry(progress(50, 60, 62, ci=(61.0, 63.0)))
    assert past.baseline_x < past.target_x < past.value_x <= past.width
    assert past.ci_x[0] < past.value_x < past.ci_x[1]
    wrong = bar_geometry(progress(50, 60, 45))
    assert wrong.value_x < wrong.baseline_x
    far = bar_geometry(progress(50, 60, 500))
    assert far.value_x <= far.width


def test_numbers_as_typed():
    assert parse_number("12,5") == 12.5
    assert parse_number(" 12.5 % ") == 12.5
    assert parse_number("1 250") == 1250
    assert parse_number("1\u00a0250,5") == 1250.5
    assert parse_number("\u22123") == -3
    for bad in ("", "abc", "1.234,5", "nan", "inf", "12,5,1"):
        assert parse_number(bad) is None


def test_half_years():
    assert parse_half_year("2018H1") == "2018H1"
    assert parse_half_year(" 2018-h2 ") == "2018H2"
    assert parse_half_year("2018 H2") == "2018H2"
    for bad in ("2018", "2018H3", "H1 2018", "1999H1", "2018-06"):
        assert parse_half_year(bad) is None
    assert half_year_end("2018H1") == date(2018, 6, 30)
    assert half_year_end("2018H2") == date(2018, 12, 31)
    assert half_year_of(date(2018, 7, 1)) == "2018H2"


def test_indicator_names_and_ranges(app):
    assert split_indicator("index:hme") == ("index", "hme")
    assert split_indicator("hr:sick-leave") == ("hr", "sick-leave")
    for bad in ("hme", "hr:salary", "foo:bar", "index:"):
        with pytest.raises(ValueError):
            split_indicator(bad)
    with app.test_request_context():
        assert check_value("hr", "turnover", 100) is None
        assert check_value("hr", "turnover", 100.5) is not None
        assert check_value("hr", "consultants", 250) is None
        assert check_value("hr", "consultants", -1) is not None
        assert check_value("index", "hme", 101) is not None
