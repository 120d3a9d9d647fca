"""Validation of every question type, without the web layer."""

from __future__ import annotations

import pytest

from survey.models import CANNOT_ANSWER
from survey.respond.answers import CANNOT_ANSWER_FIELD, parse_answer, validate_answers
from survey.spec import OptionSpec, QuestionSpec

AGREE = QuestionSpec(1, "a", "agreement", "A", "A", points=5, allow_cannot_answer=True,
                     required=True)
AGREE7 = QuestionSpec(2, "a7", "agreement", "A", "A", points=7)
SCALE = QuestionSpec(3, "s", "scale10", "S", "S")
NUMBER = QuestionSpec(4, "n", "number", "N", "N", min_value=0, max_value=200)
CHOICE = QuestionSpec(5, "c", "choice", "C", "C",
                      options=(OptionSpec(1, "x", "x"), OptionSpec(5, "y", "y")))
YES_NO = QuestionSpec(6, "y", "yesno", "Y", "Y")
TEXT = QuestionSpec(7, "t", "text", "T", "T", max_length=10)


@pytest.mark.parametrize(
    ("question", "raw", "value"),
    [
        (AGREE, "1", 1), (AGREE, " 5 ", 5), (AGREE, CANNOT_ANSWER_FIELD, CANNOT_ANSWER),
        (AGREE7, "7", 7), (SCALE, "0", 0), (SCALE, "10", 10), (NUMBER, "0", 0),
        (NUMBER, "200", 200), (CHOICE, "5", 5), (YES_NO, "1", 1), (YES_NO, "0", 0),
        (TEXT, "  hej  ", "hej"), (TEXT, "x" * 10, "x" * 10), (AGREE, "", None),
        (TEXT, "   ", None),
    ],
)
def test_valid_answers(question, raw, value):
    assert parse_answer(question, raw) == (value, None)


@pytest.mark.parametrize(
    ("question", "raw"),
    [
        (AGREE, "0"), (AGREE, "6"), (AGREE, "abc"), (AGREE, "3.5"), (AGREE7, "8"),
        (SCALE, "11"), (SCALE, "-1"), (SCALE, CANNOT_ANSWER_FIELD),  # not offered here
        (NUMBER, "-1"), (NUMBER, "201"), (NUMBER, "12.5"), (NUMBER, "tolv"),
        (NUMBER, "9" * 5000), (NUMBER, "١٢"),  # Arabic-Indic digits are not accepted
        (CHOICE, "2"), (CHOICE, "x"), (YES_NO, "2"), (YES_NO, "yes"), (TEXT, "x" * 11),
    ],
)
def test_invalid_answers_give_a_message(question, raw):
    value, error = parse_answer(question, raw)
    assert value is None
    assert str(error)


def test_number_bounds_message_names_the_bounds(app):
    with app.test_request_context():
        _, error = parse_answer(NUMBER, "500")
        assert "0" in str(error) and "200" in str(error)
        _, error = parse_answer(TEXT, "x" * 12)
        assert "10" in str(error) and "12" in str(error)


def test_required_missing_and_optional_missing():
    values, errors = validate_answers([AGREE, SCALE], {})
    assert set(errors) == {"q1"}
    assert values == {3: None}
    values, errors = validate_answers([AGREE, SCALE], {}, check_required=False)
    assert errors == {}
    assert values == {1: None, 3: None}


def test_scores_follow_hme_and_reverse_keys():
    assert [AGREE.score(v) for v in range(1, 6)] == [0, 25, 50, 75, 100]
    assert AGREE.score(CANNOT_ANSWER) is None
    reverse = QuestionSpec(9, "r", "agreement", "R", "R", points=4, reverse_scored=True)
    assert [round(reverse.score(v)) for v in range(1, 5)] == [100, 67, 33, 0]
