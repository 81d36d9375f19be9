"""Barn och unga findings: more HVB and less family-home care than the reference (Härryda), and long HVB stays."""

from __future__ import annotations

import math

from kpbkit.analyses import compare
from kpbkit.analyses.barn_unga import placement_stays, stay_lengths
from kpbkit.analyses.findings import Finding, certainty
from kpbkit.analyses.load import Results
from kpbkit.config.findings import FindingSettings

AREA = "barn_unga"
#: days per month when a stay length in days is compared with months
DAYS_PER_MONTH = 365.25 / 12


def _cost_per_day(results: Results, service: str) -> tuple[float, float]:
    """A placement form's (direct + overhead) cost per care day and its care days."""
    pc = results.person_costs
    rows = pc[(pc["service_code"] == service) & (pc["volume"] > 0)]
    days = float(rows["volume"].sum())
    return (float((rows["direct_cost"] + rows["overhead_cost"]).sum()) / days if days else math.nan), days


def findings(results: Results, settings: FindingSettings) -> list[Finding]:
    hvb, hvb_days = _cost_per_day(results, "hvb")
    family, _ = _cost_per_day(results, "familjehem")
    if math.isnan(hvb) or math.isnan(family) or hvb <= family:
        return []
    return [*_mix(results, settings, hvb, hvb_days, family), *_long_stays(results, settings, hvb, family)]


def _mix(results: Results, settings: FindingSettings, hvb: float, hvb_days: float, family: float) -> list[Finding]:
    """The share of placed children in family homes below the chosen reference: the missing share of children,
    each with the HVB care days an HVB child has, valued at the HVB − family-home cost per day."""
    client = compare.run_from_results(results)
    share = client.value(AREA, "share_placed_familjehem")
    placed = client.value(AREA, "placed_children")
    year = results.config.period.end.year
    chosen, _older = compare.chosen_reference(compare.references(results), AREA, "share_placed_familjehem", "total",
                                              year=year)
    if chosen is None or math.isnan(share) or math.isnan(placed):
        return []
    target = float(chosen["value"])
    if share >= target * (1 - settings.min_deviation):
        return []
    pc = results.person_costs
    hvb_children = pc[(pc["service_code"] == "hvb") & (pc["volume"] > 0)]["person_id"].nunique()
    if not hvb_children:
        return []
    children = (target - share) * placed
    days = children * hvb_days / hvb_children
    return [Finding(
        area=AREA, rule="family_home_share_below_reference", subject="familjehem", kind="saving", observed=share,
        target=target, unit="share", basis="reference", source=str(chosen["source"]),
        source_year=float(chosen["year"]), assumption=False, volume=days, volume_unit="day",
        kronor=days * (hvb - family), certainty=certainty(placed, settings, solid_target=True), group_size=placed,
        action="family_homes_first", follow_kpi="share_placed_familjehem", overlap=f"{AREA}:hvb")]


def _long_stays(results: Results, settings: FindingSettings, hvb: float, family: float) -> list[Finding]:
    """HVB stays longer than ``long_stay_months`` (from their own start): their care days in the period, valued at
    the HVB − family-home cost per day."""
    stays = placement_stays(results)
    lengths = stay_lengths(results)
    long = (stays["service_code"] == "hvb") & (lengths["length_days"] > settings.long_stay_months * DAYS_PER_MONTH)
    if not long.any():
        return []
    days = float(stays.loc[long, "days"].sum())
    children = float(stays.loc[long, "person_id"].nunique())
    return [Finding(
        area=AREA, rule="long_hvb_stays", subject="hvb", kind="risk", observed=float(long.sum()),
        target=float(settings.long_stay_months), unit="stays", basis="threshold", source="", source_year=math.nan,
        assumption=False, volume=days, volume_unit="day", kronor=days * (hvb - family),
        certainty=certainty(children, settings, solid_target=False), group_size=children,
        action="review_long_stays", follow_kpi="hvb_stays_over_12_months", overlap=f"{AREA}:hvb")]
