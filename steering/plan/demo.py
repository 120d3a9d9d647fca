"""Demonstration action plan: HR figures of every district per half-year 2016H1–2018H2 of the
story and sub-goals with progress notes in Farsta, Rinkeby-Kista, Skärholmen, Södermalm,
Socialförvaltningen and for the whole city. The story's years are moved forward when it is
loaded, as the surveys and cafés are (``core.demo_dates``).

The HR figures follow the committee minutes (Socialnämnden, April 2019): the city's hired
social work consultants fall from about 100 in 2016 to 34 in the second half of 2018, and
staff turnover falls, faster in the districts whose action plans worked (the same districts
improve in the survey demo). Survey sub-goals take their baselines from the story's autumn
2017 wave of ``survey.demo`` and are skipped when that wave is missing."""

from __future__ import annotations

import random
import re
from datetime import date

from sqlalchemy.orm import Session

from core.auth import accounts
from core.demo_dates import story_date, story_year
from core.org.models import DevelopmentArea, District, ServiceArea, by_code, list_active
from steering.plan.indicators import CONSULTANTS, HR, SICK_LEAVE, TURNOVER, half_years
from steering.plan.queries import PlanReader
from steering.plan.services import HrRow, SubGoalInput, add_note, save_subgoal, store_hr_figures
from survey.catalog import wave_by_name
from survey.demo import autumn_wave_name

#: the story's half-years with HR figures
PERIODS = half_years(2016, 2018)
#: hired consultants in the whole city per half-year of the story (2018H2: November's 34)
CITY_CONSULTANTS = (104, 96, 81, 63, 47, 34)
#: the units with HR figures, and their relative number of consultants in 2016 (larger,
#: harder-pressed districts hire more)
CONSULTANT_WEIGHT = {
    "rinkeby-kista": 12, "spanga-tensta": 9, "skarholmen": 9, "enskede-arsta-vantor": 9,
    "farsta": 8, "hasselby-vallingby": 8, "skarpnack": 6, "hagersten-liljeholmen": 6,
    "sodermalm": 6, "bromma": 4, "kungsholmen": 4, "socialforvaltningen": 4, "norrmalm": 3,
    "ostermalm": 3, "alvsjo": 3,
}
#: districts whose plans worked (as in ``survey.demo``): consultants and turnover fall faster
IMPROVING = {"farsta", "rinkeby-kista", "skarholmen", "sodermalm"}

#: (district or None for the city, area, Swedish title, English title, indicator, service
#: area, baseline period ("wave" = autumn 2017), target: a number, or "+n"/"-n" from the
#: baseline, deadline, notes); every date and year is the story's ("{2018}" in a note)
GOALS = [
    ("farsta", "konsulter", "Inga inhyrda socionomkonsulter", "No hired social work "
     "consultants", "hr:consultants", None, "2016H1", 0, date(2018, 12, 31),
     ["Två konsulter ersatta med fast anställda socialsekreterare i barn och unga.",
      "Rekryteringsannons med erfarenhetstillägg ute sedan mars."]),
    ("farsta", "ledarskap", "Bättre stöd från närmaste chef", "Better support from "
     "immediate managers", "index:hme-ledarskap", None, "wave", "+6", date(2019, 6, 30),
     ["Alla enhetschefer har gått stadens ledarskapsprogram.",
      "Högst 25 medarbetare per chef i ekonomiskt bistånd från hösten."]),
    ("farsta", "introduktion", "Lägre personalomsättning", "Lower staff turnover",
     "hr:turnover", None, "2016H2", 15, date(2018, 12, 31),
     ["Introduktionsprogram på sex månader med mentor för alla nyanställda."]),
    ("farsta", "arendemangd", "Lägre upplevd arbetsbelastning", "Lower perceived workload",
     "index:workload", None, "wave", "-5", date(2019, 12, 31), []),
    ("rinkeby-kista", "konsulter", "Högst tre inhyrda konsulter", "At most three hired "
     "consultants", "hr:consultants", None, "2016H1", 3, date(2018, 12, 31),
     ["Konsultavtalen i vuxenenheten sades upp till årsskiftet."]),
    ("rinkeby-kista", "administrativt-stod", "Mer administrativt stöd", "More administrative "
     "support", "question:ab-administrativt-stod", None, "wave", "+10", date(2019, 6, 30),
     ["Två administratörer anställda som tar över bokning och arkivering."]),
    ("rinkeby-kista", "ledarskap", "Bättre ledarskap i ekonomiskt bistånd", "Better "
     "leadership in economic aid", "index:hme-ledarskap", "ekonomiskt-bistand", "wave", "+8",
     date(2019, 12, 31), []),
    ("rinkeby-kista", "arbetsmiljo", "Lägre sjukfrånvaro", "Lower sick leave",
     "hr:sick-leave", None, "2017H1", 6.0, date(2018, 12, 31), []),
    ("skarholmen", "kompetensutveckling", "Mer lärande i vardagen", "More learning at work",
     "index:hme-motivation", None, "wave", "+5", date(2019, 12, 31),
     ["Ärendedragningar med extern handledare varannan vecka."]),
    ("skarholmen", "introduktion", "Personalomsättning under 16 procent", "Staff turnover "
     "below 16 per cent", "hr:turnover", None, "2016H1", 16, date(2018, 12, 31), []),
    ("skarholmen", "medarbetare-per-chef", "Rimligt antal medarbetare per chef",
     "A reasonable number of staff per manager", "question:ab-medarbetare-per-chef", None,
     "wave", "+10", date(2019, 6, 30), []),
    ("sodermalm", "arendemangd", "Lägre arbetsbelastning i barn och unga", "Lower workload "
     "in children and youth", "index:workload", "barn-och-unga", "wave", "-6",
     date(2019, 12, 31), []),
    ("socialforvaltningen", "konsulter", "Högst en inhyrd konsult", "At most one hired "
     "consultant", "hr:consultants", None, "2016H1", 1, date(2018, 12, 31), []),
    (None, "konsulter", "Högst 40 inhyrda socionomkonsulter i staden", "At most 40 hired "
     "social work consultants in the city", "hr:consultants", None, "2016H1", 40,
     date(2018, 12, 31), ["34 konsulter i november {2018}, från omkring 100 år {2016}."]),
    (None, "karriarvagar", "Personalomsättning under 15 procent", "Staff turnover below 15 "
     "per cent", "hr:turnover", None, "2016H1", 15, date(2019, 12, 31), []),
    (None, "ledarskap", "HME totalindex upp fyra enheter", "HME total index up four points",
     "index:hme", None, "wave", "+4", date(2019, 12, 31), []),
]


