"""Forms of the café pages. Choices (districts, roles, areas, facilitators) are filled in
by the views from the database."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from cafe.ideas.models import IDEA_STATUSES
from cafe.models import NOTE_KINDS
from cafe.texts import IDEA_STATUS_LABELS, NOTE_KIND_LABELS
from core.forms import BaseForm
from core.i18n import _l

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def optional_int(value):
    """Coerce for selects whose first choice is 'none'."""
    return int(value) if value not in (None, "", "None") else None


class CafeForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMAT, validators=[DataRequired()]
    )
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT, validators=[DataRequired()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    districts = MultiCheckboxField(_l("Hosting districts"), coerce=int)
    submit = SubmitField(_l("Save"))

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The café must end after it starts."))


def expected_field_name(role_id: int) -> str:
    return f"expected_{role_id}"


def cafe_form_class(staff_roles) -> type[CafeForm]:
    """A café form with one head-count field per staff role."""

    class _Form(CafeForm):
        pass

    for role in staff_roles:
        setattr(
            _Form,
            expected_field_name(role.id),
            IntegerField(
                role.name,
                validators=[Optional(), NumberRange(min=0, max=1000)],
                default=0,
            ),
        )
    return _Form


class CopyCafeForm(BaseForm):
    title = StringField(_l("Title of the new café"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMAT, validators=[DataRequired()]
    )
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT, validators=[DataRequired()])
    submit = SubmitField(_l("Create the copy"))

    validate_ends_at = CafeForm.validate_ends_at


class RoundForm(BaseForm):
    question_sv = TextAreaField(_l("Question in Swedish"), validators=[Length(max=1000)])
    question_en = TextAreaField(_l("Question in English"), validators=[Length(max=1000)])
    free = BooleanField(_l("Free conversation (no set question)"))
    development_area_id = SelectField(_l("Development area"), coerce=optional_int)
    minutes = IntegerField(
        _l("Minutes"), default=20, validators=[InputRequired(), NumberRange(min=1, max=240)]
    )
    submit = SubmitField(_l("Save round"))

    def validate_question_sv(self, field) -> None:
        if not self.free.data and not (field.data or "").strip() and not (
            self.question_en.data or ""
        ).strip():
            raise ValidationError(
                _l("Write the round's question, or mark it as a free conversation.")
            )


class TableForm(BaseForm):
    number = IntegerField(
        _l("Table number"), validators=[InputRequired(), NumberRange(min=1, max=999)]
    )
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=100)])
    facilitator_id = SelectField(_l("Facilitator"), coerce=optional_int)
    submit = SubmitField(_l("Save table"))


class NoteForm(BaseForm):
    """The plain (no JavaScript) note form; the offline queue posts JSON instead."""

    uuid = HiddenField()
    base_version = HiddenField(default="0")
    round_id = HiddenField()
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k, NOTE_KIND_LABELS[k]) for k in NOTE_KINDS],
        default="observation",
    )
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=2000)])
    areas = MultiCheckboxField(_l("Development areas"), coerce=int)
    votes = IntegerField(
        _l("Dot votes (ideas)"), default=0, validators=[Optional(), NumberRange(min=0, max=999)]
    )
    submit = SubmitField(_l("Save note"))


class ParticipantsForm(BaseForm):
    participants = IntegerField(
        _l("People at the table"), validators=[Optional(), NumberRange(min=0, max=100)]
    )
    submit = SubmitField(_l("Save count"))


class SummaryForm(BaseForm):
    summary = TextAreaField(_l("Plenary summary"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Save summary"))


class MaskedWordForm(BaseForm):
    word = StringField(_l("Word or name"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Add"))


class IdeaForm(BaseForm):
    status = SelectField(
        _l("Status"), choices=[SelectChoice(s, IDEA_STATUS_LABELS[s]) for s in IDEA_STATUSES]
    )
    development_area_id = SelectField(_l("Development area"), coerce=optional_int)
    public_text = TextAreaField(_l("Wording on the public page"),
                                validators=[Length(max=2000)])
    answer = TextAreaField(_l("Answer to the staff"), validators=[Length(max=5000)])
    answered_on = DateField(_l("Date of the answer"), validators=[Optional()])
    answer_public = BooleanField(_l("Show the answer on the public page"))
    published = BooleanField(_l("Publish the idea on the public page"))
    submit = SubmitField(_l("Save"))
