"""QR codes of survey links, for the printed invitation codes and the open link's poster:
made by segno on the server as inline SVG (no network, no script), sized by the page's CSS.

An invitation code's link carries the code (``?code=``), so that scanning the note opens the
start page with the code filled in; the code is spent only when the respondent starts, as
when it is typed. Access logs leave query strings out (``core.logs``, gunicorn.conf.py)."""

from __future__ import annotations

import segno
from flask import url_for
from markupsafe import Markup

from survey.tokens import display_code

#: error correction M (15 %): a printed note stays readable with a fold or a smudge
ERROR_CORRECTION = "m"
#: the quiet zone around the code, in modules (the QR standard asks for four)
QUIET_ZONE = 4
#: one data mask for every code instead of the best of eight: choosing it encodes each code
#: eight times (10 ms a code, 20 s for a batch of 2,000 that is shown once and must render
#: at once; 2 ms a code with the mask fixed), and every reader decodes every mask
MASK = 0


def qr_code(data: str) -> segno.QRCode:
    """The QR code of ``data``, as every printed page makes it (tests decode this)."""
    return segno.make(data, error=ERROR_CORRECTION, micro=False, mask=MASK)


def qr_svg(data: str, css_class: str = "qr") -> Markup:
    """Inline SVG of ``data``'s QR code, without a fixed size (the CSS sizes it). Hidden from
    screen readers: the link is printed beside it as text."""
    svg = qr_code(data).svg_inline(scale=1, border=QUIET_ZONE, omitsize=True,
                                   svgclass=css_class, lineclass=None, dark="#000")
    # segno's own SVG of a URL that is not in it as text: nothing to escape
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))  # noqa: S704


def start_url(wave_id: int) -> str:
    """The wave's start page, as printed on notes and posters."""
    return url_for("survey.start", wave_id=wave_id, _external=True)


def code_url(wave_id: int, code: str) -> str:
    """The start page with an invitation code filled in: what a note's QR code opens."""
    return url_for("survey.start", wave_id=wave_id, code=display_code(code), _external=True)
