"""Server-rendered SVG charts: heatmap, trend with a confidence band, distribution bars,
progress bars and word clouds. Pure functions returning ``Markup``.

The content security policy forbids inline style, so everything is drawn with SVG
presentation attributes (fill=, font-size=, …). Colours are colour-blind safe: a viridis-like
sequential scale for the heatmap, Okabe–Ito for categories, and every value is also written
as text. Each chart is ``role="img"`` with a title; the pages put a data table next to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
#: viridis at 0, 25, 50, 75 and 100 %
VIRIDIS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
#: Okabe–Ito, ordered from the low to the high end of an agreement scale
DIVERGING = {4: ["#d55e00", "#e69f00", "#56b4e9", "#0072b2"],
             5: ["#d55e00", "#e69f00", "#bbbbbb", "#56b4e9", "#0072b2"],
             6: ["#d55e00", "#e69f00", "#f0e442", "#cde8f6", "#56b4e9", "#0072b2"],
             7: ["#d55e00", "#e69f00", "#f0e442", "#bbbbbb", "#cde8f6", "#56b4e9", "#0072b2"]}
CATEGORICAL = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
               "#000000"]
#: dark variants with at least 4.5:1 contrast on white, for words
WORD_COLOURS = ["#0b4f8a", "#a14400", "#00664a", "#8e3b6e", "#1b1f24"]
HIDDEN_FILL = "#f3f5f7"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def sequential(value: float, low: float = 0.0, high: float = 100.0) -> str:
    """A viridis-like colour for ``value`` between ``low`` and ``high``."""
    t = 0.0 if high == low else min(1.0, max(0.0, (value - low) / (high - low)))
    pos = t * (len(VIRIDIS) - 1)
    i = min(int(pos), len(VIRIDIS) - 2)
    a, b = _rgb(VIRIDIS[i]), _rgb(VIRIDIS[i + 1])
    f = pos - i
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b, strict=True))


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (relative luminance)."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(fill))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.18 else "#ffffff"


def _svg(width: float, height: float, title: str, body: list[str], css: str = "chart",
         fixed: bool = True) -> Markup:
    """An SVG of ``width`` × ``height`` units. ``fixed``: drawn at that size in pixels;
    otherwise as wide as its box (the CSS of its class sizes it) with the units scaled."""
    size = f' width="{width:.0f}" height="{height:.0f}"' if fixed else ""
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" viewBox="0 0 {width:.0f} '
            f'{height:.0f}"{size} role="img" font-family="{FONT}" font-size="13">'
            f'<title>{escape(title)}</title>')
    # every text that reaches the SVG went through escape() above; numbers are formatted here
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704


#: the width of a character of the charts' 13-unit font, on average, in SVG units
CHAR_WIDTH = 7.2
LINE_HEIGHT = 15


def wrap(text: str, width: float, max_lines: int = 3, font_size: float = 13,
         bold: bool = False) -> list[str]:
    """``text`` in lines that fit ``width`` units (words kept whole where they fit, the last
    line cut with "…" when more would be needed)."""
    char = CHAR_WIDTH * font_size / 13 * (1.12 if bold else 1.0)
    limit = max(4, int(width / char))
    lines: list[str] = []
    for word in text.split():
        while len(word) > limit:  # a word longer than a line is broken
            lines.append(word[:limit - 1] + "-")
            word = word[limit - 1:]
        if lines and len(lines[-1]) + 1 + len(word) <= limit and not lines[-1].endswith("-"):
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _short(lines[-1] + " …", limit)
    return lines or [""]


def _lines(x: float, y: float, lines: Sequence[str], anchor: str = "middle",
           extra: str = "") -> str:
    """A ``<text>`` of several lines, the first on the baseline ``y``."""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
        for i, line in enumerate(lines))
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{spans}</text>'


@dataclass(frozen=True)
class HeatCell:
    value: float | None  #: None when hidden or empty
    label: str  #: what is written in the cell (a number, or a short reason)
    detail: str  #: tooltip and screen-reader text


def heatmap(rows: Sequence[str], columns: Sequence[str], cells: Sequence[Sequence[HeatCell]],
            title: str) -> Markup:
    """A rows x columns grid coloured by value (0..100); hidden cells are pale and hatched.
    It is as wide as its box (column names are written on up to three lines above their
    column, never over each other). It comes with the same cells as a list
    (``heat_list``), which the page's CSS shows instead on a narrow screen."""
    cw, ch = 96, 32
    left = 12 + min(230, CHAR_WIDTH * max((len(r) for r in rows), default=8))
    heads = [wrap(name, cw - 8, bold=True) for name in columns]
    top = 10 + LINE_HEIGHT * max((len(h) for h in heads), default=1)
    width, height = left + cw * len(columns) + 4, top + ch * len(rows) + 4
    body = ['<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#c9d0d8" '
            'stroke-width="2"/></pattern></defs>']
    for j, head in enumerate(heads):
        x = left + cw * j + cw / 2
        y = top - 8 - LINE_HEIGHT * (len(head) - 1)
        body.append(_lines(x, y, head, extra=' class="heat-head" fill="#1b1f24" '
                                             'font-weight="600"'))
    for i, name in enumerate(rows):
        y = top + ch * i
        body.append(f'<text x="{left - 8}" y="{y + ch / 2 + 4:.0f}" text-anchor="end" '
                    f'fill="#1b1f24">{escape(_short(name, int((left - 12) / CHAR_WIDTH)))}'
                    '</text>')
        for j, cell in enumerate(cells[i]):
            x = left + cw * j
            fill = sequential(cell.value) if cell.value is not None else HIDDEN_FILL
            body.append(f'<g><title>{escape(cell.detail)}</title>'
                        f'<rect x="{x}" y="{y}" width="{cw - 2}" height="{ch - 2}" '
                        f'fill="{fill}"/>')
            if cell.value is None:
                body.append(f'<rect x="{x}" y="{y}" width="{cw - 2}" height="{ch - 2}" '
                            'fill="url(#hatch)"/>')
            colour = text_colour(fill) if cell.value is not None else "#1b1f24"
            body.append(f'<text x="{x + cw / 2 - 1:.0f}" y="{y + ch / 2 + 5:.0f}" '
                        f'text-anchor="middle" font-size="14" fill="{colour}">'
                        f'{escape(cell.label)}</text></g>')
    return (_svg(width, height, title, body, "chart heatmap", fixed=False)
            + heat_list(rows, columns, cells, title))


