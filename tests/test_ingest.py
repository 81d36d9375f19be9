"""Tests for kpbkit.ingest and kpbkit.io.readers: what ingest promises about canonical input.

Every personnummer here is one of Skatteverket's official test personnummer (written literally), or is
derived from one by changing its check digit (noted where it happens), so no real person can appear.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from kpbkit.config import load_client_config
from kpbkit.errors import ConfigError, InputError
from kpbkit.ingest import CanonicalData, ingest

# Skatteverket test personnummer: birth date, sex (second-to-last digit odd = M)
PNR_M_1941 = "194101012393"  # 1941-01-01, M
PNR_K_1932 = "193201027723"  # 1932-01-02, K
PNR_M_1988 = "198801012397"  # 1988-01-01, M
PNR_K_2008 = "200801012386"  # 2008-01-01, K
PNR_K_1950 = "195001182046"  # 1950-01-18, K
PNR_K_1920 = "192001011564"  # 1920-01-01, K: 105 in 2025, written '200101+1564' in 10 digits
PNR_BAD_CHECK = "194101012394"  # PNR_M_1941 with its check digit changed: fails the Luhn check
ALL_PNR = [PNR_M_1941, PNR_K_1932, PNR_M_1988, PNR_K_2008, PNR_K_1950, PNR_K_1920, PNR_BAD_CHECK]

def run_ingest(path) -> CanonicalData:
    return ingest(load_client_config(path))


def input_error(path) -> InputError:
    with pytest.raises(InputError) as info:
        run_ingest(path)
    return info.value


def person_of(data: CanonicalData, person_id: str) -> dict:
    rows = data.persons[data.persons["person_id"] == person_id]
    assert len(rows) == 1, f"expected one persons row for {person_id}, got {len(rows)}"
    return rows.iloc[0].to_dict()


def finding_count(data: CanonicalData, check: str, table: str | None = None) -> float:
    return data.findings.count(check, table)


def assert_no_pnr(text: str) -> None:
    """No test personnummer, in its 10- or 12-digit form, in ``text``."""
    for pnr in ALL_PNR:
        assert pnr not in text
        assert pnr[2:] not in text
        assert f"{pnr[2:8]}-{pnr[8:]}" not in text


def ten(pnr: str, sep: str = "-") -> str:
    """The 10-digit written form ``YYMMDD-NNNN`` of a 12-digit personnummer."""
    return f"{pnr[2:8]}{sep}{pnr[8:]}"


# --- a valid case -----------------------------------------------------------------------------------------------


def test_minimal_case_reads_all_tables_with_types(tmp_path, write_case):
    data = run_ingest(write_case(tmp_path))
    assert set(data.tables()) == {"persons", "providers", "decisions", "visits", "stays", "ledger", "population",
                                  "population_forecast"}
    assert data.visits["minutes"].tolist() == [60.0]
    assert data.visits["date"].tolist() == [pd.Timestamp("2025-03-01")]
    assert data.ledger["amount"].tolist() == [1000.0]
    assert data.ledger["date"].tolist() == [pd.Timestamp("2025-03-31")]
    assert len(data.decisions) == 0 and len(data.stays) == 0 and len(data.population) == 0
    assert set(data.input_files) == {"persons", "providers", "visits", "ledger"}


def test_optional_tables_missing_are_empty_with_their_columns(tmp_path, write_case):
    data = run_ingest(write_case(tmp_path))
    assert {"decision_id", "service_code", "start_date", "granted_hours_per_month"} <= set(data.decisions.columns)
    assert {"stay_id", "daily_price"} <= set(data.stays.columns)
    assert finding_count(data, "table_missing", "population") == 1


def test_visits_missing_is_allowed(tmp_path, write_case):
    data = run_ingest(write_case(tmp_path, visits=None))
    assert len(data.visits) == 0


# --- missing tables and columns ---------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["persons", "providers", "ledger"])
def test_missing_required_table_names_the_file(tmp_path, write_case, table):
    err = input_error(write_case(tmp_path, **{table: None}))
    assert err.file is not None and err.file.endswith(f"{table}.csv")
    assert table in str(err)


@pytest.mark.parametrize(
    ("table", "content", "column"),
    [
        ("visits", "person_id,service_code,date\np1,hemtjanst,2025-01-01\n", "minutes"),
        ("visits", "person_id,date,minutes\np1,2025-01-01,30\n", "service_code"),
        ("visits", "service_code,date,minutes\nhemtjanst,2025-01-01,30\n", "person_id (or personnummer)"),
        ("providers", "provider_id,name\nP1,X\n", "regi"),
        ("ledger", "date,account,responsibility,activity\n2025-01-01,5010,1,510\n", "amount"),
        ("ledger", "account,responsibility,activity,amount\n5010,1,510,100\n", "date or period"),
        ("stays", "stay_id,person_id,service_code,end_date\nS1,p1,hvb,2025-02-01\n", "start_date"),
        ("decisions", "person_id,service_code,start_date\np1,hemtjanst,2025-01-01\n", "decision_id"),
        ("population", "year,age,count\n2025,80,10\n", "sex"),
    ],
)
def test_missing_required_column_names_file_and_column(tmp_path, write_case, table, content, column):
    err = input_error(write_case(tmp_path, **{table: content}))
    assert err.file is not None and err.file.endswith(f"{table}.csv")
    assert column in str(err)


def test_header_names_are_trimmed(tmp_path, write_case):
    data = run_ingest(write_case(tmp_path, providers=" provider_id , name , regi \nP1,X,egen\n"))
    assert data.providers["regi"].tolist() == ["egen"]


def test_unknown_columns_are_ignored_and_reported(tmp_path, write_case):
    data = run_ingest(write_case(tmp_path, providers="provider_id,name,regi,orgnr\nP1,X,egen,5560000000\n"))
    assert "orgnr" not in data.providers.columns
    assert finding_count(data, "unknown_columns", "providers") == 1


# --- unreadable values: file, row and column ----------------------------------------------------------------------

VISITS_HEADER = "person_id,service_code,date,minutes,provider_id\n"


@pytest.mark.parametrize(
    ("table", "content", "row", "column"),
    [
        ("visits", VISITS_HEADER + "p1,hemtjanst,2025-01-01,30,P1\np1,hemtjanst,2025-13-01,30,P1\n", 3, "date"),
        ("visits", VISITS_HEADER + "p1,hemtjanst,01/02/2025,30,P1\n", 2, "date"),
        ("visits", VISITS_HEADER + "p1,hemtjanst,2025-01-01,30,P1\n" * 3 + "p1,hemtjanst,2025-01-01,12,5,P1\n",
         5, None),  # a decimal comma splits the row: unreadable CSV
        ("visits", VISITS_HEADER + "p1,hemtjanst,2025-01-01,30,P1\np1,hemtjanst,2025-01-02,\"12,5\",P1\n", 3,
         "minutes"),
        ("visits", VISITS_HEADER + "p1,hemtjanst,2025-01-01,trettio,P1\n", 2, "minutes"),
        ("visits", VISITS_HEADER + "p1,hemtjanst,2025-01-01,inf,P1\n", 2, "minutes"),
        ("visits", VISITS_HEADER + "p1,,2025-01-01,30,P1\n", 2, "service_code"),
        ("visits", VISITS_HEADER + "p1,hemtjanst,,30,P1\n", 2, "date"),
        ("stays", "stay_id,person_id,service_code,start_date,end_date,provider_id,daily_price\n"
                  "S1,p1,hvb,2025-01-01,2025-02-30,P1,100\n", 2, "end_date"),
        ("stays", "stay_id,person_id,service_code,start_date,end_date,provider_id,daily_price\n"
                  "S1,p1,hvb,2025-01-01,,P1,4 200\n", 2, "daily_price"),
        ("decisions", "decision_id,person_id,service_code,start_date,granted_hours_per_month\n"
                      "D1,p1,hemtjanst,2025-01-01,12\nD2,p1,hemtjanst,2025-01-01,tolv\n", 3, "granted_hours_per_month"),
        ("persons", "person_id,birth_date,sex\np1,1941-01-01,M\np2,1941-01-01,k\n", 3, "sex"),
        ("persons", "person_id,birth_date,sex\np1,19410101,M\n", 2, "birth_date"),
        ("providers", "provider_id,name,regi\nP1,X,egen\nP2,Y,privat\n", 3, "regi"),
        ("providers", "provider_id,name,regi\nP1,X,egen\n,Y,extern\n", 3, "provider_id"),
        ("population", "year,age,sex,count\n2025,80,K,10\n2025,80.5,M,10\n", 3, "age"),
    ],
)
def test_unreadable_value_names_file_row_and_column(tmp_path, write_case, table, content, row, column):
    err = input_error(write_case(tmp_path, **{table: content}))
    assert err.file is not None and err.file.endswith(f"{table}.csv")
    assert err.row == row
    assert err.column == column
    assert f"row {row}" in str(err)
    if column is not None:
        assert f"column '{column}'" in str(err)


def test_row_numbers_count_blank_lines(tmp_path, write_case):
    """Row numbers are the file's: a blank line in the middle is skipped but still counted."""
    content = VISITS_HEADER + "p1,hemtjanst,2025-01-01,30,P1\n\np1,hemtjanst,2025-01-02,x,P1\n"
    err = input_error(write_case(tmp_path, visits=content))
    assert err.row == 4


