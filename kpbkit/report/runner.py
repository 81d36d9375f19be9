"""Execute a notebook template with papermill, never leaving a half-run notebook at the report's path.

A template is a ``.ipynb`` with Python 3 kernelspec metadata and one cell tagged ``parameters``.
:func:`check_template` reads that cell (``papermill.inspect_notebook``) before any kernel starts;
:func:`execute_notebook` runs the template in process and moves the executed copy into place only when
every cell succeeded. A failed run's partial copy goes to ``failed_dir`` and the error names the cell.

Runs change the process's working directory while a notebook executes (papermill's ``cwd``): run
reports in parallel with processes, not threads.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kpbkit.errors import KpbkitError
from kpbkit.io.identity_guard import check_notebook
from kpbkit.report import notebook_libraries, warm_kernel

log = logging.getLogger("kpbkit")

#: ipykernel's command-line switch that keeps its "Kernel is running over TCP without encryption" warning
#: (printed at every start, harmless for a kernel on localhost) off the user's terminal
_KERNEL_QUIET = ["--IPKernelApp.log_level=ERROR"]

_FIRST_LINE_MAX = 200

_INJECTED_TAG = "injected-parameters"
_ERROR_MARKER_TAG = "papermill-error-cell-tag"


class ReportError(KpbkitError):
    """A report could not be produced: a template's contract, a failed cell, or a missing render engine."""


def _first_line(text: object, limit: int = _FIRST_LINE_MAX) -> str:
    """The first non-empty line of ``text``, cut to ``limit`` characters (messages may carry data)."""
    for line in str(text).splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


def _read_template(template: Path) -> Any:
    notebook_libraries.load()
    import nbformat

    if not template.is_file():
        raise ReportError(
            "notebook template not found",
            file=template,
            fix="check the template path (templates live in templates/notebooks/)",
        )
    try:
        return nbformat.read(template, as_version=4)
    except Exception as exc:  # nbformat raises several types for unreadable or invalid JSON
        raise ReportError(
            f"not a readable notebook ({type(exc).__name__}: {_first_line(exc)})",
            file=template,
            fix="open and save it in JupyterLab, or restore it from git",
        ) from exc


