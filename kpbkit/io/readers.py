"""Read canonical tables (CSV or Parquet) into typed frames.

Canonical CSV is UTF-8 (a BOM is tolerated), comma-separated, ISO dates and dot decimals. Every value
that cannot be read stops the run with an error naming the file, the row and the column; values of a
personnummer column are never echoed. The checks every delimited text shares (line ends, quotes, field
counts, duplicate headers) are :mod:`kpbkit.io.delimited`'s.

Dates: an end date of ``9999-12-31`` (or one listed in ``input.open_end_dates``) means open-ended (empty);
in any other date column such a far-future date (year 2100 or later) is an error, and so is any date
outside the years 1678-2261, which pandas cannot hold. Numbers of canonical CSV are dot-decimal; scientific
notation and more than 15 significant digits are errors there too.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.canonical import Column, TableSchema
from kpbkit.errors import InputError
from kpbkit.io.delimited import _PNR_LIKE, _short, normalise_line_ends, read_delimited, safe_name
from kpbkit.io.swedish import MAX_DIGITS, MAX_YEAR, MIN_YEAR, OPEN_END

SUFFIXES = (".csv", ".parquet")
#: column added to every table read: the source file's row number (CSV and Excel header = row 1)
SOURCE_ROW = "source_row"


def find_table(folder: Path, name: str) -> Path | None:
    """The file holding table ``name`` in ``folder`` (``name.csv`` or ``name.parquet``), if any."""
    for suffix in SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a path the system cannot open (too long, no permission) is an input error."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise path_error(path, exc) from None


def path_error(path: Path | str, exc: OSError) -> InputError:
    """An :class:`InputError` for an ``OSError`` met while opening ``path``."""
    if exc.errno == errno.ENAMETOOLONG:
        longest = max((len(part.encode()) for part in Path(path).parts), default=0)
        return InputError(
            f"the path is too long for the file system ({len(str(path).encode())} bytes; longest name "
            f"{longest} bytes, at most 255 per name)",
            file=path,
            fix="rename the file or its folders to something shorter, or move the folder closer to the root",
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return InputError("cannot open the file: permission denied", file=path,
                          fix="give your user read access to the file, or copy it to a folder you own")
    return InputError(f"cannot open the file ({exc.strerror or type(exc).__name__})", file=path,
                      fix="check that the path names a readable file")


def read_raw(path: Path) -> pd.DataFrame:
    """All columns as text (empty cells as empty strings), header names trimmed.

    The index holds the row number a person sees (CSV: the header is row 1; Parquet: the first row is 1).
    Blank lines and rows whose every cell is empty are dropped; the other rows keep their numbers.
    """
    if path.suffix == ".parquet":
        try:
            frame = _parquet_as_text(path)
        except OSError as exc:
            if isinstance(exc, FileNotFoundError) or getattr(exc, "errno", None):
                raise path_error(path, exc) from None
            raise InputError(f"cannot read the file ({_short(exc)})", file=path,
                             fix="write it again as Parquet, or as a comma-separated CSV") from None
        except ValueError as exc:
            raise InputError(f"cannot read the file ({_short(exc)})", file=path,
                             fix="write it again as Parquet, or as a comma-separated CSV") from None
        frame.columns = [str(c).strip() for c in frame.columns]
        frame.index = pd.RangeIndex(1, 1 + len(frame))
        return drop_blank_rows(frame)
    data = normalise_line_ends(read_bytes(path))
    try:
        data.decode("utf-8-sig")  # only to tell a file in another encoding by its name
    except UnicodeDecodeError:
        raise InputError(
            "the file is not UTF-8",
            file=path,
            fix="save it as UTF-8 (canonical input is UTF-8, comma-separated); other encodings come in later shapes",
        ) from None
    frame = read_delimited(
        path, data, "utf-8-sig", ",",
        fix="check that it is a comma-separated CSV with as many fields on every row as in the header "
            "(quote values that contain a comma)",
    )
    frame.columns = [str(c).strip() for c in frame.columns]
    return drop_blank_rows(frame)


def drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with at least one non-blank cell; the others' numbers (the index) are kept by the rest."""
    if not len(frame.columns):
        return frame
    # Only rows whose first cell is empty can be blank: test those candidates alone (fast on big files).
    candidates = frame.index[(frame.iloc[:, 0].str.strip() == "").to_numpy()]
    if len(candidates):
        subset = frame.loc[candidates]
        blank = candidates[(subset.apply(lambda col: col.str.strip()) == "").all(axis=1).to_numpy()]
        frame = frame.drop(index=blank)
    return frame


