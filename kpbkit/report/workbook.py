"""The run's Excel workbook, ``<output>/<client>/<period>/kpb_<client>_<period>.xlsx``, for the client's controllers.

Every results table of the run (``results/*.csv``, DATA-CONTRACT.md) becomes one formatted sheet: Swedish headers
and values (:mod:`kpbkit.labels.workbook`), kronor, percent, hour and date formats (:mod:`kpbkit.report.column_kinds`),
a frozen header row, an auto-filter and column widths that fit. A "Sammanfattning" sheet opens the workbook with the
key figures per area, the reconciliation totals and the data-quality findings per severity; "Definitioner" closes it
with what each sheet and column means. The workbook is built from the CSV files just written, so it shows exactly
what they hold.

Every cell is written by :mod:`kpbkit.report.sheets` (text stays text, never a formula), shared with the six-month
report's own workbook (:func:`kpbkit.report.six_month.write_six_month_xlsx`). In publication mode
(``report.publication`` or ``kpbkit run --publish``) the workbook holds aggregates only, small counts suppressed
(:mod:`kpbkit.report.published_tables`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kpbkit import __version__, labels
from kpbkit.config import ClientConfig
from kpbkit.io.identity_guard import save_workbook
from kpbkit.labels import lss as lss_labels
from kpbkit.labels import workbook as text
from kpbkit.privacy import Policy
from kpbkit.report.column_kinds import (
    FORMATS,
    KINDS,
    KPI_UNIT_KINDS,
    PA_BOOLEANS,
    PA_FLAG_COUNTS,
    PA_KINDS,
    TABLES,
)
from kpbkit.report.published_tables import (
    PA_PUBLISHED_COLUMNS,
    PUBLISHED_FROM,
    published_kpis,
    published_service_costs,
    published_six_month,
    published_tables,
    suppress,
)
from kpbkit.report.sheets import FORMULA_TRIGGERS, Book, Formula, Sheet, column_width, new_workbook, write_table_sheet

#: the workbook's own names, and those of its parts (cells, kinds, publication) the six-month workbook uses from here
__all__ = [
    "FORMATS", "FORMULA_TRIGGERS", "KINDS", "KPI_UNIT_KINDS", "PA_BOOLEANS", "PA_FLAG_COUNTS", "PA_KINDS",
    "PA_PUBLISHED_COLUMNS", "PUBLISHED_FROM", "TABLES", "Book", "Formula", "Sheet", "column_width",
    "display_values", "new_workbook", "published_kpis", "published_service_costs", "published_six_month",
    "published_tables", "read_result", "suppress", "workbook_path", "write_table_sheet", "write_workbook",
]

#: text columns shown by their Swedish name (the codes stay in the CSV files; kpis keeps its code beside the name)
_VALUE_NAMES: dict[str, Callable[[str], str] | Mapping[str, str]] = {
    "area": labels.AREAS, "service_code": labels.service, "regi": labels.REGI, "unit": labels.UNITS,
    "severity": labels.SEVERITY, "check": labels.check, "kind": labels.RULE_KINDS, "sex": labels.SEX,
    "row_type": lss_labels.ROW_TYPES, "kpi": labels.KPIS, "group": text.GROUPS, "table": labels.TABLES,
}
_TABLE_VALUE_NAMES = {"kpis": {"unit": text.KPI_UNITS}}
#: frozen panes: the header row, and the identifying columns where a table is wide
_FREEZE = {"person_costs": "B2", "pa_six_month": "C2"}


def workbook_path(config: ClientConfig, folder: Path) -> Path:
    return folder / f"kpb_{config.client_id}_{config.period.label}.xlsx"


def write_workbook(config: ClientConfig, results_dir: Path, folder: Path, *, policy: Policy | None = None) -> Path:
    """Write ``folder/kpb_<client>_<period>.xlsx`` from the results CSV files in ``results_dir``.

    ``policy`` in publication mode: aggregates only, small counts suppressed (:func:`published_tables`); ``None``:
    the config's ``report`` settings.
    """
    policy = policy or Policy(config.report.publication, config.report.threshold)
    tables = {name: _with_codes(name, read_result(results_dir / f"{name}.csv")) for name in TABLES
              if (results_dir / f"{name}.csv").is_file()}
    if policy.publication:
        tables = published_tables(tables, policy)
    book = new_workbook(banner=None if policy.publication else labels.INTERNAL_BANNER,
                        rows=sum(len(frame) for frame in tables.values()))
    book.properties.title = text.SUMMARY["title"].format(client=config.client_name, period=config.period.label)
    _summary_sheet(book, config, tables, policy=policy)
    for name, frame in tables.items():
        columns = list(frame.columns)
        write_table_sheet(
            book, text.SHEETS[name],
            columns=columns,
            headers=[text.HEADERS[name].get(c, c) for c in columns],
            values={c: display_values(name, c, frame[c]) for c in columns},
            formats=_formats(name, frame, columns),
            freeze=_FREEZE.get(name, "A2"),
        )
    _definitions_sheet(book, tables)
    folder.mkdir(parents=True, exist_ok=True)
    path = workbook_path(config, folder)
    save_workbook(book, path)  # refused if a cell holds a value shaped like a personnummer
    return path


def read_result(path: Path) -> pd.DataFrame:
    """A results CSV as written: text as text (pseudonyms and codes never become numbers), empty cells as NA."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    kinds = KINDS.get(path.stem, {})
    for col in frame.columns:
        kind = kinds.get(col)
        if kind == "date":
            frame[col] = pd.to_datetime(frame[col])
        elif kind is not None and kind != "by_unit":
            frame[col] = pd.to_numeric(frame[col])
    if "value" in frame.columns and path.stem == "kpis":
        frame["value"] = pd.to_numeric(frame["value"])
    return frame


