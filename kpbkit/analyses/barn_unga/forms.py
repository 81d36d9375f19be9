"""Barn och unga: placement forms and providers, with contracted prices beside the ledger's costs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.analyses.barn_unga.figures import FORM_KPIS, form_figures
from kpbkit.analyses.barn_unga.stays import (
    AREA,
    FORM_GROUPS,
    PLACEMENTS,
    cost_per_day,
    mean_price,
    placement_costs,
    placement_stays,
)
from kpbkit.analyses.common import UNKNOWN
from kpbkit.analyses.load import Results


def forms_table(results: Results) -> pd.DataFrame:
    """Per placement form and in total: children, care days and their share, costs and contracted prices.

    ``placed_children``, ``care_days`` and ``cost_per_care_day`` come from kpis.csv; the direct cost per
    day (the ledger's direct pool per day) and the mean contracted price (days-weighted over priced stays)
    are shown beside them.
    """
    figures = form_figures(results)
    rows = placement_costs(results)
    sums = rows.groupby("service_code")[["direct_cost", "overhead_cost", "gross_cost", "net_cost", "volume"]].sum()
    prices = mean_price(placement_stays(results), ["service_code"])
    total_days = results.kpi(AREA, "care_days", "total")
    out = figures.join(sums, on="service_code").join(prices, on="service_code")
    total = {"service_code": "total",
             **{kpi: results.kpi(AREA, kpi, "total") for kpi in FORM_KPIS},
             **rows[["direct_cost", "overhead_cost", "gross_cost", "net_cost", "volume"]].sum().to_dict(),
             **prices[["priced_days", "contracted"]].sum().to_dict()}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["mean_price"] = out["contracted"] / out["priced_days"].where(out["priced_days"] > 0)
    out["days_share"] = out["care_days"] / total_days if total_days else math.nan
    out["direct_per_day"] = out["direct_cost"] / out["care_days"].where(out["care_days"] > 0)
    out["cost_per_child"] = out["gross_cost"] / out["placed_children"].where(out["placed_children"] > 0)
    out["priced_share"] = out["priced_days"] / out["care_days"].where(out["care_days"] > 0)
    return out.drop(columns=["volume"])


def family_vs_institution(results: Results) -> pd.DataFrame:
    """Care days, their share, children and cost per care day in family homes, institutions and supported housing."""
    rows = placement_costs(results)
    group_of = {code: group for group, codes in FORM_GROUPS.items() for code in codes}
    rows = rows.assign(form_group=rows["service_code"].map(group_of))
    out = rows.groupby("form_group").agg(
        children=("person_id", "nunique"), days=("volume", "sum"), direct_cost=("direct_cost", "sum"),
        overhead_cost=("overhead_cost", "sum"), gross_cost=("gross_cost", "sum"),
    ).reindex(list(FORM_GROUPS)).dropna(subset=["days"])
    total = out["days"].sum()
    out["days_share"] = out["days"] / total if total else math.nan
    out["cost_per_care_day"] = cost_per_day(out)
    return out.reset_index().drop(columns=["direct_cost", "overhead_cost"])


def provider_table(results: Results) -> pd.DataFrame:
    """Per placement form and provider: children, stays, care days, contracted price and cost per day.

    The provider's cost is the sum of its stays' shares (:func:`placement_stays`): ``direct_per_day`` is
    the ledger's direct cost per care day, ``cost_per_care_day`` adds overhead (the KPB unit cost).
    """
    stays = placement_stays(results)
    by = ["service_code", "provider_id", "regi"]
    out = stays.groupby(by, dropna=False).agg(
        children=("person_id", "nunique"), stays=("stay_id", "size"), days=("days", "sum"),
        direct_cost=("direct_cost", "sum"), overhead_cost=("overhead_cost", "sum"),
        gross_cost=("gross_cost", "sum"),
    )
    out = out.join(mean_price(stays, by)).reset_index()
    out["direct_per_day"] = out["direct_cost"] / out["days"].where(out["days"] > 0)
    out["cost_per_care_day"] = cost_per_day(out)
    names = results.providers.drop_duplicates("provider_id").set_index("provider_id")["name"]
    out["provider"] = out["provider_id"].map(names).fillna(out["provider_id"]).fillna(UNKNOWN)
    order = {code: i for i, code in enumerate(PLACEMENTS)}
    out = out.assign(_order=out["service_code"].map(order))
    return out.sort_values(["_order", "days"], ascending=[True, False]).drop(columns="_order").reset_index(drop=True)


def contracted_vs_ledger(results: Results) -> pd.DataFrame:
    """Per placement form and regi: the mean contracted daily price beside the ledger's direct cost per day.

    ``ratio`` = the direct cost allocated to the priced stays / their contracted amount (days × price):
    the pool's ledger amount per krona of contract weight. Over 1 the ledger holds more than the
    contracts explain (e.g. extra services invoiced); under 1 the contracts were not invoiced in full.
    """
    stays = placement_stays(results)
    stays = stays.assign(priced_direct=np.where(stays["daily_price"].notna(), stays["direct_cost"], 0.0))
    by = ["service_code", "regi"]
    out = stays.groupby(by).agg(stays=("stay_id", "size"), days=("days", "sum"), direct_cost=("direct_cost", "sum"),
                                priced_direct=("priced_direct", "sum")).join(mean_price(stays, by)).reset_index()
    uc = results.unit_costs.set_index(by)["gross_pool"]
    out["gross_pool"] = uc.reindex(pd.MultiIndex.from_frame(out[by])).to_numpy()
    out["priced_share"] = out["priced_days"] / out["days"].where(out["days"] > 0)
    out["direct_per_day"] = out["direct_cost"] / out["days"].where(out["days"] > 0)
    out["ratio"] = out["priced_direct"] / out["contracted"].where(out["contracted"] > 0)
    order = {code: i for i, code in enumerate(PLACEMENTS)}
    return out.assign(_o=out["service_code"].map(order)).sort_values(["_o", "regi"]).drop(columns="_o").reset_index(
        drop=True)

