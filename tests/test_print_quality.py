"""Print quality (issue 14): no printed text under 8 pt, and wide tables split by columns instead of shrunk.

The 8 pt check reads every visible character's font size from the PDFs with pdfplumber: the demo's five reports,
internal (``demo_run``) and for publication (``demo_publication_run``), and a small PDF with text set too small
on purpose to show the check finds it (upright, turned 90° as a y-axis label is, and 30° as a long tick label
is). For a turned character pdfplumber's ``size`` is not the font size (:func:`char_size` works it out). Content
wider than the page is caught too: Chromium then prints the whole page smaller.

The splitting tests run :func:`kpbkit.report.export._finish` on hand-made HTML in the shape of
:func:`kpbkit.tables.render_html` (``<table class="kpb-table">``, one header row, ``txt``/``num`` cells, an
optional ``tr.total``): a table that fits is left as it is; a too wide one becomes parts that each fit, with
every value cell exactly once, the leading label columns repeated and total rows still total rows.

The chart tests: an SVG chart has the figure's own width (``charts.WIDTH``, within the text width, so the page
shows it at 100 % and its text keeps its size), long bar labels are wrapped, and text reaching past a chart's
edges (which the SVG would clip) is logged.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kpbkit import labels
from kpbkit.report import export, find_chromium, html_to_pdf, table_fit

REPORTS = ("hemtjanst", "lss", "barn_unga", "prognos", "kvalitet")
MIN_PT = 8.0
ROUNDING = 0.05  # sizes read back from a PDF carry the float error of its text matrices

needs_chromium = pytest.mark.skipif(find_chromium() is None or shutil.which("pdftotext") is None,
                                    reason="Chromium is not installed: run `bash scripts/setup-system.sh`")


def char_size(char: dict) -> float:
    """A pdfplumber character's font size in pt, whatever its rotation.

    pdfminer boxes a glyph as its advance by its font size in text space, turned by the text matrix; pdfplumber's
    ``size`` is that box's height (upright) or width, so for a turned glyph it is not the font size. With the
    matrix's scale ``s`` and angle (``cos``, ``sin``) and the advance in pt ``adv``: height = adv·sin + size·cos
    and width = adv·cos + size·sin; the larger of cos and sin gives the better-conditioned one. Upright:
    ``size``; turned 90°: ``x1 - x0``.
    """
    a, b = char["matrix"][:2]
    scale = math.hypot(a, b)
    cos, sin = abs(a) / scale, abs(b) / scale
    advance = char["adv"] * scale
    if cos >= sin:
        return (char["height"] - advance * sin) / cos
    return (char["width"] - advance * cos) / sin


def printed_chars(pdf: Path) -> list[dict]:
    """Every visible character of ``pdf``: its ``size`` (pt), ``page`` number and ``text``."""
    import pdfplumber

    out = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            for char in page.chars:
                if char["text"].strip():
                    out.append({"size": float(char_size(char)), "page": number, "text": char["text"]})
    return out


def printed_sizes(pdf: Path) -> list[tuple[float, int, str]]:
    """(size in pt, page number, character) for every visible character of ``pdf``."""
    return [(c["size"], c["page"], c["text"]) for c in printed_chars(pdf)]


def too_small(chars: list[dict]) -> dict[int, str]:
    """Per page, the characters (:func:`printed_chars`) printed under 8 pt, as one string in reading order."""
    found: dict[int, str] = {}
    for char in chars:
        if char["size"] < MIN_PT - ROUNDING:
            found[char["page"]] = found.get(char["page"], "") + char["text"]
    return found


# --------------------------------------------------------------------------------------------- the PDF check


@pytest.mark.render
@needs_chromium
def test_the_size_check_finds_small_upright_and_rotated_text(tmp_path: Path) -> None:
    page = ('<html><head><style>@page { size: A4; margin: 18mm 15mm 20mm; }</style></head>'
            '<body style="font-family: DejaVu Sans; margin: 0"><p style="font-size: 10pt">Stor text</p>'
            '<p style="font-size: 6pt">Liten text</p>'
            '<svg width="200pt" height="200pt" viewBox="0 0 200 200">'
            '<text x="0" y="0" font-size="6" transform="translate(50,150) rotate(-90)">Vriden</text>'
            '<text x="0" y="0" font-size="9" transform="translate(80,150) rotate(-90)">Axel</text>'
            '<text x="0" y="0" font-size="6" transform="translate(110,150) rotate(-30)">Ned</text>'
            '<text x="0" y="0" font-size="9" transform="translate(150,150) rotate(-30)">Mark</text></svg>'
            '</body></html>')
    html = tmp_path / "small.html"
    html.write_text(page, encoding="utf-8")
    pdf = html_to_pdf(html, tmp_path / "small.pdf", engine="chromium")
    sizes = printed_sizes(pdf)
    by_char = {char: size for size, _, char in sizes}
    assert by_char["S"] == pytest.approx(10, abs=0.1) and by_char["L"] == pytest.approx(6, abs=0.1)
    assert by_char["V"] == pytest.approx(6, abs=0.2) and by_char["A"] == pytest.approx(9, abs=0.2)
    assert by_char["N"] == pytest.approx(6, abs=0.2) and by_char["M"] == pytest.approx(9, abs=0.2)
    assert too_small(printed_chars(pdf)) == {1: "LitentextVridenNed"}


@pytest.mark.render
@needs_chromium
def test_a_page_too_wide_is_printed_smaller_and_the_check_sees_it(tmp_path: Path) -> None:
    """Chromium shrinks a page whose content is wider than the paper: a table or chart too wide shows as small
    type everywhere, not only in itself."""
    html = tmp_path / "wide.html"
    html.write_text('<html><head><style>@page { size: A4; margin: 18mm 15mm 20mm; }</style></head>'
                    '<body style="font-family: DejaVu Sans; margin: 0"><p style="font-size: 10pt">Stor text</p>'
                    '<p style="font-size: 10pt; white-space: nowrap">' + "Bred " * 40 + "rad</p></body></html>",
                    encoding="utf-8")
    pdf = html_to_pdf(html, tmp_path / "wide.pdf", engine="chromium")
    assert "Stortext" in too_small(printed_chars(pdf))[1]


@pytest.mark.parametrize("mode", ["internal", "publication"])
@pytest.mark.parametrize("report", REPORTS)
def test_no_printed_text_under_8_pt(demo_run, demo_publication_run, report: str, mode: str) -> None:
    folder = demo_run[0].output_dir if mode == "internal" else demo_publication_run.output_dir
    pdf = folder / f"{report}.pdf"
    assert pdf.is_file(), f"{mode} {report}: no PDF"
    assert too_small(printed_chars(pdf)) == {}, f"{mode} {report}.pdf: text under {MIN_PT} pt (page: characters)"


# ------------------------------------------------------------------------------------- splitting wide tables


def _table(columns: int, rows: int = 3, *, labels_n: int = 1, total: bool = True, value: str = "{r}{c:02d} 000 kr",
           header: str = "Kolumn med ett långt namn {c}") -> str:
    """A kpbkit table: ``labels_n`` text columns, then ``columns`` numeric ones; the last row a total."""
    head = "".join(f'<th class="txt">Etikett {i}</th>' for i in range(labels_n)) + "".join(
        f'<th class="num">{header.format(c=c)}</th>' for c in range(columns))
    body = []
    for r in range(rows):
        cls = ' class="total"' if total and r == rows - 1 else ""
        cells = "".join(f'<td class="txt">Rad {r} med en längre text {i}</td>' for i in range(labels_n)) + "".join(
            f'<td class="num">{value.format(r=r + 1, c=c)}</td>' for c in range(columns))
        body.append(f"<tr{cls}>{cells}</tr>")
    return f'<table class="kpb-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _finish(table: str) -> BeautifulSoup:
    html = f'<html><head></head><body><div id="cell-id=abc">{table}</div></body></html>'
    return BeautifulSoup(export._finish(html, source=Path("wide.ipynb")), "html.parser")


def _grid(table) -> list[list[str]]:
    return [[cell.get_text() for cell in row.find_all(("td", "th"))] for row in table.find_all("tr")]


def _font(table) -> float:
    match = re.search(r"font-size:\s*([\d.]+)pt", table.get("style", ""))
    return float(match.group(1)) if match else table_fit._TABLE_FONT_PT


def _fits(table) -> bool:
    """Whether a table's estimated width at its own font and padding is within the A4 text width."""
    pad = table_fit._WIDE_PAD_PT if "kpb-wide" in table.get("class", []) else table_fit._PAD_PT
    return table_fit._width_pt(table_fit._column_chars(table), _font(table), pad) <= table_fit._TEXT_WIDTH_PT


