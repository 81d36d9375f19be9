"""Read a table in a source shape (a preset plus the client's own names) into canonical text, then types.

The steps, each at the boundary so that nothing downstream knows a source's names: find the file, read
it as text (CSV in UTF-8 or Windows-1252 with ``;`` or ``,``, or an Excel sheet), match its headers to
canonical columns (or take the preset's field order when the file has no header row), translate codes,
parse Swedish numbers, dates and times, and hand the result to the canonical converter. Errors name the
file, the row and the column as the file calls it; values shaped like a personnummer are never echoed.

Nothing is merged, dropped or reinterpreted silently: the text's structure is checked as
:func:`kpbkit.io.delimited.read_delimited` describes (quotes, line ends, trailing separators, duplicate
headers); two headers that mean one canonical column (``Belopp`` and ``Utfall``) stop the run unless the
config names the one to use; each number column is read with one format (:mod:`kpbkit.io.swedish`);
an end date of ``9999-12-31`` or one of ``input.open_end_dates`` is open-ended.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.canonical import Column, TableSchema
from kpbkit.errors import ConfigError, InputError
from kpbkit.io.delimited import duplicate_header_error, normalise_line_ends, read_delimited, safe_name
from kpbkit.io.excel import read_excel_text
from kpbkit.io.presets import EXTRA_COLUMNS, Preset, TableShape, normalise_header
from kpbkit.io.readers import (
    drop_blank_rows,
    fail_where,
    open_end_dates,
    read_bytes,
    separator_hint,
    to_canonical,
)
from kpbkit.io.swedish import (
    AMBIGUOUS,
    ENCODINGS,
    MAX_DIGITS,
    SCIENTIFIC,
    TOO_MANY_DIGITS,
    iso_date_text,
    parse_date,
    parse_minutes,
    read_numbers,
    sniff_separator,
)

TEXT_SUFFIXES = (".csv", ".txt", ".skv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: columns whose values are translated through code lists (preset, then the client's ``input.codes``)
CODE_COLUMNS = ("service_code", "provider_id", "regi", "sex", "law", "level")


@dataclass(frozen=True)
class SourceSpec:
    """Everything needed to read one table: where, in which shape, with which of the client's names."""

    table: str
    preset: Preset
    file: Path | None = None  # given by the config; else looked for by the preset's file names
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # canonical column -> the client's header
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # the client's code lists
    config_path: Path | None = None  # for errors naming a config key
    open_end_dates: tuple[str, ...] = ()  # end dates (YYYY-MM-DD) that mean open-ended, besides 9999-12-31

    @property
    def shape(self) -> TableShape:
        return self.preset.table(self.table)


def find_source(folder: Path, spec: SourceSpec) -> Path | None:
    """The file of ``spec.table`` in ``folder``: the preset's file names (or the table's own), any known suffix."""
    stems = [normalise_header(s) for s in (*spec.shape.files, spec.table)]
    suffixes = (*TEXT_SUFFIXES, *EXCEL_SUFFIXES, ".parquet")
    candidates = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
    for stem in stems:
        for path in candidates:
            if normalise_header(path.stem) == stem:
                return path
    return None


def read_text_source(path: Path) -> tuple[pd.DataFrame, str]:
    """A delimited text file as all-text columns (index = file rows, header = row 1) and its separator."""
    data, first, encoding = _decode(path)
    sep = sniff_separator(first)
    frame = read_delimited(path, data, encoding, sep)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, sep


