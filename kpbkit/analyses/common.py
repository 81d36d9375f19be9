"""Analyses every area report shows (KPB-METHOD §5 "All areas"). Pure functions of a run's Results."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.analyses.load import Results
from kpbkit.catalog import AgeBand
from kpbkit.model.kpis import top_share

#: codes the analyses use in place of a missing or unlisted value, and for a total row; views label them
UNKNOWN = "unknown"
TOTAL = "total"
#: the band of an unknown age or an age in no band (the views and the explorer label it)
UNKNOWN_AGE = UNKNOWN
#: the sex codes of persons.csv; any other value is :data:`UNKNOWN`
SEXES = ("K", "M")


def sex_codes(sex: pd.Series) -> pd.Series:
    """``K``/``M`` as they are, anything else (missing included) :data:`UNKNOWN`."""
    sex = sex.astype(object)
    return sex.where(sex.isin(SEXES), UNKNOWN)


def key_figures_payload(figures: pd.DataFrame, area: str) -> dict[str, float | None]:
    """Key figures (``kpi``, ``group``, ``value`` columns) as ``{"area/kpi/group": value}``; NaN becomes None."""
    return {
        f"{area}/{kpi}/{group}": None if value is None or math.isnan(value) else float(value)
        for kpi, group, value in zip(figures["kpi"], figures["group"], figures["value"], strict=True)
    }


def area_costs(results: Results, area: str) -> pd.DataFrame:
    """The area's person_costs rows with each person's age, age band and sex."""
    pc = results.person_costs
    rows = pc[pc["area"] == area].copy()
    attrs = results.attributes()
    rows = rows.join(attrs, on="person_id")
    rows["age_band"] = age_band_labels(rows["age"], results.config.age_bands.get(area, ()))
    return rows


def age_band_labels(age: pd.Series, bands: tuple[AgeBand, ...]) -> pd.Series:
    """The band label of each age; :data:`UNKNOWN_AGE` where the age is unknown or in no band."""
    out = pd.Series(UNKNOWN_AGE, index=age.index, dtype="string")
    for band in bands:
        mask = (age >= band.low) & ((age <= band.high) if band.high is not None else True)
        out[mask.fillna(False).astype(bool)] = band.label
    return out


def service_mix(results: Results, area: str) -> pd.DataFrame:
    """Per service of the area: brukare, volume, unit, gross cost, cost share and cost per brukare."""
    rows = area_costs(results, area)
    mix = rows.groupby("service_code").agg(
        brukare=("person_id", "nunique"), volume=("volume", "sum"), unit=("unit", "first"),
        gross_cost=("gross_cost", "sum"),
    )
    total = mix["gross_cost"].sum()
    mix["cost_share"] = mix["gross_cost"] / total if total else math.nan
    mix["cost_per_brukare"] = mix["gross_cost"] / mix["brukare"]
    return mix.sort_values("gross_cost", ascending=False).reset_index()


def unit_costs_by_regi(results: Results, area: str) -> pd.DataFrame:
    """Per service and regi: volume, direct pool per unit and KPB cost per unit ((direct + overhead) / volume)."""
    rows = area_costs(results, area)
    grouped = rows.groupby(["service_code", "regi"]).agg(
        brukare=("person_id", "nunique"), volume=("volume", "sum"), unit=("unit", "first"),
        direct=("direct_cost", "sum"), overhead=("overhead_cost", "sum"),
    ).reset_index()
    uc = results.unit_costs[["service_code", "regi", "gross_pool", "cost_per_unit"]]
    out = grouped.merge(uc, on=["service_code", "regi"], how="left")
    out["kpb_cost_per_unit"] = (out["direct"] + out["overhead"]) / out["volume"].where(out["volume"] > 0)
    return out.drop(columns=["direct", "overhead"]).sort_values(["service_code", "regi"]).reset_index(drop=True)


def cost_per_person(results: Results, area: str) -> pd.Series:
    """Each brukare's gross cost in the area, largest first."""
    rows = area_costs(results, area)
    return rows.groupby("person_id")["gross_cost"].sum().sort_values(ascending=False)


def cost_concentration(results: Results, area: str) -> dict[str, float]:
    """Share of the area's cost carried by the most expensive 10 % and 1 % of brukare."""
    costs = cost_per_person(results, area)
    return {"brukare": float(len(costs)), "top10": top_share(costs, 0.10), "top1": top_share(costs, 0.01)}


