"""Demonstration surveys: HME + workload asked in the autumn of 2017 (baseline) and 2018
(follow-up) of the story in every district, about 3,000 responses each, and a pulse survey
open today. The story's years are moved forward when it is loaded (``core.demo_dates``): the
follow-up is the latest autumn survey that has closed.

The answers come from a small latent model so that the reports have something to show:
economic aid is lower on engagement and heavier on workload, some districts improve
between the waves, and a few unit cells stay under the minimum group size. Everything is
drawn from ``rng`` (ids too), so a seed gives the same data; rows go in with the bulk path."""

from __future__ import annotations

import random
from datetime import date, timedelta

from babel.dates import format_date
from sqlalchemy.orm import Session

from core.demo_dates import story_date, story_year
from core.org.models import Dimension, District, ServiceArea, StaffRole, by_code, list_active
from survey.catalog import latest_instrument
from survey.library import load_library
from survey.models import STATE_CLOSED, Wave
from survey.services import NewResponse, store_responses
from survey.spec import build_spec
from survey.units import Unit, encode_extra
from survey.waves.lifecycle import create_wave, open_wave

INSTRUMENT = "hme-arbetsbelastning"
AREA_SIZE = {  # typical staff per district and service area
    "ekonomiskt-bistand": 78, "barn-och-unga": 84, "vuxna-missbruk": 42,
    "socialpsykiatri": 22, "funktionsnedsattning": 32, "aldreomsorg": 55,
}
AREA_EFFECT = {  # engagement (+ better) and workload (+ heavier)
    "ekonomiskt-bistand": (-0.55, 0.6), "barn-och-unga": (-0.2, 0.45),
    "vuxna-missbruk": (0.0, 0.1), "socialpsykiatri": (0.15, -0.2),
    "funktionsnedsattning": (0.2, -0.1), "aldreomsorg": (0.05, 0.2),
}
CASELOAD = {  # (mean, spread) of a case worker's current cases
    "ekonomiskt-bistand": (62, 18), "barn-och-unga": (19, 6), "vuxna-missbruk": (28, 8),
    "socialpsykiatri": (45, 12), "funktionsnedsattning": (70, 20), "aldreomsorg": (115, 30),
}
#: districts whose action plans worked: better leadership, lighter workload in 2018
IMPROVING = {"farsta": 0.45, "rinkeby-kista": 0.4, "skarholmen": 0.35, "sodermalm": 0.3}
#: a few units so small that their cells fall under the minimum group size
TINY_UNITS = {("ostermalm", "socialpsykiatri"), ("norrmalm", "socialpsykiatri"),
              ("kungsholmen", "funktionsnedsattning"), ("alvsjo", "vuxna-missbruk")}
COMMENTS = [
    "Färre ärenden per handläggare så att vi hinner göra ett ordentligt jobb.",
    "Mer administrativt stöd, vi lägger för mycket tid på dokumentation.",
    "Bättre introduktion för nyanställda, många slutar inom första året.",
    "Att chefen har tid för oss. Min chef har över trettio medarbetare.",
    "Handledning regelbundet, inte bara när det har hänt något.",
    "Ett IT-system som fungerar. Vi dubbeldokumenterar hela tiden.",
    "Lönen måste spegla ansvaret, annars går folk till bemanningsföretag.",
    "Mindre akutstyrning. Det planerade arbetet blir aldrig gjort.",
    "Tryggare lokaler och rutiner vid hot. Jag känner mig inte säker vid besök.",
    "Tydligare mål och att vi får veta vad som händer med det vi säger.",
    "Fler kollegor med erfarenhet. Nu är nästan alla nya.",
    "Möjlighet att arbeta hemifrån med utredningar.",
    "Att konsulterna ersätts med fast anställda, det skapar kontinuitet.",
    "Kompetensutveckling på arbetstid och karriärvägar för erfarna socialsekreterare.",
    "Stöd i svåra bedömningar, vi står ofta ensamma med besluten.",
    "Det har blivit bättre sedan vi fick en samordnare som tar telefonen.",
    "Mindre personalomsättning, vi lär hela tiden upp nya.",
    "Kortare beslutsvägar och mindre byråkrati.",
]


def autumn_wave_name(year: int, today: date | None = None) -> str:
    """The Swedish name of the autumn survey of the story's ``year`` (2017 or 2018)."""
    return f"Medarbetarenkät hösten {story_year(year, today)}"


def _autumn_wave_name_en(year: int, today: date) -> str:
    return f"Staff survey autumn {story_year(year, today)}"


def _rid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _clip(value: float, low: int, high: int) -> int:
    return max(low, min(high, int(round(value))))


