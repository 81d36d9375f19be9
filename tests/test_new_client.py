"""``kpbkit new-client`` (issue 16): a new client's folder whose paths are right from the start. The demo's
extracts dropped into it (and its ledger rules over the template) validate and run without editing a path."""

from __future__ import annotations

import json
import shutil
import stat

import yaml
from click.testing import CliRunner

from kpbkit.cli import main
from kpbkit.demo import generate_demo

DEMO_CONFIG = "client_configs/exempelkommun.yaml"


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_demo_s_extracts_run_in_a_new_client_folder_without_editing_a_path(tmp_path) -> None:
    folder = tmp_path / "kunder" / "karlstad"
    made = _invoke("new-client", folder, "--name", "Karlstads kommun", "--kommunkod", "1780", "--like", DEMO_CONFIG)
    assert made.exit_code == 0, made.output
    config = folder / "karlstad.yaml"
    assert f"kpbkit validate {config}" in made.output
    key = folder / "karlstad.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) >= 32
    assert not any(p.suffix == ".key" for p in (folder / "extracts").iterdir())
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert data["client"] == {"id": "karlstad", "name": "Karlstads kommun", "kommunkod": "1780"}
    assert data["input"]["folder"] == "extracts" and data["pseudonymisation"]["key_file"] == "karlstad.key"

    extracts = generate_demo(tmp_path / "demo")
    for path in extracts.iterdir():
        if path.name == "ledger_rules.csv":
            shutil.copy(path, folder / "ledger_rules.csv")  # the consultant's rules replace the template
        elif path.is_file():
            shutil.copy(path, folder / "extracts" / path.name)
    checked = _invoke("validate", config)
    assert checked.exit_code == 0, checked.output
    ran = _invoke("run", config, "--results-only")
    assert ran.exit_code == 0, ran.output
    record = json.loads((folder / "reports" / "karlstad" / "2025" / "results" / "run.json").read_text())
    assert record["outcome"] == "ok" and record["client_name"] == "Karlstads kommun"


def test_a_new_client_without_like_has_the_swedish_shape_and_refuses_to_overwrite(tmp_path) -> None:
    made = _invoke("new-client", tmp_path / "ny", "--id", "nykommun")
    assert made.exit_code == 0, made.output
    data = yaml.safe_load((tmp_path / "ny" / "nykommun.yaml").read_text(encoding="utf-8"))
    assert data["input"] == {"folder": "extracts", "shape": "swedish"}
    assert (tmp_path / "ny" / "ledger_rules.csv").read_text(encoding="utf-8").startswith(
        "activity,account_prefix,responsibility,target,kind\n")
    again = _invoke("new-client", tmp_path / "ny", "--id", "nykommun")
    assert again.exit_code != 0 and "already exists" in again.output
    bad = _invoke("new-client", tmp_path / "x", "--id", "Stor Kommun")
    assert bad.exit_code != 0 and "key '--id'" in bad.output
