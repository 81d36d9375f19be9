"""Key figures in long form (DATA-CONTRACT.md ``kpis.csv``): area, kpi, group, value, unit.

``value`` is NaN (written empty) when the denominator is zero. Age-based KPIs count only persons of
known age; population-based KPIs in a ``K``/``M`` group divide by that sex's population.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.catalog import PLACEMENT_SERVICES, AgeBand, Catalog
from kpbkit.period import Period, age_on
from kpbkit.quality import Findings

KPI_COLUMNS = ["area", "kpi", "group", "value", "unit"]
SEXES = ("K", "M")
REGI_GROUPS = ("egen", "extern")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def person_attributes(persons: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Age on the period's last day and sex per person_id (NA where unknown)."""
    attrs = persons[["person_id", "birth_date", "sex"]].drop_duplicates("person_id").set_index("person_id")
    return pd.DataFrame({"age": age_on(attrs["birth_date"], period.end), "sex": attrs["sex"].astype("string")})


def _with_attributes(frame: pd.DataFrame, attrs: pd.DataFrame) -> pd.DataFrame:
    out = frame.join(attrs, on="person_id")
    out["age"] = out["age"].astype("Int64")
    return out


def _in_band(age: pd.Series, band: AgeBand) -> pd.Series:
    mask = age >= band.low
    if band.high is not None:
        mask &= age <= band.high
    return mask.fillna(False).astype(bool)


class _Rows:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, float, str]] = []

    def add(self, area: str, kpi: str, group: str, value: float, unit: str) -> None:
        self.rows.append((area, kpi, group, float(value), unit))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=KPI_COLUMNS)


def _population_count(population: pd.DataFrame, year: int, low: int, high: int | None, sex: str | None) -> float:
    pop = population[population["year"] == year]
    mask = pop["age"] >= low
    if high is not None:
        mask &= pop["age"] <= high
    if sex is not None:
        mask &= pop["sex"] == sex
    return float(pop.loc[mask, "count"].sum()) if len(pop) else math.nan


def compute_kpis(
    person_costs: pd.DataFrame,
    granted: pd.DataFrame,
    persons: pd.DataFrame,
    population: pd.DataFrame,
    *,
    catalog: Catalog,
    period: Period,
    age_bands: dict[str, tuple[AgeBand, ...]],
    findings: Findings,
) -> pd.DataFrame:
    """Every KPI of the contract for every area, with the groups named there and a few more."""
    attrs = person_attributes(persons, period)
    costs = _with_attributes(person_costs, attrs)
    year = period.end.year
    if not len(population) or not (population["year"] == year).any():
        findings.add("population_missing", "warning", "population", 1,
                     f"no population for {year}: population-based KPIs are empty", values={"year": year})
    out = _Rows()
    for area in catalog.areas:
        rows = costs[costs["area"] == area]
        bands = age_bands.get(area, ())
        _area_kpis(out, area, rows, bands)
        if area == "aldreomsorg":
            _aldreomsorg_kpis(out, rows, granted, attrs, population, year, bands)
        elif area == "lss":
            _lss_kpis(out, rows)
        elif area == "barn_unga":
            _barn_unga_kpis(out, rows, population, year, bands)
    return out.frame()


def _groups(rows: pd.DataFrame, bands: tuple[AgeBand, ...], *, regi: bool = True, services: bool = False):
    """(group label, row mask) pairs: total, age bands, sex, regi and optionally service codes."""
    yield "total", pd.Series(True, index=rows.index)
    for band in bands:
        yield band.label, _in_band(rows["age"], band)
    for sex in SEXES:
        yield sex, (rows["sex"] == sex).fillna(False).astype(bool)
    if regi:
        for r in REGI_GROUPS:
            yield r, rows["regi"] == r
    if services:
        for code in sorted(rows["service_code"].dropna().unique()):
            yield str(code), rows["service_code"] == code


def top_share(person_cost: pd.Series, fraction: float = 0.1) -> float:
    """Share of the total carried by the ceil(n × fraction) largest of n values (NaN when the total is 0)."""
    n = len(person_cost)
    total = float(person_cost.sum())
    if n == 0 or total == 0:
        return math.nan
    k = math.ceil(n * fraction)
    return float(np.sort(person_cost.to_numpy())[::-1][:k].sum()) / total


def _area_kpis(out: _Rows, area: str, rows: pd.DataFrame, bands: tuple[AgeBand, ...]) -> None:
    for group, mask in _groups(rows, bands, services=True):
        sel = rows[mask]
        brukare = sel["person_id"].nunique()
        gross = float(sel["gross_cost"].sum())
        out.add(area, "brukare", group, brukare, "persons")
        out.add(area, "gross_cost", group, gross, "SEK")
        out.add(area, "cost_per_brukare", group, _ratio(gross, brukare), "SEK/person")
        out.add(area, "top10_cost_share", group, top_share(sel.groupby("person_id")["gross_cost"].sum()), "share")


