"""One number, one value: every figure a report states in running text is shown by a table of the same report.

The rule (issue 14, item 4; docs/reports.md, "Siffror i text och tabell"). A *figure* is a number written with its
unit in running text (paragraphs, list items, figure captions and chart alt text outside the tables; a table's
numbered notes, ``ol.kpb-notes``, quote its references' sources and belong to the table): kronor (``875 kr``,
``17,1 mnkr``), percentages (``63,1 %``) and counts or volumes of persons, placements, stays, cases, hours and days
(``60 barn``, ``7 150 vårddygn``). Each must appear in a table cell of the same report with the
same displayed digits and the same kind of unit:

- kronor: a cell showing the same number in kr; text in mnkr also matches a kr cell whose value, shown in mnkr
  (one decimal, as :func:`kpbkit.formats.mkr` shows it), reads the same. Text in kr never matches a mnkr cell (a
  rounded cell cannot vouch for more digits);
- percentages: a cell showing the same number with ``%``; a deviation from a reference (``+9,3 %``) also vouches
  for the value as a percent of the reference, rounded to a whole percent (``109 %``, as charts' alt text says);
- counts and volumes: a cell showing the same number without a kronor or percent unit.

A cell holding a bare number takes the unit its column header names (``Kostnad 2035, mnkr``: ``360,2`` is
``360,2 mnkr``).

A number with a decimal comma and no unit ("mot 141,0 för kvinnor") is a figure too, compared as a count or
volume. A leading sign (``+``, ``−``) is not part of the comparison: text says "lägre" where a table shows ``−``.

Not figures (:data:`EXEMPT`, each with its reason): years, dates and months, age bounds and age bands, the
suppression threshold, numbering (``Fynd 3``, ``avsnitt 1``, ``[2]``), ranges quoted from a reference's source,
and the method's own constants and thresholds (the price index per year, "mer än 80 timmar", "under 90 %").

Arithmetic: every ``a × b = c`` in visible text (tables included) must multiply out at the displayed precision:
``c`` rounded as displayed equals ``a × b`` of the displayed factors.

Wording: a count of 1 never meets a plural noun ("1 ärenden"), and numeric ranges use an en dash ("0–64", never
"0-64").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPORTS = ("hemtjanst", "lss", "barn_unga", "prognos", "kvalitet")

#: a number as the reports display it: thousands grouped by (non-breaking) spaces, a decimal comma, maybe a sign
_NUM = r"[+−-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?"
#: the unit words of a figure, by kind
KRONOR = ("mnkr", "kr")
PERCENT = ("%",)
COUNT_WORDS = (
    "personer", "person", "brukare", "barn", "flickor", "pojkar", "ärenden", "ärende", "placeringar", "placering",
    "placeringstillfällen", "tillfällen", "vistelser", "vistelse", "beslut", "besök", "invånare", "timmar",
    "timme", "vårddygn", "dygn", "dagar", "dag", "insatser", "varningar", "fel", "platser", "beslutsmånader",
)
#: up to two adjectives between a number and its noun: "89 182 utförda timmar", "7 HVB-placeringar"
_ADJ = r"(?:[a-zåäöé]+[ \u00a0]){0,2}"
_FIGURE = re.compile(
    rf"(?<![\w,.−+-])(?P<num>{_NUM})(?![\w,])[ \u00a0]?(?:(?P<unit>mnkr|kr|%)(?!\w)"
    rf"|(?P<adj>{_ADJ})(?P<noun>(?:[\wåäöÅÄÖ]+-)?(?:{'|'.join(COUNT_WORDS)}))(?!\w))",
    re.I,
)

#: Not reported figures: a pattern over the text around a number, and why it is exempt. A match that covers the
#: number exempts it.
EXEMPT: tuple[tuple[str, str], ...] = (
    (r"\b(?:19|20)\d\d\b", "a year (period, reference year, forecast year)"),
    (r"\b\d{1,2} (?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)\w* (?:19|20)\d\d\b", "a date"),
    (rf"{_NUM}[–-]{_NUM}(?:[ \u00a0](?:kr|%|år|dygn|dagar|timmar|per))?", "a range: age bands, or an interval "
     "quoted from a reference's source"),
    (r"\b\d+(?:\+| år (?:och äldre|eller äldre|och yngre)?)", "an age bound (80+, 65 år)"),
    (r"(?:färre än|<) ?\d+", "the suppression threshold"),
    (r"(?:[Ff]ynd|avsnitt|[Ss]ida|[Tt]abell|rad) \d+(?:(?:, | och )\d+)*|\[\d+\]", "numbering"),
    (r"(?:mer|fler|längre|kortare|mindre|större|högre|lägre) än \d[\d ,]*(?: \w+)?", "a threshold of the method"),
    (r"toleransen [\d,]+ kr", "the tolerance of the ledger tie-out"),
    (r"\b365 dygn\b", "the days of a year"),
    (r"per 1 000(?: invånare)?", "the denominator of a rate"),
    (r"100 % = referensen", "the definition of a percent-of-reference chart"),
    (r"^Exempel: .*", "a source row quoted as an example of a data-quality finding"),
    (r"(?:under|över|inom) \d[\d ,]*(?: %| procent| dagar| timmar)", "a threshold of the method"),
    (r"\d+ % över timbeloppet", "a threshold of the method (the FK surcharge limit)"),
    (r"med [\d,]+ % per år|[\d,]+ % per år\)", "the price index of the method"),
    (r"(?:de första|första) \d+ (?:timmarna|per vecka)", "the SFB rule (the municipality's first 20 hours)"),
    (r"(?:dyraste|billigaste) \d+ procent(?:en)?", "a decile's definition"),
    (r"under (?:en )?\d+-dagarsperiod|under \d+ dagar \(Koladas mått\)", "the window of a Kolada measure"),
    (r"[\d,]+ % (?:per år|av brukarna per år)(?= i scenariot| \()", "a scenario's assumption"),
)

_EXEMPT = [(re.compile(p), why) for p, why in EXEMPT]
_DECIMAL = re.compile(r"(?<![\w,.−+-])(?P<num>[+−-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})*,\d+)(?![\w,])")
#: the words of a factor's unit: no number, but an age band may name one ("invånare 80+", "invånare 0–20 år")
_UNIT_WORDS = r"(?:[^\d×=;]|\d+(?:–\d+)?(?:\+| år))"
_PRODUCT = re.compile(rf"(?<![\d,.–-])(?P<a>{_NUM})[ \u00a0]?(?P<ua>{_UNIT_WORDS}{{0,40}}?)×[ \u00a0]?(?P<b>{_NUM})"
                      rf"[ \u00a0]?(?P<ub>{_UNIT_WORDS}{{0,40}}?)=[ \u00a0]?(?P<c>{_NUM})[ \u00a0]?(?P<uc>mnkr|kr)?")
_ONE_PLURAL = re.compile(
    r"(?<![\d,  \u00a0])(?<![\d][ \u00a0])\b1[ \u00a0](?:[a-zåäö]+[ \u00a0])?"
    r"(?:ärenden|personer|brukare är|brukare har|timmar|dygn|vårddygn|placeringar|vistelser|beslut är|dagar|"
    r"barn är|tillfällen|varningar|fynd gäller|fynd är|insatser|år är|månader)\b")
_HYPHEN_RANGE = re.compile(r"(?<![\w-])\d+-\d+(?![\w-])")


@dataclass(frozen=True)
class Figure:
    """A number with its unit as displayed, its kind (``kr``, ``mnkr``, ``%``, ``n``) and the sentence it is in."""

    text: str
    digits: str
    kind: str
    context: str


def _digits(number: str) -> str:
    """The displayed digits of a number without its sign and with plain spaces: ``−1 337,5`` is ``1 337,5``."""
    return re.sub(r"[\s\u00a0\u202f]", " ", number).lstrip("+−-")


def _value(number: str) -> Decimal:
    return Decimal(_digits(number).replace(" ", "").replace(",", "."))


def _kind(unit: str | None) -> str:
    return "n" if not unit else unit.lower()


def figures(text: str) -> list[Figure]:
    """The figures of one piece of running text that are not exempt: numbers with a unit, and any number with a
    decimal comma (a measured value, never a year or a count of things: "mot 141,0 för kvinnor")."""
    exempt = [m.span() for rx, _ in _EXEMPT for m in rx.finditer(text)]
    found, spans = [], []
    for m in [*_FIGURE.finditer(text), *_DECIMAL.finditer(text)]:
        start, end = m.span("num")
        if any(a <= start and end <= b for a, b in exempt + spans):
            continue
        spans.append((start, end))
        found.append(Figure(m.group(0), _digits(m.group("num")), _kind(m.groupdict().get("unit")), text))
    return found


def _header_unit(header: str) -> str | None:
    """The unit a column header gives its bare numbers: ``Kostnad 2035, mnkr`` → mnkr, ``Bruttokostnad, kr`` → kr."""
    m = re.search(r"\b(mnkr|kr)\b(?!.*\b(?:mnkr|kr)\b)", header)
    return m.group(1) if m else None


def _cell_values(text: str, header_unit: str | None = None) -> set[tuple[str, str]]:
    """What one table cell vouches for: each number's digits with its kind (and kr also as mnkr); a bare number
    takes the unit its column header names."""
    out: set[tuple[str, str]] = set()
    for m in re.finditer(rf"(?<![\w,.])(?P<num>{_NUM})(?![\w,])[ \u00a0]?(?P<unit>mnkr|kr|%)?(?!\w)", text):
        kind = _kind(m.group("unit") or (header_unit if re.fullmatch(rf"{_NUM}", text) else None))
        digits = _digits(m.group("num"))
        out.add((digits, kind))
        if kind == "kr":
            mnkr = (_value(digits) / Decimal(1_000_000)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            out.add((f"{mnkr}".replace(".", ","), "mnkr"))
        if kind == "%" and (m.group("num")[0] in "+−-" or _value(digits) == 0):
            # a deviation from a reference, +9,3 %, is the value at 109 % of the reference (charts' alt text)
            sign = -1 if m.group("num")[0] in "−-" else 1
            out.add((str((100 + sign * _value(digits)).quantize(Decimal(1), ROUND_HALF_UP)), "%"))
    return out


def _text_elements(soup: BeautifulSoup) -> list[str]:
    """The running text of a report: paragraphs, list items and captions outside tables, and charts' alt text."""
    texts = []
    for element in soup.find_all(["p", "li", "figcaption"]):
        if element.find_parent(["table", "li"]) is not None or element.find_parent(class_="kpb-notes") is not None:
            continue  # a table's numbered notes quote its references' sources: they belong to the table
        texts.append(" ".join(element.get_text(" ").split()))
    texts += [" ".join(svg["aria-label"].split()) for svg in soup.find_all(attrs={"aria-label": True})]
    return texts


