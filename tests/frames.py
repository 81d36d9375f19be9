"""Tiny typed canonical frames for model tests (the shapes ingest produces)."""

from __future__ import annotations

import pandas as pd

from kpbkit.catalog import Catalog
from kpbkit.config import LedgerRule
from kpbkit.ingest import read_empty
from kpbkit.period import Period
from kpbkit.quality import Findings

DATE_COLUMNS = {"date", "start_date", "end_date", "decided_on", "birth_date"}
FLOAT_COLUMNS = {"minutes", "daily_price", "granted_hours_per_month", "amount", "count", "year", "age"}


def table(name: str, rows: list[dict]) -> pd.DataFrame:
    """A canonical table with every column typed as ingest leaves it (missing values as NA/NaT)."""
    frame = read_empty(name).drop(columns=["personnummer"], errors="ignore")
    if not rows:
        return frame
    data = pd.DataFrame(rows)
    out = {}
    for col in frame.columns:
        values = data[col] if col in data.columns else pd.Series([None] * len(data))
        if col in DATE_COLUMNS:
            out[col] = pd.to_datetime(values).astype("datetime64[ns]")
        elif col in FLOAT_COLUMNS:
            out[col] = pd.to_numeric(values).astype(float)
        else:
            out[col] = values.astype("string")
    result = pd.DataFrame(out)
    if name == "ledger":
        for col in ("account", "responsibility", "activity"):
            result[col] = result[col].fillna("")
        result = result.drop(columns=["period"], errors="ignore")
    return result


def providers(*pairs: tuple[str, str]) -> pd.DataFrame:
    return table("providers", [{"provider_id": p, "name": p, "regi": r} for p, r in pairs])


def rules(*items: tuple[str, str, str, str, str]) -> list[LedgerRule]:
    """(activity, account_prefix, responsibility, target, kind) tuples as rules."""
    return [
        LedgerRule(activity=a, account_prefix=p, responsibility=r, target=t, kind=k) for a, p, r, t, k in items
    ]


YEAR = Period.year(2025)
CATALOG = Catalog()


def new_findings() -> Findings:
    return Findings()
