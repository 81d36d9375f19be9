"""The run's Excel workbook, ``<output>/<client>/<period>/kpb_<client>_<period>.xlsx``, for the client's controllers.

Every results table of the run (``results/*.csv``, DATA-CONTRACT.md) becomes one formatted sheet: Swedish headers
and values (:mod:`kpbkit.labels.workbook`), kronor, percent, hour and date formats, a frozen header row, an
auto-filter and column widths that fit. A "Sammanfattning" sheet opens the workbook with the key figures per area,
the reconciliation totals and the data-quality findings per severity; "Definitioner" closes it with what each sheet
and column means. The workbook is built from the CSV files just written, so it shows exactly what they hold.

The sheets are streamed (openpyxl's write-only mode): a large municipality's ``person_costs`` has 100 000+ rows.
The cell helpers here are shared with the six-month report's own workbook
(:func:`kpbkit.report.six_month.write_six_month_xlsx`).

Every cell goes through :class:`Sheet` (:func:`cell`): text is always stored as text, never as a formula or an error
value, also when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a client or scenario name
such as ``=HYPERLINK(...)``); such cells also get Excel's quote prefix, so editing one keeps it text.
A formula can only be written on purpose, as a :class:`Formula`.

In publication mode (``report.publication`` or ``kpbkit run --publish``) the workbook holds aggregates only
(:func:`published_tables`): no row per person or case, and person counts below ``report.threshold`` shown as
``<threshold`` with the secondary suppression of :meth:`kpbkit.privacy.Policy.suppression_mask`, as in the reports.

Excel stores number formats in its invariant syntax (``#,##0`` = thousands separator, ``.`` = decimal sign) and shows
them with the reader's separators: ``#,##0 "kr"`` reads ``1 234 567 kr`` in a Swedish Excel.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpbkit import __version__, labels
from kpbkit.config import ClientConfig
from kpbkit.io.identity_guard import save_workbook
from kpbkit.labels import lss as lss_labels
from kpbkit.labels import workbook as text
from kpbkit.privacy import Policy

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
    "unit_costs": {"gross_pool": "kr", "volume": "dec1", "cost_per_unit": "kr", "brukare": "count"},
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


#: a text starting with one of these is a formula to a spreadsheet, or becomes one when a cell is edited or a sheet
#: is exported to CSV and opened again (CSV/formula injection)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Formula:
    """A formula kpbkit writes on purpose, the only way a cell of its workbooks holds one; ``text`` starts with "="."""

    text: str


def cell(sheet: Any, value: object, *, number_format: str | None = None, font: Any = None,
         alignment: Any = None) -> Any:
    """The write-only cell of ``value``: every cell of kpbkit's workbooks is made here.

    A ``str`` is stored as text whatever it starts with: openpyxl would make ``"=..."`` a formula and ``"#N/A"``
    an error value, so such text becomes an inline-string cell, and text starting with one of
    :data:`FORMULA_TRIGGERS` also gets the quote prefix, so Excel keeps it text when the cell is edited.
    Characters XML cannot hold become U+FFFD, and a carriage return a line feed (as XML reads it anyway).
    A :class:`Formula` is written as a formula. Plain text, numbers, dates and booleans without a style are
    returned as they are (openpyxl stores them as such, and streams them fastest).
    """
    write_only_cell, _errors, illegal = _openpyxl()
    styled = number_format is not None or font is not None or alignment is not None
    if isinstance(value, Formula):
        if not value.text.startswith("="):
            raise ValueError(f"a formula starts with '=': {value.text!r}")
        out = write_only_cell(sheet, value=value.text)
    elif isinstance(value, str):
        if not styled and _plain_text(value):
            return value
        text = illegal.sub("\ufffd", value).replace("\r\n", "\n").replace("\r", "\n")
        out = write_only_cell(sheet, value=None)
        out.value = text
        out.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            out.quotePrefix = True
    elif not styled:
        return value
    else:
        out = write_only_cell(sheet, value=value)
    if number_format is not None and value is not None:
        out.number_format = number_format
    if font is not None:
        out.font = font
    if alignment is not None:
        out.alignment = alignment
    return out


def _plain_text(text: str) -> bool:
    """Text openpyxl stores as text, unchanged: no formula or error value, no character XML changes or refuses."""
    _cell, errors, illegal = _openpyxl()
    return not text.startswith(FORMULA_TRIGGERS) and "\r" not in text and text not in errors and (
        illegal.search(text) is None)


@functools.cache
def _openpyxl() -> tuple[Any, Any, Any]:
    """openpyxl's write-only cell, error values and illegal characters (imported once, when a workbook is written)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

    return WriteOnlyCell, ERROR_CODES, ILLEGAL_CHARACTERS_RE


