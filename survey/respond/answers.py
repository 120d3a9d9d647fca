"""Validation of answers as they arrive from a form (text values) into stored values.

Plain functions instead of WTForms: the questions are data, and a submission of twenty
answers is on the hot path. Each error is a message for the question's field; a form with
any error stores nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import LazyString

from core.i18n import _l
from core.inputs import clean_text
from survey.models import (
    AGREEMENT,
    CANNOT_ANSWER,
    CHOICE,
    FREE_TEXT,
    NUMBER,
    SCALE_0_10,
    YES_NO,
)
from survey.spec import QuestionSpec

#: the form value of "cannot answer"
CANNOT_ANSWER_FIELD = "na"
#: longer number input is certainly not a whole number we accept
MAX_NUMBER_DIGITS = 12

Value = int | str
Errors = dict[str, LazyString | str]


def _integer(raw: str) -> int | None:
    text = raw.strip().replace("\u2212", "-")
    if not text or len(text) > MAX_NUMBER_DIGITS:
        return None
    sign = text[0] in "+-"
    digits = text[1:] if sign else text
    if not digits.isascii() or not digits.isdigit():
        return None
    return int(text)


def parse_answer(question: QuestionSpec, raw: str | None) -> tuple[Value | None, str | None]:
    """(stored value or None for no answer, error message or None)."""
    text = (raw or "").strip() if question.type != FREE_TEXT else (raw or "")
    if question.type == FREE_TEXT:
        # control characters are invisible in the answer box: taken out, not refused
        text = clean_text(text, multiline=True).replace("\r\n", "\n").strip()
        if not text:
            return None, None
        limit = question.max_length or 0
        if limit and len(text) > limit:
            return None, _l(
                "Write at most %(limit)d characters (you wrote %(length)d).",
                limit=limit, length=len(text),
            )
        return text, None
    if not text:
        return None, None
    if question.type in (AGREEMENT, SCALE_0_10):
        if text == CANNOT_ANSWER_FIELD and question.allow_cannot_answer:
            return CANNOT_ANSWER, None
        low, high = (1, question.points or 5) if question.type == AGREEMENT else (0, 10)
        value = _integer(text)
        if value is None or not low <= value <= high:
            return None, _l("Choose one of the alternatives.")
        return value, None
    if question.type == YES_NO:
        if text not in ("0", "1"):
            return None, _l("Choose yes or no.")
        return int(text), None
    if question.type == CHOICE:
        value = _integer(text)
        if value is None or value not in {o.value for o in question.options}:
            return None, _l("Choose one of the alternatives.")
        return value, None
    if question.type == NUMBER:
        value = _integer(text)
        if value is None:
            return None, _l("Enter a whole number, digits only.")
        return _check_bounds(question, value)
    return None, _l("Choose one of the alternatives.")


def _check_bounds(question: QuestionSpec, value: int) -> tuple[Value | None, str | None]:
    low, high = question.min_value, question.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            return None, _l("Enter a number from %(low)d to %(high)d.", low=low, high=high)
        if low is not None:
            return None, _l("Enter a number of at least %(low)d.", low=low)
        return None, _l("Enter a number of at most %(high)d.", high=high)
    return value, None


def validate_answers(
    questions: Iterable[QuestionSpec],
    form: Mapping[str, str],
    *,
    check_required: bool = True,
) -> tuple[dict[int, Value | None], Errors]:
    """Parse the answers to ``questions`` from ``form`` (field names ``q<id>``).

    Returns ({question id: value, or None when left empty}, {field name: message}).
    With ``check_required`` False (going back, continuing later) empty required answers
    are accepted for now; they are checked again on the way forward and at submission."""
    values: dict[int, Value | None] = {}
    errors: Errors = {}
    for question in questions:
        value, error = parse_answer(question, form.get(question.field_name))
        if error is None and value is None and question.required and check_required:
            error = _l("Please answer this question.")
        if error is not None:
            errors[question.field_name] = error
        else:
            values[question.id] = value
    return values, errors


def missing_required(
    questions: Iterable[QuestionSpec], answers: Mapping[int, Value | None]
) -> list[QuestionSpec]:
    """Required questions without an answer."""
    return [q for q in questions if q.required and answers.get(q.id) is None]


def form_value(question: QuestionSpec, value: Value | None) -> str:
    """The form representation of a stored value (to fill a form again)."""
    if value is None:
        return ""
    if value == CANNOT_ANSWER and question.type in (AGREEMENT, SCALE_0_10):
        return CANNOT_ANSWER_FIELD
    return str(value)