def check_template(template: Path, required_parameters: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Check that ``template`` declares every name in ``required_parameters``; return its parameters.

    Runs no kernel: reads the cell tagged ``parameters`` with ``papermill.inspect_notebook``.

    Returns
    -------
    dict
        ``{name: {"name", "inferred_type_name", "default", "help"}}`` as papermill infers them.

    Raises
    ------
    ReportError
        The template is missing or unreadable, has no kernelspec or no ``parameters`` cell, or lacks a
        required parameter (the message names the template, the parameter and those it declares).

    Examples
    --------
    >>> check_template(Path("templates/notebooks/hemtjanst.ipynb"), ["config_path", "period"])  # doctest: +SKIP
    """
    notebook_libraries.load()
    import papermill

    template = Path(template)
    nb = _read_template(template)
    if not nb.metadata.get("kernelspec", {}).get("name"):
        raise ReportError(
            "the notebook has no kernelspec metadata, so its parameters cannot be read",
            file=template,
            fix="open it in JupyterLab, choose the 'Python 3' kernel and save",
        )
    if not any("parameters" in cell.metadata.get("tags", []) for cell in nb.cells):
        raise ReportError(
            "the notebook has no cell tagged 'parameters'",
            file=template,
            fix="tag the cell holding the parameters 'parameters' (JupyterLab: property inspector, cell tags)",
        )
    declared = papermill.inspect_notebook(str(template))
    missing = [name for name in required_parameters if name not in declared]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        known = ", ".join(f"'{name}'" for name in declared) or "none"
        raise ReportError(
            f"the template's parameters cell does not declare {names} (it declares: {known})",
            file=template,
            key=missing[0],
            fix=f"add `{missing[0]} = ...` to the cell tagged 'parameters', or stop passing it",
        )
    return declared


def _failed_cell_number(partial: Path) -> int | None:
    """1-based position, among the template's own cells, of the cell whose output is an error."""
    notebook_libraries.load()
    import nbformat

    try:
        nb = nbformat.read(partial, as_version=4)
    except Exception:  # noqa: BLE001 - the number is a courtesy; the error is raised regardless
        return None
    own = [cell for cell in nb.cells if not {_INJECTED_TAG, _ERROR_MARKER_TAG} & set(cell.metadata.get("tags", []))]
    for number, cell in enumerate(own, start=1):
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return number
    return None


def _keep_failed(partial: Path, failed_dir: Path, output: Path) -> Path | None:
    """Move the partial executed notebook into ``failed_dir``, readable by its owner only; return where it went.

    A ``failed_dir`` this creates is private (0700); the copy itself is 0600 (it holds per-person results).
    """
    if not partial.exists():
        return None
    if not failed_dir.exists():
        failed_dir.mkdir(parents=True, mode=0o700)
        os.chmod(failed_dir, 0o700)  # mkdir's mode is masked by the umask
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = failed_dir / f"{output.stem}.failed-{stamp}-{uuid.uuid4().hex[:6]}.ipynb"
    shutil.move(str(partial), kept)
    os.chmod(kept, 0o600)
    return kept


#: the file ipykernel runs a cell as (``/tmp/ipykernel_<pid>/<hash of the code>.py``), named in warnings and
#: tracebacks: its ten-digit hash is shaped like a personnummer about once in 200 cells
_CELL_FILE = re.compile(r"(?:[A-Za-z]:)?(?:[^\s\"'<>:]*[\\/])?ipykernel_[0-9]+[\\/][0-9]+\.py")
CELL_FILE_SHOWN_AS = "<cell>"


def _cell_files_named_as_cells(nb: Any) -> None:
    """Replace the kernel's temporary cell file names in stream and error outputs by ``<cell>``: they say nothing
    to a reader, and the identity guard would read some of them as personnummer."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = _CELL_FILE.sub(CELL_FILE_SHOWN_AS, output.get("text", ""))
            elif output.get("output_type") == "error":
                output["traceback"] = [_CELL_FILE.sub(CELL_FILE_SHOWN_AS, line) for line in output.get("traceback", [])]


def _place(executed: Path, output: Path) -> None:
    """Record the final path in papermill's metadata and move the notebook into place atomically."""
    notebook_libraries.load()
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    nb.metadata.setdefault("papermill", {})["output_path"] = str(output)
    _cell_files_named_as_cells(nb)
    check_notebook(nb, output)  # nothing shaped like a personnummer in any cell, output or metadata
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        nbformat.write(nb, tmp)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


def execute_notebook(
    template: Path,
    output: Path,
    *,
    parameters: Mapping[str, Any],
    cwd: Path,
    failed_dir: Path,
    kernel_name: str = "python3",
    timeout: float | None = None,
) -> Path:
    """Run ``template`` with ``parameters`` and write the executed notebook to ``output``.

    Parameters
    ----------
    template
        The notebook template (outputs stripped, one cell tagged ``parameters``).
    output
        Where the executed ``.ipynb`` goes; written only when every cell succeeded (atomic rename).
    parameters
        Values injected after the parameters cell; each name must be declared there.
        Keep them simple (a config path, a period): papermill injects them as Python literals.
    cwd
        The kernel's working directory (relative paths in the notebook resolve from here).
    failed_dir
        Where a failed or interrupted run's partial executed notebook is kept for diagnosis (created when
        needed, readable by its owner only).
    kernel_name
        The Jupyter kernel; ``python3`` is the project's venv once ``make`` has installed its kernelspec.
    timeout
        Seconds one cell may run before the run fails; ``None`` for no limit.

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    ReportError
        A template contract problem (before any kernel starts), a failed cell (naming the template,
        the cell's 1-based position and the exception's type and first line), a dead or missing kernel.

    Examples
    --------
    >>> execute_notebook(Path("templates/notebooks/hemtjanst.ipynb"), Path("out/hemtjanst.ipynb"),
    ...                  parameters={"config_path": "client.yaml", "period": "2025"},
    ...                  cwd=Path("."), failed_dir=Path("out/failed"))  # doctest: +SKIP
    """
    notebook_libraries.load()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    template, output, cwd, failed_dir = Path(template), Path(output), Path(cwd), Path(failed_dir)
    check_template(template, parameters.keys())
    if not cwd.is_dir():
        raise ReportError("the working directory for the notebook does not exist", file=cwd)

    # beside the output, not in the system temp folder: a killed run's partial copy stays in the run's own
    # (private, cleaned up) staging folder; mkdtemp makes it 0700
    output.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f".{output.stem}.running-", dir=output.parent))
    partial = workdir / output.name
    started = time.perf_counter()
    log.debug("Executing %s -> %s", template, output)
    try:
        try:
            papermill.execute_notebook(
                str(template),
                str(partial),
                parameters=dict(parameters),
                kernel_name=kernel_name,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
                extra_arguments=list(_KERNEL_QUIET),
                # stop the kernel at once when done or interrupted: a busy kernel asked politely prints tracebacks
                shutdown_kernel="immediate",
                engine_name=notebook_libraries.engine(),
                **_kernel_manager(),
            )
        except KeyboardInterrupt:
            _keep_failed(partial, failed_dir, output)
            raise
        except PapermillExecutionError as exc:
            number = _failed_cell_number(partial)
            kept = _keep_failed(partial, failed_dir, output)
            where = f"cell {number}" if number is not None else f"the cell run as In [{exc.exec_count}]"
            detail = _first_line(exc.evalue)
            raise ReportError(
                f"the notebook failed in {where}: {exc.ename}" + (f": {detail}" if detail else ""),
                file=template,
                fix=(f"open the partial executed copy {kept} to see the traceback" if kept else None),
            ) from None
        except Exception as exc:
            if not _is_kernel_problem(exc):
                raise
            kept = _keep_failed(partial, failed_dir, output)
            raise ReportError(
                f"the notebook's kernel '{kernel_name}' failed: {type(exc).__name__}: {_first_line(exc)}",
                file=template,
                fix=(
                    "run `make test` or `.venv/bin/python -m ipykernel install --sys-prefix --name python3`"
                    + (f"; partial copy kept in {kept}" if kept else "")
                ),
            ) from exc
        _place(partial, output)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    log.debug("Executed %s in %.1f s", template.name, time.perf_counter() - started)
    return output


def _kernel_manager() -> dict[str, Any]:
    """nbclient's kernel manager class where this process forks its kernels (:mod:`warm_kernel`), else nothing."""
    manager = warm_kernel.kernel_manager_class()
    return {"kernel_manager_class": manager} if manager is not None else {}


def _is_kernel_problem(exc: BaseException) -> bool:
    """Errors of the kernel machinery (no such kernel, died, timed out) rather than of our own code."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(names & {"NoSuchKernel", "DeadKernelError", "CellTimeoutError", "TimeoutError"}) or type(
        exc
    ).__module__.startswith(("nbclient", "jupyter_client"))
