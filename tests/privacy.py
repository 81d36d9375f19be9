"""What the privacy and rendering checks of outputs share: the extracts' personnummer, a report's visible text."""

from __future__ import annotations

import re
from pathlib import Path

from kpbkit.io.sources import read_source_text
from kpbkit.report import pdf_text

_PNR = re.compile(r"(?<!\d)(\d{6}|\d{8})[-+]?\d{4}(?!\d)")


def _text(path: Path) -> str:
    if path.suffix == ".xlsx":
        frame = read_source_text(path)
        return "\n".join(frame.astype(str).to_numpy().ravel())
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def personnummer_forms(folder: Path) -> set[str]:
    """Every personnummer-shaped value in the extracts, as 10 and 12 digits, with and without separators."""
    forms: set[str] = set()
    for path in folder.iterdir():
        if path.suffix not in (".csv", ".txt", ".xlsx") or path.name == "ledger_rules.csv":
            continue
        for match in _PNR.finditer(_text(path)):
            digits = re.sub(r"\D", "", match.group(0))
            ten = digits[-10:]
            forms.update({ten, f"{ten[:6]}-{ten[6:]}", f"{ten[:6]}+{ten[6:]}"})
            if len(digits) == 12:
                forms.update({digits, f"{digits[:8]}-{digits[8:]}"})
    return forms


def visible_text(path: Path) -> str:
    """The text a reader sees in a rendered report (HTML or PDF), whitespace collapsed."""
    if path.suffix == ".pdf":
        raw = pdf_text(path)
    else:
        from bs4 import BeautifulSoup

        raw = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ")
    return " ".join(raw.split())


def _cells_text(path: Path) -> str:
    """Every cell of every worksheet of a workbook (hidden sheets included), as text."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        return "\n".join(str(value) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                         for value in row if value is not None)
    finally:
        book.close()


def file_text(path: Path) -> str:
    """All the text a file holds, whatever its kind: CSV/JSON/ipynb/HTML/logs as text, Parquet and xlsx
    cell by cell, PDF after text extraction (its streams are compressed)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        return "\n".join([*table.column_names,
                          *(str(v) for column in table.columns for v in column.to_pylist() if v is not None)])
    if suffix in (".xlsx", ".xlsm"):
        return _cells_text(path)
    if suffix == ".pdf":
        return pdf_text(path)
    return path.read_bytes().decode("utf-8", errors="replace")


def identity_cores(text: str) -> set[str]:
    """The 10-digit core (YYMMDDNNNC) of every personnummer-shaped value in ``text``."""
    return {re.sub(r"\D", "", m.group(0))[-10:] for m in _PNR.finditer(text)}


def leaked_identities(folder: Path, identities: set[str]) -> dict[str, set[str]]:
    """Files under ``folder`` holding any of ``identities`` (10-digit cores): {relative path: the cores found}."""
    found: dict[str, set[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hits = identity_cores(file_text(path)) & identities
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found
