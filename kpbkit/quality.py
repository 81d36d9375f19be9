"""Data-quality findings: collected along the flow, written as the ``data_quality`` table.

A finding never carries a personnummer; ``detail`` speaks of counts, codes and pseudonyms only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Severity = Literal["error", "warning", "info"]


def kronor(amount: float) -> str:
    """An amount as findings write it, to the öre with grouped thousands: ``-1 234 567.89 kr``.

    The grouping also keeps a large amount from looking like a personnummer to a reader or a scan.
    """
    return f"{amount:,.2f} kr".replace(",", " ")
#: the contract's columns, then ``example``: one offending row described without any identity (file row, codes, dates)
COLUMNS = ["check", "severity", "table", "count", "detail", "example"]


@dataclass
class Findings:
    """An append-only list of findings (check id, severity, table, count, detail)."""

    rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self, check: str, severity: Severity, table: str, count: int | float, detail: str = "", example: str = ""
    ) -> None:
        """Record a finding; zero counts are dropped so the table lists only what was found.

        ``example`` describes one offending row so a client can find it (e.g. ``visits.csv row 17: hemtjanst
        2025-03-04, provider LOV9, 0 min``); it must never carry a personnummer or a person's pseudonym.
        """
        if count:
            self.rows.append(
                {"check": check, "severity": severity, "table": table, "count": count, "detail": detail,
                 "example": example}
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
