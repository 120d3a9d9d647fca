"""Demonstration cafés: the ten dialogue cafés of June, August and September 2017 of the
story (moved forward with the rest of it, see ``core.demo_dates``) for about 500 staff at
about 60 tables, with notes per round, ideas answered in every status and published plenary
summaries, plus a follow-up café coming up in nine days, already open so that the
facilitators can try the tablet.

``load(db, rng)`` is called by ``flask demo load`` after the organisation and demo users
exist. It is deterministic for a given ``rng`` and inserts notes, ideas and history in bulk.
"""

from __future__ import annotations

import random
import uuid as uuidlib
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cafe.demo_texts import ANSWERS, NOTES, QUESTIONS, SUMMARY_LINES
from cafe.ideas.models import (
    CONSIDERING,
    DONE,
    IDEA_STATUSES,
    NEW,
    NOT_PURSUED,
    PLANNED,
    Idea,
    IdeaStatusChange,
)
from cafe.ideas.services import routing_district
from cafe.models import (
    CLOSED,
    IDEA,
    OPEN,
    Cafe,
    CafeTable,
    ExpectedParticipants,
    Note,
    Round,
    note_area,
)
from core.auth.accounts import User
from core.demo_dates import story_date
from core.org.models import DevelopmentArea, District, StaffRole, by_code

#: (date in the story, title suffix, venue, hosting district codes, participants)
SEASON = [
    (date(2017, 6, 8), "Farsta", "Farsta stadsdelsförvaltning, Storforsplan", ["farsta"], 48),
    (date(2017, 6, 13), "Rinkeby-Kista", "Kista Träffpunkt", ["rinkeby-kista"], 52),
    (date(2017, 6, 15), "Södermalm", "Södermalms stadsdelsförvaltning", ["sodermalm"], 50),
    (date(2017, 6, 20), "Skärholmen", "Skärholmens medborgarhus", ["skarholmen"], 44),
    (date(2017, 8, 22), "Spånga-Tensta", "Tensta träff", ["spanga-tensta"], 47),
    (date(2017, 8, 24), "Enskede-Årsta-Vantör", "Globen, konferens",
     ["enskede-arsta-vantor"], 55),
    (date(2017, 8, 29), "Hässelby-Vällingby", "Vällingby centrum", ["hasselby-vallingby"], 46),
    (date(2017, 9, 5), "innerstaden", "Stadshuset, Rödakorssalen",
     ["norrmalm", "ostermalm", "kungsholmen"], 56),
    (date(2017, 9, 12), "Hägersten-Liljeholmen och Älvsjö", "Liljeholmstorget, konferens",
     ["hagersten-liljeholmen", "alvsjo"], 51),
    (date(2017, 9, 19), "Bromma", "Brommaplan, konferens", ["bromma"], 49),
]
EXTRA_FACILITATORS = [
    ("samtalsledare3", "Sofia Lind"),
    ("samtalsledare4", "Johan Berg"),
    ("samtalsledare5", "Amina Yusuf"),
    ("samtalsledare6", "Erik Holm"),
    ("samtalsledare7", "Lena Ek"),
    ("samtalsledare8", "Omar Haddad"),
]
ROLE_SHARES = [("socialsekreterare", 0.6), ("bistandshandlaggare", 0.25), ("chef", 0.15)]
FIRST_ROUND_AREAS = ["introduktion", "arendemangd"]
LATER_ROUND_AREAS = ["administrativt-stod", "ledarskap", "konsulter", "karriarvagar",
                     "arbetsmiljo"]
#: how the routed ideas are spread over the statuses (new ones stay unanswered)
STATUS_WEIGHTS = {NEW: 2, CONSIDERING: 2, PLANNED: 2, DONE: 3, NOT_PURSUED: 1}
STEPS = {NEW: [], CONSIDERING: [CONSIDERING], PLANNED: [CONSIDERING, PLANNED],
         DONE: [CONSIDERING, PLANNED, DONE], NOT_PURSUED: [CONSIDERING, NOT_PURSUED]}


