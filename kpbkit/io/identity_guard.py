"""Values shaped like a personnummer: found in any column or text, and refused at every write boundary.

A value is *personnummer-shaped* when it holds 10 or 12 digits, with or without ``-``/``+`` before the last
four, that form a valid personnummer or samordningsnummer (a real date, day + 60 for a samordningsnummer, a
valid check digit; 12-digit forms in the centuries 18, 19 and 20). In text the digits must stand alone: not
inside a longer run of letters or digits (so pseudonyms, ``p`` + 16 hex characters, never match), and not the
decimals of a number (``12.4101012393``); ``4101012393.0`` does match. Numbers match when they are whole and
have 10 or 12 digits (a 12-digit personnummer read as a number in an amount column is caught).
At the write boundary, where the
numbers are kpbkit's own sums, a whole 10-digit *float* is money (a pool of 1-10 billion kr in whole kronor forms a
valid personnummer by chance about once in 150), so there only 12-digit numbers (over 180 billion: never money of
a municipality), integer columns and text count; ingest has already refused identities in every input column.

Every check works on the distinct values of a column (categoricals: their categories), so a 20-million-row
table costs one pass for its distinct values. Nothing here puts the value in a message: errors name the file
and the column (or sheet, cell), never the value.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpbkit.errors import KpbkitError
from kpbkit.personnummer import parse_personnummer

__all__ = [
    "IdentityHit",
    "PersonnummerLeakError",
    "check_frame",
    "check_json",
    "check_notebook",
    "check_xlsx",
    "find_in_frame",
    "holds_personnummer",
    "is_personnummer",
    "save_workbook",
    "text_holds_personnummer",
]

#: a candidate in text: 10 or 12 digits standing alone (not inside letters/digits, not a number's decimals)
_IN_TEXT = re.compile(
    r"(?<![^\W_])(?<![0-9][.])((?:[0-9]{2})?[0-9]{6}[-+]?[0-9]{4})(?![^\W_])(?![.][0-9]*[1-9])"
)
#: the whole value is one personnummer form (what a person id column may hold instead of its own ids)
_WHOLE = re.compile(r"^\s*(?:[0-9]{2})?[0-9]{6}[-+]?[0-9]{4}\s*$")
_QUICK = re.compile(r"[0-9]{6}[-+]?[0-9]{4}")
_CENTURIES = ("18", "19", "20")
#: up to this many distinct values a column is screened value by value in Python (faster than pandas' string ops)
_SMALL = 5000


class PersonnummerLeakError(KpbkitError):
    """A file about to be written holds a value shaped like a personnummer; nothing was written."""


@dataclass(frozen=True)
class IdentityHit:
    """Where a personnummer-shaped value was found: the column, the first row (0-based position), how many rows."""

    column: str
    position: int
    count: int


def _reference_year() -> int:
    return dt.date.today().year


def is_personnummer(tokens: pd.Series) -> np.ndarray:
    """For each token (a bare 10- or 12-digit form, with or without ``-``/``+``): a valid personnummer?"""
    if not len(tokens):
        return np.zeros(0, dtype=bool)
    text = tokens.astype("string").str.strip()
    parsed = parse_personnummer(text, reference_year=_reference_year())
    valid = parsed["valid"].to_numpy(dtype=bool)
    digits = text.str.replace(r"[^0-9]", "", regex=True)
    twelve = (digits.str.len() == 12).to_numpy(dtype=bool, na_value=False)
    century_ok = digits.str.slice(0, 2).isin(_CENTURIES).to_numpy(dtype=bool, na_value=False)
    return valid & (~twelve | century_ok)


def _text_hits(values: pd.Series) -> np.ndarray:
    """For each distinct text: does it hold a personnummer-shaped value (alone or inside other text)?"""
    text = values.astype("string")
    out = np.zeros(len(text), dtype=bool)
    if len(text) <= _SMALL:  # a few values: Python's regex, without pandas' per-call cost
        maybe = np.array([isinstance(v, str) and _QUICK.search(v) is not None
                          for v in text.to_numpy(dtype=object, na_value=None)], dtype=bool)
    else:
        maybe = text.str.contains(_QUICK, regex=True).to_numpy(dtype=bool, na_value=False)
    if not maybe.any():
        return out
    candidates = text[maybe].reset_index(drop=True)
    found = candidates.str.extractall(_IN_TEXT)
    if found.empty:
        return out
    tokens = found[0]
    valid = is_personnummer(tokens.reset_index(drop=True))
    owners = np.unique(tokens.index.get_level_values(0).to_numpy()[valid])
    out[np.flatnonzero(maybe)[owners]] = True
    return out


def _number_hits(values: np.ndarray, *, ten_digits: bool = True) -> np.ndarray:
    """For each number: is it a whole number whose 10- or 12-digit form is a valid personnummer?

    ``ten_digits=False``: only 12-digit numbers count (kpbkit's own sums of money, see the module's docstring).
    """
    numbers = np.abs(np.asarray(values, dtype=float))
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(numbers) & (numbers == np.floor(numbers))
        ten = whole & (numbers >= 1e9) & (numbers < 1e10) & ten_digits
        twelve = whole & (numbers >= 1.8e11) & (numbers < 2.1e11)
    out = np.zeros(len(numbers), dtype=bool)
    for mask in (ten, twelve):
        if mask.any():
            distinct, inverse = np.unique(numbers[mask], return_inverse=True)
            forms = pd.Series([str(int(v)) for v in distinct], dtype="string")
            out[np.flatnonzero(mask)] = is_personnummer(forms)[inverse]
    return out


def _distinct_hits(distinct: pd.Series, *, ten_digits: bool = True) -> np.ndarray:
    """Hits among distinct values of any kind: text by the text rule, numbers by the number rule."""
    values = distinct.to_numpy(dtype=object)
    kinds = np.array([_kind(v) for v in values], dtype=object) if len(values) else np.zeros(0, dtype=object)
    out = np.zeros(len(values), dtype=bool)
    numeric = kinds == "number"
    if numeric.any():
        out[numeric] = _number_hits(values[numeric].astype(float), ten_digits=ten_digits)
    texts = kinds == "text"
    if texts.any():
        out[texts] = _text_hits(pd.Series([str(v) for v in values[texts]], dtype="string"))
    return out


def _kind(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or isinstance(value, (bool, np.bool_)):
        return "skip"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(value, (dt.date, dt.time, dt.timedelta, np.datetime64, np.timedelta64)):
        return "skip"
    return "text"


def holds_personnummer(values: pd.Series, *, computed: bool = False) -> pd.Series:
    """Per row of ``values``: does it hold a personnummer-shaped value? Computed on distinct values only.

    ``computed``: the values are kpbkit's output (the write boundary): whole 10-digit floats are sums of money.
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        hit = holds_personnummer(pd.Series(categories), computed=computed)
        codes = values.cat.codes.to_numpy()
        lookup = np.append(hit.to_numpy(dtype=bool), False)  # code -1 (NA) takes the last entry
        return pd.Series(lookup[codes], index=values.index)
    if (pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)
            or pd.api.types.is_timedelta64_dtype(dtype)):
        return pd.Series(False, index=values.index)
    if pd.api.types.is_numeric_dtype(dtype):
        array = values.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            big = np.abs(array) >= 1e9
        out = np.zeros(len(array), dtype=bool)
        if big.any():
            ten_digits = not (computed and pd.api.types.is_float_dtype(dtype))
            out[big] = _number_hits(array[big], ten_digits=ten_digits)
        return pd.Series(out, index=values.index)
    if isinstance(dtype, pd.StringDtype):  # every distinct value is text: no need to sort out kinds one by one
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        hit = _text_hits(pd.Series(distinct, dtype="string")) if len(distinct) else np.zeros(0, dtype=bool)
        return pd.Series(np.append(hit, False)[codes], index=values.index)
    try:
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, dicts): judged by their text
        codes, distinct = pd.factorize(values.map(lambda v: v if pd.api.types.is_hashable(v) else str(v)),
                                       use_na_sentinel=True)
    hit = _distinct_hits(pd.Series(distinct, dtype=object), ten_digits=not computed)
    return pd.Series(np.append(hit, False)[codes], index=values.index)