#: the heat list's colour classes: ``heat-0`` (0–9) to ``heat-10`` (100), see steering.css
HEAT_STEPS = 10


def heat_class(value: float | None) -> str:
    if value is None:
        return "heat-hidden"
    return f"heat-{min(HEAT_STEPS, max(0, int(value // HEAT_STEPS)))}"


def heat_list(rows: Sequence[str], columns: Sequence[str],
              cells: Sequence[Sequence[HeatCell]], title: str) -> Markup:
    """The heatmap as a list for narrow screens: each row a heading with its cells as
    coloured chips that name their column, in text that wraps instead of shrinking."""
    parts = [f'<div class="heat-list" role="group" aria-label="{escape(title)}">']
    for name, row in zip(rows, cells, strict=True):
        parts.append(f'<section class="heat-row"><h3>{escape(name)}</h3><ul>')
        for column, cell in zip(columns, row, strict=True):
            parts.append(f'<li class="{heat_class(cell.value)}"><span class="heat-name">'
                         f'{escape(column)}</span> <span class="heat-value">'
                         f'{escape(cell.label)}</span></li>')
        parts.append("</ul></section>")
    parts.append("</div>")
    return Markup("".join(parts))  # noqa: S704  (every text escaped above)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    text: str = ""  #: the value as written (locale-formatted)


#: the wide trend's width in SVG units; it is drawn as wide as its box
TREND_WIDTH = 720
#: the narrow trend (phones): waves top to bottom, the value across
NARROW_WIDTH = 340


def trend(points: Sequence[TrendPoint], title: str, y_label: str) -> Markup:
    """A line over waves with its 95 % confidence band, on 0..100; gaps where hidden. Two
    drawings of the same figures: across (wide screens, wave names wrapped on up to three
    lines under their own slot, so they never overlap however many or long) and down
    (narrow screens: one wave a row, its full name above its value). The page's CSS shows
    one of them."""
    return _trend_wide(points, title, y_label) + _trend_narrow(points, title)


