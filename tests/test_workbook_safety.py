"""Safe workbooks (issue 12, item 5): text is never a formula, and publication mode holds aggregates only.

Every workbook a run writes (``kpb_<client>_<period>.xlsx`` and ``results/pa_six_month.xlsx``) is opened with
openpyxl (formulas as written, ``data_only=False``) and read as raw XML: no cell holds a formula unless kpbkit wrote
it on purpose (:data:`ALLOWED_FORMULAS`), and text a client controls (the client name, scenario names) that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is stored as text with Excel's quote prefix. In
publication mode no sheet has a row per person or case (no pseudonym, no person column) and no count of persons
is 1–4.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpbkit import privacy
from kpbkit.config import load_client_config
from kpbkit.labels import lss as lss_labels
from kpbkit.labels import workbook as text
from kpbkit.pipeline import run_client
from kpbkit.report import workbook as xlsx
from kpbkit.report.six_month import write_six_month_xlsx

#: formulas kpbkit writes on purpose: workbook file name pattern → cell coordinates (none today)
ALLOWED_FORMULAS: dict[str, set[tuple[str, str]]] = {}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PSEUDONYM = re.compile(r"\bp[0-9a-f]{16}\b")
#: Skatteverket test personnummer: 8 hemtjänst egen regi, 2 extern regi, 1 personlig assistans
PNRS = ["193001016595", "193102278367", "193204079192", "193308166838", "193409269085", "193512172382",
        "193701229076", "193802278485", "193903248437", "194003189083", "194104158193"]
CLIENT_NAME = '=HYPERLINK("http://example.invalid","klicka")'
SCENARIOS = ["=1+1", "+Ökning", "-Minskning", "@Beslut"]
#: headers of count columns (persons, cases, findings' rows) in every sheet kpbkit writes
COUNT_HEADERS = {headers[c] for headers in text.HEADERS.values() for c in headers
                 if c in privacy.COUNT_COLUMNS or c in xlsx.PA_FLAG_COUNTS.values()}


def _tables() -> dict[str, str]:
    providers = "provider_id,name,regi\nP1,Hemtjänsten,egen\nP2,=Omsorg AB,extern\n"
    persons = "personnummer,birth_date,sex\n" + "".join(f"{p},{p[:4]}-{p[4:6]}-{p[6:8]},\n" for p in PNRS)
    visits = ["personnummer,service_code,date,minutes,provider_id"]
    for i, pnr in enumerate(PNRS[:10]):
        provider = "P1" if i < 8 else "P2"
        visits += [f"{pnr},hemtjanst,2025-03-0{d},{30 + 5 * i},{provider}" for d in (3, 4)]
    visits += [f"{PNRS[10]},pa_sfb,2025-{m:02d}-10,600,P1" for m in range(1, 13)]
    decisions = ("decision_id,personnummer,service_code,decided_on,start_date,end_date,granted_hours_per_month,"
                 f"provider_id,level\nD1,{PNRS[10]},pa_sfb,2024-12-01,2025-01-01,,120,P1,\n")
    ledger = ("date,account,responsibility,activity,amount\n2025-03-31,5010,100,510,100000\n"
              "2025-03-31,5010,100,520,20000\n2025-06-30,5010,100,530,80000\n"
              "2025-06-30,3010,100,530,-30000\n")
    rules = ("activity,account_prefix,responsibility,target,kind\n510,,,service:hemtjanst:egen,cost\n"
             "520,,,service:hemtjanst:extern,cost\n530,30,,service:pa_sfb:egen,state_reimbursement\n"
             "530,,,service:pa_sfb:egen,cost\n")
    population = "year,age,sex,count\n" + "".join(f"{y},{a},{s},{100 + a}\n" for y in (2025, 2026)
                                                   for a in range(0, 101, 5) for s in "KM")
    return {"providers": providers, "persons": persons, "visits": "\n".join(visits) + "\n", "decisions": decisions,
            "ledger": ledger, "ledger_rules": rules, "population": population}


def _config(client_name: str = CLIENT_NAME, **extra) -> dict:
    return {"client": {"name": client_name}, "lss": {"fk_hourly_rates": {2025: 339.3}},
            "prognos": {"horizon": 1,
                        "scenarios": [{"name": name, "rate_change_per_year": 0.01} for name in SCENARIOS]},
            **extra}


@pytest.fixture(scope="module")
def internal_run(tmp_path_factory):
    from tests.conftest import write_case_files

    root = tmp_path_factory.mktemp("internal")
    return run_client(write_case_files(root, config=_config(), **_tables()), progress=lambda *a: None)


@pytest.fixture(scope="module")
def published_run(tmp_path_factory):
    from tests.conftest import write_case_files

    root = tmp_path_factory.mktemp("published")
    return run_client(write_case_files(root, config=_config(), **_tables()), progress=lambda *a: None, publish=True)


def workbooks(output_dir: Path) -> list[Path]:
    """Every workbook of a run (the deliverable and the six-month report's)."""
    found = sorted(output_dir.rglob("*.xlsx"))
    assert {p.name for p in found} >= {"kpb_testkommun_2025.xlsx", "pa_six_month.xlsx"}, found
    return found


def formulas(path: Path) -> list[str]:
    """The cells of ``path`` that hold a formula (openpyxl's view and the raw sheet XML), less the allowed ones."""
    allowed = {cell for pattern, cells in ALLOWED_FORMULAS.items() if re.fullmatch(pattern, path.name)
               for cell in cells}
    found = []
    book = load_workbook(path, data_only=False)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                formula = c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=")
                                                 and c.data_type != "s")
                if formula and (sheet.title, c.coordinate) not in allowed:
                    found.append(f"{sheet.title}!{c.coordinate}: {c.value!r}")
    if not allowed:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >/]", archive.read(name)):
                    found.append(f"{name}: a <f> element")
    return found