def text_holds_personnummer(text: str) -> bool:
    """Does one text hold a personnummer-shaped value (by the text rule)?"""
    tokens = [m.group(1) for m in _IN_TEXT.finditer(text)]
    return bool(tokens) and bool(is_personnummer(pd.Series(tokens, dtype="string")).any())


def _may_hold(values: pd.Series) -> bool:
    """``False`` when no value can be personnummer-shaped: no number of 10 digits or more, and no run of 10 digits
    in the text of any value (of a small column: a large one is screened on its distinct values); ``True``: look
    closer with :func:`holds_personnummer`. Most columns a run writes end here, at a fraction of the full check."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        values = pd.Series(values.cat.categories)
        dtype = values.dtype
    if (pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)
            or pd.api.types.is_timedelta64_dtype(dtype)):
        return False
    if pd.api.types.is_numeric_dtype(dtype):
        with np.errstate(invalid="ignore"):
            return bool((np.abs(values.to_numpy(dtype=float, na_value=np.nan)) >= 1e9).any())
    if len(values) > _SMALL:
        return True
    # whole numbers from 1e9 to 2.1e11 print as 10-12 digits, so the text screen also covers numbers in text columns
    return _QUICK.search("\x00".join(map(str, values.to_numpy(dtype=object)))) is not None


def find_in_frame(frame: pd.DataFrame, *, skip: Iterable[str] = (), computed: bool = False) -> IdentityHit | None:
    """The first column (in frame order) holding a personnummer-shaped value, with its first row; ``None`` if none.

    ``computed`` as for :func:`holds_personnummer`.
    """
    skipped = set(skip)
    for position, column in enumerate(frame.columns):
        if column in skipped or not _may_hold(frame.iloc[:, position]):
            continue
        hits = holds_personnummer(frame.iloc[:, position], computed=computed).to_numpy(dtype=bool)
        if hits.any():
            return IdentityHit(str(column), int(np.flatnonzero(hits)[0]), int(hits.sum()))
    return None


def _refuse(path: Path, what: str, *, column: str | None = None, row: int | None = None) -> PersonnummerLeakError:
    return PersonnummerLeakError(
        f"refused to write the file: {what} holds a value shaped like a personnummer (not shown); "
        "no identity may leave ingest",
        file=path,
        row=row,
        column=column,
        fix="find where these values come from (an input column mapped to this one, a text in the config) and "
        "replace the identities by codes; if they come from kpbkit itself, report it as a bug",
    )


def check_frame(frame: pd.DataFrame, path: Path, *, header_rows: int = 1) -> None:
    """Refuse to write ``frame`` to ``path`` when a column (or a column name) holds a personnummer-shaped value.

    ``header_rows``: rows before the data in the written file, so the row named is the file's (CSV: 1).
    """
    names = pd.Series([str(c) for c in frame.columns], dtype="string")
    if len(names) and _text_hits(names).any():
        raise _refuse(path, "a column name")
    hit = find_in_frame(frame, computed=True)
    if hit is not None:
        raise _refuse(path, f"the column ({hit.count} row(s))", column=hit.column, row=hit.position + header_rows + 1)


def _leaves(data: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar of a JSON-like structure with its path; image payloads (base64) are left out."""
    if isinstance(data, dict):
        for key, value in data.items():
            if str(key).startswith("image/"):
                continue
            yield f"{where}/{key}", str(key)
            yield from _leaves(value, f"{where}/{key}")
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            yield from _leaves(value, f"{where}/{i}")
    else:
        yield where, data


