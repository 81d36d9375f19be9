"""Parsers for the values Swedish systems export (KPB-METHOD §7), used by :mod:`kpbkit.io.sources`.

Encoding detection (UTF-8 with or without BOM, else Windows-1252) and separator sniffing (``;`` or ``,``);
decimal commas, space and non-breaking-space thousands separators, U+2212 minus signs, Swedish and ISO
dates, Excel date serials and times as ``HH:MM``. Each parser is vectorised and returns NaN/NaT where a
value cannot be read, so the caller can name the first bad row.

Numbers: the format is inferred once per column (:func:`read_numbers`), from all its distinct values.

- Spaces (also no-break and thin spaces) are always thousands separators; a trailing ``kr``, ``SEK`` or
  ``:-`` is dropped; ``−`` (U+2212) and ``–`` are minus signs, a leading ``+`` is allowed.
- A value tells its decimal mark on its own when it has both marks (the last one is the decimal mark:
  ``1.234,50``, ``1,234.50``), one mark repeated (``1.234.567`` has dot thousands, so a decimal comma),
  one mark with other than three digits after it (``12,5``, ``1234.5``), one mark after a group of more
  than three digits or a lone ``0`` (``1234,567``, ``0.125``) or one mark in a value that also has space
  thousands (``1 234,567``). Such a value is read as it says, and it is *evidence* for its column.
- A value with one mark followed by exactly three digits after one to three leading digits (``12.345``,
  ``1,234``) is *ambiguous*: it is read with the decimal mark the column's other values show (``12.345``
  is 12 345 in a column that also holds ``1.234.567,89``, and 12.345 in one that holds ``0.5``). When the
  column shows no decimal mark, or both, the value is an error naming file, row and column.
- Scientific notation (``1,23457E+06``, what Excel writes for a truncated number) is an error, and so is a
  value with more than :data:`MAX_DIGITS` significant digits (a float cannot hold it exactly to the öre).
- Everything else (``12,5,3``, ``--4``, text) is not a number.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
import pandas as pd

ENCODINGS = ("utf-8-sig", "cp1252")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (with its 1900 leap-year bug folded in)

_MINUS = {"\u2212": "-", "\u2013": "-"}
_SPACES = ("\u00a0", "\u202f", " ", "\u2009")


def detect_encoding(data: bytes) -> str:
    """``utf-8-sig`` when the bytes are valid UTF-8 (a BOM is then dropped), else ``cp1252``."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def sniff_separator(header: str) -> str:
    """``;`` or ``,`` (or a tab): the separator that splits the header line into the most fields."""
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ";"))


#: at most this many significant digits: every such number (to the öre) is held exactly by a float
MAX_DIGITS = 15
#: why a number could not be read (the values of :attr:`Numbers.problem`)
NOT_A_NUMBER, AMBIGUOUS, SCIENTIFIC, TOO_MANY_DIGITS = "not a number", "ambiguous", "scientific", "digits"

_CURRENCY = r"(?i)\s*(kr|sek|:-)$"
_SCIENTIFIC = r"[0-9]+(?:[.,][0-9]*)?[eE][-+]?[0-9]+"
_DOT_GROUPED = r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]*)?"  # 1.234.567 or 1.234,5
_COMMA_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?"  # 1,234,567 or 1,234.5
_ONE_MARK = r"([0-9]*)([.,])([0-9]+)"


@dataclass(frozen=True)
class Numbers:
    """A column's numbers: the floats (NaN where empty or unreadable), why a value failed, the decimal mark."""

    values: pd.Series
    problem: pd.Series  # "" where read (or empty); else NOT_A_NUMBER, AMBIGUOUS, SCIENTIFIC or TOO_MANY_DIGITS
    decimal: str | None  # the decimal mark the column's values show ("," or "."), None if none or both


def read_numbers(values: pd.Series) -> Numbers:
    """Read a column of Swedish or international numbers with one format inferred from all its values.

    The rule is the module docstring's. Works on the distinct values, so a large column costs little.
    Missing values (NA) stay NaN with no problem; the caller decides whether empty is allowed.
    """
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    floats, problems, decimal = _read_unique_numbers(pd.Series(uniques, dtype="string"))
    take = np.where(codes >= 0, codes, 0)
    missing = codes < 0
    out = pd.Series(floats[take] if len(floats) else np.full(len(codes), np.nan), index=values.index, dtype=float)
    problem = pd.Series(problems[take] if len(problems) else np.full(len(codes), ""), index=values.index,
                        dtype=object)
    out[missing] = np.nan
    problem[missing] = ""
    return Numbers(out, problem.astype(str), decimal)


