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
    people = _per_person(results)
    by_provider = _by_provider(results, people)
    return [*_above_granted(people, settings, cost_per_hour), *_low_delivery(results, people, settings),
            *_gender(results, settings, cost_per_hour), *_provider_hours(results, by_provider, settings),
            *_provider_delivery(by_provider, settings)]


def _by_provider(results: Results, people: pd.DataFrame) -> pd.DataFrame:
    """Per person: hemtjänst hours, the provider that delivered most of them, its regi, and the granted hours."""
    deliveries = results.tables.get("deliveries")
    if deliveries is None or not {"provider_id", "regi"} <= set(deliveries.columns):
        return pd.DataFrame(columns=["person_id", "hours", "provider_id", "regi", "granted"])
    rows = deliveries[(deliveries["service_code"] == SERVICE) & deliveries["provider_id"].notna()]
    per = rows.groupby(["person_id", "provider_id", "regi"], dropna=False)["volume"].sum().reset_index()
    main = per.sort_values("volume", ascending=False).drop_duplicates("person_id")
    hours = rows.groupby("person_id")["volume"].sum()
    out = main.drop(columns="volume").set_index("person_id").assign(hours=hours)
    granted = people.set_index("person_id")["granted"]
    return out.assign(granted=granted.reindex(out.index)).reset_index()


def _provider_hours(results: Results, by_provider: pd.DataFrame, settings: FindingSettings) -> list[Finding]:
    """A provider whose brukare get more hours each than the providers' median (each brukare counted at the
    provider that delivered most of their hours); the extra hours valued at the cost per hour of its regi."""
    people = by_provider[by_provider["hours"] > 0]
    per = people.groupby(["provider_id", "regi"]).agg(brukare=("person_id", "nunique"), hours=("hours", "sum"))
    per = per[per["brukare"] >= settings.min_group]
    if len(per) < 3:
        return []
    per["per_brukare"] = per["hours"] / per["brukare"]
    median = float(per["per_brukare"].median())
    out = []
    for (provider, regi), row in per.iterrows():
        if row["per_brukare"] <= median * (1 + max(settings.min_deviation, 0.15)):
            continue
        cost = results.kpi(AREA, "cost_per_hour", str(regi))
        extra = (row["per_brukare"] - median) * row["brukare"]
        out.append(Finding(
            area=AREA, rule="provider_hours_per_brukare", subject=f"{provider}:{regi}", kind="saving",
            observed=float(row["per_brukare"]), target=median, unit="hours", basis="providers_median", source="",
            source_year=math.nan, assumption=False, volume=float(extra), volume_unit="hour",
            kronor=float(extra * cost) if not math.isnan(cost) else math.nan,
            certainty=certainty(float(row["brukare"]), settings, solid_target=False),
            group_size=float(row["brukare"]), action="provider_hours_review", follow_kpi="hours_per_brukare_provider",
            overlap=f"{AREA}:home_care_volume"))
    return out


def _provider_delivery(by_provider: pd.DataFrame, settings: FindingSettings) -> list[Finding]:
    """A provider delivering less than ``delivery_ratio_low`` of its brukare's granted hours (each brukare at the
    provider that delivered most of their hours) while the area as a whole delivers more."""
    people = by_provider.dropna(subset=["granted"])
    per = people.groupby("provider_id").agg(brukare=("person_id", "nunique"), hours=("hours", "sum"),
                                            granted=("granted", "sum"))
    per = per[(per["brukare"] >= settings.min_group) & (per["granted"] > 0)]
    if len(per) < 2:
        return []
    overall = float(per["hours"].sum() / per["granted"].sum())
    out = []
    for provider, row in per.iterrows():
        ratio = float(row["hours"] / row["granted"])
        if ratio >= settings.delivery_ratio_low or ratio >= overall:
            continue
        out.append(Finding(
            area=AREA, rule="provider_low_delivery", subject=str(provider), kind="risk", observed=ratio,
            target=overall, unit="share", basis="all_providers", source="", source_year=math.nan, assumption=False,
            volume=float(row["granted"] - row["hours"]), volume_unit="hour", kronor=math.nan,
            certainty=certainty(float(row["brukare"]), settings, solid_target=False),
            group_size=float(row["brukare"]), action="provider_delivery_follow_up", follow_kpi="delivery_ratio",
            overlap=""))
    return out


def _above_granted(people: pd.DataFrame, settings: FindingSettings, cost_per_hour: float) -> list[Finding]:
    """Hours delivered beyond the granted hours, per person, valued at the cost per delivered hour."""
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


def _low_delivery(results: Results, people: pd.DataFrame, settings: FindingSettings) -> list[Finding]:
    """A delivery ratio below the threshold: decisions larger than what is delivered (planning, budget)."""
    ratio = results.kpi(AREA, "delivery_ratio")
    if math.isnan(ratio) or ratio >= settings.delivery_ratio_low:
        return []
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
