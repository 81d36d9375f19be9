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
from kpbkit.ingest import CanonicalData, ingest
from kpbkit.io.writers import StagedOutput
from kpbkit.model import ModelResult, run_model
from kpbkit.results import run_record, write_interim, write_results, write_run_json

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


def run_client(config: ClientConfig | str | Path, *, progress: Progress = _log_progress) -> RunResult:
    """Run the KPB model for one client config and write ``<output>/<client>/<period>/results/``.

    Nothing is written where the results belong unless the whole run succeeds (reconciliation
    included); a failed run's partial output is moved to the temporary folder the error names.
    """
    started = dt.datetime.now(dt.UTC)
    steps = 5
    t0 = time.perf_counter()
    if not isinstance(config, ClientConfig):
        progress(1, steps, f"Validating config {config}")
        config = load_client_config(config)
    else:
        progress(1, steps, f"Using config {config.path}")
    progress(2, steps, f"Reading input from {config.input_folder}")
    data = ingest(config)
    sizes = ", ".join(f"{name} {len(frame):,}".replace(",", " ") for name, frame in data.tables().items() if len(frame))
    progress(3, steps, f"Computing volumes, pools and allocation ({sizes})")
    stage = StagedOutput(config.output_dir)
    try:
        with stage:
            model = run_model(data, config)
            progress(4, steps, "Reconciled to the öre; writing results")
            results_dir = stage.path / "results"
            write_results(model, results_dir)
            write_interim(data, model, stage.path / "interim")
            write_run_json(run_record(config, data, started=started, outcome="ok"), results_dir)
    except KpbkitError as exc:
        if stage.failed_copy is not None:
            exc.what += f" (partial output kept for diagnosis in {stage.failed_copy})"
        raise
    progress(5, steps, f"Done in {time.perf_counter() - t0:.1f} s: {config.output_dir / 'results'}")
    return RunResult(config, config.output_dir, config.output_dir / "results", model, data)
