"""Forms of the administration pages: organisation items, CSV import and user accounts."""

from __future__ import annotations

from flask_babel import LazyString
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from core.access import ADMIN, CENTRAL, FACILITATOR, LOCAL, MODERATOR
from core.forms import BaseForm
from core.i18n import _l
from core.org.csv_io import CODE_MAX, CODE_PATTERN, NAME_MAX

#: a user's permission role as administrators read it
ROLE_LABELS: dict[str, LazyString] = {
    ADMIN: _l("Administrator"),
    CENTRAL: _l("Central steering group / analyst"),
    LOCAL: _l("Local steering group member"),
    MODERATOR: _l("Café moderator"),
    FACILITATOR: _l("Café facilitator"),
}

CODE_MESSAGE = _l("Use lower-case letters a–z, digits, '-', '_' or '.', starting with a letter "
                  "or digit.")


class OrgItemForm(BaseForm):
    """Fields every organisation item has; the subclasses add their kind's extra field."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=CODE_MAX), Regexp(CODE_PATTERN,
                                                                 message=CODE_MESSAGE)],
        filters=[lambda v: v.strip() if v else v],
    )
    name_sv = StringField(_l("Name in Swedish"), validators=[DataRequired(),
                                                             Length(max=NAME_MAX)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(),
                                                             Length(max=NAME_MAX)])
    sort_order = IntegerField(_l("Sort order"), default=0,
                              validators=[Optional(), NumberRange(min=-100000, max=100000)])
    submit = SubmitField(_l("Save"))


class DistrictForm(OrgItemForm):
    is_central = BooleanField(_l("Central administration (not a district)"))


class DevelopmentAreaForm(OrgItemForm):
    number = IntegerField(_l("Number in the action plan"),
                          validators=[InputRequired(), NumberRange(min=1, max=999)])


class DimensionValueForm(OrgItemForm):
    dimension_id = SelectField(_l("Dimension"), coerce=int, validators=[InputRequired()])


FORM_FOR_EXTRA: dict[str | None, type[OrgItemForm]] = {
    None: OrgItemForm,
    "is_central": DistrictForm,
    "number": DevelopmentAreaForm,
    "dimension": DimensionValueForm,
}


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "txt"], _l("Choose a CSV file (.csv).")),
    ])
    submit = SubmitField(_l("Import"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserScopeForm(BaseForm):
    """Role and district scope; a local steering group member needs at least one district."""

    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()])
    districts = MultiCheckboxField(_l("Districts"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Save"))

    def validate_districts(self, field: MultiCheckboxField) -> None:
        if self.role.data == LOCAL and not field.data:
            raise ValidationError(
                _l("Choose at least one district for a local steering group member.")
            )


class UserCreateForm(UserScopeForm):
    username = StringField(
        _l("User name"),
        validators=[DataRequired(), Length(max=80), Regexp(
            r"^[A-Za-z0-9][A-Za-z0-9._@-]*$",
            message=_l("Use letters a–z, digits, '.', '_', '@' or '-'."))],
        filters=[lambda v: v.strip() if v else v],
    )
