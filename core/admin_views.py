"""Administration: the organisation structure and user accounts."""

from __future__ import annotations

from flask import Blueprint, render_template

from core.access import ADMIN, requires
from core.db import get_session
from core.org import ORG_KINDS, list_all

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@requires(ADMIN)
def index():
    db = get_session()
    counts = {kind: len(list_all(db, model)) for kind, model in ORG_KINDS.items()}
    return render_template("admin/index.html", counts=counts)
