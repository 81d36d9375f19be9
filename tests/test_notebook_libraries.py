"""How kpbkit loads and drives papermill (kpbkit.report.notebook_libraries): the notebook libraries imported without
``rfc3987_syntax``, and kpbkit's papermill engine writing the executed notebook once, when the run ends, however
it ends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kpbkit.report import notebook_libraries


def test_the_libraries_load_without_rfc3987_syntax_which_stays_importable() -> None:
    import importlib.util

    if importlib.util.find_spec("rfc3987_syntax") is None:
        pytest.skip("rfc3987_syntax is not installed here (jupyter-events' jsonschema extra brings it)")
    code = (
        "import sys\n"
        "from kpbkit.report import notebook_libraries\n"
        "notebook_libraries.load()\n"
        "assert {'papermill', 'nbformat', 'nbconvert', 'jsonschema'} <= set(sys.modules)\n"
        "print('rfc3987_syntax' in sys.modules)\n"
        "import importlib.util\n"
        "print(importlib.util.find_spec('rfc3987_syntax') is not None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "False"  # not imported while the libraries loaded
    assert out[1] == "True"  # and not hidden from anything imported later


def _engine_run(monkeypatch: pytest.MonkeyPatch, output: Path, writes: list, *, interrupt_at: int | None = None
                ) -> None:
    """Run kpbkit's papermill engine over a two-cell notebook with the kernel replaced by a loop that marks each
    cell started and completed (as nbclient does); ``writes`` gets every write of the notebook (path and each
    cell's status then)."""
    import nbformat
    from papermill import engines

    engine = engines.papermill_engines.get_engine(notebook_libraries.engine())
    monkeypatch.setattr(engines, "write_ipynb", lambda nb, path: writes.append(
        (path, [cell.metadata.papermill["status"] for cell in nb.cells])))

    def cells(cls, manager, kernel_name, **kwargs) -> None:
        for index, cell in enumerate(manager.nb.cells):
            manager.cell_start(cell, index)
            assert writes == [], "written while the cells run"
            if index == interrupt_at:
                raise KeyboardInterrupt
            manager.cell_complete(cell, index)

    monkeypatch.setattr(engine, "execute_managed_notebook", classmethod(cells))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("2")])
    nb.metadata["papermill"] = {}
    engine.execute_notebook(nb, "python3", output_path=str(output), progress_bar=False)


def test_the_engine_writes_the_executed_notebook_once_when_the_run_ends(monkeypatch, tmp_path: Path) -> None:
    writes: list = []
    _engine_run(monkeypatch, tmp_path / "out.ipynb", writes)
    assert writes == [(str(tmp_path / "out.ipynb"), ["completed", "completed"])]


def test_an_interrupted_run_still_writes_its_partial_notebook(monkeypatch, tmp_path: Path) -> None:
    writes: list = []
    with pytest.raises(KeyboardInterrupt):
        _engine_run(monkeypatch, tmp_path / "out.ipynb", writes, interrupt_at=1)
    # once, as the run stops: the first cell done, the second where it was interrupted (kept for diagnosis)
    assert writes == [(str(tmp_path / "out.ipynb"), ["completed", "running"])]
