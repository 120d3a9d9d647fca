"""Forms of the API token page."""

from __future__ import annotations

from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import BaseForm
from core.i18n import _l


class TokenForm(BaseForm):
    label = StringField(_l("What the token is for"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Create token"))


class RevokeForm(BaseForm):
    token = HiddenField(validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Revoke"))
