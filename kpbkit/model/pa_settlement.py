"""The personal-assistance six-month report (KPB-METHOD §4 "PA six-month settlement" and §5 "lss").

One row per case (a person's ``pa_sfb`` or ``pa_lss``) and month of the analysis period, plus one row per
case and settlement period and per case and calendar year. Every row carries granted and delivered hours,
the municipality's first-20-hours share, the hours Försäkringskassan reimburses and what they earn at the
year's FK hourly rate, the cost at the KPB unit cost, the net, and three flags. The definitions (which
hours, which rate, how the flags are decided) are in ``docs/reports.md``; in short:

- settlement periods are calendar halves (January–June, July–December) unless a case states another
  start (``settlement_starts``);
- per case and settlement period: share ``S = min(G, 20 × days / 7)``, reimbursed hours
  ``R = max(0, min(D, G) − S)`` (``G`` granted, ``D`` delivered, ``days`` with an active decision);
- a month's share and reimbursed hours are what the month adds to its settlement period so far, so the
  months add up to the period exactly (a month can take reimbursement back: a negative value);
- ``pa_lss`` is paid by the municipality alone: it earns no reimbursement and has no FK share.

>>> table = for_run(config, data.decisions, model.counted_visits, model.person_costs)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.config import ClientConfig, missing_fk_rate_error
from kpbkit.period import Period, interval_months, to_day64

PA_SERVICES: tuple[str, ...] = ("pa_sfb", "pa_lss")
#: the service Försäkringskassan reimburses (assistansersättning, SFB 51 kap.)
REIMBURSED_SERVICE = "pa_sfb"
#: the municipality pays the first 20 hours a week of granted assistance
MUNICIPAL_HOURS_PER_WEEK = 20.0
#: hours within this of each other count as equal ("delivered above granted" needs more)
TOLERANCE_HOURS = 1e-6
ROW_TYPES: tuple[str, ...] = ("month", "settlement_period", "year")

COLUMNS: list[str] = [
    "person_id",
    "service_code",
    "row_type",
    "period",
    "period_start",
    "period_end",
    "settlement_period",
    "current_settlement_period",
    "days",
    "granted_hours",
    "delivered_hours",
    "delivery_ratio",
    "municipal_share_hours",
    "reimbursed_hours",
    "fk_rate",
    "reimbursement",
    "municipal_share",
    "cost",
    "net_cost",
    "cost_per_hour",
    "net_cost_per_hour",
    "flag_shortfall",
    "flag_above_granted",
    "flag_raised_rate",
]
FLAGS: tuple[str, ...] = ("flag_shortfall", "flag_above_granted", "flag_raised_rate")
_SUMMED = ["days", "granted_hours", "delivered_hours", "municipal_share_hours", "reimbursed_hours", "reimbursement",
           "municipal_share", "cost", "net_cost"]


def pa_unit_costs(person_costs: pd.DataFrame) -> pd.DataFrame:
    """KPB cost per delivered hour of each personal-assistance service and regi: (direct + overhead) / hours.

    Parameters
    ----------
    person_costs
        The results table ``person_costs``.

    Returns
    -------
    pd.DataFrame
        ``service_code, regi, hours, cost, cost_per_hour`` (needs assessment is a cost of the decision, not
        of the hour, as in the contract's unit-cost KPIs).
    """
    rows = person_costs[person_costs["service_code"].isin(PA_SERVICES)]
    out = rows.groupby(["service_code", "regi"], as_index=False).agg(
        hours=("volume", "sum"), direct=("direct_cost", "sum"), overhead=("overhead_cost", "sum")
    )
    out["cost"] = out.pop("direct") + out.pop("overhead")
    out["cost_per_hour"] = out["cost"] / out["hours"].where(out["hours"] > 0)
    for col in ("service_code", "regi"):
        out[col] = out[col].astype("string")
    return out


def six_month_report(
    decisions: pd.DataFrame,
    visits: pd.DataFrame,
    unit_costs: pd.DataFrame,
    *,
    period: Period,
    fk_hourly_rates: Mapping[int, float],
    shortfall_threshold: float = 0.9,
    rate_margin: float = 0.12,
    settlement_starts: Mapping[str, dt.date] | None = None,
    require_rates: bool = True,
    config_path: Path | None = None,
) -> pd.DataFrame:
    """The six-month report of every personal-assistance case in ``period``, in long form (see the module).

    Parameters
    ----------
    decisions
        Canonical decisions (``person_id, service_code, start_date, end_date, granted_hours_per_month``);
        other services are ignored, as are decisions ending before they start.
    visits
        The visits that count in volumes, with their ``regi`` (the model's ``counted_visits``).
    unit_costs
        :func:`pa_unit_costs`: the KPB cost per hour of each service and regi.
    period
        The analysis period; months and halves outside it are not computed.
    fk_hourly_rates
        FK's hourly rate by calendar year (the config's ``lss.fk_hourly_rates``).
    shortfall_threshold, rate_margin
        Flag thresholds: delivered < threshold × granted; cost per hour > rate × (1 + margin).
    settlement_starts
        A case's own settlement start by ``person_id`` (its six-month periods count from that date's month);
        every other case uses calendar halves.
    require_rates
        Raise :class:`~kpbkit.errors.ConfigError` (naming ``lss.fk_hourly_rates``) when a year with
        ``pa_sfb`` hours has no rate; when false, that year's reimbursement, net and raised-rate flag are
        left empty (NaN / false).
    config_path
        The config file named in that error.

    Returns
    -------
    pd.DataFrame
        The columns of :data:`COLUMNS`; reimbursement is signed like ``person_costs`` (normally ≤ 0) and
        ``net_cost = cost + reimbursement``.
    """
    months = _month_rows(decisions, visits, unit_costs, period)
    if not len(months):
        return _empty()
    months = _settle(months, period, settlement_starts or {})
    months = _money(months, fk_hourly_rates, require_rates=require_rates, config_path=config_path)
    months["row_type"] = "month"
    months["period"] = months["month"].dt.strftime("%Y-%m")
    months["period_start"], months["period_end"] = months["month_start"], months["month_end"]
    settlement = _aggregate(months, "settlement_period")
    settlement["row_type"] = "settlement_period"
    settlement["period"] = settlement["settlement_period"]
    calendar = months["month"].dt.year
    year = months.assign(
        year=calendar.astype(str),
        year_start=pd.to_datetime(calendar.astype(str) + "-01-01").clip(lower=pd.Timestamp(period.start)),
        year_end=pd.to_datetime(calendar.astype(str) + "-12-31").clip(upper=pd.Timestamp(period.end)),
    )
    year = _aggregate(year, "year")
    year["row_type"] = "year"
    year["period"] = year["year"]
    year["settlement_period"] = ""
    year["current_settlement_period"] = False
    out = pd.concat([months, settlement, year], ignore_index=True)
    out = _ratios_and_flags(out, shortfall_threshold=shortfall_threshold, rate_margin=rate_margin)
    order = out["row_type"].map({t: i for i, t in enumerate(ROW_TYPES)})
    out = out.assign(_order=order).sort_values(["person_id", "service_code", "_order", "period_start"])
    out = out[COLUMNS].reset_index(drop=True)
    for col in ("person_id", "service_code", "row_type", "period", "settlement_period"):
        out[col] = out[col].astype("string")
    return out


def for_run(
    config: ClientConfig,
    decisions: pd.DataFrame,
    counted_visits: pd.DataFrame,
    person_costs: pd.DataFrame,
    *,
    require_rates: bool = True,
) -> pd.DataFrame:
    """The six-month report of one run's tables with the config's rates and thresholds."""
    return six_month_report(
        decisions,
        counted_visits,
        pa_unit_costs(person_costs),
        period=config.period,
        fk_hourly_rates=config.lss.fk_hourly_rates,
        shortfall_threshold=config.lss.shortfall_threshold,
        rate_margin=config.lss.rate_margin,
        require_rates=require_rates,
        config_path=config.path,
    )


def current_settlement_label(period: Period) -> str:
    """The calendar half holding the analysis period's last day, e.g. ``2025-07–2025-12``."""
    end = int(_month_index(np.array([np.datetime64(period.end, "M")]))[0])
    return str(_settlement_label(np.array([end - end % 6]))[0])


