"""No code names in anything a client reads (issue 14): the demo's five reports, internal and for publication, show
no kpbkit file or module names, snake_case codes (service codes, columns, check ids, config keys), ledger targets or
`unmapped`. The client's own input file names may appear (the quality report names them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.privacy import visible_text

REPORTS = ("hemtjanst", "lss", "barn_unga", "prognos", "kvalitet")
CODE_NAMES = re.compile(
    r"\b[\w-]+\.(?:csv|parquet|ipynb|json|py|yaml)\b"      # a file name
    r"|\bkpbkit\.[a-z_]+"                                  # a module
    r"|\b[a-z0-9]+_[a-z0-9_]+\b"                           # snake_case: codes, columns, check ids, config keys
    r"|\b(?:service|overhead|myndighet):[a-z_]+"            # a ledger target
    r"|\bunmapped\b"
)


def _allowed(input_folder: Path) -> set[str]:
    """The client's own input file names and their stems."""
    return {n for p in input_folder.rglob("*") if p.is_file() for n in (p.name, p.stem)}


def code_names(text: str, allowed: set[str]) -> list[str]:
    return sorted({m.group(0) for m in CODE_NAMES.finditer(text)} - allowed)


def test_the_scan_finds_code_names() -> None:
    text = "Se pa_six_month.csv och kpbkit.demo; målet service:hvb:extern och gross_cost, rad unmapped."
    assert code_names(text, set()) == ["gross_cost", "kpbkit.demo", "pa_six_month.csv", "service:hvb", "unmapped"]
    assert code_names("Kostnad per timme 0–64 år, 12,5 %.", set()) == []


@pytest.mark.parametrize("report", REPORTS)
def test_the_demo_reports_show_no_code_names(demo_run, report) -> None:
    result, input_folder = demo_run
    allowed = _allowed(Path(input_folder))
    assert code_names(visible_text(result.output_dir / f"{report}.html"), allowed) == []


def test_the_publication_reports_show_no_code_names(demo_run, demo_publication_run) -> None:
    allowed = _allowed(Path(demo_run[1]))
    for report in REPORTS:
        path = demo_publication_run.output_dir / f"{report}.html"
        assert code_names(visible_text(path), allowed) == [], report
