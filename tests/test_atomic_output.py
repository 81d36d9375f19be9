"""Atomic, private results (issue 12, item 4): a period folder is replaced whole or not at all.

The kill test stops real ``kpbkit run`` processes at named checkpoints (``KPBKIT_TEST_PAUSE_AT``, see
:mod:`kpbkit.io.staging`; each forked from one process that imported kpbkit once, the last run a fresh
``kpbkit`` command), kills each with SIGKILL there and proves that the period folder is the previous complete
run or the new complete one (file hashes, ``run.json``), that the killed run's partial output was private (0700),
and that the next run leaves nothing behind. The Ctrl-C tests send SIGINT to a run's process group, as a terminal
does, while it writes results and while a notebook executes: one line, exit code 130, a private failed folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpbkit.errors import KpbkitError
from kpbkit.io.staging import LOCK_NAME, NO_EXCHANGE_ENV, PAUSE_ENV, StagedOutput
from kpbkit.pipeline import run_client
from kpbkit.report.runner import _keep_failed
from tests.conftest import write_case_files

KPBKIT = Path(sys.executable).with_name("kpbkit")
pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and modes as on Linux")

#: files whose bytes differ between two runs of the same inputs (timestamps)
STAMPED = {"results/run.json", "results/run.log", "results/pa_six_month.xlsx", "kpb_testkommun_2025.xlsx"}


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def quiet(*_args) -> None:
    return None


# ------------------------------------------------------------------------------------------------ SIGKILL


def start(config: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([str(KPBKIT), "run", str(config), *args], cwd=config.parent,
                            env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


#: A process that imports what a run needs once, then for each order it reads (one JSON line: args, cwd, env) forks
#: a child that runs ``kpbkit ARGS`` in a new session, its stderr on this process's stdout (the test's pipe) and
#: its stdout discarded; it prints ``fork-pid: PID`` and, once the child has ended, ``fork-status: STATUS``
#: (``os.waitpid``). Each run is a real process killed with SIGKILL, without paying the imports again each time.
FORK_SERVER = """\
import json, os, sys
import kpbkit.pipeline, openpyxl, pyarrow.parquet  # what every run imports (the workbook, interim files)
from kpbkit.cli import main

for line in sys.stdin:
    order = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setsid()
            os.dup2(os.open(os.devnull, os.O_RDWR), 1)
            os.chdir(order["cwd"])
            os.environ.update(order["env"])
            main.main(order["args"], prog_name="kpbkit")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    os.write(1, f"fork-pid: {pid}\\n".encode())  # one write: whole beside the child's lines on the same pipe
    os.write(1, f"fork-status: {os.waitpid(pid, 0)[1]}\\n".encode())
