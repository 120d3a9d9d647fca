"""Translatable labels of the café's fixed codes (note kinds, café and idea statuses)."""

from __future__ import annotations

from cafe.ideas.models import CONSIDERING, DONE, NEW, NOT_PURSUED, PLANNED
from cafe.models import CLOSED, CONCERN, DRAFT, IDEA, OBSERVATION, OPEN, QUESTION
from core.i18n import _l

NOTE_KIND_LABELS = {
    OBSERVATION: _l("Observation"),
    IDEA: _l("Idea or proposal"),
    CONCERN: _l("Concern"),
    QUESTION: _l("Question"),
}
CAFE_STATUS_LABELS = {DRAFT: _l("Draft"), OPEN: _l("Open"), CLOSED: _l("Closed")}
IDEA_STATUS_LABELS = {
    NEW: _l("New"),
    CONSIDERING: _l("Being considered"),
    PLANNED: _l("Planned"),
    DONE: _l("Done"),
    NOT_PURSUED: _l("Not pursued"),
}