def table_values(soup: BeautifulSoup) -> set[tuple[str, str]]:
    """Every (digits, kind) the report's tables show."""
    values: set[tuple[str, str]] = set()
    for table in soup.select("table.kpb-table"):
        head = table.find("tr")
        units = [_header_unit(" ".join(th.get_text(" ").split())) for th in head.find_all("th")] if head else []
        for row in table.find_all("tr"):
            for i, cell in enumerate(row.find_all(["td", "th"])):
                unit = units[i] if i < len(units) and cell.name == "td" else None
                values |= _cell_values(" ".join(cell.get_text(" ").split()), unit)
    return values


def unmatched_figures(html: str) -> list[Figure]:
    """The figures of the running text that no table of the same report shows."""
    soup = BeautifulSoup(html, "html.parser")
    shown = table_values(soup)
    return [f for text in _text_elements(soup) for f in figures(text) if (f.digits, f.kind) not in shown]


def _places(number: str) -> int:
    return len(_digits(number).partition(",")[2])


def wrong_products(text: str) -> list[str]:
    """Every ``a × b = c`` of ``text`` whose ``c`` is not ``a × b`` at the precision ``c`` is displayed with
    (a result in mnkr is compared in millions)."""
    wrong = []
    for m in _PRODUCT.finditer(text):
        product = _value(m.group("a")) * _value(m.group("b"))
        if m.group("uc") == "mnkr":
            product /= Decimal(1_000_000)
        shown = _value(m.group("c"))
        if product.quantize(Decimal(1).scaleb(-_places(m.group("c"))), ROUND_HALF_UP) != shown:
            wrong.append(m.group(0))
    return wrong


