"""Render a run's reports from its period folder: each template executed, exported to HTML and an A4 PDF.

The templates take one parameter, ``period_folder``; they read the run's ``results/`` and ``interim/`` and
nothing else (:func:`kpbkit.analyses.load.load_results`). ``kpbkit run`` renders into the folder it is building;
``kpbkit render`` renders an existing run again (:func:`kpbkit.pipeline.render_run`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from kpbkit import labels
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
) -> list[str]:
    """Execute each report's template on ``period_folder``; write notebook, HTML and PDF into ``out_folder``.

    ``title`` ends each HTML page's title (``"<report title> – <title>"``, e.g. the client's name and period).
    Returns ``"<template> sha256:<hash>"`` per rendered template, for run.json.
    """
    if not reports:
        return []
    from kpbkit.report import execute_notebook, html_to_pdf, notebook_to_html

    templates = templates_dir()
    record = _record(period_folder)
    banner = None if _published(record) else labels.INTERNAL_BANNER
    source = _chart_source(record)
    rendered = []
    for report in reports:
        template = templates / f"{report.name}.ipynb"
        progress(next(step), steps, f"{report.name}: executing {template.name}")
        executed = execute_notebook(
            template,
            out_folder / "notebooks" / f"{report.name}.ipynb",
            parameters={"period_folder": str(period_folder)},
            cwd=out_folder,
            failed_dir=out_folder / "notebooks",  # a staging folder: kept privately with the rest if the run fails
        )
        progress(next(step), steps, f"{report.name}: HTML")
        html = notebook_to_html(executed, out_folder / f"{report.name}.html", title=f"{report.title} – {title}",
                                banner=banner, chart_source=source)
        progress(next(step), steps, f"{report.name}: PDF" if pdf else f"{report.name}: PDF skipped (--no-pdf)")
        if pdf:
            html_to_pdf(html, out_folder / f"{report.name}.pdf")
        rendered.append(template_record(report))
    return rendered


def template_record(report: ReportTemplate) -> str:
    """How run.json records a rendered report's template: ``"<template> sha256:<hash>"``."""
    template = templates_dir() / f"{report.name}.ipynb"
    return f"{template.name} sha256:{_sha256(template)}"