# ------------------------------------------------------------------------------------------------ internals


def _empty() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series([], dtype=float) for c in COLUMNS})
    for col in ("person_id", "service_code", "row_type", "period", "settlement_period"):
        out[col] = out[col].astype("string")
    for col in ("period_start", "period_end"):
        out[col] = out[col].astype("datetime64[ns]")
    for col in ("current_settlement_period", *FLAGS):
        out[col] = out[col].astype(bool)
    return out


def _month_index(months: np.ndarray) -> np.ndarray:
    """Months since January 1970 of ``datetime64[M]`` values (January of any year is a multiple of 12)."""
    return months.astype("datetime64[M]").astype(np.int64)


def _settlement_label(first: np.ndarray) -> np.ndarray:
    """``2025-01–2025-06`` for six-month periods starting at month indices ``first``."""
    start = np.asarray(first, dtype=np.int64).astype("datetime64[M]")
    end = start + np.timedelta64(5, "M")
    return np.char.add(np.char.add(np.datetime_as_string(start), "–"), np.datetime_as_string(end))


def _month_rows(decisions: pd.DataFrame, visits: pd.DataFrame, unit_costs: pd.DataFrame,
                period: Period) -> pd.DataFrame:
    """Per case and month: active days, granted hours, delivered hours and cost at the unit cost."""
    months = np.arange(np.datetime64(period.start, "M"), np.datetime64(period.end, "M") + 1)
    m_first = np.maximum(months.astype("datetime64[D]"), period.start64)
    m_last = np.minimum((months + 1).astype("datetime64[D]") - 1, period.end64)
    keys = ["person_id", "service_code", "month"]

    d = decisions[decisions["service_code"].isin(PA_SERVICES)]
    d = d[~(d["end_date"] < d["start_date"])]
    start, end, inside = period.clip(to_day64(d["start_date"]), to_day64(d["end_date"]))
    d, start, end = d[inside], start[inside], end[inside]
    granted = pd.DataFrame(columns=[*keys, "granted_hours", "days"])
    if len(d):
        n, k = len(d), len(months)
        s = np.maximum(np.repeat(start, k), np.tile(m_first, n))
        e = np.minimum(np.repeat(end, k), np.tile(m_last, n))
        hit = s <= e
        hours = np.repeat(d["granted_hours_per_month"].fillna(0.0).to_numpy(dtype=float), k)[hit]
        per = pd.DataFrame({
            "person_id": np.repeat(d["person_id"].astype("string").to_numpy(), k)[hit],
            "service_code": np.repeat(d["service_code"].astype("string").to_numpy(), k)[hit],
            "month": np.tile(months, n)[hit],
            "granted_hours": hours * interval_months(s[hit], e[hit]),
        })
        granted = per.groupby(keys, as_index=False)["granted_hours"].sum()
        granted = granted.merge(_active_days(d, start, end), on=keys, how="left")

    v = visits[visits["service_code"].isin(PA_SERVICES)]
    delivered = pd.DataFrame(columns=[*keys, "delivered_hours", "cost"])
    if len(v):
        uc = unit_costs.set_index(["service_code", "regi"])["cost_per_hour"]
        v = pd.DataFrame({
            "person_id": _text(v["person_id"]),
            "service_code": _text(v["service_code"]),
            "month": to_day64(v["date"]).astype("datetime64[M]"),
            "regi": _text(v["regi"]),
            "hours": v["minutes"].to_numpy(dtype=float) / 60.0,
        })
        per = v.groupby([*keys, "regi"], as_index=False)["hours"].sum()
        rate = pd.MultiIndex.from_arrays([per["service_code"], per["regi"]]).map(uc)
        per["cost"] = per["hours"] * np.asarray(rate, dtype=float)
        delivered = per.groupby(keys, as_index=False).agg(delivered_hours=("hours", "sum"), cost=("cost", "sum"))

    parts = [p.assign(month=p["month"].astype("datetime64[ns]")) for p in (granted, delivered) if len(p)]
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True).groupby(keys, as_index=False).sum(min_count=1)
    for col in ("granted_hours", "days", "delivered_hours", "cost"):
        out[col] = out[col].astype(float) if col in out else 0.0
    out[["granted_hours", "days", "delivered_hours"]] = out[["granted_hours", "days", "delivered_hours"]].fillna(0.0)
    out["cost"] = out["cost"].where(out["delivered_hours"] > 0, 0.0)
    bounds = pd.DataFrame({"month": months.astype("datetime64[ns]"), "month_start": m_first.astype("datetime64[ns]"),
                           "month_end": m_last.astype("datetime64[ns]")})
    return out.merge(bounds, on="month", how="left")


