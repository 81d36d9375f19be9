"""The ledger against the totals the client states (``quality.control_totals``): one finding per total."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpbkit.period import Period
from kpbkit.quality import Findings, kronor

if TYPE_CHECKING:
    from kpbkit.config import QualitySection


def check_control_totals(ledger: pd.DataFrame, quality: QualitySection, period: Period, findings: Findings) -> int:
    """``control_total_mismatch`` (error) or ``control_total_match`` (info), one finding per control total.

    The ledger sum is over rows dated in the period whose trimmed activity is one of ``activities`` and whose
    trimmed account starts with one of ``account_prefixes`` (an empty list matches every row). A mismatch is a
    difference above ``quality.control_tolerance`` kronor, compared to the öre. Returns the mismatches.
    """
    if not quality.control_totals:
        return 0
    dated = ledger[(ledger["date"] >= pd.Timestamp(period.start)) & (ledger["date"] <= pd.Timestamp(period.end))]
    activity = dated["activity"].astype("string").fillna("").str.strip()
    account = dated["account"].astype("string").fillna("").str.strip()
    amount = dated["amount"].to_numpy(dtype=float)
    mismatches = 0
    for total in quality.control_totals:
        sel = np.ones(len(dated), dtype=bool)
        if total.activities:
            sel &= activity.isin([a.strip() for a in total.activities]).to_numpy(dtype=bool)
        if total.account_prefixes:
            hit = np.zeros(len(dated), dtype=bool)
            for prefix in total.account_prefixes:
                hit |= account.str.startswith(prefix.strip()).to_numpy(dtype=bool, na_value=False)
            sel &= hit
        ledger_sum = round(float(amount[sel].sum()), 2)
        difference = round(ledger_sum - float(total.amount), 2)
        scope = _scope(total.activities, total.account_prefixes)
        text = (f"{total.label} ({scope}, {int(sel.sum())} ledger rows): ledger {kronor(ledger_sum)}, stated "
                f"{kronor(float(total.amount))}, difference {kronor(difference)}")
        values = {"label": total.label, "activities": list(total.activities),
                  "account_prefixes": list(total.account_prefixes), "rows": int(sel.sum()), "ledger": ledger_sum,
                  "stated": float(total.amount), "difference": difference, "tolerance": quality.control_tolerance}
        if abs(difference) > quality.control_tolerance:
            mismatches += 1
            findings.add("control_total_mismatch", "error", "ledger", 1,
                         f"{text}: above the tolerance of {kronor(quality.control_tolerance)}", values=values)
        else:
            findings.add("control_total_match", "info", "ledger", 1,
                         f"{text}: within the tolerance of {kronor(quality.control_tolerance)}", values=values)
    return mismatches


def _scope(activities: Sequence[str], prefixes: Sequence[str]) -> str:
    parts = [f"activities {', '.join(activities)}" if activities else "every activity",
             f"accounts {', '.join(p + '*' for p in prefixes)}" if prefixes else "every account"]
    return "; ".join(parts)