def _parquet_as_text(path: Path) -> pd.DataFrame:
    """A Parquet file with every column as text, cast by Arrow (dates as YYYY-MM-DD, nulls as "")."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_timestamp(column.type):
            column = pc.cast(column, pa.date32())
        if pa.types.is_date(column.type) or pa.types.is_integer(column.type):
            column = _cast_distinct(column, pa.string())  # a year's days: cast each once, not once per row
        elif not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            column = pc.cast(column, pa.string())
        columns[str(name)] = pc.fill_null(column, "")
    frame = pa.table(columns).to_pandas(types_mapper=lambda _t: pd.StringDtype())
    return frame


def _cast_distinct(column, to):
    """``column`` cast to ``to`` through its dictionary: the distinct values are cast, then spread to the rows."""
    import pyarrow as pa

    chunks = []
    for chunk in column.dictionary_encode().chunks:
        dictionary = chunk.dictionary.cast(to)
        chunks.append(pa.DictionaryArray.from_arrays(chunk.indices, dictionary).dictionary_decode())
    return pa.chunked_array(chunks, type=to)


def read_table(path: Path, schema: TableSchema, *, open_ends: tuple[str, ...] = (),
               categorical: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read one canonical table and convert its columns to their types.

    Returns a frame with every column of the schema (absent optional columns are empty). ``open_ends``: the
    client's own open-end dates (``input.open_end_dates``), beside ``9999-12-31``. ``categorical``: text columns
    the caller turns into categoricals anyway; a large Parquet file may give them so directly (as
    ``astype("category")`` would).
    """
    if path.suffix == ".parquet":
        frame = _parquet_by_distinct(path, schema, open_ends, categorical)
        if frame is not None:
            return frame
    return to_canonical(read_raw(path), schema, path, open_ends=open_ends)


