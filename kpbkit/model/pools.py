"""Ledger rows → cost pools by the client's rules (KPB-METHOD §4 "Cost pools").

Rules are tried in the client's order; the first match wins. Matching compares trimmed strings
exactly and case-sensitively, ``account_prefix`` as a string prefix; empty rule fields match anything.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.config import LedgerRule
from kpbkit.model.rules import parse_target
from kpbkit.period import Period
from kpbkit.quality import Example, Findings, describe_row, field_text, kronor

UNMAPPED = "unmapped"


def match_rules(ledger: pd.DataFrame, rules: list[LedgerRule]) -> np.ndarray:
    """Index of the first rule each ledger row matches, or -1 where none does (vectorised per rule)."""
    n = len(ledger)
    matched = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return matched
    activity = ledger["activity"].astype("string").fillna("").str.strip()
    account = ledger["account"].astype("string").fillna("").str.strip()
    responsibility = ledger["responsibility"].astype("string").fillna("").str.strip()
    for i, rule in enumerate(rules):
        open_rows = matched < 0
        if not open_rows.any():
            break
        hit = open_rows.copy()
        if rule.activity:
            hit &= (activity == rule.activity).to_numpy(dtype=bool)
        if rule.account_prefix:
            hit &= account.str.startswith(rule.account_prefix).to_numpy(dtype=bool)
        if rule.responsibility:
            hit &= (responsibility == rule.responsibility).to_numpy(dtype=bool)
        matched[hit] = i
    return matched


def map_ledger(
    ledger: pd.DataFrame, rules: list[LedgerRule], period: Period, findings: Findings, file: Path | None = None
) -> pd.DataFrame:
    """The period's ledger rows with their ``target`` and ``kind`` (``unmapped`` / empty where no rule matches).

    ``file`` is the ledger's source file, cited in the findings' examples.
    """
    in_period = (ledger["date"] >= pd.Timestamp(period.start)) & (ledger["date"] <= pd.Timestamp(period.end))
    outside = ~in_period
    findings.add("ledger_outside_period", "info", "ledger", int(outside.sum()),
                 "ledger rows dated outside the period: ignored", example=describe_row(ledger, outside, "ledger", file))
    rows = ledger[in_period].reset_index(drop=True)
    index = match_rules(rows, rules)
    targets = np.array([r.target for r in rules] + [UNMAPPED], dtype=object)
    kinds = np.array([r.kind for r in rules] + [""], dtype=object)
    rows = rows.assign(rule=index, target=targets[index], kind=kinds[index])
    unmapped = rows["target"] == UNMAPPED
    findings.add(
        "ledger_unmapped",
        "warning",
        "ledger",
        int(unmapped.sum()),
        f"ledger rows no rule maps, {kronor(float(rows.loc[unmapped, 'amount'].sum()))} in all: "
        "add rules or exclude them",
        values={"amount": float(rows.loc[unmapped, "amount"].sum())},
        example=_largest_unmapped(rows, unmapped.to_numpy(dtype=bool), file),
    )
    return rows


def _largest_unmapped(rows: pd.DataFrame, unmapped: np.ndarray, file: Path | None) -> str:
    """The first row of the unmapped (activity, account, responsibility) with the most kronor (by absolute sum)."""
    if not unmapped.any():
        return ""
    keys = ["activity", "account", "responsibility"]
    codes = rows.loc[unmapped, keys].astype("string").fillna("").apply(lambda c: c.str.strip())
    sums = rows.loc[unmapped, "amount"].groupby([codes[k] for k in keys], sort=True).agg(["sum", "size"])
    activity, account, responsibility = sums.index[int(np.argmax(sums["sum"].abs().to_numpy()))]
    total, n = sums.loc[(activity, account, responsibility)]
    first = np.zeros(len(rows), dtype=bool)
    first[np.flatnonzero(unmapped)] = ((codes["activity"] == activity) & (codes["account"] == account)
                                       & (codes["responsibility"] == responsibility)).to_numpy(dtype=bool)
    combination = ", ".join(f"{name} {field_text(code, name)}" for name, code in
                            (("activity", activity), ("account", account), ("responsibility", responsibility)))
    place = describe_row(rows, first, "ledger", file)
    largest = {"activity": str(activity), "account": str(account), "responsibility": str(responsibility),
               "amount": float(total), "rows": int(n)}
    return Example(f"{place} (the largest unmapped combination, {combination}: {kronor(float(total))} in {int(n)} "
                   "rows)", {**getattr(place, "parts", {}), "note": "largest_unmapped", "largest": largest})


def pool_table(mapped: pd.DataFrame) -> pd.DataFrame:
    """Sum of amounts per (target, kind), with the parsed target form, code or area, and regi."""
    pools = mapped.groupby(["target", "kind"], as_index=False, sort=True)["amount"].sum()
    parsed = [parse_target(t) if t != UNMAPPED else (UNMAPPED, None, None) for t in pools["target"]]
    pools["form"] = [p[0] for p in parsed]
    pools["subject"] = [p[1] for p in parsed]
    pools["regi"] = [p[2] for p in parsed]
    return pools
