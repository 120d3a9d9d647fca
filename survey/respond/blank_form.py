"""The unit and question fields of the one-page form as every respondent first sees them
(no answers, no errors), rendered once per worker for each wave and language.

They are the same for everyone who opens the form, and rendering twenty questions is most
of the cost of showing it; the tokens and messages around them are rendered per request.
An entry is used only while the questionnaire and the organisation lists it was made from
are the very objects the caches hand out (``instrument_spec`` keeps a frozen
questionnaire for the worker's lifetime, ``org_choices`` renews its lists every few
seconds) and the wave still asks the same things."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

from core.caches import worker_cache
from core.i18n import current_language
from survey.catalog import WaveInfo
from survey.models import Wave
from survey.respond.choices import DimensionChoices, OrgChoices
from survey.spec import InstrumentSpec

TEMPLATE = "survey/_single_fields.html"
#: how many blank forms (wave and language) a worker keeps
BLANK_FORMS_KEPT = 256


@dataclass(frozen=True)
class _Entry:
    spec: InstrumentSpec
    choices: OrgChoices
    shape: tuple
    html: Markup


def _shape(wave: Wave | WaveInfo) -> tuple:
    """What the unit fields depend on besides the lists themselves."""
    return (wave.mode, wave.ask_district, wave.ask_service_area, wave.ask_staff_role,
            tuple(wave.dimension_ids))


def blank_fields(
    wave: Wave | WaveInfo,
    spec: InstrumentSpec,
    choices: OrgChoices,
    dimensions: list[DimensionChoices],
) -> Markup:
    """The rendered fields of a blank form of ``wave`` in the current language."""
    cache = worker_cache("survey_blank_forms", maxsize=BLANK_FORMS_KEPT)
    key = (wave.id, current_language())
    shape = _shape(wave)
    entry = cache.get(key)
    if entry is not None and entry.spec is spec and entry.choices is choices \
            and entry.shape == shape:
        return entry.html
    html = Markup(render_template(  # noqa: S704 (a template of ours, autoescaped)
        TEMPLATE, wave=wave, spec=spec, choices=choices, dimensions=dimensions,
        values={}, errors={},
    ))
    cache.put(key, _Entry(spec, choices, shape, html))  # a racing thread writes the same
    return html
