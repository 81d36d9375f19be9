"""Issue 12, item 1: the readers never merge, drop or reinterpret rows silently.

Quoting and line ends, one number format per column, duplicate headers, which workbook sheet is read, chart
sheets and encrypted workbooks, trailing separators, open-ended and far-future dates, paths too long.
Each rule is tested on the source-shape reader (:mod:`kpbkit.io.sources`) and, where it applies, on the
canonical one (:mod:`kpbkit.io.readers`).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from pathlib import Path

import pandas as pd
import pytest

from kpbkit.canonical import SCHEMAS
from kpbkit.errors import InputError
from kpbkit.io.excel import cell_text, read_excel_text
from kpbkit.io.presets import load_preset
from kpbkit.io.readers import read_raw, read_table
from kpbkit.io.sources import SourceSpec, read_source, read_source_text
from kpbkit.io.swedish import AMBIGUOUS, SCIENTIFIC, TOO_MANY_DIGITS, read_numbers

LEDGER = "Datum;Konto;Ansvar;Verksamhet;Belopp;Text"


def write(tmp_path: Path, name: str, text: str, *, encoding: str = "cp1252") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def ledger(spec_path: Path, **spec) -> pd.DataFrame:
    return read_source(SourceSpec("ledger", load_preset("swedish"), **spec), spec_path, SCHEMAS["ledger"])


def error_of(call, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value


# --- quoting and line ends ---------------------------------------------------------------------------------------


def test_a_stray_quote_that_would_merge_rows_names_both_lines(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "\n".join([
        LEDGER, '2025-03-31;4010;1;5110;100;"Faktura 17', "2025-04-30;4010;1;5110;200;Avgift",
        '2025-05-31;4010;1;5110;300;Hyra "maj"', "2025-06-30;4010;1;5110;400;Juni"]) + "\n")
    error = error_of(read_source_text, path)
    assert error.row == 2 and error.file == str(path)
    assert "a quote opened on line 2 is closed on line 4: rows 2-4 would merge" in error.what
    assert "stray double quote" in error.fix


def test_a_quote_never_closed_and_a_line_break_inside_a_value_stop(tmp_path) -> None:
    never = write(tmp_path, "a.csv", f'{LEDGER}\n2025-03-31;4010;1;5110;100;ok\n2025-04-30;4010;1;5110;200;"Avg\n')
    assert "a quote opened on line 3 is never closed" in error_of(read_source_text, never).what
    multi = write(tmp_path, "b.csv", f'{LEDGER}\n2025-03-31;4010;1;5110;100;"Rad 1\nRad 2"\n')
    assert "rows 2-3 would merge" in error_of(read_source_text, multi).what


def test_an_unpaired_quote_inside_a_value_is_named_as_such(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", f'{LEDGER}\n2025-03-31;4010;1;5110;100;Faktura "17\n'
                                           "2025-04-30;4010;1;5110;200;Avgift\n")
    error = error_of(read_source_text, path)
    assert error.row == 2 and 'line 2 holds an unpaired double quote (") inside a value' in error.what


def test_a_quote_that_swallows_separators_on_one_line_stops(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", f'{LEDGER}\n2025-03-31;"4010;1";5110;100;x\n')
    error = error_of(read_source_text, path)
    assert error.row == 2 and "swallowed separators" in error.what


def test_well_quoted_values_read_as_written(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv",
                 f'{LEDGER}\n2025-03-31;4010;1;5110;100;"a;b"\n2025-04-30;4010;1;5110;200;"sa ""hej"""\n\n  \n')
    frame = read_source_text(path)
    assert frame["Text"].tolist() == ["a;b", 'sa "hej"']
    assert frame.index.tolist() == [2, 3]


