"""The action plan's sub-goals of a district as a results table (print report, CSV, XLSX),
read through the action plan's own queries (``steering.plan.queries``) so that the latest
value, its interval and the progress are exactly those of the action plan pages."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.i18n import _
from steering.plan.queries import PlanReader, goals_of
from steering.plan.views import status_label
from steering.results.tables import NUM, PCT, Column, Table, Value


def goals_table(db: Session, district_id: int | None) -> Table:
    """Sub-goals of a district (None: the city-wide ones) with their progress."""
    reader = PlanReader(db)
    table = Table("goals", _("Sub-goals of the action plan"), [
        Column("area", _("Development area")), Column("goal", _("Sub-goal")),
        Column("indicator", _("Indicator")), Column("baseline", _("Baseline"), NUM),
        Column("target", _("Target"), NUM), Column("deadline", _("Deadline")),
        Column("latest", _("Latest value"), NUM), Column("low", _("95% CI low"), NUM),
        Column("high", _("95% CI high"), NUM), Column("measured", _("Measured")),
        Column("progress", _("Progress"), PCT), Column("status", _("Status"))])
    for goal in sorted(goals_of(db, district_id),
                       key=lambda g: (g.development_area.number, g.deadline, g.id)):
        row = reader.row(goal)
        reading = row.reading
        reason = reading.reason if reading is not None and reading.value is None else None
        value = reading.value if reading is not None else None
        ci = reading.ci if reading is not None else None
        table.add(area=f"{goal.development_area.number}. {goal.development_area.name}",
                  goal=goal.title, indicator=row.indicator, baseline=goal.baseline_value,
                  target=goal.target_value, deadline=goal.deadline.isoformat(),
                  latest=Value(value, reason), low=Value(ci[0] if ci else None, reason),
                  high=Value(ci[1] if ci else None, reason),
                  measured=reading.period if reading is not None else "",
                  progress=Value(row.progress.share, reason),
                  status=status_label(row.progress.status))
    return table