"""


@pytest.fixture
def fork_server() -> Iterator[subprocess.Popen]:
    """A :data:`FORK_SERVER` process (its stderr joins its stdout, as its children's does)."""
    server = subprocess.Popen([sys.executable, "-c", FORK_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    yield server
    server.stdin.close()
    assert server.wait(timeout=60) == 0, server.stdout.read()
    server.stdout.close()


def run_until(server: subprocess.Popen, config: Path, point: str, *, exchange: bool = True) -> None:
    """Fork ``kpbkit run --results-only`` from ``server``, wait until it pauses at checkpoint ``point``, SIGKILL it
    there and wait until it has ended."""
    env = {PAUSE_ENV: point, **({} if exchange else {NO_EXCHANGE_ENV: "1"})}
    order = {"args": ["run", str(config), "--results-only"], "cwd": str(config.parent), "env": env}
    server.stdin.write(json.dumps(order) + "\n")
    server.stdin.flush()
    pid, seen = None, []
    try:
        while pid is None or f"kpbkit-test: paused at {point}\n" not in seen:
            line = server.stdout.readline()
            seen.append(line)
            if line.startswith("fork-pid: "):
                pid = int(line.split()[1])
            elif line.startswith("fork-status: ") or not line:
                raise AssertionError(f"the run never reached {point}:\n{''.join(seen)}")
    finally:
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):  # ended already (reaped by the server)
                os.kill(pid, signal.SIGKILL)
    while not (line := server.stdout.readline()).startswith("fork-status: "):
        assert line, f"the fork server ended: {''.join(seen)}"
    status = int(line.split()[1])
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (point, status)


def test_a_run_killed_at_any_point_leaves_the_old_or_the_new_complete_folder(
    tmp_path: Path, fork_server: subprocess.Popen
) -> None:
    config = write_case_files(tmp_path)
    client = tmp_path / "reports" / "testkommun"
    period = client / "2025"
    run_client(config, progress=quiet)  # the previous run, complete
    (period / "utforska.ipynb").write_text("{}", encoding="utf-8")  # as `kpbkit lab` writes it; not a run's
    old = hashes(period)
    ledger = tmp_path / "input" / "ledger.csv"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("1000.00", "2500.00"), encoding="utf-8")
    captured: list[tuple[str, dict[str, str], dict]] = []  # new folders seen after kills, checked at the end

    def leftovers() -> list[str]:
        return sorted(p.name for p in client.iterdir() if p.name != "2025")

    def check(point: str, expect: str) -> None:
        if expect == "old":
            assert hashes(period) == old, point
        else:
            assert hashes(period) != old, point
            captured.append((point, hashes(period), json.loads((period / "results" / "run.json").read_text())))
        for entry in client.iterdir():
            if entry.name.startswith(".2025."):  # the killed run's partial output: private
                assert entry.stat().st_mode & 0o777 == 0o700, (point, entry.name)

    # killed while building: the previous run stays in place, whole
    for point in ("staged", "ingested", "results_written", "workbook_written", "interim_written",
                  "run_json_written", "carried", "before_swap"):
        run_until(fork_server, config, point)
        check(point, "old")
        assert [n for n in leftovers() if ".staging-" in n], point  # this run's, removed by the next one
        assert len([n for n in leftovers() if ".staging-" in n]) == 1, (point, leftovers())

    # the portable swap killed between its two renames: no folder at 2025 (a reader gets "not found"), the old
    # one complete under its hidden name; the next run puts it back before anything else
    run_until(fork_server, config, "between_renames", exchange=False)
    assert not period.exists()
    (moved,) = [p for p in client.iterdir() if ".old-" in p.name]
    assert hashes(moved) == old
    run_until(fork_server, config, "staged")
    check("restored", "old")
    assert [n for n in leftovers() if ".old-" in n] == []

    # killed after the swap: the new run is in place, whole, with the entries it does not write carried over
    for point, exchange in (("swapped", True), ("swapped", False), ("cleaned", True)):
        run_until(fork_server, config, point, exchange=exchange)
        check(point, "new")

    # the next run completes and leaves nothing behind: no staging, old, failed or lock file
    proc = start(config, "--results-only")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    assert leftovers() == []
    assert LOCK_NAME not in os.listdir(client)
    final = hashes(period)
    record = json.loads((period / "results" / "run.json").read_text())
    assert record["outcome"] == "ok"
    assert record["inputs"]["ledger"]["sha256"] == sha256(ledger)
    assert (period / "utforska.ipynb").read_text(encoding="utf-8") == "{}"
    assert period.stat().st_mode & 0o777 == client.stat().st_mode & 0o777  # not the staging folder's 0700
    assert len(captured) == 3
    for point, seen, seen_record in captured:
        assert set(seen) == set(final), point  # complete: every file of a complete run, nothing else
        for name in set(final) - STAMPED:
            assert seen[name] == final[name], (point, name)  # the new run's bytes
        for name in STAMPED:
            assert seen[name] != old[name], (point, name)  # not the previous run's
        assert seen_record["outcome"] == "ok"
        assert seen_record["inputs"]["ledger"]["sha256"] == sha256(ledger), point


# ------------------------------------------------------------------------------------------------ Ctrl-C


def interrupt(proc: subprocess.Popen) -> tuple[int, list[str]]:
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole foreground process group
    _out, err = proc.communicate(timeout=60)
    lines = err.decode().splitlines()
    return proc.returncode, [line for line in lines if not line.startswith(("[", "No population", "kpbkit-test:"))]


@pytest.mark.parametrize(("point", "partial"), [("ingested", False), ("results_written", True)])
def test_ctrl_c_while_running_prints_one_line_and_keeps_partial_output_private(
    tmp_path: Path, point: str, partial: bool
) -> None:
    config = write_case_files(tmp_path)
    client = tmp_path / "reports" / "testkommun"
    proc = start(config, "--results-only", env={PAUSE_ENV: point})
    while proc.stderr.readline().decode().strip() != f"kpbkit-test: paused at {point}":
        assert proc.poll() is None
    code, lines = interrupt(proc)
    assert code == 130
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"interrupted: nothing was written to {client / '2025'}")
    kept = [p for p in client.iterdir()] if client.exists() else []
    if partial:
        (failed,) = kept
        assert failed.name.startswith(".2025.failed-")
        assert failed.stat().st_mode & 0o777 == 0o700
        assert f"partial output kept in {failed} (readable by you only)" in lines[0]
    else:
        assert kept == [] and not (tmp_path / "reports").exists()


