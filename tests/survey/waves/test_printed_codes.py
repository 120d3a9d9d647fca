"""Printed invitation codes and the open link's poster carry a link and a QR code that work:
the QR code drawn on the page is decoded (zxing-cpp, from the SVG as served) and the link it
holds is followed like a phone would, up to starting the survey with the code."""

from __future__ import annotations

import re

import numpy as np
import zxingcpp
from sqlalchemy import select

from core.org.models import District, by_code
from survey.models import InvitationCode
from survey.tokens import display_code
from tests.survey.helpers import make_wave

NOTE = re.compile(r'<span class="code" data-link="([^"]+)">([^<]+)</span>\s*</div>\s*'
                  r'<div class="code-note-qr">(<svg.*?</svg>)', re.S)


def svg_matrix(svg: str) -> np.ndarray:
    """The modules of segno's inline SVG as an image (dark 0, light 255, 4 px a module):
    its one path draws each row's dark runs as ``h`` segments between relative moves."""
    width, height = (int(v) for v in re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    path = re.search(r' d="([^"]+)"', svg).group(1)
    image = np.full((height, width), 255, dtype=np.uint8)
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(v) for v in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            image[int(y - 0.5), int(x):int(x + values[0])] = 0
            x += values[0]
    return np.kron(image, np.ones((4, 4), dtype=np.uint8))


def decode(svg: str) -> str:
    found = zxingcpp.read_barcodes(svg_matrix(svg))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_printed_codes_carry_a_link_and_a_qr_code_that_start_the_survey(app, db, login):
    wave = make_wave(db, mode="codes", publish=False)
    farsta = by_code(db, District, "farsta")
    moderator = login("moderator")
    base = f"/survey/admin/waves/{wave.id}"
    moderator.post(f"{base}/codes", data={"district_id": farsta.id, "service_area_id": 0,
                                          "staff_role_id": 0, "count": 3})
    page = moderator.get(f"{base}/codes").get_data(as_text=True)
    notes = NOTE.findall(page)
    assert len(notes) == 3
    stored = set(db.scalars(select(InvitationCode.code).where(
        InvitationCode.wave_id == wave.id)))
    assert f"http://localhost/survey/{wave.id}/" in page  # the address, printed as text
    for link, shown, svg in notes:
        assert decode(svg) == link == f"http://localhost/survey/{wave.id}/?code={shown}"
        assert shown.replace("-", "") in stored and shown == display_code(shown.replace("-", ""))
    assert "data-print" in page  # a print button (shown when scripts run)

    from survey.waves.lifecycle import open_wave

    open_wave(db, wave)
    db.commit()
    phone = app.test_client()
    link, shown, _svg = notes[0]
    start = phone.get(link.removeprefix("http://localhost")).get_data(as_text=True)
    assert f'name="code" value="{shown}"' in start  # filled in, not spent by looking
    assert not db.scalar(select(InvitationCode.used).where(
        InvitationCode.code == shown.replace("-", "")))
    answer = phone.post(f"/survey/{wave.id}/", data={"code": shown,
                                                    "staff_role": "socialsekreterare"})
    assert answer.status_code == 303
    db.expire_all()
    assert db.scalar(select(InvitationCode.used).where(
        InvitationCode.code == shown.replace("-", "")))


def test_the_open_links_poster_has_its_qr_code(app, db, login):
    wave = make_wave(db)
    client = login("moderator")
    assert "/poster" in client.get(f"/survey/admin/waves/{wave.id}").get_data(as_text=True)
    page = client.get(f"/survey/admin/waves/{wave.id}/poster").get_data(as_text=True)
    svg = re.search(r'<div class="poster-qr-wrap">(<svg.*?</svg>)', page, re.S).group(1)
    link = decode(svg)
    assert link == f"http://localhost/survey/{wave.id}/" and f">{link}<" in page
    assert app.test_client().get(link.removeprefix("http://localhost")).status_code == 200
    codes_wave = make_wave(db, mode="codes", name="Kodvåg")
    assert client.get(f"/survey/admin/waves/{codes_wave.id}/poster").status_code == 404
