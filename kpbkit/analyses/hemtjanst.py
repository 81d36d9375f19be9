"""Analyses of the hemtjänst genomlysning (KPB-METHOD §5 "aldreomsorg")."""

from __future__ import annotations

import math

import pandas as pd

from kpbkit.analyses.common import TOTAL, UNKNOWN
from kpbkit.analyses.load import Results

AREA = "aldreomsorg"
SERVICE = "hemtjanst"
#: KPIs that count every service of the area, not only hemtjänst
AREA_WIDE = ("brukare", "gross_cost", "cost_per_brukare", "top10_cost_share")

#: the summary's key figures: (kpi, group, format) — values always come from kpis.csv
KEY_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("brukare", "hemtjanst", "int"),
    ("brukare", "total", "int"),
    ("gross_cost", "total", "mkr"),
    ("cost_per_brukare", "total", "kr"),
    ("delivered_hours", "total", "int"),
    ("granted_hours", "total", "int"),
    ("delivery_ratio", "total", "percent"),
    ("cost_per_hour", "total", "kr"),
    ("cost_per_hour", "egen", "kr"),
    ("cost_per_hour", "extern", "kr"),
    ("coverage_80", "total", "percent"),
    ("hours_per_inhabitant_80", "total", "dec1"),
    ("share_under_65", "total", "percent"),
    ("top10_cost_share", "total", "percent"),
)


def key_figures(results: Results) -> pd.DataFrame:
    """The summary's key figures (kpi, group, value, format), straight from kpis.csv."""
    rows = [{"kpi": kpi, "group": group, "value": results.kpi(AREA, kpi, group), "format": fmt}
            for kpi, group, fmt in KEY_FIGURES]
    return pd.DataFrame(rows)


def key_figures_payload(results: Results) -> dict[str, float | None]:
    """Key figures as ``{"aldreomsorg/kpi/group": value}`` for the report's machine-readable output."""
    from kpbkit.analyses.common import key_figures_payload as payload

    return payload(key_figures(results), AREA)


def delivery_by_group(results: Results) -> pd.DataFrame:
    """Granted and delivered hemtjänst hours and the delivery ratio per group, from kpis.csv."""
    k = results.kpis
    k = k[(k["area"] == AREA) & k["kpi"].isin(["granted_hours", "delivered_hours", "delivery_ratio"])]
    wide = k.pivot_table(index="group", columns="kpi", values="value", aggfunc="first", dropna=False)
    bands = [b.label for b in results.config.age_bands.get(AREA, ())]
    order = ["total", *bands, "K", "M"]
    wide = wide.reindex([g for g in order if g in wide.index])
    return wide.reset_index(names="group")[["group", "granted_hours", "delivered_hours", "delivery_ratio"]]


def counted_hemtjanst_visits(results: Results) -> pd.DataFrame:
    """The hemtjänst visits that count in volumes (the model's own selection)."""
    v = results.counted_visits
    return v[v["service_code"] == SERVICE]


def provider_table(results: Results) -> pd.DataFrame:
    """Per provider: regi, brukare, delivered hours and hours per brukare (egen first, then by hours)."""
    v = counted_hemtjanst_visits(results)
    names = results.providers.set_index("provider_id")["name"]
    out = v.groupby(["provider_id", "regi"], dropna=False).agg(
        brukare=("person_id", "nunique"), minutes=("minutes", "sum")
    ).reset_index()
    out["hours"] = out.pop("minutes") / 60
    out["hours_per_brukare"] = out["hours"] / out["brukare"]
    out["provider"] = out["provider_id"].map(names).fillna(out["provider_id"]).fillna(UNKNOWN)
    return out.sort_values(["regi", "hours"], ascending=[True, False]).reset_index(drop=True)


def regi_comparison(results: Results) -> pd.DataFrame:
    """Egen regi vs extern (LOV): brukare, hours, hours per brukare and cost per hour."""
    rows = results.person_costs
    rows = rows[rows["service_code"] == SERVICE]
    out = rows.groupby("regi").agg(brukare=("person_id", "nunique"), hours=("volume", "sum")).reset_index()
    out["hours_per_brukare"] = out["hours"] / out["brukare"]
    out["cost_per_hour"] = [results.kpi(AREA, "cost_per_hour", r) for r in out["regi"]]
    return out


def decision_months(results: Results) -> pd.Series:
    """Each person's hemtjänst decision months in the period (overlaps counted once), as the run computed them.

    From the interim table ``granted`` (:func:`kpbkit.model.volumes.decision_months`): persons with a
    decision active in the period, indexed by ``person_id``.
    """
    granted = results.granted
    granted = granted[granted["service_code"] == SERVICE]
    person = pd.Index(granted["person_id"], dtype="string", name="person_id")
    return pd.Series(granted["decision_months"].to_numpy(dtype=float), index=person, name="months").sort_index()


def hours_per_brukare_month(results: Results) -> pd.DataFrame:
    """Per brukare with a decision: delivered hours ÷ decision months (KPB-METHOD §4 definitions)."""
    hours = counted_hemtjanst_visits(results).groupby("person_id")["minutes"].sum() / 60
    months = decision_months(results)
    out = pd.DataFrame({"hours": hours}).join(months.rename("months"), how="inner")
    out = out[out["months"] > 0]
    out["hours_per_month"] = out["hours"] / out["months"]
    return out


