"""Administrator forms for waves (the respondent forms are built from the questions, see
``survey.respond.answers``)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import BaseForm
from core.i18n import _l
from survey.models import INVITATION_CODES, OPEN_LINK
from survey.waves.codes import MAX_CODES_PER_BATCH


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WaveForm(BaseForm):
    name = StringField(
        _l("Name in Swedish"), validators=[DataRequired(), Length(max=120)],
        description=_l("Shown to respondents, e.g. “Medarbetarenkät hösten 2019”."),
    )
    name_en = StringField(
        _l("Name in English"), validators=[Optional(), Length(max=120)],
        description=_l("Shown on the English pages, e.g. “Staff survey autumn 2019”. Without "
                       "it they show the Swedish name."),
    )
    instrument_id = SelectField(_l("Questionnaire"), coerce=int, validators=[InputRequired()])
    opens_on = DateField(_l("Opens on"), validators=[InputRequired()])
    closes_on = DateField(_l("Closes on (last day)"), validators=[InputRequired()])
    mode = RadioField(
        _l("How respondents reach the survey"),
        choices=[
            SelectChoice(OPEN_LINK,
                         _l("Open link: respondents choose their district, service area and role")),
            SelectChoice(INVITATION_CODES,
                         _l("Invitation codes: one single-use code per person, per unit")),
        ],
        default=OPEN_LINK,
        validators=[InputRequired()],
    )
    ask_district = BooleanField(_l("Ask for district"), default=True)
    ask_service_area = BooleanField(_l("Ask for service area"), default=True)
    ask_staff_role = BooleanField(_l("Ask for role"), default=True)
    dimensions = MultiCheckboxField(_l("Also ask"), coerce=int, validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.opens_on.data and self.closes_on.data and self.closes_on.data < self.opens_on.data:
            self.closes_on.errors.append(_l("The survey must close on or after the day it opens."))
            ok = False
        if self.mode.data == INVITATION_CODES and not self.ask_district.data:
            self.ask_district.errors.append(_l("Invitation codes are made per district."))
            ok = False
        return ok


class WaveDatesForm(BaseForm):
    name = StringField(_l("Name in Swedish"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=120)])
    opens_on = DateField(_l("Opens on"), validators=[InputRequired()])
    closes_on = DateField(_l("Closes on (last day)"), validators=[InputRequired()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.opens_on.data and self.closes_on.data and self.closes_on.data < self.opens_on.data:
            self.closes_on.errors.append(_l("The survey must close on or after the day it opens."))
            ok = False
        return ok


class CodesForm(BaseForm):
    district_id = SelectField(_l("District"), coerce=int, validators=[InputRequired()])
    service_area_id = SelectField(_l("Service area"), coerce=int, validators=[Optional()])
    staff_role_id = SelectField(_l("Role"), coerce=int, validators=[Optional()])
    count = IntegerField(
        _l("Number of codes"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_CODES_PER_BATCH)],
    )
