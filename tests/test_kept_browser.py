"""A render worker's kept Chromium (kpbkit.report.browser): the same PDF as ``chromium --print-to-pdf``, a broken
browser replaced without losing the PDF, a hanging page stopped with the usual error, the browser gone with the
worker, and a forked child letting go of it."""

from __future__ import annotations

import os
import shutil
import signal
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from kpbkit.report import ReportError, browser, find_chromium, html_to_pdf, pdf_info, pdf_text

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(
        (find_chromium() is None or shutil.which("pdftotext") is None) and not IN_CI,
        reason="Chromium or pdftotext is not installed: run `bash scripts/setup-system.sh` (CI runs these tests)",
    ),
]

PAGE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm; } h1 { break-before: page; }
</style></head><body><p>Kostnad per brukare: 241 764 kr</p>
<svg width="200" height="60"><rect width="180" height="40" fill="#4c72b0"/><text x="4" y="30">Hemtjänst</text></svg>
<h1>Åtgärder</h1><p>Sida två: äldreomsorg och LSS.</p></body></html>"""


@pytest.fixture()
def kept(monkeypatch: pytest.MonkeyPatch):
    """Browsers kept in this process for one test (as in a render worker), closed afterwards."""
    monkeypatch.setattr(browser, "_keep", True)
    yield browser
    browser.discard()


def _page(tmp_path: Path, body: str = PAGE) -> Path:
    html = tmp_path / "page.html"
    html.write_text(body, encoding="utf-8")
    return html


def test_the_kept_browser_prints_what_the_command_line_prints(tmp_path: Path, kept) -> None:
    html = _page(tmp_path)
    kept._keep = False  # printed by `chromium --print-to-pdf` (the fixture restores it)
    alone = html_to_pdf(html, tmp_path / "alone.pdf")
    kept._keep = True
    first = html_to_pdf(html, tmp_path / "kept1.pdf")
    started = kept._kept
    second = html_to_pdf(html, tmp_path / "kept2.pdf")
    assert started is not None and kept._kept is started  # one browser for both PDFs
    for pdf in (first, second):
        assert pdf_info(pdf)["Pages"] == pdf_info(alone)["Pages"] == "2"
        assert pdf_info(pdf)["Page size"] == pdf_info(alone)["Page size"]
        assert pdf_text(pdf) == pdf_text(alone)
        assert "241 764 kr" in pdf_text(pdf) and "Åtgärder" in pdf_text(pdf)


def test_a_broken_browser_is_replaced_and_the_pdf_still_printed(tmp_path: Path, kept) -> None:
    html = _page(tmp_path)
    html_to_pdf(html, tmp_path / "one.pdf")
    broken = kept._kept
    os.killpg(broken._proc.pid, signal.SIGKILL)
    broken._proc.wait(timeout=10)
    pdf = html_to_pdf(html, tmp_path / "two.pdf")
    assert "241 764 kr" in pdf_text(pdf)
    assert kept._kept is not broken  # dropped; the next PDF starts a new one
    html_to_pdf(html, tmp_path / "three.pdf")
    assert kept._kept is not None and kept._kept is not broken


def test_a_page_that_never_loads_is_stopped_with_the_usual_error(tmp_path: Path, kept) -> None:
    html = _page(tmp_path, "<html><body><script>for (;;) {}</script></body></html>")
    with pytest.raises(ReportError, match="did not finish the PDF within 3 s"):
        html_to_pdf(html, tmp_path / "never.pdf", timeout=3)
    assert kept._kept is None
    assert not (tmp_path / "never.pdf").exists()
    assert "241 764 kr" in pdf_text(html_to_pdf(_page(tmp_path), tmp_path / "after.pdf", timeout=60))


def test_a_forked_child_lets_go_of_the_browser(tmp_path: Path, kept) -> None:
    html = _page(tmp_path)
    html_to_pdf(html, tmp_path / "before.pdf")
    pid = os.fork()
    if pid == 0:
        os._exit(0 if browser._kept is None and not browser._keep else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert kept._kept is not None
    assert "241 764 kr" in pdf_text(html_to_pdf(html, tmp_path / "after.pdf"))


def _print_in_worker(html: str, out: str) -> tuple[int, str]:
    html_to_pdf(Path(html), Path(out))
    return browser._kept._proc.pid, browser._kept._profile


def test_the_browser_ends_with_its_worker(tmp_path: Path) -> None:
    html = _page(tmp_path)
    with ProcessPoolExecutor(1, mp_context=get_context("forkserver"), initializer=browser.keep_open) as pool:
        pid, profile = pool.submit(_print_in_worker, str(html), str(tmp_path / "w.pdf")).result()
        assert Path(f"/proc/{pid}").exists() and Path(profile).is_dir()  # kept after the PDF, for the next one
    assert "241 764 kr" in pdf_text(tmp_path / "w.pdf")
    assert not Path(f"/proc/{pid}").exists()  # closed and reaped by the worker as it ended
    assert not Path(profile).exists()