def test_the_canonical_reader_stops_on_a_stray_quote(tmp_path) -> None:
    path = write(tmp_path, "ledger.csv", 'date,amount,text\n2025-01-01,1,"x\n2025-01-02,2,y\n2025-01-03,3,"z"\n',
                 encoding="utf-8")
    error = error_of(read_raw, path)
    assert error.row == 2 and "rows 2-4 would merge" in error.what


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_lf_crlf_and_lone_cr_read_alike(tmp_path, end: str) -> None:
    lines = ["Datum;Konto;Ansvar;Verksamhet;Belopp", "2025-03-31;4010;1;5110;1 234,50", "2025-04-30;3510;1;5110;-7"]
    path = write(tmp_path, "huvudbok.csv", end.join(lines) + end)
    table = ledger(path)
    assert table["amount"].tolist() == [1234.5, -7.0]
    assert table["source_row"].tolist() == [2, 3]
    canonical = write(tmp_path, "ledger.csv", end.join(["date,amount", "2025-03-31,1234.5", "2025-04-30,-7"]) + end,
                      encoding="utf-8")
    assert read_table(canonical, SCHEMAS["ledger"])["amount"].tolist() == [1234.5, -7.0]


# --- numbers: one format per column ------------------------------------------------------------------------------


def numbers(*values: str):
    return read_numbers(pd.Series(list(values), dtype="string"))


def test_the_observed_column_reads_dot_thousands_everywhere() -> None:
    read = numbers("1.234.567,89", "-12.345", "88.000", "12,345")
    assert read.decimal == ","
    assert read.values.tolist() == [1234567.89, -12345.0, 88000.0, 12.345]


def test_a_point_decimal_column_reads_the_same_text_the_other_way() -> None:
    read = numbers("0.5", "12.345", "1,234")
    assert read.decimal == "." and read.values.tolist() == [0.5, 12.345, 1234.0]


@pytest.mark.parametrize("values", [("12.345",), ("1 000", "-12.345"), ("12,5", "7.25", "1,234")])
def test_a_value_the_column_cannot_settle_is_ambiguous(values) -> None:
    read = numbers(*values)
    assert read.problem.iloc[-1] == AMBIGUOUS and math.isnan(read.values.iloc[-1])


@pytest.mark.parametrize(("text", "problem"), [
    ("1,23457E+06", SCIENTIFIC), ("1.5e3", SCIENTIFIC), ("1234567890123456,5", TOO_MANY_DIGITS),
    ("12345678901234567", TOO_MANY_DIGITS),
])
def test_scientific_notation_and_digits_that_do_not_fit(text: str, problem: str) -> None:
    assert numbers(text, "12").problem.iloc[0] == problem


def test_values_that_tell_their_own_mark() -> None:
    read = numbers("1 234,567", "0,125", "1234.567", "−1 234 kr", "+5", "0.100000000000000000000")
    assert read.values.tolist() == [1234.567, 0.125, 1234.567, -1234.0, 5.0, 0.1]
    assert (read.problem == "").all()


def test_an_ambiguous_amount_names_file_row_and_column(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "Datum;Konto;Ansvar;Verksamhet;Belopp\n2025-03-31;4010;1;5110;1 000\n"
                 "2025-04-30;3510;1;5110;-12.345\n")
    error = error_of(ledger, path)
    assert (error.row, error.column) == (3, "Belopp") and "'-12.345' is ambiguous" in error.what


def test_a_scientific_amount_stops_both_readers(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "Datum;Konto;Ansvar;Verksamhet;Belopp\n2025-03-31;4010;1;5110;1,23457E+06\n")
    error = error_of(ledger, path)
    assert (error.row, error.column) == (2, "Belopp") and "scientific notation" in error.what
    canonical = write(tmp_path, "ledger.csv", "date,amount\n2025-03-31,10\n2025-03-31,1.23457E+06\n", encoding="utf-8")
    error = error_of(read_table, canonical, SCHEMAS["ledger"])
    assert (error.row, error.column) == (3, "amount") and "scientific notation" in error.what


def test_canonical_digits_that_a_float_holds_pass_and_others_stop(tmp_path) -> None:
    fits = write(tmp_path, "ledger.csv", "date,amount\n2025-03-31,0.30000000000000004\n", encoding="utf-8")
    assert read_table(fits, SCHEMAS["ledger"])["amount"].tolist() == [0.30000000000000004]
    unfit = write(tmp_path, "ledger2.csv", "date,amount\n2025-03-31,12345678901234567.5\n", encoding="utf-8")
    assert "significant digits" in error_of(read_table, unfit, SCHEMAS["ledger"]).what


def test_excel_numbers_are_written_as_excel_shows_them() -> None:
    assert cell_text(12.345) == "12.3450"  # never mistaken for a dot thousands separator
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(1e-05) == "0.00001"
    assert cell_text(1234567.89) == "1234567.89"
    assert cell_text(194101012393.0) == "194101012393"


