"""Barn och unga: the placement findings (overlaps, placements without a decision, contracted prices)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpbkit.analyses.barn_unga.stays import PLACEMENTS, counted_placement_stays, placement_stays
from kpbkit.analyses.load import Results


def price_coverage(results: Results) -> pd.DataFrame:
    """Per placement form and regi: stays, stays with and without a contracted price (> 0), priced share of days."""
    stays = placement_stays(results)
    priced = stays["daily_price"].notna()
    out = stays.assign(priced=priced, unpriced=~priced, priced_days=np.where(priced, stays["days"], 0)).groupby(
        ["service_code", "regi"]).agg(stays=("stay_id", "size"), priced=("priced", "sum"),
                                      unpriced=("unpriced", "sum"), days=("days", "sum"),
                                      priced_days=("priced_days", "sum")).reset_index()
    out["priced_share"] = out["priced_days"] / out["days"].where(out["days"] > 0)
    order = {code: i for i, code in enumerate(PLACEMENTS)}
    return out.assign(_o=out["service_code"].map(order)).sort_values(["_o", "regi"]).drop(columns="_o").reset_index(
        drop=True)


def placement_quality(results: Results) -> pd.DataFrame:
    """The placement findings: overlapping placement stays, placements without a decision, missing prices.

    Overlapping stays are the placement rows of the run's finding ``overlapping_stays`` (the interim
    ``stays`` flag them: rows in a cluster of overlapping stays of one child and form); placements without
    a decision come from data_quality; missing prices are placement stays without a contracted price in a
    pool with priced stays (weighted by the pool's mean price) and stays whose price was zero or negative.
    """
    counted = counted_placement_stays(results)
    dq = results.data_quality
    without = float(dq.loc[dq["check"] == "placement_without_decision", "count"].sum())
    stays = placement_stays(results)
    pool_priced = stays.groupby(["service_code", "regi"])["priced_volume"].transform("sum") > 0
    unpriced = stays["daily_price"].isna()
    raw = results.stays.drop_duplicates("stay_id").set_index("stay_id")["daily_price"]
    not_positive = stays["stay_id"].map(raw).le(0).fillna(False).astype(bool)
    rows = [
        ("overlapping_placements", float(counted["overlapping"].sum())),
        ("placement_without_decision", without),
        ("price_missing_in_priced_pool", float((unpriced & pool_priced & ~not_positive).sum())),
        ("price_missing_unpriced_pool", float((unpriced & ~pool_priced & ~not_positive).sum())),
        ("price_not_positive", float(not_positive.sum())),
    ]
    return pd.DataFrame(rows, columns=["check", "count"])

