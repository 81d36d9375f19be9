"""Barn och unga: placements over the year, month by month (inflow, outflow) and day by day."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.analyses.barn_unga.lengths import episodes
from kpbkit.analyses.barn_unga.stays import PLACEMENTS, placement_stays
from kpbkit.analyses.load import Results
from kpbkit.period import to_day64


def _months(results: Results) -> pd.PeriodIndex:
    period = results.config.period
    return pd.period_range(period.start, period.end, freq="M")


def flows_by_month(results: Results) -> pd.DataFrame:
    """Per month of the period: placement stays starting (inflow) and ending (outflow), and episodes doing so.

    A stay (or episode) ending on the period's last day counts as outflow; one ending later does not.
    """
    months = _months(results)
    stays = placement_stays(results)
    eps = episodes(results)

    def per_month(dates: pd.Series) -> pd.Series:
        counted = dates.dropna().dt.to_period("M").value_counts()
        return counted.reindex(months, fill_value=0).astype(int)

    out = pd.DataFrame({
        "stays_started": per_month(stays["start_date"]),
        "stays_ended": per_month(stays["end_date"]),
        "episodes_started": per_month(eps["start_date"]),
        "episodes_ended": per_month(eps["end_date"]),
    }, index=months)
    return out.rename_axis("month").reset_index()


def placed_per_day(results: Results) -> pd.DataFrame:
    """Children placed on each day of the period: in total (each child once) and per placement form."""
    period = results.config.period
    days = pd.date_range(period.start, period.end, freq="D")
    stays = placement_stays(results)
    start, end, inside = period.clip(to_day64(stays["start_date"]), to_day64(stays["end_date"]))
    stays, start, end = stays[inside], start[inside], end[inside]
    length = (end - start).astype(np.int64) + 1
    rep = np.repeat(np.arange(len(stays)), length)
    offset = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
    expanded = pd.DataFrame({
        "person_id": stays["person_id"].to_numpy()[rep],
        "service_code": stays["service_code"].to_numpy()[rep],
        "date": pd.to_datetime(start[rep] + offset.astype("timedelta64[D]")),
    })
    total = expanded.drop_duplicates(["person_id", "date"]).groupby("date").size()
    per_form = expanded.drop_duplicates().groupby(["date", "service_code"]).size().unstack(fill_value=0)
    out = per_form.reindex(index=days, columns=[c for c in PLACEMENTS if c in per_form.columns], fill_value=0)
    out.insert(0, "total", total.reindex(days, fill_value=0))
    return out.rename_axis("date").reset_index()


def placed_per_day_summary(results: Results) -> dict[str, float | pd.Timestamp]:
    """Mean, least and most children placed on one day, and the first day with the most."""
    daily = placed_per_day(results)
    if not len(daily):
        return {"mean": math.nan, "min": math.nan, "max": math.nan, "max_date": pd.NaT}
    return {"mean": float(daily["total"].mean()), "min": float(daily["total"].min()),
            "max": float(daily["total"].max()), "max_date": daily.loc[daily["total"].idxmax(), "date"]}