def text_cells(path: Path) -> list:
    book = load_workbook(path, data_only=False)
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def assert_stored_as_text(path: Path, values: set[str]) -> None:
    """Each of ``values`` is in the workbook as a text cell with the quote prefix, never as anything else."""
    values = {v.replace("\r", "\n") for v in values}  # XML reads a carriage return as a line feed
    seen = set()
    for c in text_cells(path):
        if c.value in values:
            assert c.data_type == "s" and c.quotePrefix, (path.name, c.coordinate, c.value)
            seen.add(c.value)
    assert seen == values, (path.name, values - seen)


# ------------------------------------------------------------------------------------------------ no formulas


def test_no_workbook_of_a_run_holds_a_formula(internal_run, published_run) -> None:
    for run in (internal_run, published_run):
        for path in workbooks(run.output_dir):
            assert formulas(path) == [], path


def test_a_client_name_and_scenario_names_like_formulas_are_text(internal_run) -> None:
    book = internal_run.output_dir / "kpb_testkommun_2025.xlsx"
    assert_stored_as_text(book, {CLIENT_NAME, *SCENARIOS})
    sheets = load_workbook(book).sheetnames
    assert "Prognos" in sheets and "Prognos mot budgetram" in sheets
    six_month = internal_run.results_dir / "pa_six_month.xlsx"
    about = [c.value for c in text_cells(six_month) if CLIENT_NAME in c.value]
    assert about and all(not v.startswith("=") for v in about)  # the about sheet's title embeds the name


