"""The results folder of DATA-CONTRACT.md, the run record, and the interim (pseudonymised) tables."""

from __future__ import annotations

import datetime as dt
import logging
import platform
from pathlib import Path

import pandas as pd

from kpbkit import __version__, labels
from kpbkit.analyses import pa_settlement, prognos
from kpbkit.config import ClientConfig
from kpbkit.ingest import CanonicalData, file_hash
from kpbkit.io.writers import write_csv, write_json
from kpbkit.labels import lss as lss_labels
from kpbkit.model import ModelResult

log = logging.getLogger("kpbkit")

RESULT_TABLES = ("person_costs", "unit_costs", "reconciliation", "kpis", "data_quality")
#: the personal-assistance six-month report, written beside the contract's tables
PA_SIX_MONTH = "pa_six_month"


def write_prognos(config: ClientConfig, data: CanonicalData, model: ModelResult, folder: Path) -> list[Path]:
    """Compute the forecast and write ``prognos_rates.csv``, ``prognos.csv`` and ``prognos_budget.csv`` into ``folder``.

    Written in every run. Without a population forecast (or for a year it lacks) the forecast years' figures are
    empty cells, never zeros (a logged warning); see :mod:`kpbkit.analyses.prognos`.
    """
    sources = {name: Path(data.input_files[name]).name for name in ("population", "population_forecast")
               if name in data.input_files}
    tables = prognos.for_run(config, model.person_costs, data.persons, data.population, data.population_forecast,
                             sources=sources)
    years = tables.forecast.loc[tables.forecast["population"].isna(), "year"].unique()
    if len(years):
        log.warning("No population for %s (population / population_forecast): %s.csv has no forecast for those "
                    "years", ", ".join(str(y) for y in sorted(years)), prognos.FILES["forecast"])
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, name in prognos.FILES.items():
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
    """Pseudonymised canonical tables and model intermediates as Parquet, for the notebooks' analyses."""
    folder.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = dict(data.tables())
    tables["deliveries"] = model.deliveries
    tables["granted"] = model.granted
    tables["resolved_stays"] = model.stays
    tables["visits"] = flag_counted_visits(data.visits, model.counted_visits)
    for name, frame in tables.items():
        frame = frame.copy(deep=False)
        frame.attrs = {}  # reader bookkeeping is not part of the data
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.CategoricalDtype):
                frame[col] = frame[col].astype("string")
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def flag_counted_visits(visits: pd.DataFrame, counted: pd.DataFrame) -> pd.DataFrame:
    """The visits with ``counted`` (they count in volumes) and their ``regi``: one table instead of two copies."""
    out = visits.copy(deep=False)
    out["counted"] = out.index.isin(counted.index)
    out["regi"] = counted["regi"].astype("string").reindex(out.index)
    return out


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


# ------------------------------------------------------------------------------------------------ six-month report

#: Excel number formats by column kind (Excel shows them with the reader's own separators)
_XLSX_FORMATS = {
    "kr": '#,##0 "kr"',
    "rate": '#,##0.00 "kr"',
    "hours": "#,##0.0",
    "days": "0",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
}
_XLSX_KINDS = {
    "period_start": "date", "period_end": "date", "days": "days", "granted_hours": "hours",
    "delivered_hours": "hours", "delivery_ratio": "percent", "municipal_share_hours": "hours",
    "reimbursed_hours": "hours", "fk_rate": "rate", "reimbursement": "kr", "municipal_share": "kr", "cost": "kr",
    "net_cost": "kr", "cost_per_hour": "kr", "net_cost_per_hour": "kr",
}
_XLSX_BOOLEANS = ("current_settlement_period", *pa_settlement.FLAGS)