def wording_faults(text: str) -> list[str]:
    """A count of 1 with a plural noun, and a numeric range written with a hyphen instead of an en dash."""
    return [m.group(0) for m in _ONE_PLURAL.finditer(text)] + [m.group(0) for m in _HYPHEN_RANGE.finditer(text)]


def visible(html: str) -> str:
    """The visible text of a report (as tests/privacy.py reads it), whitespace collapsed."""
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


# ------------------------------------------------------------------------------------------------ the checker


_PAGE = """<html><body>
<p>Under året fick {people} personer hemtjänst till {cost} i genomsnitt; {share} av kostnaden.</p>
<table class="kpb-table"><tr><th>Brukare</th><th>Kostnad</th><th>Andel</th><th>Total</th><th>Antagande</th></tr>
<tr><td>524</td><td>596 kr</td><td>12,5 %</td><td>17 149 800 kr</td>
<td>7 150 dygn × {diff} kr per dygn = 534 820 kr</td></tr></table>
</body></html>"""


def test_the_checker_accepts_a_page_whose_figures_are_in_its_tables():
    html = _PAGE.format(people="524", cost="596 kr", share="12,5 %", diff="74,8")
    assert unmatched_figures(html) == []
    assert wrong_products(visible(html)) == []


def test_the_checker_finds_a_text_figure_missing_from_the_tables():
    html = _PAGE.format(people="525", cost="597 kr", share="12,6 %", diff="74,8")
    assert sorted(f.text.replace("\u00a0", " ") for f in unmatched_figures(html)) == [
        "12,6 %", "525 personer", "597 kr"]
    assert [f.digits for f in unmatched_figures(html.replace("hemtjänst", "hemtjänst, i snitt 4,8"))][-1] == "4,8"


