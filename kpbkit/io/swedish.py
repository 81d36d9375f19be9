"""Parsers for the values Swedish systems export (KPB-METHOD §7), used by :mod:`kpbkit.io.sources`.

Encoding detection (UTF-8 with or without BOM, else Windows-1252) and separator sniffing (``;`` or ``,``);
decimal commas, space and non-breaking-space thousands separators, U+2212 minus signs, Swedish and ISO
dates, Excel date serials and times as ``HH:MM``. Each parser is vectorised and returns NaN/NaT where a
value cannot be read, so the caller can name the first bad row.
"""

from __future__ import annotations

import csv

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


def parse_number(values: pd.Series) -> pd.Series:
    """Swedish or international numbers as floats: ``1 234,50``, ``−12,5``, ``1234.5``, ``12,5 kr``.

    A comma is the decimal mark when it is the last separator; spaces and dots before it are thousands
    separators. Values that cannot be read give NaN; empty cells give NaN too.
    """
    text = values.astype("string").str.strip()
    for char, repl in _MINUS.items():
        text = text.str.replace(char, repl, regex=False)
    for space in _SPACES:
        text = text.str.replace(space, "", regex=False)
    text = text.str.replace(r"(?i)(kr|sek|:-)$", "", regex=True)
    has_comma = text.str.contains(",", regex=False).fillna(False)
    # "1.234,5" -> "1234.5"; "1,234.5" -> "1234.5"; "12,5" -> "12.5"
    comma_decimal = has_comma & (text.str.rfind(",") > text.str.rfind(".")).fillna(False)
    text = text.where(~comma_decimal, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    text = text.where(comma_decimal | ~has_comma, text.str.replace(",", "", regex=False))
    text = text.str.replace(r"^(-?)\+?", r"\1", regex=True)
    return pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)


def parse_date(values: pd.Series) -> pd.Series:
    """Dates from ``2025-03-01``, ``20250301``, ``2025-03-01 00:00:00``, ``1/3/2025`` (day first) or Excel serials."""
    text = values.astype("string").str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False)
    out[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    compact = text.str.fullmatch(r"\d{8}").fillna(False)
    out[compact] = pd.to_datetime(text[compact], format="%Y%m%d", errors="coerce")
    slashed = text.str.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{4}").fillna(False)
    out[slashed] = pd.to_datetime(text[slashed].str.replace(".", "/", regex=False), format="%d/%m/%Y",
                                  errors="coerce")
    serial = text.str.fullmatch(r"\d{4,5}(\.0+)?").fillna(False) & ~compact
    days = pd.to_numeric(text[serial], errors="coerce")
    plausible = days.between(1, 80_000)  # 1900 .. 2119
    out[serial[serial].index[plausible.to_numpy()]] = EXCEL_EPOCH + pd.to_timedelta(days[plausible], unit="D")
    return out


def parse_minutes(values: pd.Series) -> pd.Series:
    """Durations as minutes: ``HH:MM`` (or ``H:MM:SS``) or a plain number of minutes (decimal comma allowed)."""
    text = values.astype("string").str.strip()
    clock = text.str.fullmatch(r"\d{1,3}:\d{2}(:\d{2})?").fillna(False)
    parts = text[clock].str.split(":", expand=True)
    out = parse_number(text.where(~clock))
    if clock.any():
        hours = parts[0].astype(float)
        minutes = parts[1].astype(float)
        seconds = parts[2].astype(float).fillna(0.0) if parts.shape[1] > 2 else 0.0
        out[clock] = hours * 60 + minutes + seconds / 60
    return out