def _first_leaf_hit(data: Any) -> str | None:
    """The path of the first scalar holding a personnummer-shaped value, or ``None``."""
    leaves = list(_leaves(data))
    if not leaves:
        return None
    values = pd.Series([v for _w, v in leaves], dtype=object)
    hits = holds_personnummer(values, computed=True).to_numpy(dtype=bool)
    return leaves[int(np.flatnonzero(hits)[0])][0] if hits.any() else None


def check_json(data: Any, path: Path) -> None:
    """Refuse to write a JSON document holding a personnummer-shaped value (names the key, not the value)."""
    where = _first_leaf_hit(data)
    if where is not None:
        raise _refuse(path, f"the entry {where}")


def check_notebook(nb: Any, path: Path) -> None:
    """Refuse to write a notebook whose cells (source or outputs, images aside) or metadata hold a personnummer."""
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if _first_leaf_hit({"source": cell.get("source"), "outputs": cell.get("outputs", [])}) is not None:
            raise _refuse(path, f"cell {number}")
    if _first_leaf_hit(nb.get("metadata", {})) is not None:
        raise _refuse(path, "the notebook's metadata")


# ------------------------------------------------------------------------------------------------------------ xlsx

_XML_TEXT = re.compile(r"<(?:t|f)(?:\s[^>]*)?>([^<]*)</(?:t|f)>")
_XML_NUMBER = re.compile(r"<v>(-?[0-9]{10,12}(?:\.0*)?)</v>")
_XML_ANY_TEXT = re.compile(r">([^<]+)<")