def test_the_checker_matches_mnkr_in_text_to_kronor_in_a_table_but_not_the_other_way():
    assert unmatched_figures(_PAGE.format(people="524", cost="17,1 mnkr", share="12,5 %", diff="74,8")) == []
    table = '<table class="kpb-table"><tr><td>17,1 mnkr</td></tr></table>'
    assert [f.digits for f in unmatched_figures(f"<p>Det kostade 17 149 800 kr.</p>{table}")] == ["17 149 800"]


def test_the_checker_finds_a_product_that_does_not_multiply_out():
    assert wrong_products(visible(_PAGE.format(people="524", cost="596 kr", share="12,5 %", diff="75"))) == [
        "7 150 dygn × 75 kr per dygn = 534 820 kr"]
    assert wrong_products("3 152 dygn × 169,58 kr per dygn = 534 516 kr") == []
    assert wrong_products("4 463 dygn × 708 kr = 3,2 mnkr") == []
    assert wrong_products("4 463 dygn × 708 kr = 3,3 mnkr") == ["4 463 dygn × 708 kr = 3,3 mnkr"]


def test_a_bare_number_takes_the_unit_of_its_column_header():
    table = ('<table class="kpb-table"><tr><th>Scenario</th><th>Kostnad 2035, mnkr</th><th>Brukare</th></tr>'
             "<tr><td>Grund</td><td>360,2</td><td>17</td></tr></table>")
    assert unmatched_figures(f"<p>Kostnaden blir 360,2 mnkr för 17 brukare.</p>{table}") == []
    assert [f.digits for f in unmatched_figures(f"<p>Kostnaden blir 17 mnkr för 360,2 brukare.</p>{table}")] == [
        "17", "360,2"]


def test_exempt_numbers_are_not_figures():
    text = ("År 2025 fick invånare 80+ och barn 0–20 år, färre än 5 personer i fynd 3, med 3,0 % per år, "
            "mer än 80 timmar per månad och den 26 sep 2025.")
    assert figures(text) == []


def test_one_person_is_singular_and_the_concentration_sentence_matches_its_table():
    from kpbkit.privacy import Policy
    from kpbkit.views import common as views

    assert views.persons_text(Policy(), 1) == "1 person" and views.persons_text(Policy(), 12) == "12 personer"
    assert views.persons_text(Policy(True, 5), 1) == "färre än 5 personer"
    conc = {"top10": 0.376, "top1": 0.047}
    for policy in (Policy(), Policy(True, 5)):
        said = views.concentration_figures(policy, 93, conc)
        page = f"<p>De dyraste ({said['n10']}) bar {said['top10']}, den dyraste ({said['n1']}) {said['top1']}.</p>"
        page += views.concentration_table(policy, 93, conc, 69_135.0)
        assert unmatched_figures(page) == [] and wording_faults(visible(page)) == []
    assert "4,7" not in views.concentration_table(Policy(True, 5), 93, conc, 69_135.0)  # 1 person's share withheld


def test_wording_faults_are_found():
    assert wording_faults("1 ärenden och (1 personer), 0-64 år") == ["1 ärenden", "1 personer", "0-64"]
    assert wording_faults("1 ärende, 11 personer, 21 timmar, 0–64 år, 2025-04-19") == []


# ------------------------------------------------------------------------------------------------ the demo


def _reports(run_folder: Path) -> dict[str, str]:
    return {name: (run_folder / f"{name}.html").read_text(encoding="utf-8") for name in REPORTS}


@pytest.fixture(scope="module", params=["internal", "publication"])
def demo_reports(request, demo_run, demo_publication_run) -> dict[str, str]:
    """The five demo reports' HTML in one mode (internal, publication)."""
    run = demo_run[0] if request.param == "internal" else demo_publication_run
    return _reports(run.output_dir)


@pytest.mark.render
@pytest.mark.parametrize("name", REPORTS)
def test_every_figure_in_the_text_is_shown_by_a_table(demo_reports, name):
    missing = [f"{f.text!r} in: {f.context}" for f in unmatched_figures(demo_reports[name])]
    assert not missing, "\n".join(missing)


@pytest.mark.render
@pytest.mark.parametrize("name", REPORTS)
def test_every_product_multiplies_out(demo_reports, name):
    assert wrong_products(visible(demo_reports[name])) == []


@pytest.mark.render
@pytest.mark.parametrize("name", REPORTS)
def test_singular_after_one_and_en_dash_ranges(demo_reports, name):
    assert wording_faults(visible(demo_reports[name])) == []
