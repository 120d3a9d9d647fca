"""What the respondent pages share: the organisation lists to pick a unit from (cached
briefly per process, since they are read on every submission), parsing a picked unit, and
the messages for waves that are not open."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from core.caches import worker_cache
from core.i18n import _l, bilingual
from core.org.models import Dimension, District, ServiceArea, StaffRole, list_active
from survey.catalog import WaveInfo
from survey.models import CLOSED, NOT_PUBLISHED, NOT_YET_OPEN, Wave
from survey.units import Unit, encode_extra

#: how long a worker trusts its copy of the organisation lists
ORG_CACHE_SECONDS = 30.0
FEEDBACK_PATH = "/you-said-we-did"


@dataclass(frozen=True)
class Choice:
    id: int
    code: str
    name_sv: str
    name_en: str

    @property
    def name(self) -> str:
        return bilingual(self.name_sv, self.name_en)


@dataclass(frozen=True)
class DimensionChoices:
    dimension: Choice
    values: tuple[Choice, ...]
    by_code: dict[str, Choice] = field(compare=False, hash=False)

    @property
    def field_name(self) -> str:
        return f"dim_{self.dimension.code}"


@dataclass(frozen=True)
class OrgChoices:
    districts: tuple[Choice, ...]
    service_areas: tuple[Choice, ...]
    staff_roles: tuple[Choice, ...]
    dimensions: dict[int, DimensionChoices]

    def find(self, kind: str, code: str) -> Choice | None:
        for choice in getattr(self, kind):
            if choice.code == code:
                return choice
        return None

    def name_of(self, kind: str, choice_id: int | None) -> str:
        for choice in getattr(self, kind):
            if choice.id == choice_id:
                return choice.name
        return ""


def _choices(rows) -> tuple[Choice, ...]:
    return tuple(Choice(r.id, r.code, r.name_sv, r.name_en or "") for r in rows)


def org_choices(db: Session) -> OrgChoices:
    """Active districts, service areas, staff roles and dimension values (cached)."""
    cache = worker_cache("survey_org_choices", maxsize=1, ttl=ORG_CACHE_SECONDS)
    cached = cache.get("choices")
    if cached is not None:
        return cached
    dimensions = {}
    for dim in list_active(db, Dimension):
        values = _choices(v for v in dim.values if v.active)
        dimensions[dim.id] = DimensionChoices(
            _choices([dim])[0], values, {v.code: v for v in values}
        )
    choices = OrgChoices(
        districts=_choices(list_active(db, District)),
        service_areas=_choices(list_active(db, ServiceArea)),
        staff_roles=_choices(list_active(db, StaffRole)),
        dimensions=dimensions,
    )
    cache.put("choices", choices)
    return choices


UNIT_FIELDS = (
    ("district", "districts", "ask_district"),
    ("service_area", "service_areas", "ask_service_area"),
    ("staff_role", "staff_roles", "ask_staff_role"),
)
PICK_ERROR = _l("Choose one of the listed options.")


def wave_dimensions(wave: Wave | WaveInfo, choices: OrgChoices) -> list[DimensionChoices]:
    return [choices.dimensions[d] for d in wave.dimension_ids if d in choices.dimensions]


def parse_unit(
    wave: Wave | WaveInfo,
    form: Mapping[str, str],
    choices: OrgChoices,
    code_unit: Unit | None = None,
) -> tuple[Unit, dict[str, object]]:
    """The unit picked in ``form`` (codes of the lists), or fixed by an invitation code's
    ``code_unit``: its district and service area always, its staff role when it has one.

    District, service area and staff role are required when the wave asks them; extra
    dimensions may be left empty. Returns (unit, {field name: message})."""
    errors: dict[str, object] = {}
    ids: dict[str, int | None] = {}
    fixed = {
        "district": code_unit.district_id if code_unit else None,
        "service_area": code_unit.service_area_id if code_unit else None,
        "staff_role": code_unit.staff_role_id if code_unit else None,
    }
    for name, kind, flag in UNIT_FIELDS:
        ids[name] = None
        if code_unit is not None and name in ("district", "service_area"):
            ids[name] = fixed[name] if getattr(wave, flag) else None
            continue
        if not getattr(wave, flag):
            continue
        if fixed[name] is not None:
            ids[name] = fixed[name]
            continue
        choice = choices.find(kind, (form.get(name) or "").strip())
        if choice is None:
            errors[name] = PICK_ERROR
        else:
            ids[name] = choice.id
    extra: dict[int, int] = {}
    for dim in wave_dimensions(wave, choices):
        raw = (form.get(dim.field_name) or "").strip()
        if not raw:
            continue
        value = dim.by_code.get(raw)
        if value is None:
            errors[dim.field_name] = PICK_ERROR
        else:
            extra[dim.dimension.id] = value.id
    unit = Unit(ids["district"], ids["service_area"], ids["staff_role"], encode_extra(extra))
    return unit, errors


UNIT_LABELS = {
    "district": _l("District"),
    "service_area": _l("Service area"),
    "staff_role": _l("Role"),
}


def unit_labels(wave: Wave, unit: Unit, choices: OrgChoices) -> list[tuple[str, str]]:
    """(label, name) of each unit field the wave asks, for the review page."""
    rows: list[tuple[str, str]] = []
    for name, kind, flag in UNIT_FIELDS:
        if getattr(wave, flag):
            chosen = choices.name_of(kind, getattr(unit, f"{name}_id"))
            rows.append((str(UNIT_LABELS[name]), chosen or "–"))
    extra = unit.extra
    for dim in wave_dimensions(wave, choices):
        chosen = next((v.name for v in dim.values if v.id == extra.get(dim.dimension.id)), "–")
        rows.append((dim.dimension.name, chosen))
    return rows


STATUS_MESSAGES = {
    NOT_PUBLISHED: _l("This survey has not been published yet."),
    NOT_YET_OPEN: _l("This survey is not open yet. It opens on %(date)s."),
    CLOSED: _l("This survey is closed. Thank you to everyone who answered."),
}


FEEDBACK_ENDPOINTS = ("you_said.index", "cafe_public.index")


def feedback_url() -> str:
    """The public "you said, we did" page (the café package's), or its agreed path."""
    for endpoint in FEEDBACK_ENDPOINTS:
        try:
            return url_for(endpoint)
        except BuildError:
            continue
    return FEEDBACK_PATH