def test_blank_and_all_empty_rows_are_ignored(tmp_path, write_case):
    content = VISITS_HEADER + "p1,hemtjanst,2025-01-01,30,P1\n\n,,,,\np1,hemtjanst,2025-01-02,45,P1\n\n"
    data = run_ingest(write_case(tmp_path, visits=content))
    assert data.visits["minutes"].tolist() == [30.0, 45.0]


def test_utf8_bom_is_accepted(tmp_path, write_case):
    path = write_case(tmp_path)
    target = tmp_path / "input" / "providers.csv"
    target.write_bytes("\ufeffprovider_id,name,regi\nP1,Hemtjänsten,egen\n".encode())
    data = run_ingest(path)
    assert data.providers["name"].tolist() == ["Hemtjänsten"]


def test_non_utf8_file_is_an_error_naming_the_file(tmp_path, write_case):
    path = write_case(tmp_path)
    (tmp_path / "input" / "providers.csv").write_bytes("provider_id,name,regi\nP1,Hemtjänsten,egen\n".encode("cp1252"))
    err = input_error(path)
    assert err.file.endswith("providers.csv")
    assert "UTF-8" in str(err)


def test_parquet_input(tmp_path, write_case):
    path = write_case(tmp_path, persons=None)
    frame = pd.DataFrame({"person_id": ["p1"], "birth_date": [pd.Timestamp("1941-01-01")], "sex": ["M"]})
    frame.to_parquet(tmp_path / "input" / "persons.parquet", index=False)
    data = run_ingest(path)
    assert person_of(data, "p1")["birth_date"] == pd.Timestamp("1941-01-01")
    assert data.input_files["persons"].name == "persons.parquet"