def test_a_table_that_fits_is_unchanged() -> None:
    table = _table(4)
    soup = _finish(table)
    assert str(soup.find("table")) == str(BeautifulSoup(table, "html.parser").find("table"))


def test_a_too_wide_table_becomes_parts_that_each_fit() -> None:
    original = BeautifulSoup(_table(12, labels_n=2), "html.parser").find("table")
    parts = _finish(str(original)).find_all("table")
    assert len(parts) >= 2
    for part in parts:
        assert _fits(part) and _font(part) >= MIN_PT
    grids = [_grid(part) for part in parts]
    full = _grid(original)
    # the two leading text columns repeat in every part, row by row (header included)
    for grid in grids:
        assert [row[:2] for row in grid] == [row[:2] for row in full]
        assert len(grid[0]) > 2
    # every value cell (and header) exactly once, in the original order
    assert [row[2:] for row in full] == [sum((grid[i][2:] for grid in grids), []) for i in range(len(full))]
    values = Counter(cell for grid in grids for row in grid[1:] for cell in row[2:])
    assert all(n == 1 for n in values.values()) and len(values) == 12 * 3


def test_total_rows_stay_total_rows_and_later_parts_say_they_continue() -> None:
    parts = _finish(_table(12)).find_all("table")
    for number, part in enumerate(parts, start=1):
        rows = part.find("tbody").find_all("tr")
        assert [row.get("class") for row in rows] == [None, None, ["total"]]
        caption = part.find("caption")
        if number == 1:
            assert caption is None
        else:
            assert caption.get_text() == labels.TABLE_CONTINUED.format(part=number, parts=len(parts))


