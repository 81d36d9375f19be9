"""Tests for the ``kpbkit`` command: help, validate, run, error handling and what lands in the output folder.

The example client's data holds Skatteverket test personnummer only.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from kpbkit.cli import main
from kpbkit.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CONFIG = ROOT / "client_configs" / "exempel.yaml"
EXAMPLE_DATA = ROOT / "client_configs" / "exempel"
RESULT_FILES = {"person_costs.csv", "unit_costs.csv", "reconciliation.csv", "kpis.csv", "data_quality.csv", "run.json"}

PNR_M_1941 = "194101012393"  # Skatteverket test personnummer


pytestmark = pytest.mark.usefixtures("cli_isolation")


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its content (empty folders show as entries too)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<dir>") for p in sorted(folder.rglob("*"))
    }


def assert_one_clean_error(result: Result) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert result.output.count("error:") == 1, result.output


# --- help -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "words"), [([], ["run", "validate"]), (["run"], ["CONFIG"]),
                                             (["validate"], ["CONFIG"])])
def test_help(args, words):
    result = invoke(*args, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    for word in words:
        assert word in result.output


def test_console_script_help():
    exe = Path(sys.executable).with_name("kpbkit")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "kpbkit.cli"]
    done = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0
    assert "validate" in done.stdout


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert "kpbkit" in result.output


# --- validate ---------------------------------------------------------------------------------------------------


def test_validate_the_example_config(monkeypatch):
    monkeypatch.setenv("KPBKIT_KEY_EXEMPEL", "example-test-key-0123456789abcdef")
    result = invoke("validate", EXAMPLE_CONFIG)
    assert result.exit_code == 0, result.output
    assert "Config OK" in result.output
    assert "Input OK" in result.output
    assert "Traceback" not in result.output


def test_validate_writes_nothing(tmp_path, write_case):
    path = write_case(tmp_path)
    before = tree(tmp_path)
    assert invoke("validate", path).exit_code == 0
    assert tree(tmp_path) == before


def test_broken_config_gives_one_message_and_no_traceback(tmp_path, write_case):
    path = write_case(tmp_path, config={"period": {"year": 2025, "start": "2025-01-01"}})
    result = invoke("validate", path)
    assert_one_clean_error(result)
    assert "period" in result.output


def test_debug_shows_the_traceback(tmp_path, write_case):
    path = write_case(tmp_path, config={"period": {"year": 2025, "start": "2025-01-01"}})
    result = invoke("--debug", "validate", path)
    assert result.exit_code != 0
    assert "Traceback" in result.output
    assert "period" in result.output


def test_missing_config_file(tmp_path):
    result = invoke("validate", tmp_path / "nope.yaml")
    assert_one_clean_error(result)
    assert "nope.yaml" in result.output


def test_validate_reports_a_bad_input_value_by_file_row_and_column(tmp_path, write_case):
    visits = "person_id,service_code,date,minutes,provider_id\np1,hemtjanst,2025-01-01,30,P1\np1,hemtjanst,x,1,P1\n"
    result = invoke("validate", write_case(tmp_path, visits=visits))
    assert_one_clean_error(result)
    assert "visits.csv" in result.output
    assert "row 3" in result.output
    assert "column 'date'" in result.output


def test_rules_error_in_run_gives_one_message(tmp_path, write_case):
    rules = "activity,account_prefix,responsibility,target,kind\n,,,service:hemtjanst:privat,cost\n"
    path = write_case(tmp_path, ledger_rules=rules)
    result = invoke("run", path, "--results-only")
    assert_one_clean_error(result)
    assert "ledger_rules.csv" in result.output and "row 2" in result.output
    assert not (tmp_path / "reports").exists()


# --- run ----------------------------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_run_writes_the_results_folder(tmp_path, write_case):
    path = write_case(tmp_path)
    result = invoke("run", path, "--results-only")
    assert result.exit_code == 0, result.output
    out = tmp_path / "reports" / "testkommun" / "2025"
    results = out / "results"
    assert {p.name for p in results.iterdir()} >= RESULT_FILES
    assert str(results) in result.output
    record = json.loads((results / "run.json").read_text(encoding="utf-8"))
    assert record["outcome"] == "ok"
    assert record["client"] == "testkommun"
    assert record["period"] == {"start": "2025-01-01", "end": "2025-12-31", "label": "2025"}
    assert record["config_sha256"] == sha256(path)
    inputs = record["inputs"]
    for name in ("persons", "providers", "visits", "ledger", "ledger_rules"):
        assert inputs[name]["sha256"] == sha256(tmp_path / "input" / f"{name}.csv"), name
    for name in ("person_costs", "unit_costs", "reconciliation", "kpis", "data_quality"):
        pd.read_csv(results / f"{name}.csv")  # readable CSV
    costs = pd.read_csv(results / "person_costs.csv")
    assert costs["person_id"].tolist() == ["p1"]
    assert costs["direct_cost"].sum() == pytest.approx(1000.0)
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no staging folder left behind


def test_run_with_a_half_year_period_uses_its_label(tmp_path, write_case):
    path = write_case(tmp_path, config={"period": {"year": None, "start": "2025-01-01", "end": "2025-06-30"}})
    assert invoke("run", path, "--results-only").exit_code == 0
    assert (tmp_path / "reports" / "testkommun" / "2025-01-01_2025-06-30" / "results" / "run.json").is_file()


def test_a_second_run_replaces_the_results(tmp_path, write_case):
    path = write_case(tmp_path)
    assert invoke("run", path, "--results-only").exit_code == 0
    ledger = tmp_path / "input" / "ledger.csv"
    ledger.write_text(ledger.read_text().replace("1000.00", "2000.00"))
    assert invoke("run", path, "--results-only").exit_code == 0
    costs = pd.read_csv(tmp_path / "reports" / "testkommun" / "2025" / "results" / "person_costs.csv")
    assert costs["direct_cost"].sum() == pytest.approx(2000.0)


BAD_VISITS = "person_id,service_code,date,minutes,provider_id\np1,hemtjanst,2025-01-01,trettio,P1\n"


def test_failing_run_leaves_nothing_under_the_output_folder(tmp_path, write_case):
    path = write_case(tmp_path, visits=BAD_VISITS)
    result = invoke("run", path, "--results-only")
    assert_one_clean_error(result)
    assert "visits.csv" in result.output and "row 2" in result.output and "minutes" in result.output
    assert tree(tmp_path / "reports") == {}


def test_failing_run_leaves_previous_results_untouched(tmp_path, write_case):
    path = write_case(tmp_path)
    assert invoke("run", path, "--results-only").exit_code == 0
    before = tree(tmp_path / "reports")
    (tmp_path / "input" / "visits.csv").write_text(BAD_VISITS, encoding="utf-8")
    result = invoke("run", path, "--results-only")
    assert_one_clean_error(result)
    assert tree(tmp_path / "reports") == before


@pytest.mark.parametrize("error", [InputError("simulated failure while writing"), RuntimeError("simulated")])
def test_failure_while_writing_results_leaves_no_half_written_output(tmp_path, write_case, monkeypatch, error):
    import kpbkit.pipeline

    def fail(*args, **kwargs):
        raise error

    path = write_case(tmp_path)
    monkeypatch.setattr(kpbkit.pipeline, "write_interim", fail)  # results/ is written by then
    result = invoke("run", path, "--results-only")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    # no period folder: the partial output is kept for diagnosis beside it, private, and the run names it
    client = tmp_path / "reports" / "testkommun"
    (kept,) = client.iterdir()
    assert kept.name.startswith(".2025.failed-")
    assert (kept / "results" / "person_costs.csv").is_file()
    assert kept.stat().st_mode & 0o777 == 0o700
    assert str(kept) in result.output
    assert not any((tmp_path / "system-tmp").iterdir())  # nothing in the system temp folder


def test_failure_while_writing_keeps_previous_results(tmp_path, write_case, monkeypatch):
    import kpbkit.pipeline

    path = write_case(tmp_path)
    assert invoke("run", path, "--results-only").exit_code == 0
    before = tree(tmp_path / "reports")

    def fail(*args, **kwargs):
        raise InputError("simulated failure while writing")

    monkeypatch.setattr(kpbkit.pipeline, "write_interim", fail)
    ledger = tmp_path / "input" / "ledger.csv"
    ledger.write_text(ledger.read_text().replace("1000.00", "2000.00"))
    result = invoke("run", path, "--results-only")
    assert_one_clean_error(result)
    after = tree(tmp_path / "reports")
    failed = {name for name in after if name.startswith("testkommun/.2025.failed-")}
    assert failed  # the partial output, kept beside the untouched period folder
    assert {name: value for name, value in after.items() if name not in failed} == before


def test_internal_error_shows_its_type_only_and_debug_the_traceback(tmp_path, write_case, monkeypatch):
    import kpbkit.pipeline

    def fail(*args, **kwargs):
        raise RuntimeError(f"something about {PNR_M_1941}")

    path = write_case(tmp_path)
    monkeypatch.setattr(kpbkit.pipeline, "run_model", fail)
    result = invoke("run", path, "--results-only")
    assert result.exit_code == 1
    assert "RuntimeError" in result.output
    assert "Traceback" not in result.output
    assert PNR_M_1941 not in result.output
    result = invoke("--debug", "run", path)
    assert result.exit_code == 1
    assert "Traceback" in result.output


# --- privacy: no personnummer in any output --------------------------------------------------------------------


def pnr_forms(folder: Path) -> set[str]:
    """Every personnummer in the input folder, as 12 digits (both centuries for 10-digit input) and 10 digits."""
    forms: set[str] = set()
    for path in folder.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "personnummer" not in frame.columns:
            continue
        for value in frame["personnummer"]:
            digits = re.sub(r"[^0-9]", "", value)
            if len(digits) not in (10, 12):
                continue
            ten = digits[-10:]
            forms.add(ten)
            forms.add(f"{ten[:6]}-{ten[6:]}")
            forms.update([digits] if len(digits) == 12 else ["19" + ten, "20" + ten])
    return forms


def all_output_text(folder: Path) -> dict[str, str]:
    """The text of every file under ``folder``; Parquet files as CSV (with their metadata)."""
    texts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            texts[str(path)] = frame.to_csv(index=False) + json.dumps(frame.attrs, default=str)
        else:
            texts[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    return texts


def test_no_personnummer_in_any_output_file(tmp_path, write_case):
    path = write_case(tmp_path / "case", **{p.stem: p.read_text(encoding="utf-8") for p in EXAMPLE_DATA.glob("*.csv")})
    forms = pnr_forms(tmp_path / "case" / "input")
    assert len(forms) > 20  # the example identifies persons by personnummer in several formats
    result = invoke("run", path, "--results-only")
    assert result.exit_code == 0, result.output
    texts = all_output_text(tmp_path / "case" / "reports")
    assert any(name.endswith(".parquet") for name in texts)
    assert any(name.endswith("person_costs.csv") for name in texts)
    for name, text in {**texts, "<cli output>": result.output}.items():
        found = sorted(form for form in forms if form in text)
        assert not found, f"{name} holds {len(found)} personnummer form(s)"
    # and the persons are there, pseudonymised
    persons = pd.read_parquet(tmp_path / "case" / "reports" / "testkommun" / "2025" / "interim" / "persons.parquet")
    assert len(persons) >= 10
    assert "personnummer" not in persons.columns


def test_personnummer_input_without_a_key_gives_one_message_naming_the_key(tmp_path, write_case, monkeypatch):
    monkeypatch.delenv("KPBKIT_TEST_KEY_CLI", raising=False)
    visits = f"personnummer,service_code,date,minutes,provider_id\n{PNR_M_1941},hemtjanst,2025-01-02,30,P1\n"
    path = write_case(tmp_path, visits=visits, config={"pseudonymisation": {"key_env": "KPBKIT_TEST_KEY_CLI",
                                                                              "key_file": None}})
    result = invoke("run", path, "--results-only")
    assert_one_clean_error(result)
    assert "pseudonymisation.key_env" in result.output and "KPBKIT_TEST_KEY_CLI" in result.output
    assert PNR_M_1941 not in result.output
    assert tree(tmp_path / "reports") == {}


def test_keygen_writes_a_key_and_refuses_to_overwrite(tmp_path):
    key = tmp_path / "keys" / "client.key"
    assert invoke("keygen", key).exit_code == 0
    first = key.read_bytes()
    assert len(first.strip()) >= 32
    assert_one_clean_error(invoke("keygen", key))
    assert key.read_bytes() == first
    assert invoke("keygen", key, "--force").exit_code == 0
    assert key.read_bytes() != first


def test_validate_checks_the_forecast_settings(tmp_path, write_case):
    config = write_case(tmp_path, config={"prognos": {"services": ["no_such_service"]}})
    result = CliRunner().invoke(main, ["validate", str(config)])
    assert result.exit_code == 2, result.output
    assert "prognos.services" in result.output and "Traceback" not in result.output