# --- personnummer never in an error message ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "visits",
    [
        # a bad date on a row identified by personnummer
        f"personnummer,service_code,date,minutes,provider_id\n{PNR_M_1941},hemtjanst,2025-02-30,30,P1\n",
        # a personnummer shifted into the date column
        f"personnummer,service_code,date,minutes,provider_id\nhemtjanst,2025-01-01,{PNR_M_1941},30,P1\n",
        f"person_id,service_code,date,minutes,provider_id\np1,hemtjanst,{PNR_M_1941[2:8]}-{PNR_M_1941[8:]},30,P1\n",
        # a personnummer shifted into the minutes column
        f"person_id,service_code,date,minutes,provider_id\np1,hemtjanst,2025-01-01,{ten(PNR_M_1941)},P1\n",
    ],
)
def test_personnummer_never_in_an_error_message(tmp_path, write_case, visits):
    err = input_error(write_case(tmp_path, visits=visits))
    assert_no_pnr(str(err))
    assert_no_pnr(repr(err.args))


def test_row_without_person_is_left_out_as_a_finding(tmp_path, write_case):
    visits = ("personnummer,person_id,service_code,date,minutes,provider_id\n"
              f"{PNR_M_1941},,hemtjanst,2025-01-01,30,P1\n"
              ",,hemtjanst,2025-01-01,45,P1\n")
    data = run_ingest(write_case(tmp_path, visits=visits))
    assert data.visits["minutes"].tolist() == [30.0]
    found = [r for r in data.findings.rows if r["check"] == "personnummer_missing"]
    assert [(r["table"], r["count"]) for r in found] == [("visits", 1)]
    assert found[0]["example"] == "visits.csv row 3: empty personnummer"
    assert_no_pnr(repr(data.findings.rows))


def test_file_without_header_row_does_not_echo_the_personnummer(tmp_path, write_case):
    err = input_error(write_case(tmp_path, persons=f"{ten(PNR_M_1941)},1941-01-01,M\n"))
    assert err.file.endswith("persons.csv")
    assert "header" in str(err)
    assert_no_pnr(str(err))


def test_unknown_column_shaped_like_a_personnummer_is_not_echoed_in_findings(tmp_path, write_case):
    providers = f"provider_id,name,regi,{PNR_K_1932}\nP1,X,egen,\n"
    data = run_ingest(write_case(tmp_path, providers=providers))
    assert finding_count(data, "unknown_columns", "providers") == 1
    assert_no_pnr(data.findings.frame().to_csv())


