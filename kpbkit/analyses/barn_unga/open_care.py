"""Barn och unga: open care beside placements, and the state reimbursement (återsökning) per service."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.analyses.barn_unga.stays import AREA, OPEN_CARE, PLACEMENTS
from kpbkit.analyses.common import area_costs
from kpbkit.analyses.load import Results


def open_care_vs_placement(results: Results) -> pd.DataFrame:
    """Placements (24-hour care) beside open care: brukare, volume, gross and net cost, share, cost per brukare."""
    rows = area_costs(results, AREA)
    kind = np.where(rows["service_code"].isin(PLACEMENTS), "placement",
                    np.where(rows["service_code"] == OPEN_CARE, "open_care", "other"))
    rows = rows.assign(kind=kind)
    out = rows.groupby("kind").agg(brukare=("person_id", "nunique"), volume=("volume", "sum"),
                                   gross_cost=("gross_cost", "sum"), net_cost=("net_cost", "sum"))
    out = out.reindex([k for k in ("placement", "open_care", "other") if k in out.index])
    out.loc["total"] = [rows["person_id"].nunique(), math.nan, rows["gross_cost"].sum(), rows["net_cost"].sum()]
    area_gross = rows["gross_cost"].sum()
    out["cost_share"] = out["gross_cost"] / area_gross if area_gross else math.nan
    out["cost_per_brukare"] = out["gross_cost"] / out["brukare"].where(out["brukare"] > 0)
    return out.rename_axis("kind").reset_index()


def open_care_and_placement_persons(results: Results) -> dict[str, int]:
    """Brukare with placements only, open care only, and both during the period."""
    rows = area_costs(results, AREA)
    placed = set(rows.loc[rows["service_code"].isin(PLACEMENTS), "person_id"])
    open_care = set(rows.loc[rows["service_code"] == OPEN_CARE, "person_id"])
    return {"placement_only": len(placed - open_care), "open_care_only": len(open_care - placed),
            "both": len(placed & open_care)}


def reimbursement(results: Results) -> pd.DataFrame:
    """State reimbursement (återsökning) per barn_unga service where the ledger has any, with a total row.

    ``reimbursement`` is signed as allocated (normally negative); ``reimbursed_share`` = −reimbursement /
    gross cost; ``net_cost_per_day`` is (direct + overhead + reimbursement) / care days for placements.
    """
    rows = area_costs(results, AREA)
    with_money = rows[rows["reimbursement"] != 0]
    codes = [c for c in [*PLACEMENTS, OPEN_CARE, *sorted(set(rows["service_code"]))]
             if c in set(with_money["service_code"])]
    codes = list(dict.fromkeys(codes))
    records = []
    for code in [*codes, "total"]:
        sel = rows if code == "total" else rows[rows["service_code"] == code]
        if code == "total":
            sel = sel[sel["service_code"].isin(codes)]
        placement = sel[sel["service_code"].isin(PLACEMENTS)]
        days = float(placement["volume"].sum())
        net_direct = float((placement["direct_cost"] + placement["overhead_cost"] + placement["reimbursement"]).sum())
        records.append({
            "service_code": code,
            "persons": int(sel.loc[sel["reimbursement"] != 0, "person_id"].nunique()),
            "gross_cost": float(sel["gross_cost"].sum()), "reimbursement": float(sel["reimbursement"].sum()),
            "net_cost": float(sel["net_cost"].sum()),
            "net_cost_per_day": net_direct / days if days else math.nan,
        })
    out = pd.DataFrame(records, columns=["service_code", "persons", "gross_cost", "reimbursement",
                                         "net_cost", "net_cost_per_day"])
    out["reimbursed_share"] = -out["reimbursement"] / out["gross_cost"].where(out["gross_cost"] != 0)
    return out if codes else out.iloc[0:0]

