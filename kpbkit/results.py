"""The results folder of DATA-CONTRACT.md, the run record, and the interim (pseudonymised) tables."""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path

import pandas as pd

from kpbkit import __version__
from kpbkit.config import ClientConfig
from kpbkit.ingest import CanonicalData, file_hash
from kpbkit.io.writers import write_csv, write_json
from kpbkit.model import ModelResult

RESULT_TABLES = ("person_costs", "unit_costs", "reconciliation", "kpis", "data_quality")


def write_results(model: ModelResult, folder: Path) -> list[Path]:
    """Write the five results tables as CSV into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in RESULT_TABLES:
        path = folder / f"{name}.csv"
        write_csv(getattr(model, name), path)
        written.append(path)
    return written


def write_interim(data: CanonicalData, model: ModelResult, folder: Path) -> None:
    """Pseudonymised canonical tables and model intermediates as Parquet, for the notebooks' analyses."""
    folder.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = dict(data.tables())
    tables["deliveries"] = model.deliveries
    tables["granted"] = model.granted
    tables["resolved_stays"] = model.stays
    tables["counted_visits"] = model.counted_visits
    for name, frame in tables.items():
        frame = frame.copy(deep=False)
        frame.attrs = {}  # reader bookkeeping is not part of the data
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.CategoricalDtype):
                frame[col] = frame[col].astype("string")
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def run_record(
    config: ClientConfig,
    data: CanonicalData | None,
    *,
    started: dt.datetime,
    outcome: str,
    templates: list[str] | None = None,
    error: str | None = None,
) -> dict[str, object]:
    """The run.json content: version, templates, config and input hashes, period, times, outcome."""
    inputs = {}
    if data is not None:
        inputs = {name: {"file": Path(p).name, "sha256": file_hash(Path(p))} for name, p in data.input_files.items()}
    if config.rules_file is not None and config.rules_file.is_file():
        inputs["ledger_rules"] = {"file": config.rules_file.name, "sha256": file_hash(config.rules_file)}
    record: dict[str, object] = {
        "kpbkit_version": __version__,
        "client": config.client_id,
        "client_name": config.client_name,
        "templates": templates or [],
        "config_file": config.path.name,
        "config_sha256": config.config_hash,
        "inputs": inputs,
        "period": {
            "start": config.period.start.isoformat(),
            "end": config.period.end.isoformat(),
            "label": config.period.label,
        },
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "outcome": outcome,
        "python": platform.python_version(),
        "pandas": pd.__version__,
    }
    if error:
        record["error"] = error
    return record


def write_run_json(record: dict[str, object], folder: Path) -> Path:
    path = folder / "run.json"
    write_json(record, path)
    return path
