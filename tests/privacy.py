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
