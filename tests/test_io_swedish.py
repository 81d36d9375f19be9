"""Readers for Swedish exports: encodings, separators, numbers, dates, durations (KPB-METHOD §7)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpbkit.io.sources import read_source_text
from kpbkit.io.swedish import (
    detect_encoding,
    parse_date,
    parse_minutes,
    parse_number,
    sniff_separator,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,50", 1234.5), ("1\u00a0234\u00a0567", 1234567.0), ("1\u202f234", 1234.0), ("\u221212,5", -12.5),
        ("-0,75", -0.75), ("1234.5", 1234.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("12,5 kr", 12.5),
        ("+45", 45.0), ("0", 0.0), ("  7  ", 7.0),
    ],
)
def test_parse_number_reads_swedish_and_international_forms(text: str, expected: float) -> None:
    assert parse_number(pd.Series([text])).iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "abc", "12,5,3", "--4"])
def test_parse_number_gives_nan_for_what_it_cannot_read(text: str) -> None:
    assert math.isnan(parse_number(pd.Series([text])).iloc[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", "2025-03-01"), ("20250301", "2025-03-01"), ("2025-03-01 00:00:00", "2025-03-01"),
        ("1/3/2025", "2025-03-01"), ("01.03.2025", "2025-03-01"), ("45717", "2025-03-01"), ("45717.0", "2025-03-01"),
    ],
)
def test_parse_date_reads_iso_compact_day_first_and_excel_serials(text: str, expected: str) -> None:
    assert parse_date(pd.Series([text])).iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["", "2025-02-30", "31/31/2025", "next week"])
def test_parse_date_gives_nat_for_impossible_or_unknown_dates(text: str) -> None:
    assert pd.isna(parse_date(pd.Series([text])).iloc[0])


@pytest.mark.parametrize(("text", "expected"), [("1:30", 90.0), ("0:45", 45.0), ("12:00:30", 720.5), ("45", 45.0),
                                                ("37,5", 37.5)])
def test_parse_minutes_reads_clock_times_and_numbers(text: str, expected: float) -> None:
    assert parse_minutes(pd.Series([text])).iloc[0] == pytest.approx(expected)


def test_detect_encoding_and_separator() -> None:
    assert detect_encoding("Utförare;Belopp\n".encode("cp1252")) == "cp1252"
    assert detect_encoding("\ufeffUtförare;Belopp\n".encode()) == "utf-8-sig"
    assert detect_encoding(b"plain,ascii\n") == "utf-8-sig"
    assert sniff_separator("Personnr;Insats;Datum") == ";"
    assert sniff_separator("person_id,service_code,date") == ","
    assert sniff_separator('"Namn, förnamn";Belopp') == ";"


def test_source_text_handles_cp1252_semicolons_bom_and_trailing_empty_columns(tmp_path) -> None:
    path = tmp_path / "huvudbok.csv"
    path.write_bytes("Konto;Ansvar;Belopp;Förklaring;;\n4010;0456;-1 234,50;Lön;;\n".encode("cp1252"))
    frame = read_source_text(path)
    assert list(frame.columns) == ["Konto", "Ansvar", "Belopp", "Förklaring"]
    assert frame.loc[2, "Ansvar"] == "0456"  # leading zero kept; the first data row is row 2
    assert frame.loc[2, "Förklaring"] == "Lön"
    assert parse_number(frame["Belopp"]).iloc[0] == -1234.5
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffUtförare,Minuter\nÅsa Öberg,1:30\n".encode())
    frame = read_source_text(bom)
    assert list(frame.columns) == ["Utförare", "Minuter"] and frame.iloc[0, 0] == "Åsa Öberg"