def test_a_slightly_wide_table_shrinks_but_never_under_8_pt() -> None:
    widths = {}
    for columns in range(4, 14):
        parts = _finish(_table(columns)).find_all("table")
        widths[columns] = len(parts)
        assert all(_font(part) >= MIN_PT for part in parts)
        assert all(_fits(part) for part in parts)
    assert widths[4] == 1 and max(widths.values()) >= 2


def test_a_plain_dataframe_repeats_its_first_column() -> None:
    header = "".join(f"<th>Kolumn med långt namn {i}</th>" for i in range(16))
    row = "".join(f"<td>{9_000_000 + i}</td>" for i in range(16))
    table = f'<table class="dataframe"><thead><tr>{header}</tr></thead><tbody><tr>{row}</tr></tbody></table>'
    parts = _finish(table).find_all("table")
    assert len(parts) >= 2
    cells = [_grid(part)[1] for part in parts]
    assert all(row[0] == "9000000" for row in cells)
    assert sorted(c for row in cells for c in row[1:]) == [str(9_000_000 + i) for i in range(1, 16)]


def test_a_table_that_cannot_fit_even_split_warns(caplog: pytest.LogCaptureFixture) -> None:
    wide_value = "x" * 120  # one value cell wider than the page at 8 pt
    with caplog.at_level(logging.WARNING, logger="kpbkit"):
        parts = _finish(_table(3, value=wide_value + "{r}{c}")).find_all("table")
    assert caplog.text.count("too wide for an A4 page") == 1 and "cell abc" in caplog.text
    assert all(_font(part) >= MIN_PT for part in parts)


