"""The public "you said, we did" pages: no login, readable on a phone. Only published ideas
appear, and of their answers only those the steering group marked public.

Every text shown here (an idea's wording, an answer, a café's summary) is masked when it is
saved and once more as it is shown, with the mask list as it is now: a word added to the
list later, or a text saved before masking covered it, never reaches the page."""

from __future__ import annotations

from flask import abort, render_template, request

from cafe.listings import published_idea_counts, published_ideas_stmt, published_summaries
from cafe.tablet.notes import masked_words
from cafe.texts import IDEA_STATUS_LABELS
from core.access import public
from core.db import get_session
from core.org.models import DevelopmentArea, District, by_code, list_active
from core.text import mask_personal_data
from core.web import paginate


@public
def index():
    return render_template(
        "cafe/public_index.html", districts=published_idea_counts(get_session())
    )


@public
def district(district_code: str):
    db = get_session()
    place = by_code(db, District, district_code)
    if place is None or not place.active:
        abort(404)
    area = by_code(db, DevelopmentArea, request.args.get("area", ""))
    page = paginate(db, published_ideas_stmt(place.id, area.id if area else None), per_page=20)
    return render_template(
        "cafe/public_district.html",
        district=place,
        page=page,
        area=area,
        areas=list_active(db, DevelopmentArea),
        summaries=published_summaries(db, place.id),
        status_labels=IDEA_STATUS_LABELS,
        masked=_masker(masked_words(db)),
    )


def _masker(words: list[str]):
    return lambda text: mask_personal_data(text or "", words).text