def distribution_summary(values: pd.Series, *, threshold: float | None = None) -> dict[str, float]:
    """Mean, median, 90th percentile (and the share above ``threshold``) of a series."""
    if not len(values):
        return {"n": 0, "mean": math.nan, "median": math.nan, "p90": math.nan, "above": math.nan}
    out = {"n": float(len(values)), "mean": float(values.mean()), "median": float(values.median()),
           "p90": float(values.quantile(0.9))}
    if threshold is not None:
        out["above"] = float((values > threshold).mean())
    return out


def days_to_first_visit(results: Results) -> pd.DataFrame:
    """For hemtjänst decisions decided in the period: days from decision to the first visit on or after it."""
    period = results.config.period
    d = results.decisions
    d = d[(d["service_code"] == SERVICE) & d["decided_on"].between(pd.Timestamp(period.start),
                                                                    pd.Timestamp(period.end))]
    v = counted_hemtjanst_visits(results)[["person_id", "date"]].sort_values("date")
    d = d[["decision_id", "person_id", "decided_on"]].sort_values("decided_on")
    if not len(d) or not len(v):
        return pd.DataFrame(columns=["decision_id", "person_id", "decided_on", "first_visit", "days"])
    merged = pd.merge_asof(d, v.rename(columns={"date": "first_visit"}), left_on="decided_on",
                           right_on="first_visit", by="person_id", direction="forward")
    merged = merged.dropna(subset=["first_visit"])
    merged["days"] = (merged["first_visit"] - merged["decided_on"]).dt.days
    return merged.reset_index(drop=True)


def staff_continuity(results: Results, *, window_days: int = 14) -> pd.DataFrame:
    """Distinct staff per brukare in consecutive 14-day windows from the period's start, per regi.

    Kolada's continuity measure: the mean, over brukare-windows with visits by known staff, of the
    number of different staff members met. Empty when the visits carry no staff ids.
    """
    v = counted_hemtjanst_visits(results)
    v = v[v["staff_id"].notna()]
    if not len(v):
        return pd.DataFrame(columns=["regi", "windows", "mean_staff"])
    start = pd.Timestamp(results.config.period.start)
    window = ((v["date"] - start).dt.days // window_days).rename("window")
    per = v.assign(window=window).groupby(["regi", "person_id", "window"])["staff_id"].nunique().reset_index()
    out = per.groupby("regi")["staff_id"].agg(windows="size", mean_staff="mean").reset_index()
    total = pd.DataFrame([{"regi": "total", "windows": len(per), "mean_staff": per["staff_id"].mean()}])
    return pd.concat([out, total], ignore_index=True)


def sabo_context(results: Results) -> pd.DataFrame:
    """Särskilt boende as context: brukare, days, gross cost, the cost without myndighetsutövning (direct +
    overhead, the KPB unit cost's numerator) and cost per day from it, per regi and in total."""
    rows = results.person_costs
    rows = rows[rows["service_code"] == "sarskilt_boende"]
    grouped = rows.groupby("regi").agg(brukare=("person_id", "nunique"), days=("volume", "sum"),
                                      direct=("direct_cost", "sum"), overhead=("overhead_cost", "sum"),
                                      gross_cost=("gross_cost", "sum"))
    total = pd.DataFrame([{"brukare": rows["person_id"].nunique(), "days": rows["volume"].sum(),
                           "direct": rows["direct_cost"].sum(), "overhead": rows["overhead_cost"].sum(),
                           "gross_cost": rows["gross_cost"].sum()}], index=[TOTAL])
    out = pd.concat([grouped, total])
    out["unit_cost_basis"] = out["direct"] + out["overhead"]
    out["cost_per_day"] = out["unit_cost_basis"] / out["days"].where(out["days"] > 0)
    return out.drop(columns=["direct", "overhead"]).reset_index(names="regi")


def coverage_by_sex(results: Results) -> pd.DataFrame:
    """Coverage of 80+ and hours per inhabitant 80+, for women, men and in total (from kpis.csv)."""
    rows = []
    for group in ("total", "K", "M"):
        rows.append({
            "group": group,
            "coverage_80": results.kpi(AREA, "coverage_80", group),
            "hours_per_inhabitant_80": results.kpi(AREA, "hours_per_inhabitant_80", group),
            "share_under_65": results.kpi(AREA, "share_under_65", group),
        })
    return pd.DataFrame(rows)


def hours_weight_by_sex_and_age(results: Results) -> pd.DataFrame:
    """Delivered hours and gross cost of hemtjänst per age band and sex (the gender analysis)."""
    from kpbkit.analyses.common import by_age_band_and_sex

    out = by_age_band_and_sex(results, AREA, service=SERVICE)
    return out.rename(columns={"volume": "hours", "volume_per_brukare": "hours_per_brukare"})


__all__ = [name for name in dir() if not name.startswith("_") and name not in {"math", "np", "pd", "TOTAL", "UNKNOWN"}]