# --- duplicate headers -------------------------------------------------------------------------------------------


def test_two_columns_with_one_header_stop_naming_both(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "Datum;Belopp;Konto;Belopp\n2025-03-31;1;4010;2\n")
    error = error_of(ledger, path)
    assert error.column == "Belopp" and "(field 2 and field 4)" in error.what
    canonical = write(tmp_path, "ledger.csv", "date,amount,amount\n2025-03-31,1,2\n", encoding="utf-8")
    assert "two columns are headed 'amount'" in error_of(read_raw, canonical).what


def test_headers_alike_but_for_case_and_spaces_stop(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "Datum;Belopp;belopp \n2025-03-31;1;2\n")
    assert "duplicate header" in error_of(ledger, path).what


def test_two_names_of_one_column_stop_unless_the_config_names_one(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "Datum;Konto;Belopp;Utfall\n2025-03-31;4010;1 000;900\n")
    error = error_of(ledger, path)
    assert "two columns mean amount: 'Belopp' (field 3) and 'Utfall' (field 4)" in error.what
    assert "input.tables.ledger.columns.amount" in error.fix
    assert ledger(path, columns={"amount": "Utfall"})["amount"].tolist() == [900.0]


def test_a_workbook_with_two_headers_alike_names_their_columns(tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Datum", "Belopp", "Konto", "Belopp"])
    book.active.append([dt.datetime(2025, 3, 31), 1, "4010", 2])
    book.save(tmp_path / "huvudbok.xlsx")
    error = error_of(ledger, tmp_path / "huvudbok.xlsx")
    assert "(column B and column D)" in error.what


# --- workbooks: which sheet ---------------------------------------------------------------------------------------


def _book(tmp_path: Path, *, chart_first: bool = False, hide_data: bool = False) -> Path:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    budget = book.active
    budget.title = "Budget"
    budget.append(["Belopp"])
    budget.append([999])
    budget.sheet_state = "hidden"
    secret = book.create_sheet("Hemlig")
    secret.append(["Belopp"])
    secret.sheet_state = "veryHidden"
    data = book.create_sheet("Utfall")
    data.append(["Belopp"])
    data.append([1])
    if hide_data:
        data.sheet_state = "hidden"
    if chart_first:
        chart = BarChart()
        chart.add_data(Reference(data, min_col=1, min_row=1, max_row=2), titles_from_data=True)
        book.create_chartsheet("Diagram", 0).add_chart(chart)
    path = tmp_path / "bok.xlsx"
    book.save(path)
    return path


def test_the_first_visible_worksheet_is_read_and_logged(tmp_path, caplog) -> None:
    path = _book(tmp_path, chart_first=True)
    with caplog.at_level(logging.INFO, logger="kpbkit"):
        frame = read_excel_text(path)
    assert frame["Belopp"].tolist() == ["1"]
    assert "read sheet 'Utfall', the first visible worksheet (passed over: Diagram, Budget, Hemlig)" in caplog.text


def test_a_named_sheet_is_read_even_when_hidden_and_a_named_chart_stops(tmp_path, caplog) -> None:
    path = _book(tmp_path, chart_first=True)
    with caplog.at_level(logging.INFO, logger="kpbkit"):
        assert read_excel_text(path, sheet="Budget")["Belopp"].tolist() == ["999"]
    assert "read sheet 'Budget' (named in the config)" in caplog.text
    assert "sheet 'Diagram' is a chart sheet" in error_of(read_excel_text, path, sheet="Diagram").what


def test_a_workbook_without_a_visible_worksheet_stops(tmp_path) -> None:
    path = _book(tmp_path, chart_first=True, hide_data=True)
    what = error_of(read_excel_text, path).what
    assert "no visible worksheet (chart sheets: Diagram)" in what and "Utfall" in what


def test_an_encrypted_workbook_has_its_own_message(tmp_path) -> None:
    path = tmp_path / "bok.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"))
    error = error_of(read_excel_text, path)
    assert "password-protected" in error.what and "Encrypt with Password" in error.fix
    old_xls = tmp_path / "old.xlsx"
    old_xls.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600)
    assert "an old Excel workbook, .xls, under an .xlsx name" in error_of(read_excel_text, old_xls).what


