"""Forms of the questionnaire editor. The question form carries the settings of every type;
the page shows only those of the question's type and ``validate`` checks only those, so
each message lands next to the field it is about."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from core.forms import BaseForm, BaseSubForm
from core.i18n import _l
from survey.models import (
    AGREEMENT,
    CHOICE,
    DEFAULT_POINTS,
    DEFAULT_TEXT_LENGTH,
    FREE_TEXT,
    MAX_POINTS,
    MIN_POINTS,
    NUMBER,
    SCALE_0_10,
)

CODE_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
CODE_MESSAGE = _l("Use lower-case letters a–z, digits and '-' (for example hme-motivation).")
#: the longest free-text limit an administrator may set
MAX_TEXT_LIMIT = 10000
#: blank option rows offered below the existing options (no JavaScript needed)
SPARE_OPTION_ROWS = 3
NUMBER_LIMIT = 1_000_000_000

TYPE_LABELS = {
    AGREEMENT: _l("Agreement scale"),
    SCALE_0_10: _l("Scale 0–10"),
    NUMBER: _l("Whole number"),
    CHOICE: _l("Single choice"),
    "yesno": _l("Yes or no"),
    FREE_TEXT: _l("Free text"),
}
NO_CHOICE = 0


def _code_field(label, required: bool = True, **kwargs: Any) -> StringField:
    first = DataRequired() if required else Optional()
    return StringField(
        label, validators=[first, Length(max=60), Regexp(CODE_PATTERN, message=CODE_MESSAGE)],
        filters=[lambda v: v.strip() if v else v], **kwargs,
    )


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


class InstrumentForm(BaseForm):
    code = _code_field(_l("Code"))
    title_sv = StringField(
        _l("Title (Swedish)"), validators=[DataRequired(), Length(max=200)], filters=[_strip]
    )
    title_en = StringField(_l("Title (English)"), validators=[Length(max=200)], filters=[_strip])
    intro_sv = TextAreaField(_l("Introduction (Swedish)"), filters=[_strip])
    intro_en = TextAreaField(_l("Introduction (English)"), filters=[_strip])


class SectionForm(BaseForm):
    title_sv = StringField(
        _l("Heading (Swedish)"), validators=[DataRequired(), Length(max=200)], filters=[_strip]
    )
    title_en = StringField(
        _l("Heading (English)"), validators=[Length(max=200)], filters=[_strip]
    )
    intro_sv = TextAreaField(_l("Introduction (Swedish)"), filters=[_strip])
    intro_en = TextAreaField(_l("Introduction (English)"), filters=[_strip])


class OptionForm(BaseSubForm):
    """One row of a single-choice question's options (a blank row is ignored)."""

    value = IntegerField(
        _l("Stored value"), validators=[Optional(), NumberRange(min=-NUMBER_LIMIT,
                                                                max=NUMBER_LIMIT)]
    )
    label_sv = StringField(_l("Option (Swedish)"), validators=[Length(max=200)],
                           filters=[_strip])
    label_en = StringField(_l("Option (English)"), validators=[Length(max=200)],
                           filters=[_strip])


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(BaseForm):
    code = _code_field(
        _l("Code"),
        description=_l("Stays the same in new versions, so that waves can be compared."),
    )
    text_sv = TextAreaField(_l("Question (Swedish)"), validators=[DataRequired()],
                            filters=[_strip])
    text_en = TextAreaField(_l("Question (English)"), filters=[_strip])
    help_sv = TextAreaField(_l("Help text (Swedish)"), filters=[_strip])
    help_en = TextAreaField(_l("Help text (English)"), filters=[_strip])
    required = BooleanField(_l("An answer is required"))
    section_id = SelectField(_l("Section"), coerce=int)
    index_code = _code_field(_l("Index"), required=False)
    development_area_id = SelectField(_l("Development area"), coerce=int, default=NO_CHOICE)
    # agreement scale and 0–10
    points = SelectField(
        _l("Number of points"), coerce=int, default=DEFAULT_POINTS,
        choices=[SelectChoice(n, str(n)) for n in range(MIN_POINTS, MAX_POINTS + 1)],
    )
    labels_sv = TextAreaField(_l("Labels (Swedish)"))
    labels_en = TextAreaField(_l("Labels (English)"))
    allow_cannot_answer = BooleanField(_l("Offer “cannot answer” (left out of statistics)"))
    reverse_scored = BooleanField(_l("Reverse-scored (agreeing is the unfavourable answer)"))
    # whole number
    min_value = IntegerField(
        _l("Lowest allowed number"),
        validators=[Optional(), NumberRange(min=-NUMBER_LIMIT, max=NUMBER_LIMIT)],
    )
    max_value = IntegerField(
        _l("Highest allowed number"),
        validators=[Optional(), NumberRange(min=-NUMBER_LIMIT, max=NUMBER_LIMIT)],
    )
    unit_sv = StringField(_l("Unit (Swedish)"), validators=[Length(max=60)], filters=[_strip])
    unit_en = StringField(_l("Unit (English)"), validators=[Length(max=60)], filters=[_strip])
    # free text
    max_length = IntegerField(
        _l("Longest answer (characters)"), default=DEFAULT_TEXT_LENGTH,
        validators=[Optional(), NumberRange(min=1, max=MAX_TEXT_LIMIT)],
    )
    # single choice
    options = FieldList(FormField(OptionForm), min_entries=0)

    def __init__(self, qtype: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.qtype = qtype
        #: a message about the options as a whole (too few, repeated values)
        self.options_error: str | None = None

    def add_spare_rows(self) -> None:
        filled = sum(1 for row in self.options if row.label_sv.data)
        while len(self.options) < filled + SPARE_OPTION_ROWS:
            self.options.append_entry()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.qtype in (AGREEMENT, SCALE_0_10):
            ok = self._check_labels() and ok
        if self.qtype == NUMBER:
            low, high = self.min_value.data, self.max_value.data
            if low is not None and high is not None and low > high:
                self.max_value.errors.append(
                    _l("The highest number must not be below the lowest.")
                )
                ok = False
        if self.qtype == FREE_TEXT and self.max_length.data is None:
            self.max_length.errors.append(_l("Give the longest answer allowed."))
            ok = False
        if self.qtype == CHOICE:
            ok = self._check_options() and ok
        return ok

    def _check_labels(self) -> bool:
        wanted = self.points.data if self.qtype == AGREEMENT else 2
        ok = True
        for field in (self.labels_sv, self.labels_en):
            given = len(_lines(field.data))
            if given and given != wanted:
                if self.qtype == AGREEMENT:
                    field.errors.append(_l(
                        "Write one label per point, lowest first: %(n)d lines (now %(m)d).",
                        n=wanted, m=given,
                    ))
                else:
                    field.errors.append(_l(
                        "Write two lines: what 0 means, then what 10 means (now %(m)d).",
                        m=given,
                    ))
                ok = False
        return ok

    def _check_options(self) -> bool:
        ok = True
        for row in self.options:
            if row.label_en.data and not row.label_sv.data:
                row.label_sv.errors.append(_l("Write the Swedish text of the option."))
                ok = False
            if row.value.data is not None and not row.label_sv.data:
                row.label_sv.errors.append(_l("Write the option, or clear its value."))
                ok = False
        if ok:
            values = [r.value.data for r in self.options if r.label_sv.data and r.value.data
                      is not None]
            if len(values) != len(set(values)):
                self.options_error = _l("Two options have the same stored value.")
                ok = False
            elif len(self.option_rows()) < 2:
                self.options_error = _l("A single choice needs at least two options.")
                ok = False
        return ok

    def option_rows(self) -> list[dict[str, Any]]:
        """The filled rows as option definitions; a missing value becomes the next free
        number, so answers keep their value when options are added later."""
        rows = [r for r in self.options if r.label_sv.data]
        taken = {r.value.data for r in rows if r.value.data is not None}
        result = []
        next_value = 1
        for row in rows:
            value = row.value.data
            if value is None:
                while next_value in taken:
                    next_value += 1
                value = next_value
                taken.add(value)
            result.append({"value": value, "label_sv": row.label_sv.data,
                           "label_en": row.label_en.data or ""})
        return result

    def field_data(self) -> dict[str, Any]:
        """Data for ``survey.editor.editing.question_fields``."""
        return {
            "code": self.code.data, "text_sv": self.text_sv.data, "text_en": self.text_en.data,
            "help_sv": self.help_sv.data, "help_en": self.help_en.data,
            "required": self.required.data, "index_code": self.index_code.data or None,
            "development_area_id": self.development_area_id.data or None,
            "points": self.points.data, "labels_sv": _lines(self.labels_sv.data),
            "labels_en": _lines(self.labels_en.data),
            "allow_cannot_answer": self.allow_cannot_answer.data,
            "reverse_scored": self.reverse_scored.data, "min_value": self.min_value.data,
            "max_value": self.max_value.data, "unit_sv": self.unit_sv.data,
            "unit_en": self.unit_en.data, "max_length": self.max_length.data,
        }

    def fill_from(self, question) -> None:
        """Show a stored question (the GET of the edit page)."""
        for name in ("code", "text_sv", "text_en", "help_sv", "help_en", "required",
                     "index_code", "allow_cannot_answer", "reverse_scored", "min_value",
                     "max_value", "unit_sv", "unit_en", "max_length"):
            getattr(self, name).data = getattr(question, name)
        self.section_id.data = question.section_id
        self.development_area_id.data = question.development_area_id or NO_CHOICE
        self.points.data = question.points or DEFAULT_POINTS
        self.labels_sv.data = "\n".join(question.labels_sv or ())
        self.labels_en.data = "\n".join(question.labels_en or ())
        for option in question.options:
            self.options.append_entry(
                {"value": option.value, "label_sv": option.label_sv, "label_en": option.label_en}
            )
