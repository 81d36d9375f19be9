"""Excel workbooks (.xlsx) as all-text tables, the way a CSV of the same sheet would read.

Dates become ``YYYY-MM-DD``, times ``HH:MM``, whole numbers lose their ``.0`` (so a personnummer or an
account stored as a number keeps its digits); other numbers are written with at most 15 significant digits
(what Excel shows), positionally, with a decimal point; text is kept as written. Row numbers are the sheet's own.

The sheet read is the one the config names (``input.tables.<table>.sheet``), else the first *visible*
worksheet: hidden and very hidden sheets and chart sheets are passed over, and the log (logger ``kpbkit``)
says which sheet was read. A chart sheet named by the config, a workbook without a worksheet, an encrypted
(password-protected) workbook and two columns with the same header each stop the run with their own message.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kpbkit.errors import InputError

log = logging.getLogger("kpbkit")
#: an OLE2 compound file: an old .xls, or an encrypted .xlsx (its EncryptedPackage stream)
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


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
        return _decimal_text(value)
    return str(value)


def _decimal_text(value: float) -> str:
    """A number as Excel shows it (15 significant digits), positional, with a decimal point.

    A value with exactly three decimals gets a fourth (``12.3450``) so that it cannot be mistaken for a
    dot thousands separator when its column's number format is inferred.
    """
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    text = format(Decimal(f"{value:.15g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if "." in text and len(text.split(".")[1]) == 3:
        text += "0"
    return text


def read_excel_text(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    """The sheet (``sheet`` or the first) as text; the first non-empty row is the header.

    The index holds the sheet's row numbers (the header row is normally row 1).
    """
    from openpyxl import load_workbook

    _check_not_encrypted(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken or foreign file
        raise InputError(
            f"cannot read the Excel file ({type(exc).__name__})",
            file=path,
            fix="save it again from Excel as .xlsx (an .xls or a renamed CSV cannot be read), or export it as CSV",
        ) from None
    try:
        ws = _pick_sheet(book, path, sheet)
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
    from kpbkit.io.delimited import check_duplicate_headers

    check_duplicate_headers(path, header, letters=True)
    width = max([len(header), *(len(r) for r in rows)])
    header = header + [""] * (width - len(header))
    names = [h.strip() or f"Unnamed: {i}" for i, h in enumerate(header)]
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=names, dtype=object)
    frame = frame.astype("string").fillna("") if len(frame) else frame.astype(str)
    frame.index = pd.Index(numbers, dtype="int64")
    frame.attrs["excel"] = True
    return frame


def _check_not_encrypted(path: Path) -> None:
    """An OLE2 file named .xlsx is an encrypted workbook (with an EncryptedPackage stream) or an old .xls."""
    name = "EncryptedPackage".encode("utf-16-le")
    try:
        with path.open("rb") as handle:
            if handle.read(8) != OLE2_MAGIC:
                return
            encrypted, tail = False, b""
            for block in iter(lambda: handle.read(1 << 20), b""):  # the directory may be anywhere in the file
                if name in tail + block:
                    encrypted = True
                    break
                tail = block[-len(name):]
    except OSError as exc:
        from kpbkit.io.readers import path_error

        raise path_error(path, exc) from None
    if encrypted:
        raise InputError(
            "the workbook is password-protected (encrypted), so it cannot be read",
            file=path,
            fix="open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password) "
                "and save it again as .xlsx, or export the sheet as CSV",
        )
    raise InputError(
        "cannot read the Excel file (it is an old Excel workbook, .xls, under an .xlsx name)",
        file=path,
        fix="open it in Excel and save it as .xlsx (Excel Workbook), or export the sheet as CSV",
    )


def _pick_sheet(book, path: Path, sheet: str | None):
    """The sheet to read: the one named, else the first visible worksheet (logged); charts are refused."""
    from openpyxl.chartsheet import Chartsheet

    if sheet is not None:
        if sheet not in book.sheetnames:
            raise InputError(
                f"the workbook has no sheet '{sheet}' (sheets: {', '.join(book.sheetnames)})",
                file=path,
                fix="name one of the workbook's sheets under input.tables.<table>.sheet in the config",
            )
        chosen = book[sheet]
        if isinstance(chosen, Chartsheet):
            raise InputError(
                f"sheet '{sheet}' is a chart sheet, not a table",
                file=path,
                fix="name the worksheet that holds the table under input.tables.<table>.sheet in the config",
            )
        log.info("%s: read sheet '%s' (named in the config)", path.name, sheet)
        return chosen
    worksheets = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not worksheets:
        charts = [ws.title for ws in book.chartsheets]
        hidden = [ws.title for ws in book.worksheets]
        what = ("the workbook has no visible worksheet"
                + (f" (chart sheets: {', '.join(charts)})" if charts else "")
                + (f" (hidden sheets: {', '.join(hidden)})" if hidden else ""))
        raise InputError(
            what, file=path,
            fix="save the table on a visible worksheet, or name the sheet under input.tables.<table>.sheet "
                "in the config",
        )
    chosen = worksheets[0]
    skipped = [name for name in book.sheetnames[:book.sheetnames.index(chosen.title)]]
    log.info("%s: read sheet '%s', the first visible worksheet%s", path.name, chosen.title,
             f" (passed over: {', '.join(skipped)})" if skipped else "")
    return chosen