def _allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Whole numbers in proportion to ``weights`` that add up to ``total`` exactly."""
    whole = sum(weights.values())
    shares = {k: total * w / whole for k, w in weights.items()}
    counts = {k: int(s) for k, s in shares.items()}
    rest = sorted(weights, key=lambda k: (counts[k] - shares[k], k))
    for key in rest[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def shown_periods(today: date | None = None) -> list[str]:
    """The story's half-years as the demonstration shows them."""
    return half_years(story_year(2016, today), story_year(2018, today))


def _story_text(text: str, today: date) -> str:
    """A note with the story's years written "{2018}", as the demonstration shows them."""
    return re.sub(r"\{(\d{4})\}", lambda m: str(story_year(int(m.group(1)), today)), text)


def _story_period(period: str, today: date) -> str:
    return f"{story_year(int(period[:4]), today)}{period[4:]}"


def hr_rows(districts: dict[str, int], rng: random.Random,
            today: date | None = None) -> list[HrRow]:
    """The demo's HR figures for the districts (code → id) present."""
    rows = []
    periods = shown_periods(today)
    weight_noise = {code: rng.uniform(0.8, 1.2) for code in CONSULTANT_WEIGHT}
    for step, period in enumerate(periods):
        weights = {}
        for code in CONSULTANT_WEIGHT:
            if code in districts:
                fall = 0.16 if code in IMPROVING else 0.05
                weights[code] = max(0.05, CONSULTANT_WEIGHT[code] * weight_noise[code]
                                    * (1 - fall * step))
        for code, count in _allocate(CITY_CONSULTANTS[step], weights).items():
            rows.append(HrRow(districts[code], period, CONSULTANTS, float(count)))
    for code in sorted(CONSULTANT_WEIGHT):
        if code not in districts:
            continue
        district_id = districts[code]
        turnover = rng.uniform(21, 27) + (3 if code == "rinkeby-kista" else 0)
        sick = rng.uniform(6.2, 8.6)
        drop = 1.7 if code in IMPROVING else 0.8
        for step, period in enumerate(periods):
            rows.append(HrRow(district_id, period, TURNOVER,
                              round(max(5.0, turnover - drop * step + rng.gauss(0, 0.6)), 1)))
            rows.append(HrRow(district_id, period, SICK_LEAVE,
                              round(max(2.0, sick - 0.2 * step + rng.gauss(0, 0.3)), 1)))
    return rows


def load(db: Session, rng: random.Random) -> None:
    """HR figures, sub-goals and notes (after ``survey.demo``, whose waves it reads)."""
    today = date.today()
    districts = {d.code: d.id for d in list_active(db, District)}
    store_hr_figures(db, hr_rows(districts, rng, today))
    reader = PlanReader(db)
    wave = wave_by_name(db, autumn_wave_name(2017, today))
    for (district_code, area_code, title_sv, title_en, indicator, service_area, baseline,
         target, deadline, notes) in GOALS:
        kind, _sep, code = indicator.partition(":")
        if (kind != HR and wave is None) or (district_code and district_code not in districts):
            continue
        district_id = districts[district_code] if district_code else None
        area = by_code(db, ServiceArea, service_area) if service_area else None
        data = SubGoalInput(
            development_area_id=by_code(db, DevelopmentArea, area_code).id,
            district_id=district_id, service_area_id=area.id if area else None,
            title_sv=title_sv, title_en=title_en, indicator_kind=kind, indicator_code=code,
            baseline_value=None, baseline_wave=wave if kind != HR else None,
            baseline_half_year=_story_period(baseline, today) if kind == HR else None,
            target_value=0.0, deadline=story_date(deadline, today))
        found = reader.baseline_reading(kind, code, district_id, data.service_area_id,
                                        wave=data.baseline_wave,
                                        half_year=data.baseline_half_year)
        if found is None or found.value is None:
            continue
        start = round(found.value, 1)
        data.baseline_value = start
        data.target_value = (round(start + float(target), 1) if isinstance(target, str)
                             else float(target))
        goal = save_subgoal(db, None, data, reader)
        author = accounts.find_user(db, "styrgrupp.farsta" if district_code == "farsta"
                                else "styrgrupp.rinkeby" if district_code == "rinkeby-kista"
                                else "analytiker")
        for months_ago, text in enumerate(reversed(notes)):
            add_note(db, goal, _story_text(text, today), author,
                     story_date(date(2018, 11 - 3 * months_ago, 15), today))
    db.flush()
