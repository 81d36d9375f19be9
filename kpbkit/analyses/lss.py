"""Analyses of the LSS genomlysning (KPB-METHOD §5 "lss"). Pure functions of a run's Results.

Key figures come from ``kpis.csv``; everything else from the results and interim tables with the
model's own selections (``person_costs``, ``resolved_stays``, ``counted_visits``). The personal-assistance
six-month report lives in :mod:`kpbkit.analyses.pa_settlement`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.analyses import pa_settlement
from kpbkit.analyses.common import TOTAL, UNKNOWN, area_costs, sex_codes
from kpbkit.analyses.load import Results

AREA = "lss"
PA_SERVICES = pa_settlement.PA_SERVICES
HOUSING = ("gruppbostad", "servicebostad")
#: services whose decisions carry a level (nivå) in the data contract
LEVEL_SERVICES = ("gruppbostad", "servicebostad", "daglig_verksamhet", "boende_barn_lss", "korttidsvistelse")
#: groups of fewer persons than this are suppressed in tables by sex, age band and level (KPB-METHOD §8)

#: the summary's key figures: (kpi, group, format) — values always come from kpis.csv
KEY_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("brukare", "total", "int"),
    ("gross_cost", "total", "mkr"),
    ("cost_per_brukare", "total", "kr"),
    ("top10_cost_share", "total", "percent"),
    ("brukare", "pa_sfb", "int"),
    ("pa_gross_cost_per_hour", "total", "kr"),
    ("pa_net_cost_per_hour", "total", "kr"),
    ("pa_gross_cost_per_hour", "egen", "kr"),
    ("pa_gross_cost_per_hour", "extern", "kr"),
    ("brukare", "gruppbostad", "int"),
    ("gruppbostad_cost_per_day", "total", "kr"),
    ("gruppbostad_cost_per_day", "egen", "kr"),
    ("gruppbostad_cost_per_day", "extern", "kr"),
)


def key_figures(results: Results) -> pd.DataFrame:
    """The summary's key figures (kpi, group, value, format), straight from kpis.csv."""
    rows = [{"kpi": kpi, "group": group, "value": results.kpi(AREA, kpi, group), "format": fmt}
            for kpi, group, fmt in KEY_FIGURES]
    return pd.DataFrame(rows)


def key_figures_payload(results: Results) -> dict[str, float | None]:
    """Key figures as ``{"lss/kpi/group": value}`` for the report's machine-readable output."""
    from kpbkit.analyses.common import key_figures_payload as payload

    return payload(key_figures(results), AREA)


# ------------------------------------------------------------------------------------------------ unit costs


def personal_assistance_costs(results: Results) -> pd.DataFrame:
    """Personal assistance per service and regi (and in total): brukare, hours, gross and net kr per hour.

    Gross per hour is (direct + overhead) / hours and net adds the booked state reimbursement, as the
    contract's ``pa_gross_cost_per_hour`` / ``pa_net_cost_per_hour`` (which these equal for ``pa_sfb``).
    """
    rows = area_costs(results, AREA)
    rows = rows[rows["service_code"].isin(PA_SERVICES)]
    parts = [_pa_row(part, str(service), str(regi)) for (service, regi), part in rows.groupby(["service_code", "regi"])]
    parts += [_pa_row(part, str(service), "total") for service, part in rows.groupby("service_code")]
    if not parts:
        return pd.DataFrame(columns=["service_code", "regi", "brukare", "hours", "cost", "reimbursement",
                                     "gross_per_hour", "net_per_hour"])
    out = pd.DataFrame(parts)
    order = {s: i for i, s in enumerate(PA_SERVICES)}
    regi_order = {"egen": 0, "extern": 1, "total": 2}
    out = out.assign(_s=out["service_code"].map(order), _r=out["regi"].map(regi_order))
    return out.sort_values(["_s", "_r"]).drop(columns=["_s", "_r"]).reset_index(drop=True)


def _pa_row(part: pd.DataFrame, service: str, regi: str) -> dict[str, object]:
    hours = float(part["volume"].sum())
    cost = float(part["direct_cost"].sum() + part["overhead_cost"].sum())
    reimbursement = float(part["reimbursement"].sum())
    per = (lambda v: v / hours) if hours > 0 else (lambda v: math.nan)
    return {"service_code": service, "regi": regi, "brukare": part["person_id"].nunique(), "hours": hours,
            "cost": cost, "reimbursement": reimbursement, "gross_per_hour": per(cost),
            "net_per_hour": per(cost + reimbursement)}