@pytest.mark.parametrize("trigger", TRIGGERS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_a_client_name_starting_with_a_formula_trigger_is_text(internal_run, tmp_path, trigger) -> None:
    """Both writers, with the client name as the whole cell (summary) and inside a sentence (six-month about)."""
    name = f"{trigger}cmd|' /C calc'!A0"
    path = internal_run.config.path
    config_file = path.with_name(f"client-{TRIGGERS.index(trigger)}.yaml")
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["client"]["name"] = name
    config_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config = load_client_config(config_file)
    assert config.client_name == name
    book = xlsx.write_workbook(config, internal_run.results_dir, tmp_path)
    assert formulas(book) == []
    assert_stored_as_text(book, {name})
    table = xlsx.read_result(internal_run.results_dir / "pa_six_month.csv")
    six_month = write_six_month_xlsx(table, tmp_path / "pa.xlsx", config=config)
    assert formulas(six_month) == []


def test_every_cell_goes_through_the_one_cell_function(tmp_path) -> None:
    """Plain values, styled cells and error-looking text all end up as text; only a Formula is a formula."""
    book = xlsx.new_workbook()
    sheet = xlsx.Sheet(book, "Blad")
    values = [f"{t}x" for t in TRIGGERS] + ["#N/A", "#REF!", "ok\x01", 12.5, None]
    sheet.append([*values, sheet.cell("=1+1", bold=True), sheet.cell(xlsx.Formula("=SUM(1,2)"))])
    path = tmp_path / "t.xlsx"
    book.save(path)
    row = next(load_workbook(path)["Blad"].iter_rows())
    for c, value in zip(row, values, strict=False):
        if isinstance(value, str):
            assert c.data_type == "s", (c.coordinate, c.value)
    assert [c.value for c in row[:6]] == [f"{t}x" for t in TRIGGERS[:5]] + ["\nx"]
    assert all(c.quotePrefix for c in row[:6]) and not row[6].quotePrefix
    assert row[8].value == "ok\ufffd" and row[9].value == 12.5 and row[10].value is None
    assert (row[11].data_type, row[11].value, row[11].font.b) == ("s", "=1+1", True)
    assert row[11].quotePrefix
    assert (row[12].data_type, row[12].value) == ("f", "=SUM(1,2)")  # the one on purpose
    with pytest.raises(ValueError, match="starts with"):
        sheet.cell(xlsx.Formula("SUM(1,2)"))


# ------------------------------------------------------------------------------------------------ publication


def _strings(path: Path) -> list[str]:
    return [c.value for c in text_cells(path)]


def _count_cells(path: Path) -> list[tuple[str, str, object]]:
    """(sheet, header, value) of every cell under a count header, and of person counts in the key-figure tables."""
    out = []
    book = load_workbook(path)
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            continue
        headers = list(rows[0])
        for row in rows[1:]:
            for header, value in zip(headers, row, strict=False):
                if header in COUNT_HEADERS:
                    out.append((sheet.title, header, value))
        for i, row in enumerate(rows):  # long form: a value whose unit is persons (Nyckeltal, Sammanfattning)
            if "personer" in row:
                unit = row.index("personer")
                value_col = headers.index("Värde") if "Värde" in headers and sheet.title != "Sammanfattning" else 2
                if unit != value_col:
                    out.append((sheet.title, f"row {i + 1}", row[value_col]))
    return out


def _small(value: object) -> bool:
    return isinstance(value, (int, float)) and 1 <= value < 5


def test_internal_workbooks_have_person_rows_and_small_counts(internal_run) -> None:
    """What publication mode must remove is there in internal mode (the publication test could fail)."""
    book = internal_run.output_dir / "kpb_testkommun_2025.xlsx"
    assert any(PSEUDONYM.search(s) for s in _strings(book))
    assert any(PSEUDONYM.search(s) for s in _strings(internal_run.results_dir / "pa_six_month.xlsx"))
    sheets = load_workbook(book).sheetnames
    assert text.SHEETS["person_costs"] in sheets
    kpis = pd.read_csv(internal_run.results_dir / "kpis.csv")
    assert ((kpis["unit"] == "persons") & kpis["value"].between(1, 4)).any()
    assert any(_small(c[2]) for c in _count_cells(book))


def test_published_workbooks_hold_no_person_rows(published_run) -> None:
    for path in workbooks(published_run.output_dir):
        strings = _strings(path)
        assert not [s for s in strings if PSEUDONYM.search(s)], path.name
        assert lss_labels.SIX_MONTH_COLUMNS["person_id"] not in strings, path.name
        assert "person_id" not in strings, path.name
    sheets = load_workbook(published_run.output_dir / "kpb_testkommun_2025.xlsx").sheetnames
    assert text.SHEETS["person_costs"] not in sheets and text.SHEETS["service_costs"] in sheets


def test_published_workbooks_hold_no_count_from_1_to_4(published_run) -> None:
    for path in workbooks(published_run.output_dir):
        cells = _count_cells(path)
        assert cells, path.name
        assert [c for c in cells if _small(c[2])] == [], path.name
        assert any(c[2] == "<5" for c in cells), path.name  # the small groups are there, suppressed


def test_published_workbook_sums_up_and_hides_the_small_groups(published_run) -> None:
    book = load_workbook(published_run.output_dir / "kpb_testkommun_2025.xlsx")
    rows = list(book[text.SHEETS["service_costs"]].iter_rows(values_only=True))
    header = rows[0]
    by_key = {(r[header.index("Insats")], r[header.index("Regi")]): r for r in rows[1:]}
    egen = by_key[("Hemtjänst", "Egen regi")]
    assert egen[header.index("Brukare")] == 8
    extern = by_key[("Hemtjänst", "Extern regi")]
    assert extern[header.index("Brukare")] == "<5" and extern[header.index("Bruttokostnad, kr")] == "<5"
    costs = pd.read_csv(published_run.results_dir / "person_costs.csv")  # the CSV is the full, internal table
    assert egen[header.index("Bruttokostnad, kr")] == pytest.approx(
        costs.loc[(costs["service_code"] == "hemtjanst") & (costs["regi"] == "egen"), "gross_cost"].sum())
    quality = list(book[text.SHEETS["data_quality"]].iter_rows(values_only=True))
    assert quality[0] == ("Kontroll", "Allvarlighet", "Tabell", "Antal")  # no example rows, no detail
    summary = [r[0] for r in book["Sammanfattning"].iter_rows(values_only=True) if r[0]]
    assert any(str(s).startswith("Publiceringsläge") for s in summary)


def test_published_six_month_workbook_sums_over_the_cases(published_run) -> None:
    book = load_workbook(published_run.results_dir / "pa_six_month.xlsx")
    month = list(book[lss_labels.SHEETS["month"]].iter_rows(values_only=True))
    header = month[0]
    assert "Ärenden" in header and lss_labels.SIX_MONTH_COLUMNS["person_id"] not in header
    assert len(month) == 1 + 12  # one row per month for the one service, not one per case
    assert {r[header.index("Ärenden")] for r in month[1:]} == {"<5"}
    assert {r[header.index("Utförda timmar")] for r in month[1:]} == {"<5"}
    about = [r[0] for r in book[lss_labels.SHEETS["about"]].iter_rows(values_only=True)]
    assert any(str(a).startswith("Publiceringsläge") for a in about)


def test_publication_from_the_config_alone(internal_run, tmp_path) -> None:
    """``report.publication: true`` in the config (no --publish) gives the aggregated workbooks too."""
    import yaml

    data = yaml.safe_load(internal_run.config.path.read_text(encoding="utf-8"))
    data["report"] = {"publication": True, "threshold": 3}
    config_file = internal_run.config.path.with_name("client-published.yaml")
    config_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config = load_client_config(config_file)
    path = xlsx.write_workbook(config, internal_run.results_dir, tmp_path)
    strings = _strings(path)
    assert not [s for s in strings if PSEUDONYM.search(s)]
    cells = _count_cells(path)
    assert not [c for c in cells if isinstance(c[2], (int, float)) and 1 <= c[2] < 3]
    assert any(c[2] == "<3" for c in cells)
