"""Barn och unga: the placement stays and their share of the person's costs (KPB-METHOD §5 "barn_unga").

Placement stays are the model's own (``resolved_stays``: stays owning at least one day in the period after
overlaps are resolved). A stay's cost is its share of the person's ``person_costs`` row (person, service,
regi) in proportion to its allocation weight, so that stay, provider and legal-basis costs add up to the
person's costs exactly (see :func:`placement_stays`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpbkit.analyses.common import UNKNOWN, area_costs
from kpbkit.analyses.load import Results
from kpbkit.catalog import PLACEMENT_SERVICES

AREA = "barn_unga"
PLACEMENTS: tuple[str, ...] = PLACEMENT_SERVICES
OPEN_CARE = "oppenvard_bou"
#: placement forms grouped for the share of care days: family homes, institutions (HVB, SiS), supported housing
FORM_GROUPS: dict[str, tuple[str, ...]] = {
    "family_home": ("familjehem", "familjehem_konsulent"),
    "institution": ("hvb", "sis"),
    "supported_housing": ("stodboende",),
}
COST_COLUMNS = ["direct_cost", "overhead_cost", "myndighet_cost", "gross_cost", "reimbursement", "net_cost"]


def placement_costs(results: Results) -> pd.DataFrame:
    """The placement rows of person_costs with each person's age, age band and sex."""
    rows = area_costs(results, AREA)
    return rows[rows["service_code"].isin(PLACEMENTS)].reset_index(drop=True)


def placement_stays(results: Results) -> pd.DataFrame:
    """Placement stays owning a day in the period, with their allocation weight and share of the person's costs.

    A stay weighs as in the allocation: days × daily_price when priced; days × the pool's (service and
    regi) volume-weighted mean price when unpriced in a pool with priced stays; plain days in a pool
    without prices. Its costs (``COST_COLUMNS``) are its weight's share of the person's row for that
    service and regi (by days when the row weighs nothing), so the direct cost equals pool × the stay's
    weight / the pool's weight, and the stays of a row add up to the row.
    """
    s = results.resolved_stays
    s = s[s["service_code"].isin(PLACEMENTS)].reset_index(drop=True)
    # an empty interim table may come back untyped
    s = s.astype({"start_date": "datetime64[ns]", "end_date": "datetime64[ns]", "daily_price": float,
                  "volume": float, "priced_volume": float, "price_weight": float, "days": "int64"})
    keys = ["person_id", "service_code", "regi"]
    pool = s.groupby(["service_code", "regi"])[["priced_volume", "price_weight"]].transform("sum")
    has_priced = pool["priced_volume"] > 0
    mean_price = (pool["price_weight"] / pool["priced_volume"].where(has_priced)).fillna(0.0)
    unpriced = s["volume"] - s["priced_volume"]
    weight = np.clip(np.where(has_priced, s["price_weight"] + unpriced * mean_price, s["volume"]), 0.0, None)
    s = s.assign(weight=weight)
    row_weight = s.groupby(keys)["weight"].transform("sum")
    row_volume = s.groupby(keys)["volume"].transform("sum")
    share = np.where(row_weight > 0, s["weight"] / row_weight.where(row_weight > 0, 1.0),
                     s["volume"] / row_volume.where(row_volume > 0, 1.0))
    costs = results.person_costs.set_index(keys)[COST_COLUMNS]
    row_costs = costs.reindex(pd.MultiIndex.from_frame(s[keys])).fillna(0.0).to_numpy()
    out = s.assign(cost_share=share)
    for i, column in enumerate(COST_COLUMNS):
        out[column] = row_costs[:, i] * share
    out["law_label"] = law_labels(out["law"])
    return out


def law_labels(law: pd.Series) -> pd.Series:
    """The legal basis as ``SoL``, ``LVU``, the text as given, or :data:`~kpbkit.analyses.common.UNKNOWN` when
    empty."""
    text = law.astype("string").str.strip()
    upper = text.str.upper()
    out = text.where(~upper.str.startswith("LVU", na=False), "LVU")
    out = out.where(~upper.str.startswith("SOL", na=False), "SoL")
    return out.where(out.notna() & (out != ""), UNKNOWN).astype("string")


def counted_placement_stays(results: Results) -> pd.DataFrame:
    """Every placement stay the model counts (left-out rows removed), also those owning no day in the period.

    The model's selection: known placement service, not ending before it starts, provider known or empty.
    """
    s = results.stays
    s = s[s["service_code"].isin(PLACEMENTS) & ~(s["end_date"] < s["start_date"])]
    known = s["provider_id"].isna() | s["provider_id"].isin(results.providers["provider_id"])
    return s[known].reset_index(drop=True)


def cost_per_day(frame: pd.DataFrame, days: str = "days") -> pd.Series:
    """(direct + overhead) per day: the KPB cost per care day of each row (NaN without days)."""
    return (frame["direct_cost"] + frame["overhead_cost"]) / frame[days].where(frame[days] > 0)


def mean_price(stays: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Days-weighted mean contracted daily price, priced days and contracted amount per group."""
    priced = stays["daily_price"].notna()
    frame = stays.assign(priced_days=np.where(priced, stays["days"], 0),
                         contracted=np.where(priced, stays["days"] * stays["daily_price"].fillna(0.0), 0.0))
    out = frame.groupby(by, dropna=False)[["priced_days", "contracted"]].sum()
    out["mean_price"] = out["contracted"] / out["priced_days"].where(out["priced_days"] > 0)
    return out

