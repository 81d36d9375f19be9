"""`kpbkit render PERIOD_FOLDER`: the reports of a run rendered again from its period folder alone.

The results folder is the reports' only input (issue 13): with the client's raw extracts and config gone, a
re-render gives the same HTML (apart from timestamps) and PDFs with the same text. And the render itself where it
may not start processes (a Dask worker).
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpbkit.cli import main
from kpbkit.report.export import pdf_text
from kpbkit.report.templates_catalog import REPORTS

#: the run's start and end, and nbconvert's or Chromium's dates, are the only things that may differ
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")


def _normalised(text: str) -> str:
    return _TIMESTAMP.sub("<time>", text)


def _first_difference(name: str, first: str, again: str) -> str:
    """The first differing lines of two HTML files (normalised), for the failure message."""
    diff = difflib.unified_diff(_normalised(first).splitlines(), _normalised(again).splitlines(), lineterm="", n=0)
    return f"{name}.html differs:\n" + "\n".join(line[:300] for line in list(diff)[:12])


@pytest.fixture
def hidden_inputs(demo_run, tmp_path: Path):
    """A copy of the demo's period folder whose run record names a config (and so an input folder) that does not
    exist: the render can read nothing but the folder. (The demo's own config and extracts stay where they are,
    for the tests other workers run meanwhile.)"""
    result, _ = demo_run
    copy = tmp_path / "reports" / result.config.client_id / result.config.period.label
    shutil.copytree(result.output_dir, copy)
    gone = tmp_path / "gone" / result.config.path.name
    record = json.loads((copy / "results" / "run.json").read_text(encoding="utf-8"))
    for named in (record, record["config"]):  # where the run's config is named (the path or just its name)
        assert Path(named["config_file"]).name == result.config.path.name
        named["config_file"] = str(gone)
    (copy / "results" / "run.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return result, copy, gone


@pytest.mark.render
def test_reports_render_again_from_the_period_folder_alone(hidden_inputs) -> None:
    result, copy, gone = hidden_inputs
    assert not gone.exists() and not gone.parent.exists()
    for report in REPORTS:  # nothing of the first run's reports can survive into the second
        for suffix in (".html", ".pdf"):
            (copy / f"{report.name}{suffix}").unlink()

    out = CliRunner().invoke(main, ["render", str(copy)])

    assert out.exit_code == 0, out.output
    for report in REPORTS:
        first = (result.output_dir / f"{report.name}.html").read_text(encoding="utf-8")
        again = (copy / f"{report.name}.html").read_text(encoding="utf-8")
        assert _normalised(again) == _normalised(first), _first_difference(report.name, first, again)
        assert pdf_text(copy / f"{report.name}.pdf") == pdf_text(result.output_dir / f"{report.name}.pdf"), report.name
        assert f"Report:   {copy / f'{report.name}.html'}" in out.output
    run = json.loads((copy / "results" / "run.json").read_text(encoding="utf-8"))
    assert run["rendered"] and len(run["templates"]) == len(REPORTS)
    # the results themselves are the run's, untouched
    for name in ("person_costs.csv", "kpis.csv", "reconciliation.csv", "comparison_kpis.csv"):
        assert (copy / "results" / name).read_bytes() == (result.output_dir / "results" / name).read_bytes()


def test_render_of_a_folder_without_a_run_is_a_clear_error(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["render", str(tmp_path)])
    assert out.exit_code != 0
    assert "no results of a kpbkit run in this folder" in out.output and str(tmp_path) in out.output
    assert "Traceback" not in out.output


def test_render_of_a_results_folder_from_an_older_kpbkit_says_run_again(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "run.json").write_text(json.dumps({"client": "x", "period": {"label": "2025"}}),
                                                   encoding="utf-8")
    out = CliRunner().invoke(main, ["render", str(tmp_path)])
    assert out.exit_code != 0
    assert "run.json has no config record" in out.output and "kpbkit run CONFIG" in out.output


def _render_in_daemon(period_folder: str, out: str) -> None:
    from kpbkit.report.render import render_reports

    chosen = [report for report in REPORTS if report.name in ("kvalitet", "prognos")]
    render_reports(chosen, period_folder=Path(period_folder), out_folder=Path(out), title="Exempelkommun 2025",
                   progress=lambda *_: None, step=iter(range(1, 20)), steps=19, pdf=False, workers=2)


@pytest.mark.render
def test_a_daemonic_process_such_as_a_dask_worker_renders_its_reports_one_by_one(demo_run, tmp_path: Path) -> None:
    import multiprocessing

    result, _ = demo_run
    # a Dask worker is a daemonic process, and may not start the processes the reports usually render in
    daemon = multiprocessing.get_context("forkserver").Process(
        target=_render_in_daemon, args=(str(result.output_dir), str(tmp_path)), daemon=True)
    daemon.start()
    daemon.join(timeout=300)
    assert daemon.exitcode == 0
    assert (tmp_path / "kvalitet.html").is_file() and (tmp_path / "prognos.html").is_file()