def _text(values: pd.Series) -> np.ndarray:
    """``values.astype("string").to_numpy()``; a categorical's few categories converted, then taken by code."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return values.astype("string").to_numpy()
    categories = np.append(values.cat.categories.astype("string").to_numpy(), pd.NA)
    return categories[values.cat.codes.to_numpy()]  # code -1 (missing) takes the trailing NA


def _active_days(d: pd.DataFrame, start: np.ndarray, end: np.ndarray) -> pd.DataFrame:
    """Per case and month: days with at least one active decision (overlapping decisions count a day once)."""
    length = (end - start).astype(np.int64) + 1
    row = np.repeat(np.arange(len(d)), length)
    day = start[row] + (np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)).astype(
        "timedelta64[D]")
    frame = pd.DataFrame({
        "person_id": d["person_id"].astype("string").to_numpy()[row],
        "service_code": d["service_code"].astype("string").to_numpy()[row],
        "day": day,
    }).drop_duplicates()
    frame["month"] = frame["day"].to_numpy().astype("datetime64[M]")
    return frame.groupby(["person_id", "service_code", "month"], as_index=False).size().rename(columns={"size": "days"})


def _settle(months: pd.DataFrame, period: Period, starts: Mapping[str, dt.date]) -> pd.DataFrame:
    """Each month's settlement period, and its share and reimbursed hours as increments of the period so far."""
    index = _month_index(months["month"].to_numpy().astype("datetime64[M]"))
    own = months["person_id"].map({k: _month_index(np.array([np.datetime64(v, "M")]))[0] for k, v in starts.items()})
    anchor = own.fillna(0).to_numpy(dtype=np.int64)
    first = index - (index - anchor) % 6
    end_index = _month_index(np.array([np.datetime64(period.end, "M")]))[0]
    bounds = first.astype("datetime64[M]")
    out = months.assign(
        _first=first,
        settlement_period=_settlement_label(first),
        current_settlement_period=first == end_index - (end_index - anchor) % 6,
        settlement_start=np.maximum(bounds.astype("datetime64[D]"), period.start64).astype("datetime64[ns]"),
        settlement_end=np.minimum((bounds + 6).astype("datetime64[D]") - 1, period.end64).astype("datetime64[ns]"),
    ).sort_values(["person_id", "service_code", "month"])
    group = out.groupby(["person_id", "service_code", "_first"], sort=False)
    g_cum = group["granted_hours"].cumsum()
    d_cum = group["delivered_hours"].cumsum()
    days_cum = group["days"].cumsum()
    share_cum = np.minimum(g_cum, MUNICIPAL_HOURS_PER_WEEK * days_cum / 7.0)
    paid_cum = np.maximum(0.0, np.minimum(d_cum, g_cum) - share_cum)
    sfb = out["service_code"] == REIMBURSED_SERVICE
    keys = [out["person_id"], out["service_code"], out["_first"]]
    out["municipal_share_hours"] = (share_cum - share_cum.groupby(keys).shift(fill_value=0.0)).where(sfb)
    out["reimbursed_hours"] = (paid_cum - paid_cum.groupby(keys).shift(fill_value=0.0)).where(sfb, 0.0)
    return out.drop(columns="_first")