def _read_unique_numbers(unique: pd.Series) -> tuple[np.ndarray, np.ndarray, str | None]:
    import pyarrow as pa
    import pyarrow.compute as pc

    def matches(arr: pa.Array, pattern: str) -> np.ndarray:
        return pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False)

    original = pc.utf8_trim_whitespace(pa.array(unique.to_numpy(dtype=object, na_value=None), type=pa.string()))
    text = original
    for char, repl in _MINUS.items():
        text = pc.replace_substring(text, char, repl)
    text = pc.replace_substring_regex(text, _CURRENCY, "")
    minus = pc.fill_null(pc.starts_with(text, "-"), False)
    signed = pc.or_(minus, pc.fill_null(pc.starts_with(text, "+"), False))
    sign = pc.if_else(minus, "-", "")
    body = pc.if_else(signed, pc.utf8_slice_codeunits(text, 1), text)
    length = pc.utf8_length(body)
    for space in _SPACES:
        body = pc.replace_substring(body, space, "")
    spaced = pc.fill_null(pc.not_equal(pc.utf8_length(body), length), False).to_numpy(zero_copy_only=False)
    scientific = matches(body, "^" + _SCIENTIFIC + "$")
    whole = matches(body, "^[0-9]+$")
    points = pc.fill_null(pc.count_substring(body, "."), 0).to_numpy(zero_copy_only=False)
    commas = pc.fill_null(pc.count_substring(body, ","), 0).to_numpy(zero_copy_only=False)
    dot_grouped = matches(body, "^" + _DOT_GROUPED + "$") & ((points >= 2) | (commas > 0))
    comma_grouped = matches(body, "^" + _COMMA_GROUPED + "$") & ((commas >= 2) | (points > 0))
    parts = pc.extract_regex(body, "^(?P<lead>[0-9]*)(?P<mark>[.,])(?P<frac>[0-9]+)$")
    one = pc.is_valid(parts).to_numpy(zero_copy_only=False) & ~dot_grouped & ~comma_grouped
    lead = pc.struct_field(parts, "lead")
    own_mark = pc.struct_field(parts, "mark").to_numpy(zero_copy_only=False)
    three = pc.fill_null(pc.equal(pc.utf8_length(pc.struct_field(parts, "frac")), 3), False).to_numpy(
        zero_copy_only=False)
    ambiguous = one & ~spaced & three & matches(lead, "^[1-9][0-9]{0,2}$")
    # The decimal mark each value shows on its own ("" for whole numbers and ambiguous ones).
    mark = np.full(len(unique), "", dtype=object)
    mark[dot_grouped] = ","
    mark[comma_grouped] = "."
    told = one & ~ambiguous
    mark[told] = own_mark[told]
    evidence = set(mark[mark != ""])
    decimal = next(iter(evidence)) if len(evidence) == 1 else None
    if decimal is not None:
        # An ambiguous value has the column's decimal mark: its own mark is that, or else the thousands separator.
        mark[ambiguous] = decimal
    readable = whole | dot_grouped | comma_grouped | (one & (~ambiguous | (decimal is not None)))
    comma_mask = pa.array(readable & (mark == ","))
    point_mask = pa.array(readable & (mark == "."))
    from_comma = pc.replace_substring(pc.replace_substring(body, ".", ""), ",", ".")
    from_point = pc.replace_substring(body, ",", "")
    plain = pc.if_else(comma_mask, from_comma, pc.if_else(point_mask, from_point, body))
    too_many = readable & (pc.fill_null(pc.utf8_length(plain), 0).to_numpy(zero_copy_only=False) > MAX_DIGITS)
    if too_many.any():  # long enough to have too many digits: count them without leading and trailing zeros
        long = pc.filter(plain, pa.array(too_many))
        digits = pc.extract_regex(long, r"^0*(?P<whole>[0-9]*?)\.?(?P<frac>[0-9]*?)0*$")
        significant = (pc.utf8_length(pc.struct_field(digits, "whole")).to_numpy(zero_copy_only=False)
                       + pc.utf8_length(pc.struct_field(digits, "frac")).to_numpy(zero_copy_only=False))
        too_many[too_many] = significant > MAX_DIGITS
    number = pc.binary_join_element_wise(sign, plain, "")
    ok = readable & ~too_many
    floats = np.full(len(unique), np.nan)
    if ok.any():
        floats[ok] = pc.cast(pc.filter(number, pa.array(ok)), pa.float64()).to_numpy(zero_copy_only=False)
    problem = np.full(len(unique), "", dtype=object)
    problem[~readable] = NOT_A_NUMBER
    problem[ambiguous & (decimal is None)] = AMBIGUOUS
    problem[scientific] = SCIENTIFIC
    problem[too_many] = TOO_MANY_DIGITS
    problem[pc.fill_null(pc.equal(original, ""), True).to_numpy(zero_copy_only=False)] = ""
    return floats, problem, decimal


def parse_number(values: pd.Series) -> pd.Series:
    """Swedish or international numbers as floats (``1 234,50``, ``−12,5``, ``1234.5``, ``12,5 kr``).

    The column's format is inferred from all its values (:func:`read_numbers`); a value that cannot be read,
    is ambiguous, scientific or has too many digits gives NaN, and so does an empty cell.
    """
    return read_numbers(values).values


