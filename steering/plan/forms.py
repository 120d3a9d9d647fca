"""Forms of the action plan pages. Choices (districts, areas, indicators, periods) are filled
in by the views; checks that need the data are made by ``steering.plan.services`` and shown
on the field they concern."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from core.forms import BaseForm
from core.i18n import _l
from steering.plan.indicators import HR_INDICATORS, parse_half_year, parse_number
from steering.plan.services import NOTE_MAX_LENGTH


class NumberField(StringField):
    """A number typed in Swedish or English (``12,5`` or ``12.5``); ``data`` is a float or
    None when empty."""

    def process_formdata(self, valuelist):
        self.raw_text = (valuelist[0] if valuelist else "").strip()
        self.data = parse_number(self.raw_text) if self.raw_text else None

    def pre_validate(self, form):
        if getattr(self, "raw_text", "") and self.data is None:
            self.errors.append(str(_l("Enter a number, e.g. 12,5.")))

    def _value(self):
        raw = getattr(self, "raw_text", None)
        if raw is not None:
            return raw
        if self.data is None:
            return ""
        return f"{self.data:g}".replace(".", ",")


class SubGoalForm(BaseForm):
    title_sv = StringField(_l("Title in Swedish"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    development_area = SelectField(_l("Development area"), coerce=int,
                                   validators=[InputRequired()])
    district = SelectField(_l("District"), validators=[InputRequired()])
    indicator = SelectField(_l("Indicator"), validators=[InputRequired()])
    service_area = SelectField(_l("Service area (survey indicators only)"), default="")
    baseline_period = SelectField(_l("Baseline period"), validators=[InputRequired()])
    baseline_value = NumberField(_l("Baseline value"))
    target_value = NumberField(_l("Target value"),
                               validators=[InputRequired(_l("Enter the target value."))])
    deadline = DateField(_l("Deadline"), validators=[InputRequired(_l("Enter a date."))])
    direction = RadioField(_l("Which way is better?"), default="", choices=[
        SelectChoice("", _l("As usual for the indicator (lower for workload and HR figures)")),
        SelectChoice("higher", _l("A higher value is better")),
        SelectChoice("lower", _l("A lower value is better")),
    ])
    submit = SubmitField(_l("Save the sub-goal"))


class NoteForm(BaseForm):
    text = TextAreaField(_l("What was done or seen"), validators=[
        DataRequired(_l("Write what was done or seen.")), Length(max=NOTE_MAX_LENGTH)])
    submit = SubmitField(_l("Add the note"))


class HrFigureForm(BaseForm):
    period = StringField(_l("Half-year"), validators=[DataRequired(), Length(max=12)])
    indicator = SelectField(_l("Figure"), choices=[
        SelectChoice(code, indicator.label) for code, indicator in HR_INDICATORS.items()])
    value = NumberField(_l("Value"), validators=[InputRequired(_l("Enter the value."))])
    submit = SubmitField(_l("Save the figure"))

    def validate_period(self, field) -> None:
        if parse_half_year(field.data or "") is None:
            raise ValidationError(_l("Write a half-year such as 2018H1 (January–June) or "
                                     "2018H2 (July–December)."))


class HrImportForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "txt"], _l("Choose a CSV file (.csv).")),
    ])
    submit = SubmitField(_l("Import"))
