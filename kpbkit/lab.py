"""``kpbkit lab``: a ready-to-run copy of the explorer notebook for one client, JupyterLab's settings for it and the
command that opens it (the explorer itself: :mod:`kpbkit.explorer`)."""

from __future__ import annotations

from pathlib import Path

from kpbkit.report import notebook_libraries

NOTEBOOK = "utforska.ipynb"


def write_lab_notebook(config_path: str | Path, *, fresh: bool = False) -> Path:
    """Write ``<output>/<client>/<period>/utforska.ipynb`` with the client's parameters filled in (not run).

    The parameters (absolute config path, period, results folder) are injected the way papermill does it,
    in a cell tagged ``injected-parameters`` after the template's ``parameters`` cell. An existing copy is
    kept (it may hold the consultant's own cells) unless ``fresh``.

    Raises
    ------
    KpbkitError
        The results folder does not exist yet (run ``kpbkit run CONFIG`` first).

    Examples
    --------
    >>> write_lab_notebook("client_configs/exempelkommun.yaml")  # doctest: +SKIP
    PosixPath('reports/exempelkommun/2025/utforska.ipynb')
    """
    notebook_libraries.load()
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from kpbkit.config import load_client_config
    from kpbkit.errors import KpbkitError
    from kpbkit.report.templates_catalog import templates_dir

    config = load_client_config(config_path)
    results = config.output_dir / "results"
    if not results.is_dir():
        raise KpbkitError(
            f"no results for {config.client_id} {config.period.label}: {results} does not exist",
            fix=f"run `kpbkit run {config.path}` first",
        )
    target = config.output_dir / NOTEBOOK
    if target.is_file() and not fresh:
        return target
    nb = load_notebook_node(str(templates_dir() / NOTEBOOK))  # as papermill reads it (tags, metadata)
    nb = parameterize_notebook(nb, {"period_folder": str(config.output_dir.resolve())})
    tmp = target.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(target)
    return target


#: JupyterLab's settings in the environment ``kpbkit lab`` starts (its overrides.json), by plugin
LAB_SETTINGS: dict[str, dict[str, object]] = {
    # the notebook saved with its widget state, and saved a few seconds after a change: after a browser reload
    # the explorer's widgets are still there (from the running kernel, or from the saved state without one)
    "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True},
    "@jupyterlab/docmanager-extension:plugin": {"autosaveInterval": 5},
    # no "get notified about Jupyter news?" pop-up over a corner of the explorer, no update check on the internet
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
#: the folder in the period folder that holds them (hidden in JupyterLab's file browser)
LAB_SETTINGS_DIR = ".kpbkit-lab"


def write_lab_settings(folder: str | Path) -> Path:
    """Write the settings folder ``kpbkit lab`` gives JupyterLab (``--LabApp.app_settings_dir``) into ``folder``.

    It replaces the installation's own settings folder (``<JupyterLab's app dir>/settings``), so that folder's
    ``overrides.json`` and ``page_config.json`` are carried over, with :data:`LAB_SETTINGS` over the overrides.
    The consultant's own settings (``~/.jupyter/lab/user-settings``) still win over both. Returns the folder.
    """
    import json
    import os
    import sys

    app_dir = Path(os.environ.get("JUPYTERLAB_DIR") or Path(sys.prefix) / "share" / "jupyter" / "lab")
    target = Path(folder) / LAB_SETTINGS_DIR
    target.mkdir(parents=True, exist_ok=True)
    overrides: dict[str, dict[str, object]] = {}
    own = app_dir / "settings" / "overrides.json"
    if own.is_file():
        try:
            overrides = {k: dict(v) for k, v in json.loads(own.read_text(encoding="utf-8")).items()}
        except (ValueError, TypeError, AttributeError):
            overrides = {}  # JupyterLab itself would only warn about it
    for plugin, settings in LAB_SETTINGS.items():
        overrides[plugin] = {**overrides.get(plugin, {}), **settings}
    (target / "overrides.json").write_text(json.dumps(overrides, indent=2) + "\n", encoding="utf-8")
    page_config = app_dir / "settings" / "page_config.json"
    if page_config.is_file():
        (target / "page_config.json").write_bytes(page_config.read_bytes())
    return target


def lab_command(notebook: Path, *, no_browser: bool = False, settings: Path | None = None) -> list[str]:
    """The ``jupyter lab`` command (from kpbkit's own environment) that opens ``notebook``; ``settings``: the folder
    :func:`write_lab_settings` wrote."""
    import shutil
    import sys

    local = Path(sys.executable).parent / "jupyter-lab"
    exe = str(local) if local.is_file() else (shutil.which("jupyter-lab") or "jupyter-lab")
    folder = Path(notebook).resolve().parent
    # no news feed fetched from the internet (LAB_SETTINGS also turns its pop-up off)
    command = [exe, f"--ServerApp.root_dir={folder}", "--LabApp.news_url=None"]
    if settings is not None:
        command.append(f"--LabApp.app_settings_dir={Path(settings).resolve()}")
    command.append(str(Path(notebook).resolve()))
    return command + (["--no-browser"] if no_browser else [])
