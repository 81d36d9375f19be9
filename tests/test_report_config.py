"""run.json's config record and the comparison figures a run gathers: what lets the reports read one folder only."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from kpbkit import comparisons
from kpbkit.analyses import compare
from kpbkit.analyses.load import load_results
from kpbkit.config import load_client_config
from kpbkit.config.snapshot import ReportConfig
from kpbkit.errors import InputError
from kpbkit.pipeline import run_client

SETTINGS = {
    "services": [{"code": "boendestod", "area": "lss", "unit": "hour"}],
    "age_bands": {"aldreomsorg": ["0-79", "80+"]},
    "report": {"publication": True, "threshold": 7},
    "lss": {"fk_hourly_rates": {2025: 339.3}, "rate_margin": 0.2},
    "comparison": {"price_index": 0.025, "history_years": 2,
                   "references": [{"kpi": "cost_per_hour", "area": "aldreomsorg", "value": 610, "unit": "SEK/hour",
                                   "year": 2024, "source": "Länets snitt"}]},
    "prognos": {"horizon": 4, "budget": {2026: 1_000_000}, "population_source": "SCB"},
    "quality": {"control_tolerance": 2.5},
}


def test_the_record_rebuilds_every_setting_the_reports_use(write_case, tmp_path: Path) -> None:
    config = load_client_config(write_case(tmp_path, config=SETTINGS))
    record = json.loads(json.dumps(ReportConfig.from_client_config(config).to_record()))  # as run.json holds it
    rebuilt = ReportConfig.from_record(record, tmp_path / "out", file=tmp_path / "run.json")
    assert (rebuilt.client_id, rebuilt.client_name, rebuilt.period) == (config.client_id, config.client_name,
                                                                          config.period)
    assert rebuilt.catalog.services == config.catalog.services and rebuilt.catalog.unit_of("boendestod") == "hour"
    assert rebuilt.age_bands == config.age_bands
    for section in ("report", "lss", "comparison", "prognos", "quality"):
        assert getattr(rebuilt, section) == getattr(config, section), section
    assert rebuilt.fk_hourly_rate(2025) == 339.3 and rebuilt.prognos.budget == {2026: 1_000_000}
    assert rebuilt.output_dir == tmp_path / "out" and rebuilt.path == config.path


def test_publish_overrides_the_configs_mode_in_the_record(write_case, tmp_path: Path) -> None:
    config = load_client_config(write_case(tmp_path))
    assert ReportConfig.from_client_config(config).report.publication is False
    published = ReportConfig.from_client_config(config, publication=True)
    assert published.report.publication is True and published.report.threshold == config.report.threshold


@pytest.mark.parametrize("record, message", [
    (None, "run.json has no config record"),
    ({"client": {"id": "x", "name": "X"}, "version": 99}, "version 99"),
    ({"version": 1, "client": {"id": "x", "name": "X"}, "period": {"year": "soon"}}, "damaged"),
])
def test_a_bad_record_is_a_clear_error(tmp_path: Path, record, message: str) -> None:
    with pytest.raises(InputError) as err:
        ReportConfig.from_record(record, tmp_path, file=tmp_path / "run.json")
    assert message in str(err.value) and "run.json" in str(err.value)


def test_comparison_municipalities_are_gathered_into_the_results(write_case, tmp_path: Path) -> None:
    peer_config = write_case(tmp_path / "peer", config={"client": {"id": "grannby", "name": "Grannby",
                                                                    "kommunkod": "0001"}})
    peer = run_client(peer_config, progress=lambda *a: None)
    config = write_case(tmp_path / "client", config={"comparison": {"municipalities": [
        str(peer.results_dir), "nowhere/2025/results"]}})
    res = load_results(run_client(config, progress=lambda *a: None).output_dir)
    shutil.rmtree(peer.output_dir)  # gathered when the client ran: the peer's folder is not read again

    (folder, found), (missing, absent) = compare.comparison_runs(res)
    assert folder == str(peer.results_dir) and found is not None and found.name == "Grannby"
    assert missing == "nowhere/2025/results" and absent is None
    direct = comparisons.figures_from_tables(peer.model.kpis, peer.model.person_costs, name="Grannby", year=2025)
    merged = found.kpis.merge(direct.kpis, on=["area", "kpi", "group", "unit"], suffixes=("", "_direct"))
    assert len(merged) == len(direct.kpis) == len(found.kpis)
    same = [(a == b) or (math.isnan(a) and math.isnan(b)) for a, b in zip(merged["value"], merged["value_direct"],
                                                                           strict=True)]
    assert all(same)
    pd.testing.assert_frame_equal(found.services.reset_index(drop=True), direct.services.reset_index(drop=True),
                                  check_dtype=False)
    refs = compare.references(res)
    assert len(refs) == len(comparisons.shipped_references())