class Sheet:
    """A write-only worksheet whose every cell is made by :func:`cell` (rows are added only through :meth:`append`).

    ``column_dimensions``, ``freeze_panes`` and ``auto_filter`` are the worksheet's own.
    """

    def __init__(self, book: Any, title: str) -> None:
        self.raw = book.create_sheet(title)
        self._formulas: set[int] = set()

    def __getattr__(self, name: str) -> Any:
        if name in ("column_dimensions", "auto_filter", "title"):
            return getattr(self.raw, name)
        raise AttributeError(name)

    @property
    def freeze_panes(self) -> Any:
        return self.raw.freeze_panes

    @freeze_panes.setter
    def freeze_panes(self, value: str) -> None:
        self.raw.freeze_panes = value

    def cell(self, value: object, *, number_format: str | None = None, font: Any = None,
             alignment: Any = None) -> Any:
        """A cell for :meth:`append` with a style (see :func:`cell`)."""
        out = cell(self.raw, value, number_format=number_format, font=font, alignment=alignment)
        if isinstance(value, Formula):
            self._formulas.add(id(out))
        return out

    def append(self, values: Iterable[object] = ()) -> None:
        """One row: plain values become cells here; a cell made elsewhere holds a formula only if it was one."""
        from openpyxl.cell.cell import Cell

        row = []
        for value in values:
            if isinstance(value, Cell):
                if value.data_type == "f" and id(value) not in self._formulas:
                    value.data_type = "s"
                row.append(value)
            else:
                row.append(None if value is None else self.cell(value))
        self.raw.append(row)


def new_workbook() -> Any:
    """An empty write-only (streamed) workbook made by kpbkit; add sheets with :class:`Sheet`."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.creator = "kpbkit"
    return book


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
    book = new_workbook()
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
) -> Sheet:
    """One table as a write-only sheet: bold wrapped header, frozen panes, auto-filter, widths, number formats.

    ``formats`` maps a column to one number format, or to one per row; columns without one are written as is.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = Sheet(book, title)
    n_rows = len(values[columns[0]]) if columns else 0
    for i, col in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column_width(headers[i - 1], values[col],
                                                                           numeric=col in formats)
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{max(1, n_rows + 1)}"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="bottom")
    sheet.append([sheet.cell(h, font=bold, alignment=wrap) for h in headers])
    per_row = [formats.get(c) if isinstance(formats.get(c), list) else None for c in columns]
    fixed = [None if isinstance(formats.get(c), list) else formats.get(c) for c in columns]
    for r, record in enumerate(zip(*(values[c] for c in columns), strict=True)):
        formats_of_row = [fixed[i] if per_row[i] is None else per_row[i][r] for i in range(len(record))]
        sheet.append([v if f is None or v is None else sheet.cell(v, number_format=f)
                      for v, f in zip(record, formats_of_row, strict=True)])
    return sheet


def column_width(header: str, values: Sequence[Any], *, numeric: bool) -> float:
    """Wide enough for the values (text: the longest of the first rows) and the header's longest word."""
    word = max((len(w) for w in str(header).split()), default=0)
    if numeric:
        return max(14, word + 2)
    longest = max((len(str(v)) for v in values[:_WIDTH_SAMPLE] if v is not None), default=0)
    return max(10, word + 2, min(50, longest + 2))


# ------------------------------------------------------------------------------------------------------- summary

