"""Render a run's reports from its period folder: each template executed, exported to HTML and an A4 PDF.

The templates take one parameter, ``period_folder``; they read the run's ``results/`` and ``interim/`` and
nothing else (:func:`kpbkit.analyses.load.load_results`). ``kpbkit run`` renders into the folder it is building;
``kpbkit render`` renders an existing run again (:func:`kpbkit.pipeline.render_run`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kpbkit import labels
from kpbkit.io.processes import cores, process_context
from kpbkit.report import browser, notebook_libraries, warm_kernel
from kpbkit.report.export import prepare_export, share_browser
from kpbkit.report.templates_catalog import PARAMETERS, ReportTemplate, templates_dir

Progress = Callable[[int, int, str], None]


def check_templates(reports: list[ReportTemplate]) -> None:
    """Check that each report's template exists and declares the parameters (before any kernel starts)."""
    from kpbkit.report.runner import check_template

    folder = templates_dir()
    for report in reports:
        check_template(folder / f"{report.name}.ipynb", list(PARAMETERS))


def _record(period_folder: Path) -> dict:
    """The run's run.json (empty when it cannot be read)."""
    try:
        record = json.loads((Path(period_folder) / "results" / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _published(record: dict) -> bool:
    """Whether the run recorded publication mode (run.json's ``report_mode``)."""
    from kpbkit.privacy import Policy

    return Policy.from_report_mode(record.get("report_mode")).publication


def _chart_source(record: dict) -> str | None:
    """The source line under every chart: the client's data for the period (run.json's client and period)."""
    name, period = record.get("client_name"), record.get("period")
    if not name or not isinstance(period, dict):
        return None
    label = str(period.get("label") or f"{period.get('start')} – {period.get('end')}")
    genitive = name if str(name).endswith(("s", "x", "z")) else f"{name}s"
    return labels.CHART_SOURCE.format(client=genitive, period=label)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_reports(
    reports: list[ReportTemplate],
    *,
    period_folder: Path,
    out_folder: Path,
    title: str,
    progress: Progress,
    step: Iterator[int],
    steps: int,
    pdf: bool = True,
    workers: int | None = None,
) -> list[str]:
    """Execute each report's template on ``period_folder``; write notebook, HTML and PDF into ``out_folder``.

    ``title`` ends each HTML page's title (``"<report title> – <title>"``, e.g. the client's name and period).
    The reports render at the same time over ``workers`` processes (default: one per core; each is a kernel,
    an HTML export and a Chromium, mostly single-threaded; one after another in a daemonic process, such as a Dask
    worker, which may not start any); a failing report stops the run once the others have finished, with its own
    error. Returns ``"<template> sha256:<hash>"`` per rendered template, for run.json.
    """
    if not reports:
        return []
    record = _record(period_folder)
    job = _Job(period_folder=Path(period_folder), out_folder=Path(out_folder), title=title, pdf=pdf,
               banner=None if _published(record) else labels.INTERNAL_BANNER, source=_chart_source(record))
    workers = min(workers or cores(), len(reports))
    if _daemonic():  # a Dask worker (or any daemonic process) may not start processes: one report at a time
        workers = 1
    for report in reports:
        progress(next(step), steps, f"{report.name}: executing {report.name}.ipynb")
    outcomes: dict[str, tuple[str | None, BaseException | None, list[logging.LogRecord]]] = {}
    if workers == 1:
        for report in reports:
            outcomes[report.name] = _render_one(report, job, worker=False)
            _announce(report, outcomes[report.name], progress, step, steps, pdf)
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        notebook_libraries.load()  # once here: forked workers inherit it instead of each importing it
        context = process_context("kpbkit.report")
        forked = context.get_start_method() == "fork"
        if forked:
            if pdf:
                share_browser()  # one Chromium for all workers, starting while the rest gets ready
            warm_kernel.prepare()  # likewise what every kernel imports: the workers fork their kernels from it
            prepare_export()
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker) as pool:
                futures = {pool.submit(_render_one, report, job): report for report in reports}
                for future in as_completed(futures):
                    report = futures[future]
                    outcomes[report.name] = future.result()
                    _announce(report, outcomes[report.name], progress, step, steps, pdf)
        finally:
            browser.close_shared()
    for report in reports:  # the first failing report in report order, as one at a time would have
        error = outcomes[report.name][1]
        if error is not None:
            raise error
    return [outcomes[report.name][0] or "" for report in reports]


def _daemonic() -> bool:
    import multiprocessing

    return bool(multiprocessing.current_process().daemon)


def _start_worker() -> None:
    """A render worker forks its notebook kernels and keeps one Chromium for its PDFs."""
    warm_kernel.enable()
    prepare_export()
    browser.keep_open()


@dataclass(frozen=True)
class _Job:
    """What every report of one render shares (sent to the worker processes)."""

    period_folder: Path
    out_folder: Path
    title: str
    pdf: bool
    banner: str | None
    source: str | None


def _render_one(report: ReportTemplate, job: _Job, *, worker: bool = True
                ) -> tuple[str | None, BaseException | None, list[logging.LogRecord]]:
    """One report: executed, HTML, PDF. Returns its run.json entry or its error, and, in a ``worker`` process,
    what it logged (written by the parent, in the run's own log; in the parent's own process it logs directly)."""
    from kpbkit.report import execute_notebook, html_to_pdf, notebook_to_html

    records: list[logging.LogRecord] = []
    log = logging.getLogger("kpbkit")
    saved = (list(log.handlers), log.level, log.propagate)
    if worker:
        keep = logging.Handler()
        keep.emit = records.append  # type: ignore[method-assign]
        log.handlers[:], log.propagate = [keep], False
        log.setLevel(logging.INFO)
    try:
        template = templates_dir() / f"{report.name}.ipynb"
        executed = execute_notebook(
            template,
            job.out_folder / "notebooks" / f"{report.name}.ipynb",
            parameters={"period_folder": str(job.period_folder)},
            cwd=job.out_folder,
            failed_dir=job.out_folder / "notebooks",  # a staging folder: kept privately with the rest on failure
        )
        html = notebook_to_html(executed, job.out_folder / f"{report.name}.html",
                                title=f"{report.title} – {job.title}", banner=job.banner, chart_source=job.source)
        if job.pdf:
            html_to_pdf(html, job.out_folder / f"{report.name}.pdf")
        return template_record(report), None, _portable(records)
    except Exception as exc:  # noqa: BLE001 - raised by the parent once every report has finished
        return None, exc, _portable(records)
    finally:
        log.handlers[:], log.level, log.propagate = saved


def _portable(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """The records with their message formatted (arguments need not cross the process boundary)."""
    for record in records:
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
    return records


def _announce(report: ReportTemplate, outcome: tuple[str | None, BaseException | None, list[logging.LogRecord]],
              progress: Progress, step: Iterator[int], steps: int, pdf: bool) -> None:
    """Write a finished report's log lines (and progress) in the run's log, as if it had run here."""
    for record in outcome[2]:
        if record.levelno >= logging.getLogger(record.name).getEffectiveLevel():
            logging.getLogger(record.name).handle(record)
    progress(next(step), steps, f"{report.name}: HTML")
    progress(next(step), steps, f"{report.name}: PDF" if pdf else f"{report.name}: PDF skipped (--no-pdf)")


def template_record(report: ReportTemplate) -> str:
    """How run.json records a rendered report's template: ``"<template> sha256:<hash>"``."""
    template = templates_dir() / f"{report.name}.ipynb"
    return f"{template.name} sha256:{_sha256(template)}"