# --- trailing separators -----------------------------------------------------------------------------------------


def test_a_trailing_separator_on_every_row_is_dropped(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "Datum;Konto;Belopp\n2025-03-31;4010;1;\n2025-04-30;4010;2;\n")
    frame = read_source_text(path)
    assert list(frame.columns) == ["Datum", "Konto", "Belopp"] and frame["Belopp"].tolist() == ["1", "2"]
    canonical = write(tmp_path, "ledger.csv", "date,amount\n2025-03-31,1,\n2025-04-30,2,\n", encoding="utf-8")
    assert read_table(canonical, SCHEMAS["ledger"])["amount"].tolist() == [1.0, 2.0]


def test_a_trailing_separator_on_some_rows_is_named(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "Datum;Konto;Belopp\n2025-03-31;4010;1\n2025-04-30;4010;2;\n")
    error = error_of(read_source_text, path)
    assert error.row == 3 and "row 3 has a trailing separator: one more field than the header" in error.what


def test_a_row_wider_with_a_value_in_the_extra_field_stops(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "Datum;Konto;Belopp\n2025-03-31;4010;1;X\n2025-04-30;4010;2;\n")
    error = error_of(read_source_text, path)
    assert error.row == 2 and "more fields than the header" in error.what


def test_a_short_row_without_quotes_keeps_its_empty_fields(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "Datum;Konto;Belopp;Text\n2025-03-31;4010;1\n")
    assert read_source_text(path).loc[2, "Text"] == ""


# --- open-ended and far-future dates -----------------------------------------------------------------------------


STAYS = "Vistelse-id;Personnr;Insats;Från;Till\n"


def stays(path: Path, **spec) -> pd.DataFrame:
    return read_source(SourceSpec("stays", load_preset("swedish"), **spec), path, SCHEMAS["stays"])


@pytest.mark.parametrize("end", ["9999-12-31", "99991231", "31/12/9999", "9999-12-31 00:00:00"])
def test_9999_12_31_ends_are_open(tmp_path, end: str) -> None:
    path = write(tmp_path, "vistelser.csv", f"{STAYS}V1;x;gruppbostad;2024-06-01;{end}\n")
    assert stays(path)["end_date"].isna().all()


def test_configured_open_end_dates_are_open_and_others_are_dates(tmp_path) -> None:
    path = write(tmp_path, "vistelser.csv", f"{STAYS}V1;x;gruppbostad;2024-06-01;2099-12-31\n")
    assert stays(path, open_end_dates=("2099-12-31",))["end_date"].isna().all()
    assert stays(path)["end_date"].tolist() == [pd.Timestamp("2099-12-31")]


def test_far_future_starts_and_unholdable_ends_name_file_row_and_column(tmp_path) -> None:
    start = write(tmp_path, "vistelser.csv", f"{STAYS}V1;x;gruppbostad;2024-06-01;\nV2;x;gruppbostad;9999-12-31;\n")
    error = error_of(stays, start)
    assert (error.row, error.column) == (3, "Från") and "is a far-future date" in error.what
    end = write(tmp_path, "vistelser2.csv", f"{STAYS}V1;x;gruppbostad;2024-06-01;3000-01-01\n")
    error = error_of(stays, end)
    assert (error.row, error.column) == (2, "Till") and "outside the years 1678-2261" in error.what
    early = write(tmp_path, "vistelser3.csv", f"{STAYS}V1;x;gruppbostad;0001-01-01;\n")
    assert "before 1678" in error_of(stays, early).what


def test_canonical_open_and_far_dates(tmp_path) -> None:
    header = "stay_id,personnummer,service_code,start_date,end_date\n"
    path = write(tmp_path, "stays.csv", f"{header}V1,x,gruppbostad,2024-06-01,9999-12-31\n", encoding="utf-8")
    assert read_table(path, SCHEMAS["stays"])["end_date"].isna().all()
    far = write(tmp_path, "stays2.csv", f"{header}V1,x,gruppbostad,2150-06-01,\n", encoding="utf-8")
    error = error_of(read_table, far, SCHEMAS["stays"])
    assert (error.row, error.column) == (2, "start_date") and "far-future" in error.what


