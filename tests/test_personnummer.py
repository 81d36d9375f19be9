"""Tests for kpbkit.personnummer.

Every identity number here is one of Skatteverket's official test personnummer, or is derived from one
by hand (as noted where it happens). Expected birth dates, sexes and check digits are worked out by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import numpy as np
import pandas as pd
import pytest
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from kpbkit import personnummer as pnr
from kpbkit.personnummer import parse_personnummer, pseudonymise

KEY = b"test-key-not-a-secret"
COLUMNS = ["normalized", "valid", "problem", "samordningsnummer", "birth_date", "sex"]

# Skatteverket test personnummer, spread over 1890-2024, for the property tests.
TEST_NUMBERS = [
    "189001019802",
    "189003209807",
    "189803099812",
    "189912319812",
    "190001019801",
    "190110179801",
    "190203189808",
    "190307289819",
    "190504209818",
    "190712299809",
    "190905299814",
    "192401019183",
    "192501019216",
    "195001182046",
    "195406112853",
    "197501079292",
    "197611082392",
    "198002292392",
    "198312152393",
    "199204182381",
    "199602292386",
    "199908302392",
    "200002292399",
    "200112132386",
    "200501082382",
    "201001012390",
    "201812222394",
    "202003022387",
    "202401012394",
    "202408192389",
]

# Samordningsnummer built by hand from test personnummer born in the 1890s: day + 60, Luhn digit recomputed
# over the ten digits with weights 2,1,2,1,... (digit sums of the products):
#   189001019802 -> 9 0 0 1 6 1 9 8 0 -> 9+0+0+1+3+1+9+8+0 = 31 -> check 9 -> 189001619809
#   189912319812 -> 9 9 1 2 9 1 9 8 1 -> 9+9+2+2+9+1+9+8+2 = 51 -> check 9 -> 189912919819
SAMORDNING_1890 = "189001619809"
SAMORDNING_1899 = "189912919819"


def parse_one(value: object, reference_year: int = 2025) -> pd.Series:
    return parse_personnummer(pd.Series([value], dtype=object), reference_year=reference_year).iloc[0]


def expected_pseudonym(value: str, key: bytes = KEY) -> str:
    return "p" + hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


# --------------------------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    "written",
    [
        "192501019216",
        "19250101-9216",
        "19250101+9216",
        "250101-9216",
        "2501019216",
        "  250101-9216\t",
        " 192501019216 ",
    ],
)
def test_accepted_formats_normalise_to_twelve_digits(written: str) -> None:
    # Born 1925-01-01, reference year 2024: turns 99, so the 10-digit forms take the 1900s.
    row = parse_one(written, reference_year=2024)
    assert row["valid"]
    assert pd.isna(row["problem"])
    assert row["normalized"] == "192501019216"
    assert row["birth_date"] == pd.Timestamp("1925-01-01")
    assert row["sex"] == "M"  # 9th digit of 2501019216 is 1
    assert not row["samordningsnummer"]


def test_all_formats_of_one_person_share_normalized_and_pseudonym() -> None:
    # 189001019802 is 135 in 2025, so its 10-digit form needs "+".
    written = pd.Series(["189001019802", "18900101-9802", "18900101+9802", "900101+9802", " 900101+9802 "])
    parsed = parse_personnummer(written, reference_year=2025)
    assert parsed["valid"].all()
    assert set(parsed["normalized"]) == {"189001019802"}
    ids = pseudonymise(parsed["normalized"], KEY)
    assert (ids == expected_pseudonym("189001019802")).all()


def test_person_under_100_written_every_way_gets_one_pseudonym() -> None:
    written = pd.Series(["197501079292", "19750107-9292", "750107-9292", "7501079292"])
    parsed = parse_personnummer(written, reference_year=2025)
    assert parsed["valid"].all()
    assert (parsed["normalized"] == "197501079292").all()
    assert (pseudonymise(parsed["normalized"], KEY) == expected_pseudonym("197501079292")).all()


@pytest.mark.parametrize(
    "written",
    [
        "19250101921",  # 11 digits
        "1925010192160",  # 13 digits
        "250101921",  # 9 digits
        "25010192160",  # 11 digits, 10-digit shape + 1
        "250101-92160",
        "25O101-9216",  # letter O instead of zero
        "250101-92l6",  # letter l instead of one
        "250101 9216",  # space is not a separator
        "250101/9216",
        "250101_9216",
        "2501-01-9216",
        "250101--9216",
        "250101-+9216",
        "1925-01-01-9216",
        "-2501019216",
        "2501019216-",
        "25010-19216",  # separator in the wrong place
        "1925010-19216",
        "٢٥٠١٠١-٩٢١٦",  # Arabic-Indic digits are not accepted
        "abc",
        "192501019216.0",
    ],
)
def test_wrong_shapes_are_format_problems(written: str) -> None:
    row = parse_one(written)
    assert not row["valid"]
    assert row["problem"] == "format"
    assert pd.isna(row["birth_date"])
    assert pd.isna(row["sex"])
    assert not row["samordningsnummer"]


def test_invalid_rows_keep_the_digits_as_given() -> None:
    parsed = parse_personnummer(
        pd.Series(["250101 9216", "2501-01-9216", "19250101921", "abc", "192501019217"]), reference_year=2025
    )
    assert parsed["normalized"].tolist() == ["2501019216", "2501019216", "19250101921", pd.NA, "192501019217"]
    assert not parsed["valid"].any()


@pytest.mark.parametrize("value", [None, np.nan, pd.NA, "", "   ", "\t\n"])
def test_empty_and_na_are_missing(value: object) -> None:
    row = parse_one(value)
    assert not row["valid"]
    assert row["problem"] == "missing"
    assert pd.isna(row["normalized"])
    assert pd.isna(row["birth_date"])
    assert pd.isna(row["sex"])
    assert not row["samordningsnummer"]


def test_string_dtype_input_with_na() -> None:
    values = pd.Series(["192501019216", pd.NA], dtype="string")
    parsed = parse_personnummer(values, reference_year=2025)
    assert parsed["valid"].tolist() == [True, False]
    assert parsed["problem"].tolist() == [pd.NA, "missing"]


def test_integer_input_is_read_as_its_digits() -> None:
    parsed = parse_personnummer(pd.Series([192501019216], dtype="int64"), reference_year=2025)
    assert parsed["normalized"].iloc[0] == "192501019216"
    assert parsed["valid"].iloc[0]


# --------------------------------------------------------------------------------------------- century


@pytest.mark.parametrize(
    ("written", "reference_year", "expected_birth", "expected_normalized"),
    [
        # Born 2024-01-01: turns exactly 0 in 2024 with "-" or no separator.
        ("240101-2394", 2024, "2024-01-01", "202401012394"),
        ("2401012394", 2024, "2024-01-01", "202401012394"),
        # The same digits with "+" mean someone turning 100 in 2024.
        ("240101+2394", 2024, "1924-01-01", "192401012394"),
        # Born 1925-01-01: turns exactly 99 in 2024 ...
        ("250101-9216", 2024, "1925-01-01", "192501019216"),
        ("2501019216", 2024, "1925-01-01", "192501019216"),
        # ... and exactly 100 in 2025, where "+" is needed; "-" now means a newborn.
        ("250101+9216", 2025, "1925-01-01", "192501019216"),
        ("250101-9216", 2025, "2025-01-01", "202501019216"),
        ("2501019216", 2025, "2025-01-01", "202501019216"),
        # With "+" a year before turning 100 the person is 199 instead.
        ("250101+9216", 2024, "1825-01-01", "182501019216"),
        # Born 1890-01-01: turns 199 in 2089 and 200 in 2090 (which "+" cannot express, so 1990).
        ("900101+9802", 2089, "1890-01-01", "189001019802"),
        ("900101+9802", 2090, "1990-01-01", "199001019802"),
        ("900101+9802", 2025, "1890-01-01", "189001019802"),
        ("900101-9802", 2025, "1990-01-01", "199001019802"),
        # Born 2001-12-13: turns 24 in 2025, 0 in 2001; in 2000 the same digits mean 1901.
        ("011213-2386", 2025, "2001-12-13", "200112132386"),
        ("011213-2386", 2001, "2001-12-13", "200112132386"),
        ("011213-2386", 2000, "1901-12-13", "190112132386"),
    ],
)
def test_century_of_ten_digit_numbers(
    written: str, reference_year: int, expected_birth: str, expected_normalized: str
) -> None:
    row = parse_one(written, reference_year=reference_year)
    assert row["valid"]
    assert row["birth_date"] == pd.Timestamp(expected_birth)
    assert row["normalized"] == expected_normalized


@pytest.mark.parametrize("reference_year", [1990, 2025, 2200])
def test_twelve_digit_numbers_carry_their_century(reference_year: int) -> None:
    for written in ("192501019216", "19250101-9216", "19250101+9216"):
        row = parse_one(written, reference_year=reference_year)
        assert row["birth_date"] == pd.Timestamp("1925-01-01")
        assert row["normalized"] == "192501019216"


@pytest.mark.parametrize("reference_year", [True, 2025.0, "2025", None])
def test_reference_year_must_be_an_int(reference_year: object) -> None:
    with pytest.raises(TypeError):
        parse_personnummer(pd.Series(["192501019216"]), reference_year=reference_year)  # type: ignore[arg-type]


def test_reference_year_numpy_int_is_accepted() -> None:
    parsed = parse_personnummer(pd.Series(["250101-9216"]), reference_year=np.int64(2024))
    assert parsed["birth_date"].iloc[0] == pd.Timestamp("1925-01-01")


# --------------------------------------------------------------------------------------------- samordningsnummer


@pytest.mark.parametrize(
    ("written", "reference_year"),
    [
        (SAMORDNING_1890, 2025),
        ("18900161-9809", 2025),
        ("900161+9809", 2025),
        ("900161+9809", 1990),  # turns 100 in 1990
    ],
)
def test_samordningsnummer_1890(written: str, reference_year: int) -> None:
    row = parse_one(written, reference_year=reference_year)
    assert row["valid"]
    assert row["samordningsnummer"]
    assert row["normalized"] == "189001619809"  # day 61 is kept
    assert row["birth_date"] == pd.Timestamp("1890-01-01")  # day 61 - 60
    assert row["sex"] == "K"  # 9th digit 0


def test_samordningsnummer_last_day_of_year() -> None:
    row = parse_one("991291+9819", reference_year=2025)
    assert row["valid"]
    assert row["samordningsnummer"]
    assert row["normalized"] == SAMORDNING_1899
    assert row["birth_date"] == pd.Timestamp("1899-12-31")  # day 91 - 60
    assert row["sex"] == "M"  # 9th digit 1


def test_samordningsnummer_flag_kept_on_invalid_numbers() -> None:
    parsed = parse_personnummer(
        pd.Series(
            [
                "189001619802",  # samordningsnummer with the personnummer's check digit: Luhn fails
                "189001929802",  # day 92 - 60 = 32: impossible date
                "189001019802",  # ordinary personnummer
                "18900161-980",  # too short: day field not detectable
            ]
        ),
        reference_year=2025,
    )
    assert parsed["problem"].tolist() == ["check_digit", "date", pd.NA, "format"]
    assert parsed["samordningsnummer"].tolist() == [True, True, False, False]


@pytest.mark.parametrize(
    "written",
    [
        "189001609802",  # day field 60: neither a personnummer day nor a samordningsnummer day
        "189001329802",  # day 32
        "189001009802",  # day 0
    ],
)
def test_day_fields_outside_both_ranges_are_date_problems(written: str) -> None:
    row = parse_one(written)
    assert row["problem"] == "date"
    assert not row["samordningsnummer"]


# --------------------------------------------------------------------------------------------- validity


@pytest.mark.parametrize("written", ["192501019217", "250101-9210", "189001019800", "200002292398"])
def test_check_digit_failure(written: str) -> None:
    row = parse_one(written)
    assert not row["valid"]
    assert row["problem"] == "check_digit"
    assert pd.isna(row["birth_date"])
    assert pd.isna(row["sex"])


def test_every_wrong_check_digit_is_caught() -> None:
    wrong = [f"19250101921{d}" for d in "012345789"]  # the right one is 6
    parsed = parse_personnummer(pd.Series(wrong), reference_year=2025)
    assert (parsed["problem"] == "check_digit").all()


def test_leap_day() -> None:
    # 200002292399 is a test personnummer born on 29 Feb 2000 (2000 is a leap year: divisible by 400).
    # 1900 is not a leap year; the Luhn digit covers only YYMMDDNNNC, so it still passes for 1900.
    parsed = parse_personnummer(
        pd.Series(["200002292399", "190002292399", "000229-2399", "000229+2399", "198002292392", "199602292386"]),
        reference_year=2025,
    )
    assert parsed["valid"].tolist() == [True, False, True, False, True, True]
    assert parsed["problem"].tolist() == [pd.NA, "date", pd.NA, "date", pd.NA, pd.NA]
    assert parsed["birth_date"].iloc[0] == pd.Timestamp("2000-02-29")
    assert parsed["birth_date"].iloc[2] == pd.Timestamp("2000-02-29")
    assert parsed["birth_date"].iloc[4] == pd.Timestamp("1980-02-29")


@pytest.mark.parametrize(
    "written",
    [
        "192513019216",  # month 13
        "192500019216",  # month 0
        "192504319216",  # 31 April
        "192502309216",  # 30 February
        "190002292398",  # 29 Feb 1900 and a wrong check digit: date is reported first
        "000101019216",  # year 0001 cannot be a birth date
    ],
)
def test_impossible_dates(written: str) -> None:
    row = parse_one(written)
    assert not row["valid"]
    assert row["problem"] == "date"
    assert pd.isna(row["birth_date"])
    assert pd.isna(row["sex"])


def test_format_is_checked_before_date_and_check_digit() -> None:
    assert parse_one("19251301921").problem == "format"


# --------------------------------------------------------------------------------------------- sex


@pytest.mark.parametrize(
    ("written", "sex"),
    [
        ("189001019802", "K"),  # 9001019802: 9th digit 0
        ("189001029819", "M"),  # 9001029819: 9th digit 1
        ("195001182046", "K"),  # 5001182046: 9th digit 4
        ("197501079292", "M"),  # 7501079292: 9th digit 9
        ("199901016809", "K"),  # 9901016809: 9th digit 0
        ("200002292399", "M"),  # 0002292399: 9th digit 9
        ("202401012394", "M"),  # 2401012394: 9th digit 9
        ("200001012384", "K"),  # 0001012384: 9th digit 8
        ("195406112853", "M"),  # 5406112853: 9th digit 5 (the 8th, 8, is even)
    ],
)
def test_sex_from_ninth_digit(written: str, sex: str) -> None:
    assert parse_one(written)["sex"] == sex


# --------------------------------------------------------------------------------------------- frame shape


def test_output_shape_index_and_dtypes() -> None:
    index = pd.Index(["x", "y", "x", "z"], name="row")
    values = pd.Series(["250101-9216", None, "192501019217", "250101-9216"], index=index)
    parsed = parse_personnummer(values, reference_year=2025)
    assert list(parsed.columns) == COLUMNS
    assert parsed.index.equals(index)
    assert parsed["normalized"].dtype == pd.StringDtype()
    assert parsed["problem"].dtype == pd.StringDtype()
    assert parsed["sex"].dtype == pd.StringDtype()
    assert parsed["valid"].dtype == bool
    assert parsed["samordningsnummer"].dtype == bool
    assert parsed["birth_date"].dtype == "datetime64[ns]"
    assert parsed["valid"].tolist() == [True, False, False, True]
    assert parsed["problem"].tolist() == [pd.NA, "missing", "check_digit", pd.NA]


def test_empty_input() -> None:
    parsed = parse_personnummer(pd.Series([], dtype=object), reference_year=2025)
    assert list(parsed.columns) == COLUMNS
    assert len(parsed) == 0
    assert parsed["birth_date"].dtype == "datetime64[ns]"


def test_all_missing_input() -> None:
    parsed = parse_personnummer(pd.Series([None, None]), reference_year=2025)
    assert parsed["problem"].tolist() == ["missing", "missing"]


def test_repeated_values_get_identical_rows() -> None:
    values = pd.Series(["189912319812", "991231+9812", "189912319812"] * 3)
    parsed = parse_personnummer(values, reference_year=2025)
    assert (parsed["normalized"] == "189912319812").all()
    assert (parsed["birth_date"] == pd.Timestamp("1899-12-31")).all()
    assert (parsed["sex"] == "M").all()  # 9912319812: 9th digit 1


def test_not_a_series_is_rejected() -> None:
    with pytest.raises(TypeError):
        parse_personnummer(["192501019216"], reference_year=2025)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------- pseudonyms


def test_pseudonym_shape_and_value() -> None:
    ids = pseudonymise(pd.Series(["192501019216"]), KEY)
    pid = ids.iloc[0]
    assert len(pid) == 17
    assert re.fullmatch(r"p[0-9a-f]{16}", pid)
    assert pid == expected_pseudonym("192501019216")


def test_pseudonym_is_keyed_and_deterministic() -> None:
    values = pd.Series(["192501019216", "189001019802"])
    first = pseudonymise(values, KEY)
    again = pseudonymise(values, KEY)
    other = pseudonymise(values, b"another-key")
    assert first.tolist() == again.tolist()
    assert (first != other).all()
    assert first.iloc[0] != first.iloc[1]


def test_pseudonym_preserves_na_and_index() -> None:
    index = pd.Index([10, 20, 30, 40])
    values = pd.Series(["192501019216", pd.NA, "192501019216", None], index=index, dtype="string", name="normalized")
    ids = pseudonymise(values, KEY)
    assert ids.index.equals(index)
    assert ids.name == "normalized"
    assert ids.dtype == pd.StringDtype()
    assert ids.isna().tolist() == [False, True, False, True]
    assert ids.iloc[0] == ids.iloc[2] == expected_pseudonym("192501019216")


def test_pseudonym_of_object_series_with_nan() -> None:
    ids = pseudonymise(pd.Series(["189001019802", np.nan], dtype=object), KEY)
    assert ids.iloc[0] == expected_pseudonym("189001019802")
    assert pd.isna(ids.iloc[1])


def test_pseudonym_hashes_each_unique_value_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real_new = hmac.new

    def counting_new(*args: object, **kwargs: object) -> hmac.HMAC:
        calls.append(1)
        return real_new(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pnr.hmac, "new", counting_new)
    pseudonymise(pd.Series(["192501019216", "189001019802"] * 500 + [None] * 10), KEY)
    assert len(calls) == 2


def test_pseudonym_empty_input() -> None:
    ids = pseudonymise(pd.Series([], dtype="string"), KEY)
    assert len(ids) == 0


@pytest.mark.parametrize(("key", "error"), [("text-key", TypeError), (None, TypeError), (b"", ValueError)])
def test_pseudonym_rejects_bad_keys(key: object, error: type[Exception]) -> None:
    with pytest.raises(error) as excinfo:
        pseudonymise(pd.Series(["192501019216"]), key)  # type: ignore[arg-type]
    assert "192501019216" not in str(excinfo.value)


def test_parse_then_pseudonymise_pipeline() -> None:
    values = pd.Series(["250101+9216", "19250101-9216", None, "250101+9217"])
    parsed = parse_personnummer(values, reference_year=2025)
    ids = pseudonymise(parsed["normalized"], KEY)
    assert ids.iloc[0] == ids.iloc[1] == expected_pseudonym("192501019216")
    assert pd.isna(ids.iloc[2])
    # An invalid number is pseudonymised from its digits as given, so it stays distinguishable.
    assert ids.iloc[3] == expected_pseudonym("2501019217")


# --------------------------------------------------------------------------------------------- properties


@st.composite
def number_and_reference_year(draw: st.DrawFn) -> tuple[str, int]:
    number = draw(st.sampled_from(TEST_NUMBERS))
    birth_year = int(number[:4])
    # Every age a 10-digit number can express: 0-99 with "-", 100-199 with "+".
    return number, draw(st.integers(min_value=birth_year, max_value=birth_year + 199))


def written_forms(number: str, reference_year: int) -> list[str]:
    ten_digits_sep = "-" if reference_year - int(number[:4]) < 100 else "+"
    forms = [
        number,
        f"{number[:8]}-{number[8:]}",
        f"{number[:8]}+{number[8:]}",
        f"{number[2:8]}{ten_digits_sep}{number[8:]}",
        f" {number[2:8]}{ten_digits_sep}{number[8:]}  ",
    ]
    if ten_digits_sep == "-":
        forms.append(number[2:])
    return forms


@settings(max_examples=examples(300), deadline=None)
@given(number_and_reference_year())
def test_property_every_written_form_normalises_alike(case: tuple[str, int]) -> None:
    number, reference_year = case
    forms = written_forms(number, reference_year)
    parsed = parse_personnummer(pd.Series(forms), reference_year=reference_year)
    assert parsed["valid"].all()
    assert (parsed["normalized"] == number).all()
    expected_birth = pd.Timestamp(f"{number[:4]}-{number[4:6]}-{number[6:8]}")
    assert (parsed["birth_date"] == expected_birth).all()
    assert (parsed["sex"] == ("M" if int(number[10]) % 2 else "K")).all()
    assert (pseudonymise(parsed["normalized"], KEY) == expected_pseudonym(number)).all()


@settings(max_examples=examples(200), deadline=None)
@given(
    number=st.sampled_from(TEST_NUMBERS),
    position=st.integers(min_value=0, max_value=11),
    shift=st.integers(min_value=1, max_value=9),
)
def test_property_single_digit_change_never_stays_valid_with_same_identity(
    number: str, position: int, shift: int
) -> None:
    # Luhn catches every single-digit error in the last ten digits; a changed century digit is a different person.
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    row = parse_one(changed)
    assert row["normalized"] != number
    if position >= 2:
        assert not row["valid"]