def test_personnummer_in_a_code_column_is_not_echoed(tmp_path, write_case):
    persons = f"person_id,birth_date,sex\np1,1941-01-01,{PNR_M_1941}\n"
    err = input_error(write_case(tmp_path, persons=persons))
    assert err.column == "sex"
    assert_no_pnr(str(err))


# --- ledger -----------------------------------------------------------------------------------------------------

LEDGER_HEADER = "date,account,responsibility,activity,amount\n"


@pytest.mark.parametrize(
    ("ledger", "row", "column"),
    [
        (LEDGER_HEADER + "2025-01-31,5010,1,510,100\n2025-01-31,5010,1,510,1 000\n", 3, "amount"),
        (LEDGER_HEADER + "2025-01-31,5010,1,510,\"100,50\"\n", 2, "amount"),
        (LEDGER_HEADER + "2025-01-31,5010,1,510,\u2212100.00\n", 2, "amount"),
        (LEDGER_HEADER + "2025-01-31,5010,1,510,100\n2025-01-31,5010,1,510,\n", 3, "amount"),
        (LEDGER_HEADER + "2025-01-31,5010,1,510,nan\n", 2, "amount"),
        (LEDGER_HEADER + "2025-01-31,5010,1,510,-inf\n", 2, "amount"),
        (LEDGER_HEADER + "2025-01-31,5010,1,510,100\n2025-31-01,5010,1,510,100\n", 3, "date"),
        (LEDGER_HEADER + "2025-01-31,5010,1,510,100\n,5010,1,510,100\n", 3, "date"),
        ("period,account,responsibility,activity,amount\n2025-01,5010,1,510,100\n2025-13,5010,1,510,5\n", 3,
         "period"),
        ("period,account,responsibility,activity,amount\n2025-01,5010,1,510,100\n,5010,1,510,5\n", 3, "period"),
        ("period,account,responsibility,activity,amount\n202501,5010,1,510,100\n", 2, "period"),
    ],
)
def test_unreadable_ledger_row_is_fatal_naming_the_row(tmp_path, write_case, ledger, row, column):
    err = input_error(write_case(tmp_path, ledger=ledger))
    assert err.file.endswith("ledger.csv")
    assert err.row == row
    assert err.column == column


def test_ledger_period_column_is_dated_on_the_first(tmp_path, write_case):
    ledger = "period,account,responsibility,activity,amount\n2025-03,5010,1,510,100\n2024-12,5010,1,510,-5.5\n"
    data = run_ingest(write_case(tmp_path, ledger=ledger))
    assert data.ledger["date"].tolist() == [pd.Timestamp("2025-03-01"), pd.Timestamp("2024-12-01")]
    assert data.ledger["amount"].tolist() == [100.0, -5.5]
    assert "period" not in data.ledger.columns


def test_ledger_with_date_and_period_uses_period_where_date_is_empty(tmp_path, write_case):
    ledger = "date,period,account,amount\n2025-03-15,2025-03,5010,100\n,2025-04,5010,7\n"
    data = run_ingest(write_case(tmp_path, ledger=ledger))
    assert data.ledger["date"].tolist() == [pd.Timestamp("2025-03-15"), pd.Timestamp("2025-04-01")]


def test_codes_keep_leading_zeros_and_stay_strings(tmp_path, write_case):
    ledger = LEDGER_HEADER + "2025-01-31,0456,007,0510,12.34\n2025-02-28,,,,1\n"
    data = run_ingest(write_case(tmp_path, ledger=ledger))
    assert data.ledger["account"].tolist() == ["0456", ""]
    assert data.ledger["responsibility"].tolist() == ["007", ""]
    assert data.ledger["activity"].tolist() == ["0510", ""]
    assert data.ledger["amount"].tolist() == [12.34, 1.0]


def test_ids_keep_leading_zeros(tmp_path, write_case):
    providers = "provider_id,name,regi\n007,X,egen\n"
    visits = VISITS_HEADER + "0042,hemtjanst,2025-01-01,30,007\n"
    persons = "person_id,birth_date,sex\n0042,1941-01-01,M\n"
    data = run_ingest(write_case(tmp_path, providers=providers, visits=visits, persons=persons))
    assert data.providers["provider_id"].tolist() == ["007"]
    assert data.visits["provider_id"].tolist() == ["007"]
    assert data.visits["person_id"].tolist() == ["0042"]


