"""Command-line conventions (issue 16): ``--set KEY=VALUE`` and ``--period`` override the config for one command,
``NO_COLOR`` turns colour off, ``--verbose`` shows kpbkit's debug messages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kpbkit.cli import main
from kpbkit.config import load_client_config

LEDGER_2024 = "date,account,responsibility,activity,amount\n2024-03-31,5010,100,510,1000.00\n"
VISITS_2024 = "person_id,service_code,date,minutes,provider_id\np1,hemtjanst,2024-03-01,60,P1\n"

pytestmark = pytest.mark.usefixtures("cli_isolation")  # --verbose sets the kpbkit logger's level


def test_set_and_period_override_the_config_for_one_run(tmp_path, write_case) -> None:
    config = write_case(tmp_path, ledger=LEDGER_2024, visits=VISITS_2024)
    ran = CliRunner().invoke(main, ["run", str(config), "--results-only", "--period", "2024",
                                    "--set", "report.threshold=10", "--set", "client.name=Annan kommun"])
    assert ran.exit_code == 0, ran.output
    record = json.loads((tmp_path / "reports" / "testkommun" / "2024" / "results" / "run.json").read_text())
    assert record["period"]["label"] == "2024" and record["client_name"] == "Annan kommun"
    assert record["report_mode"]["threshold"] == 10
    # the file is unchanged, and its own hash differs from that of the run with overrides
    assert "2024" not in config.read_text(encoding="utf-8")
    assert record["config_sha256"] != load_client_config(config).config_hash


def test_a_bad_override_names_the_key_and_how_to_write_it(tmp_path, write_case) -> None:
    result = CliRunner().invoke(main, ["validate", str(write_case(tmp_path)), "--set", "period.year"])
    assert result.exit_code != 0 and "key '--set'" in result.output and "--set period.year=2024" in result.output
    typo = CliRunner().invoke(main, ["validate", str(write_case(tmp_path)), "--set", "report.treshold=3"])
    assert typo.exit_code != 0 and "did you mean 'threshold'?" in typo.output


def test_no_color_and_verbose(tmp_path, write_case, monkeypatch) -> None:
    missing = str(tmp_path / "missing.yaml")
    coloured = CliRunner().invoke(main, ["validate", missing], color=True)
    assert "\x1b[" in coloured.output
    monkeypatch.setenv("NO_COLOR", "1")
    plain = CliRunner().invoke(main, ["validate", missing], color=True)
    assert plain.exit_code != 0 and "\x1b[" not in plain.output and "config file not found" in plain.output
    import logging

    CliRunner().invoke(main, ["--verbose", "validate", missing])
    assert logging.getLogger("kpbkit").level == logging.DEBUG
    CliRunner().invoke(main, ["validate", missing])
    assert logging.getLogger("kpbkit").level == logging.INFO
