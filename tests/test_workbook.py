"""The run's Excel workbook (kpbkit/report/workbook.py): sheets, Swedish headers, number formats, summary, privacy."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpbkit.labels import workbook as text
from kpbkit.pipeline import run_client
from tests.privacy import personnummer_forms

PNR = "194101012393"  # Skatteverket test personnummer, 1941-01-01, M
#: a personnummer as people write it: 10 or 12 digits with - or + (a pseudonym is p + hex, never with a separator)
PNR_WRITTEN = re.compile(r"(?<!\d)(\d{6}|\d{8})[-+]\d{4}(?!\d)")

BASE_SHEETS = ["Sammanfattning", "Kostnad per brukare", "Kostnad per enhet", "Avstämning", "Nyckeltal",
               "Datakvalitet"]
OPTIONAL_SHEETS = ["Personlig assistans", "Prognos, konsumtionstal", "Prognos", "Prognos mot budgetram"]
ALL_SHEETS = [*BASE_SHEETS, *OPTIONAL_SHEETS, "Definitioner"]
#: sheet → results file
FILES = {"Kostnad per brukare": "person_costs", "Kostnad per enhet": "unit_costs", "Avstämning": "reconciliation",
         "Nyckeltal": "kpis", "Datakvalitet": "data_quality", "Personlig assistans": "pa_six_month",
         "Prognos, konsumtionstal": "prognos_rates", "Prognos": "prognos", "Prognos mot budgetram": "prognos_budget"}
HEADERS = {
    "Kostnad per brukare": ["Brukare (pseudonym)", "Område", "Insats", "Regi", "Enhet", "Volym", "Direkt kostnad, kr",
                            "Overhead, kr", "Myndighetsutövning, kr", "Bruttokostnad, kr", "Statlig ersättning, kr",
                            "Nettokostnad, kr", "Avgifter, kr"],
    "Kostnad per enhet": ["Insats", "Regi", "Enhet", "Direkt kostnadspool, kr", "Volym", "Kostnad per enhet, kr"],
    "Avstämning": ["Kostnadsställe i modellen", "Typ", "Huvudbok, kr", "Fördelat, kr", "Ej fördelat, kr"],
    "Nyckeltal": ["Område", "Nyckeltal", "Kod", "Grupp", "Värde", "Enhet"],
    "Datakvalitet": ["Kontroll", "Allvarlighet", "Tabell", "Antal", "Beskrivning", "Exempel"],
    "Prognos mot budgetram": ["År", "Scenario", "Kostnad, kr", "Budgetram, kr", "Gap mot ramen, kr",
                              "Gap, andel av ramen"],
}
KR, KR_ORE, PERCENT, ONE_DECIMAL = '#,##0 "kr"', '#,##0.00 "kr"', "0.0%", "#,##0.0"
#: sheet → header → number format of its value cells
FORMATS = {
    "Kostnad per brukare": {"Volym": ONE_DECIMAL, "Direkt kostnad, kr": KR, "Bruttokostnad, kr": KR,
                            "Nettokostnad, kr": KR, "Avgifter, kr": KR, "Statlig ersättning, kr": KR},
    "Kostnad per enhet": {"Direkt kostnadspool, kr": KR, "Kostnad per enhet, kr": KR},
    "Avstämning": {"Huvudbok, kr": KR_ORE, "Fördelat, kr": KR_ORE, "Ej fördelat, kr": KR_ORE},
    "Datakvalitet": {"Antal": "#,##0"},
}


def _workbook_path(output_dir: Path, client: str, period: str) -> Path:
    return output_dir / f"kpb_{client}_{period}.xlsx"


def _headers(sheet) -> list[str]:
    return [c.value for c in sheet[1]]


def _column(sheet, header: str) -> int:
    return _headers(sheet).index(header) + 1


def _summary_key_figures(book) -> dict[tuple[str, str], float | None]:
    rows = list(book["Sammanfattning"].iter_rows(values_only=True))
    start = rows.index(("Område", "Nyckeltal", "Värde", "Enhet")) + 1
    out = {}
    for row in rows[start:]:
        if row[0] is None:
            break
        out[(row[0], row[1])] = row[2]
    return out


def _every_string(path: Path) -> list[str]:
    book = load_workbook(path, read_only=True)
    return [v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
            if isinstance(v, str)]


def check_workbook(path: Path, results: Path, *, sheets: list[str]) -> None:
    """What holds for every run's workbook: sheets, headers, formats, panes and filters, summary = kpis.csv."""
    assert path.is_file()
    book = load_workbook(path)
    assert book.sheetnames == sheets
    for name, file in FILES.items():
        if name not in sheets:
            continue
        sheet, csv = book[name], pd.read_csv(results / f"{file}.csv", keep_default_na=False)
        headers = _headers(sheet)
        shown = [c for c in csv.columns if not (file == "data_quality" and c == "values")]  # JSON for the report
        expected = [text.HEADERS[file].get(c, c) for c in shown]
        if file == "kpis":
            expected.insert(2, "Kod")
        assert headers == expected, name
        assert headers == HEADERS.get(name, headers), name
        assert not set(headers) & set(csv.columns), f"{name}: a header left in English"
        assert sheet.max_row == len(csv) + 1, name
        assert sheet.freeze_panes in ("A2", "B2", "C2"), name
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(headers)).column_letter}{len(csv) + 1}", name
        for header, number_format in FORMATS.get(name, {}).items():
            if len(csv):
                assert sheet.cell(2, _column(sheet, header)).number_format == number_format, (name, header)
        for i in range(1, len(headers) + 1):
            assert sheet.column_dimensions[sheet.cell(1, i).column_letter].width >= 10, (name, i)
    # kpis: the value's format follows its unit
    kpis_sheet, kpis = book["Nyckeltal"], pd.read_csv(results / "kpis.csv", keep_default_na=False)
    value, code = _column(kpis_sheet, "Värde"), _column(kpis_sheet, "Kod")
    by_unit = {"share": PERCENT, "SEK": KR, "SEK/hour": KR, "SEK/person": KR, "hours": ONE_DECIMAL,
               "persons": "#,##0"}
    for r, unit in enumerate(kpis["unit"], start=2):
        assert kpis_sheet.cell(r, code).value == kpis["kpi"].iloc[r - 2]
        if unit in by_unit and kpis["value"].iloc[r - 2] != "":
            assert kpis_sheet.cell(r, value).number_format == by_unit[unit], (r, unit)
    # the summary's key figures are kpis.csv's total group, by Swedish name
    from kpbkit import labels

    total = pd.read_csv(results / "kpis.csv")
    total = total[total["group"] == "total"]
    summary = _summary_key_figures(book)
    assert len(summary) == len(total)
    for row in total.itertuples(index=False):
        got = summary[(labels.AREAS[row.area], labels.KPIS[row.kpi])]
        assert (got is None) if pd.isna(row.value) else got == pytest.approx(row.value, rel=1e-12), row.kpi
    # the reconciliation total and the findings per severity
    rows = {r[0]: r for r in book["Sammanfattning"].iter_rows(values_only=True) if r[0]}
    recon = pd.read_csv(results / "reconciliation.csv")
    assert rows["Huvudbok, kr"][1] == pytest.approx(recon["ledger_amount"].sum(), abs=0.005)
    assert rows["Ej fördelat, kr"][1] == pytest.approx(recon["residual"].sum(), abs=0.005)
    quality = pd.read_csv(results / "data_quality.csv")
    for severity, name in labels.SEVERITY.items():
        assert rows[name][1] == (quality["severity"] == severity).sum()
    # the definitions name every sheet and every column of each
    definitions = list(book["Definitioner"].iter_rows(values_only=True))
    assert definitions[0] == text.DEFINITION_HEADERS
    for name in sheets:
        assert (name, text.SHEET_ROW) in {(r[0], r[1]) for r in definitions}, name
    for name in FILES:
        if name in sheets:
            described = {r[1]: r[3] for r in definitions if r[0] == name and r[1] != text.SHEET_ROW}
            assert set(described) == set(_headers(book[name])), name
            assert all(described.values()), f"{name}: a column without a definition"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("workbook")
    from tests.conftest import write_case_files

    config = write_case_files(
        tmp_path,
        persons=f"personnummer,birth_date,sex\n{PNR},1941-01-01,M\n",
        visits=f"personnummer,service_code,date,minutes,provider_id\n{PNR},hemtjanst,2025-03-01,60,P1\n"
               f"{PNR},hemtjanst,2025-04-01,90,P1\n",
        ledger="date,account,responsibility,activity,amount\n2025-03-31,5010,100,510,1000.25\n"
               "2025-03-31,4010,100,999,-12.5\n",  # no rule: the unmapped row
        ledger_rules="activity,account_prefix,responsibility,target,kind\n510,,,service:hemtjanst:egen,cost\n",
    )
    return run_client(config, progress=lambda *a: None)


