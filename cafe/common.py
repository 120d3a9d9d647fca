"""Helpers shared by the café views: loading rows or 404, the confirm-again page for
destructive actions, and showing a service error next to its form field."""

from __future__ import annotations

from flask import abort, flash, render_template, request

from core.db import get_session


def get_or_404(model, ident):
    row = get_session().get(model, ident)
    if row is None:
        abort(404)
    return row


def confirmed() -> bool:
    """True when the destructive POST came from the confirmation page."""
    return request.form.get("confirm") == "yes"


def ask_to_confirm(question: str, action: str, cancel: str, label: str, detail: str = ""):
    """Without JavaScript a destructive action is asked again on a page of its own."""
    return render_template(
        "cafe/confirm.html", question=question, action=action, cancel=cancel, label=label,
        detail=detail,
    )


def field_error(form, error) -> None:
    """Attach a service error to the named form field, or as a message at the top."""
    name = getattr(error, "field", None)
    if name and name in form:
        form[name].errors = [*form[name].errors, error.message]
    else:
        flash(error.message, "error")
