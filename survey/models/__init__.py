"""The survey package's models (instruments, waves, anonymous responses, counters)."""

from survey.models.instrument import (
    AGREEMENT,
    CANNOT_ANSWER,
    CHOICE,
    COUNTED_TYPES,
    DEFAULT_POINTS,
    DEFAULT_TEXT_LENGTH,
    FREE_TEXT,
    MAX_POINTS,
    MIN_POINTS,
    NUMBER,
    QUESTION_TYPES,
    SCALE_0_10,
    YES_NO,
    ChoiceOption,
    Instrument,
    Question,
    Section,
)
from survey.models.response import (
    Answer,
    FreeTextAnswer,
    Response,
    ResponseCount,
    ResumeDraft,
    Rollup,
    UsedSubmissionToken,
)
from survey.models.wave import (
    CLOSED,
    INVITATION_CODES,
    MODES,
    NOT_PUBLISHED,
    NOT_YET_OPEN,
    OPEN,
    OPEN_LINK,
    STATE_CLOSED,
    STATE_DRAFT,
    STATE_OPEN,
    Headcount,
    InvitationCode,
    Wave,
    wave_dimension,
    wave_status,
)

__all__ = [
    "AGREEMENT", "CANNOT_ANSWER", "CHOICE", "COUNTED_TYPES", "DEFAULT_POINTS",
    "DEFAULT_TEXT_LENGTH", "FREE_TEXT", "MAX_POINTS", "MIN_POINTS", "NUMBER", "QUESTION_TYPES",
    "SCALE_0_10", "YES_NO", "ChoiceOption", "Instrument", "Question", "Section",
    "Answer", "FreeTextAnswer", "Response", "ResponseCount", "ResumeDraft", "Rollup",
    "UsedSubmissionToken",
    "CLOSED", "INVITATION_CODES", "MODES", "NOT_PUBLISHED", "NOT_YET_OPEN", "OPEN", "OPEN_LINK",
    "STATE_CLOSED", "STATE_DRAFT", "STATE_OPEN", "Headcount", "InvitationCode", "Wave",
    "wave_dimension", "wave_status",
]