def _trend_wide(points: Sequence[TrendPoint], title: str, y_label: str) -> Markup:
    left, top, plot_h = 48, 22, 180
    plot_w = TREND_WIDTH - left - 16
    slot = plot_w / max(1, len(points))
    labels = [wrap(p.label, slot - 10) for p in points]
    bottom = 14 + LINE_HEIGHT * max((len(lines) for lines in labels), default=1)

    def x(i: int) -> float:
        return left + slot * (i + 0.5)

    def y(v: float) -> float:
        return top + plot_h * (1 - min(100.0, max(0.0, v)) / 100)

    body = [f'<text x="4" y="{top + plot_h / 2:.0f}" transform="rotate(-90 12 '
            f'{top + plot_h / 2:.0f})" fill="#4a5360">{escape(y_label)}</text>']
    for tick in (0, 25, 50, 75, 100):
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" '
                    f'y2="{y(tick):.1f}" stroke="#c9d0d8" stroke-width="1"/>'
                    f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                    f'fill="#4a5360">{tick}</text>')
    for run in _runs(points):
        upper = [f"{x(i):.1f},{y(points[i].high):.1f}" for i in run]  # type: ignore[arg-type]
        lower = [f"{x(i):.1f},{y(points[i].low):.1f}" for i in reversed(run)]  # type: ignore[arg-type]
        if all(points[i].low is not None for i in run) and len(run) > 1:
            body.append(f'<polygon points="{" ".join(upper + lower)}" fill="#56b4e9" '
                        'fill-opacity="0.35"/>')
        line = " ".join(f"{x(i):.1f},{y(points[i].value):.1f}" for i in run)  # type: ignore[arg-type]
        body.append(f'<polyline points="{line}" fill="none" stroke="#0072b2" stroke-width="2.5"/>')
    for i, p in enumerate(points):
        body.append(_lines(x(i), top + plot_h + 18, labels[i],
                           extra=' class="trend-label" fill="#1b1f24"'))
        if p.value is None:
            continue
        if p.low is not None and p.high is not None:
            body.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{y(p.low):.1f}" '
                        f'y2="{y(p.high):.1f}" stroke="#0072b2" stroke-width="1.5"/>')
        body.append(f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="4.5" fill="#0072b2"/>'
                    f'<text x="{x(i) + 8:.1f}" y="{y(p.value) - 8:.1f}" fill="#1b1f24" '
                    f'font-weight="600">{escape(p.text)}</text>')
    return _svg(TREND_WIDTH, top + plot_h + bottom, title, body, "chart trend trend-wide",
                fixed=False)


def _trend_narrow(points: Sequence[TrendPoint], title: str) -> Markup:
    left, right = 8, NARROW_WIDTH - 44
    scale_w = right - left

    def x(v: float) -> float:
        return left + scale_w * min(100.0, max(0.0, v)) / 100

    body = []
    y = 8.0
    for p in points:
        lines = wrap(p.label, NARROW_WIDTH - 16, max_lines=2, bold=True)
        body.append(_lines(left, y + 12, lines, anchor="start",
                           extra=' class="trend-label" fill="#1b1f24" font-weight="600"'))
        y += 12 + LINE_HEIGHT * (len(lines) - 1) + 10
        body.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" '
                    'stroke="#c9d0d8" stroke-width="6" stroke-linecap="round"/>')
        if p.value is not None:
            if p.low is not None and p.high is not None:
                body.append(f'<line x1="{x(p.low):.1f}" x2="{x(p.high):.1f}" y1="{y:.1f}" '
                            f'y2="{y:.1f}" stroke="#56b4e9" stroke-width="6"/>')
            body.append(f'<circle cx="{x(p.value):.1f}" cy="{y:.1f}" r="6" fill="#0072b2"/>'
                        f'<text x="{right + 8}" y="{y + 5:.1f}" font-weight="600" '
                        f'fill="#1b1f24">{escape(p.text)}</text>')
        else:
            body.append(f'<text x="{right + 8}" y="{y + 5:.1f}" fill="#4a5360">×</text>')
        y += 18
    ticks = "".join(f'<text x="{x(t):.1f}" y="{y + 6:.1f}" text-anchor="middle" '
                    f'fill="#4a5360" font-size="11">{t}</text>' for t in (0, 50, 100))
    return _svg(NARROW_WIDTH, y + 12, title, [*body, ticks], "chart trend trend-narrow",
                fixed=False)


