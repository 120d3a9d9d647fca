"""SVG charts: no inline style (the CSP forbids it), text labels beside colours, escaping."""

from __future__ import annotations

import re

from steering import charts


def no_inline_style(svg: str) -> None:
    assert "style=" not in svg and "<style" not in svg
    assert "<script" not in svg


def test_heatmap_writes_values_and_escapes_labels():
    cells = [[charts.HeatCell(72.0, "72", "a"), charts.HeatCell(None, "×", "hidden")]]
    svg = str(charts.heatmap(["<b>Farsta</b>"], ["A", "B"], cells, "Title & more"))
    no_inline_style(svg)
    assert "&lt;b&gt;Farsta&lt;/b&gt;" in svg and "Title &amp; more" in svg
    assert ">72<" in svg and ">×<" in svg and 'role="img"' in svg


def test_trend_breaks_the_line_where_a_wave_is_hidden():
    points = [charts.TrendPoint("2016", 60, 55, 65, "60"), charts.TrendPoint("2017", None),
              charts.TrendPoint("2018", 70, 66, 74, "70")]
    svg = str(charts.trend(points, "Trend", "Index"))
    no_inline_style(svg)
    assert svg.count("<polyline") == 2 and ">60<" in svg and ">70<" in svg


def test_distribution_and_progress_bars():
    svg = str(charts.distribution([0.1, 0.2, 0.3, 0.2, 0.2], list("12345"), "Q",
                                  lambda s: f"{s:.0%}"))
    no_inline_style(svg)
    assert "30%" in svg
    no_inline_style(str(charts.progress(0.4, 0.2, 0.6, "Goal", "40 %")))


def test_word_cloud_uses_presentation_attributes():
    svg = str(charts.word_cloud([("ärenden", 9), ("handledning", 5), ("<tid>", 3)], "Ord"))
    no_inline_style(svg)
    assert re.search(r'<text[^>]* fill="#[0-9a-f]{6}"', svg)
    assert "&lt;tid&gt;" in svg and "<title>Ord</title>" in svg
    assert charts.word_cloud([], "Tomt") == ""


def test_viridis_scale_and_contrast():
    assert charts.sequential(0) == "#440154" and charts.sequential(100) == "#fde725"
    assert charts.text_colour("#440154") == "#ffffff"
    assert charts.text_colour("#fde725") == "#000000"


def test_heatmap_comes_with_a_list_for_phones():
    cells = [[charts.HeatCell(72.0, "72", "a"), charts.HeatCell(None, "×", "hidden")]]
    markup = str(charts.heatmap(["Farsta"], ["Ekonomiskt bistånd", "<Alla>"], cells, "T"))
    listed = markup[markup.index('<div class="heat-list"'):]
    no_inline_style(listed)
    assert '<li class="heat-7">' in listed and '<li class="heat-hidden">' in listed
    assert "&lt;Alla&gt;" in listed and ">72<" in listed and ">×<" in listed


def test_wrapped_labels_fit_their_width():
    lines = charts.wrap("Medarbetarenkät hösten 2024 – uppföljning av handlingsplanen", 100)
    assert 1 < len(lines) <= 3 and lines[-1].endswith("…")
    assert all(len(line) * charts.CHAR_WIDTH <= 100 for line in lines)
    assert charts.wrap("Kort", 100) == ["Kort"]
