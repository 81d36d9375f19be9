"""The run's Excel workbook, ``<output>/<client>/<period>/kpb_<client>_<period>.xlsx``, for the client's controllers.

Every results table of the run (``results/*.csv``, DATA-CONTRACT.md) becomes one formatted sheet: Swedish headers
and values (:mod:`kpbkit.labels.workbook`), kronor, percent, hour and date formats, a frozen header row, an
auto-filter and column widths that fit. A "Sammanfattning" sheet opens the workbook with the key figures per area,
the reconciliation totals and the data-quality findings per severity; "Definitioner" closes it with what each sheet
and column means. The workbook is built from the CSV files just written, so it shows exactly what they hold.

The sheets are streamed (openpyxl's write-only mode): a large municipality's ``person_costs`` has 100 000+ rows.
The cell helpers here are shared with the six-month report's own workbook (:func:`kpbkit.results.write_six_month_xlsx`).

Excel stores number formats in its invariant syntax (``#,##0`` = thousands separator, ``.`` = decimal sign) and shows
them with the reader's separators: ``#,##0 "kr"`` reads ``1 234 567 kr`` in a Swedish Excel.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kpbkit import __version__, labels
from kpbkit.config import ClientConfig
from kpbkit.labels import lss as lss_labels
from kpbkit.labels import workbook as text

#: Excel number formats by column kind
FORMATS = {
    "kr": '#,##0 "kr"',
    "kr_ore": '#,##0.00 "kr"',  # exact money (the reconciliation), and rates such as FK's timbelopp
    "rate": '#,##0.00 "kr"',  # kept for the six-month workbook's FK rate
    "hours": "#,##0.0",
    "days": "0",
    "dec1": "#,##0.0",
    "count": "#,##0",
    "per_inhabitant": "0.0000",
    "percent": "0.0%",
    "int": "0",
    "date": "yyyy-mm-dd",
}

#: the results files that become sheets, in workbook order (the optional ones only when the run wrote them)
TABLES = ("person_costs", "unit_costs", "reconciliation", "kpis", "data_quality", "pa_six_month",
          "prognos_rates", "prognos", "prognos_budget")

#: the six-month report's column kinds (also its own workbook's)
PA_KINDS = {
    "period_start": "date", "period_end": "date", "days": "days", "granted_hours": "hours",
    "delivered_hours": "hours", "delivery_ratio": "percent", "municipal_share_hours": "hours",
    "reimbursed_hours": "hours", "fk_rate": "rate", "reimbursement": "kr", "municipal_share": "kr", "cost": "kr",
    "net_cost": "kr", "cost_per_hour": "kr", "net_cost_per_hour": "kr",
}
PA_BOOLEANS = ("current_settlement_period", "flag_shortfall", "flag_above_granted", "flag_raised_rate")

_MONEY = ("direct_cost", "overhead_cost", "myndighet_cost", "gross_cost", "reimbursement", "net_cost", "fees")
#: results table → column → kind (a column without a kind is text; kpis' value takes its row's unit)
KINDS: dict[str, dict[str, str]] = {
    "person_costs": {"volume": "dec1", **dict.fromkeys(_MONEY, "kr")},
    "unit_costs": {"gross_pool": "kr", "volume": "dec1", "cost_per_unit": "kr"},
    "reconciliation": dict.fromkeys(("ledger_amount", "allocated_amount", "residual"), "kr_ore"),
    "kpis": {"value": "by_unit"},
    "data_quality": {"count": "count"},
    "pa_six_month": PA_KINDS,
    "prognos_rates": {"base_year": "int", "population": "count", "brukare": "count", "volume": "dec1",
                      "brukare_rate": "per_inhabitant", "volume_rate": "per_inhabitant", "unit_cost": "kr"},
    "prognos": {"year": "int", "population": "count", "brukare": "dec1", "volume": "dec1", "unit_cost": "kr",
                "cost": "kr"},
    "prognos_budget": {"year": "int", "cost": "kr", "budget": "kr", "gap": "kr", "gap_share": "percent"},
}
#: kpis.csv's unit → the value's kind
KPI_UNIT_KINDS = {"persons": "count", "SEK": "kr", "SEK/person": "kr", "SEK/hour": "kr", "SEK/day": "kr",
                  "hours": "dec1", "days": "dec1", "share": "percent", "per_1000": "dec1"}
#: text columns shown by their Swedish name (the codes stay in the CSV files; kpis keeps its code beside the name)
_VALUE_NAMES: dict[str, Callable[[str], str] | Mapping[str, str]] = {
    "area": labels.AREAS, "service_code": labels.service, "regi": labels.REGI, "unit": labels.UNITS,
    "severity": labels.SEVERITY, "check": labels.check, "kind": labels.RULE_KINDS, "sex": labels.SEX,
    "row_type": lss_labels.ROW_TYPES, "kpi": labels.KPIS, "group": text.GROUPS, "table": labels.TABLES,
}
_TABLE_VALUE_NAMES = {"kpis": {"unit": text.KPI_UNITS}}
#: frozen panes: the header row, and the identifying columns where a table is wide
_FREEZE = {"person_costs": "B2", "pa_six_month": "C2"}
_WIDTH_SAMPLE = 2000  # rows looked at for a text column's width


def workbook_path(config: ClientConfig, folder: Path) -> Path:
    return folder / f"kpb_{config.client_id}_{config.period.label}.xlsx"


def write_workbook(config: ClientConfig, results_dir: Path, folder: Path) -> Path:
    """Write ``folder/kpb_<client>_<period>.xlsx`` from the results CSV files in ``results_dir``."""
    from openpyxl import Workbook

    tables = {name: _with_codes(name, read_result(results_dir / f"{name}.csv")) for name in TABLES
              if (results_dir / f"{name}.csv").is_file()}
    book = Workbook(write_only=True)
    book.properties.creator = "kpbkit"
    book.properties.title = text.SUMMARY["title"].format(client=config.client_name, period=config.period.label)
    _summary_sheet(book, config, tables)
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
    book.save(path)
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
    """kpis shows the key figure by name and keeps its code beside it (to match kpis.csv)."""
    if name == "kpis":
        frame.insert(frame.columns.get_loc("kpi") + 1, "kpi_code", frame["kpi"])
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


def write_table_sheet(
    book: Any,
    title: str,
    *,
    columns: Sequence[str],
    headers: Sequence[str],
    values: Mapping[str, list[Any]],
    formats: Mapping[str, str | list[str | None]],
    freeze: str = "A2",
) -> Any:
    """One table as a write-only sheet: bold wrapped header, frozen panes, auto-filter, widths, number formats.

    ``formats`` maps a column to one number format, or to one per row; columns without one are written as is.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    n_rows = len(values[columns[0]]) if columns else 0
    for i, col in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column_width(headers[i - 1], values[col],
                                                                           numeric=col in formats)
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{max(1, n_rows + 1)}"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="bottom")
    header = [WriteOnlyCell(sheet, value=h) for h in headers]
    for cell in header:
        cell.font, cell.alignment = bold, wrap
    sheet.append(header)
    per_row = [formats.get(c) if isinstance(formats.get(c), list) else None for c in columns]
    fixed = [None if isinstance(formats.get(c), list) else formats.get(c) for c in columns]
    for r, record in enumerate(zip(*(values[c] for c in columns), strict=True)):
        sheet.append([
            styled_cell(sheet, v, fixed[i] if per_row[i] is None else per_row[i][r], WriteOnlyCell)
            for i, v in enumerate(record)
        ])
    return sheet