def test_a_run_writes_the_workbook_beside_the_results(small_run) -> None:
    path = _workbook_path(small_run.output_dir, "testkommun", "2025")
    check_workbook(path, small_run.results_dir, sheets=ALL_SHEETS)
    book = load_workbook(path)
    costs = book["Kostnad per brukare"]
    assert costs.freeze_panes == "B2" and book["Avstämning"].freeze_panes == "A2"
    assert [costs.cell(2, i).value for i in range(2, 6)] == ["Äldreomsorg", "Hemtjänst", "Egen regi", "timmar"]
    assert costs.cell(2, _column(costs, "Volym")).value == pytest.approx(2.5)
    assert costs.cell(2, _column(costs, "Bruttokostnad, kr")).value == pytest.approx(1000.25)
    recon = book["Avstämning"]
    targets = [recon.cell(r, 1).value for r in range(2, recon.max_row + 1)]
    assert "unmapped" in targets
    unmapped = targets.index("unmapped") + 2
    assert recon.cell(unmapped, _column(recon, "Ej fördelat, kr")).value == pytest.approx(-12.5)
    summary = _summary_key_figures(book)
    assert summary[("Äldreomsorg", "Utförda timmar")] == pytest.approx(2.5)
    assert summary[("Äldreomsorg", "Kostnad per utförd timme")] == pytest.approx(1000.25 / 2.5)
    rows = {r[0]: r for r in book["Sammanfattning"].iter_rows(values_only=True) if r[0]}
    assert rows["Kommun"][1] == "Testkommun" and rows["Period"][1] == "2025"
    assert rows["Huvudbok, kr"][1] == pytest.approx(987.75)
    assert book["Sammanfattning"].cell(rows_index(book, "Huvudbok, kr"), 2).number_format == KR_ORE