def housing_units(results: Results, service: str) -> pd.DataFrame:
    """Per unit (provider) of a day service: regi, brukare, days, cost (direct + overhead) and kr per day.

    A person's direct and overhead cost of the service and regi is split over their stays in proportion to
    each stay's allocation weight (days × daily price; unpriced stays in a priced pool weigh the pool's mean
    price, as the engine weighs them), so the units add up to the service's total exactly.
    """
    stays = results.resolved_stays
    stays = stays[stays["service_code"] == service].copy()
    if not len(stays):
        return pd.DataFrame(columns=["provider_id", "provider", "regi", "brukare", "days", "cost",
                                     "cost_per_day", "mean_price"])
    pool = stays.groupby("regi")[["price_weight", "priced_volume"]].transform("sum")
    mean_price = pool["price_weight"] / pool["priced_volume"].where(pool["priced_volume"] > 0)
    priced = stays["daily_price"].notna()
    weight = np.where(priced, stays["price_weight"], stays["volume"] * mean_price.fillna(1.0))
    stays["weight"] = np.clip(weight, 0, None)
    stays["share"] = stays["weight"] / stays.groupby(["person_id", "regi"])["weight"].transform("sum")
    pc = results.person_costs
    pc = pc[pc["service_code"] == service]
    cost = (pc["direct_cost"] + pc["overhead_cost"]).groupby([pc["person_id"], pc["regi"]]).sum()
    keys = pd.MultiIndex.from_arrays([stays["person_id"].astype("string"), stays["regi"].astype("string")])
    stays["cost"] = stays["share"].fillna(0.0).to_numpy() * np.asarray(keys.map(cost), dtype=float)
    out = stays.groupby(["provider_id", "regi"]).agg(
        brukare=("person_id", "nunique"), days=("days", "sum"), cost=("cost", "sum"),
        priced_days=("priced_volume", "sum"), price_weight=("price_weight", "sum"),
    ).reset_index()
    out["cost_per_day"] = out["cost"] / out["days"].where(out["days"] > 0)
    out["mean_price"] = out.pop("price_weight") / out.pop("priced_days").where(lambda s: s > 0)
    names = results.providers.set_index("provider_id")["name"]
    out["provider"] = out["provider_id"].map(names).fillna(out["provider_id"]).fillna(UNKNOWN)
    return out.sort_values(["regi", "cost_per_day"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ six-month report


def six_month(results: Results) -> pd.DataFrame:
    """The six-month report the run wrote (``results/pa_six_month.csv``); stops with the config error naming
    ``lss.fk_hourly_rates`` when a year with ``pa_sfb`` hours has no FK rate."""
    return pa_settlement.read_table(results)


def six_month_current(table: pd.DataFrame) -> pd.DataFrame:
    """Per case: the current settlement period's row (the half holding the period's last day)."""
    rows = table[(table["row_type"] == "settlement_period") & table["current_settlement_period"]]
    return rows.reset_index(drop=True)


def six_month_year(table: pd.DataFrame) -> pd.DataFrame:
    """Per case and calendar year of the period: the year rows."""
    return table[table["row_type"] == "year"].reset_index(drop=True)


def six_month_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Sums over the cases per service and row (current settlement period and year): hours and kronor."""
    rows = pd.concat([six_month_current(table).assign(scope="current"), six_month_year(table).assign(scope="year")])
    sums = ["granted_hours", "delivered_hours", "municipal_share_hours", "reimbursed_hours", "reimbursement",
            "municipal_share", "cost", "net_cost"]
    out = rows.groupby(["scope", "service_code", "period"], sort=False)[sums].sum(min_count=1).reset_index()
    cases = rows.groupby(["scope", "service_code", "period"], sort=False)["person_id"].nunique()
    out["cases"] = cases.to_numpy()
    hours = out["delivered_hours"].where(out["delivered_hours"] > 0)
    out["delivery_ratio"] = out["delivered_hours"] / out["granted_hours"].where(out["granted_hours"] > 0)
    out["cost_per_hour"] = out["cost"] / hours
    out["net_cost_per_hour"] = out["net_cost"] / hours
    return out


def monthly_hours(table: pd.DataFrame, service: str = "pa_sfb") -> pd.DataFrame:
    """Granted and delivered hours per month, summed over the cases of one service."""
    rows = table[(table["row_type"] == "month") & (table["service_code"] == service)]
    return rows.groupby("period", as_index=False)[["granted_hours", "delivered_hours"]].sum()


def monthly_ratio_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """Delivered ÷ granted hours per case (rows) and month (columns), for the follow-up each month."""
    rows = table[table["row_type"] == "month"]
    if not len(rows):
        return pd.DataFrame()
    wide = rows.pivot_table(index=["person_id", "service_code"], columns="period", values="delivery_ratio",
                            aggfunc="first")
    return wide.reset_index()


def flagged_cases(table: pd.DataFrame) -> pd.DataFrame:
    """The current settlement period's rows with at least one flag, one row per case, most flags first."""
    current = six_month_current(table)
    flags = list(pa_settlement.FLAGS)
    current = current[current[flags].any(axis=1)]
    return current.assign(_n=current[flags].sum(axis=1)).sort_values(
        ["_n", "person_id"], ascending=[False, True]).drop(columns="_n").reset_index(drop=True)


def flag_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Cases with each flag in the current settlement period and in the year."""
    rows = []
    for flag in pa_settlement.FLAGS:
        rows.append({"flag": flag,
                     "current": int(six_month_current(table)[flag].sum()),
                     "year": int(six_month_year(table)[flag].sum())})
    return pd.DataFrame(rows)


def reimbursement_check(results: Results, table: pd.DataFrame) -> dict[str, float]:
    """Reimbursement the year's pa_sfb hours earn at the FK rate against what the ledger booked (both ≤ 0)."""
    pc = results.person_costs
    booked = float(pc.loc[pc["service_code"] == pa_settlement.REIMBURSED_SERVICE, "reimbursement"].sum())
    year = six_month_year(table)
    earned = float(year.loc[year["service_code"] == pa_settlement.REIMBURSED_SERVICE, "reimbursement"].sum())
    return {"booked": booked, "earned": earned, "difference": booked - earned}


# ------------------------------------------------------------------------------------------------ sex, age, level


def by_service_and_sex(results: Results) -> pd.DataFrame:
    """Per LSS service and sex: brukare, volume and gross cost, per brukare (the gender analysis)."""
    rows = area_costs(results, AREA)
    rows = rows.assign(sex=sex_codes(rows["sex"]))
    out = rows.groupby(["service_code", "sex"]).agg(
        brukare=("person_id", "nunique"), volume=("volume", "sum"), unit=("unit", "first"),
        gross_cost=("gross_cost", "sum"),
    ).reset_index()
    out["volume_per_brukare"] = out["volume"] / out["brukare"]
    out["cost_per_brukare"] = out["gross_cost"] / out["brukare"]
    total = out.groupby("service_code")["gross_cost"].transform("sum")
    out = out.assign(_total=total).sort_values(["_total", "sex"], ascending=[False, True]).drop(columns="_total")
    return out.reset_index(drop=True)


def stay_lengths(results: Results, service: str = "servicebostad") -> pd.DataFrame:
    """Per stay with days in the period: sex and length in days from its start to its end or the period's end."""
    stays = results.resolved_stays
    stays = stays[stays["service_code"] == service]
    if not len(stays):
        return pd.DataFrame({"person_id": pd.Series([], dtype="string"), "sex": pd.Series([], dtype="string"),
                             "days": pd.Series([], dtype=float), "ended": pd.Series([], dtype=bool)})
    end = pd.Timestamp(results.config.period.end)
    last = stays["end_date"].where(stays["end_date"].notna() & (stays["end_date"] <= end), end)
    attrs = results.attributes()
    out = pd.DataFrame({
        "person_id": stays["person_id"].to_numpy(),
        "sex": sex_codes(stays["person_id"].map(attrs["sex"])).to_numpy(),
        "days": ((last - stays["start_date"]).dt.days + 1).to_numpy(),
        "ended": (stays["end_date"].notna() & (stays["end_date"] <= end)).to_numpy(),
    })
    return out


def stay_length_by_sex(results: Results, service: str = "servicebostad") -> pd.DataFrame:
    """Stays, mean and median length in years, and stays ended in the period, per sex and in total."""
    stays = stay_lengths(results, service)
    groups = [(sex, part) for sex, part in stays.groupby("sex")] + [(TOTAL, stays)]
    rows = []
    for sex, part in groups:
        years = part["days"] / 365.25
        rows.append({"sex": sex, "stays": len(part), "brukare": part["person_id"].nunique(),
                     "mean_years": float(years.mean()) if len(part) else math.nan,
                     "median_years": float(years.median()) if len(part) else math.nan,
                     "ended": int(part["ended"].sum())})
    return pd.DataFrame(rows)


def level_distribution(results: Results) -> pd.DataFrame:
    """Per service and level (nivå): brukare, volume, gross cost and cost per brukare.

    A brukare's level is that of their latest decision of the service active in the period (by start
    date, ties by decision id); brukare whose decisions carry no level are shown as unknown.
    """
    d = results.decisions
    period = results.config.period
    d = d[d["service_code"].isin(LEVEL_SERVICES) & (d["start_date"] <= pd.Timestamp(period.end))
          & ~(d["end_date"] < pd.Timestamp(period.start))]
    if not len(d) or d["level"].isna().all():
        return pd.DataFrame(columns=["service_code", "level", "brukare", "volume", "unit", "gross_cost",
                                     "cost_per_brukare"])
    latest = d.sort_values(["start_date", "decision_id"]).groupby(["person_id", "service_code"]).tail(1)
    level = latest.set_index(["person_id", "service_code"])["level"]
    rows = area_costs(results, AREA)
    rows = rows[rows["service_code"].isin(d["service_code"].unique())]
    keys = pd.MultiIndex.from_arrays([rows["person_id"].astype("string"), rows["service_code"].astype("string")])
    rows = rows.assign(level=pd.Series(keys.map(level), index=rows.index).fillna(UNKNOWN).astype(str))
    out = rows.groupby(["service_code", "level"]).agg(
        brukare=("person_id", "nunique"), volume=("volume", "sum"), unit=("unit", "first"),
        gross_cost=("gross_cost", "sum"),
    ).reset_index()
    out["cost_per_brukare"] = out["gross_cost"] / out["brukare"]
    with_levels = out.groupby("service_code")["level"].transform(lambda s: (s != UNKNOWN).any())
    return out[with_levels].sort_values(["service_code", "level"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ data quality


def lss_checks(results: Results) -> pd.DataFrame:
    """LSS-specific findings, as counts: hours without decision, decisions without delivery, missing levels."""
    period = results.config.period
    lo, hi = pd.Timestamp(period.start), pd.Timestamp(period.end)
    d = results.decisions
    d = d[(d["start_date"] <= hi) & ~(d["end_date"] < lo) & ~(d["end_date"] < d["start_date"])]
    visits = results.counted_visits
    pa_visits = visits[visits["service_code"].isin(PA_SERVICES)]
    pa_dec = d[d["service_code"].isin(PA_SERVICES)]
    delivered = set(zip(pa_visits["person_id"], pa_visits["service_code"], strict=True))
    decided = set(zip(pa_dec["person_id"], pa_dec["service_code"], strict=True))
    stays = results.resolved_stays
    housing = stays[stays["service_code"].isin(LEVEL_SERVICES)]
    housing_cases = set(zip(housing["person_id"], housing["service_code"], strict=True))
    housing_dec = d[d["service_code"].isin(LEVEL_SERVICES)]
    uses_levels = housing_dec.groupby("service_code")["level"].transform(lambda s: s.notna().any()).astype(bool)
    counts = {
        "pa_hours_without_decision": len(delivered - decided),
        "pa_decision_without_hours": len(decided - delivered),
        "pa_sfb_without_granted_hours": int(((pa_dec["service_code"] == "pa_sfb")
                                              & ~(pa_dec["granted_hours_per_month"] > 0)).sum()),
        "stay_without_decision": len(housing_cases - set(zip(housing_dec["person_id"], housing_dec["service_code"],
                                                             strict=True))),
        "decision_without_level": int((housing_dec["level"].isna() & uses_levels).sum()),
    }
    rows = [{"check": key, "count": value} for key, value in counts.items()]
    return pd.DataFrame(rows)
