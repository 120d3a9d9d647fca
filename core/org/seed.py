"""The organisation a new installation starts with: Stockholm's districts of 2018, the
central administrations, six service areas, four staff roles (the last "other role"), two
respondent dimensions and the action plan's thirteen development areas. Idempotent: existing
codes are left alone."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.org.models import (
    DevelopmentArea,
    Dimension,
    DimensionValue,
    District,
    ServiceArea,
    StaffRole,
    by_code,
)

DISTRICTS = [
    ("rinkeby-kista", "Rinkeby-Kista", "Rinkeby-Kista"),
    ("spanga-tensta", "Spånga-Tensta", "Spånga-Tensta"),
    ("hasselby-vallingby", "Hässelby-Vällingby", "Hässelby-Vällingby"),
    ("bromma", "Bromma", "Bromma"),
    ("kungsholmen", "Kungsholmen", "Kungsholmen"),
    ("norrmalm", "Norrmalm", "Norrmalm"),
    ("ostermalm", "Östermalm", "Östermalm"),
    ("sodermalm", "Södermalm", "Södermalm"),
    ("enskede-arsta-vantor", "Enskede-Årsta-Vantör", "Enskede-Årsta-Vantör"),
    ("skarpnack", "Skarpnäck", "Skarpnäck"),
    ("farsta", "Farsta", "Farsta"),
    ("alvsjo", "Älvsjö", "Älvsjö"),
    ("hagersten-liljeholmen", "Hägersten-Liljeholmen", "Hägersten-Liljeholmen"),
    ("skarholmen", "Skärholmen", "Skärholmen"),
]
CENTRAL_ADMINISTRATIONS = [
    ("socialforvaltningen", "Socialförvaltningen", "Social Services Administration"),
    ("aldreforvaltningen", "Äldreförvaltningen", "Elderly Care Administration"),
]
SERVICE_AREAS = [
    ("ekonomiskt-bistand", "Ekonomiskt bistånd", "Economic aid"),
    ("barn-och-unga", "Barn och unga", "Children and youth"),
    ("vuxna-missbruk", "Vuxna/missbruk", "Adults/substance abuse"),
    ("socialpsykiatri", "Socialpsykiatri", "Social psychiatry"),
    ("funktionsnedsattning", "Funktionsnedsättning", "Disability support"),
    ("aldreomsorg", "Äldreomsorg", "Elderly care"),
]
STAFF_ROLES = [
    ("socialsekreterare", "Socialsekreterare", "Social worker"),
    ("bistandshandlaggare", "Biståndshandläggare", "Assistance assessor"),
    ("chef", "Chef", "Manager"),
    # so that nobody whose work is none of the above has to pick a role that is not theirs
    ("annan-roll", "Annan roll", "Other role"),
]
DIMENSIONS = {
    ("tenure", "Anställningstid", "Length of service"): [
        ("lt1", "Mindre än 1 år", "Less than 1 year"),
        ("1-3", "1–3 år", "1–3 years"),
        ("3-5", "3–5 år", "3–5 years"),
        ("gt5", "Mer än 5 år", "More than 5 years"),
    ],
    ("gender", "Kön", "Gender"): [
        ("woman", "Kvinna", "Woman"),
        ("man", "Man", "Man"),
        ("other", "Annat eller vill inte uppge", "Other or prefer not to say"),
    ],
}
DEVELOPMENT_AREAS = [
    ("introduktion", "Introduktion av nyanställda", "Introduction of new staff"),
    ("arendemangd", "Rimligt antal ärenden", "Reasonable caseloads"),
    ("medarbetare-per-chef", "Rimligt antal medarbetare per chef",
     "Reasonable number of staff per manager"),
    ("administrativt-stod", "Administrativt stöd", "Administrative support"),
    ("ledarskap", "Ledarskap och chefsstöd", "Leadership and support for managers"),
    ("kompetensutveckling", "Kompetensutveckling", "Professional development"),
    ("karriarvagar", "Karriärvägar", "Career paths"),
    ("lon-villkor", "Lön och villkor", "Pay and conditions"),
    ("arbetsmiljo", "Arbetsmiljö och säkerhet", "Work environment and safety"),
    ("handledning", "Handledning och kollegialt stöd", "Supervision and peer support"),
    ("konsulter", "Minskat beroende av konsulter", "Less reliance on hired consultants"),
    ("it-stod", "IT-stöd och digitala arbetssätt", "IT support and digital ways of working"),
    ("brukardelaktighet", "Brukardelaktighet", "User participation"),
]


def seed_organisation(db: Session) -> None:
    """Insert the default organisation where its codes are missing."""
    for order, (code, sv, en) in enumerate(DISTRICTS + CENTRAL_ADMINISTRATIONS):
        if by_code(db, District, code) is None:
            central = order >= len(DISTRICTS)
            db.add(District(code=code, name_sv=sv, name_en=en, sort_order=order,
                            is_central=central))
    for model, rows in ((ServiceArea, SERVICE_AREAS), (StaffRole, STAFF_ROLES)):
        for order, (code, sv, en) in enumerate(rows):
            if by_code(db, model, code) is None:
                db.add(model(code=code, name_sv=sv, name_en=en, sort_order=order))
    for order, ((code, sv, en), values) in enumerate(DIMENSIONS.items()):
        if by_code(db, Dimension, code) is None:
            dimension = Dimension(code=code, name_sv=sv, name_en=en, sort_order=order)
            dimension.values = [
                DimensionValue(code=vc, name_sv=vsv, name_en=ven, sort_order=i)
                for i, (vc, vsv, ven) in enumerate(values)
            ]
            db.add(dimension)
    for number, (code, sv, en) in enumerate(DEVELOPMENT_AREAS, start=1):
        if by_code(db, DevelopmentArea, code) is None:
            db.add(DevelopmentArea(code=code, name_sv=sv, name_en=en, number=number,
                                   sort_order=number))
    db.flush()