def test_signed_amounts_and_scientific_notation(tmp_path, write_case):
    ledger = LEDGER_HEADER + "2025-01-31,5010,1,510,-18000.00\n2025-01-31,5010,1,510,+1500\n"
    data = run_ingest(write_case(tmp_path, ledger=ledger))
    assert data.ledger["amount"].tolist() == [-18000.0, 1500.0]
    # Scientific notation is what Excel writes for a number too wide for its cell: digits lost (issue 12).
    ledger = LEDGER_HEADER + "2025-01-31,5010,1,510,-18000.00\n2025-01-31,5010,1,510,1.23457E+06\n"
    with pytest.raises(InputError, match="scientific notation"):
        run_ingest(write_case(tmp_path, ledger=ledger))


# --- personnummer: pseudonymisation and demographics ---------------------------------------------------------------


def case_with_pnr(tmp_path, write_case, **tables):
    base = {
        "persons": f"personnummer,birth_date,sex\n{ten(PNR_M_1941)},,\n",
        "visits": f"personnummer,service_code,date,minutes,provider_id\n{PNR_M_1941},hemtjanst,2025-01-02,30,P1\n",
    }
    return write_case(tmp_path, **{**base, **tables})


def test_formats_across_tables_give_the_same_person_id(tmp_path, write_case):
    path = case_with_pnr(
        tmp_path,
        write_case,
        decisions=f"decision_id,personnummer,service_code,start_date\nD1,{PNR_M_1941[2:]},hemtjanst,2025-01-01\n",
        stays=f"stay_id,personnummer,service_code,start_date,provider_id\n"
        f"S1,{PNR_M_1941[:8]}-{PNR_M_1941[8:]},korttid_aldre,2025-02-01,P1\n"
        f"S2, {ten(PNR_M_1941)} ,korttid_aldre,2025-03-01,P1\n",
    )
    data = run_ingest(path)
    ids = {
        *data.persons["person_id"],
        *data.visits["person_id"],
        *data.decisions["person_id"],
        *data.stays["person_id"],
    }
    assert len(ids) == 1
    (person_id,) = ids
    assert re.fullmatch(r"[0-9a-z]+", person_id)
    assert_no_pnr(person_id)
    assert len(data.persons) == 1


def test_personnummer_column_is_dropped_from_every_table(tmp_path, write_case):
    path = case_with_pnr(
        tmp_path,
        write_case,
        decisions=f"decision_id,personnummer,service_code,start_date\nD1,{PNR_K_1932},hemtjanst,2025-01-01\n",
        stays=f"stay_id,personnummer,service_code,start_date,provider_id\nS1,{PNR_K_2008},hvb,2025-02-01,P1\n",
        providers="provider_id,name,regi,personnummer\nP1,X,egen,\n",
    )
    data = run_ingest(path)
    for name, frame in data.tables().items():
        assert "personnummer" not in frame.columns, name
        assert_no_pnr(frame.to_csv())


def test_birth_date_and_sex_derived_from_personnummer(tmp_path, write_case):
    persons = f"personnummer,birth_date,sex\n{ten(PNR_M_1941)},,\n{PNR_K_1932},,\n{ten(PNR_K_1920, '+')},,\n"
    data = run_ingest(case_with_pnr(tmp_path, write_case, persons=persons))
    got = sorted((p["birth_date"], p["sex"]) for p in data.persons.to_dict("records"))
    assert got == [
        (pd.Timestamp("1920-01-01"), "K"),
        (pd.Timestamp("1932-01-02"), "K"),
        (pd.Timestamp("1941-01-01"), "M"),
    ]


def test_persons_file_without_demographic_columns(tmp_path, write_case):
    data = run_ingest(case_with_pnr(tmp_path, write_case, persons=f"personnummer\n{PNR_K_1950}\n"))
    rows = {p["birth_date"]: p["sex"] for p in data.persons.to_dict("records")}
    assert rows[pd.Timestamp("1950-01-18")] == "K"


def test_century_of_ten_digit_numbers_follows_the_period_end(tmp_path, write_case):
    """With '-', the person turns 0-99 in the year of period_end: 080101 is 2008 in 2025."""
    persons = f"personnummer,birth_date,sex\n{ten(PNR_K_2008)},,\n"
    data = run_ingest(case_with_pnr(tmp_path, write_case, persons=persons))
    assert pd.Timestamp("2008-01-01") in set(data.persons["birth_date"])


