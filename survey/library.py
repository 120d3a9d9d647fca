"""The built-in library: SKR's Hållbart medarbetarengagemang (HME) and a workload module
written for social work, as instrument definitions (see ``survey.instruments``).

HME: nine statements in three sub-indices on a 1–5 scale; an index value is the mean of the
answers mapped 1→0, 2→25, 3→50, 4→75, 5→100 (``QuestionSpec.score``). The workload index is
the other way round: a higher value means a heavier workload (``higher_is_better``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.instruments import create_instrument
from survey.models import AGREEMENT, FREE_TEXT, NUMBER, YES_NO, Instrument

AGREE_SV = [
    "Stämmer mycket dåligt", "Stämmer ganska dåligt", "Stämmer varken bra eller dåligt",
    "Stämmer ganska bra", "Stämmer mycket bra",
]
AGREE_EN = [
    "Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree",
]

#: every index a library question belongs to; "parts" combine sub-indices
INDEXES: dict[str, dict[str, Any]] = {
    "hme": {"name_sv": "HME totalindex", "name_en": "HME total index",
            "parts": ["hme-motivation", "hme-ledarskap", "hme-styrning"],
            "higher_is_better": True},
    "hme-motivation": {"name_sv": "Motivation", "name_en": "Motivation",
                       "higher_is_better": True},
    "hme-ledarskap": {"name_sv": "Ledarskap", "name_en": "Leadership",
                      "higher_is_better": True},
    "hme-styrning": {"name_sv": "Styrning", "name_en": "Governance",
                     "higher_is_better": True},
    "workload": {"name_sv": "Arbetsbelastning", "name_en": "Workload",
                 "higher_is_better": False},
}


def _agree(code: str, sv: str, en: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "type": AGREEMENT, "text_sv": sv, "text_en": en, "points": 5,
            "labels_sv": AGREE_SV, "labels_en": AGREE_EN, **extra}


def _hme(code: str, sv: str, en: str, index: str, **extra: Any) -> dict[str, Any]:
    return _agree(code, sv, en, index_code=index, required=True, **extra)


HME_SECTIONS = [
    {"title_sv": "Motivation", "title_en": "Motivation", "questions": [
        _hme("hme-meningsfullt", "Mitt arbete känns meningsfullt.",
             "My work feels meaningful.", "hme-motivation"),
        _hme("hme-lar-nytt", "Jag lär nytt och utvecklas i mitt dagliga arbete.",
             "I learn new things and develop in my daily work.", "hme-motivation",
             development_area="kompetensutveckling"),
        _hme("hme-ser-fram-emot", "Jag ser fram emot att gå till arbetet.",
             "I look forward to going to work.", "hme-motivation"),
    ]},
    {"title_sv": "Ledarskap", "title_en": "Leadership", "questions": [
        _hme("hme-uppskattning", "Min närmaste chef visar uppskattning för mina arbetsinsatser.",
             "My immediate manager shows appreciation for my work.", "hme-ledarskap",
             development_area="ledarskap"),
        _hme("hme-fortroende", "Min närmaste chef visar förtroende för mig som medarbetare.",
             "My immediate manager shows confidence in me as an employee.", "hme-ledarskap",
             development_area="ledarskap"),
        _hme("hme-ansvar",
             "Min närmaste chef ger mig förutsättningar att ta ansvar i mitt arbete.",
             "My immediate manager gives me what I need to take responsibility in my work.",
             "hme-ledarskap", development_area="ledarskap"),
    ]},
    {"title_sv": "Styrning", "title_en": "Governance", "questions": [
        _hme("hme-insatt-mal", "Jag är insatt i min arbetsplats mål.",
             "I am familiar with my workplace's goals.", "hme-styrning"),
        _hme("hme-mal-foljs-upp", "Min arbetsplats mål följs upp och utvärderas på ett bra sätt.",
             "My workplace's goals are followed up and evaluated in a good way.",
             "hme-styrning"),
        _hme("hme-vet-forvantningar", "Jag vet vad som förväntas av mig i mitt arbete.",
             "I know what is expected of me in my work.", "hme-styrning"),
    ]},
]

WORKLOAD_SECTIONS = [
    {"title_sv": "Arbetsbelastning", "title_en": "Workload",
     "intro_sv": "Frågorna gäller hur du har det i arbetet just nu.",
     "intro_en": "These questions are about your work as it is right now.",
     "questions": [
        {"code": "ab-arendemangd", "type": NUMBER,
         "text_sv": "Hur många ärenden har du ansvar för just nu?",
         "text_en": "How many cases are you responsible for right now?",
         "help_sv": "Ange ett ungefärligt antal. Lämna tomt om du inte har egna ärenden.",
         "help_en": "An approximate number is fine. Leave it empty if you have no cases "
                    "of your own.",
         "min_value": 0, "max_value": 400, "unit_sv": "ärenden", "unit_en": "cases",
         "development_area": "arendemangd"},
        _agree("ab-tidspress", "Jag har en orimlig tidspress i mitt arbete.",
               "I work under unreasonable time pressure.", index_code="workload",
               development_area="arendemangd"),
        _agree("ab-hinner", "Jag hinner utföra mina arbetsuppgifter på ett bra sätt.",
               "I have enough time to do my tasks well.", index_code="workload",
               reverse_scored=True, development_area="arendemangd"),
        _agree("ab-akutstyrt",
               "Mitt arbete styrs av akuta händelser, så att det planerade arbetet får vänta.",
               "My work is driven by emergencies, so planned work has to wait.",
               index_code="workload"),
        _agree("ab-administrativt-stod",
               "Jag får tillräckligt administrativt stöd för att kunna ägna mig åt "
               "mina kärnuppgifter.",
               "I get enough administrative support to concentrate on my core tasks.",
               development_area="administrativt-stod"),
     ]},
    {"title_sv": "Ledning och introduktion", "title_en": "Management and introduction",
     "questions": [
        _agree("ab-nojd-ledning", "Sammantaget är jag nöjd med hur min verksamhet leds.",
               "Overall, I am satisfied with how my service is managed.",
               development_area="ledarskap"),
        _agree("ab-medarbetare-per-chef",
               "Min närmaste chef har ett rimligt antal medarbetare att leda.",
               "My immediate manager has a reasonable number of staff to lead.",
               allow_cannot_answer=True, development_area="medarbetare-per-chef"),
        _agree("ab-introduktion",
               "Introduktionen jag fick som nyanställd gav mig goda förutsättningar "
               "för arbetet.",
               "The introduction I was given as a new employee prepared me well for the work.",
               help_sv="Välj ”Kan inte svara” om du inte minns din introduktion.",
               help_en="Choose “Cannot answer” if you do not remember your introduction.",
               allow_cannot_answer=True, development_area="introduktion"),
     ]},
    {"title_sv": "Säkerhet och framtid", "title_en": "Safety and the future", "questions": [
        {"code": "ab-hot-vald", "type": YES_NO,
         "text_sv": "Har du blivit utsatt för hot eller våld i arbetet under de senaste "
                    "12 månaderna?",
         "text_en": "Have you been subjected to threats or violence at work in the past "
                    "12 months?",
         "development_area": "arbetsmiljo"},
        _agree("ab-funderar-sluta",
               "Jag funderar på att sluta på min nuvarande arbetsplats inom det närmaste året.",
               "I am thinking about leaving my current workplace within the next year.",
               reverse_scored=True, development_area="karriarvagar"),
        {"code": "ab-forbattra", "type": FREE_TEXT,
         "text_sv": "Vad skulle mest förbättra din arbetssituation?",
         "text_en": "What would most improve your work situation?",
         "max_length": 1500},
     ]},
]

HME = {
    "code": "hme",
    "title_sv": "Hållbart medarbetarengagemang (HME)",
    "title_en": "Sustainable employee engagement (HME)",
    "intro_sv": "SKR:s nio frågor om motivation, ledarskap och styrning.",
    "intro_en": "SKR's nine questions on motivation, leadership and governance.",
    "sections": HME_SECTIONS,
}
WORKLOAD = {
    "code": "arbetsbelastning",
    "title_sv": "Arbetsbelastning i socialt arbete",
    "title_en": "Workload in social work",
    "intro_sv": "Frågor om ärendemängd, tidspress, stöd, introduktion och säkerhet.",
    "intro_en": "Questions on caseload, time pressure, support, introduction and safety.",
    "sections": WORKLOAD_SECTIONS,
}
HME_AND_WORKLOAD = {
    "code": "hme-arbetsbelastning",
    "title_sv": "Medarbetarenkät: engagemang och arbetsbelastning",
    "title_en": "Staff survey: engagement and workload",
    "intro_sv": "Enkäten är anonym. Den tar ungefär fem minuter.",
    "intro_en": "The survey is anonymous. It takes about five minutes.",
    "sections": HME_SECTIONS + WORKLOAD_SECTIONS,
}
LIBRARY = {d["code"]: d for d in (HME, WORKLOAD, HME_AND_WORKLOAD)}


def load_library(db: Session) -> list[Instrument]:
    """Create the library's instruments whose code does not exist yet; returns those made."""
    existing = set(db.scalars(select(Instrument.code)))
    return [
        create_instrument(db, definition)
        for code, definition in LIBRARY.items()
        if code not in existing
    ]
