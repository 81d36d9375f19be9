"""What the privacy and rendering checks of outputs share: the extracts' personnummer, a report's visible text."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

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


def _number_text(raw: str) -> str:
    """A numeric cell's value as a reader gives it (an int, else a float), as text: ``1.94101012393E11`` is
    ``194101012393.0``."""
    try:
        return str(int(raw)) if re.fullmatch(r"-?[0-9]+", raw) else str(float(raw))
    except ValueError:
        return raw


def _xml(book: zipfile.ZipFile, name: str) -> tuple[ElementTree.Element, str]:
    """A part of the workbook and its namespace (``{...}``: transitional or strict, as the file was written)."""
    root = ElementTree.fromstring(book.read(name))
    return root, root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""


def _cells_text(path: Path) -> str:
    """Every cell of every worksheet of a workbook (hidden sheets included), as text, read from the file's XML:
    a string cell's text (shared, inline or rich), a formula and its cached value, and a number both as written
    and as a reader gives it. openpyxl's values are a subset of this text, but for dates, here their serial
    number (a date cannot hold a personnummer)."""
    texts: list[str] = []
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            strings, ns = _xml(book, "xl/sharedStrings.xml")
            shared = ["".join(t.text or "" for t in si.iter(f"{ns}t")) for si in strings.iter(f"{ns}si")]
        for name in sorted(n for n in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)):
            sheet, ns = _xml(book, name)
            for cell in sheet.iter(f"{ns}c"):
                kind = cell.get("t", "n")
                formula, value = cell.findtext(f"{ns}f"), cell.findtext(f"{ns}v")
                if formula:
                    texts.append("=" + formula)
                if kind == "inlineStr":
                    texts.append("".join(t.text or "" for t in cell.iter(f"{ns}t")))
                elif value is None:
                    continue
                elif kind == "s":
                    texts.append(shared[int(value)])
                elif kind == "n":
                    texts.extend((value, _number_text(value)))
                else:
                    texts.append(value)
    return "\n".join(texts)


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
