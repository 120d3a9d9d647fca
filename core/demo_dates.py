"""The demonstration city's calendar. Its story is written for the years 2016–2019 (HR
figures from 2016, a café season in the summer of 2017, surveys in the autumns of 2017 and
2018, an action plan followed up into 2019) and is moved forward by whole years when it is
loaded, so that the follow-up survey is the latest autumn survey that has closed: past waves
are closed, the cafés were held and their ideas answered, and what happens now (a pulse
survey open today, a café coming up) happens around the day of loading."""

from __future__ import annotations

from datetime import date, datetime

#: the autumn of the story's follow-up survey
STORY_FOLLOW_UP_YEAR = 2018
#: an autumn survey of the story has closed by this day of the year (5 October 2018)
AUTUMN_CLOSED = (10, 6)


def year_shift(today: date) -> int:
    """Years to add to the story's dates, loaded on ``today``."""
    closed = date(today.year, *AUTUMN_CLOSED)
    latest_autumn = today.year if today >= closed else today.year - 1
    return latest_autumn - STORY_FOLLOW_UP_YEAR


def story_year(year: int, today: date | None = None) -> int:
    """A year of the story (2017) as the demonstration shows it."""
    return year + year_shift(today or date.today())


def story_date(day: date, today: date | None = None) -> date:
    """A date of the story moved forward (29 February becomes the 28th in other years)."""
    year = story_year(day.year, today)
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def story_datetime(moment: datetime, today: date | None = None) -> datetime:
    return datetime.combine(story_date(moment.date(), today), moment.time())