def rows_index(book, label: str) -> int:
    for i, row in enumerate(book["Sammanfattning"].iter_rows(values_only=True), start=1):
        if row[0] == label:
            return i
    raise KeyError(label)


def test_the_workbook_has_pseudonyms_and_no_personnummer(small_run) -> None:
    strings = _every_string(_workbook_path(small_run.output_dir, "testkommun", "2025"))
    pseudonyms = set(pd.read_csv(small_run.results_dir / "person_costs.csv")["person_id"])
    assert pseudonyms and pseudonyms <= set(strings)
    for value in strings:
        assert PNR not in value and PNR[2:] not in value and not PNR_WRITTEN.search(value), value


def test_the_demo_run_writes_the_workbook(demo_run) -> None:
    result, data_folder = demo_run
    path = _workbook_path(result.output_dir, "exempelkommun", "2025")
    check_workbook(path, result.results_dir, sheets=ALL_SHEETS)
    book = load_workbook(path)
    pa = book["Personlig assistans"]
    assert pa.max_row > 1 and pa.freeze_panes == "C2"
    assert pa.cell(2, _column(pa, "Från")).number_format == "yyyy-mm-dd"
    assert pa.cell(2, _column(pa, "Från")).is_date
    assert pa.cell(2, _column(pa, "Utförandegrad")).number_format == PERCENT
    assert pa.cell(2, _column(pa, "Beviljade timmar")).number_format == ONE_DECIMAL
    assert {pa.cell(r, _column(pa, "Utfört över beviljat")).value for r in range(2, pa.max_row + 1)} <= {"Ja", "Nej"}
    budget = book["Prognos mot budgetram"]
    if budget.max_row > 1:
        assert budget.cell(2, _column(budget, "Gap, andel av ramen")).number_format == PERCENT
        assert budget.cell(2, _column(budget, "Budgetram, kr")).number_format == KR
    strings = _every_string(path)
    forms = personnummer_forms(data_folder)
    assert forms
    for value in strings:
        assert not PNR_WRITTEN.search(value), value
    assert not forms & set(strings)
    joined = "\n".join(strings)
    assert not [f for f in forms if f in joined]