SLEEPING_CELL = """\
import os, pathlib, time
pathlib.Path("kernel.pid").write_text(str(os.getpid()))
time.sleep(120)
"""


def write_sleeping_template(folder: Path) -> None:
    """A ``kvalitet`` template whose second cell writes the kernel's pid into the run folder and sleeps."""
    import nbformat  # here, not at collection: its import costs a second (jsonschema) and only this test needs it

    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('period_folder = ""')
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(SLEEPING_CELL)]
    nbformat.write(nb, folder / "kvalitet.ipynb")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.mark.render
def test_ctrl_c_while_a_notebook_executes_prints_one_line_and_stops_the_kernel(tmp_path: Path) -> None:
    config = write_case_files(tmp_path)
    client = tmp_path / "reports" / "testkommun"
    run_client(config, progress=quiet)  # a previous run, which must stay as it is
    before = hashes(client / "2025")
    write_sleeping_template(tmp_path / "templates")
    proc = start(config, "--only", "kvalitet", "--no-pdf", env={"KPBKIT_TEMPLATES": str(tmp_path / "templates")})
    deadline = time.monotonic() + 60
    while not (pid_files := list(client.glob(".2025.staging-*/kernel.pid"))) or not pid_files[0].read_text():
        assert proc.poll() is None, proc.communicate()[1].decode()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    kernel = int(pid_files[0].read_text())
    code, lines = interrupt(proc)
    assert code == 130
    assert len(lines) == 1, lines  # nothing from papermill, nbclient or the kernel; no traceback
    (failed,) = [p for p in client.iterdir() if p.name != "2025"]
    assert lines[0] == (f"interrupted: nothing was written to {client / '2025'}; partial output kept in {failed} "
                        "(readable by you only)")
    assert failed.stat().st_mode & 0o777 == 0o700
    (notebook,) = failed.glob("notebooks/kvalitet.failed-*.ipynb")  # the partial executed notebook, kept too
    assert notebook.stat().st_mode & 0o777 == 0o600
    assert hashes(client / "2025") == before
    deadline = time.monotonic() + 10
    while alive(kernel):
        assert time.monotonic() < deadline, "the kernel still runs"
        time.sleep(0.1)


# ------------------------------------------------------------------------------------------------ in process


def stage_files(final: Path, files: dict[str, str], **kwargs) -> StagedOutput:
    with StagedOutput(final, **kwargs) as stage:
        for name, text in files.items():
            (stage.path / name).parent.mkdir(parents=True, exist_ok=True)
            (stage.path / name).write_text(text, encoding="utf-8")
    return stage


