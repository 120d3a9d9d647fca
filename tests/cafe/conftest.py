"""Café fixtures: an open café in Farsta with two rounds and two tables, table 1 run by the
'facilitator' user and table 2 by a second facilitator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from cafe.models import OPEN
from cafe.setup import services as setup
from cafe.setup.services import CafeData, RoundData, TableData
from core.auth import accounts as auth
from core.db import get_session
from core.org.models import DevelopmentArea, District, StaffRole, by_code
from tests.conftest import PASSWORD


@dataclass
class CafeIds:
    cafe: int
    rounds: list[int]
    tables: list[int]
    facilitator2: int


def make_cafe(db, district_codes=("farsta",), facilitator_ids=(), title="Dialogkafé Farsta",
              status=OPEN):
    districts = [by_code(db, District, code).id for code in district_codes]
    role = by_code(db, StaffRole, "socialsekreterare")
    cafe = setup.create_cafe(
        db,
        CafeData(
            title=title,
            starts_at=datetime(2017, 6, 12, 13, 0),
            ends_at=datetime(2017, 6, 12, 16, 0),
            venue="Farsta Medborgarhus",
            district_ids=districts,
            expected={role.id: 40},
        ),
    )
    intro = by_code(db, DevelopmentArea, "introduktion")
    load = by_code(db, DevelopmentArea, "arendemangd")
    setup.add_round(db, cafe, RoundData("Hur tar vi emot nya kollegor?", "How do we welcome "
                                        "new colleagues?", intro.id, 20))
    setup.add_round(db, cafe, RoundData("Vad är ett rimligt antal ärenden?", "", load.id, 25))
    for number, facilitator in enumerate(facilitator_ids, start=1):
        setup.add_table(db, cafe, TableData(number, f"Bord {number}", facilitator))
    if status != "draft":
        setup.set_status(db, cafe, OPEN)
    if status == "closed":
        setup.set_status(db, cafe, "closed")
    return cafe


@pytest.fixture
def cafe_ids(app, users) -> CafeIds:
    with app.app_context():
        db = get_session()
        other = auth.create_user(db, "facilitator2", PASSWORD, "facilitator", "Fia Två")
        cafe = make_cafe(db, facilitator_ids=(users["facilitator"], other.id))
        ids = CafeIds(cafe.id, [r.id for r in cafe.rounds], [t.id for t in cafe.tables],
                      other.id)
        db.commit()
    return ids
