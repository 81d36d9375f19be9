"""Findings across areas: the forecast's gap to the budget frame (Kungsbacka) and ledger money the allocation could
not give to any brukare (data quality that moves money)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.analyses.findings import Finding
from kpbkit.analyses.load import Results
from kpbkit.config.findings import FindingSettings
from kpbkit.config.schema import BASE_SCENARIO

#: reconciliation targets whose residual is on purpose (rules that exclude ledger rows)
DELIBERATE = ("exclude",)


def findings(results: Results, settings: FindingSettings) -> list[Finding]:
    return [*_forecast_gap(results, settings), *_unallocated(results, settings)]


def _forecast_gap(results: Results, settings: FindingSettings) -> list[Finding]:
    """The base scenario's cost above the budget frame in the first forecast year."""
    path = results.folder / "prognos_budget.csv"
    if not path.is_file():
        return []
    budget = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"scenario": str})
    base = budget[(budget["scenario"] == BASE_SCENARIO) & budget["gap"].notna()].sort_values("year")
    if not len(base):
        return []
    first = base.iloc[0]
    if not first["gap"] > 0:
        return []
    return [Finding(
        area="prognos", rule="forecast_above_budget", subject=str(int(first["year"])), kind="risk",
        observed=float(first["cost"]), target=float(first["budget"]), unit="SEK", basis="budget", source="",
        source_year=float(first["year"]), assumption=True, volume=math.nan, volume_unit="",
        kronor=float(first["gap"]), certainty="medium", group_size=math.nan, action="agree_forecast_with_budget",
        follow_kpi="budget_gap", overlap="")]


def _unallocated(results: Results, settings: FindingSettings) -> list[Finding]:
    """Per area, the ledger money left unallocated (a pool without volume, a rule's target no one used); ledger
    rows no rule maps go to the quality report."""
    rec = results.reconciliation
    rec = rec[~rec["target"].isin(DELIBERATE) & (rec["residual"].abs() >= 0.005)]
    if not len(rec):
        return []
    form = rec["target"].str.split(":").str[0]
    subject = rec["target"].str.split(":").str[1]
    area = np.where(form == "service", subject.map(results.config.catalog.area_of),
                    np.where(form.isin(["overhead", "myndighet"]), subject, "kvalitet"))
    out = []
    for name, rows in rec.assign(area=area).groupby("area", sort=True):
        residual = float(rows["residual"].sum())
        if abs(residual) < settings.min_kronor:
            continue
        out.append(Finding(
            area=str(name), rule="ledger_not_allocated", subject=";".join(rows["target"].astype(str)),
            kind="quality", observed=residual, target=0.0, unit="SEK", basis="ledger", source="",
            source_year=math.nan, assumption=False, volume=math.nan, volume_unit="", kronor=abs(residual),
            certainty="high", group_size=math.nan,
            action="map_ledger_rows", follow_kpi="residual", overlap=""))
    return out