def _money(months: pd.DataFrame, rates: Mapping[int, float], *, require_rates: bool,
           config_path: Path | None) -> pd.DataFrame:
    """FK rate of the month's year, reimbursement (signed, ≤ 0 normally), municipal share in kr, net."""
    year = months["month"].dt.year
    sfb = months["service_code"] == REIMBURSED_SERVICE
    if require_rates:
        missing = sorted({int(y) for y in year[sfb]} - {int(y) for y in rates})
        if missing:
            raise missing_fk_rate_error(missing[0], dict(rates), config_path)
    rate = year.map({int(y): float(r) for y, r in rates.items()}).astype(float).where(sfb)
    reimbursement = np.where(sfb, 0.0 - months["reimbursed_hours"] * rate, 0.0) + 0.0  # + 0.0: no "−0"
    return months.assign(
        fk_rate=rate,
        reimbursement=reimbursement,
        municipal_share=months["municipal_share_hours"] * rate,
        net_cost=months["cost"] + reimbursement,
    )


def _aggregate(months: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sums per case and ``by`` (settlement period or year); the FK rate of the last month; the span's dates."""
    keys = ["person_id", "service_code", by]
    ordered = months.sort_values([*keys, "month"])
    grouped = ordered.groupby(keys, sort=False)
    out = grouped[_SUMMED].sum(min_count=1).reset_index()
    start, end = ("settlement_start", "settlement_end") if by == "settlement_period" else ("year_start", "year_end")
    extra = grouped.agg(period_start=(start, "first"), period_end=(end, "first"), fk_rate=("fk_rate", "last"),
                        current=("current_settlement_period", "any")).reset_index()
    out = out.merge(extra, on=keys)
    out["days"] = out["days"].fillna(0.0)
    sfb = out["service_code"] == REIMBURSED_SERVICE
    out["municipal_share_hours"] = out["municipal_share_hours"].where(sfb)
    out["municipal_share"] = out["municipal_share"].where(sfb)
    if by == "settlement_period":
        out["current_settlement_period"] = out.pop("current")
    else:
        out = out.drop(columns="current")
    return out


def _ratios_and_flags(rows: pd.DataFrame, *, shortfall_threshold: float, rate_margin: float) -> pd.DataFrame:
    granted, delivered = rows["granted_hours"], rows["delivered_hours"]
    hours = delivered.where(delivered > 0)
    out = rows.assign(
        delivery_ratio=delivered / granted.where(granted > 0),
        cost_per_hour=rows["cost"] / hours,
        net_cost_per_hour=rows["net_cost"] / hours,
    )
    out["flag_shortfall"] = (granted > 0) & (delivered < shortfall_threshold * granted)
    out["flag_above_granted"] = delivered > granted + TOLERANCE_HOURS
    limit = out["fk_rate"] * (1.0 + rate_margin)
    out["flag_raised_rate"] = ((out["service_code"] == REIMBURSED_SERVICE) & (delivered > 0)
                               & (out["cost_per_hour"] > limit)).fillna(False).astype(bool)
    out["current_settlement_period"] = out["current_settlement_period"].fillna(False).astype(bool)
    out["days"] = out["days"].astype(float)
    return out
