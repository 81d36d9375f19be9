"""Issue 15, item 4: a source shape's values are read once per distinct value, with the same results and errors.

Dates, numbers, durations and codes are parsed on a column's distinct values and spread back to the rows;
a bad value is still reported at the first row that holds it, with the count of rows (not of values), and
a Windows-1252 file with CRLF line ends reads like its UTF-8 twin.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpbkit.canonical import SCHEMAS
from kpbkit.errors import InputError
from kpbkit.io.presets import load_preset
from kpbkit.io.sources import SourceSpec, read_source

HEADER = "Brukar-ID;Insats;Datum;Tid;Utförare"
SPEC = SourceSpec("visits", load_preset("swedish"), columns={"person_id": "Brukar-ID"},
                  codes={"service_code": {"HTJ": "hemtjanst", "PASS-SFB": "pa_sfb"},
                         "provider_id": {"Hemtjänsten Öster": "P003"}})


def visits(tmp_path: Path, rows: list[str], *, encoding: str = "cp1252", newline: str = "\r\n") -> pd.DataFrame:
    path = tmp_path / "utford_tid.csv"
    path.write_bytes(newline.join([HEADER, *rows, ""]).encode(encoding))
    return read_source(SPEC, path, SCHEMAS["visits"])


def error_of(tmp_path: Path, rows: list[str]) -> InputError:
    with pytest.raises(InputError) as info:
        visits(tmp_path, rows)
    return info.value


def test_each_row_gets_its_own_values_back(tmp_path) -> None:
    table = visits(tmp_path, [
        "p1;HTJ;2025-03-01;1:30;Hemtjänsten Öster",
        "p2;pass-sfb;20250302;45;P009",
        "p1; HTJ ;1/3/2025;0:05;Hemtjänsten Öster",
        "p3;HTJ;2025-03-01;1:30;",
        "p2;Okänd;2025-03-02 00:00:00;12,5;P009",
    ])
    assert table["person_id"].tolist() == ["p1", "p2", "p1", "p3", "p2"]
    # Exact first, then case-insensitive; a code no list maps is kept as written.
    assert table["service_code"].tolist() == ["hemtjanst", "pa_sfb", "hemtjanst", "hemtjanst", "Okänd"]
    assert table["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-03-01", "2025-03-02", "2025-03-01", "2025-03-01", "2025-03-02"]
    assert table["minutes"].tolist() == [90.0, 45.0, 5.0, 90.0, 12.5]
    assert table["provider_id"].tolist()[:3] == ["P003", "P009", "P003"]
    assert pd.isna(table["provider_id"].iloc[3])
    assert table["source_row"].tolist() == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_cp1252_with_crlf_or_cr_reads_like_utf8_with_lf(tmp_path, newline: str) -> None:
    rows = ["p1;HTJ;2025-03-01;1:30;Hemtjänsten Öster", "p2;HTJ;2025-03-04;0:45;Hemtjänsten Öster"]
    windows = visits(tmp_path, rows, newline=newline)
    plain = visits(tmp_path, rows, encoding="utf-8", newline="\n")
    pd.testing.assert_frame_equal(windows, plain)
    assert windows["provider_id"].tolist() == ["P003", "P003"]
    assert windows["source_row"].tolist() == [2, 3]


def test_a_bad_date_is_named_at_its_first_row_and_counted_over_all_rows(tmp_path) -> None:
    error = error_of(tmp_path, [
        "p1;HTJ;2025-03-01;30;P001",
        "p2;HTJ;2025-02-30;30;P001",
        "p3;HTJ;2025-03-01;30;P001",
        "p4;HTJ;2025-02-30;30;P001",
        "p5;HTJ;31/02/2025;30;P001",
    ])
    assert error.row == 3 and error.column == "Datum"
    assert "'2025-02-30' is not a date (3 row(s) in all)" in error.what


def test_a_bad_duration_is_named_at_its_first_row_and_counted_over_all_rows(tmp_path) -> None:
    error = error_of(tmp_path, [
        "p1;HTJ;2025-03-01;1:30;P001",
        "p2;HTJ;2025-03-01;en timme;P001",
        "p3;HTJ;2025-03-01;1:30;P001",
        "p4;HTJ;2025-03-01;en timme;P001",
    ])
    assert error.row == 3 and error.column == "Tid"
    assert "'en timme' is not a number (2 row(s) in all)" in error.what


def test_a_far_future_visit_date_names_the_first_row(tmp_path) -> None:
    error = error_of(tmp_path, [
        "p1;HTJ;2025-03-01;30;P001",
        "p2;HTJ;2025-03-01;30;P001",
        "p3;HTJ;99991231;30;P001",
        "p4;HTJ;9999-12-31;30;P001",
    ])
    assert error.row == 4 and error.column == "Datum"
    assert "is a far-future date" in error.what and "(2 row(s) in all)" in error.what


def test_an_ambiguous_number_is_named_at_its_first_row(tmp_path) -> None:
    # One mark and three digits, and the column shows no decimal mark: 1,500 could be 1.5 or 1500.
    error = error_of(tmp_path, [
        "p1;HTJ;2025-03-01;30;P001",
        "p2;HTJ;2025-03-01;1,500;P001",
        "p3;HTJ;2025-03-01;1,500;P001",
    ])
    assert error.row == 3 and error.column == "Tid"
    assert "is ambiguous" in error.what and "(2 row(s) in all)" in error.what
