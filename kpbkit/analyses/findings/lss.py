"""LSS findings: personal assistance dearer per hour than Försäkringskassan pays (Ludvika), and FK reimbursement
that the six-month settlement expects but the ledger does not hold."""

from __future__ import annotations

import math

import pandas as pd

from kpbkit.analyses.findings import Finding, certainty
from kpbkit.analyses.load import Results
from kpbkit.config.findings import FindingSettings

AREA = "lss"
SERVICE = "pa_sfb"


def findings(results: Results, settings: FindingSettings) -> list[Finding]:
    return [*_cost_over_fk_rate(results, settings), *_reimbursement_not_booked(results, settings)]


def fk_rate(results: Results) -> tuple[float, bool]:
    """The period's FK hourly rate and whether it is an assumption (not among the published references)."""
    year = results.config.period.end.year
    rate = results.config.lss.fk_hourly_rates.get(year, math.nan)
    refs = results.comparisons.references
    published = refs[(refs["kpi"] == "pa_gross_cost_per_hour") & (refs["year"] == year)
                     & (refs["origin"] != "config")] if len(refs) else refs  # config rows are the assumption itself
    return float(rate), not len(published)


def _pa_rows(results: Results) -> pd.DataFrame:
    pc = results.person_costs
    return pc[(pc["service_code"] == SERVICE) & (pc["volume"] > 0)]


def _cost_over_fk_rate(results: Results, settings: FindingSettings) -> list[Finding]:
    """Own-regi (and total) PA gross cost per hour above the period's FK rate: the municipality carries the
    difference for every hour FK reimburses; valued over all PA hours of the group."""
    rate, assumed = fk_rate(results)
    pa = _pa_rows(results)
    if math.isnan(rate) or not len(pa):
        return []
    out = []
    for group, rows in (("egen", pa[pa["regi"] == "egen"]), ("extern", pa[pa["regi"] == "extern"])):
        hours = float(rows["volume"].sum())
        if hours <= 0:
            continue
        per_hour = float((rows["direct_cost"] + rows["overhead_cost"]).sum()) / hours
        if per_hour <= rate * (1 + settings.min_deviation):
            continue
        persons = float(rows["person_id"].nunique())
        out.append(Finding(
            area=AREA, rule="pa_cost_above_fk_rate", subject=group, kind="saving", observed=per_hour, target=rate,
            unit="SEK/hour", basis="fk_rate", source="", source_year=float(results.config.period.end.year),
            assumption=assumed, volume=hours, volume_unit="hour", kronor=(per_hour - rate) * hours,
            certainty="low" if assumed and persons < settings.min_group else certainty(
                persons, settings, solid_target=not assumed),
            group_size=persons, action=f"pa_cost_per_hour_{group}", follow_kpi="pa_net_cost_per_hour",
            overlap=f"{AREA}:pa_cost:{group}"))
    return out


def _reimbursement_not_booked(results: Results, settings: FindingSettings) -> list[Finding]:
    """The year's expected FK reimbursement (six-month settlement) against the reimbursement the ledger booked
    on PA (person_costs): the difference is money to claim or to book."""
    six = results.tables.get("pa_six_month")
    if six is None:
        path = results.folder / "pa_six_month.csv"
        if not path.is_file():
            return []
        six = pd.read_csv(path)
    year_rows = six[(six["row_type"] == "year") & (six["service_code"] == SERVICE)]
    expected = -float(year_rows["reimbursement"].sum())  # reimbursement is negative (it lowers the cost)
    booked = -float(_pa_rows(results)["reimbursement"].sum())
    if expected <= 0 or booked >= expected * (1 - settings.min_deviation):
        return []
    _rate, assumed = fk_rate(results)
    persons = float(year_rows["person_id"].nunique())
    return [Finding(
        area=AREA, rule="fk_reimbursement_not_booked", subject=SERVICE, kind="saving", observed=booked,
        target=expected, unit="SEK", basis="fk_rate", source="", source_year=float(results.config.period.end.year),
        assumption=assumed, volume=float(year_rows["reimbursed_hours"].sum()), volume_unit="hour",
        kronor=expected - booked, certainty=certainty(persons, settings, solid_target=not assumed),
        group_size=persons, action="claim_fk_reimbursement", follow_kpi="pa_net_cost_per_hour",
        overlap=f"{AREA}:pa_reimbursement")]