def test_canonical_configured_open_end_dates_are_open(tmp_path) -> None:
    header = "stay_id,personnummer,service_code,start_date,end_date\n"
    path = write(tmp_path, "stays.csv", f"{header}V1,x,gruppbostad,2024-06-01,2099-12-31\n", encoding="utf-8")
    assert read_table(path, SCHEMAS["stays"], open_ends=("2099-12-31",))["end_date"].isna().all()
    assert read_table(path, SCHEMAS["stays"])["end_date"].tolist() == [pd.Timestamp("2099-12-31")]


def test_an_excel_end_date_of_9999_12_31_is_open(tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Vistelse-id", "Personnr", "Insats", "Från", "Till"])
    book.active.append(["V1", "x", "gruppbostad", dt.datetime(2024, 6, 1), dt.datetime(9999, 12, 31)])
    book.save(tmp_path / "vistelser.xlsx")
    assert stays(tmp_path / "vistelser.xlsx")["end_date"].isna().all()


# --- paths -------------------------------------------------------------------------------------------------------


def test_a_file_name_too_long_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / ("h" * 300 + ".csv")
    error = error_of(read_source_text, path)
    assert "too long for the file system" in error.what and "longest name 304 bytes" in error.what
    assert "too long" in error_of(read_raw, path).what


def test_a_path_too_long_stops_the_cli_with_one_line(tmp_path) -> None:
    from click.testing import CliRunner

    from kpbkit.cli import main

    result = CliRunner().invoke(main, ["validate", str(tmp_path / "/".join(["d" * 250] * 20) / "client.yaml")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "the path is too long for the file system" in result.output and "How to fix" in result.output


# --- clean files read as before ----------------------------------------------------------------------------------


def test_clean_swedish_files_read_unchanged(tmp_path) -> None:
    path = write(tmp_path, "huvudbok.csv", "Datum;Konto;Ansvar;Verksamhet;Belopp;\r\n"
                 "2025-03-31;4010;41110;5110;1 234 567,89;\r\n20250430;3510;41110;5110;\u221212 345;\r\n"
                 "2025-05-31;4010;43100;5740;250\u00a0000,5;\r\n", encoding="utf-8")
    table = ledger(path)
    assert table["amount"].tolist() == [1234567.89, -12345.0, 250000.5]
    assert table["date"].tolist() == [pd.Timestamp("2025-03-31"), pd.Timestamp("2025-04-30"),
                                       pd.Timestamp("2025-05-31")]
    assert table["source_row"].tolist() == [2, 3, 4]


def test_a_headerless_register_file_is_not_checked_as_if_its_first_row_were_a_header(tmp_path) -> None:
    # The first row's decision date equals its start date: as a header that would be two columns alike.
    path = write(tmp_path, "register_beslut.txt", "0000;B1;x;SOL_HT;20250101;20250101;;12,5;HTN;\r\n"
                 "0000;B2;y;SOL_HT;20250201;20250203;99991231;30;LOV1;\r\n")
    table = read_source(SourceSpec("decisions", load_preset("register")), path, SCHEMAS["decisions"])
    assert table["decision_id"].tolist() == ["B1", "B2"] and table["source_row"].tolist() == [1, 2]
    assert table["end_date"].isna().all()
    duplicate = write(tmp_path, "beslut.csv", "Beslutsnummer;Insats;Insats\nB1;SOL_HT;x\n")
    with pytest.raises(InputError, match="duplicate header"):
        read_source(SourceSpec("decisions", load_preset("register")), duplicate, SCHEMAS["decisions"])


def test_minutes_are_read_with_one_format_too(tmp_path) -> None:
    header = "Personnr;Insats;Datum;Minuter\n"
    path = write(tmp_path, "utford_tid.csv", f"{header}x;hemtjanst;2025-03-04;1:30\nx;hemtjanst;2025-03-05;1.500\n")
    error = error_of(read_source, SourceSpec("visits", load_preset("swedish")), path, SCHEMAS["visits"])
    assert (error.row, error.column) == (3, "Minuter") and "is ambiguous" in error.what
    path = write(tmp_path, "utford_tid.csv", f"{header}x;hemtjanst;2025-03-04;1:30\nx;hemtjanst;2025-03-05;37,5\n")
    table = read_source(SourceSpec("visits", load_preset("swedish")), path, SCHEMAS["visits"])
    assert table["minutes"].tolist() == [90.0, 37.5]
