"""One client run: config → ingest → model → results folder, with progress and atomic output."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kpbkit.config import ClientConfig, load_client_config
from kpbkit.errors import KpbkitError
from kpbkit.ingest import CanonicalData, file_hash, ingest
from kpbkit.io.staging import RunInterrupted, StagedOutput, checkpoint
from kpbkit.model import ModelResult, run_model
from kpbkit.privacy import Policy
from kpbkit.report.runner import check_template
from kpbkit.report.six_month import write_six_month_xlsx
from kpbkit.report.templates_catalog import PARAMETERS, reports_for, templates_dir
from kpbkit.report.workbook import write_workbook
from kpbkit.results import (
    PA_SIX_MONTH,
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
    HTML and PDF; ``only`` picks one area). The period folder is replaced whole, and only when the whole run
    succeeds (reconciliation included); entries of the previous run that this one does not write (other areas'
    reports) are kept. A failed or interrupted run's partial output is kept in a private folder beside it that
    the error names (:mod:`kpbkit.io.staging`); Ctrl-C raises :class:`RunInterrupted`. ``publish`` renders
    the reports in publication mode whatever the config's ``report.publication`` says (``--publish``).
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
    stage = StagedOutput(config.output_dir)
    try:
        with stage:
            progress(next(step), steps, f"Reading input from {config.input_folder}")
            data = ingest(config)
            checkpoint("ingested")
            sizes = ", ".join(f"{name} {len(frame):,}".replace(",", " ")
                              for name, frame in data.tables().items() if len(frame))
            progress(next(step), steps, f"Computing volumes, pools and allocation ({sizes})")
            model = run_model(data, config)
            progress(next(step), steps, "Reconciled to the öre; writing results")
            results_dir = stage.path / "results"
            write_results(model, results_dir)
            checkpoint("results_written")
            six_month = write_pa_six_month(config, data, model, results_dir)
            write_six_month_xlsx(six_month, results_dir / f"{PA_SIX_MONTH}.xlsx", config=config,
                                 policy=Policy(publish or config.report.publication, config.report.threshold))
            write_prognos(config, data, model, results_dir)
            write_workbook(config, results_dir, stage.path,
                           policy=Policy(publish or config.report.publication, config.report.threshold))
            checkpoint("workbook_written")
            write_interim(data, model, stage.path / "interim")
            checkpoint("interim_written")
            publication = publish or config.report.publication
            rendered = _render(config, reports, stage.path, progress=progress, step=step, steps=steps, pdf=pdf,
                               publication=publication)
            write_run_json(run_record(config, data, started=started, outcome="ok", templates=rendered,
                                      publication=publication), results_dir)
            checkpoint("run_json_written")
    except KpbkitError as exc:
        if stage.failed_copy is not None:
            # a message may name a file inside the staging folder, which now has the failed folder's name
            exc.what = exc.what.replace(str(stage.path), str(stage.failed_copy))
            exc.fix = exc.fix.replace(str(stage.path), str(stage.failed_copy)) if exc.fix else exc.fix
            exc.what += f" (partial output kept for diagnosis in {stage.failed_copy}, readable by you only)"
        raise
    except KeyboardInterrupt:
        raise RunInterrupted(stage.outcome()) from None
    except Exception:
        if stage.failed_copy is not None:
            log.warning("Partial output kept for diagnosis in %s (readable by you only)", stage.failed_copy)
        raise
    if stage.carried:
        log.info("Kept from the previous run (this run does not write them): %s", ", ".join(stage.carried))
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
            failed_dir=folder / "notebooks",  # the staging folder: kept privately with the rest if the run fails
        )
        progress(next(step), steps, f"{report.name}: HTML")
        title = f"{report.title} – {config.client_name} {config.period.label}"
        html = notebook_to_html(executed, folder / f"{report.name}.html", title=title)
        progress(next(step), steps, f"{report.name}: PDF" if pdf else f"{report.name}: PDF skipped (--no-pdf)")
        if pdf:
            html_to_pdf(html, folder / f"{report.name}.pdf")
        rendered.append(f"{template.name} sha256:{file_hash(template)}")
    return rendered