def _decode(path: Path) -> tuple[bytes, str, str]:
    """The file as UTF-8 bytes with LF line ends, its first line, and the encoding to read those bytes with.

    Valid UTF-8 is UTF-8 (:func:`kpbkit.io.swedish.detect_encoding`'s rule), anything else Windows-1252. A
    Windows-1252 file is transcoded to UTF-8 here, once, its line ends made LF on the way (as
    :func:`normalise_line_ends` would): pandas reads UTF-8 at about twice the speed.
    """
    raw = read_bytes(path)
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8-sig"
        data = normalise_line_ends(raw)
    except UnicodeDecodeError:
        try:  # newline=None: CRLF and a lone CR read as LF
            text, encoding = io.TextIOWrapper(io.BytesIO(raw), encoding="cp1252", newline=None).read(), "utf-8"
        except UnicodeDecodeError:
            raise InputError(
                "the file is neither UTF-8 nor Windows-1252 text",
                file=path,
                fix=f"export it as text in one of {', '.join(ENCODINGS)} (is it a binary or a renamed Excel file?)",
            ) from None
        data = text.encode("utf-8")
    if _NOT_SPACE.search(text) is None:
        raise InputError("the file is empty", file=path,
                         fix="export the table again with its header row (and its rows, if the client has any)")
    if "\x00" in text[:4096]:
        raise InputError("the file is not text (it holds NUL bytes)", file=path,
                         fix="export it as CSV or save it as .xlsx; UTF-16 text is not supported: save as UTF-8")
    first = _FIRST_LINE.match(text)
    return data, first.group() if first else "", encoding


_FIRST_LINE = re.compile(r"[^\r\n]*")
_NOT_SPACE = re.compile(r"\S")