def write_pa_six_month(config: ClientConfig, data: CanonicalData, model: ModelResult, folder: Path) -> list[Path]:
    """Compute the personal-assistance six-month report and write ``pa_six_month.csv`` and ``.xlsx`` into ``folder``.

    A year with ``pa_sfb`` hours but no FK hourly rate in the config leaves that year's reimbursement empty
    (a logged warning); the LSS report, which needs it, stops with an error naming ``lss.fk_hourly_rates``.
    """
    table = pa_settlement.for_run(config, data.decisions, model.counted_visits, model.person_costs,
                                  require_rates=False)
    missing = table[(table["service_code"] == pa_settlement.REIMBURSED_SERVICE) & table["fk_rate"].isna()]
    if len(missing):
        years = sorted({str(d.year) for d in missing["period_end"]})
        log.warning("No FK hourly rate for %s in the config (key lss.fk_hourly_rates): %s.csv has no reimbursement "
                    "for those years", ", ".join(years), PA_SIX_MONTH)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / f"{PA_SIX_MONTH}.csv", folder / f"{PA_SIX_MONTH}.xlsx"
    write_csv(table, csv_path)
    write_six_month_xlsx(table, xlsx_path, config=config)
    return [csv_path, xlsx_path]


def write_six_month_xlsx(table: pd.DataFrame, path: Path, *, config: ClientConfig) -> Path:
    """The six-month table as an Excel workbook a unit manager can filter: one sheet per row type and an
    "about" sheet; Swedish headers, kr / hour / percent formats, frozen header, autofilter, column widths."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)  # streamed: a large municipality's months are tens of thousands of rows
    workbook.properties.creator = "kpbkit"
    headers = lss_labels.SIX_MONTH_COLUMNS
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="bottom")
    drop = {"month": ["row_type"], "settlement_period": ["row_type", "settlement_period"],
            "year": ["row_type", "settlement_period", "current_settlement_period"]}
    for row_type in pa_settlement.ROW_TYPES:
        sheet = workbook.create_sheet(lss_labels.SHEETS[row_type])
        columns = [c for c in pa_settlement.COLUMNS if c not in drop[row_type]]
        rows = table[table["row_type"] == row_type]
        values = {c: _xlsx_column(c, rows[c]) for c in columns}
        for i, col in enumerate(columns, start=1):
            longest = max((len(str(v)) for v in values[col] if v is not None), default=0)
            width = 14 if col in _XLSX_KINDS else max(12, min(30, longest + 2))
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "C2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
        header = [WriteOnlyCell(sheet, value=headers[c]) for c in columns]
        for cell in header:
            cell.font, cell.alignment = bold, wrap
        sheet.append(header)
        formats = [_XLSX_FORMATS.get(_XLSX_KINDS.get(c, "")) for c in columns]
        for record in zip(*(values[c] for c in columns), strict=True):
            sheet.append([_xlsx_cell(sheet, v, f, WriteOnlyCell) for v, f in zip(record, formats, strict=True)])
    about = workbook.create_sheet(lss_labels.SHEETS["about"])
    about.column_dimensions["A"].width = 110
    lss = config.lss
    rates = ", ".join(f"{y}: {r:.2f} kr".replace(".", ",") for y, r in sorted(lss.fk_hourly_rates.items())) or "–"
    filled = {
        "client": config.client_name, "period": config.period.label, "rates": rates,
        "current": pa_settlement.current_settlement_label(config.period),
        "threshold": f"{lss.shortfall_threshold:.0%}".replace("%", " %"),
        "margin": f"{lss.rate_margin:.0%}".replace("%", " %"),
    }
    for i, line in enumerate(lss_labels.EXCEL_ABOUT):
        cell = WriteOnlyCell(about, value=line.format(**filled))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 0:
            cell.font = Font(bold=True, size=12)
        about.append([cell])
    workbook.save(path)
    return path


def _xlsx_cell(sheet: object, value: object, number_format: str | None, factory: type) -> object:
    if number_format is None or value is None:
        return value
    cell = factory(sheet, value=value)
    cell.number_format = number_format
    return cell


def _xlsx_column(column: str, values: pd.Series) -> list[object]:
    """A column's cell values: empty for NaN/NA, Ja/Nej for booleans, services by name, dates as dates."""
    missing = values.isna().to_numpy()
    if column in _XLSX_BOOLEANS:
        out = [lss_labels.YES if bool(v) else lss_labels.NO for v in values]
    elif column == "service_code":
        out = [labels.service(str(v)) for v in values]
    elif pd.api.types.is_datetime64_any_dtype(values):
        out = list(values.dt.date)
    elif pd.api.types.is_numeric_dtype(values):
        out = values.astype(float).tolist()
    else:
        out = values.astype(object).tolist()
    return [None if m else v for v, m in zip(out, missing, strict=True)]