#: the years a date can have here (pandas holds nanosecond timestamps from 1677-09-21 to 2262-04-11)
MIN_YEAR, MAX_YEAR = 1678, 2261
#: an end date that means "open-ended" in every case system (also when no config lists it)
OPEN_END = "9999-12-31"
#: the forms of a date written as text, tried in this order (RE2 patterns; ``y``, ``m``, ``d`` name the parts)
_ISO_FORMS = (
    r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?$",
    r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$",
    r"^(?P<d>[0-9]{1,2})[/.](?P<m>[0-9]{1,2})[/.](?P<y>[0-9]{4})$",
)


def iso_date_text(values: pd.Series) -> pd.Series:
    """Dates written as text (``2025-03-01``, ``20250301``, ``1/3/2025``) as ``YYYY-MM-DD`` text, else NA.

    No calendar check and no range limit: this is what lets a caller see ``9999-12-31`` before a parser
    that holds nanoseconds (years 1678-2261) would fail on it. Works on the distinct values.
    """
    return _per_unique(values, _iso_unique, "string")


def _iso_unique(text: pd.Series) -> pd.Series:
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pc.utf8_trim_whitespace(pa.array(text.to_numpy(dtype=object, na_value=None), type=pa.string()))
    out = pa.nulls(len(values), pa.string())
    for pattern in _ISO_FORMS:
        parts = pc.extract_regex(values, pattern)
        year, month, day = (pc.struct_field(parts, name) for name in ("y", "m", "d"))
        iso = pc.binary_join_element_wise(year, pc.utf8_lpad(month, width=2, padding="0"),
                                          pc.utf8_lpad(day, width=2, padding="0"), "-")
        out = pc.coalesce(out, pc.if_else(pc.is_valid(parts), iso, pa.scalar(None, pa.string())))
    return pd.Series(out.to_numpy(zero_copy_only=False), index=text.index, dtype="string")


def _per_unique(values: pd.Series, func, dtype: str) -> pd.Series:
    """``func`` applied to the distinct values of ``values`` only, spread back to every row (NA stays NA)."""
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    done = func(pd.Series(uniques, dtype="string"))
    out = pd.Series(done.to_numpy()[np.where(codes >= 0, codes, 0)] if len(done) else [pd.NA] * len(codes),
                    index=values.index, dtype=dtype)
    out[codes < 0] = pd.NA if dtype == "string" else pd.NaT
    return out


def parse_date(values: pd.Series) -> pd.Series:
    """Dates from ``2025-03-01``, ``20250301``, ``2025-03-01 00:00:00``, ``1/3/2025`` (day first) or Excel serials.

    Dates outside the years pandas can hold (1678-2261) give NaT like any unreadable value; see
    :func:`iso_date_text` to tell them apart. Works on the distinct values.
    """
    return _per_unique(values, _parse_unique_dates, "datetime64[ns]")


def _parse_unique_dates(text: pd.Series) -> pd.Series:
    text = text.str.strip()
    iso = _iso_unique(text)
    year = pd.to_numeric(iso.str.slice(0, 4), errors="coerce")
    holdable = year.between(MIN_YEAR, MAX_YEAR).fillna(False).to_numpy(dtype=bool)
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    if holdable.any():
        parsed = pd.to_datetime(iso[holdable], format="%Y-%m-%d", errors="coerce")
        out[holdable] = parsed.to_numpy(dtype="datetime64[ns]")
    serial = (text.str.fullmatch(r"\d{4,5}(\.0+)?").fillna(False) & iso.isna()).to_numpy(dtype=bool)
    if serial.any():
        days = pd.to_numeric(text[serial], errors="coerce").to_numpy(dtype=float)
        plausible = (days >= 1) & (days <= 80_000)  # 1900 .. 2119
        excel = EXCEL_EPOCH + pd.to_timedelta(days[plausible], unit="D")
        out[np.flatnonzero(serial)[plausible]] = excel.to_numpy(dtype="datetime64[ns]")
    return pd.Series(out, index=text.index)


def parse_minutes(values: pd.Series) -> pd.Series:
    """Durations as minutes: ``HH:MM`` (or ``H:MM:SS``) or a plain number of minutes (decimal comma allowed).

    The plain numbers' format is inferred over the column (:func:`read_numbers`); works on the distinct values.
    """
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    text = pd.Series(uniques, dtype="string").str.strip()
    clock = text.str.fullmatch(r"\d{1,3}:\d{2}(:\d{2})?").fillna(False)
    out = parse_number(text.where(~clock))
    if clock.any():
        parts = text[clock].str.split(":", expand=True)
        hours = parts[0].astype(float)
        minutes = parts[1].astype(float)
        seconds = parts[2].astype(float).fillna(0.0) if parts.shape[1] > 2 else 0.0
        out[clock] = hours * 60 + minutes + seconds / 60
    spread = out.to_numpy(dtype=float)[np.where(codes >= 0, codes, 0)] if len(out) else np.full(len(codes), np.nan)
    spread[codes < 0] = np.nan
    return pd.Series(spread, index=values.index, dtype=float)
