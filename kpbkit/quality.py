"""Data-quality findings: collected along the flow, written as the ``data_quality`` table.

A finding never carries a personnummer; ``detail`` speaks of counts and codes, and ``example`` points at
one offending row by file and row number (:func:`describe_row`) with non-identifying fields only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from kpbkit.io.delimited import safe_name
from kpbkit.io.readers import SOURCE_ROW

Severity = Literal["error", "warning", "info"]


def kronor(amount: float) -> str:
    """An amount as findings write it, to the öre with grouped thousands: ``-1 234 567.89 kr``.

    The grouping also keeps a large amount from looking like a personnummer to a reader or a scan.
    """
    return f"{amount:,.2f} kr".replace(",", " ")
#: the contract's columns, then ``example``: one offending row described without any identity (file row, codes, dates),
#: then ``values``: the finding's numbers, names and example row as JSON, so a report can word it in its own language
COLUMNS = ["check", "severity", "table", "count", "detail", "example", "values"]


class Example(str):
    """An example's text as the CSV keeps it, carrying its parts (``file``, ``row``, ``fields``) for a report.

    ``fields`` maps a column to its value (ISO dates, numbers, text; ``None`` when empty), never an identity.
    """

    parts: dict[str, object]

    def __new__(cls, text: str, parts: Mapping[str, object]) -> Example:
        made = super().__new__(cls, text)
        made.parts = dict(parts)
        return made


def _json_value(value: object) -> object:
    """numpy scalars, timestamps and other odd values as JSON can hold them."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(value).date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@dataclass
class Findings:
    """An append-only list of findings (check id, severity, table, count, detail)."""

    rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self, check: str, severity: Severity, table: str, count: int | float, detail: str = "", example: str = "",
        values: Mapping[str, object] | None = None,
    ) -> None:
        """Record a finding; zero counts are dropped so the table lists only what was found.

        ``example`` describes one offending row so a client can find it (e.g. ``visits.csv row 17: hemtjanst
        2025-03-04, provider LOV9, 0 min``); it must never carry a personnummer or a person's pseudonym.
        ``values`` holds what ``detail`` says in numbers and names (amounts in kronor unrounded, years, file and
        column names), so a report can word the finding itself; an :class:`Example` adds its parts as ``example``.
        """
        if count:
            given = dict(values or {})
            if isinstance(example, Example) and "example" not in given:
                given["example"] = example.parts
            self.rows.append(
                {"check": check, "severity": severity, "table": table, "count": count, "detail": detail,
                 "example": str(example),
                 "values": json.dumps(given, ensure_ascii=False, default=_json_value) if given else ""}
            )

    def extend(self, other: Findings) -> None:
        self.rows.extend(other.rows)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=COLUMNS)

    def count(self, check: str, table: str | None = None) -> float:
        """Total count of one check (optionally in one table); 0 if never found."""
        return sum(
            float(r["count"]) for r in self.rows if r["check"] == check and (table is None or r["table"] == table)
        )


#: the fields an example shows by default, per table (never an identity column)
FIELDS: dict[str, tuple[str, ...]] = {
    "visits": ("service_code", "date", "provider_id", "minutes"),
    "stays": ("service_code", "start_date", "end_date", "stay_id", "provider_id"),
    "decisions": ("service_code", "start_date", "end_date", "decision_id", "provider_id"),
    "ledger": ("date", "activity", "account", "responsibility", "amount"),
}
#: columns that identify a person: an example never shows them
IDENTITY_COLUMNS = frozenset({"person_id", "personnummer"})
#: how a field reads in an example ({} is the value)
_FORMATS = {
    "minutes": "{} min",
    "provider_id": "provider {}",
    "staff_id": "staff {}",
    "decision_id": "decision {}",
    "stay_id": "stay {}",
    "daily_price": "daily price {} kr",
    "granted_hours_per_month": "{} h/month",
    "activity": "activity {}",
    "account": "account {}",
    "responsibility": "responsibility {}",
    "amount": "{} kr",
    "regi": "regi {}",
    "law": "law {}",
    "level": "level {}",
}
#: what an empty field is called in an example (else the column's name)
_EMPTY_NAMES = {"provider_id": "provider", "staff_id": "staff", "decision_id": "decision id", "stay_id": "stay id",
                "daily_price": "daily price", "granted_hours_per_month": "granted hours"}