def _unit_cost(sel: pd.DataFrame, *, with_reimbursement: bool = False) -> float:
    cost = sel["direct_cost"].sum() + sel["overhead_cost"].sum()
    if with_reimbursement:
        cost += sel["reimbursement"].sum()
    return _ratio(float(cost), float(sel["volume"].sum()))


def _aldreomsorg_kpis(
    out: _Rows,
    rows: pd.DataFrame,
    granted: pd.DataFrame,
    attrs: pd.DataFrame,
    population: pd.DataFrame,
    year: int,
    bands: tuple[AgeBand, ...],
) -> None:
    area = "aldreomsorg"
    hem = rows[rows["service_code"] == "hemtjanst"]
    grant = _with_attributes(granted[granted["service_code"] == "hemtjanst"], attrs)
    hours_by_person = hem.groupby("person_id")["volume"].sum()
    for group, mask in _groups(hem, bands):
        sel = hem[mask]
        out.add(area, "delivered_hours", group, float(sel["volume"].sum()), "hours")
        out.add(area, "cost_per_hour", group, _unit_cost(sel), "SEK/hour")
    for group, mask in _groups(grant, bands, regi=False):
        sel = grant[mask]
        granted_hours = float(sel["granted_hours"].sum())
        delivered = float(hours_by_person.reindex(sel["person_id"].unique()).fillna(0.0).sum())
        out.add(area, "granted_hours", group, granted_hours, "hours")
        out.add(area, "delivery_ratio", group, _ratio(delivered, granted_hours), "share")
    recipients = hem.groupby("person_id").agg(age=("age", "first"), sex=("sex", "first"))
    known = recipients[recipients["age"].notna()]
    for group, sex in (("total", None), ("K", "K"), ("M", "M")):
        who = known if sex is None else known[(known["sex"] == sex).fillna(False).astype(bool)]
        old = who[who["age"] >= 80]
        inhabitants = _population_count(population, year, 80, None, sex)
        out.add(area, "hours_per_inhabitant_80", group,
                _ratio(float(hours_by_person.reindex(old.index).sum()), inhabitants), "hours")
        out.add(area, "coverage_80", group, _ratio(len(old), inhabitants), "share")
        out.add(area, "share_under_65", group, _ratio(int((who["age"] < 65).sum()), len(who)), "share")


def _lss_kpis(out: _Rows, rows: pd.DataFrame) -> None:
    area = "lss"
    pa = rows[rows["service_code"] == "pa_sfb"]
    group_home = rows[rows["service_code"] == "gruppbostad"]
    for group, sel in (("total", pa), *((r, pa[pa["regi"] == r]) for r in REGI_GROUPS)):
        out.add(area, "pa_gross_cost_per_hour", group, _unit_cost(sel), "SEK/hour")
        out.add(area, "pa_net_cost_per_hour", group, _unit_cost(sel, with_reimbursement=True), "SEK/hour")
    for group, sel in (("total", group_home), *((r, group_home[group_home["regi"] == r]) for r in REGI_GROUPS)):
        out.add(area, "gruppbostad_cost_per_day", group, _unit_cost(sel), "SEK/day")


def _barn_unga_kpis(
    out: _Rows, rows: pd.DataFrame, population: pd.DataFrame, year: int, bands: tuple[AgeBand, ...]
) -> None:
    area = "barn_unga"
    placed = rows[rows["service_code"].isin(PLACEMENT_SERVICES)]
    for group, mask in _groups(placed, bands, services=True):
        sel = placed[mask]
        out.add(area, "placed_children", group, sel["person_id"].nunique(), "persons")
        out.add(area, "care_days", group, float(sel["volume"].sum()), "days")
        out.add(area, "cost_per_care_day", group, _unit_cost(sel), "SEK/day")
    children = placed.groupby("person_id").agg(age=("age", "first"), sex=("sex", "first"))
    young = children[children["age"].notna() & (children["age"] <= 20) & (children["age"] >= 0)]
    for group, sex in (("total", None), ("K", "K"), ("M", "M")):
        who = young if sex is None else young[(young["sex"] == sex).fillna(False).astype(bool)]
        inhabitants = _population_count(population, year, 0, 20, sex)
        out.add(area, "placed_per_1000_0_20", group, _ratio(len(who), inhabitants) * 1000, "per_1000")
