"""One-line summaries of a run's results for the end of ``kpbkit run``: data quality and findings counts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SEVERITY_WORDS = (("error", "error", "errors"), ("warning", "warning", "warnings"), ("info", "note", "notes"))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def quality_counts(results: Path) -> str | None:
    """``"0 errors, 3 warnings, 5 notes"`` from ``data_quality.csv`` (``None`` without one)."""
    path = Path(results) / "data_quality.csv"
    if not path.is_file():
        return None
    severity = pd.read_csv(path, usecols=["severity"], dtype=str)["severity"].value_counts()
    return ", ".join(_count(int(severity.get(key, 0)), one, many) for key, one, many in SEVERITY_WORDS)


def findings_per_area(results: Path) -> str:
    """``"12 (aldreomsorg 6, lss 3, barn_unga 3)"`` from ``findings.csv`` (empty without one or without findings)."""
    path = Path(results) / "findings.csv"
    if not path.is_file():
        return ""
    areas = pd.read_csv(path, usecols=["area"], dtype=str)["area"]
    if not len(areas):
        return ""
    per = ", ".join(f"{area} {n}" for area, n in areas.value_counts(sort=False).items())
    return f"{len(areas)} ({per})"