def test_splitting_gives_the_same_bytes_every_time() -> None:
    table = _table(12, labels_n=2)
    assert str(_finish(table)) == str(_finish(table))


def test_short_text_columns_stay_on_one_line() -> None:
    table = ('<table class="kpb-table"><thead><tr><th class="txt">Regi</th><th class="txt">Utförare</th>'
             '<th class="num">Dygn</th></tr></thead><tbody>'
             '<tr><td class="txt">Egen regi</td><td class="txt">Familjehemsgruppen Konsulent AB</td>'
             '<td class="num">7 150</td></tr></tbody></table>')
    cells = _finish(table).find("tbody").find_all("td")
    assert [("kpb-nowrap" in cell.get("class", [])) for cell in cells] == [True, False, False]


# ------------------------------------------------------------------------------------------ charts' true size


def _svg_width_pt(svg: str) -> float:
    return float(re.search(r'<svg [^>]*?width="([\d.]+)pt"', svg).group(1))


def test_a_chart_is_saved_at_its_own_width_whatever_its_labels() -> None:
    """Long bar labels are wrapped and the SVG stays the figure's width (the page shows it at 100 %)."""
    import pandas as pd

    from kpbkit import charts
    from kpbkit.privacy import Policy

    names = ["Kostnad per vårddygn, konsulentstött familjehem (Ungefärlig nivå, dagens priser)", "HVB"]
    fig = charts.barh(pd.DataFrame({"name": names, "value": [1.1, 0.9]}), label="name", value="value",
                      title="Kommunen i procent av referensvärdet", value_format="percent", policy=Policy())
    ticks = [tick.get_text() for tick in fig.axes[0].get_yticklabels()]
    assert all(len(line) <= charts.LABEL_CHARS for tick in ticks for line in tick.split("\n"))
    assert _svg_width_pt(charts.svg(fig)) == pytest.approx(charts.WIDTH * 72, abs=0.01)
    assert charts.WIDTH * 72 <= table_fit._TEXT_WIDTH_PT


def test_a_chart_reaching_past_its_edges_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    from kpbkit import charts

    fig, ax = charts.figure(2.0)
    ax.plot([0, 1], [0, 1])
    ax.set_title("En titel långt bredare än sidan " * 4, loc="left")
    with caplog.at_level(logging.WARNING, logger="kpbkit"):
        svg = charts.svg(fig)
    assert "beyond its edges" in caplog.text
    assert _svg_width_pt(svg) == pytest.approx(charts.WIDTH * 72, abs=0.01)
    fig, ax = charts.figure(2.0)
    ax.plot([0, 1], [0, 1])
    ax.set_title("Kort titel", loc="left")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kpbkit"):
        charts.svg(fig)
    assert "beyond its edges" not in caplog.text


def test_a_wide_table_of_text_repeats_two_label_columns_not_its_content() -> None:
    """A table whose columns are all text (the findings table) repeats its first two columns in each part, not every
    leading text column: the parts hold the other columns once each."""
    head = "".join(f'<th class="txt">Rubrik {c}</th>' for c in range(7))
    rows = "".join("<tr>" + "".join(f'<td class="txt">Rad {r} kolumn {c} med en ganska lång text i cellen</td>'
                                    for c in range(7)) + "</tr>" for r in range(3))
    table = f'<table class="kpb-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    parts = _finish(table).find_all("table")
    assert len(parts) >= 2
    grids = [_grid(part) for part in parts]
    assert all([row[:2] for row in grid] == [row[:2] for row in grids[0]] for grid in grids)
    rest = [cell for grid in grids for cell in grid[0][2:]]
    assert sorted(rest) == [f"Rubrik {c}" for c in range(2, 7)]  # each other column once
