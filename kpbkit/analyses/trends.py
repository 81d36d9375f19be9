"""Multi-year trends: the client's main KPIs of earlier periods beside this period's.

Earlier years of the same client are the results folders of earlier kpbkit runs with the same output
folder, ``<output>/<client>/<year>/results`` for year = period year − 1 … − ``comparison.history_years``
(calendar-year periods only; missing years are skipped), gathered into this run's results folder when it ran
(:mod:`kpbkit.comparisons`). Kronor are shown nominal and at this period's
price level, ``value × (1 + index) ** (period year − year)``.

>>> runs = history(res)                                                         # doctest: +SKIP
>>> trend_table(runs, "aldreomsorg", to_year=2025, price_index=0.03)           # doctest: +SKIP
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.analyses.compare import RunFigures, price_factor, run_from_results
from kpbkit.catalog import PLACEMENT_SERVICES
from kpbkit.comparisons import searched_years  # noqa: F401 - the views say which years were looked for

#: the KPIs each area's trend section shows, in this order
TREND_KPIS: dict[str, tuple[tuple[str, str], ...]] = {
    "aldreomsorg": (
        ("brukare", "hemtjanst"), ("delivered_hours", "total"), ("granted_hours", "total"),
        ("delivery_ratio", "total"), ("cost_per_hour", "total"), ("cost_per_hour", "egen"),
        ("cost_per_hour", "extern"), ("hours_per_inhabitant_80", "total"), ("coverage_80", "total"),
        ("brukare", "total"), ("gross_cost", "total"), ("cost_per_brukare", "total"),
    ),
    "lss": (
        ("brukare", "total"), ("gross_cost", "total"), ("cost_per_brukare", "total"),
        ("pa_gross_cost_per_hour", "total"), ("pa_net_cost_per_hour", "total"),
        ("gruppbostad_cost_per_day", "total"),
    ),
    "barn_unga": (
        ("placed_children", "total"), ("care_days", "total"), ("cost_per_care_day", "total"),
        *(("cost_per_care_day", s) for s in PLACEMENT_SERVICES), ("placed_per_1000_0_20", "total"),
        ("gross_cost", "total"), ("cost_per_brukare", "total"),
    ),
}

#: the KPIs drawn in each area's trend chart
TREND_CHART: dict[str, tuple[tuple[str, str], ...]] = {
    "aldreomsorg": (("cost_per_hour", "total"), ("delivered_hours", "total"), ("coverage_80", "total"),
                    ("gross_cost", "total")),
    "lss": (("pa_gross_cost_per_hour", "total"), ("gruppbostad_cost_per_day", "total"), ("brukare", "total"),
            ("gross_cost", "total")),
    "barn_unga": (("cost_per_care_day", "total"), ("care_days", "total"), ("placed_per_1000_0_20", "total"),
                  ("gross_cost", "total")),
}


def history(results) -> list[RunFigures]:
    """The earlier years' figures and this run's (:class:`kpbkit.analyses.load.Results`), oldest first."""
    return [*results.comparisons.history, run_from_results(results)]


def _change(previous: float, current: float, years: int, unit: str) -> float:
    """Change per year: percentage points (as a fraction) for shares, else the geometric mean growth."""
    if years <= 0 or math.isnan(previous) or math.isnan(current):
        return math.nan
    if unit == "share":
        return (current - previous) / years
    if previous <= 0 or current < 0:
        return math.nan
    return (current / previous) ** (1.0 / years) - 1.0


def trend_table(runs: list[RunFigures], area: str, *, to_year: int, price_index: float,
                kpis: tuple[tuple[str, str], ...] | None = None) -> pd.DataFrame:
    """Long form: one row per KPI and year, nominal and at ``to_year``'s price level, with the change per year.

    Columns ``kpi, group, unit, year, value, factor, value_fixed, change``: ``value`` as the year's results
    give it (NaN where absent), ``value_fixed`` = value × ``factor`` (kronor; equal to value otherwise),
    ``change`` the change per year since the previous year with a value (on ``value_fixed``; percentage
    points as a fraction for shares, relative for the rest; NaN for the first year).
    """
    rows = []
    for kpi, group in kpis if kpis is not None else TREND_KPIS.get(area, ()):
        unit = next((r.unit(area, kpi, group) for r in reversed(runs) if r.unit(area, kpi, group)), "")
        previous: tuple[int, float] | None = None
        for run in sorted(runs, key=lambda r: r.year or 0):
            value = run.value(area, kpi, group)
            factor = price_factor(run.year, to_year, index=price_index, unit=unit)
            fixed = value * factor
            change = math.nan
            if previous is not None and not math.isnan(fixed):
                change = _change(previous[1], fixed, (run.year or 0) - previous[0], unit)
            if not math.isnan(fixed):
                previous = (run.year or 0, fixed)
            rows.append({"area": area, "kpi": kpi, "group": group, "unit": unit, "year": run.year, "value": value,
                         "factor": factor, "value_fixed": fixed, "change": change})
    return pd.DataFrame(rows, columns=["area", "kpi", "group", "unit", "year", "value", "factor", "value_fixed",
                                       "change"])


def trend_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per KPI: first and last year with a value and the mean change per year between them (fixed prices)."""
    rows = []
    for (kpi, group), sel in table.groupby(["kpi", "group"], sort=False):
        have = sel[sel["value_fixed"].notna()].sort_values("year")
        unit = str(sel["unit"].iloc[0])
        if len(have) >= 2:
            first, last = have.iloc[0], have.iloc[-1]
            change = _change(float(first["value_fixed"]), float(last["value_fixed"]),
                             int(last["year"]) - int(first["year"]), unit)
            nominal = _change(float(first["value"]), float(last["value"]), int(last["year"]) - int(first["year"]),
                              unit)
            span = (int(first["year"]), int(last["year"]))
        else:
            change = nominal = math.nan
            span = (np.nan, np.nan)
        rows.append({"kpi": kpi, "group": group, "unit": unit, "first_year": span[0], "last_year": span[1],
                     "change_per_year": change, "change_per_year_nominal": nominal})
    return pd.DataFrame(rows, columns=["kpi", "group", "unit", "first_year", "last_year", "change_per_year",
                                       "change_per_year_nominal"])