def describe_row(
    frame: pd.DataFrame,
    where: pd.Series | np.ndarray | int,
    table: str,
    file: str | Path | None = None,
    columns: Sequence[str] | None = None,
) -> str:
    """One row described so a client can find it, without any identity.

    Parameters
    ----------
    frame
        The rows; its ``source_row`` column (if any) gives the row number a person sees in the file.
    where
        A boolean mask aligned with ``frame`` (its first True row is described) or a row position.
    table
        The table's name, used when the file is unknown.
    file
        The source file (only its name is shown); ``None`` leaves the file out.
    columns
        The fields to show (default :data:`FIELDS` of the table); identity columns are refused.

    Returns
    -------
    str
        E.g. ``visits.csv row 17: hemtjanst 2025-03-04, provider LOV9, 0 min`` (an :class:`Example` carrying the
        file, row and fields); ``""`` if no row matches.
    """
    if isinstance(where, (int, np.integer)):
        position = int(where)
    else:
        mask = where.to_numpy(dtype=bool, na_value=False) if isinstance(where, pd.Series) else np.asarray(where, bool)
        if not len(mask):
            return ""
        position = int(np.argmax(mask))
        if not mask[position]:
            return ""
    fields = list(FIELDS.get(table, ()) if columns is None else columns)
    if IDENTITY_COLUMNS & set(fields):
        raise ValueError(f"an example never shows {', '.join(sorted(IDENTITY_COLUMNS & set(fields)))}")
    place = Path(file).name if file is not None else table
    row = frame[SOURCE_ROW].iloc[position] if SOURCE_ROW in frame.columns else None
    if not _missing(row):
        place = f"{place} row {int(row)}"
    values = {c: frame[c].iloc[position] for c in fields if c in frame.columns}
    parts = {"file": Path(file).name if file is not None else None, "table": table,
             "row": None if _missing(row) else int(row),
             "fields": {c: None if _missing(v) else _part(v) for c, v in values.items()}}
    return Example(f"{place}: {_fields(values)}" if values else place, parts)


def _part(value: object) -> object:
    """A field's value as an example's parts keep it: numbers as numbers, dates as ISO text, codes as safe text."""
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value) if not float(value).is_integer() else int(value)
        return number if safe_name(str(number)) == str(number) else safe_name(str(number))
    return safe_name(str(value).strip())


def _fields(values: dict[str, object]) -> str:
    """``hemtjanst 2025-03-04, provider LOV9, 0 min``: the service, its date or dates, then the other fields."""
    head = []
    if "service_code" in values:
        head.append(field_text(values.pop("service_code"), "service_code"))
    if "start_date" in values or "end_date" in values:
        start = field_text(values.pop("start_date", None), "start_date")
        end = values.pop("end_date", None)
        head.append(f"{start}..{'open' if _missing(end) else field_text(end, 'end_date')}")
    elif "date" in values:
        head.append(field_text(values.pop("date"), "date"))
    parts = [" ".join(head)] if head else []
    for column, value in values.items():
        if _missing(value):
            parts.append(f"{_EMPTY_NAMES.get(column, column)} empty")
        else:
            parts.append(_FORMATS.get(column, "{}").format(field_text(value, column)))
    return ", ".join(parts)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def field_text(value: object, column: str) -> str:
    """A value as an example shows it (``empty`` when missing); text shaped like a personnummer is hidden."""
    if _missing(value):
        return "empty"
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, (float, np.floating)):
        if column in ("amount", "daily_price"):
            return f"{float(value):.2f}"
        return str(int(value)) if float(value).is_integer() else f"{float(value):.2f}".rstrip("0")
    return safe_name(str(value).strip())