def _summary_sheet(book: Any, config: ClientConfig, tables: Mapping[str, pd.DataFrame], *, policy: Policy) -> None:
    """The opening sheet; in publication mode the tables are already suppressed."""
    from openpyxl.styles import Font

    sheet = Sheet(book, text.SHEETS["summary"])
    for letter, width in zip("ABCD", (34, 52, 18, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    s = text.SUMMARY

    def bold(value: object, size: int | None = None) -> object:
        return sheet.cell(value, font=Font(bold=True, size=size) if size else Font(bold=True))

    def fmt(value: object, kind: str) -> object:
        value = None if value is None or (isinstance(value, float) and math.isnan(value)) else value
        return None if value is None else sheet.cell(value, number_format=FORMATS.get(kind))

    period = config.period
    sheet.append([bold(s["title"].format(client=config.client_name, period=period.label), 14)])
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

def _definitions_sheet(book: Any, tables: Mapping[str, pd.DataFrame]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = Sheet(book, text.SHEETS["definitions"])
    for letter, width in zip("ABCD", (26, 40, 26, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cells(values: Sequence[object], *, header: bool = False) -> list[object]:
        return [sheet.cell(v, alignment=wrap, font=bold if header else None) for v in values]

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


# --------------------------------------------------------------------------------------------------- publication

#: a published table → the results table it sums up
PUBLISHED_FROM = {"service_costs": "person_costs", "pa_six_month_published": "pa_six_month"}
#: the six-month report's flags → the published table's count of cases with the flag
PA_FLAG_COUNTS = {"flag_shortfall": "cases_shortfall", "flag_above_granted": "cases_above_granted",
                  "flag_raised_rate": "cases_raised_rate"}
_PA_KEYS = ["service_code", "row_type", "period", "period_start", "period_end", "settlement_period",
            "current_settlement_period"]
_PA_SUMMED = ["granted_hours", "delivered_hours", "municipal_share_hours", "reimbursed_hours", "reimbursement",
              "municipal_share", "cost", "net_cost"]
#: the published six-month table's columns
PA_PUBLISHED_COLUMNS = [*_PA_KEYS, "cases", "granted_hours", "delivered_hours", "delivery_ratio",
                        "municipal_share_hours", "reimbursed_hours", "fk_rate", "reimbursement", "municipal_share",
                        "cost", "net_cost", "cost_per_hour", "net_cost_per_hour", *PA_FLAG_COUNTS.values()]
_SERVICE_KEYS = ["area", "service_code", "regi", "unit"]

KINDS["service_costs"] = {"brukare": "count", "volume": "dec1", **dict.fromkeys(_MONEY, "kr")}
KINDS["pa_six_month_published"] = {**PA_KINDS, "cases": "count", **dict.fromkeys(PA_FLAG_COUNTS.values(), "count")}


def published_tables(tables: Mapping[str, pd.DataFrame], policy: Policy) -> dict[str, pd.DataFrame]:
    """The workbook's tables in publication mode: aggregates only, person counts below the threshold suppressed.

    * ``person_costs`` (a row per person) becomes ``service_costs``: brukare, volume and costs per area, service
      and regi;
    * ``unit_costs`` gets the brukare of each service and regi, so that a small group's unit cost is hidden;
    * ``pa_six_month`` (a row per case) becomes its sums per service and month, settlement period and year,
      with the number of cases and of flagged cases (:func:`published_six_month`);
    * ``kpis``: person counts of a group below the threshold, and every figure of that group (:func:`published_kpis`);
    * ``data_quality`` keeps check, severity, table and count: no example row, no detail (it cites counts);
    * ``prognos_rates`` and ``prognos``: the brukare counts, and the figures of their row but the population.

    Each count column is suppressed by :meth:`kpbkit.privacy.Policy.suppression_mask` (primary and secondary); a
    hidden cell holds ``"<threshold"``.
    """
    out: dict[str, pd.DataFrame] = {}
    costs = tables.get("person_costs")
    for name, frame in tables.items():
        if name == "person_costs":
            out["service_costs"] = published_service_costs(frame, policy)
        elif name == "unit_costs":
            brukare = (costs.groupby(["service_code", "regi"], as_index=False)["person_id"].nunique()
                       .rename(columns={"person_id": "brukare"}) if costs is not None
                       else pd.DataFrame(columns=["service_code", "regi", "brukare"]))
            merged = frame.merge(brukare, on=["service_code", "regi"], how="left")
            merged["brukare"] = merged["brukare"].fillna(0).astype(int)
            columns = [*frame.columns[:3], "brukare", *frame.columns[3:]]
            out[name] = suppress(merged[columns], ["brukare"], ["gross_pool", "volume", "cost_per_unit"],
                                 policy=policy)
        elif name == "kpis":
            out[name] = published_kpis(frame, policy)
        elif name == "data_quality":
            kept = frame[["check", "severity", "table", "count"]]
            out[name] = suppress(kept, ["count"], [], policy=policy)
        elif name == "pa_six_month":
            out["pa_six_month_published"] = published_six_month(frame, policy)
        elif name in ("prognos_rates", "prognos"):
            figures = [c for c, kind in KINDS[name].items()
                       if c in frame.columns and c not in ("brukare", "population") and kind != "int"]
            out[name] = suppress(frame, ["brukare"], figures, policy=policy)
        else:
            out[name] = frame
    return out


def suppress(frame: pd.DataFrame, counts: Sequence[str], figures: Sequence[str], *, policy: Policy,
             derived_from: Sequence[str] | None = None) -> pd.DataFrame:
    """``frame`` with its small counts and the ``figures`` of their rows as ``"<threshold"``.

    ``counts`` are suppressed by :meth:`kpbkit.privacy.Policy.suppression_mask` (1 ≤ n < threshold, then the next
    smallest where one part alone would be hidden); ``figures`` of a row are hidden where one of ``derived_from``
    (default: every count) is.
    """
    out = frame.reset_index(drop=True)
    if not len(out) or not counts:
        return out
    mask = policy.suppression_mask(out, list(counts))
    small = mask[list(derived_from if derived_from is not None else counts)].any(axis=1).to_numpy()
    marker = policy.marker
    out = out.astype({c: object for c in [*counts, *figures]})
    for col in counts:
        out.loc[mask[col].to_numpy(), col] = marker
    for col in figures:
        out.loc[small, col] = marker
    return out


def published_service_costs(person_costs: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """``person_costs`` summed per area, service, regi and unit with the number of brukare (small ones hidden)."""
    money = [c for c in _MONEY if c in person_costs.columns]
    grouped = person_costs.groupby(_SERVICE_KEYS, sort=True, dropna=False)
    out = grouped[["volume", *money]].sum(min_count=1)
    out.insert(0, "brukare", grouped["person_id"].nunique())
    return suppress(out.reset_index(), ["brukare"], ["volume", *money], policy=policy)


def published_six_month(table: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The six-month report summed over the cases per service and month, settlement period and year.

    Columns :data:`PA_PUBLISHED_COLUMNS`: the number of cases, hours and kronor, the ratios of the sums, FK's rate,
    and the number of cases with each flag. Small numbers of cases hide the row's figures; small flag counts
    are hidden on their own.
    """
    if not len(table):
        return pd.DataFrame(columns=PA_PUBLISHED_COLUMNS)
    flags = table[list(PA_FLAG_COUNTS)].astype(str).eq("True")
    rows = table.assign(**{PA_FLAG_COUNTS[f]: flags[f].astype(int) for f in PA_FLAG_COUNTS})
    grouped = rows.groupby(_PA_KEYS, sort=False, dropna=False)
    out = grouped[_PA_SUMMED].sum(min_count=1)
    out["cases"] = grouped["person_id"].nunique()
    out["fk_rate"] = grouped["fk_rate"].first()
    for col in PA_FLAG_COUNTS.values():
        out[col] = grouped[col].sum()
    out = out.reset_index()
    delivered = out["delivered_hours"].where(out["delivered_hours"] > 0)
    out["delivery_ratio"] = out["delivered_hours"] / out["granted_hours"].where(out["granted_hours"] > 0)
    out["cost_per_hour"] = out["cost"] / delivered
    out["net_cost_per_hour"] = out["net_cost"] / delivered
    figures = [c for c in PA_PUBLISHED_COLUMNS if c not in _PA_KEYS and c != "fk_rate" and c != "cases"
               and c not in PA_FLAG_COUNTS.values()]
    return suppress(out[PA_PUBLISHED_COLUMNS], ["cases", *PA_FLAG_COUNTS.values()], figures, policy=policy,
                    derived_from=["cases"])


def _kpi_dimension(group: str) -> str:
    """The breakdown a kpis group belongs to: its groups are the parts a small one could be recalculated from."""
    if group == "total":
        return "total"
    if group in labels.SEX:
        return "sex"
    if group in labels.REGI:
        return "regi"
    return "age" if group[:1].isdigit() else "service"


def published_kpis(kpis: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """kpis with person counts below the threshold hidden, and every other figure of their area and group.

    As the reports do (:func:`kpbkit.views.common.key_figures_table`): a small count hides its group's figures, a
    small total its area's; the parts of one breakdown (age, sex, regi, service) are suppressed together by
    :meth:`kpbkit.privacy.Policy.suppression_mask`, so a small part cannot be recalculated from the total and the
    others.
    """
    out = kpis.reset_index(drop=True)
    persons = (out["unit"] == "persons").to_numpy()
    hidden = np.zeros(len(out), dtype=bool)
    dimension = out["group"].astype(str).map(_kpi_dimension)
    for _key, part in out[persons].groupby([out.loc[persons, "area"], out.loc[persons, "kpi"],
                                            dimension[persons]], sort=False):
        mask = policy.suppression_mask(part.rename(columns={"value": "n"}), ["n"])
        hidden[part.index[mask["n"].to_numpy()]] = True
    small_groups = set(zip(out.loc[hidden, "area"], out.loc[hidden, "group"], strict=True))
    small_areas = {area for area, group in small_groups if group == "total"}
    pairs = list(zip(out["area"], out["group"], strict=True))
    hide = hidden | np.array([(a, g) in small_groups or a in small_areas for a, g in pairs], dtype=bool)
    out["value"] = out["value"].astype(object)
    out.loc[hide, "value"] = policy.marker
    return out
