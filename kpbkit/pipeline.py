"""One client run: config → ingest → model → results folder, with progress and atomic output."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kpbkit.config import ClientConfig, load_client_config
from kpbkit.errors import KpbkitError
from kpbkit.ingest import CanonicalData, file_hash, ingest
from kpbkit.io.staging import StagedOutput
from kpbkit.model import ModelResult, run_model
from kpbkit.report.runner import check_template
from kpbkit.report.templates_catalog import PARAMETERS, reports_for, templates_dir
from kpbkit.report.workbook import write_workbook
from kpbkit.results import (
    run_record,
    write_interim,
    write_pa_six_month,
    write_prognos,
    write_results,
    write_run_json,
)

log = logging.getLogger("kpbkit")

Progress = Callable[[int, int, str], None]


def _log_progress(step: int, total: int, message: str) -> None:
    log.info("[%d/%d] %s", step, total, message)


@dataclass
class RunResult:
    config: ClientConfig
    output_dir: Path
    results_dir: Path
    model: ModelResult
    data: CanonicalData


def run_client(
    config: ClientConfig | str | Path,
    *,
    progress: Progress = _log_progress,
    render: bool = False,
    only: str | None = None,
    pdf: bool = True,
    publish: bool = False,
) -> RunResult:
    """Run the KPB model for one client config and write ``<output>/<client>/<period>/``.

    Writes ``results/`` and ``interim/``; with ``render`` also each area's report (executed notebook,
    HTML and PDF; ``only`` picks one area). Nothing is written where the output belongs unless the whole
    run succeeds (reconciliation included); a failed run's partial output is moved to the temporary
    folder the error names. ``publish`` renders the reports in publication mode whatever the config's
    ``report.publication`` says (``--publish``).
    """
    started = dt.datetime.now(dt.UTC)
    reports = reports_for(only) if render else []
    steps = 5 + 3 * len(reports)
    step = iter(range(1, steps + 1))
    t0 = time.perf_counter()
    if not isinstance(config, ClientConfig):
        progress(next(step), steps, f"Validating config {config}")
        config = load_client_config(config)
    else:
        progress(next(step), steps, f"Using config {config.path}")
    if reports:
        folder = templates_dir()
        for report in reports:
            check_template(folder / f"{report.name}.ipynb", list(PARAMETERS))
    progress(next(step), steps, f"Reading input from {config.input_folder}")
    data = ingest(config)
    sizes = ", ".join(f"{name} {len(frame):,}".replace(",", " ") for name, frame in data.tables().items() if len(frame))
    progress(next(step), steps, f"Computing volumes, pools and allocation ({sizes})")
    stage = StagedOutput(config.output_dir)
    try:
        with stage:
            model = run_model(data, config)
            progress(next(step), steps, "Reconciled to the öre; writing results")
            results_dir = stage.path / "results"
            write_results(model, results_dir)
            write_pa_six_month(config, data, model, results_dir, publication=publish or config.report.publication)
            write_prognos(config, data, model, results_dir)
            write_workbook(config, results_dir, stage.path, publication=publish or config.report.publication)
            write_interim(data, model, stage.path / "interim")
            publication = publish or config.report.publication
            rendered = _render(config, reports, stage.path, progress=progress, step=step, steps=steps, pdf=pdf,
                               publication=publication)
            write_run_json(run_record(config, data, started=started, outcome="ok", templates=rendered,
                                      publication=publication), results_dir)
    except KpbkitError as exc:
        if stage.failed_copy is not None:
            exc.what += f" (partial output kept for diagnosis in {stage.failed_copy})"
        raise
    progress(next(step), steps, f"Done in {time.perf_counter() - t0:.1f} s: {config.output_dir}")
    return RunResult(config, config.output_dir, config.output_dir / "results", model, data)


def _render(
    config: ClientConfig, reports: list, folder: Path, *, progress: Progress, step, steps: int, pdf: bool,
    publication: bool = False,
) -> list[str]:
    """Execute each report's template against the staged results, then export HTML and PDF beside them."""
    if not reports:
        return []
    from kpbkit.report import execute_notebook, html_to_pdf, notebook_to_html

    templates = templates_dir()
    failed_dir = Path(tempfile.mkdtemp(prefix=f"kpbkit-failed-{config.client_id}-"))
    rendered = []
    for report in reports:
        template = templates / f"{report.name}.ipynb"
        progress(next(step), steps, f"{report.name}: executing {template.name}")
        executed = execute_notebook(
            template,
            folder / "notebooks" / f"{report.name}.ipynb",
            parameters={"config_path": str(config.path), "period": config.period.label,
                        "results_dir": str(folder / "results"), "publication": publication},
            cwd=folder,
            failed_dir=failed_dir,
        )
        progress(next(step), steps, f"{report.name}: HTML")
        title = f"{report.title} – {config.client_name} {config.period.label}"
        html = notebook_to_html(executed, folder / f"{report.name}.html", title=title)
        progress(next(step), steps, f"{report.name}: PDF" if pdf else f"{report.name}: PDF skipped (--no-pdf)")
        if pdf:
            html_to_pdf(html, folder / f"{report.name}.pdf")
        rendered.append(f"{template.name} sha256:{file_hash(template)}")
    if not any(failed_dir.iterdir()):
        failed_dir.rmdir()
    return rendered