def _runs(points: Sequence[TrendPoint]) -> list[list[int]]:
    """Consecutive indices with a value (a hidden wave breaks the line)."""
    runs: list[list[int]] = [[]]
    for i, p in enumerate(points):
        if p.value is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [r for r in runs if r]


def distribution(shares: Sequence[float], labels: Sequence[str], title: str,
                 fmt: Callable[[float], str]) -> Markup:
    """One stacked bar of answer shares (lowest answer on the left), shares as text."""
    colours = DIVERGING.get(len(shares)) or (CATEGORICAL * 2)[:len(shares)]
    width, height, x = 220.0, 22, 0.0
    body = []
    for share, label, colour in zip(shares, labels, colours, strict=False):
        w = width * share
        if w <= 0:
            continue
        body.append(f'<g><title>{escape(label)}: {escape(fmt(share))}</title>'
                    f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{colour}"/>')
        if w >= 30:
            body.append(f'<text x="{x + w / 2:.1f}" y="15" text-anchor="middle" font-size="11" '
                        f'fill="{text_colour(colour)}">{escape(fmt(share))}</text>')
        body.append("</g>")
        x += w
    return _svg(width, height, title, body, "chart bar")


def progress(share: float | None, low: float | None, high: float | None, title: str,
             text: str) -> Markup:
    """Progress from baseline (0) to target (1) with its interval as a whisker."""
    width, height, bar = 240.0, 26, 14

    def px(v: float) -> float:
        return width * min(1.0, max(0.0, v))

    body = [f'<rect x="0" y="4" width="{width}" height="{bar}" fill="#f3f5f7" '
            'stroke="#6b7480" stroke-width="1"/>']
    if share is not None:
        body.append(f'<rect x="0" y="4" width="{px(share):.1f}" height="{bar}" fill="#009e73"/>')
    if low is not None and high is not None:
        body.append(f'<line x1="{px(low):.1f}" x2="{px(high):.1f}" y1="11" y2="11" '
                    'stroke="#1b1f24" stroke-width="2"/>'
                    f'<line x1="{px(low):.1f}" x2="{px(low):.1f}" y1="6" y2="16" stroke="#1b1f24"/>'
                    f'<line x1="{px(high):.1f}" x2="{px(high):.1f}" y1="6" y2="16" '
                    'stroke="#1b1f24"/>')
    body.append(f'<text x="{width + 6:.0f}" y="16" fill="#1b1f24">{escape(text)}</text>')
    return _svg(width + 70, height, title, body, "chart progress")


_STYLE = re.compile(r"<style>.*?</style>", re.S)
_FILL = re.compile(r'style="fill:([^";]+)"')


def word_cloud(frequencies: Sequence[tuple[str, int]], title: str, seed: int = 7) -> Markup:
    """A word cloud laid out by the ``wordcloud`` package, rewritten for the CSP: its
    ``<style>`` blocks go and ``style="fill:…"`` becomes the ``fill`` attribute."""
    from wordcloud import WordCloud

    freqs = {w: c for w, c in frequencies if c > 0}
    if not freqs:
        return Markup("")
    cloud = WordCloud(width=640, height=320, background_color=None, mode="RGBA",
                      prefer_horizontal=1.0, random_state=seed, max_words=len(freqs),
                      relative_scaling=0.5, min_font_size=12,
                      color_func=lambda word, **_: WORD_COLOURS[hash_word(word)])
    raw = cloud.generate_from_frequencies(freqs).to_svg()
    svg = _FILL.sub(r'fill="\1"', _STYLE.sub("", raw))
    svg = svg.replace("<svg ", '<svg class="chart cloud" viewBox="0 0 640 320" role="img" '
                      'font-family="\'Droid Sans Mono\', monospace" ', 1)
    svg = svg.replace(">", f"><title>{escape(title)}</title>", 1)
    # wordcloud escapes the words (xml.sax.saxutils.escape); the title is escaped above
    return Markup(svg)  # noqa: S704


def hash_word(word: str) -> int:
    """A stable colour index for a word (Python's hash() varies between runs)."""
    return sum(ord(c) for c in word) % len(WORD_COLOURS)
