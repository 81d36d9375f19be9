"""Barn och unga: who is placed (age, sex, legal basis) and the costliest placements."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.analyses.barn_unga.stays import AREA, PLACEMENTS, cost_per_day, placement_costs, placement_stays
from kpbkit.analyses.common import TOTAL, UNKNOWN, age_sex_table, sex_codes
from kpbkit.analyses.load import Results


def cost_by_age_and_sex(results: Results) -> pd.DataFrame:
    """Placed children, care days and gross placement cost per age band and sex, with cost per child."""
    return age_sex_table(placement_costs(results), results.config.age_bands.get(AREA, ()), count="children",
                         volume="days", per="child")


def cost_by_sex(results: Results) -> pd.DataFrame:
    """Placed children, care days, gross cost and cost per child for girls, boys (and unknown) and in total."""
    rows = placement_costs(results)
    rows = rows.assign(sex=sex_codes(rows["sex"]))
    out = rows.groupby("sex").agg(children=("person_id", "nunique"), days=("volume", "sum"),
                                        gross_cost=("gross_cost", "sum"))
    out.loc[TOTAL] = [rows["person_id"].nunique(), rows["volume"].sum(), rows["gross_cost"].sum()]
    out["cost_per_child"] = out["gross_cost"] / out["children"].where(out["children"] > 0)
    out["days_per_child"] = out["days"] / out["children"].where(out["children"] > 0)
    return out.rename_axis("sex").reset_index()


def law_split(results: Results) -> pd.DataFrame:
    """Per legal basis (SoL, LVU, unknown): children, stays, care days and their share, cost and cost per day.

    A child placed under both laws during the period counts under each; the total counts each child once.
    """
    stays = placement_stays(results)
    out = stays.groupby("law_label").agg(
        children=("person_id", "nunique"), stays=("stay_id", "size"), days=("days", "sum"),
        direct_cost=("direct_cost", "sum"), overhead_cost=("overhead_cost", "sum"), gross_cost=("gross_cost", "sum"),
    )
    order = [law for law in ("LVU", "SoL") if law in out.index]
    order += sorted(i for i in out.index if i not in ("LVU", "SoL", UNKNOWN))
    order += [UNKNOWN] if UNKNOWN in out.index else []
    out = out.reindex(order)
    total = stays[["days", "direct_cost", "overhead_cost", "gross_cost"]].sum()
    out.loc[TOTAL] = [stays["person_id"].nunique(), len(stays), *total.to_list()]
    out["days_share"] = out["days"] / total["days"] if total["days"] else math.nan
    out["cost_per_care_day"] = cost_per_day(out)
    return out.rename_axis("law").reset_index().drop(columns=["direct_cost", "overhead_cost"])


def law_by_form(results: Results) -> pd.DataFrame:
    """Care days per placement form and legal basis (columns LVU, SoL, ...), with the LVU share of days."""
    stays = placement_stays(results)
    table = stays.pivot_table(index="service_code", columns="law_label", values="days", aggfunc="sum", fill_value=0)
    table = table.reindex([c for c in PLACEMENTS if c in table.index])
    table.columns = [str(c) for c in table.columns]
    total = table.sum(axis=1)
    table["lvu_share"] = (table["LVU"] if "LVU" in table.columns else 0) / total.where(total > 0)
    return table.rename_axis("service_code").reset_index()


def top_placements(results: Results, n: int = 10) -> pd.DataFrame:
    """The ``n`` placed children with the highest gross placement cost (pseudonymised).

    Per child: age band, sex, placement forms, care days, gross and net placement cost, cost per care day.
    """
    rows = placement_costs(results)
    per = rows.groupby("person_id").agg(
        age_band=("age_band", "first"), sex=("sex", "first"), days=("volume", "sum"),
        direct_cost=("direct_cost", "sum"), overhead_cost=("overhead_cost", "sum"),
        gross_cost=("gross_cost", "sum"), net_cost=("net_cost", "sum"),
        services=("service_code", lambda s: tuple(c for c in PLACEMENTS if c in set(s))),
    )
    per["cost_per_care_day"] = cost_per_day(per)
    top = per.sort_values("gross_cost", ascending=False).head(n).reset_index()
    top.insert(0, "rank", np.arange(1, len(top) + 1))
    top["sex"] = sex_codes(top["sex"])
    return top.drop(columns=["direct_cost", "overhead_cost"])

