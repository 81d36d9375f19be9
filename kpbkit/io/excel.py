"""Excel workbooks (.xlsx) as all-text tables, the way a CSV of the same sheet would read.

Dates become ``YYYY-MM-DD``, times ``HH:MM``, whole numbers lose their ``.0`` (so a personnummer or an
account stored as a number keeps its digits); text is kept as written. Row numbers are the sheet's own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from kpbkit.errors import InputError


def cell_text(value: object) -> str:
    """One cell's value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if value.second == 0 else value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def read_excel_text(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    """The sheet (``sheet`` or the first) as text; the first non-empty row is the header.

    The index holds the sheet's row numbers (the header row is normally row 1).
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken or foreign file
        raise InputError(
            f"cannot read the Excel file ({type(exc).__name__})",
            file=path,
            fix="save it again from Excel as .xlsx (an .xls or a renamed CSV cannot be read), or export it as CSV",
        ) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(
                f"the workbook has no sheet '{sheet}' (sheets: {', '.join(book.sheetnames)})",
                file=path,
                fix="name one of the workbook's sheets under input.tables.<table>.sheet in the config",
            )
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        header: list[str] | None = None
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            texts = [cell_text(v) for v in values]
            if header is None:
                if any(t.strip() for t in texts):
                    header = texts
                continue
            rows.append(texts)
            numbers.append(number)
    finally:
        book.close()
    if header is None:
        return pd.DataFrame()
    width = max([len(header), *(len(r) for r in rows)])
    header = header + [""] * (width - len(header))
    names = [h.strip() or f"Unnamed: {i}" for i, h in enumerate(header)]
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=names, dtype=object)
    frame = frame.astype("string").fillna("") if len(frame) else frame.astype(str)
    frame.index = pd.Index(numbers, dtype="int64")
    return frame
