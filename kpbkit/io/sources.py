"""Read a table in a source shape (a preset plus the client's own names) into canonical text, then types.

The steps, each at the boundary so that nothing downstream knows a source's names: find the file, read
it as text (CSV in UTF-8 or Windows-1252 with ``;`` or ``,``, or an Excel sheet), match its headers to
canonical columns (or take the preset's field order when the file has no header row), translate codes,
parse Swedish numbers, dates and times, and hand the result to the canonical converter. Errors name the
file, the row and the column as the file calls it; values shaped like a personnummer are never echoed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpbkit.errors import ConfigError, InputError
from kpbkit.io.excel import read_excel_text
from kpbkit.io.presets import EXTRA_COLUMNS, Preset, TableShape, normalise_header
from kpbkit.io.readers import drop_blank_rows, fail_where, safe_name, separator_hint, to_canonical
from kpbkit.io.schema import Column, TableSchema
from kpbkit.io.swedish import ENCODINGS, detect_encoding, parse_date, parse_minutes, parse_number, sniff_separator

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
    data = path.read_bytes()
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(
            "the file is neither UTF-8 nor Windows-1252 text",
            file=path,
            fix=f"export it as text in one of {', '.join(ENCODINGS)} (is it a binary or a renamed Excel file?)",
        ) from None
    if not text.strip():
        raise InputError("the file is empty", file=path,
                         fix="export the table again with its header row (and its rows, if the client has any)")
    if "\x00" in text[:4096]:
        raise InputError("the file is not text (it holds NUL bytes)", file=path,
                         fix="export it as CSV or save it as .xlsx; UTF-16 text is not supported: save as UTF-8")
    header = text.split("\n", 1)[0].rstrip("\r")
    sep = sniff_separator(header)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[],
                            skip_blank_lines=False, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, ValueError) as exc:
        line = re.search(r"\bline (\d+)", str(exc))
        raise InputError(
            "cannot read the file: a row has more fields than the header",
            file=path,
            row=int(line.group(1)) if line else None,
            fix=f"check the separator ('{sep}') and quote values that contain it",
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame, sep


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
    return drop_blank_rows(_drop_empty_tail(frame))


def _headerless(path: Path, spec: SourceSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Re-read a file that has no header row with the preset's field order (the first line is row 1)."""
    positional = spec.shape.positional
    if path.suffix.lower() in EXCEL_SUFFIXES:
        first = pd.DataFrame([list(frame.columns)], index=[int(frame.index.min()) - 1 if len(frame) else 1])
        body = pd.DataFrame(frame.to_numpy(), index=frame.index)
        data = pd.concat([first, body]).astype("string").fillna("")
    else:
        text = path.read_bytes().decode(detect_encoding(path.read_bytes()))
        sep = sniff_separator(text.split("\n", 1)[0].rstrip("\r"))
        data = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                           na_values=[], skip_blank_lines=False)
        data.index = pd.RangeIndex(1, 1 + len(data))
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
    by_norm: dict[str, str] = {}
    for header in frame.columns:
        by_norm.setdefault(normalise_header(header), header)
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
        for alias in (*spec.shape.columns.get(column, ()), column):
            header = by_norm.get(normalise_header(alias))
            if header is not None and header not in used:
                claimed[column] = header
                used.add(header)
                break
    renamed = frame.rename(columns={header: column for column, header in claimed.items()})
    keep = [c for c in renamed.columns if c in claimed or c not in wanted]
    return renamed[keep], claimed


def _looks_headerless(frame: pd.DataFrame, spec: SourceSpec, schema: TableSchema) -> bool:
    if not spec.shape.positional:
        return False
    known = {normalise_header(a) for col in (*schema.names, *EXTRA_COLUMNS)
             for a in (*spec.shape.columns.get(col, ()), col)}
    known |= {normalise_header(h) for h in spec.columns.values()}
    return not any(normalise_header(h) in known for h in frame.columns)