def _facilitators(db: Session) -> list[User]:
    """samtalsledare1/2 from the demo users plus six more with the same password."""
    existing = {u.username: u for u in db.scalars(select(User).where(User.role == "facilitator"))}
    template = existing.get("samtalsledare1")
    for username, name in EXTRA_FACILITATORS:
        if username in existing:
            continue
        user = User(username=username, display_name=name, role="facilitator")
        if template is not None:
            user.password_hash = template.password_hash  # same demo password, no re-hashing
        else:
            from demo import DEMO_PASSWORD

            user.set_password(DEMO_PASSWORD)
        db.add(user)
        existing[username] = user
    db.flush()
    return [existing[k] for k in sorted(existing) if k.startswith("samtalsledare")]


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    base = [total // parts] * parts
    for i in rng.sample(range(parts), total % parts):
        base[i] += 1
    return base


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _make_cafe(db, rng, when, suffix, venue, codes, people, facilitators, areas, roles):
    start = datetime.combine(when, datetime.min.time()).replace(hour=13)
    cafe = Cafe(title=f"Dialogcafé {suffix}", starts_at=start, ends_at=start + timedelta(hours=3),
                venue=venue, status=CLOSED, closed_at=start + timedelta(hours=3))
    cafe.districts = [by_code(db, District, code) for code in codes]
    for (_code, share), role in zip(ROLE_SHARES, roles, strict=True):
        cafe.participants.append(ExpectedParticipants(staff_role_id=role.id,
                                                      expected=round(people * share)))
    chosen = [rng.choice(FIRST_ROUND_AREAS)] + rng.sample(LATER_ROUND_AREAS, 2)
    for position, code in enumerate(chosen, start=1):
        question_sv, question_en = QUESTIONS[code]
        cafe.rounds.append(Round(position=position, question_sv=question_sv,
                                 question_en=question_en, minutes=rng.choice([15, 20, 25]),
                                 development_area_id=areas[code].id))
    tables = 7 if people >= 55 else 6 if people >= 47 else 5
    for number, seated in enumerate(_split(people, tables, rng), start=1):
        facilitator = facilitators[rng.randrange(len(facilitators))]
        cafe.tables.append(CafeTable(number=number, participants=seated,
                                     facilitator_id=facilitator.id))
    db.add(cafe)
    return cafe, chosen


def _note_rows(cafe, chosen, areas, rng, uuid_of):
    rows, tags = [], []
    for rnd, code in zip(cafe.rounds, chosen, strict=True):
        round_start = cafe.starts_at + timedelta(minutes=20 + 30 * (rnd.position - 1))
        for table in cafe.tables:
            picked = rng.sample(NOTES[code], rng.randint(3, 5))
            for n, (kind, text) in enumerate(picked):
                moment = _ms(round_start + timedelta(minutes=2 + 3 * n, seconds=table.number))
                rows.append({
                    "uuid": uuid_of(), "table_id": table.id, "round_id": rnd.id, "kind": kind,
                    "text": text, "votes": rng.randint(0, 9) if kind == IDEA else 0,
                    "author_id": table.facilitator_id, "version": 1, "created_ms": moment,
                    "edited_ms": moment, "created_at": cafe.starts_at, "updated_at":
                    cafe.starts_at, "deleted": False, "has_conflict": False,
                    "in_summary": False,
                })
                extra = rng.choice(list(areas.values()))
                if rng.random() < 0.15 and extra.id != rnd.development_area_id:
                    tags.append((rows[-1]["uuid"], extra.id))
    return rows, tags


def _summary(cafe, chosen, ideas) -> str:
    people = sum(t.participants or 0 for t in cafe.tables)
    lines = [f"Caféet samlade {people} medarbetare och chefer vid {len(cafe.tables)} bord."]
    lines += [SUMMARY_LINES[code] for code in chosen]
    top = sorted(ideas, key=lambda n: (-n["votes"], n["created_ms"]))[:3]
    if top:
        lines.append("Idéerna som fick flest röster:")
        lines += [f"- {n['text']}" for n in top]
    return "\n".join(lines)


def _answer_ideas(db, rng, cafes_with_district, area_codes, steering):
    """Route the ideas of each café and walk them through statuses with answers."""
    statuses = [s for s in IDEA_STATUSES for _ in range(STATUS_WEIGHTS[s])]
    idea_rows, history_rows = [], []
    published: set[tuple[int, str]] = set()
    for cafe, district in cafes_with_district:
        notes = db.execute(
            select(Note.id, Round.development_area_id, Note.text)
            .join(CafeTable, Note.table_id == CafeTable.id)
            .join(Round, Note.round_id == Round.id)
            .where(CafeTable.cafe_id == cafe.id, Note.kind == IDEA)
            .order_by(Note.id)
        ).all()
        for note_id, area_id, text in notes:
            status = rng.choice(statuses)
            code = area_codes[area_id]
            answered = cafe.starts_at.date() + timedelta(days=rng.randint(40, 200))
            answer = ANSWERS[code][status] if status != NEW else ""
            idea_rows.append({
                "note_id": note_id, "cafe_id": cafe.id, "district_id": district.id,
                "development_area_id": area_id, "status": status,
                "answer": answer, "answered_on": answered if answer else None,
                "answer_public": bool(answer) and rng.random() < 0.85,
                # the same idea from several tables is published once per district
                "published": (status != NEW or rng.random() < 0.4)
                and (district.id, text) not in published,
                "created_at": cafe.closed_at, "updated_at": datetime.combine(answered,
                                                                            datetime.min.time()),
            })
            history_rows.append(STEPS[status])
            if idea_rows[-1]["published"]:
                published.add((district.id, text))
    db.execute(insert(Idea), idea_rows)
    ideas = db.scalars(select(Idea).order_by(Idea.id)).all()
    changes = []
    for idea, steps in zip(ideas, history_rows, strict=True):
        changes.append({"idea_id": idea.id, "status": NEW, "changed_at": idea.created_at,
                        "changed_by_id": None})
        who = steering.get(idea.district_id)
        answers = ANSWERS[area_codes[idea.development_area_id]]
        for n, step in enumerate(steps, start=1):
            final = n == len(steps)
            changes.append({
                "idea_id": idea.id, "status": step,
                "answer": idea.answer if final else answers[step],
                "answered_on": idea.answered_on if final else None,
                "answer_public": idea.answer_public if final else False,
                "published": idea.published if final else False,
                "changed_by_id": who,
                "changed_at": idea.created_at + (idea.updated_at - idea.created_at) * n
                / len(steps),
            })
    db.execute(insert(IdeaStatusChange), changes)


def load(db: Session, rng: random.Random) -> None:
    """Create the season's cafés (closed, answered, summarised) and one open café."""
    facilitators = _facilitators(db)
    areas = {code: by_code(db, DevelopmentArea, code) for code in QUESTIONS}
    area_codes = {a.id: code for code, a in areas.items()}
    roles = [by_code(db, StaffRole, code) for code, _share in ROLE_SHARES]

    def uuid_of() -> str:
        """A version-4 UUID drawn from ``rng`` so that the demo is the same every time."""
        return str(uuidlib.UUID(int=rng.getrandbits(128), version=4))

    season = []
    today = date.today()
    for when, suffix, venue, codes, people in SEASON:
        cafe, chosen = _make_cafe(db, rng, story_date(when, today), suffix, venue, codes,
                                  people, facilitators, areas, roles)
        season.append((cafe, chosen))
    db.flush()
    all_tags = []
    for cafe, chosen in season:
        rows, tags = _note_rows(cafe, chosen, areas, rng, uuid_of)
        db.execute(insert(Note), rows)
        ids = dict(db.execute(select(Note.uuid, Note.id).where(
            Note.uuid.in_([r["uuid"] for r in rows]))).all())
        all_tags += [{"note_id": ids[uuid], "development_area_id": area} for uuid, area in tags]
        cafe.summary = _summary(cafe, chosen, [r for r in rows if r["kind"] == IDEA])
        cafe.summary_published_at = cafe.closed_at + timedelta(days=rng.randint(3, 14))
    if all_tags:
        db.execute(insert(note_area), all_tags)
    steering = _steering_users(db)
    _answer_ideas(db, rng, [(c, routing_district(db, c)) for c, _ in season], area_codes,
                  steering)
    _open_cafe(db, facilitators, areas, roles, today)
    db.flush()


def _steering_users(db: Session) -> dict[int, int]:
    """district id -> the user who answers its ideas (a local group, else the analyst)."""
    users = db.scalars(select(User).where(User.role.in_(["local", "central"]))).all()
    central = next((u.id for u in users if u.role == "central"), None)
    answers = {d.id: central for d in db.scalars(select(District))}
    for user in users:
        if user.role == "local":
            for district in user.districts:
                answers[district.id] = user.id
    return answers


#: days from loading the demonstration to the follow-up café
FOLLOW_UP_IN_DAYS = 9


def _open_cafe(db, facilitators, areas, roles, today: date) -> None:
    """A follow-up café coming up, open already so that the facilitators can try the
    tablet before the day."""
    start = datetime.combine(today + timedelta(days=FOLLOW_UP_IN_DAYS),
                             datetime.min.time()).replace(hour=9)
    cafe = Cafe(title="Uppföljande dialogcafé Farsta", starts_at=start,
                ends_at=start + timedelta(hours=3), venue="Farsta stadsdelsförvaltning",
                status=OPEN)
    cafe.districts = [by_code(db, District, "farsta")]
    for role, count in zip(roles, (24, 10, 6), strict=True):
        cafe.participants.append(ExpectedParticipants(staff_role_id=role.id, expected=count))
    for position, code in enumerate(["introduktion", "administrativt-stod"], start=1):
        question_sv, question_en = QUESTIONS[code]
        cafe.rounds.append(Round(position=position, question_sv=question_sv,
                                 question_en=question_en, minutes=20,
                                 development_area_id=areas[code].id))
    for number, user in enumerate(facilitators[:6], start=1):
        cafe.tables.append(CafeTable(number=number, facilitator_id=user.id))
    db.add(cafe)