def test_persons_row_contradicting_personnummer_is_a_finding_and_pnr_wins(tmp_path, write_case):
    persons = (
        "personnummer,birth_date,sex\n"
        f"{ten(PNR_M_1941)},1941-01-01,K\n"  # sex contradicts
        f"{PNR_K_1932},1933-01-02,K\n"  # birth date contradicts
        f"{PNR_K_1950},1950-01-18,K\n"  # agrees
        f"{PNR_M_1988},,\n"  # nothing given
    )
    data = run_ingest(case_with_pnr(tmp_path, write_case, persons=persons))
    assert finding_count(data, "persons_contradict_personnummer", "persons") == 2
    by_birth = {p["birth_date"]: p["sex"] for p in data.persons.to_dict("records")}
    assert by_birth[pd.Timestamp("1941-01-01")] == "M"
    assert by_birth[pd.Timestamp("1932-01-02")] == "K"
    assert pd.Timestamp("1933-01-02") not in by_birth
    assert by_birth[pd.Timestamp("1988-01-01")] == "M"


def test_duplicate_persons_first_wins_with_a_finding(tmp_path, write_case):
    persons = "person_id,birth_date,sex\np1,1941-01-01,M\np2,1950-06-01,K\np1,1942-02-02,K\n"
    data = run_ingest(write_case(tmp_path, persons=persons))
    assert len(data.persons) == 2
    assert person_of(data, "p1")["birth_date"] == pd.Timestamp("1941-01-01")
    assert person_of(data, "p1")["sex"] == "M"
    assert finding_count(data, "duplicate_person_id", "persons") == 1


def test_duplicate_persons_in_two_personnummer_formats(tmp_path, write_case):
    persons = f"personnummer,birth_date,sex\n{ten(PNR_M_1941)},,\n{PNR_M_1941},,\n{PNR_K_1932},,\n"
    data = run_ingest(case_with_pnr(tmp_path, write_case, persons=persons))
    assert len(data.persons) == 2
    assert finding_count(data, "duplicate_person_id", "persons") == 1


def test_invalid_personnummer_is_kept_with_a_finding_and_unknown_demographics(tmp_path, write_case):
    persons = f"personnummer,birth_date,sex\n{ten(PNR_BAD_CHECK)},,\n{ten(PNR_M_1941)},,\n"
    visits = (
        "personnummer,service_code,date,minutes,provider_id\n"
        f"{ten(PNR_BAD_CHECK)},hemtjanst,2025-01-02,30,P1\n"
        f"{PNR_BAD_CHECK[:5]},hemtjanst,2025-01-03,30,P1\n"  # wrong length
        f"{ten(PNR_M_1941)},hemtjanst,2025-01-04,30,P1\n"
    )
    data = run_ingest(case_with_pnr(tmp_path, write_case, persons=persons, visits=visits))
    assert len(data.visits) == 3
    assert data.visits["person_id"].notna().all()
    assert data.visits["person_id"].nunique() == 3
    assert finding_count(data, "personnummer_invalid_check_digit", "persons") == 1
    assert finding_count(data, "personnummer_invalid_check_digit", "visits") == 1
    assert finding_count(data, "personnummer_invalid_format", "visits") == 1
    bad_id = data.visits["person_id"].iloc[0]
    bad = person_of(data, bad_id)
    assert pd.isna(bad["birth_date"]) and pd.isna(bad["sex"])
    assert bad["in_persons"]
    short = person_of(data, data.visits["person_id"].iloc[1])
    assert pd.isna(short["birth_date"]) and pd.isna(short["sex"])
    assert finding_count(data, "birth_date_unknown", "persons") == 2
    assert finding_count(data, "sex_unknown", "persons") == 2
    for finding in data.findings.rows:
        assert_no_pnr(str(finding))


def test_invalid_personnummer_pseudonym_is_stable_across_formats(tmp_path, write_case):
    persons = f"personnummer,birth_date,sex\n{ten(PNR_BAD_CHECK)},,\n"
    visits = f"personnummer,service_code,date,minutes,provider_id\n{PNR_BAD_CHECK[2:]},hemtjanst,2025-01-02,30,P1\n"
    data = run_ingest(case_with_pnr(tmp_path, write_case, persons=persons, visits=visits))
    assert data.visits["person_id"].iloc[0] in set(data.persons["person_id"])


def test_given_person_id_passes_through_unchanged(tmp_path, write_case):
    persons = "person_id,birth_date,sex\nx-123,1941-01-01,M\nAB_7,,\n"
    visits = VISITS_HEADER + "x-123,hemtjanst,2025-01-01,30,P1\nAB_7,hemtjanst,2025-01-02,30,P1\n"
    data = run_ingest(write_case(tmp_path, persons=persons, visits=visits))
    assert data.persons["person_id"].tolist() == ["x-123", "AB_7"]
    assert data.visits["person_id"].tolist() == ["x-123", "AB_7"]
    assert person_of(data, "x-123")["birth_date"] == pd.Timestamp("1941-01-01")
    assert pd.isna(person_of(data, "AB_7")["birth_date"])


