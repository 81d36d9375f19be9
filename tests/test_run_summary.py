"""The end of a run says what this run wrote, and only that (issue 16): the results, the workbook, the reports it
rendered, its log (``results/run.log``, every message with its warnings, also in run.json), the data-quality
counts and the findings per area. Reports kept from an earlier run are named as such, and an area rendered again
without a PDF does not keep its older PDF beside the new HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpbkit.cli import main

FORECAST_WITH_A_GAP = "year,age,sex,count\n2026,85,K,100\n"


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _listed(output: str) -> list[str]:
    """The file names of the summary's Workbook:/Report: lines."""
    return [Path(m.group(1)).name for m in re.finditer(r"^(?:Workbook|Report):\s+(\S+)$", output, re.M)]


def test_a_results_run_lists_its_results_workbook_log_quality_and_findings(tmp_path, write_case) -> None:
    config = write_case(tmp_path, population_forecast=FORECAST_WITH_A_GAP,
                        population="year,age,sex,count\n2025,84,M,90\n")
    ran = _invoke("run", config, "--results-only")
    assert ran.exit_code == 0, ran.output
    assert _listed(ran.output) == ["kpb_testkommun_2025.xlsx"]
    period = tmp_path / "reports" / "testkommun" / "2025"
    assert f"Results:  {period / 'results'}" in ran.output
    log = (period / "results" / "run.log").read_text(encoding="utf-8")
    record = json.loads((period / "results" / "run.json").read_text(encoding="utf-8"))
    # the forecast file lacks 2027-2035: a warning on the terminal, in run.log and in run.json
    assert any(w.startswith("No population for 2027") for w in record["warnings"]), record["warnings"]
    assert re.search(r"^\d\d:\d\d:\d\d WARNING No population for 2027", log, re.M)
    assert re.search(r"^\d\d:\d\d:\d\d INFO    \[\d/\d\] Reading input", log, re.M)  # progress too
    assert f"Log:      {period / 'results' / 'run.log'} ({len(record['warnings'])} warning" in ran.output
    assert re.search(r"^Quality:  \d+ errors?, \d+ warnings?, \d+ notes?: `kpbkit validate` lists them$", ran.output,
                     re.M)


def test_a_client_without_a_forecast_gets_a_note_not_a_warning(tmp_path, write_case) -> None:
    ran = _invoke("run", write_case(tmp_path), "--results-only")
    assert ran.exit_code == 0, ran.output
    record = json.loads((tmp_path / "reports" / "testkommun" / "2025" / "results" / "run.json").read_text())
    assert not any("No population" in w for w in record["warnings"])
    assert "No population forecast in the input" in (
        tmp_path / "reports" / "testkommun" / "2025" / "results" / "run.log").read_text(encoding="utf-8")


@pytest.mark.render
def test_only_this_run_s_reports_are_listed_and_older_ones_are_named(tmp_path, write_case) -> None:
    # the two lightest reports (the quality report and the forecast): what is tested is the folder, not a report
    config = write_case(tmp_path)
    period = tmp_path / "reports" / "testkommun" / "2025"

    first = _invoke("run", config, "--only", "kvalitet")
    assert first.exit_code == 0, first.output
    assert _listed(first.output) == ["kpb_testkommun_2025.xlsx", "kvalitet.html", "kvalitet.pdf"]

    second = _invoke("run", config, "--only", "prognos", "--no-pdf")
    assert second.exit_code == 0, second.output
    assert _listed(second.output) == ["kpb_testkommun_2025.xlsx", "prognos.html"]
    assert ("warning: kept from an earlier run, not made from these results: kvalitet.html, kvalitet.pdf"
            in second.output)

    third = _invoke("run", config, "--only", "kvalitet", "--no-pdf")
    assert third.exit_code == 0, third.output
    assert _listed(third.output) == ["kpb_testkommun_2025.xlsx", "kvalitet.html"]
    assert not (period / "kvalitet.pdf").exists()  # not left beside the new HTML it no longer matches
    assert "kept from an earlier run, not made from these results: prognos.html" in third.output


def test_a_template_s_period_folder_may_come_typed_as_papermill_reads_it(tmp_path, write_case, monkeypatch) -> None:
    """``papermill -p period_folder 2025`` in the client's output folder gives the number 2025 (issue 16)."""
    from kpbkit.views.common import load

    assert _invoke("run", write_case(tmp_path), "--results-only").exit_code == 0
    monkeypatch.chdir(tmp_path / "reports" / "testkommun")
    assert load(2025).config.client_id == load("2025").config.client_id == load(tmp_path / "reports" / "testkommun"
                                                                                  / "2025").config.client_id
