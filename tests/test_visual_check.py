"""The visual check script on the demo: every HTML report screenshotted in Chromium, PDF pages as PNG, no trip-ups."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_check_reports_finds_nothing_a_reader_would_trip_on(demo_run, tmp_path) -> None:
    result, _ = demo_run
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_reports.py"), str(result.output_dir),
                           "--pages", "1", "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reports = sorted(p.stem for p in result.output_dir.glob("*.html"))
    assert {"hemtjanst", "lss", "barn_unga", "kvalitet", "prognos"} <= set(reports)
    for name in reports:
        png = tmp_path / f"{name}_html.png"
        assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 20_000, name
        assert list(tmp_path.glob(f"{name}_pdf-*1.png")), name
        assert f"{name}.pdf:" in proc.stdout and "ok" in proc.stdout


def test_the_check_sees_a_missing_page_number_and_leftovers(tmp_path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import check_reports
    finally:
        sys.path.pop(0)
    from kpbkit.report import html_to_pdf

    html = tmp_path / "bad.html"
    html.write_text("<html><body><p>Kostnad: nan kr</p><p>" + "W" * 400 + "</p></body></html>", encoding="utf-8")
    pdf = html_to_pdf(html, tmp_path / "bad.pdf")
    problems = check_reports.check_pdf(pdf)
    assert any("without 'Sida N av M'" in p for p in problems)
    assert any("'nan'" in p for p in problems)
