"""Home-care findings: hours delivered above the decisions, a low delivery ratio, and differences between women
and men within an age band (Karlstad's gender analysis)."""

from __future__ import annotations

import math

import pandas as pd

from kpbkit.analyses.common import UNKNOWN_AGE, age_band_labels
from kpbkit.analyses.findings import Finding, certainty
from kpbkit.analyses.load import Results
from kpbkit.config.findings import FindingSettings

AREA = "aldreomsorg"
SERVICE = "hemtjanst"


def _per_person(results: Results) -> pd.DataFrame:
    """Granted and delivered hemtjänst hours per person with a decision (delivered 0 where none)."""
    granted = results.tables.get("granted")
    deliveries = results.tables.get("deliveries")
    if granted is None or deliveries is None:
        return pd.DataFrame(columns=["person_id", "granted", "delivered"])
    g = granted[granted["service_code"] == SERVICE].groupby("person_id")["granted_hours"].sum()
    d = deliveries[deliveries["service_code"] == SERVICE].groupby("person_id")["volume"].sum()
    out = pd.DataFrame({"granted": g}).join(pd.DataFrame({"delivered": d}), how="left").fillna({"delivered": 0.0})
    return out[out["granted"] > 0].reset_index(names="person_id")


def findings(results: Results, settings: FindingSettings) -> list[Finding]:
    cost_per_hour = results.kpi(AREA, "cost_per_hour")
    if math.isnan(cost_per_hour):
        return []
    return [*_above_granted(results, settings, cost_per_hour), *_low_delivery(results, settings),
            *_gender(results, settings, cost_per_hour)]


def _above_granted(results: Results, settings: FindingSettings, cost_per_hour: float) -> list[Finding]:
    """Hours delivered beyond the granted hours, per person, valued at the cost per delivered hour."""
    people = _per_person(results)
    over = people[people["delivered"] > people["granted"]]
    if not len(over):
        return []
    excess = float((over["delivered"] - over["granted"]).sum())
    ratio = float(over["delivered"].sum() / over["granted"].sum())
    return [Finding(
        area=AREA, rule="delivered_above_granted", subject=SERVICE, kind="saving", observed=ratio, target=1.0,
        unit="share", basis="granted", source="", source_year=math.nan, assumption=False, volume=excess,
        volume_unit="hour", kronor=excess * cost_per_hour,
        certainty=certainty(len(over), settings, solid_target=True), group_size=float(len(over)),
        action="delivery_above_decision", follow_kpi="delivery_ratio", overlap=f"{AREA}:home_care_volume")]


def _low_delivery(results: Results, settings: FindingSettings) -> list[Finding]:
    """A delivery ratio below the threshold: decisions larger than what is delivered (planning, budget)."""
    ratio = results.kpi(AREA, "delivery_ratio")
    if math.isnan(ratio) or ratio >= settings.delivery_ratio_low:
        return []
    people = _per_person(results)
    undelivered = float((people["granted"] - people["delivered"]).clip(lower=0).sum())
    return [Finding(
        area=AREA, rule="low_delivery_ratio", subject=SERVICE, kind="risk", observed=ratio,
        target=settings.delivery_ratio_low, unit="share", basis="threshold", source="", source_year=math.nan,
        assumption=False, volume=undelivered, volume_unit="hour", kronor=math.nan,
        certainty=certainty(len(people), settings, solid_target=True), group_size=float(len(people)),
        action="decisions_follow_up", follow_kpi="delivery_ratio", overlap="")]


def _gender(results: Results, settings: FindingSettings, cost_per_hour: float) -> list[Finding]:
    """Per age band: women's and men's delivered hours per brukare; a difference of at least the threshold with
    both groups of at least ``min_group`` persons is valued as the higher group's extra hours × cost per hour."""
    deliveries = results.tables.get("deliveries")
    bands = results.config.age_bands.get(AREA, ())
    if deliveries is None or not bands:
        return []
    hours = deliveries[deliveries["service_code"] == SERVICE].groupby("person_id")["volume"].sum()
    hours = hours[hours > 0]
    people = results.attributes().reindex(hours.index)
    frame = pd.DataFrame({"hours": hours, "sex": people["sex"].astype("string"),
                          "band": age_band_labels(people["age"], bands)})
    frame = frame[frame["sex"].isin(["K", "M"]) & (frame["band"] != UNKNOWN_AGE)]
    out = []
    for band, rows in frame.groupby("band", sort=False, observed=True):
        per = rows.groupby("sex")["hours"].agg(["mean", "count"])
        if set(per.index) != {"K", "M"} or per["count"].min() < settings.min_group:
            continue
        high, low = ("K", "M") if per.loc["K", "mean"] >= per.loc["M", "mean"] else ("M", "K")
        difference = per.loc[high, "mean"] / per.loc[low, "mean"] - 1
        if difference < settings.gender_min_difference:
            continue
        n_high = float(per.loc[high, "count"])
        extra = (per.loc[high, "mean"] - per.loc[low, "mean"]) * n_high
        out.append(Finding(
            area=AREA, rule="gender_difference", subject=f"{band}:{high}", kind="difference",
            observed=float(per.loc[high, "mean"]), target=float(per.loc[low, "mean"]), unit="hours",
            basis="other_sex", source="", source_year=math.nan, assumption=False, volume=float(extra),
            volume_unit="hour", kronor=float(extra * cost_per_hour),
            certainty=certainty(float(per["count"].min()), settings, solid_target=False),
            group_size=float(per["count"].sum()), action="gender_analysis", follow_kpi="hours_per_brukare_by_sex",
            overlap=f"{AREA}:home_care_volume"))
    return out
