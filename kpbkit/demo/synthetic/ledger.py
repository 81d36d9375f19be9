"""The general ledger, calibrated on the drawn volumes so that unit costs look plausible, and its rules."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kpbkit.demo.synthetic.catalogue import (
    AREA_ACCOUNTS,
    AREA_ACTIVITY,
    AREA_OF,
    AREA_PREFIX,
    DEPRECIATION_ACCOUNT,
    EXTERN_RATE,
    FEE_ACCOUNT,
    INTERNAL_ACCOUNT,
    OWN_ACCOUNTS,
    OWN_RATE,
    P0,
    PURCHASE_ACCOUNT,
    REIMBURSEMENT_ACCOUNT,
    SERVICE_ACTIVITY,
    YEAR,
)
from kpbkit.demo.synthetic.draw import dates, floats, strings
from kpbkit.demo.synthetic.profile import Profile


def draw_ledger(
    rng: np.random.Generator, profile: Profile, volume: dict[tuple[str, bool], float],
    priced: dict[tuple[str, bool], float],
) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """Ledger rows (12 months, several vouchers per line) and the ~36 rules that map them; own production and
    unpriced purchases at the profile's unit costs."""
    lines: list[tuple[str, str, str, float]] = []  # activity, responsibility, account, annual amount
    direct: dict[str, float] = {a: 0.0 for a in AREA_ACTIVITY}
    rules: list[tuple[str, str, str, str, str]] = [("", DEPRECIATION_ACCOUNT[:2], "", "exclude", "cost")]
    for code, activity in SERVICE_ACTIVITY.items():
        area = AREA_OF[code]
        prefix = AREA_PREFIX[area]
        own, bought = volume.get((code, False), 0.0), volume.get((code, True), 0.0)
        own_cost = own * profile.rate(code, OWN_RATE.get(code, 0.0))
        if bought:
            rate = profile.rate(code, EXTERN_RATE.get(code, OWN_RATE.get(code, 1000.0) * 0.9))
            ext_cost = priced.get((code, True)) or bought * rate
        else:
            ext_cost = 0.0
        direct[area] += own_cost + ext_cost
        if code == "hemtjanst":
            rules.append((activity, FEE_ACCOUNT[:2], "", f"service:{code}:egen", "fee"))
            rules.append((activity, INTERNAL_ACCOUNT[:2], "", f"service:{code}:egen", "internal_revenue"))
            lines.append((activity, f"{prefix}101", FEE_ACCOUNT, -0.07 * (own_cost + ext_cost)))
            lines.append((activity, f"{prefix}101", INTERNAL_ACCOUNT, -0.02 * own_cost))
        if code == "sarskilt_boende":
            rules.append((activity, FEE_ACCOUNT[:2], "", f"service:{code}:egen", "fee"))
            lines.append((activity, f"{prefix}301", FEE_ACCOUNT, -0.11 * (own_cost + ext_cost)))
        if code == "pa_sfb":
            rules.append((activity, REIMBURSEMENT_ACCOUNT[:2], f"{prefix}190", f"service:{code}:extern",
                          "state_reimbursement"))
            rules.append((activity, REIMBURSEMENT_ACCOUNT[:2], "", f"service:{code}:egen", "state_reimbursement"))
            lines.append((activity, f"{prefix}190", REIMBURSEMENT_ACCOUNT, -0.88 * ext_cost))
            lines.append((activity, f"{prefix}101", REIMBURSEMENT_ACCOUNT, -0.88 * own_cost))
        if own and bought:
            rules.append((activity, PURCHASE_ACCOUNT[:2], "", f"service:{code}:extern", "cost"))
        if own:
            rules.append((activity, "", "", f"service:{code}:egen", "cost"))
            units = 3 if own_cost > 50e6 else 1
            for u in range(units):
                for account, share in OWN_ACCOUNTS:
                    lines.append((activity, f"{prefix}{101 + u}", account, own_cost * share / units))
            lines.append((activity, f"{prefix}101", DEPRECIATION_ACCOUNT, own_cost * 0.015))
        elif bought:
            rules.append((activity, "", "", f"service:{code}:extern", "cost"))
        if bought:  # invoices booked on four purchasing units
            for k in range(4):
                lines.append((activity, f"{prefix}19{k}", PURCHASE_ACCOUNT, ext_cost / 4))
    for area, activity in AREA_ACTIVITY.items():
        prefix = AREA_PREFIX[area]
        rules.append((activity, "", f"{prefix}180", f"myndighet:{area}", "cost"))
        rules.append((activity, "", "", f"overhead:{area}", "cost"))
        for account, share in AREA_ACCOUNTS:
            lines.append((activity, f"{prefix}180", account, 0.05 * direct[area] * share))
            lines.append((activity, f"{prefix}100", account, 0.04 * direct[area] * share))
    total = sum(direct.values())
    lines.append(("990", "9100", "5011", 0.001 * total))  # a project no rule maps
    lines.append(("990", "9100", "6410", 0.0003 * total))

    # Rows: 12 months x 1-2 vouchers per line, plus one December voucher of the year before (outside the period).
    n_lines = len(lines)
    vouchers = 1 + (rng.random(n_lines * 12) < 0.5)
    line_of = np.repeat(np.repeat(np.arange(n_lines), 12), vouchers)
    month = np.repeat(np.tile(np.arange(12), n_lines), vouchers)
    weight = rng.uniform(0.6, 1.4, len(line_of))
    per_line_month = np.bincount(line_of * 12 + month, weights=weight, minlength=n_lines * 12)
    annual = np.array([ln[3] for ln in lines])
    amount = annual[line_of] / 12 * weight / per_line_month[line_of * 12 + month] * rng.uniform(0.9, 1.1,
                                                                                                   len(line_of))
    day = (np.datetime64(f"{YEAR}-01", "M") + month.astype("timedelta64[M]")).astype("datetime64[D]").astype(
        np.int64
    ) + (rng.random(len(line_of)) * 28).astype(np.int64)
    before = np.arange(n_lines)
    line_of = np.concatenate([line_of, before])
    amount = np.concatenate([amount, annual / 12])
    day = np.concatenate([day, np.full(n_lines, P0 - 6)])
    ledger = {
        "date": dates(day),
        "account": strings([ln[2] for ln in lines], line_of),
        "responsibility": strings([ln[1] for ln in lines], line_of),
        "activity": strings([ln[0] for ln in lines], line_of),
        "amount": floats(np.round(amount, 2)),
    }
    rule_cols = ("activity", "account_prefix", "responsibility", "target", "kind")
    rule_table = {c: pa.array([r[i] for r in rules], pa.string()) for i, c in enumerate(rule_cols)}
    return ledger, rule_table