def _parquet_by_distinct(path: Path, schema: TableSchema, open_ends: tuple[str, ...],
                         categorical: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """A large Parquet table read as :func:`to_canonical` reads it, but each column checked on its distinct values.

    Arrow encodes each column as a dictionary; the distinct values, as text, go through the same checks and
    conversions as every row would, and the rows take their converted value by index. Identical to the row
    path, in a fraction of the time and memory. ``None`` (read it row by row) for a small file, one that is
    not plain (other columns than the schema's, blank rows, unusual types) and whenever a value is wrong:
    the row path then reports it, naming the first row and counting them all.
    """
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        raw_names = parquet.schema_arrow.names
    except (OSError, ValueError):
        return None
    names = [str(c).strip() for c in raw_names]
    n = parquet.metadata.num_rows
    present = set(names)
    if (n < DISTINCT_FROM or len(present) != len(names) or any(schema.column(c) is None for c in names)
            or any(c.required and c.name not in present for c in schema.columns)
            or (schema.has_person and not {"person_id", "personnummer"} & present)
            or any(not set(group) & present for group in schema.one_of)):
        parquet.close()
        return None
    try:
        converted = _columns_by_distinct(parquet, names, raw_names, schema, path, open_ends, categorical)
    finally:
        parquet.close()
    if converted is None:
        return None
    frame = pd.DataFrame({c.name: converted[c.name] if c.name in converted else _empty(c, n) for c in schema.columns})
    frame[SOURCE_ROW] = np.arange(1, n + 1, dtype=np.int32)
    frame.attrs["present"] = [c for c in schema.names if c in present]
    frame.attrs["unknown_columns"] = []
    frame.attrs["source"] = str(path)
    return frame


def _columns_by_distinct(parquet, names: list[str], raw_names: list[str], schema: TableSchema, path: Path,
                         open_ends: tuple[str, ...], categorical: tuple[str, ...]) -> dict[str, pd.Series] | None:
    """The columns of :func:`_parquet_by_distinct`, converted; ``None`` where the row path must take over."""
    import pyarrow as pa

    n = parquet.metadata.num_rows
    converted: dict[str, pd.Series] = {}
    blank = np.ones(n, dtype=bool)
    for name, raw_name in zip(names, raw_names, strict=True):
        try:  # one column at a time: only its Arrow data is in memory beside the frame being built
            column = parquet.read(columns=[raw_name]).column(0)
        except (OSError, ValueError):
            return None
        kind = column.type
        if pa.types.is_timestamp(kind):
            column = column.cast(pa.date32())
        elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_date32(kind)
                  or pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            return None
        encoded = pa.table({"c": column.dictionary_encode()}).unify_dictionaries()["c"]
        chunks = encoded.chunks
        if not chunks:
            return None
        dictionary = chunks[0].dictionary.cast(pa.string()).to_pylist()
        null = len(dictionary)  # a missing value reads as an empty cell, as in the row path
        codes = np.concatenate([(chunk.indices.fill_null(null) if chunk.null_count else chunk.indices)
                                .to_numpy().astype(np.int32, copy=False) for chunk in chunks])
        del column, encoded, chunks
        text = pd.Series([*dictionary, ""], dtype="string").str.strip()
        used = np.bincount(codes, minlength=len(text)) > 0
        is_blank = (text == "").to_numpy(dtype=bool)
        if not (is_blank & used).any():  # no blank cell in this column: no row is blank in every column
            blank[:] = False
        elif blank.any():
            blank &= is_blank[codes]
        spec = schema.column(name)
        try:
            _check_nonempty(text[used].reset_index(drop=True), spec, path, name)
            values = _convert_rows(text, spec, path, name, open_ends)
        except InputError:
            return None
        if spec.kind in ("date", "float", "int"):
            converted[name] = pd.Series(values.to_numpy()[codes])
        elif name in categorical:
            distinct = values.astype("category")
            converted[name] = pd.Series(pd.Categorical.from_codes(
                distinct.cat.codes.to_numpy()[codes], dtype=distinct.dtype))
        else:
            converted[name] = pd.Series(values.array.take(codes))
    return None if blank.any() else converted


def to_canonical(
    raw: pd.DataFrame, schema: TableSchema, path: Path, *, display: dict[str, str] | None = None,
    open_ends: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Check and convert an all-text frame with canonical column names to the table's types.

    ``raw``'s index holds the file's row numbers; ``display`` maps a canonical column to the header it had
    in the file, so that errors name the column the user sees; ``open_ends`` as for :func:`read_table`.
    """
    display = display or {}
    unknown = [c for c in raw.columns if schema.column(c) is None and c != ""]
    missing = [c.name for c in schema.columns if c.required and c.name not in raw.columns]
    if schema.has_person and not ({"person_id", "personnummer"} & set(raw.columns)):
        missing.append("person_id (or personnummer)")
    for group in schema.one_of:
        if not set(group) & set(raw.columns):
            missing.append(" or ".join(group))
    if missing:
        found = ", ".join(safe_name(display.get(c, c)) for c in raw.columns) or "none"
        raise InputError(
            f"missing required column(s): {', '.join(missing)}",
            file=path,
            fix=f"the {schema.name} table needs the columns {', '.join(c.name for c in schema.columns if c.required)}"
            f"; found: {found} (is the header row missing?)" + separator_hint(raw.columns),
        )
    raw = raw[[c for c in raw.columns if c not in unknown]]
    unknown = [safe_name(c) for c in unknown]
    out = {}
    for column in schema.columns:
        if column.name in raw.columns:
            shown = display.get(column.name, column.name)
            if pd.api.types.is_float_dtype(raw[column.name]):  # read already (a source shape's numbers)
                values = raw[column.name]
                if column.nonempty and values.isna().any():  # a million floats as text cost half a second
                    _check_nonempty(values.astype("string").fillna(""), column, path, shown)
                out[column.name] = _checked_numbers(values, column, path, shown)
                continue
            values = raw[column.name].str.strip()
            _check_nonempty(values, column, path, shown)
            out[column.name] = _convert(values, column, path, shown, open_ends)
        else:
            out[column.name] = _empty(column, len(raw))
    frame = pd.DataFrame({name: values.reset_index(drop=True) for name, values in out.items()})
    # The row a person sees in the source file: findings cite it so the client can find the row.
    frame[SOURCE_ROW] = raw.index.to_numpy(dtype=np.int32)
    frame.attrs["present"] = [c for c in schema.names if c in raw.columns]
    frame.attrs["unknown_columns"] = unknown
    frame.attrs["source"] = str(path)
    return frame


def separator_hint(columns: list[str] | pd.Index) -> str:
    """A hint for a file whose header holds semicolons or tabs: it was read as one column."""
    if len(columns) == 1 and any(sep in str(columns[0]) for sep in (";", "\t")):
        return "; the file looks semicolon- or tab-separated, but canonical CSV is comma-separated"
    return ""


def _check_nonempty(values: pd.Series, column: Column, path: Path, shown: str) -> None:
    if not column.nonempty:
        return
    empty = values == ""
    if empty.any():
        first = int(np.flatnonzero(empty.to_numpy())[0])
        raise InputError(
            f"empty value ({int(empty.sum())} row(s) in all)",
            file=path,
            row=int(values.index[first]),
            column=shown,
            fix=f"every row needs a {shown}",
        )


def _empty(column: Column, n: int) -> pd.Series:
    if column.kind == "date":
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if column.kind in ("float", "int"):
        return pd.Series(np.nan, index=range(n), dtype=float)
    return pd.Series(pd.NA, index=range(n), dtype="string")


#: below this many rows a column is converted row by row; above it, once per distinct value
DISTINCT_FROM = 10_000


def _convert(values: pd.Series, column: Column, path: Path, shown: str,
             open_ends: tuple[str, ...] = ()) -> pd.Series:
    """The column's values in their type; a value that cannot be read stops the run (:func:`fail_where`).

    A long date or number column holds few distinct values (days of one year, minutes in steps): each is
    parsed once and spread back to its rows. Every check depends on the value alone, so the same checks
    fail in the same order; when one does, the rows are converted one by one to name the first row and
    count them all exactly.
    """
    if column.kind not in ("date", "float", "int") or len(values) < DISTINCT_FROM or values.hasnans:
        return _convert_rows(values, column, path, shown, open_ends)
    codes, uniques = pd.factorize(values, sort=False)
    if len(uniques) * 4 > len(values):
        return _convert_rows(values, column, path, shown, open_ends)
    try:
        converted = _convert_rows(pd.Series(uniques, dtype=values.dtype), column, path, shown, open_ends)
    except InputError:
        return _convert_rows(values, column, path, shown, open_ends)
    return pd.Series(converted.to_numpy()[codes], index=values.index, name=values.name)


def _convert_rows(values: pd.Series, column: Column, path: Path, shown: str,
                  open_ends: tuple[str, ...] = ()) -> pd.Series:
    empty = values == ""
    if column.kind == "date":
        opened = open_end_dates(values.where(values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)), values,
                                column, path, shown, open_ends)
        empty = empty | opened
        parsed = pd.to_datetime(values.where(~empty), format="%Y-%m-%d", errors="coerce")
        fail_where(parsed.isna() & ~empty, values, column, path, shown, "is not a date",
                    "write dates as YYYY-MM-DD")
        return parsed.astype("datetime64[ns]")
    if column.kind in ("float", "int"):
        _check_number_text(values.where(~empty), values, column, path, shown)
        parsed = pd.to_numeric(values.where(~empty), errors="coerce").astype(float)
        parsed = parsed.where(np.isfinite(parsed))  # 'inf' and 'nan' are not amounts
        fail_where(
            parsed.isna() & ~empty, values, column, path, shown, "is not a number",
            "use digits with a dot as decimal mark"
        )
        return _checked_numbers(parsed, column, path, shown, values)
    text = values.astype("string").where(~empty, pd.NA)
    if column.allowed:
        bad = text.notna() & ~text.isin(column.allowed)
        fail_where(bad, values, column, path, shown, "is not allowed",
                    f"allowed values: {', '.join(column.allowed)}")
    return text


def fail_where(
    bad: pd.Series, values: pd.Series, column: Column, path: Path, shown: str, what: str, fix: str
) -> None:
    if not bad.any():
        return
    first = int(np.flatnonzero(bad.to_numpy())[0])
    value = values.iloc[first]
    # Never echo an identity: not from a personnummer column, nor one that landed in another column.
    quoted = "" if column.kind == "pnr" or _PNR_LIKE.search(value) else f"'{value[:40]}' "
    raise InputError(
        f"value {quoted}{what} ({int(bad.sum())} row(s) in all)",
        file=path,
        row=int(values.index[first]),
        column=shown,
        fix=fix,
    )


def _checked_numbers(parsed: pd.Series, column: Column, path: Path, shown: str,
                     values: pd.Series | None = None) -> pd.Series:
    """Floats of a number column; an ``int`` column's values must be whole."""
    if column.kind == "int":
        shown_values = values if values is not None else parsed.astype("string").fillna("")
        bad = parsed.notna() & (parsed != np.floor(parsed))
        fail_where(bad, shown_values, column, path, shown, "is not a whole number", "use whole numbers")
    return parsed.astype(float)


def _check_number_text(values: pd.Series, raw: pd.Series, column: Column, path: Path, shown: str) -> None:
    """Canonical numbers: scientific notation, and digits a float does not hold exactly, are errors."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):
        return
    text = pd.Series(uniques, dtype="string").str.strip()
    scientific = text.str.fullmatch(r"[-+]?[0-9]*\.?[0-9]*[eE][-+]?[0-9]+").fillna(False).to_numpy()
    if scientific.any():
        fail_where(pd.Series(np.isin(codes, np.flatnonzero(scientific)), index=raw.index), raw, column, path,
                   shown, "is in scientific notation (Excel writes a number too wide for its cell like this, and "
                   "digits are lost)", "write the number with all its digits and a dot as decimal mark")
    long = np.flatnonzero((text.str.len() > MAX_DIGITS).fillna(False).to_numpy())
    unfit = [i for i in long if not _fits_float(str(text.iloc[i]))]
    if unfit:
        fail_where(pd.Series(np.isin(codes, unfit), index=raw.index), raw, column, path, shown,
                   f"has more than {MAX_DIGITS} significant digits and is not exactly a float: it cannot be held "
                   "exactly", "check the value (a shifted column, or an id in a number column?)")


def _fits_float(text: str) -> bool:
    """At most MAX_DIGITS significant digits, or exactly the float it reads as (what a program writes)."""
    from decimal import Decimal, InvalidOperation

    digits = re.sub(r"^[-+]?0*", "", text.replace(".", "", 1)) if "." in text else re.sub(r"^[-+]?0*", "", text)
    if "." in text:
        digits = digits.rstrip("0")
    if len(digits) <= MAX_DIGITS:
        return True
    try:
        return Decimal(text) == Decimal(repr(float(text)))
    except (InvalidOperation, ValueError):
        return True  # not a number at all: the caller says so


#: date columns where a far-future date means "open-ended"
END_COLUMNS = ("end_date",)
#: from this year on a date is far in the future: an "open" marker, never a real start or visit
FAR_FUTURE_YEAR = 2100


def open_end_dates(iso: pd.Series, raw: pd.Series, column: Column, path: Path, shown: str,
                   extra: tuple[str, ...] | list[str] = ()) -> pd.Series:
    """Where a date column's values mean open-ended (end columns only); far or unholdable dates stop the run.

    ``iso`` is each value as ``YYYY-MM-DD`` text (NA where it is not such a date), ``raw`` the values as
    written (for the message), ``extra`` the client's own open-end dates (``input.open_end_dates``).
    """
    markers = {OPEN_END, *(str(d) for d in extra)}
    year = pd.to_numeric(iso.str.slice(0, 4), errors="coerce")
    if column.name in END_COLUMNS:
        opened = iso.isin(markers).fillna(False).astype(bool)
        unholdable = (~opened & ((year > MAX_YEAR) | (year < MIN_YEAR))).fillna(False).astype(bool)
        fail_where(unholdable, raw, column, path, shown, f"is a date outside the years {MIN_YEAR}-{MAX_YEAR}",
                   f"leave an open end empty or write {OPEN_END}; another date that means open belongs under "
                   "input.open_end_dates in the config")
        return opened
    far = ((year >= FAR_FUTURE_YEAR) | iso.isin(markers)).fillna(False).astype(bool)
    fail_where(far, raw, column, path, shown,
               f"is a far-future date (year {FAR_FUTURE_YEAR} or later): only an end date can mean open-ended",
               "give the real date; an open end belongs in the end-date column (empty or "
               f"{OPEN_END})")
    early = (year < MIN_YEAR).fillna(False).astype(bool)
    fail_where(early, raw, column, path, shown, f"is a date before {MIN_YEAR}", "give the real date")
    return pd.Series(False, index=raw.index)
