"""``kpbkit new-client`` (issue 16): a new client's folder whose paths are right from the start. That the demo's
extracts dropped into it validate and run without editing a path is tested in tests/test_demo.py, beside the
extracts its module generates once."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from kpbkit.cli import main


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


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