def _answers(rng, spec, area_code: str, role_code: str, engagement: float, load: float):
    """One respondent's answers from their engagement and workload (z-scores)."""
    answers: dict[int, int | str] = {}
    for q in spec.questions:
        code = q.code
        if code.startswith("hme-"):
            answers[q.id] = _clip(3.7 + 0.85 * engagement + rng.gauss(0, 0.7), 1, 5)
        elif code == "ab-arendemangd":
            if role_code != "chef" and rng.random() < 0.92:
                mean, spread = CASELOAD[area_code]
                answers[q.id] = _clip(rng.gauss(mean * (1 + 0.25 * load), spread), 0, 400)
        elif code in ("ab-tidspress", "ab-akutstyrt"):
            answers[q.id] = _clip(3.1 + 0.9 * load + rng.gauss(0, 0.8), 1, 5)
        elif code == "ab-hinner":
            answers[q.id] = _clip(3.0 - 0.9 * load + rng.gauss(0, 0.8), 1, 5)
        elif code == "ab-administrativt-stod":
            answers[q.id] = _clip(2.9 - 0.5 * load + 0.3 * engagement + rng.gauss(0, 0.9), 1, 5)
        elif code == "ab-nojd-ledning":
            answers[q.id] = _clip(3.3 + 0.7 * engagement + rng.gauss(0, 0.8), 1, 5)
        elif code in ("ab-medarbetare-per-chef", "ab-introduktion"):
            if rng.random() < (0.12 if code == "ab-medarbetare-per-chef" else 0.22):
                answers[q.id] = -1
            else:
                answers[q.id] = _clip(3.0 + 0.5 * engagement + rng.gauss(0, 0.9), 1, 5)
        elif code == "ab-hot-vald":
            risk = 0.3 if area_code in ("barn-och-unga", "vuxna-missbruk") else 0.14
            answers[q.id] = 1 if rng.random() < risk else 0
        elif code == "ab-funderar-sluta":
            answers[q.id] = _clip(2.5 - 0.8 * engagement + 0.5 * load + rng.gauss(0, 0.9), 1, 5)
        elif code == "ab-forbattra" and rng.random() < 0.22:
            answers[q.id] = rng.choice(COMMENTS)
    return answers


def _units(db: Session, rng: random.Random):
    """(district, area, headcount) for every unit of the demo city."""
    units = []
    for district in list_active(db, District):
        if district.is_central:
            continue
        for area in list_active(db, ServiceArea):
            if (district.code, area.code) in TINY_UNITS:
                size = rng.randint(2, 4)
            else:
                size = max(6, int(rng.gauss(AREA_SIZE[area.code], AREA_SIZE[area.code] * 0.2)))
            units.append((district, area, size))
    return units


def _role(rng: random.Random, area_code: str, roles: dict[str, StaffRole]) -> StaffRole:
    if rng.random() < 0.09:
        return roles["chef"]
    if area_code in ("socialpsykiatri", "funktionsnedsattning", "aldreomsorg"):
        return roles["bistandshandlaggare"]
    return roles["socialsekreterare"]


def _fill(db, rng, wave, spec, units, *, rate, year_effect, roles, tenure):
    district_effect = {}
    responses = []
    # responses are dated between the opening day and today (an open wave's future is empty)
    span = (min(wave.closes_on, date.today()) - wave.opens_on).days
    for district, area, size in units:
        if district.code not in district_effect:
            district_effect[district.code] = rng.gauss(0, 0.2)
        area_engagement, area_load = AREA_EFFECT[area.code]
        gain = year_effect.get(district.code, 0.0)
        for _ in range(size):
            if rng.random() > rate:
                continue
            role = _role(rng, area.code, roles)
            engagement = district_effect[district.code] + area_engagement + gain + rng.gauss(0, 1)
            load = area_load - 0.8 * gain + rng.gauss(0, 1)
            extra = {}
            if tenure is not None:
                extra[tenure.id] = rng.choices(tenure.values, weights=(25, 30, 20, 25))[0].id
            unit = Unit(district.id, area.id, role.id, encode_extra(extra))
            day = wave.opens_on + timedelta(days=rng.randint(0, span))
            answers = _answers(rng, spec, area.code, role.code, engagement, load)
            responses.append(NewResponse(unit, answers, day))
    store_responses(db, wave.id, spec, responses, make_id=lambda: _rid(rng))
    return len(responses)


def load(db: Session, rng: random.Random) -> None:
    """Create the library, the baseline and follow-up waves (closed) and a pulse survey open
    today."""
    load_library(db)
    instrument = latest_instrument(db, INSTRUMENT)
    tenure = by_code(db, Dimension, "tenure")
    roles = {r.code: r for r in list_active(db, StaffRole)}
    units = _units(db, rng)
    headcounts = {(d.id, a.id): n for d, a, n in units}
    today = date.today()
    plan = [
        (2017, date(2017, 9, 11), date(2017, 10, 6), 0.68, {}),
        (2018, date(2018, 9, 10), date(2018, 10, 5), 0.7, IMPROVING),
    ]
    for year, opens_on, closes_on, rate, effect in plan:
        wave = create_wave(
            db, name=autumn_wave_name(year, today), name_en=_autumn_wave_name_en(year, today),
            instrument=instrument, opens_on=story_date(opens_on, today),
            closes_on=story_date(closes_on, today), mode="open-link",
            dimensions=[tenure] if tenure else [], headcounts=headcounts,
        )
        open_wave(db, wave)
        spec = build_spec(instrument)
        _fill(db, rng, wave, spec, units, rate=rate, year_effect=effect, roles=roles,
              tenure=tenure)
        wave.state = STATE_CLOSED
        wave.drafts_purged = True
    current: Wave = create_wave(
        db, name=f"Pulsmätning {format_date(today, 'LLLL yyyy', locale='sv')}",
        name_en=f"Pulse survey {format_date(today, 'LLLL yyyy', locale='en')}",
        instrument=instrument,
        opens_on=today - timedelta(days=7), closes_on=today + timedelta(days=28),
        mode="open-link", dimensions=[tenure] if tenure else [], headcounts=headcounts,
    )
    open_wave(db, current)
    _fill(db, rng, current, build_spec(instrument), units, rate=0.08,
          year_effect=IMPROVING, roles=roles, tenure=tenure)
    db.flush()
