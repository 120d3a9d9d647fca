"""The base of every form (the input policy of ``core.inputs`` on each text field), and
the forms of the core package (sign-in, password)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import Form, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, StopValidation, ValidationError
from wtforms.widgets import TextArea

from core.i18n import _l
from core.inputs import (
    FIELD_MESSAGE,
    PASSWORD_MESSAGE,
    clean_text,
    describe_characters,
    refused_characters,
)


class TextPolicy:
    """First validator of every text field: refuses what ``core.inputs`` refuses.

    The field's first filter has already taken those characters out of ``field.data``, so
    that nothing (an inline validator, a view building choices) ever sees them, and a form
    shown again with the error holds the text as it will be stored; this validator looks
    at what was sent and stops the field's other validators."""

    def __init__(self, multiline: bool) -> None:
        self.multiline = multiline

    def clean(self, data: Any) -> Any:
        return clean_text(data, multiline=self.multiline) if isinstance(data, str) else data

    def __call__(self, form: Form, field: StringField) -> None:
        found: list[str] = []
        for raw in getattr(field, "raw_data", None) or ():
            if isinstance(raw, str):
                found += refused_characters(raw, multiline=self.multiline)
        if found:
            message = PASSWORD_MESSAGE if isinstance(field, PasswordField) else FIELD_MESSAGE
            chars = describe_characters(list(dict.fromkeys(found)))
            raise StopValidation(str(message % {"chars": chars}))


class TextPolicyMeta:
    """Binds every text field (``StringField`` and its kinds: text areas, passwords, hidden
    fields, search, e-mail …) with the input policy: a text area, or any field drawn as one,
    takes tabs and line breaks; every other text field takes a single line."""

    def bind_field(self, form: Form, unbound_field: Any, options: dict) -> Any:
        field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
        if isinstance(field, StringField):
            policy = TextPolicy(multiline=isinstance(field.widget, TextArea))
            field.filters = (policy.clean, *field.filters)
            field.validators = [policy, *field.validators]
        return field


class BaseForm(FlaskForm):
    """The base of every form of the application (CSRF from Flask-WTF, the input policy)."""

    class Meta(TextPolicyMeta):
        pass


class BaseSubForm(Form):
    """The base of a form nested in another (``FormField``): the input policy, no CSRF token
    of its own."""

    class Meta(TextPolicyMeta):
        pass


class LoginForm(BaseForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(BaseForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    repeat = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))

    def validate_new(self, field: PasswordField) -> None:
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(field.data or "") < minimum:
            raise ValidationError(
                _l("Use at least %(n)d characters.", n=minimum)
            )