def contents(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("exchange", [True, False])
def test_a_run_keeps_entries_it_does_not_write_but_replaces_its_own_whole(tmp_path, monkeypatch, exchange) -> None:
    if not exchange:
        monkeypatch.setenv(NO_EXCHANGE_ENV, "1")
    final = tmp_path / "client" / "2025"
    stage_files(final, {"results/kpis.csv": "old", "results/gone.csv": "old", "hemtjanst.html": "old h",
                        "notebooks/hemtjanst.ipynb": "old nb", "utforska.ipynb": "mine"}, owned=("results",))
    stage = stage_files(final, {"results/kpis.csv": "new", "lss.html": "new l", "notebooks/lss.ipynb": "new nb"},
                        owned=("results",))
    assert contents(final) == {
        "results/kpis.csv": "new", "lss.html": "new l", "notebooks/lss.ipynb": "new nb",  # results/gone.csv: not kept
        "hemtjanst.html": "old h", "notebooks/hemtjanst.ipynb": "old nb", "utforska.ipynb": "mine",
    }
    assert sorted(stage.carried) == ["hemtjanst.html", "notebooks/hemtjanst.ipynb", "utforska.ipynb"]
    assert os.listdir(final.parent) == ["2025"]


def test_the_next_run_removes_leftovers_and_restores_a_folder_killed_mid_swap(tmp_path: Path) -> None:
    client = tmp_path / "client"
    stage_files(client / "2025", {"a.txt": "old"})
    os.rename(client / "2025", client / ".2025.old-0123abcd")  # killed between the two renames
    (client / ".2025.staging-89abcdef").mkdir()  # the killed run's complete staging folder
    (client / ".2025.staging-89abcdef" / "a.txt").write_text("half", encoding="utf-8")
    (client / ".2024.staging-00000000").mkdir()  # another period's, killed earlier
    (client / "2024").mkdir()
    (client / ".2024.old-11111111").mkdir()  # killed after a swap, before the old folder was deleted
    (client / ".2025.failed-20250101-000000").mkdir()  # a failed run's output: kept until 2025 succeeds
    with StagedOutput(client / "2025") as stage:
        assert contents(client / "2025") == {"a.txt": "old"}  # restored before anything else
        assert sorted(os.listdir(client)) == sorted(["2024", "2025", ".2025.failed-20250101-000000", LOCK_NAME,
                                                     stage.path.name])
    assert sorted(os.listdir(client)) == ["2024", "2025"]


def test_a_second_run_of_the_same_client_is_refused_while_one_writes(tmp_path: Path) -> None:
    with StagedOutput(tmp_path / "client" / "2025"):
        held = rf"another kpbkit run \(pid {os.getpid()} on .*\) is writing"
        with pytest.raises(KpbkitError, match=held), StagedOutput(tmp_path / "client" / "2024"):
            pass
        with StagedOutput(tmp_path / "other" / "2025"):  # another client's folder is free
            pass
    with StagedOutput(tmp_path / "client" / "2024"):  # free again
        pass


def test_an_output_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "client").write_text("a file where the client folder belongs", encoding="utf-8")
    stage = StagedOutput(tmp_path / "client" / "2025")
    with pytest.raises(KpbkitError, match="cannot write in the output folder"), stage:
        pass
    assert sorted(os.listdir(tmp_path)) == ["client"]


def test_a_failed_run_keeps_its_partial_output_private_beside_the_period(tmp_path: Path) -> None:
    final = tmp_path / "client" / "2025"
    stage = StagedOutput(final)
    with pytest.raises(RuntimeError), stage:
        (stage.path / "results").mkdir()
        (stage.path / "results" / "person_costs.csv").write_text("x", encoding="utf-8")
        raise RuntimeError("simulated")
    assert stage.failed_copy is not None and stage.failed_copy.parent == final.parent
    assert stage.failed_copy.name.startswith(".2025.failed-")
    assert stage.failed_copy.stat().st_mode & 0o777 == 0o700
    assert not final.exists()
    assert "partial output kept in" in stage.outcome() and str(stage.failed_copy) in stage.outcome()
    empty = StagedOutput(tmp_path / "new" / "2025")
    with pytest.raises(RuntimeError), empty:
        raise RuntimeError("before anything was written")
    assert empty.failed_copy is None and not (tmp_path / "new").exists()  # no folder made, none left


def test_a_failed_notebook_copy_is_private(tmp_path: Path) -> None:
    partial = tmp_path / "partial.ipynb"
    partial.write_text("{}", encoding="utf-8")
    kept = _keep_failed(partial, tmp_path / "failed", tmp_path / "out" / "hemtjanst.ipynb")
    assert kept is not None and kept.parent == tmp_path / "failed"
    assert (tmp_path / "failed").stat().st_mode & 0o777 == 0o700
    assert kept.stat().st_mode & 0o777 == 0o600