def _with_codes(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """kpis shows the key figure by name and keeps its code beside it (to match kpis.csv); data_quality leaves out
    its values column (machine-readable JSON the quality report words in Swedish)."""
    if name == "kpis":
        frame.insert(frame.columns.get_loc("kpi") + 1, "kpi_code", frame["kpi"])
    if name == "data_quality" and "values" in frame.columns:
        frame = frame.drop(columns="values")
    return frame


def _formats(name: str, frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, str | list[str | None]]:
    """A number format per column, or per row where the kind depends on the row (kpis' value by its unit)."""
    kinds = KINDS.get(name, {})
    out: dict[str, str | list[str | None]] = {}
    for col in columns:
        kind = kinds.get(col)
        if kind == "by_unit":
            out[col] = [FORMATS.get(KPI_UNIT_KINDS.get(u, "")) for u in frame["unit"].astype(object)]
        elif kind is not None:
            out[col] = FORMATS[kind]
    return out


def display_values(table: str, column: str, values: pd.Series, *, booleans: Iterable[str] = PA_BOOLEANS) -> list[Any]:
    """A column's cell values: empty for NaN/NA, Ja/Nej for the flags, codes by their Swedish name, dates as dates."""
    missing = values.isna().to_numpy()
    names = _TABLE_VALUE_NAMES.get(table, {}).get(column, _VALUE_NAMES.get(column))
    if column in booleans:
        out = [lss_labels.YES if str(v) == "True" or v is True else lss_labels.NO for v in values]
    elif pd.api.types.is_datetime64_any_dtype(values):
        out = list(values.dt.date)
    elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        out = values.astype(float).tolist()
    elif names is not None:
        name = names if callable(names) else (lambda v, m=names: m.get(v, v))
        out = [name(str(v)) for v in values.astype(object)]
    else:
        out = values.astype(object).tolist()
    return [None if m else v for v, m in zip(out, missing, strict=True)]


# ------------------------------------------------------------------------------------------------------- summary

def _summary_sheet(book: Book, config: ClientConfig, tables: Mapping[str, pd.DataFrame], *, policy: Policy) -> None:
    """The opening sheet; in publication mode the tables are already suppressed."""
    sheet = Sheet(book, text.SHEETS["summary"])
    for letter, width in zip("ABCD", (34, 52, 18, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    s = text.SUMMARY

    def bold(value: object, size: int | None = None) -> object:
        return sheet.cell(value, bold=True, size=size)

    def fmt(value: object, kind: str) -> object:
        value = None if value is None or (isinstance(value, float) and math.isnan(value)) else value
        return None if value is None else sheet.cell(value, number_format=FORMATS.get(kind))

    period = config.period
    sheet.append([bold(s["title"].format(client=config.client_name, period=period.label), 14)])
    if not policy.publication:
        sheet.append([bold(labels.INTERNAL_BANNER)])
    sheet.append([s["client"], config.client_name])
    sheet.append([s["client_id"], config.client_id])
    sheet.append([s["period"], period.label])
    sheet.append(["", s["period_range"].format(start=period.start.isoformat(), end=period.end.isoformat())])
    sheet.append([s["created"], s["created_value"].format(version=__version__)])
    sheet.append([s["privacy"]])
    if policy.publication:
        sheet.append([s["publication"].format(threshold=policy.threshold)])
    sheet.append([])

    sheet.append([bold(s["key_figures"])])
    sheet.append([bold(s["area"]), bold(s["kpi"]), bold(s["value"]), bold(s["unit"])])
    kpis = tables.get("kpis")
    if kpis is not None:
        total = kpis[kpis["group"] == "total"]
        order = {a: i for i, a in enumerate(labels.AREAS)}
        for area in sorted(total["area"].unique(), key=lambda a: (order.get(a, len(order)), a)):
            for row in total[total["area"] == area].itertuples(index=False):
                unit = str(row.unit)
                sheet.append([labels.AREAS.get(area, area), labels.KPIS.get(row.kpi, row.kpi),
                              fmt(row.value, KPI_UNIT_KINDS.get(unit, "")), text.KPI_UNITS.get(unit, unit)])
    sheet.append([])

    recon = tables.get("reconciliation")
    if recon is not None:
        sheet.append([bold(s["reconciliation"])])
        for col in ("ledger_amount", "allocated_amount", "residual"):
            sheet.append([s[col], fmt(float(recon[col].sum()), "kr_ore")])
        sheet.append([])

    quality = tables.get("data_quality")
    if quality is not None:
        sheet.append([bold(s["data_quality"])])
        sheet.append([bold(s["severity"]), bold(s["findings"]), bold(s["rows"])])
        counts = pd.to_numeric(quality["count"], errors="coerce")
        for severity, name in labels.SEVERITY.items():
            chosen = (quality["severity"] == severity).to_numpy()
            rows: object = float(counts[chosen].sum())
            if policy.publication and (chosen & counts.isna().to_numpy()).any():
                rows = labels.SENTENCES["publication_hidden"]  # the sum would give away the suppressed part
            elif policy.small(rows):
                rows = policy.marker
            sheet.append([name, fmt(int(chosen.sum()), "count"), fmt(rows, "count")])


# --------------------------------------------------------------------------------------------------- definitions

def _definitions_sheet(book: Book, tables: Mapping[str, pd.DataFrame]) -> None:
    sheet = Sheet(book, text.SHEETS["definitions"])
    for letter, width in zip("ABCD", (26, 40, 26, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"

    def cells(values: Sequence[object], *, header: bool = False) -> list[object]:
        return [sheet.cell(v, wrap="top", bold=header) for v in values]

    sheet.append(cells(text.DEFINITION_HEADERS, header=True))
    for name in ("summary", *tables, "definitions"):
        sheet_name = text.SHEETS[name]
        about, columns = text.DEFINITIONS.get(name, ("", {}))
        file = f"{PUBLISHED_FROM.get(name, name)}.csv" if name in tables else ""
        sheet.append(cells((sheet_name, text.SHEET_ROW, file, about), header=True))
        present = list(tables[name].columns) if name in tables else list(columns)
        for col in present:
            source = "kpi" if col == "kpi_code" else col
            sheet.append(cells((sheet_name, text.HEADERS.get(name, {}).get(col, col), source,
                                columns.get(col, ""))))