def test_mixed_person_id_and_personnummer_rows(tmp_path, write_case):
    persons = f"person_id,personnummer,birth_date,sex\np9,,1950-01-01,K\n,{PNR_M_1941},,\n"
    visits = (
        "person_id,personnummer,service_code,date,minutes,provider_id\n"
        f"p9,,hemtjanst,2025-01-01,30,P1\n,{ten(PNR_M_1941)},hemtjanst,2025-01-02,30,P1\n"
    )
    data = run_ingest(write_case(tmp_path, persons=persons, visits=visits))
    assert len(data.persons) == 2
    assert set(data.visits["person_id"]) == set(data.persons["person_id"])
    assert person_of(data, "p9")["sex"] == "K"


def test_person_only_in_visits_gets_demographics_from_that_personnummer(tmp_path, write_case):
    visits = (
        "personnummer,service_code,date,minutes,provider_id\n"
        f"{ten(PNR_M_1941)},hemtjanst,2025-01-02,30,P1\n{PNR_K_1932},hemtjanst,2025-01-03,30,P1\n"
    )
    data = run_ingest(case_with_pnr(tmp_path, write_case, visits=visits))
    only_visits = data.visits["person_id"].iloc[1]
    person = person_of(data, only_visits)
    assert person["birth_date"] == pd.Timestamp("1932-01-02")
    assert person["sex"] == "K"
    assert not person["in_persons"]
    assert finding_count(data, "person_not_in_persons", "visits") == 1


def test_person_only_in_decisions_and_stays_gets_demographics(tmp_path, write_case):
    path = case_with_pnr(
        tmp_path,
        write_case,
        decisions=f"decision_id,personnummer,service_code,start_date\nD1,{PNR_K_1950},hemtjanst,2025-01-01\n",
        stays=f"stay_id,personnummer,service_code,start_date,provider_id\nS1,{PNR_K_2008},hvb,2025-02-01,P1\n",
    )
    data = run_ingest(path)
    assert person_of(data, data.decisions["person_id"].iloc[0])["birth_date"] == pd.Timestamp("1950-01-18")
    assert person_of(data, data.stays["person_id"].iloc[0])["sex"] == "K"
    assert len(data.persons) == 3


def test_person_id_only_input_needs_no_key(tmp_path, write_case):
    data = run_ingest(write_case(tmp_path, config={"pseudonymisation": None}))
    assert data.persons["person_id"].tolist() == ["p1"]


def test_person_id_only_input_needs_no_key_even_when_its_source_is_unset(tmp_path, write_case, monkeypatch):
    monkeypatch.delenv("KPBKIT_TEST_KEY_UNSET", raising=False)
    config = {"pseudonymisation": {"key_env": "KPBKIT_TEST_KEY_UNSET", "key_file": "absent.key"}}
    data = run_ingest(write_case(tmp_path, config=config))
    assert data.persons["person_id"].tolist() == ["p1"]


def test_personnummer_without_a_configured_key_is_a_config_error(tmp_path, write_case):
    path = case_with_pnr(tmp_path, write_case)
    path.write_text(path.read_text().replace("pseudonymisation:\n  key_file: kpbkit.key\n", ""))
    with pytest.raises(ConfigError) as info:
        run_ingest(path)
    assert info.value.key == "pseudonymisation"
    assert_no_pnr(str(info.value))


def test_pseudonyms_are_keyed_and_deterministic(tmp_path, write_case, monkeypatch):
    env = "KPBKIT_TEST_KEY_INGEST"
    path = case_with_pnr(tmp_path, write_case, config={"pseudonymisation": {"key_env": env, "key_file": None}})
    monkeypatch.setenv(env, "first-key-0123456789abcdef")
    first = run_ingest(path).persons["person_id"].tolist()
    assert run_ingest(path).persons["person_id"].tolist() == first
    monkeypatch.setenv(env, "second-key-0123456789abcdef")
    assert run_ingest(path).persons["person_id"].tolist() != first


def test_ingest_does_not_modify_the_input_files(tmp_path, write_case):
    path = case_with_pnr(tmp_path, write_case)
    before = {p.name: p.read_bytes() for p in (tmp_path / "input").iterdir()}
    run_ingest(path)
    assert {p.name: p.read_bytes() for p in (tmp_path / "input").iterdir()} == before


