"""The one weighted allocation rule and the reconciliation that proves it (KPB-METHOD §4 "Allocation").

Each pool (target, kind) is split over the rows it covers: share = amount × own weight / total weight.
A pool with no positive total weight is a residual. Allocated + residual = ledger, to the öre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpbkit.catalog import Catalog
from kpbkit.errors import ReconciliationError
from kpbkit.model.pools import UNMAPPED
from kpbkit.quality import Findings, kronor

TOLERANCE = 0.01  # kr per reconciliation row

#: kind → person_costs column, per target form
COLUMN_OF = {
    ("service", "cost"): "direct_cost",
    ("service", "internal_revenue"): "direct_cost",
    ("overhead", "cost"): "overhead_cost",
    ("overhead", "internal_revenue"): "overhead_cost",
    ("myndighet", "cost"): "myndighet_cost",
    ("myndighet", "internal_revenue"): "myndighet_cost",
}
for _form in ("service", "overhead", "myndighet"):
    COLUMN_OF[(_form, "state_reimbursement")] = "reimbursement"
    COLUMN_OF[(_form, "fee")] = "fees"

COST_COLUMNS = ["direct_cost", "overhead_cost", "myndighet_cost", "reimbursement", "fees"]
PERSON_COST_COLUMNS = [
    "person_id",
    "area",
    "service_code",
    "regi",
    "unit",
    "volume",
    "direct_cost",
    "overhead_cost",
    "myndighet_cost",
    "gross_cost",
    "reimbursement",
    "net_cost",
    "fees",
]


@dataclass
class Allocation:
    person_costs: pd.DataFrame
    reconciliation: pd.DataFrame
    allocations: pd.DataFrame  # long form: row, target, kind, column, amount


def person_rows(deliveries: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """One row per person, service and regi with its volume and allocation weight.

    Stays with a contracted price weigh days × price; an unpriced stay in a pool that also has priced
    stays weighs its volume × the pool's volume-weighted mean price; a pool without priced stays
    (and every hour or month service) weighs plain volume.
    """
    keys = ["person_id", "service_code", "regi"]
    rows = deliveries.groupby(keys, as_index=False, sort=True)[["volume", "priced_volume", "price_weight"]].sum()
    pool = rows.groupby(["service_code", "regi"])[["priced_volume", "price_weight"]].transform("sum")
    has_priced = pool["priced_volume"] > 0
    mean_price = (pool["price_weight"] / pool["priced_volume"]).where(has_priced, 0.0)
    unpriced_volume = rows["volume"] - rows["priced_volume"]
    weight = np.where(has_priced, rows["price_weight"] + unpriced_volume * mean_price, rows["volume"])
    rows["weight"] = np.clip(weight, 0.0, None)
    rows["area"] = rows["service_code"].map({c: s.area for c, s in catalog.services.items()}).astype("string")
    rows["unit"] = rows["service_code"].map({c: s.unit for c, s in catalog.services.items()}).astype("string")
    return rows.drop(columns=["priced_volume", "price_weight"])


def allocate(rows: pd.DataFrame, pools: pd.DataFrame, findings: Findings) -> Allocation:
    """Allocate every pool to ``rows`` (from :func:`person_rows`) and reconcile against the ledger."""
    rows = rows.reset_index(drop=True)
    rows["row"] = np.arange(len(rows))
    pools = pools.copy()
    pools["allocatable"] = False
    parts: list[pd.DataFrame] = []

    # 1. Service pools: weight = the row's volume (or price weight) in that service and regi.
    service_pools = pools[pools["form"] == "service"]
    weight_total = rows.groupby(["service_code", "regi"])["weight"].sum()
    if len(service_pools):
        joined = service_pools.merge(
            rows[["row", "service_code", "regi", "weight"]],
            left_on=["subject", "regi"],
            right_on=["service_code", "regi"],
            how="inner",
        )
        total = weight_total.reindex(pd.MultiIndex.from_frame(joined[["service_code", "regi"]])).to_numpy()
        joined = joined[total > 0]
        total = total[total > 0]
        joined = joined.assign(share=joined["amount"] * joined["weight"] / total)
        parts.append(_long(joined, "service"))
        ok = pd.MultiIndex.from_frame(joined[["target", "kind"]]).unique()
        pools.loc[pd.MultiIndex.from_frame(pools[["target", "kind"]]).isin(ok), "allocatable"] = True

    direct = _sum_column(parts, "direct_cost", len(rows))
    rows["direct_cost"] = direct
    person_area = rows.groupby(["person_id", "area"])["direct_cost"].transform("sum")
    n_rows = rows.groupby(["person_id", "area"])["row"].transform("size")
    positive = np.clip(rows["direct_cost"], 0.0, None)
    positive_sum = positive.groupby([rows["person_id"], rows["area"]]).transform("sum")
    # A person's area share spreads over their rows by direct cost, equally if that is not above zero.
    rows["spread"] = np.where(person_area > 0, positive / positive_sum.where(positive_sum > 0, 1.0), 1.0 / n_rows)

    persons = rows.groupby(["person_id", "area"], as_index=False)["direct_cost"].sum()
    persons["overhead_weight"] = np.clip(persons["direct_cost"], 0.0, None)
    persons["myndighet_weight"] = 1.0  # every brukare of the area weighs the same

    for form in ("overhead", "myndighet"):
        area_pools = pools[pools["form"] == form]
        if not len(area_pools):
            continue
        weight_col = f"{form}_weight"
        totals = persons.groupby("area")[weight_col].sum()
        joined = area_pools.merge(persons[["person_id", "area", weight_col]], left_on="subject", right_on="area")
        total = totals.reindex(joined["area"]).to_numpy()
        joined = joined[total > 0]
        total = total[total > 0]
        joined = joined.assign(person_share=joined["amount"] * joined[weight_col] / total)
        joined = joined.merge(rows[["row", "person_id", "area", "spread"]], on=["person_id", "area"])
        joined = joined.assign(share=joined["person_share"] * joined["spread"])
        parts.append(_long(joined, form))
        ok = pd.MultiIndex.from_frame(joined[["target", "kind"]]).unique()
        pools.loc[pd.MultiIndex.from_frame(pools[["target", "kind"]]).isin(ok), "allocatable"] = True

    allocations = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({"row": pd.Series([], dtype=int), "target": [], "kind": [], "column": [], "amount": []})
    )
    person_costs = _person_costs(rows, allocations)
    reconciliation = _reconcile(pools, allocations, person_costs)
    _report_residuals(pools, findings)
    return Allocation(person_costs=person_costs, reconciliation=reconciliation, allocations=allocations)


def _long(joined: pd.DataFrame, form: str) -> pd.DataFrame:
    column = joined["kind"].map(lambda k: COLUMN_OF[(form, k)])
    return pd.DataFrame(
        {
            "row": joined["row"].to_numpy(),
            "target": joined["target"].to_numpy(),
            "kind": joined["kind"].to_numpy(),
            "column": column.to_numpy(),
            "amount": joined["share"].to_numpy(dtype=float),
        }
    )


def _sum_column(parts: list[pd.DataFrame], column: str, n: int) -> np.ndarray:
    out = np.zeros(n)
    for part in parts:
        sel = part[part["column"] == column]
        out += np.bincount(sel["row"].to_numpy(dtype=np.int64), weights=sel["amount"].to_numpy(), minlength=n)
    return out


def _person_costs(rows: pd.DataFrame, allocations: pd.DataFrame) -> pd.DataFrame:
    out = rows[["person_id", "area", "service_code", "regi", "unit", "volume"]].copy()
    for column in COST_COLUMNS:
        sel = allocations[allocations["column"] == column]
        out[column] = np.bincount(
            sel["row"].to_numpy(dtype=np.int64), weights=sel["amount"].to_numpy(dtype=float), minlength=len(rows)
        )
    out["gross_cost"] = out["direct_cost"] + out["overhead_cost"] + out["myndighet_cost"]
    out["net_cost"] = out["gross_cost"] + out["reimbursement"]
    return out[PERSON_COST_COLUMNS]


def _reconcile(pools: pd.DataFrame, allocations: pd.DataFrame, person_costs: pd.DataFrame) -> pd.DataFrame:
    """One row per (target, kind) plus ``unmapped``; raises if any row misses by more than 0.01 kr."""
    allocated = allocations.groupby(["target", "kind"])["amount"].sum()
    rec = pools[["target", "kind", "amount", "allocatable"]].rename(columns={"amount": "ledger_amount"})
    if not (rec["target"] == UNMAPPED).any():
        rec = pd.concat(
            [rec, pd.DataFrame({"target": [UNMAPPED], "kind": [""], "ledger_amount": [0.0], "allocatable": [False]})],
            ignore_index=True,
        )
    idx = pd.MultiIndex.from_frame(rec[["target", "kind"]])
    rec["allocated_amount"] = allocated.reindex(idx).fillna(0.0).to_numpy()
    rec["residual"] = np.where(rec["allocatable"], 0.0, rec["ledger_amount"])
    rec = rec.drop(columns="allocatable")
    rec["kind"] = rec["kind"].fillna("")
    gap = (rec["allocated_amount"] + rec["residual"] - rec["ledger_amount"]).abs()
    bad = rec[gap > TOLERANCE]
    # The person_costs columns must hold exactly what was allocated.
    column_gap = max(
        (
            abs(person_costs[c].sum() - allocations.loc[allocations["column"] == c, "amount"].sum())
            for c in COST_COLUMNS
        ),
        default=0.0,
    )
    if len(bad) or column_gap > TOLERANCE:
        first = bad.iloc[0] if len(bad) else None
        what = (
            f"allocated + residual differs from the ledger for {first['target']} / {first['kind']} "
            f"by {float(gap[bad.index[0]]):.2f} kr ({len(bad)} row(s))"
            if first is not None
            else f"person_costs columns differ from the allocations by {column_gap:.2f} kr"
        )
        raise ReconciliationError(
            what, fix="this is a kpbkit defect, not a data problem: please report it with the run's results folder"
        )
    rec = rec.assign(_last=rec["target"] == UNMAPPED).sort_values(["_last", "target", "kind"])
    return rec[["target", "kind", "ledger_amount", "allocated_amount", "residual"]].reset_index(drop=True)


def _report_residuals(pools: pd.DataFrame, findings: Findings) -> None:
    for pool in pools[(pools["form"].isin(["service", "overhead", "myndighet"])) & ~pools["allocatable"]].itertuples():
        findings.add(
            "pool_without_volume",
            "warning",
            "ledger",
            1,
            f"{pool.target} / {pool.kind}: {kronor(pool.amount)} has no volume (or weight) to carry it; "
            "reported as a residual",
            example=f"{pool.target} / {pool.kind}: {kronor(pool.amount)}",
            values={"target": pool.target, "kind": pool.kind, "amount": float(pool.amount)},
        )
