"""The mapping from Kolada KPI ids to kpbkit KPIs (``kpbkit/data/kolada_kpis.csv`` or a file of the same shape).

Columns: ``kolada_id, area, kpi, group, unit, factor, kolada_title, definition, source_url, note``. A row says
that Kolada's KPI ``kolada_id`` (gender T) is a reference for kpbkit's ``area/kpi/group`` once multiplied by
``factor`` (e.g. 0.01 for a percentage compared with a share); ``note`` says where the definitions differ and is
carried into every reference row. One Kolada id may feed several kpbkit KPIs (one row each).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from kpbkit.config import REFERENCE_UNITS
from kpbkit.errors import InputError

MAPPING_FILE = "kolada_kpis.csv"
MAPPING_COLUMNS: tuple[str, ...] = (
    "kolada_id", "area", "kpi", "group", "unit", "factor", "kolada_title", "definition", "source_url", "note",
)
_CODE = re.compile(r"^[a-z0-9_]+$")
_KOLADA_ID = re.compile(r"^[A-Z]\d{5}$")


@dataclass(frozen=True)
class KpiMapping:
    kolada_id: str
    area: str
    kpi: str
    group: str
    unit: str
    factor: float
    kolada_title: str
    definition: str
    source_url: str
    note: str


def shipped_mapping() -> list[KpiMapping]:
    """The mapping shipped with kpbkit."""
    source = resources.files("kpbkit.data").joinpath(MAPPING_FILE)
    with resources.as_file(source) as path:
        return read_mapping(path)


def read_mapping(path: Path) -> list[KpiMapping]:
    """A mapping file, checked: an error names the file, the row and the column."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise InputError("the KPI mapping file does not exist", file=path) from exc
    missing = [c for c in MAPPING_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"the KPI mapping lacks column(s) {', '.join(missing)}", file=path,
                         fix=f"the columns are {', '.join(MAPPING_COLUMNS)}")
    out = []
    for row_number, row in enumerate(frame.to_dict("records"), start=2):
        def fail(column: str, problem: str, row_number: int = row_number) -> InputError:
            return InputError(f"KPI mapping: {problem}", file=path, row=row_number, column=column)

        if not _KOLADA_ID.match(row["kolada_id"].strip()):
            raise fail("kolada_id", f"'{row['kolada_id']}' is not a Kolada KPI id (a letter and five digits, "
                                    "e.g. N33100)")
        for column in ("area", "kpi"):
            if not _CODE.match(row[column].strip()):
                raise fail(column, f"'{row[column]}' is not a kpbkit code (lower-case letters, digits, _)")
        if row["unit"] not in REFERENCE_UNITS:
            raise fail("unit", f"unit '{row['unit']}' (allowed: {', '.join(REFERENCE_UNITS)})")
        try:
            factor = float(row["factor"]) if row["factor"].strip() else 1.0
        except ValueError:
            raise fail("factor", f"'{row['factor']}' is not a number") from None
        if not math.isfinite(factor) or factor <= 0:
            raise fail("factor", f"the factor must be a positive number, not {row['factor']}")
        out.append(KpiMapping(row["kolada_id"].strip(), row["area"].strip(), row["kpi"].strip(),
                              row["group"].strip() or "total", row["unit"], factor, row["kolada_title"].strip(),
                              row["definition"].strip(), row["source_url"].strip(), row["note"].strip()))
    return out