def test_dates_are_dates_and_open_ends_are_missing(tmp_path, write_case):
    stays = "stay_id,person_id,service_code,start_date,end_date,provider_id,daily_price\nS1,p1,hvb,2025-01-01,,P1,\n"
    data = run_ingest(write_case(tmp_path, stays=stays))
    assert data.stays["start_date"].iloc[0] == pd.Timestamp(dt.date(2025, 1, 1))
    assert pd.isna(data.stays["end_date"].iloc[0])
    assert pd.isna(data.stays["daily_price"].iloc[0])


def test_row_numbers_after_blank_lines_for_errors_found_after_reading(tmp_path, write_case):
    """Ingest's own checks (here a ledger row without date) count blank lines too."""
    ledger = "date,period,account,amount\n\n2025-03-15,,5010,100\n\n\n,,5010,7\n"
    err = input_error(write_case(tmp_path, ledger=ledger))
    assert err.row == 6
    assert err.column == "date"


def test_row_numbers_in_a_parquet_file_start_at_one(tmp_path, write_case):
    path = write_case(tmp_path, visits=None)
    frame = pd.DataFrame(
        {"person_id": ["p1", "p1"], "service_code": ["hemtjanst"] * 2, "date": ["2025-01-01", "2025-01-99"],
         "minutes": [30.0, 30.0]}
    )
    frame.to_parquet(tmp_path / "input" / "visits.parquet", index=False)
    err = input_error(path)
    assert err.file.endswith("visits.parquet")
    assert (err.row, err.column) == (2, "date")


def test_semicolon_separated_file_gets_a_hint(tmp_path, write_case):
    err = input_error(write_case(tmp_path, providers="provider_id;name;regi\nP1;X;egen\n"))
    assert "semicolon" in str(err)


FORMATS = {
    "12": lambda p: p,
    "12-": lambda p: f"{p[:8]}-{p[8:]}",
    "10-": lambda p: ten(p),
    "10": lambda p: p[2:],
    "spaces": lambda p: f"  {ten(p)} ",
}


@pytest.mark.parametrize("visits_form", sorted(FORMATS))
@pytest.mark.parametrize("persons_form", sorted(FORMATS))
def test_every_pair_of_formats_gives_one_person(tmp_path, write_case, persons_form, visits_form):
    persons = f"personnummer\n{FORMATS[persons_form](PNR_M_1988)}\n{FORMATS[persons_form](PNR_K_2008)}\n"
    visits = (
        "personnummer,service_code,date,minutes,provider_id\n"
        f"{FORMATS[visits_form](PNR_K_2008)},hemtjanst,2025-01-02,30,P1\n"
        f"{FORMATS[visits_form](PNR_M_1988)},hemtjanst,2025-01-03,30,P1\n"
    )
    data = run_ingest(write_case(tmp_path, persons=persons, visits=visits))
    assert len(data.persons) == 2
    assert data.persons["in_persons"].all()
    born = dict(zip(data.persons["person_id"], data.persons["birth_date"], strict=True))
    assert [born[p] for p in data.visits["person_id"]] == [pd.Timestamp("2008-01-01"), pd.Timestamp("1988-01-01")]
    assert finding_count(data, "person_not_in_persons") == 0


@pytest.mark.parametrize("form", ["200101+1564", "192001011564", "19200101-1564"])
def test_plus_separator_means_a_hundred_years_or_more(tmp_path, write_case, form):
    persons = "personnummer\n192001011564\n"
    visits = f"personnummer,service_code,date,minutes,provider_id\n{form},hemtjanst,2025-01-02,30,P1\n"
    data = run_ingest(write_case(tmp_path, persons=persons, visits=visits))
    assert len(data.persons) == 1
    assert person_of(data, data.visits["person_id"].iloc[0])["birth_date"] == pd.Timestamp("1920-01-01")


def test_configured_open_end_dates_reach_the_canonical_reader(write_case, tmp_path) -> None:
    stays = "stay_id,person_id,service_code,start_date,end_date\nS1,p1,gruppbostad,2024-06-01,2099-12-31\n"
    listed = {"input": {"open_end_dates": ["2099-12-31"]}}
    configured = run_ingest(write_case(tmp_path / "a", stays=stays, config=listed))
    assert configured.stays["end_date"].isna().all()
    plain = run_ingest(write_case(tmp_path / "b", stays=stays))
    assert plain.stays["end_date"].tolist() == [pd.Timestamp("2099-12-31")]