def _drop_empty_tail(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns without a header and without values (trailing separators) are dropped."""
    empty = [c for c in frame.columns
             if (c == "" or str(c).startswith("Unnamed:")) and (frame[c].str.strip() == "").all()]
    return frame.drop(columns=empty)


def read_source_text(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Any supported file as an all-text frame whose index holds the row numbers a person sees."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        frame = read_excel_text(path, sheet=sheet)
    elif suffix == ".parquet":
        from kpbkit.io.readers import read_raw

        return read_raw(path)
    elif suffix == ".xls":
        raise InputError("old Excel files (.xls) cannot be read", file=path,
                         fix="open it in Excel and save it as .xlsx, or export the sheet as CSV")
    else:
        frame, _sep = read_text_source(path)
    frame.attrs["positions"] = {str(c): i for i, c in enumerate(frame.columns, start=1)}
    return drop_blank_rows(_drop_empty_tail(frame))


def _headerless(path: Path, spec: SourceSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Re-read a file that has no header row with the preset's field order (the first line is row 1)."""
    positional = spec.shape.positional
    if path.suffix.lower() in EXCEL_SUFFIXES:
        first = pd.DataFrame([list(frame.columns)], index=[int(frame.index.min()) - 1 if len(frame) else 1])
        body = pd.DataFrame(frame.to_numpy(), index=frame.index)
        data = pd.concat([first, body]).astype("string").fillna("")
    else:
        raw, first, encoding = _decode(path)
        data = read_delimited(path, raw, encoding, sniff_separator(first), header=False)
    width = data.shape[1]
    names = [*positional[:width], *(f"_extra_{i}" for i in range(width - len(positional)))]
    data.columns = names
    data = data[[c for c in names if not c.startswith("_extra_")]]
    return drop_blank_rows(data.astype("string").fillna(""))


def match_columns(
    frame: pd.DataFrame, spec: SourceSpec, schema: TableSchema, path: Path
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename the file's headers to canonical columns; return the frame and canonical → file header.

    The client's names (``input.tables.<table>.columns``) win over the preset's; a client name that is
    not in the file is a configuration error naming the key.
    """
    positions = frame.attrs.get("positions", {})
    letters = bool(frame.attrs.get("excel"))

    def position(header: str) -> int:
        return int(positions.get(header, list(frame.columns).index(header) + 1))

    by_norm: dict[str, str] = {}
    for header in frame.columns:
        key = normalise_header(header)
        if key and key in by_norm:
            raise duplicate_header_error(path, by_norm[key], header, position(by_norm[key]), position(header),
                                         letters=letters)
        by_norm[key] = header
    wanted = [*schema.names, *EXTRA_COLUMNS]
    claimed: dict[str, str] = {}
    for column, header in spec.columns.items():
        found = by_norm.get(normalise_header(header))
        if found is None:
            headers = ", ".join(safe_name(h) for h in frame.columns) or "none"
            raise ConfigError(
                f"column '{header}' is not in {path.name} (its headers: {headers})",
                file=spec.config_path,
                key=f"input.tables.{spec.table}.columns.{column}",
                fix="give the header exactly as the file's first row has it (case and spaces do not matter)",
            )
        claimed[column] = found
    used = set(claimed.values())
    for column in wanted:
        if column in claimed:
            continue
        # Every header that means this column: more than one is a duplicate the config must settle.
        found = list(dict.fromkeys(h for alias in (*spec.shape.columns.get(column, ()), column)
                                   if (h := by_norm.get(normalise_header(alias))) is not None and h not in used))
        if len(found) > 1:
            first, second = sorted(found[:2], key=position)
            error = duplicate_header_error(path, first, second, position(first), position(second),
                                           letters=letters, means=column)
            error.fix = (f"remove one of them, or name the one to use under input.tables.{spec.table}.columns."
                         f"{column} in the config")
            raise error
        if found:
            claimed[column] = found[0]
            used.add(found[0])
    renamed = frame.rename(columns={header: column for column, header in claimed.items()})
    keep = [c for c in renamed.columns if c in claimed or c not in wanted]
    return renamed[keep], claimed


def _looks_headerless(frame: pd.DataFrame, spec: SourceSpec, schema: TableSchema) -> bool:
    return _headers_unknown(list(frame.columns), spec, schema)


def _headers_unknown(headers: list[str], spec: SourceSpec, schema: TableSchema) -> bool:
    """True when a shape has a field order and none of the first row's values is a known header."""
    if not spec.shape.positional:
        return False
    known = {normalise_header(a) for col in (*schema.names, *EXTRA_COLUMNS)
             for a in (*spec.shape.columns.get(col, ()), col)}
    known |= {normalise_header(h) for h in spec.columns.values()}
    return not any(normalise_header(h) in known for h in headers)


def _first_line_headerless(path: Path, spec: SourceSpec, schema: TableSchema) -> bool:
    """Whether a text file's first line is data (checked when reading it with a header failed)."""
    if not spec.shape.positional or path.suffix.lower() not in TEXT_SUFFIXES:
        return False
    _data, first, _encoding = _decode(path)
    return _headers_unknown(next(csv.reader([first], delimiter=sniff_separator(first)), []), spec, schema)


def translate_codes(values: pd.Series, *codebooks: dict[str, str]) -> pd.Series:
    """Codes translated by the code lists, later lists winning; exact match first, then case-insensitive."""
    merged: dict[str, str] = {}
    for book in codebooks:
        merged.update(book)
    if not merged:
        return values
    folded = {normalise_header(k): v for k, v in merged.items()}
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    mapped = [merged.get(v, folded.get(normalise_header(v)) if v else None) for v in uniques]
    mapped = [m if m is not None else v for m, v in zip(mapped, uniques, strict=True)]
    out = pd.Series(np.asarray(mapped, dtype=object)[np.where(codes >= 0, codes, 0)] if mapped else [],
                    index=values.index, dtype="string")
    return out.where(codes >= 0, values.astype("string"))


_CLOCK = r"\d{1,3}:\d{2}(:\d{2})?"
_AGE = re.compile(r"^\s*(\d{1,3})\s*\+?\s*(år)?\s*$", re.IGNORECASE)
_PERIOD_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_PERIOD_DATE = re.compile(r"^(\d{4})-(\d{2})(-\d{2})?$")


def normalise_values(frame: pd.DataFrame, schema: TableSchema, spec: SourceSpec, path: Path,
                     display: dict[str, str]) -> pd.DataFrame:
    """Swedish-format values as canonical values (ISO date text, floats, minutes, mapped codes).

    A value that cannot be read stops the run with an error naming the file, row and column. Numbers are
    read with one format per column (:func:`kpbkit.io.swedish.read_numbers`); an end date of ``9999-12-31``
    or one of ``spec.open_end_dates`` is an open end (empty). Dates, numbers, periods and codes are read
    once per distinct value (:class:`_Distinct`): a million visits hold a few hundred dates and durations.
    """
    out = frame.copy(deep=False)
    for column in schema.columns:
        if column.name not in out.columns:
            continue
        shown = display.get(column.name, column.name)
        if column.kind not in ("date", "float", "int") and column.name != "period" \
                and column.name not in CODE_COLUMNS:
            out[column.name] = out[column.name].astype("string").fillna("")  # to_canonical trims them
            continue
        values = _Distinct(out[column.name])
        raw = values.text
        empty = raw == ""
        if column.kind == "date":
            iso = iso_date_text(raw.where(~empty))
            try:
                opened = open_end_dates(iso, raw, column, path, shown, spec.open_end_dates)
            except InputError:  # name the first row and count the rows, not the distinct values
                open_end_dates(values.rows(iso), values.raw(), column, path, shown, spec.open_end_dates)
                raise
            empty = empty | opened
            parsed = parse_date(raw.where(~empty))
            values.fail(parsed.isna() & ~empty, column, path, shown, "is not a date",
                        "write dates as YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY (or as Excel dates)")
            out[column.name] = values.rows(parsed.dt.strftime("%Y-%m-%d").fillna("").astype("string"))
        elif column.kind in ("float", "int"):
            if column.name == "minutes":
                clock = raw.str.fullmatch(_CLOCK).fillna(False)  # "1:30" is ninety minutes
                parsed = _numbers(raw.where(~empty & ~clock), values, column, path, shown)
                parsed[clock] = parse_minutes(raw[clock])
            elif column.name == "granted_hours_per_month":
                clock = raw.str.contains(":", regex=False)  # "12:30" is twelve and a half hours
                parsed = _numbers(raw.where(~empty & ~clock), values, column, path, shown)
                parsed[clock] = parse_minutes(raw[clock]) / 60
            elif column.name == "age":
                parsed = pd.to_numeric(raw.str.extract(_AGE, expand=False)[0], errors="coerce")
            else:
                parsed = _numbers(raw.where(~empty), values, column, path, shown)
            values.fail(parsed.isna() & ~empty, column, path, shown, "is not a number",
                        "write numbers with a decimal comma or point, e.g. 1 234,50 (a minus sign for credits)"
                        + ("; times as minutes or HH:MM" if column.name == "minutes" else ""))
            out[column.name] = values.rows(parsed.astype(float))
        elif column.name == "period":
            compact = raw.str.replace(_PERIOD_COMPACT, r"\1-\2", regex=True)
            out[column.name] = values.rows(compact.str.replace(_PERIOD_DATE, r"\1-\2", regex=True))
        else:
            books = spec.preset.codes.get(column.name, {}), spec.codes.get(column.name, {})
            out[column.name] = values.rows(translate_codes(raw, *books))
    return out


class _Distinct:
    """A column as its distinct values (trimmed text, ``""`` for a missing cell) and each row's one of them.

    Parse :attr:`text` and spread the result back with :meth:`rows`; a check that fails on the distinct
    values is reported by :meth:`fail` on the rows, so the error names the first row and counts all rows.
    """

    def __init__(self, column: pd.Series) -> None:
        codes, uniques = pd.factorize(column.astype("string"), use_na_sentinel=True)
        text = pd.Series(uniques, dtype="string").str.strip()
        if (codes < 0).any():
            codes = np.where(codes < 0, len(text), codes)
            text = pd.concat([text, pd.Series([""], dtype="string")], ignore_index=True)
        self.codes = codes
        self.text = text
        self.index = column.index

    def rows(self, per_value: pd.Series) -> pd.Series:
        """A result per distinct value as one per row (the column's index)."""
        return pd.Series(per_value.array.take(self.codes), index=self.index)

    def raw(self) -> pd.Series:
        """The trimmed text of every row, as error messages quote it."""
        return self.rows(self.text)

    def fail(self, bad: pd.Series, column: Column, path: Path, shown: str, what: str, fix: str) -> None:
        """Stop when a distinct value is bad, naming the first row that holds one (:func:`fail_where`)."""
        bad = bad.fillna(False).astype(bool)
        if bad.any():
            fail_where(self.rows(bad), self.raw(), column, path, shown, what, fix)


_NUMBER_PROBLEMS = {
    AMBIGUOUS: ("is ambiguous: one mark and three digits after it could be a decimal or a thousands separator, "
                "and the column's other values show no decimal mark (or both)",
                "write it with its decimals (12.345,00 or 12,345.00) or without thousands separators (12345), "
                "or export the column with one number format"),
    SCIENTIFIC: ("is in scientific notation: Excel writes a number too wide for its cell like this, and digits "
                 "are lost",
                 "in Excel, widen the column or format it as Number with all its decimals, then export again"),
    TOO_MANY_DIGITS: (f"has more than {MAX_DIGITS} significant digits: a number this long cannot be held exactly",
                      "check the value (a shifted column, or an id in a number column?) and export it again"),
}


def _numbers(values: pd.Series, column_values: _Distinct, column: Column, path: Path, shown: str) -> pd.Series:
    """A number column read with one inferred format; an ambiguous, scientific or too long value stops the run.

    ``values`` are the column's distinct values (NA where not read as a number), in the order of first
    appearance: the first problem among them is the first row's.
    """
    numbers = read_numbers(values)
    problem = numbers.problem
    reasons = problem.isin(list(_NUMBER_PROBLEMS))
    if reasons.any():
        kind = problem[reasons].iloc[0]
        what, fix = _NUMBER_PROBLEMS[kind]
        column_values.fail(problem == kind, column, path, shown, what, fix)
    return numbers.values


def read_source(spec: SourceSpec, path: Path, schema: TableSchema) -> pd.DataFrame:
    """Read ``path`` as ``spec`` says and return the canonical, typed table (see :func:`to_canonical`)."""
    try:
        frame = read_source_text(path, sheet=spec.sheet)
    except InputError:
        # A file without a header row is read with its first data row as the header first: the checks of a
        # header (duplicate names, the width) do not apply to it.
        if not _first_line_headerless(path, spec, schema):
            raise
        frame = _headerless(path, spec, pd.DataFrame())
    else:
        if path.suffix.lower() == ".parquet":
            return to_canonical(frame, schema, path, open_ends=spec.open_end_dates)
        if len(frame.columns) and _looks_headerless(frame, spec, schema):
            frame = _headerless(path, spec, frame)
    frame, claimed = match_columns(frame, spec, schema, path)
    display = {column: header for column, header in claimed.items()}
    missing_hint = separator_hint(frame.columns)
    frame = normalise_values(frame, schema, spec, path, display)
    frame = frame.drop(columns=[c for c in EXTRA_COLUMNS if c in frame.columns])
    try:
        table = to_canonical(frame, schema, path, display=display)
        table.attrs["display"] = display  # so later checks of this table name the file's own headers
        return table
    except InputError as exc:
        if exc.what.startswith("missing required column"):
            exc.fix = (
                f"the file's headers did not match the '{spec.preset.name}' shape; name the client's header of "
                f"each missing column under input.tables.{spec.table}.columns in the config "
                f"(e.g. columns: {{minutes: \"Tid i minuter\"}}), or set the table's shape (is the header row "
                "missing?)" + missing_hint
            )
        raise


__all__ = ["SourceSpec", "find_source", "read_source", "read_source_text", "translate_codes"]
