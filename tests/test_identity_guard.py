"""Issue 12 item 2: no personnummer leaves ingest under any column name, and no writer writes one.

- detection (kpbkit.io.identity_guard): valid personnummer and samordningsnummer in every written form, alone
  or inside text, as numbers; not invalid check digits, pseudonyms, organisation numbers or decimals;
- ingest: a person id column holding personnummer is pseudonymised exactly as the personnummer column is; any
  other column holding one stops the run naming the file and the column; a table whose every personnummer is
  invalid stops the run;
- the write boundary: CSV, JSON, Parquet (interim), xlsx and the executed notebook are refused;
- a demo run: no personnummer of its inputs in any file it wrote, nor on the CLI's stdout/stderr.

Identities are Skatteverket test personnummer (kpbkit/data/testpersonnummer.csv) and variants of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

from kpbkit.config import load_client_config
from kpbkit.errors import InputError
from kpbkit.ingest import ingest
from kpbkit.io.identity_guard import (
    PersonnummerLeakError,
    check_xlsx,
    holds_personnummer,
    save_workbook,
    text_holds_personnummer,
)
from kpbkit.io.writers import write_csv, write_json
from kpbkit.personnummer import pseudonymise
from kpbkit.privacy import Policy
from tests.privacy import file_text, identity_cores

ROOT = Path(__file__).resolve().parents[1]
PNR_M_1941 = "194101012393"  # 1941-01-01, M
PNR_K_1932 = "193201027723"  # 1932-01-02, K
PNR_K_1920 = "192001011564"  # 105 in 2025: '200101+1564' in ten digits
SAMORDNING = "410161-2390"  # PNR_M_1941 with day + 60 and its check digit recomputed
BAD_CHECK = "410101-2394"  # PNR_M_1941 with a wrong check digit


def ten(pnr: str, sep: str = "-") -> str:
    return f"{pnr[2:8]}{sep}{pnr[8:]}"


def hits(values: list) -> list[bool]:
    return holds_personnummer(pd.Series(values, dtype=object)).tolist()


def assert_no_pnr(text: str) -> None:
    for pnr in (PNR_M_1941, PNR_K_1932, PNR_K_1920):
        for form in (pnr, pnr[2:], ten(pnr), ten(pnr, "+"), f"{pnr[:8]}-{pnr[8:]}"):
            assert form not in text, text


# --- detection -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    PNR_M_1941, PNR_M_1941[2:], ten(PNR_M_1941), f"{PNR_M_1941[:8]}-{PNR_M_1941[8:]}", ten(PNR_K_1920, "+"),
    SAMORDNING, "19" + SAMORDNING.replace("-", ""),
    f"Kund {ten(PNR_M_1941)}, hemtjänst", f"({PNR_M_1941})", f"pnr_{PNR_M_1941[2:]}", f"{ten(PNR_M_1941)}.",
    f"{PNR_M_1941[2:]}.0",
])
def test_valid_personnummer_is_found_in_every_form(value: str) -> None:
    assert hits([value]) == [True]
    assert text_holds_personnummer(value)


@pytest.mark.parametrize("value", [
    BAD_CHECK, BAD_CHECK.replace("-", ""),  # wrong check digit
    "4101312393",  # 1941-01-31 ok but check digit wrong for it
    "5566778899", "556677-8899",  # an organisation number: month 66
    "p" + PNR_M_1941[2:] + "abcdef", "ab" + PNR_M_1941[2:], PNR_M_1941[2:] + "x",  # inside letters (pseudonyms)
    "1" + PNR_M_1941,  # 13 digits
    f"12.{PNR_M_1941[2:]}", f"{PNR_M_1941[2:]}.25",  # the decimals or whole part of a decimal number
    "2025-03-31", "20250331", "1 234 567,89", "5010", "", "hemtjanst",
    "004101012393",  # 12 digits in a century no person is born in
])
def test_other_values_are_not_found(value: str) -> None:
    assert hits([value]) == [False]


def test_pseudonyms_never_match() -> None:
    listed = pd.read_csv(ROOT / "kpbkit" / "data" / "testpersonnummer.csv", dtype=str)["personnummer"]
    pseudonyms = pseudonymise(listed, b"a test key long enough for the test")
    assert not holds_personnummer(pseudonyms).any()
    assert holds_personnummer(listed).all()  # and the numbers themselves do


def test_numbers_are_found_when_whole_with_ten_or_twelve_digits() -> None:
    values = pd.Series([float(PNR_M_1941), float(PNR_M_1941[2:]), float(BAD_CHECK.replace("-", "")),
                        float(PNR_M_1941) + 0.5, 1234567.89, np.nan, -float(PNR_M_1941)])
    assert holds_personnummer(values).tolist() == [True, True, False, False, False, False, True]
    assert holds_personnummer(pd.Series([int(PNR_M_1941), 5010], dtype="int64")).tolist() == [True, False]


def test_categoricals_are_judged_by_their_categories() -> None:
    values = pd.Series([ten(PNR_M_1941), "HTN", None, "HTN"], dtype="category")
    assert holds_personnummer(values).tolist() == [True, False, False, False]


def test_cells_holding_lists_are_judged_by_their_text() -> None:
    assert hits([[ten(PNR_M_1941)], {"a": 1}, "x"]) == [True, False, False]


def test_dates_and_booleans_never_match() -> None:
    assert not holds_personnummer(pd.Series(pd.to_datetime(["2025-03-31", "1941-01-01"]))).any()
    assert not holds_personnummer(pd.Series([True, False])).any()


# --- ingest ----------------------------------------------------------------------------------------------------

VISITS = "person_id,service_code,date,minutes,provider_id\n"


def run_ingest(path: Path):
    return ingest(load_client_config(path))


def ingest_error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        run_ingest(path)
    err = info.value
    assert_no_pnr(str(err))
    assert "How to fix" in str(err)
    return err


def test_person_id_holding_personnummer_gets_the_personnummer_pseudonym(tmp_path, write_case) -> None:
    persons = f"personnummer,birth_date,sex\n{ten(PNR_M_1941)},,\n"
    visits = VISITS + f"{PNR_M_1941},hemtjanst,2025-03-02,30,P1\n{ten(PNR_K_1932)},hemtjanst,2025-03-03,30,P1\n"
    data = run_ingest(write_case(tmp_path, persons=persons, visits=visits))
    by_pnr = data.persons.loc[data.persons["in_persons"], "person_id"].iloc[0]
    assert data.visits["person_id"].iloc[0] == by_pnr  # the same person across files and column names
    assert data.visits["person_id"].str.fullmatch(r"p[0-9a-f]{16}").all()
    other = data.persons[data.persons["person_id"] == data.visits["person_id"].iloc[1]].iloc[0]
    assert other["birth_date"] == pd.Timestamp("1932-01-02") and other["sex"] == "K"  # derived, as from a pnr
    assert data.findings.count("person_id_personnummer", "visits") == 2
    assert_no_pnr(repr(data.findings.rows) + data.visits.to_csv() + data.persons.to_csv())


def test_person_id_column_of_persons_gives_birth_date_and_sex(tmp_path, write_case) -> None:
    persons = f"person_id,birth_date,sex\n{PNR_M_1941},,\n"
    visits = VISITS + f"{ten(PNR_M_1941)},hemtjanst,2025-03-02,30,P1\n"
    data = run_ingest(write_case(tmp_path, persons=persons, visits=visits))
    assert len(data.persons) == 1
    person = data.persons.iloc[0]
    assert person["birth_date"] == pd.Timestamp("1941-01-01") and person["sex"] == "M"
    assert data.visits["person_id"].tolist() == [person["person_id"]]


def test_own_person_ids_stay_as_they_are(tmp_path, write_case) -> None:
    visits = VISITS + "p1,hemtjanst,2025-03-02,30,P1\nK-4101012394,hemtjanst,2025-03-03,30,P1\n"
    data = run_ingest(write_case(tmp_path, visits=visits))
    assert data.visits["person_id"].tolist() == ["p1", "K-4101012394"]
    assert data.findings.count("person_id_personnummer") == 0


def test_person_id_with_a_personnummer_inside_text_stops(tmp_path, write_case) -> None:
    visits = VISITS + f"Kund {ten(PNR_M_1941)},hemtjanst,2025-03-02,30,P1\n"
    err = ingest_error(write_case(tmp_path, visits=visits))
    assert err.file.endswith("visits.csv") and err.column == "person_id" and err.row == 2


@pytest.mark.parametrize(("table", "content", "column", "row"), [
    ("visits", "person_id,service_code,date,minutes,provider_id,staff_id\n"
               f"p1,hemtjanst,2025-03-01,60,P1,S1\np1,hemtjanst,2025-03-02,60,P1,{ten(PNR_K_1932)}\n", "staff_id", 3),
    ("providers", f"provider_id,name,regi\nP1,Hemtjansten,egen\n{ten(PNR_K_1932)},Enskild firma,extern\n",
     "provider_id", 3),
    ("decisions", f"decision_id,person_id,service_code,start_date\n{PNR_K_1932},p1,hemtjanst,2025-01-01\n",
     "decision_id", 2),
    ("stays", f"stay_id,person_id,service_code,start_date\n{PNR_K_1932[2:]},p1,hvb,2025-01-01\n", "stay_id", 2),
    ("providers", f"provider_id,name,regi\nP1,Firma {ten(PNR_K_1932)},egen\n", "name", 2),
    ("ledger", f"date,account,responsibility,activity,amount\n2025-03-31,5010,100,{PNR_K_1932},1000.00\n",
     "activity", 2),
    ("ledger", f"date,account,responsibility,activity,amount\n2025-03-31,5010,100,510,{PNR_K_1932}\n", "amount", 2),
])
def test_personnummer_in_any_other_column_stops_naming_file_and_column(
    tmp_path, write_case, table: str, content: str, column: str, row: int
) -> None:
    err = ingest_error(write_case(tmp_path, **{table: content}))
    assert Path(err.file).name == f"{table}.csv"
    assert (err.column, err.row) == (column, row)
    assert "replace the ids by codes" in err.fix


def test_code_lists_apply_before_the_check(tmp_path, write_case) -> None:
    providers = f"provider_id,name,regi\nP1,Hemtjansten,egen\n{ten(PNR_K_1932)},Enskild firma,extern\n"
    visits = VISITS + f"p1,hemtjanst,2025-03-01,60,{ten(PNR_K_1932)}\n"
    config = {"input": {"codes": {"provider_id": {ten(PNR_K_1932): "LOV7"}}}}
    data = run_ingest(write_case(tmp_path, providers=providers, visits=visits, config=config))
    assert data.providers["provider_id"].tolist() == ["P1", "LOV7"]
    assert data.visits["provider_id"].astype(str).tolist() == ["LOV7"]


def test_unknown_columns_are_dropped_not_checked(tmp_path, write_case) -> None:
    visits = "person_id,service_code,date,minutes,provider_id,kommentar\n" \
             f"p1,hemtjanst,2025-03-01,60,P1,{ten(PNR_K_1932)}\n"
    data = run_ingest(write_case(tmp_path, visits=visits))
    assert "kommentar" not in data.visits.columns


def test_every_personnummer_invalid_stops(tmp_path, write_case) -> None:
    visits = ("personnummer,service_code,date,minutes,provider_id\n"
              "K1001,hemtjanst,2025-03-01,60,P1\nK1002,hemtjanst,2025-03-02,60,P1\n")
    err = ingest_error(write_case(tmp_path, visits=visits))
    assert err.file.endswith("visits.csv") and err.column == "personnummer" and err.row == 2
    assert "not one valid personnummer" in err.what


def test_one_mistyped_personnummer_alone_is_a_finding(tmp_path, write_case) -> None:
    visits = f"personnummer,service_code,date,minutes,provider_id\n{BAD_CHECK},hemtjanst,2025-03-01,60,P1\n"
    data = run_ingest(write_case(tmp_path, visits=visits))
    assert data.findings.count("personnummer_invalid_check_digit", "visits") == 1


def test_two_mistyped_personnummer_and_nothing_valid_stop(tmp_path, write_case) -> None:
    visits = ("personnummer,service_code,date,minutes,provider_id\n"
              f"{BAD_CHECK},hemtjanst,2025-03-01,60,P1\n410101-2395,hemtjanst,2025-03-02,60,P1\n")
    ingest_error(write_case(tmp_path, visits=visits))


# --- the write boundary ----------------------------------------------------------------------------------------


def assert_refused(info: pytest.ExceptionInfo, path: Path, column: str | None) -> None:
    err = info.value
    assert isinstance(err, PersonnummerLeakError)
    assert err.file == str(path)
    if column is not None:
        assert err.column == column or f"'{column}'" in err.what
    assert_no_pnr(str(err))
    assert not path.exists()
    assert not path.parent.exists() or not [p for p in path.parent.iterdir() if ".tmp-" in p.name]


def test_write_csv_refuses_and_writes_nothing(tmp_path) -> None:
    frame = pd.DataFrame({"person_id": ["p0123456789abcdef"], "staff_id": [f"x {ten(PNR_M_1941)}"]})
    path = tmp_path / "person_costs.csv"
    with pytest.raises(PersonnummerLeakError) as info:
        write_csv(frame, path)
    assert_refused(info, path, "staff_id")
    assert info.value.row == 2  # the header is row 1


def test_write_csv_refuses_a_twelve_digit_amount(tmp_path) -> None:
    path = tmp_path / "unit_costs.csv"
    with pytest.raises(PersonnummerLeakError) as info:
        write_csv(pd.DataFrame({"amount": [10.5, float(PNR_M_1941)]}), path)
    assert_refused(info, path, "amount")


def test_write_csv_writes_pseudonyms_and_money(tmp_path) -> None:
    frame = pd.DataFrame({"person_id": pseudonymise(pd.Series([PNR_M_1941, PNR_K_1932]), b"key" * 8),
                          "cost": [4101012394.0, 1234567.891234]})
    write_csv(frame, tmp_path / "ok.csv")
    assert (tmp_path / "ok.csv").is_file()


def test_write_csv_takes_a_ten_digit_sum_of_money_but_not_a_ten_digit_id(tmp_path) -> None:
    """A pool of 4 101 012 393 kr in whole kronor forms a valid personnummer by chance: money, not an identity."""
    money = float(PNR_M_1941[2:])
    write_csv(pd.DataFrame({"ledger_amount": [money, 12.5]}), tmp_path / "reconciliation.csv")
    assert (tmp_path / "reconciliation.csv").is_file()
    for frame in (pd.DataFrame({"n": pd.Series([int(money)], dtype="int64")}),
                  pd.DataFrame({"code": [PNR_M_1941[2:]]})):
        with pytest.raises(PersonnummerLeakError):
            write_csv(frame, tmp_path / "ids.csv")
    assert not (tmp_path / "ids.csv").exists()


def test_write_json_refuses(tmp_path) -> None:
    path = tmp_path / "run.json"
    with pytest.raises(PersonnummerLeakError) as info:
        write_json({"inputs": {"visits": {"file": f"besok_{PNR_M_1941}.csv"}}}, path)
    assert_refused(info, path, None)
    assert "/inputs/visits/file" in info.value.what


def test_write_interim_refuses_a_parquet_table(tmp_path) -> None:
    from kpbkit.results import write_interim

    visits = pd.DataFrame({"person_id": ["p0123456789abcdef"], "staff_id": [ten(PNR_K_1932)]})
    ledger = pd.DataFrame({"activity": ["510"], "amount": [1000.0]})
    data = SimpleNamespace(tables=lambda: {"ledger": ledger, "visits": visits}, visits=visits)
    empty = pd.DataFrame()
    model = SimpleNamespace(deliveries=empty, granted=empty, stays=empty,
                            counted_visits=pd.DataFrame({"regi": ["egen"]}, index=visits.index))
    with pytest.raises(PersonnummerLeakError) as info:
        write_interim(data, model, tmp_path / "interim")
    assert_refused(info, tmp_path / "interim" / "visits.parquet", "staff_id")
    assert (tmp_path / "interim" / "ledger.parquet").is_file()  # written before; pseudonymised


def _book(*rows: list) -> object:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Personer")
    for row in rows:
        sheet.append(row)
    return book


@pytest.mark.parametrize("value", [ten(PNR_M_1941), float(PNR_M_1941), f"Kund {PNR_M_1941}"])
def test_save_workbook_refuses_text_and_number_cells(tmp_path, value) -> None:
    path = tmp_path / "kpb.xlsx"
    with pytest.raises(PersonnummerLeakError) as info:
        save_workbook(_book(["Person", "Kostnad"], ["p0123456789abcdef", 1.5], ["x", value]), path)
    assert_refused(info, path, None)
    assert "sheet 'Personer'" in info.value.what
    assert "cell B3" in info.value.what and "column 'Kostnad'" in info.value.what


def test_save_workbook_writes_a_clean_workbook(tmp_path) -> None:
    path = save_workbook(_book(["Person", "Kostnad"], ["p0123456789abcdef", 4101012394.0], ["x", 12.4101012393]),
                         tmp_path / "kpb.xlsx")
    assert path.is_file()
    check_xlsx(path)


@pytest.fixture
def small_run(tmp_path, write_case):
    """A small client run (results only): its config and results folder."""
    from kpbkit.pipeline import run_client

    result = run_client(write_case(tmp_path / "case"), progress=lambda *a: None)
    return result.config, result.results_dir


def test_the_deliverable_workbook_is_refused(small_run, tmp_path) -> None:
    from kpbkit.report.workbook import workbook_path, write_workbook

    config, results = small_run
    person_costs = pd.read_csv(results / "person_costs.csv", dtype=str, keep_default_na=False)
    person_costs["person_id"] = ten(PNR_M_1941)  # as a results file would look had one slipped past ingest
    person_costs.to_csv(results / "person_costs.csv", index=False)
    folder = tmp_path / "xlsx"
    with pytest.raises(PersonnummerLeakError) as info:
        write_workbook(config, results, folder)
    assert_refused(info, workbook_path(config, folder), None)


def test_the_six_month_workbook_is_refused(small_run, tmp_path) -> None:
    from kpbkit.analyses import pa_settlement
    from kpbkit.report.six_month import write_six_month_xlsx

    config, _results = small_run
    row = {c: np.nan for c in pa_settlement.COLUMNS}
    row.update(person_id=PNR_M_1941, service_code="pa_sfb", row_type="month", period="2025-03",
               period_start=pd.Timestamp("2025-03-01"), period_end=pd.Timestamp("2025-03-31"))
    for flag in pa_settlement.FLAGS:
        row[flag] = False
    table = pd.DataFrame([row], columns=pa_settlement.COLUMNS)
    path = tmp_path / "xlsx" / "pa_six_month.xlsx"
    path.parent.mkdir()
    with pytest.raises(PersonnummerLeakError) as info:
        write_six_month_xlsx(table, path, config=config, policy=Policy())
    assert_refused(info, path, None)


def _notebook(text: str, path: Path, *, image: str | None = None) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(summary)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    if image is not None:
        cell.outputs.append(nbformat.v4.new_output("display_data", data={"image/png": image, "text/plain": "fig"}))
    nb.cells = [nbformat.v4.new_markdown_cell("# Rapport"), cell]
    nbformat.write(nb, path)
    return path


def test_executed_notebook_is_refused_and_not_placed(tmp_path) -> None:
    from kpbkit.report.runner import _place

    executed = _notebook(f"dyraste fall: {ten(PNR_M_1941)} 1 234 kr\n", tmp_path / "executed.ipynb")
    output = tmp_path / "reports" / "hemtjanst.ipynb"
    with pytest.raises(PersonnummerLeakError) as info:
        _place(executed, output)
    assert_refused(info, output, None)
    assert "cell 2" in info.value.what


def test_notebook_images_and_pseudonyms_pass(tmp_path) -> None:
    from kpbkit.report.runner import _place

    image = "iVBORw0KGgo/" + PNR_M_1941[2:] + "+AAAA"  # base64 may hold a digit run by chance: images are skipped
    executed = _notebook("p0123456789abcdef 1 234,50 kr\n", tmp_path / "executed.ipynb", image=image)
    output = tmp_path / "reports" / "hemtjanst.ipynb"
    _place(executed, output)
    text = json.loads(output.read_text(encoding="utf-8"))["cells"][1]["outputs"][0]["text"]
    assert "".join(text).startswith("p0123")


# --- a demo run: every file it wrote, and what the CLI printed ------------------------------------------------

#: kinds of file a run writes; the test fails on any other kind, so that a new kind gets looked at
SCANNED = {".csv", ".parquet", ".xlsx", ".ipynb", ".html", ".pdf", ".json", ".log", ".txt", ".png", ".svg"}


def _input_identities(root: Path, outputs: Path) -> set[str]:
    """The 10-digit core of every personnummer-shaped value in the demo's input files (every data set's)."""
    cores: set[str] = set()
    for path in root.rglob("*"):
        if path.is_file() and outputs not in path.parents and path.suffix in (".csv", ".txt", ".xlsx", ".parquet"):
            cores |= identity_cores(file_text(path))
    return cores


def _absolute(config: Path, out: Path) -> Path:
    """A copy of the demo config with absolute paths and its output in ``out`` (the demo's own stays as it is)."""
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    base = config.parent
    raw["input"]["folder"] = str((base / raw["input"]["folder"]).resolve())
    raw["ledger_rules"] = str((base / raw["ledger_rules"]).resolve())
    raw["pseudonymisation"]["key_file"] = str((base / raw["pseudonymisation"]["key_file"]).resolve())
    raw["output"] = {"folder": str(out)}
    raw.pop("comparison", None)
    path = out.parent / "scan.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.usefixtures("cli_isolation")
def test_no_input_personnummer_in_any_file_of_a_demo_run_nor_on_the_terminal(demo_run, tmp_path) -> None:
    from click.testing import CliRunner

    from kpbkit.cli import main

    result, _data = demo_run
    root = result.config.path.parent
    outputs = root / "reports"
    identities = _input_identities(root, outputs)
    assert len(identities) > 1000  # the demo identifies its persons by personnummer in several formats

    files = sorted(p for p in outputs.rglob("*") if p.is_file())
    kinds = {p.suffix for p in files}
    assert {".csv", ".parquet", ".xlsx", ".ipynb", ".html", ".pdf", ".json"} <= kinds
    assert kinds <= SCANNED, kinds - SCANNED
    leaked = {str(p.relative_to(outputs)): found for p in files
              if p.suffix not in (".png",) and (found := identity_cores(file_text(p)) & identities)}
    assert leaked == {}

    # stdout/stderr and the log: the CLI run once more on the same extracts, results only, into its own folder
    out = tmp_path / "out"
    out.mkdir()
    config = _absolute(result.config.path, out)
    runner = CliRunner()
    printed = ""
    for args in (["validate", str(config)], ["--debug", "run", str(config), "--results-only"]):
        ran = runner.invoke(main, args)  # stderr (the log: kpbkit's handler writes there) is in the output
        assert ran.exit_code == 0, ran.output
        printed += ran.output
    assert "personnummer_invalid_check_digit" in printed  # the findings, examples included, were printed
    assert identity_cores(printed) & identities == set()
    written = {str(p.relative_to(out)): found for p in out.rglob("*") if p.is_file()
               and (found := identity_cores(file_text(p)) & identities)}
    assert written == {}
