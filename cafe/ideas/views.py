"""The steering groups' idea inbox: ideas from cafés routed to their district (local groups
see only their own districts, central staff see all), status, answer and publication."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from cafe.common import field_error, get_or_404
from cafe.forms import IdeaForm
from cafe.ideas.models import IDEA_STATUSES, Idea
from cafe.ideas.services import IdeaError, IdeaUpdate, update_idea
from cafe.listings import ideas_stmt
from cafe.tablet.notes import describe_masking, masked_words
from cafe.texts import IDEA_STATUS_LABELS, NOTE_KIND_LABELS
from core.access import CENTRAL, LOCAL, require_district, requires, visible_district_ids
from core.db import get_session
from core.i18n import _
from core.org.models import DevelopmentArea, District, by_code, list_active
from core.web import paginate


@requires(LOCAL, CENTRAL)
def inbox():
    db = get_session()
    districts = list_active(db, District)
    visible = visible_district_ids(g.user, [d.id for d in districts])
    status = request.args.get("status")
    status = status if status in IDEA_STATUSES else None
    area = by_code(db, DevelopmentArea, request.args.get("area", ""))
    district = by_code(db, District, request.args.get("district", ""))
    if district is not None:
        require_district(district.id)
    stmt = ideas_stmt(
        None if g.user.sees_all_districts else visible,
        status=status,
        development_area_id=area.id if area else None,
        district_id=district.id if district else None,
    )
    return render_template(
        "cafe/idea_inbox.html",
        page=paginate(db, stmt),
        status=status,
        area=area,
        district=district,
        districts=[d for d in districts if d.id in visible],
        areas=list_active(db, DevelopmentArea),
        status_labels=IDEA_STATUS_LABELS,
    )


@requires(LOCAL, CENTRAL)
def detail(idea_id: int):
    db = get_session()
    idea = get_or_404(Idea, idea_id)
    require_district(idea.district_id)
    form = IdeaForm(obj=idea)
    if request.method == "GET":
        form.public_text.data = idea.wording
    form.development_area_id.choices = [SelectChoice(None, _("No development area"))] + [
        SelectChoice(a.id, f"{a.number}. {a.name}") for a in list_active(db, DevelopmentArea)
    ]
    if form.validate_on_submit():
        change = IdeaUpdate(
            status=form.status.data,
            answer=form.answer.data or "",
            answered_on=form.answered_on.data,
            answer_public=form.answer_public.data,
            published=form.published.data,
            development_area_id=form.development_area_id.data,
            public_text=form.public_text.data or "",
        )
        try:
            saved = update_idea(db, idea, change, g.user, masked_words(db))
        except IdeaError as error:
            field_error(form, error)
        else:
            db.commit()
            flash(_("The idea was updated.") if saved else _("Nothing was changed."),
                  "success" if saved else "info")
            message = describe_masking(saved.masked)
            if message:
                flash(message, "warning")
            return redirect(url_for("cafe_ideas.detail", idea_id=idea.id))
    return render_template(
        "cafe/idea_detail.html",
        idea=idea,
        form=form,
        status_labels=IDEA_STATUS_LABELS,
        kind_labels=NOTE_KIND_LABELS,
    )