def lorenz_curve(costs: pd.Series) -> pd.DataFrame:
    """Cumulative share of brukare (cheapest first) against cumulative share of cost, from (0, 0)."""
    values = np.sort(np.clip(costs.to_numpy(dtype=float), 0, None))
    n = len(values)
    total = values.sum()
    share_people = np.concatenate([[0.0], np.arange(1, n + 1) / n]) if n else np.array([0.0])
    share_cost = np.concatenate([[0.0], np.cumsum(values) / total]) if n and total else np.zeros(len(share_people))
    return pd.DataFrame({"share_of_brukare": share_people, "cumulative_cost_share": share_cost})


def top_cases(results: Results, area: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` most expensive brukare of the area (pseudonymised): age band, sex, services, costs."""
    rows = area_costs(results, area)
    persons = rows.groupby("person_id").agg(
        age_band=("age_band", "first"), sex=("sex", "first"), gross_cost=("gross_cost", "sum"),
        net_cost=("net_cost", "sum"),
        services=("service_code", lambda s: tuple(sorted(set(s)))),
    )
    top = persons.sort_values("gross_cost", ascending=False).head(n).reset_index()
    top.insert(0, "rank", np.arange(1, len(top) + 1))
    top["sex"] = sex_codes(top["sex"])
    return top


def by_age_band_and_sex(results: Results, area: str, *, service: str | None = None) -> pd.DataFrame:
    """Brukare, volume, gross cost and cost per brukare per age band and sex (unknowns shown as such)."""
    rows = area_costs(results, area)
    if service:
        rows = rows[rows["service_code"] == service]
    return age_sex_table(rows, results.config.age_bands.get(area, ()), count="brukare", volume="volume", per="brukare")


def age_sex_table(rows: pd.DataFrame, bands: tuple[AgeBand, ...], *, count: str, volume: str, per: str
                  ) -> pd.DataFrame:
    """The age × sex table every area shows, from person_costs rows with ``age_band`` and ``sex``.

    Columns ``age_band, sex, <count>, <volume>, gross_cost, cost_per_<per>, <volume>_per_<per>``: persons, volume
    and gross cost per band and sex code, bands in the config's order with the unknown band last.
    """
    rows = rows.assign(sex=sex_codes(rows["sex"]))
    out = rows.groupby(["age_band", "sex"]).agg(
        **{count: ("person_id", "nunique"), volume: ("volume", "sum"), "gross_cost": ("gross_cost", "sum")},
    ).reset_index()
    out[f"cost_per_{per}"] = out["gross_cost"] / out[count]
    out[f"{volume}_per_{per}"] = out[volume] / out[count]
    order = [b.label for b in bands] + [UNKNOWN_AGE]
    out["age_band"] = pd.Categorical(out["age_band"], categories=order, ordered=True)
    return out.sort_values(["age_band", "sex"]).reset_index(drop=True)


def reconciliation_summary(results: Results, area: str | None = None) -> pd.DataFrame:
    """Tie-out of the ledger: amounts per kind of target (and per area when given), with a total row."""
    rec = results.reconciliation.copy()
    rec["kind"] = rec["kind"].fillna("")
    form = rec["target"].str.split(":").str[0]
    subject = rec["target"].str.split(":").str[1]
    service_area = subject.map(results.config.catalog.area_of)
    rec["area"] = np.where(form == "service", service_area, np.where(form.isin(["overhead", "myndighet"]), subject, ""))
    if area is not None:
        rec = rec[rec["area"] == area]
    rec["form"] = form.loc[rec.index]
    out = rec.groupby(["form", "kind"], sort=False)[["ledger_amount", "allocated_amount", "residual"]].sum()
    out = out.reset_index()
    total = pd.DataFrame([{
        "form": TOTAL, "kind": "", **out[["ledger_amount", "allocated_amount", "residual"]].sum().to_dict()
    }])
    return pd.concat([out, total], ignore_index=True)


def quality_findings(results: Results, tables: tuple[str, ...] | None = None) -> pd.DataFrame:
    """data_quality (check, severity and table as codes), errors and warnings first."""
    dq = results.data_quality.copy()
    if tables is not None:
        dq = dq[dq["table"].isin(tables)]
    order = {"error": 0, "warning": 1, "info": 2}
    dq = dq.assign(_order=dq["severity"].map(order)).sort_values(["_order", "check"]).drop(columns="_order")
    return dq.reset_index(drop=True)
