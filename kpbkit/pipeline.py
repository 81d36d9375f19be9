"""One client run: config → ingest → model → results folder, with progress and atomic output."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kpbkit.analyses.findings import INTERIM_NEEDED as FINDINGS_INTERIM
from kpbkit.analyses.findings import write_findings
from kpbkit.analyses.load import load_results
from kpbkit.comparisons import write_comparisons
from kpbkit.config import ClientConfig, load_client_config
from kpbkit.errors import KpbkitError
from kpbkit.ingest import CanonicalData, ingest
from kpbkit.io.run_log import RUN_LOG, RunLog
from kpbkit.io.staging import OWNED, RunInterrupted, StagedOutput, checkpoint
from kpbkit.model import ModelResult, run_model
from kpbkit.model.rules import ledger_rules
from kpbkit.privacy import Policy
from kpbkit.report.render import check_templates, render_reports
from kpbkit.report.six_month import write_six_month_xlsx
from kpbkit.report.templates_catalog import reports_for
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
    #: the files this run wrote, relative to ``output_dir`` (results and interim as their folders)
    written: list[str] = field(default_factory=list)
    #: entries of an earlier run kept in the folder (other areas' reports: not made from these results)
    carried: list[str] = field(default_factory=list)
    #: the warnings the run logged (also in run.json and results/run.log)
    warnings: list[str] = field(default_factory=list)


def run_client(
    config: ClientConfig | str | Path,
    *,
    progress: Progress = _log_progress,
    render: bool = False,
    only: str | None = None,
    pdf: bool = True,
    publish: bool = False,
    internal: bool = False,
) -> RunResult:
    """Run the KPB model for one client config and write ``<output>/<client>/<period>/``.

    Writes ``results/`` (with the comparison figures and run.json's config record the reports need) and
    ``interim/``; with ``render`` also each area's report (executed notebook, HTML and PDF; ``only`` picks one
    area), rendered from that folder alone. The period folder is replaced whole, and only when the whole run
    succeeds (reconciliation included); entries of the previous run that this one does not write (other areas'
    reports) are kept. A failed or interrupted run's partial output is kept in a private folder beside it that
    the error names (:mod:`kpbkit.io.staging`); Ctrl-C raises :class:`RunInterrupted`. ``publish`` renders
    the reports in publication mode whatever the config's ``report.publication`` says (``--publish``); ``internal``
    renders them internal, with individual-level detail and the working-material banner (``--internal``).
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
    ledger_rules(config)  # the rules file is read and checked before any input (the model reads it again)
    check_templates(reports)
    publication = (publish or config.report.publication) and not internal
    policy = Policy(publication, config.report.threshold)
    # an area rendered again replaces its HTML and PDF together: with --no-pdf an older PDF is not kept beside it
    stage = StagedOutput(config.output_dir, owned=(*OWNED, *report_files(reports)))
    with _building(stage), RunLog() as run_log:
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
        write_six_month_xlsx(six_month, results_dir / f"{PA_SIX_MONTH}.xlsx", config=config, policy=policy)
        write_prognos(config, data, model, results_dir)
        write_comparisons(config, results_dir)
        write_workbook(config, results_dir, stage.path, policy=policy)
        checkpoint("workbook_written")
        write_interim(data, model, stage.path / "interim")
        checkpoint("interim_written")
        record = run_record(config, data, started=started, outcome="ok", publication=publication)
        record["findings"] = config.findings.model_dump()
        write_run_json(record, results_dir)  # before the findings and the reports: they read its config record
        write_findings(load_results(stage.path, interim=FINDINGS_INTERIM), config.findings)
        checkpoint("findings_written")
        if reports:
            record["templates"] = render_reports(
                reports, period_folder=stage.path, out_folder=stage.path, title=_title(config.client_name,
                                                                                      config.period.label),
                progress=progress, step=step, steps=steps, pdf=pdf)
            record["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        record["warnings"] = run_log.warnings()
        write_run_json(record, results_dir)
        run_log.write(results_dir / RUN_LOG)
        checkpoint("run_json_written")
    written = [*OWNED, *workbook_files(config.output_dir), *(f for f in report_files(reports)
                                                      if (config.output_dir / f).is_file())]
    progress(next(step), steps, f"Done in {time.perf_counter() - t0:.1f} s: {config.output_dir}")
    return RunResult(config, config.output_dir, config.output_dir / "results", model, data, written=written,
                     carried=list(stage.carried), warnings=run_log.warnings())


def report_files(reports: list) -> list[str]:
    """The files a rendered report owns in the period folder: its HTML and PDF."""
    return [f"{report.name}{suffix}" for report in reports for suffix in (".html", ".pdf")]


def workbook_files(folder: Path) -> list[str]:
    """The run's workbook in the period folder (``kpb_<client>_<period>.xlsx``)."""
    return sorted(p.name for p in Path(folder).glob("kpb_*.xlsx"))


def render_run(
    period_folder: str | Path,
    *,
    progress: Progress = _log_progress,
    only: str | None = None,
    pdf: bool = True,
) -> Path:
    """Render the reports of an existing run again from its period folder alone (``kpbkit render``).

    Reads only the folder's ``results/`` and ``interim/`` (the client's config and raw extracts may be gone);
    the reports get the mode the run recorded. Writes notebooks, HTML and PDF into a copy of the folder that
    replaces it whole when every report succeeded, and records the rendered templates in run.json.
    Returns the period folder.
    """
    from kpbkit.analyses.load import load_results

    t0 = time.perf_counter()
    period_folder = Path(period_folder).resolve()
    reports = reports_for(only)
    steps = 2 + 3 * len(reports)
    step = iter(range(1, steps + 1))
    progress(next(step), steps, f"Reading the run in {period_folder}")
    results = load_results(period_folder)
    config = results.config
    check_templates(reports)
    stage = StagedOutput(period_folder, owned=())
    with _building(stage):
        record = dict(results.run)
        rendered = render_reports(
            reports, period_folder=period_folder, out_folder=stage.path,
            title=_title(config.client_name, config.period.label), progress=progress, step=step, steps=steps,
            pdf=pdf)
        names = {entry.split()[0] for entry in rendered}
        kept = [entry for entry in record.get("templates") or [] if str(entry).split()[0] not in names]
        record["templates"] = [*kept, *rendered]  # the reports of other areas stay in the folder, and in the record
        record["rendered"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        (stage.path / "results").mkdir(exist_ok=True)
        write_run_json(record, stage.path / "results")
    progress(next(step), steps, f"Done in {time.perf_counter() - t0:.1f} s: {period_folder}")
    return period_folder


def _title(client_name: str, period_label: str) -> str:
    """What ends each report's HTML title: ``Exempelkommun 2025``."""
    return f"{client_name} {period_label}"


@contextlib.contextmanager
def _building(stage: StagedOutput) -> Iterator[StagedOutput]:
    """Build ``stage`` and swap it in; on failure say where the partial output is kept, on Ctrl-C exit cleanly."""
    try:
        with stage:
            yield stage
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
