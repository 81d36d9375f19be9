"""Read canonical tables (CSV or Parquet) into typed frames.

Canonical CSV is UTF-8 (a BOM is tolerated), comma-separated, ISO dates and dot decimals. Every value
that cannot be read stops the run with an error naming the file, the row and the column; values of a
personnummer column are never echoed.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.errors import InputError
from kpbkit.io.schema import Column, TableSchema

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


def read_raw(path: Path) -> pd.DataFrame:
    """All columns as text (empty cells as empty strings), header names trimmed.

    The index holds the row number a person sees (CSV: the header is row 1; Parquet: the first row is 1).
    Blank lines and rows whose every cell is empty are dropped; the other rows keep their numbers.
    """
    try:
        if path.suffix == ".parquet":
            frame = _parquet_as_text(path)
            first_row = 1
        else:
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                na_values=[],
                encoding="utf-8-sig",
                skip_blank_lines=False,
            )
            first_row = 2
    except UnicodeDecodeError:
        raise InputError(
            "the file is not UTF-8",
            file=path,
            fix="save it as UTF-8 (canonical input is UTF-8, comma-separated); other encodings come in later shapes",
        ) from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        line = re.search(r"\bline (\d+)", str(exc))
        raise InputError(
            f"cannot read the file ({_short(exc)})",
            file=path,
            row=int(line.group(1)) if line else None,
            fix="check that it is a comma-separated CSV with as many fields on every row as in the header "
            "(quote values that contain a comma)",
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
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
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            column = pc.cast(column, pa.string())
        columns[str(name)] = pc.fill_null(column, "")
    frame = pa.table(columns).to_pandas(types_mapper=lambda _t: pd.StringDtype())
    return frame


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200]


def read_table(path: Path, schema: TableSchema) -> pd.DataFrame:
    """Read one canonical table and convert its columns to their types.

    Returns a frame with every column of the schema (absent optional columns are empty).
    """
    return to_canonical(read_raw(path), schema, path)


def to_canonical(
    raw: pd.DataFrame, schema: TableSchema, path: Path, *, display: dict[str, str] | None = None
) -> pd.DataFrame:
    """Check and convert an all-text frame with canonical column names to the table's types.

    ``raw``'s index holds the file's row numbers; ``display`` maps a canonical column to the header it had
    in the file, so that errors name the column the user sees.
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
            values = raw[column.name].str.strip()
            shown = display.get(column.name, column.name)
            _check_nonempty(values, column, path, shown)
            out[column.name] = _convert(values, column, path, shown)
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


def safe_name(name: str) -> str:
    """A column name fit for a message: one shaped like a personnummer (a data row read as header) is hidden."""
    return "<a value shaped like a personnummer>" if _PNR_LIKE.search(name) else name


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


#: A value shaped like a personnummer or samordningsnummer (10 or 12 digits, optional separator)
_PNR_LIKE = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+ ]?[0-9]{4}(?![0-9])")


def _convert(values: pd.Series, column: Column, path: Path, shown: str) -> pd.Series:
    empty = values == ""
    if column.kind == "date":
        parsed = pd.to_datetime(values.where(~empty), format="%Y-%m-%d", errors="coerce")
        fail_where(parsed.isna() & ~empty, values, column, path, shown, "is not a date",
                    "write dates as YYYY-MM-DD")
        return parsed.astype("datetime64[ns]")
    if column.kind in ("float", "int"):
        parsed = pd.to_numeric(values.where(~empty), errors="coerce").astype(float)
        parsed = parsed.where(np.isfinite(parsed))  # 'inf' and 'nan' are not amounts
        fail_where(
            parsed.isna() & ~empty, values, column, path, shown, "is not a number",
            "use digits with a dot as decimal mark"
        )
        if column.kind == "int":
            bad = parsed.notna() & (parsed != np.floor(parsed))
            fail_where(bad, values, column, path, shown, "is not a whole number", "use whole numbers")
        return parsed
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
