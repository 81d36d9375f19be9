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


SHARED_DRIVER = """
import json, multiprocessing, os, signal, sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from kpbkit.report import browser, export, html_to_pdf, pdf_text

html, out, kill_first = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "kill"

def work(i):
    pdf = html_to_pdf(html, out / f"{i}.pdf")
    own = browser._kept._proc.pid if browser._kept is not None else None
    return "241 764 kr" in pdf_text(pdf), own

assert export.share_browser()
shared = browser._shared
if kill_first:
    os.killpg(shared._proc.pid, signal.SIGKILL)
    shared._proc.wait()
with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"), initializer=browser.keep_open) as pool:
    results = list(pool.map(work, range(4)))
profile = shared._profile
browser.close_shared()
print(json.dumps({"results": results, "browser": shared._proc.pid, "profile": profile}))
"""


def _shared_run(tmp_path: Path, mode: str) -> dict:
    import json
    import subprocess
    import sys

    out = tmp_path / mode
    out.mkdir()
    done = subprocess.run([sys.executable, "-c", SHARED_DRIVER, str(_page(tmp_path)), str(out), mode],
                          capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_render_workers_share_the_browser_their_parent_started(tmp_path: Path) -> None:
    run = _shared_run(tmp_path, "share")
    assert [printed for printed, _ in run["results"]] == [True] * 4
    assert [own for _, own in run["results"]] == [None] * 4  # no worker started a browser of its own
    assert not Path(f"/proc/{run['browser']}").exists() and not Path(run["profile"]).exists()  # closed after


def test_workers_print_with_their_own_browser_when_the_shared_one_is_gone(tmp_path: Path) -> None:
    run = _shared_run(tmp_path, "kill")
    assert [printed for printed, _ in run["results"]] == [True] * 4
    owns = [own for _, own in run["results"]]
    # the first PDF a worker tried with the dead browser printed with --print-to-pdf; the next with its own
    assert owns.count(None) <= 2 and any(owns) and run["browser"] not in owns
