"""`kpbkit render --set KEY=VALUE` and `--period YEAR` (issue 16, item 4).

render draws the reports from a run's results, so --set takes only what the reports alone read (the forecast's
population source in words); every key the run's numbers, findings or workbooks depend on (the mode and threshold
included) is refused with a pointer to `kpbkit run --set`. --period picks the year's folder beside the given one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpbkit.cli import _render_folder, main
from kpbkit.pipeline import run_client


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    """A tiny case run once for the module (results only); its period folder."""
    from tests.conftest import write_case_files

    config = write_case_files(tmp_path_factory.mktemp("render-set"))
    return run_client(config, render=False, progress=lambda *a: None).output_dir


def _run_json(folder: Path) -> bytes:
    return (folder / "results" / "run.json").read_bytes()


@pytest.mark.parametrize(("item", "why"), [
    ("report.publication=false", "workbooks"),
    ("report.threshold=10", "workbooks"),
    ("lss.rate_margin=0.2", "numbers"),
    ("comparison.price_index=0.05", "numbers"),
    ("period.year=2024", "numbers"),
])
def test_render_refuses_a_key_the_run_depends_on(run_folder, item, why) -> None:
    before = _run_json(run_folder)
    out = CliRunner().invoke(main, ["render", str(run_folder), "--no-pdf", "--set", item])
    assert out.exit_code != 0
    key = item.split("=")[0]
    assert f"--set {key}: render cannot change it" in out.output and why in out.output
    assert f"kpbkit run CONFIG --set {item}" in out.output  # what to do instead
    assert "prognos.population_source" in out.output  # what render takes
    assert "Traceback" not in out.output
    assert _run_json(run_folder) == before and not list(run_folder.glob("*.html"))


def test_render_set_checks_the_value(run_folder) -> None:
    before = _run_json(run_folder)
    out = CliRunner().invoke(main, ["render", str(run_folder), "--set", "prognos.population_source=[1, 2]"])
    assert out.exit_code != 0 and "prognos.population_source: must be text" in out.output
    out = CliRunner().invoke(main, ["render", str(run_folder), "--set", "prognos.population_source"])
    assert out.exit_code != 0 and "is not KEY=VALUE" in out.output
    assert _run_json(run_folder) == before


def test_the_reports_read_the_setting_and_a_failing_render_keeps_the_run_s_record(run_folder, monkeypatch) -> None:
    from kpbkit import pipeline
    from kpbkit.errors import KpbkitError

    before = _run_json(run_folder)
    seen = []

    def failing_render(folder, **options):
        seen.append(json.loads(_run_json(Path(folder)))["config"]["prognos"]["population_source"])
        raise KpbkitError("a report failed")

    monkeypatch.setattr(pipeline, "render_run", failing_render)
    out = CliRunner().invoke(main, ["render", str(run_folder), "--set", "prognos.population_source=SCB 2025"])
    assert out.exit_code != 0 and "a report failed" in out.output
    assert seen == ["SCB 2025"]  # what the reports read while they render
    assert _run_json(run_folder) == before


def test_render_set_needs_the_report_that_shows_it(run_folder) -> None:
    before = _run_json(run_folder)
    out = CliRunner().invoke(main, ["render", str(run_folder), "--only", "lss", "--set",
                                    "prognos.population_source=SCB"])
    assert out.exit_code != 0
    assert "shows in the prognos report, which --only lss leaves out" in out.output and "--only prognos" in out.output
    assert _run_json(run_folder) == before


def test_period_picks_the_year_beside_the_folder_or_in_the_client_folder(run_folder, tmp_path) -> None:
    client = tmp_path / "reports" / "testkommun"
    for year in (2024, 2025):
        (client / str(year) / "results").mkdir(parents=True)
        (client / str(year) / "results" / "run.json").write_text("{}", encoding="utf-8")
    assert _render_folder(client / "2025", 2024) == client / "2024"
    assert _render_folder(client, 2024) == client / "2024"
    assert _render_folder(client / "2025", None) == client / "2025"
    out = CliRunner().invoke(main, ["render", str(run_folder), "--period", "2023"])
    assert out.exit_code != 0
    assert f"no run for 2023 in {run_folder.parent}" in out.output and "kpbkit run CONFIG --period 2023" in out.output


@pytest.mark.render
def test_render_set_population_source_shows_in_the_forecast_report_and_is_recorded(run_folder) -> None:
    source = "SCB:s befolkningsprognos 2025 (testkörning)"
    before = json.loads(_run_json(run_folder))
    client_folder = run_folder.parent  # --period from the client's folder
    out = CliRunner().invoke(main, ["render", str(client_folder), "--period", run_folder.name, "--only", "prognos",
                                    "--no-pdf", "--set", f"prognos.population_source={source}"])
    assert out.exit_code == 0, out.output
    assert source in (run_folder / "prognos.html").read_text(encoding="utf-8")
    record = json.loads(_run_json(run_folder))
    assert record["config"]["prognos"]["population_source"] == source
    record["config"]["prognos"]["population_source"] = before["config"]["prognos"]["population_source"]
    assert record["config"] == before["config"] and record["report_mode"] == before["report_mode"]
