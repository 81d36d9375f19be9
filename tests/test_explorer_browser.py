"""The explorer in a real browser: `kpbkit lab`'s JupyterLab driven by headless Chromium through Playwright.

Runs utforska.ipynb, changes the area, the services and the providers with clicks in the widgets, and checks that
every output (the key figures, each tab, the last cell) shows what kpbkit computes for that selection; then
reloads the page and finds the widgets still there. Screenshots of each step go to ``$KPBKIT_SCREENSHOTS`` (else
the test's temporary folder). Skipped, never failed, where Playwright or Chromium is missing.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpbkit import formats
from kpbkit.analyses.load import load_results
from kpbkit.cli import main
from kpbkit.explorer import TABLE_NAMES, Selection, explore
from kpbkit.labels import explorer as xl
from kpbkit.pipeline import run_client
from tests.conftest import write_case_files
from tests.test_explorer import TINY

pytestmark = pytest.mark.render

CHROMIUM = os.environ.get("KPBKIT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
TABS = [name for name in TABLE_NAMES if name != "summary"]

# test_explorer's tiny run, plus a nursing home (särskilt boende, an external provider) in äldreomsorg and a group
# home (gruppbostad, an own one) in LSS: two areas, two services, four providers
CASE = {
    **TINY,
    "persons": TINY["persons"] + "p4,1980-05-05,M\np5,1935-02-02,K\n",
    "providers": TINY["providers"] + "P3,Solgarden AB,extern\nP4,Gruppbostaden Ek,egen\n",
    "stays": ("stay_id,person_id,service_code,start_date,end_date,provider_id\n"
              "s1,p5,sarskilt_boende,2025-01-01,2025-01-31,P3\ns2,p4,gruppbostad,2025-02-01,2025-02-28,P4\n"),
    "ledger": TINY["ledger"] + "2025-03-31,5010,100,512,31000.00\n2025-03-31,5010,100,513,56000.00\n",
    "ledger_rules": TINY["ledger_rules"] + "512,,,service:sarskilt_boende:extern,cost\n"
                                           "513,,,service:gruppbostad:egen,cost\n",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/setup-system.sh installs it; or set KPBKIT_CHROMIUM)")
    return sync_playwright


@pytest.fixture(scope="module")
def lab(tmp_path_factory, playwright_api) -> Iterator[dict]:
    """The case run, `kpbkit lab --dry-run`'s notebook and command, and that JupyterLab started on a free port
    with a token (its runtime, user settings and workspaces in a temporary folder)."""
    root = tmp_path_factory.mktemp("browser")
    config = write_case_files(root / "case", **CASE)
    run_client(config, render=False, progress=lambda *a: None)
    out = CliRunner().invoke(main, ["lab", str(config), "--dry-run", "--no-browser"])
    assert out.exit_code == 0, out.output
    command = shlex.split(out.output.split("Command:", 1)[1].strip().splitlines()[0])
    notebook = Path(out.output.split("Notebook:", 1)[1].split()[0])
    port, token = _free_port(), secrets.token_hex(16)
    command += [f"--port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
                f"--IdentityProvider.token={token}"] + (["--allow-root"] if os.geteuid() == 0 else [])
    home = root / "jupyter"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "user-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    log = (root / "lab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not start: {(root / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield {"url": f"{base}/lab/tree/{notebook.name}?token={token}", "notebook": notebook,
               "results": load_results(notebook.parent)}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def shots() -> Path | None:
    """Where each step's screenshot goes: ``$KPBKIT_SCREENSHOTS`` (none taken when it is not set: a full page
    costs about half a second to encode, and only a person reads them)."""
    folder = os.environ.get("KPBKIT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder) if folder else None


#: the columns in kronor of each table
MONEY = {"per_service": ("gross_cost", "kpb_cost_per_unit", "cost_per_brukare"),
         "per_provider": ("gross_cost", "cost_per_brukare"), "by_age_sex": ("gross_cost", "cost_per_brukare"),
         "distribution": ("gross_cost",), "top_cases": ("gross_cost", "net_cost")}


def _expected(results, selection: Selection) -> dict[str, set[str]]:
    """Per output (the key figures, each tab), the amounts kpbkit computes for the selection, written as the
    explorer writes kronor."""
    found = explore(results, selection)
    summary = found["summary"]
    out = {"summary": {formats.kr(v) for v in summary.loc[summary["format"] == "kr", "value"].dropna()}}
    for name, columns in MONEY.items():
        out[name] = {formats.kr(v) for c in columns for v in found[name][c].dropna()}
    return out


def test_the_explorer_follows_area_service_and_provider_clicks_and_survives_a_reload(
        lab, shots, playwright_api) -> None:
    results = lab["results"]
    t0 = time.monotonic()
    with playwright_api() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2600})
            page.on("dialog", lambda dialog: dialog.accept())
            page.goto(lab["url"])
            page.wait_for_selector("text=| Idle", timeout=60_000)
            page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
            page.click("text=Run All Cells")
            explorer = page.locator(".kpb-explorer")
            explorer.wait_for(timeout=60_000)
            last_cell = page.locator(".jp-CodeCell").last.locator(".jp-Cell-outputArea .widget-output")
            last_cell.wait_for(timeout=30_000)
            assert page.get_by_text("Would you like to get notified").count() == 0, "the news pop-up is off"

            summary = explorer.locator(":scope > .widget-output")
            tab_bar = explorer.locator(".jupyter-widget-tab > .lm-TabBar .lm-TabBar-tab")
            panes = explorer.locator(".jupyter-widget-tab > .widget-tab-contents > .widget-output")
            titles = [tab_bar.nth(i).inner_text() for i in range(tab_bar.count())]
            assert titles == [xl.SECTIONS[n] for n in TABS]
            for i in range(tab_bar.count()):  # full titles: no label is cut
                label = tab_bar.nth(i).locator(".lm-TabBar-tabLabel")
                assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), titles[i]

            before: dict[str, set[str]] = {}

            def read() -> dict[str, set[str]]:
                """The amounts each output shows: the key figures, each tab's table (its chart has axes in kronor
                too), the last cell."""
                got = {"summary": _values(summary.locator("table").inner_text())}
                for i, name in enumerate(TABS):
                    tab_bar.nth(i).click()
                    assert panes.nth(i).locator("h3").inner_text() == xl.SECTIONS[name]
                    got[name] = _values(panes.nth(i).locator("table").inner_text())
                got["last_cell"] = _values(last_cell.inner_text())
                return got

            before: dict[str, set[str]] = {}

            def shows(selection: Selection, step: str, *, changed: bool = True) -> None:
                """Every output holds exactly the selection's amounts (each changed by the step if ``changed``)."""
                expected = _expected(results, selection)
                expected["last_cell"] = expected["per_service"]
                got = _until(read, expected)
                assert got == expected, (step, {k: (got[k], v) for k, v in expected.items() if got[k] != v})
                for name in expected:
                    assert not changed or expected[name] != before.get(name), (step, name, "unchanged by the step")
                before.update(expected)
                tab_bar.nth(0).click()
                if shots:
                    page.screenshot(path=str(shots / f"{step}.png"))

            shows(Selection("aldreomsorg"), "01-run-all")
            tab_bar.nth(TABS.index("distribution")).click()
            if shots:
                explorer.locator(".jupyter-widget-tab").screenshot(path=str(shots / "01-tab-titles.png"))

            explorer.locator(".widget-dropdown select").select_option(label="LSS")
            _settle(page)
            shows(Selection("lss"), "02-area-lss")
            explorer.locator(".widget-dropdown select").select_option(label="Äldreomsorg")
            _settle(page)
            shows(Selection("aldreomsorg"), "03-area-aldreomsorg")

            lists = explorer.locator(".widget-select-multiple select")
            services, providers = lists.nth(0), lists.nth(2)
            services.locator("option", has_text="Hemtjänst").click()
            _settle(page)
            narrowed = _until(lambda: _names(providers.locator("option").all_inner_texts()),
                              ["Hemtjansten Norr", "Omsorg AB"])
            assert narrowed == ["Hemtjansten Norr", "Omsorg AB"], "the providers narrow to the chosen service"
            shows(Selection("aldreomsorg", services=("hemtjanst",)), "04-services-hemtjanst")
            providers.locator("option", has_text="Omsorg AB").click()
            _settle(page)
            chosen = Selection("aldreomsorg", services=("hemtjanst",), providers=("P2",))
            shows(chosen, "05-providers-omsorg")

            # the notebook saves itself a few seconds after the change (kpbkit lab's settings), then a reload
            page.wait_for_selector(".jp-mod-dirty", state="detached", timeout=20_000)
            page.reload()
            page.wait_for_selector("text=| Idle", timeout=60_000)
            explorer.wait_for(timeout=30_000)
            last_cell.wait_for(timeout=30_000)
            _settle(page)
            assert explorer.locator(".jupyter-widget-tab").is_visible()
            assert _names(providers.evaluate("s => [...s.selectedOptions].map(o => o.text)")) == ["Omsorg AB"]
            shows(chosen, "06-after-reload", changed=False)
        finally:
            browser.close()
    saved = json.loads(lab["notebook"].read_text(encoding="utf-8"))
    assert saved["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"], "widget state saved"
    assert time.monotonic() - t0 < 120


def _values(text: str) -> set[str]:
    """The amounts in kronor in a text, as formats.kr writes them (``1 200 kr``, non-breaking spaces)."""
    import re

    return set(re.findall(r"-?\d{1,3}(?:\xa0\d{3})*\xa0kr", text))


def _names(texts: list[str]) -> list[str]:
    """Option texts with ordinary spaces (ipywidgets writes non-breaking ones)."""
    return [t.replace("\xa0", " ").strip() for t in texts]


def _until(read, expected, timeout: float = 20.0):
    """``read()`` once it returns ``expected`` (the kernel redraws the outputs after a click), or its last value
    after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        got = read()
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.25)


def _settle(page) -> None:
    """Wait until the kernel has handled the change (the status bar says Idle again)."""
    page.wait_for_timeout(300)
    page.wait_for_selector("text=| Idle", timeout=30_000)
