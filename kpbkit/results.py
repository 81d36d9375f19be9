"""The results folder of DATA-CONTRACT.md, the run record, and the interim (pseudonymised) tables."""

from __future__ import annotations

import datetime as dt
import logging
import platform
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit import __version__
from kpbkit.config import ClientConfig
from kpbkit.config.snapshot import ReportConfig
from kpbkit.ingest import CanonicalData, file_hash
from kpbkit.io.identity_guard import check_frame
from kpbkit.io.writers import write_csv, write_json
from kpbkit.model import ModelResult, forecast, pa_settlement

log = logging.getLogger("kpbkit")

RESULT_TABLES = ("person_costs", "unit_costs", "reconciliation", "kpis", "data_quality")
#: the personal-assistance six-month report, written beside the contract's tables
PA_SIX_MONTH = "pa_six_month"


def write_prognos(config: ClientConfig, data: CanonicalData, model: ModelResult, folder: Path) -> list[Path]:
    """Compute the forecast and write ``prognos_rates.csv``, ``prognos.csv`` and ``prognos_budget.csv`` into ``folder``.

    Written in every run. Without a population forecast (or for a year it lacks) the forecast years' figures are
    empty cells, never zeros (a note when no forecast file was given, a warning when it lacks years); see
    :mod:`kpbkit.model.forecast`.
    """
    sources = {name: Path(data.input_files[name]).name for name in ("population", "population_forecast")
               if name in data.input_files}
    tables = forecast.for_run(config, model.person_costs, data.persons, data.population, data.population_forecast,
                              sources=sources)
    years = tables.forecast.loc[tables.forecast["population"].isna(), "year"].unique()
    if len(years) and "population_forecast" not in data.input_files:
        # no forecast asked for: nothing the consultant must act on, so a note, not a warning
        log.info("No population forecast in the input (population_forecast): %s.csv has the base year only",
                 forecast.FILES["forecast"])
    elif len(years):
        log.warning("No population for %s (population / population_forecast): %s.csv has no forecast for those "
                    "years", ", ".join(str(y) for y in sorted(years)), forecast.FILES["forecast"])
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, name in forecast.FILES.items():
        path = folder / f"{name}.csv"
        write_csv(getattr(tables, key), path)
        written.append(path)
    return written


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
    """Pseudonymised canonical tables and model intermediates as Parquet, for the notebooks' analyses.

    A table holding a value shaped like a personnummer is refused (:func:`kpbkit.io.identity_guard.check_frame`).
    """
    folder.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = dict(data.tables())
    tables["deliveries"] = model.deliveries
    tables["granted"] = model.granted
    tables["resolved_stays"] = model.stays
    tables["visits"] = flag_counted_visits(data.visits, model.counted_visits)
    if "stays" in tables:
        # the rows the finding overlapping_stays counts, so that a report can count them per service
        tables["stays"] = tables["stays"].assign(overlapping=tables["stays"].index.isin(model.overlapping_stays))
    for name, frame in tables.items():
        frame = frame.copy(deep=False)
        frame.attrs = {}  # reader bookkeeping is not part of the data
        check_frame(frame, folder / f"{name}.parquet", header_rows=0)  # categoricals: their categories only
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.CategoricalDtype):
                frame[col] = categorical_as_string(frame[col])
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def categorical_as_string(values: pd.Series) -> pd.Series:
    """A categorical column as text (``astype("string")``), taken from its few categories instead of row by row."""
    categories = values.cat.categories.astype("string").array
    return pd.Series(categories.take(values.cat.codes.to_numpy(), allow_fill=True), index=values.index,
                     name=values.name)


def flag_counted_visits(visits: pd.DataFrame, counted: pd.DataFrame) -> pd.DataFrame:
    """The visits with ``counted`` (they count in volumes) and their ``regi``: one table instead of two copies."""
    out = visits.copy(deep=False)
    # counted keeps the visits' own index labels: find their positions once
    if isinstance(out.index, pd.RangeIndex) and out.index.step == 1:
        positions = counted.index.to_numpy(dtype=np.int64) - out.index.start
    else:
        positions = out.index.get_indexer(counted.index)
    where = np.full(len(out), -1, dtype=np.int64)
    where[positions] = np.arange(len(counted))
    out["counted"] = where >= 0
    regi = counted["regi"]
    regi = categorical_as_string(regi) if isinstance(regi.dtype, pd.CategoricalDtype) else regi.astype("string")
    out["regi"] = pd.Series(regi.array.take(where, allow_fill=True), index=out.index)
    return out


def run_record(
    config: ClientConfig,
    data: CanonicalData | None,
    *,
    started: dt.datetime,
    outcome: str,
    templates: list[str] | None = None,
    error: str | None = None,
    publication: bool | None = None,
) -> dict[str, object]:
    """The run.json content: version, templates, config and input hashes, period, times, outcome, report mode.

    ``publication``: the reports' mode (``kpbkit run --publish``); ``None``: the config's ``report.publication``.
    """
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
        # internal (everything, pseudonymised) or publication (small counts suppressed; kpbkit.privacy)
        "report_mode": {
            "publication": bool(config.report.publication if publication is None else publication),
            "threshold": config.report.threshold,
        },
        # what the reports need of the config, so that they can be rendered from this folder alone
        "config": ReportConfig.from_client_config(config, publication=publication).to_record(),
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


# ------------------------------------------------------------------------------------------------ six-month report

def write_pa_six_month(config: ClientConfig, data: CanonicalData, model: ModelResult, folder: Path) -> pd.DataFrame:
    """Compute the personal-assistance six-month report, write ``pa_six_month.csv`` into ``folder``, return it.

    A year with ``pa_sfb`` hours but no FK hourly rate in the config leaves that year's reimbursement empty
    (a logged warning); the LSS report, which needs it, stops with an error naming ``lss.fk_hourly_rates``.
    Its workbook for unit managers is :func:`kpbkit.report.six_month.write_six_month_xlsx`.
    """
    table = pa_settlement.for_run(config, data.decisions, model.counted_visits, model.person_costs,
                                  require_rates=False)
    missing = table[(table["service_code"] == pa_settlement.REIMBURSED_SERVICE) & table["fk_rate"].isna()]
    if len(missing):
        years = sorted({str(d.year) for d in missing["period_end"]})
        log.warning("No FK hourly rate for %s in the config (key lss.fk_hourly_rates): %s.csv has no reimbursement "
                    "for those years", ", ".join(years), PA_SIX_MONTH)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(table, folder / f"{PA_SIX_MONTH}.csv")
    return table