def _xlsx_holds_personnummer(path: Path) -> bool:
    """Fast scan of a workbook's parts: cell text (inline and shared strings, formulas), whole numbers, properties."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.endswith(".xml") or name.startswith("xl/theme/") or name == "xl/styles.xml":
                continue
            xml = archive.read(name).decode("utf-8", errors="replace")
            if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
                texts = set(_XML_TEXT.findall(xml))
                numbers = _XML_NUMBER.findall(xml)
                if numbers and _number_hits(np.array([float(v) for v in set(numbers)]), ten_digits=False).any():
                    return True
            else:
                texts = set(_XML_ANY_TEXT.findall(xml))
            if texts and _text_hits(pd.Series([html.unescape(t) for t in texts], dtype="string")).any():
                return True
    return False


def _locate_in_xlsx(path: Path) -> str:
    """Where the first personnummer-shaped cell is: ``sheet 'S', column 'Header' (B)``; slow, for the message."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    book = load_workbook(path, read_only=True)
    try:
        for sheet in book.worksheets:
            header: list[Any] = []
            for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if r == 1:
                    header = list(row)
                hits = holds_personnummer(pd.Series(list(row), dtype=object), computed=True).to_numpy(dtype=bool)
                if hits.any():
                    c = int(np.flatnonzero(hits)[0])
                    title = header[c] if c < len(header) and header[c] is not None and r > 1 else None
                    named = ""
                    if title is not None and not text_holds_personnummer(str(title)):
                        named = f", column '{title}'"
                    return f"sheet '{sheet.title}'{named}, cell {get_column_letter(c + 1)}{r}"
    finally:
        book.close()
    return "the workbook's properties"


def check_xlsx(path: Path, *, shown: Path | None = None) -> None:
    """Refuse a written workbook holding a personnummer-shaped value; ``shown``: the path the message names."""
    if _xlsx_holds_personnummer(path):
        raise _refuse(shown or path, _locate_in_xlsx(path))


def save_workbook(book: Any, path: Path) -> Path:
    """Save a workbook (anything with ``save(path)``) to ``path`` only if no cell holds a personnummer-shaped value.

    The workbook (kpbkit's stream their rows, so cells cannot be looked at before saving) is saved
    beside ``path`` under a hidden temporary name, scanned, and renamed into place; refused, it is deleted.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp-{uuid.uuid4().hex[:8]}{path.suffix}")  # readers go by the suffix
    try:
        book.save(tmp)
        check_xlsx(tmp, shown=path)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def whole_personnummer_form(values: pd.Series) -> pd.Series:
    """Per row: is the whole value one personnummer form (10 or 12 digits, optional ``-``/``+``), valid or not?"""
    return values.astype("string").str.match(_WHOLE).fillna(False).astype(bool)