def translate_codes(values: pd.Series, *codebooks: dict[str, str]) -> pd.Series:
    """Codes translated by the code lists, later lists winning; exact match first, then case-insensitive."""
    merged: dict[str, str] = {}
    for book in codebooks:
        merged.update(book)
    if not merged:
        return values
    folded = {normalise_header(k): v for k, v in merged.items()}
    exact = values.map(merged)
    loose = values.map(lambda v: folded.get(normalise_header(v)) if isinstance(v, str) and v else None)
    return exact.fillna(loose).fillna(values).astype("string")


_AGE = re.compile(r"^\s*(\d{1,3})\s*\+?\s*(år)?\s*$", re.IGNORECASE)
_PERIOD_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_PERIOD_DATE = re.compile(r"^(\d{4})-(\d{2})(-\d{2})?$")


def _number_text(parsed: pd.Series, raw: pd.Series) -> pd.Series:
    """Parsed numbers as canonical text; values that did not parse keep their text (and fail later)."""
    out = parsed.map(lambda v: repr(float(v)) if pd.notna(v) else "")
    return out.where(parsed.notna(), raw).astype("string")


def normalise_values(frame: pd.DataFrame, schema: TableSchema, spec: SourceSpec, path: Path,
                     display: dict[str, str]) -> pd.DataFrame:
    """Swedish-format values as canonical text (ISO dates, dot decimals, minutes, mapped codes).

    A value that cannot be read stops the run with an error naming the file, row and column.
    """
    out = frame.copy()
    for column in schema.columns:
        if column.name not in out.columns:
            continue
        raw = out[column.name].astype("string").str.strip().fillna("")
        empty = raw == ""
        shown = display.get(column.name, column.name)
        if column.kind == "date":
            parsed = parse_date(raw.where(~empty))
            _fail(parsed.isna() & ~empty, raw, column, path, shown, "is not a date",
                  "write dates as YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY (or as Excel dates)")
            out[column.name] = parsed.dt.strftime("%Y-%m-%d").fillna("").astype("string")
        elif column.kind in ("float", "int"):
            if column.name == "minutes":
                parsed = parse_minutes(raw.where(~empty))
            elif column.name == "granted_hours_per_month":
                clock = raw.str.contains(":", regex=False)  # "12:30" is twelve and a half hours
                parsed = parse_number(raw.where(~empty & ~clock))
                parsed[clock] = parse_minutes(raw[clock]) / 60
            elif column.name == "age":
                parsed = pd.to_numeric(raw.str.extract(_AGE, expand=False)[0], errors="coerce")
            else:
                parsed = parse_number(raw.where(~empty))
            _fail(parsed.isna() & ~empty, raw, column, path, shown, "is not a number",
                  "write numbers with a decimal comma or point, e.g. 1 234,50 (a minus sign for credits)"
                  + ("; times as minutes or HH:MM" if column.name == "minutes" else ""))
            out[column.name] = _number_text(parsed, raw)
        elif column.name == "period":
            compact = raw.str.replace(_PERIOD_COMPACT, r"\1-\2", regex=True)
            out[column.name] = compact.str.replace(_PERIOD_DATE, r"\1-\2", regex=True)
        else:
            if column.name in CODE_COLUMNS:
                raw = translate_codes(raw, spec.preset.codes.get(column.name, {}), spec.codes.get(column.name, {}))
            out[column.name] = raw
    return out


def _fail(bad: pd.Series, raw: pd.Series, column: Column, path: Path, shown: str, what: str, fix: str) -> None:
    fail_where(bad.fillna(False).astype(bool), raw, column, path, shown, what, fix)


def read_source(spec: SourceSpec, path: Path, schema: TableSchema) -> pd.DataFrame:
    """Read ``path`` as ``spec`` says and return the canonical, typed table (see :func:`to_canonical`)."""
    frame = read_source_text(path, sheet=spec.sheet)
    if path.suffix.lower() == ".parquet":
        return to_canonical(frame, schema, path)
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