def column_width(header: str, values: Sequence[Any], *, numeric: bool) -> float:
    """Wide enough for the values (text: the longest of the first rows) and the header's longest word."""
    word = max((len(w) for w in str(header).split()), default=0)
    if numeric:
        return max(14, word + 2)
    longest = max((len(str(v)) for v in values[:_WIDTH_SAMPLE] if v is not None), default=0)
    return max(10, word + 2, min(50, longest + 2))


def styled_cell(sheet: object, value: object, number_format: str | None, factory: type) -> object:
    """``value`` as is, or as a write-only cell with ``number_format`` (not for empty cells)."""
    if number_format is None or value is None:
        return value
    cell = factory(sheet, value=value)
    cell.number_format = number_format
    return cell


# ------------------------------------------------------------------------------------------------------- summary

def _summary_sheet(book: Any, config: ClientConfig, tables: Mapping[str, pd.DataFrame]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet = book.create_sheet(text.SHEETS["summary"])
    for letter, width in zip("ABCD", (34, 52, 18, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    s = text.SUMMARY

    def bold(value: object, size: int | None = None) -> object:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True, size=size) if size else Font(bold=True)
        return cell

    def fmt(value: float | None, kind: str) -> object:
        value = None if value is None or (isinstance(value, float) and math.isnan(value)) else value
        return styled_cell(sheet, value, FORMATS.get(kind), WriteOnlyCell)

    period = config.period
    sheet.append([bold(s["title"].format(client=config.client_name, period=period.label), 14)])
    sheet.append([s["client"], config.client_name])
    sheet.append([s["client_id"], config.client_id])
    sheet.append([s["period"], period.label])
    sheet.append(["", s["period_range"].format(start=period.start.isoformat(), end=period.end.isoformat())])
    sheet.append([s["created"], s["created_value"].format(version=__version__)])
    sheet.append([s["privacy"]])
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
        for severity, name in labels.SEVERITY.items():
            rows = quality[quality["severity"] == severity]
            sheet.append([name, fmt(len(rows), "count"), fmt(float(rows["count"].sum()), "count")])


# --------------------------------------------------------------------------------------------------- definitions

def _definitions_sheet(book: Any, tables: Mapping[str, pd.DataFrame]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet(text.SHEETS["definitions"])
    for letter, width in zip("ABCD", (26, 40, 26, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cells(values: Sequence[object], *, header: bool = False) -> list[object]:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.alignment = wrap
            if header:
                cell.font = bold
            out.append(cell)
        return out

    sheet.append(cells(text.DEFINITION_HEADERS, header=True))
    for name in ("summary", *tables, "definitions"):
        sheet_name = text.SHEETS[name]
        about, columns = text.DEFINITIONS.get(name, ("", {}))
        file = f"{name}.csv" if name in tables else ""
        sheet.append(cells((sheet_name, text.SHEET_ROW, file, about), header=True))
        present = list(tables[name].columns) if name in tables else list(columns)
        for col in present:
            source = "kpi" if col == "kpi_code" else col
            sheet.append(cells((sheet_name, text.HEADERS.get(name, {}).get(col, col), source,
                                columns.get(col, ""))))
