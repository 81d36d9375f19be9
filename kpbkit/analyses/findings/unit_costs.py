"""Findings where a unit cost or a consumption rate is above its target (the savings potential's rows).

The target is the KPI's one chosen reference (the most recent no older than three years before the period, at
the period's price level: :func:`kpbkit.analyses.compare.chosen_reference`); without one, the comparison
municipalities' median when at least two of them have the KPI. A KPI at most ``min_deviation`` above its target is
no finding. Kronor are the savings potential of :func:`kpbkit.analyses.compare.savings_potential`.
"""

from __future__ import annotations

import math

import pandas as pd

from kpbkit.analyses import compare
from kpbkit.analyses.findings import Finding, certainty
from kpbkit.analyses.load import Results
from kpbkit.config.findings import FindingSettings

#: per KPI: the proposed action, the KPI that shows progress, the overlap group (findings valuing the same money)
ACTIONS: dict[str, tuple[str, str, str]] = {
    "cost_per_hour": ("home_care_productivity", "cost_per_hour", "home_care_cost"),
    "cost_per_granted_hour": ("home_care_productivity", "cost_per_granted_hour", "home_care_cost"),
    "sabo_cost_per_day": ("sabo_cost", "sabo_cost_per_day", "sabo_cost"),
    "hours_per_inhabitant_80": ("needs_assessment_80", "hours_per_inhabitant_80", "home_care_volume"),
    "coverage_80": ("needs_assessment_80", "coverage_80", "home_care_volume"),
    "pa_gross_cost_per_hour": ("pa_cost_per_hour", "pa_net_cost_per_hour", "pa_cost"),
    "gruppbostad_cost_per_day": ("group_home_staffing", "gruppbostad_cost_per_day", "group_home_cost"),
    "cost_per_care_day": ("placement_procurement", "cost_per_care_day", "placement_cost"),  # + the form
    "placed_per_1000_0_20": ("open_care_first", "placed_per_1000_0_20", "placement_volume"),
}
#: KPIs with a rule of their own (PA against the period's FK rate: :mod:`.lss`)
OWN_RULES = frozenset({"pa_gross_cost_per_hour"})
#: the service a KPI's persons are counted in (group size)
SERVICE_OF = {"cost_per_hour": "hemtjanst", "cost_per_granted_hour": "hemtjanst", "sabo_cost_per_day":
              "sarskilt_boende", "hours_per_inhabitant_80": "hemtjanst", "coverage_80": "hemtjanst",
              "pa_gross_cost_per_hour": "pa_sfb", "gruppbostad_cost_per_day": "gruppbostad"}


def group_size(results: Results, kpi: str, group: str) -> float:
    """Persons a KPI's value rests on: the brukare of its service (and regi or placement form)."""
    pc = results.person_costs
    pc = pc[pc["volume"] > 0]
    if kpi == "placed_per_1000_0_20":
        return float(results.kpi("barn_unga", "placed_children", "total"))
    service = group if kpi == "cost_per_care_day" and group != "total" else SERVICE_OF.get(kpi)
    if kpi == "cost_per_care_day" and group == "total":
        from kpbkit.catalog import PLACEMENT_SERVICES

        return float(pc[pc["service_code"].isin(PLACEMENT_SERVICES)]["person_id"].nunique())
    sel = pc[pc["service_code"] == service]
    if group in ("egen", "extern"):
        sel = sel[sel["regi"] == group]
    return float(sel["person_id"].nunique())


def findings(results: Results, settings: FindingSettings) -> list[Finding]:
    client = compare.run_from_results(results)
    refs = compare.references(results)
    others = [figures for _name, figures in compare.comparison_runs(results) if figures is not None]
    index = float(results.config.comparison.price_index)
    out: list[Finding] = []
    areas_with_costs = set(results.person_costs.loc[results.person_costs["volume"] > 0, "area"].astype(str))
    for area in ("aldreomsorg", "lss", "barn_unga"):
        if area not in areas_with_costs:  # nothing delivered in the area: no unit cost or rate to compare
            continue
        rows = compare.savings_potential(client, refs, others, area, price_index=index)
        for (kpi, group), options in rows.groupby(["kpi", "group"], sort=False):
            if kpi in OWN_RULES:
                continue
            chosen = _chosen(options, others, area, kpi, group)
            if chosen is None:
                continue
            value, target = float(chosen["client"]), float(chosen["target"])
            if not (value > target * (1 + settings.min_deviation)) or not chosen["potential"] > 0:
                continue
            action, follow, overlap = ACTIONS.get(kpi, ("review", kpi, kpi))
            if kpi == "cost_per_care_day":  # each form's price is its own money; HVB's overlaps HVB's volume
                overlap = "hvb" if group == "hvb" else f"{overlap}:{group}"
            size = group_size(results, kpi, group)
            basis = str(chosen["basis"])
            out.append(Finding(
                area=area, rule=f"above_target_{chosen['kind']}", subject=f"{kpi}:{group}", kind="saving",
                observed=value, target=target, unit=str(chosen["unit"]), basis=basis,
                source=str(chosen["source"]) if basis == "reference" else "",
                source_year=float(chosen["source_year"]) if basis == "reference" else math.nan,
                assumption=False,
                volume=float(chosen["base"] if chosen["kind"] == "unit_cost" else chosen["volume_change"]),
                volume_unit=str(chosen["base_unit"] if chosen["kind"] == "unit_cost" else chosen["volume_unit"]),
                kronor=float(chosen["potential"]),
                certainty=certainty(size, settings, solid_target=basis == "reference"),
                group_size=size, action=action, follow_kpi=follow, overlap=f"{area}:{overlap}",
            ))
    return out


def _chosen(options: pd.DataFrame, others: list, area: str, kpi: str, group: str) -> pd.Series | None:
    """The KPI's target row: the chosen reference, else the median of at least two municipalities."""
    ref = options[options["basis"] == "reference"]
    if len(ref) and not math.isnan(float(ref["target"].iloc[0])):
        return ref.iloc[0]
    with_value = sum(not math.isnan(o.value(area, kpi, group)) for o in others)
    med = options[options["basis"] == "median"]
    if with_value >= 2 and len(med) and not math.isnan(float(med["target"].iloc[0])):
        return med.iloc[0]
    return None
