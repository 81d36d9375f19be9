"""``kpbkit batch`` (issue 15): three small clients, one of them broken, locally and on a Dask cluster.

The two good clients get the results a single ``kpbkit run`` gives them (every results file byte for byte but
run.json's times), the broken one is reported with its error and the exit status is non-zero; a second batch
skips the unchanged clients and runs a client again once one of its inputs changes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpbkit.cli import main
from tests.conftest import write_case_files

VISITS_B = ("person_id,service_code,date,minutes,provider_id\n"
            "p1,hemtjanst,2025-03-01,60,P1\np2,hemtjanst,2025-04-01,90,P1\np2,hemtjanst,2025-05-01,30,P1\n")
PERSONS_B = "person_id,birth_date,sex\np1,1941-01-01,M\np2,1933-05-05,K\n"


def _clients(root: Path) -> list[Path]:
    """Client a and b (each its own folder and data), and c, whose ledger is missing."""
    a = write_case_files(root / "a", config={"client": {"id": "kommun-a", "name": "Kommun A"}})
    b = write_case_files(root / "b", config={"client": {"id": "kommun-b", "name": "Kommun B"}},
                         visits=VISITS_B, persons=PERSONS_B)
    c = write_case_files(root / "c", config={"client": {"id": "kommun-c", "name": "Kommun C"}}, ledger=None)
    return [a, b, c]


def _results(config: Path) -> dict[str, bytes]:
    folder = next((config.parent / "reports").glob("*/2025/results"))
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _lines(output: str) -> dict[str, str]:
    """The summary's outcome per client (the table after the progress lines)."""
    table = output.split("\nClient", 1)[1]
    return {line.split()[0]: line.split()[1] for line in table.splitlines()[1:]
            if line.strip() and not line.startswith("error:")}


@pytest.fixture(scope="module")
def single_runs(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """The good clients' results from one `kpbkit run --results-only` each."""
    out = {}
    for config in _clients(tmp_path_factory.mktemp("single"))[:2]:
        ran = _invoke("run", config, "--results-only")
        assert ran.exit_code == 0, ran.output
        out[config.parent.name] = _results(config)
    return out


def _check_batch(configs: list[Path], single: dict[str, dict[str, bytes]], *extra: object) -> None:
    """Two clients succeed with a single run's results, the broken one is reported, the exit status is 1."""
    first = _invoke("batch", *configs, "--results-only", *extra)
    assert first.exit_code == 1, first.output
    assert _lines(first.output) == {"kommun-a": "ok", "kommun-b": "ok", "kommun-c": "failed"}, first.output
    assert "the ledger table is missing" in first.output
    assert "1 of 3 client(s) failed: kommun-c" in first.output
    for config in configs[:2]:
        assert _results(config) == single[config.parent.name], config


def _check_skips(configs: list[Path], single: dict[str, dict[str, bytes]], *extra: object) -> None:
    """A second batch skips the unchanged clients; a changed input runs its client again."""
    again = _invoke("batch", *configs, "--results-only", *extra)
    assert again.exit_code == 1, again.output
    assert _lines(again.output) == {"kommun-a": "skipped", "kommun-b": "skipped", "kommun-c": "failed"}

    ledger = configs[1].parent / "input" / "ledger.csv"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("1000.00", "1200.00"), encoding="utf-8")
    changed = _invoke("batch", *configs, "--results-only", *extra)
    assert _lines(changed.output) == {"kommun-a": "skipped", "kommun-b": "ok", "kommun-c": "failed"}
    assert _results(configs[1]) != single["b"]


def test_a_local_batch_runs_each_client_isolated_and_skips_unchanged_ones(tmp_path, single_runs) -> None:
    configs = _clients(tmp_path / "local")
    _check_batch(configs, single_runs, "--workers", "2")
    _check_skips(configs, single_runs, "--workers", "2")


def test_a_batch_on_a_dask_cluster_gives_the_same(tmp_path, single_runs) -> None:
    distributed = pytest.importorskip("dask.distributed")
    # as `dask worker` runs the tasks: in the threads of a worker, two clients at once (in this process: no
    # second interpreter to start; the local batch above shows the clients crossing process boundaries)
    cluster_options = {"n_workers": 1, "threads_per_worker": 2, "processes": False, "dashboard_address": None}
    with distributed.LocalCluster(**cluster_options) as cluster:
        configs = _clients(tmp_path / "cluster")
        _check_batch(configs, single_runs, "--scheduler", cluster.scheduler_address)
        # the skip is decided on the worker, as locally: one client unchanged is enough to show it
        again = _invoke("batch", configs[0], "--results-only", "--scheduler", cluster.scheduler_address)
        assert again.exit_code == 0 and _lines(again.output) == {"kommun-a": "skipped"}, again.output


def test_a_config_the_workers_cannot_read_and_an_unreachable_scheduler_are_clear(tmp_path, monkeypatch) -> None:
    from kpbkit import batch
    from kpbkit.batch import Options, run_one

    monkeypatch.setattr(batch, "CONNECT_TIMEOUT", "0.2s")
    missing = run_one(str(tmp_path / "gone.yaml"), Options(render=False), remote=True)
    assert missing.outcome == "failed"
    assert "cannot read the config" in missing.error and "shared folder" in missing.error
    config = _clients(tmp_path)[0]
    unreachable = _invoke("batch", config, "--scheduler", "tcp://127.0.0.1:1", "--results-only")
    assert unreachable.exit_code != 0 and "cannot reach the Dask scheduler" in unreachable.output
    assert "Traceback" not in unreachable.output


def test_a_folder_of_configs_is_every_yaml_in_it(tmp_path) -> None:
    from kpbkit.batch import find_configs

    for config in _clients(tmp_path):
        shutil.copy(config, tmp_path / f"{config.parent.name}.yaml")
    (tmp_path / "notes.txt").write_text("not a config", encoding="utf-8")
    assert [p.name for p in find_configs([tmp_path])] == ["a.yaml", "b.yaml", "c.yaml"]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _invoke("batch", empty)
    assert result.exit_code != 0 and "no client config" in result.output
