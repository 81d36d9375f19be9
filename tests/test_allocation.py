"""Rule matching, pools, the weighted allocation, residuals and the reconciliation (KPB-METHOD §4)."""

from __future__ import annotations

import pandas as pd
import pytest
from frames import CATALOG, YEAR, new_findings, rules, table

from kpbkit.errors import ReconciliationError
from kpbkit.model.allocate import _reconcile, allocate, person_rows
from kpbkit.model.pools import map_ledger, match_rules, pool_table


def deliveries(*rows: tuple) -> pd.DataFrame:
    """(person, service, regi, volume[, price]) tuples; price makes the row a priced stay."""
    out = []
    for row in rows:
        person, service, regi, vol = row[:4]
        price = row[4] if len(row) > 4 else None
        out.append({
            "person_id": person, "service_code": service, "provider_id": regi, "regi": regi, "volume": float(vol),
            "priced_volume": float(vol) if price else 0.0, "price_weight": float(vol) * price if price else 0.0,
        })
    return pd.DataFrame(out)


def ledger(*rows: tuple) -> pd.DataFrame:
    """(activity, account, responsibility, amount[, date]) tuples."""
    return table("ledger", [
        {"activity": a, "account": acc, "responsibility": r, "amount": amt, "date": rest[0] if rest else "2025-06-01"}
        for a, acc, r, amt, *rest in rows
    ])


def run(deliv: pd.DataFrame, led: pd.DataFrame, rule_list):
    findings = new_findings()
    pools = pool_table(map_ledger(led, rule_list, YEAR, findings))
    result = allocate(person_rows(deliv, CATALOG), pools, findings)
    return result, findings


def cost(result, person: str, service: str | None = None, column: str = "direct_cost") -> float:
    pc = result.person_costs
    sel = pc["person_id"] == person
    if service:
        sel &= pc["service_code"] == service
    return float(pc.loc[sel, column].sum())


def rec(result, target: str, kind: str) -> pd.Series:
    r = result.reconciliation
    return r[(r["target"] == target) & (r["kind"] == kind)].iloc[0]


# --- rule matching ---------------------------------------------------------------------------------

def test_first_matching_rule_wins_and_empty_fields_match_anything() -> None:
    led = ledger(("510", "4610", "11", 1), ("510", "5010", "11", 1), ("999", "5010", "11", 1))
    rule_list = rules(
        ("510", "46", "", "service:hemtjanst:egen", "internal_revenue"),
        ("510", "", "", "service:hemtjanst:egen", "cost"),
        ("", "", "", "exclude", "cost"),
    )
    assert match_rules(led, rule_list).tolist() == [0, 1, 2]


def test_matching_is_exact_trimmed_case_sensitive_and_prefix_is_a_string_prefix() -> None:
    led = ledger((" 510 ", "0456", "A1", 1), ("510", "456", "a1", 1), ("5100", "04567", "A1", 1))
    rule_list = rules(("510", "04", "A1", "exclude", "cost"))
    # row 0 matches (trimmed, '0456' starts with '04'); row 1: '456' lacks the leading zero and 'a1' != 'A1';
    # row 2: activity '5100' is not '510' (exact, not a prefix)
    assert match_rules(led, rule_list).tolist() == [0, -1, -1]


def test_ledger_rows_outside_period_are_ignored_and_unmapped_rows_reported() -> None:
    led = ledger(("510", "5010", "", 100.0), ("510", "5010", "", 50.0, "2024-12-31"), ("777", "1", "", 7.25))
    result, findings = run(deliveries(("a", "hemtjanst", "egen", 10)), led,
                           rules(("510", "", "", "service:hemtjanst:egen", "cost")))
    assert rec(result, "service:hemtjanst:egen", "cost")["ledger_amount"] == 100.0
    unmapped = rec(result, "unmapped", "")
    assert (unmapped["ledger_amount"], unmapped["allocated_amount"], unmapped["residual"]) == (7.25, 0.0, 7.25)
    assert findings.count("ledger_outside_period") == 1 and findings.count("ledger_unmapped") == 1


def test_unmapped_row_is_always_present_and_exclude_is_a_residual() -> None:
    result, _ = run(deliveries(("a", "hemtjanst", "egen", 10)), ledger(("1", "", "", 40.0)),
                    rules(("", "", "", "exclude", "cost")))
    assert rec(result, "unmapped", "")["ledger_amount"] == 0.0
    excl = rec(result, "exclude", "cost")
    assert (excl["allocated_amount"], excl["residual"]) == (0.0, 40.0)


# --- service pools ---------------------------------------------------------------------------------

def test_service_pool_split_by_volume_per_regi_and_internal_revenue_deducted() -> None:
    deliv = deliveries(("a", "hemtjanst", "egen", 30), ("b", "hemtjanst", "egen", 10), ("b", "hemtjanst", "extern", 5))
    led = ledger(("E", "5", "", 44000.0), ("E", "4", "", -4000.0), ("X", "7", "", 3000.0))
    rule_list = rules(("E", "4", "", "service:hemtjanst:egen", "internal_revenue"),
                      ("E", "", "", "service:hemtjanst:egen", "cost"),
                      ("X", "", "", "service:hemtjanst:extern", "cost"))
    result, _ = run(deliv, led, rule_list)
    # egen pool 44 000 - 4 000 = 40 000 over 40 hours: 1 000 kr/hour
    assert cost(result, "a") == pytest.approx(30_000)
    pc = result.person_costs.set_index(["person_id", "regi"])
    assert pc.loc[("b", "egen"), "direct_cost"] == pytest.approx(10_000)
    assert pc.loc[("b", "extern"), "direct_cost"] == pytest.approx(3_000)


def test_price_weights_with_mean_price_fill_in_for_unpriced_stays() -> None:
    # Pool hvb:extern 1 000 000 kr. a: 100 days at 4 000; b: 50 days at 1 000; c: 50 days unpriced.
    # Mean price of priced = (400 000 + 50 000) / 150 = 3 000, so c weighs 50 × 3 000 = 150 000.
    # Total weight 400 000 + 50 000 + 150 000 = 600 000.
    deliv = deliveries(("a", "hvb", "extern", 100, 4000), ("b", "hvb", "extern", 50, 1000), ("c", "hvb", "extern", 50))
    result, _ = run(deliv, ledger(("H", "", "", 1_000_000.0)), rules(("H", "", "", "service:hvb:extern", "cost")))
    assert cost(result, "a") == pytest.approx(1_000_000 * 400_000 / 600_000)
    assert cost(result, "b") == pytest.approx(1_000_000 * 50_000 / 600_000)
    assert cost(result, "c") == pytest.approx(1_000_000 * 150_000 / 600_000)


def test_pool_without_priced_stays_weighs_plain_volume() -> None:
    deliv = deliveries(("a", "hvb", "egen", 30), ("b", "hvb", "egen", 10), ("c", "hvb", "extern", 10, 5000))
    result, _ = run(deliv, ledger(("H", "", "", 4000.0)), rules(("H", "", "", "service:hvb:egen", "cost")))
    assert cost(result, "a") == pytest.approx(3000) and cost(result, "b") == pytest.approx(1000)


def test_reimbursement_and_fees_follow_the_service_weights_outside_gross() -> None:
    deliv = deliveries(("a", "pa_sfb", "extern", 300), ("b", "pa_sfb", "extern", 100))
    led = ledger(("P", "7", "", 400_000.0), ("P", "36", "", -320_000.0), ("P", "35", "", -4_000.0))
    rule_list = rules(("P", "36", "", "service:pa_sfb:extern", "state_reimbursement"),
                      ("P", "35", "", "service:pa_sfb:extern", "fee"),
                      ("P", "", "", "service:pa_sfb:extern", "cost"))
    result, _ = run(deliv, led, rule_list)
    row = result.person_costs.set_index("person_id").loc["a"]
    assert row["direct_cost"] == pytest.approx(300_000)
    assert row["reimbursement"] == pytest.approx(-240_000)
    assert row["fees"] == pytest.approx(-3_000)
    assert row["gross_cost"] == pytest.approx(300_000)  # fees never inside gross ...
    assert row["net_cost"] == pytest.approx(60_000)     # ... nor net; net = gross + reimbursement


def test_pool_without_volume_is_a_residual_and_a_finding() -> None:
    deliv = deliveries(("a", "hemtjanst", "egen", 10))
    led = ledger(("X", "", "", 5000.0), ("X", "36", "", -100.0))
    rule_list = rules(("X", "36", "", "service:hemtjanst:extern", "state_reimbursement"),
                      ("X", "", "", "service:hemtjanst:extern", "cost"))
    result, findings = run(deliv, led, rule_list)
    r = rec(result, "service:hemtjanst:extern", "cost")
    assert (r["allocated_amount"], r["residual"]) == (0.0, 5000.0)
    assert rec(result, "service:hemtjanst:extern", "state_reimbursement")["residual"] == -100.0
    assert findings.count("pool_without_volume") == 2
    assert cost(result, "a") == 0.0


# --- overhead and myndighet -----------------------------------------------------------------------

def overhead_case():
    # a: hemtjanst 30 h + trygghetslarm 12 months; b: hemtjanst 10 h; c: lss (another area)
    deliv = deliveries(("a", "hemtjanst", "egen", 30), ("a", "trygghetslarm", "egen", 12),
                       ("b", "hemtjanst", "egen", 10), ("c", "gruppbostad", "egen", 100))
    led = ledger(("H", "", "", 40_000.0), ("T", "", "", 12_000.0), ("G", "", "", 500_000.0),
                 ("OH", "", "", 10_400.0), ("OH", "4", "", -2_600.0), ("M", "", "", 9_000.0), ("M", "3", "", -300.0))
    rule_list = rules(("H", "", "", "service:hemtjanst:egen", "cost"),
                      ("T", "", "", "service:trygghetslarm:egen", "cost"),
                      ("G", "", "", "service:gruppbostad:egen", "cost"),
                      ("OH", "4", "", "overhead:aldreomsorg", "internal_revenue"),
                      ("OH", "", "", "overhead:aldreomsorg", "cost"),
                      ("M", "3", "", "myndighet:aldreomsorg", "fee"),
                      ("M", "", "", "myndighet:aldreomsorg", "cost"))
    return run(deliv, led, rule_list)


def test_overhead_weighs_direct_cost_in_the_area_and_spreads_over_the_persons_rows() -> None:
    result, _ = overhead_case()
    # direct: a = 30 000 + 12 000 = 42 000, b = 10 000; overhead net 7 800 over 52 000
    assert cost(result, "a", column="overhead_cost") == pytest.approx(7_800 * 42_000 / 52_000)
    assert cost(result, "b", column="overhead_cost") == pytest.approx(7_800 * 10_000 / 52_000)
    # a's share spreads over a's rows by direct cost: 30/42 to hemtjanst
    assert cost(result, "a", "hemtjanst", "overhead_cost") == pytest.approx(7_800 * 30_000 / 52_000)
    assert cost(result, "c", column="overhead_cost") == 0.0  # another area


def test_myndighet_is_an_equal_share_per_brukare_and_its_fees_land_in_fees() -> None:
    result, _ = overhead_case()
    assert cost(result, "a", column="myndighet_cost") == pytest.approx(4_500)
    assert cost(result, "b", column="myndighet_cost") == pytest.approx(4_500)
    assert cost(result, "a", "hemtjanst", "myndighet_cost") == pytest.approx(4_500 * 30 / 42)
    assert cost(result, "b", column="fees") == pytest.approx(-150)
    assert cost(result, "c", column="myndighet_cost") == 0.0


def test_myndighet_spreads_equally_when_the_persons_direct_cost_is_not_above_zero() -> None:
    # No service pools at all: every direct cost is 0, so a's myndighet share splits equally over 2 rows.
    deliv = deliveries(
        ("a", "hemtjanst", "egen", 30), ("a", "trygghetslarm", "egen", 12), ("b", "hemtjanst", "egen", 1)
    )
    rule_list = rules(("M", "", "", "myndighet:aldreomsorg", "cost"), ("O", "", "", "overhead:aldreomsorg", "cost"))
    result, _ = run(deliv, ledger(("M", "", "", 1_000.0), ("O", "", "", 77.0)), rule_list)
    assert cost(result, "a", "hemtjanst", "myndighet_cost") == pytest.approx(250)
    assert cost(result, "a", "trygghetslarm", "myndighet_cost") == pytest.approx(250)
    assert cost(result, "b", column="myndighet_cost") == pytest.approx(500)
    # overhead has no positive direct cost to weigh: residual
    assert rec(result, "overhead:aldreomsorg", "cost")["residual"] == 77.0


def test_negative_direct_cost_weighs_zero_in_overhead_and_spreading() -> None:
    # a's hemtjanst pool is negative (revenue above cost); a's other row is positive.
    deliv = deliveries(("a", "hemtjanst", "extern", 10), ("a", "trygghetslarm", "egen", 12),
                       ("b", "trygghetslarm", "egen", 12))
    led = ledger(("X", "", "", -500.0), ("T", "", "", 2_400.0), ("O", "", "", 1_000.0), ("M", "", "", 100.0))
    rule_list = rules(("X", "", "", "service:hemtjanst:extern", "internal_revenue"),
                      ("T", "", "", "service:trygghetslarm:egen", "cost"),
                      ("O", "", "", "overhead:aldreomsorg", "cost"), ("M", "", "", "myndighet:aldreomsorg", "cost"))
    result, _ = run(deliv, led, rule_list)
    # direct: a = -500 + 1 200 = 700, b = 1 200 -> overhead weights 700 : 1 200
    assert cost(result, "a", column="overhead_cost") == pytest.approx(1_000 * 700 / 1_900)
    # a's shares spread only to the positive row (trygghetslarm)
    assert cost(result, "a", "hemtjanst", "overhead_cost") == 0.0
    assert cost(result, "a", "hemtjanst", "myndighet_cost") == 0.0
    assert cost(result, "a", "trygghetslarm", "myndighet_cost") == pytest.approx(50)


def test_person_wholly_negative_gets_no_overhead() -> None:
    deliv = deliveries(("a", "hemtjanst", "extern", 10), ("b", "hemtjanst", "egen", 10))
    led = ledger(("X", "", "", -500.0), ("E", "", "", 800.0), ("O", "", "", 100.0))
    rule_list = rules(("X", "", "", "service:hemtjanst:extern", "internal_revenue"),
                      ("E", "", "", "service:hemtjanst:egen", "cost"), ("O", "", "", "overhead:aldreomsorg", "cost"))
    result, _ = run(deliv, led, rule_list)
    assert cost(result, "a", column="overhead_cost") == 0.0
    assert cost(result, "b", column="overhead_cost") == pytest.approx(100)


# --- the invariant --------------------------------------------------------------------------------

def test_reconciliation_holds_and_person_costs_sum_to_the_allocated_amounts() -> None:
    result, _ = overhead_case()
    r = result.reconciliation
    assert ((r["allocated_amount"] + r["residual"] - r["ledger_amount"]).abs() <= 0.01).all()
    pc = result.person_costs
    assert pc["direct_cost"].sum() == pytest.approx(40_000 + 12_000 + 500_000)
    assert pc["overhead_cost"].sum() == pytest.approx(7_800)
    assert pc["myndighet_cost"].sum() == pytest.approx(9_000)
    assert (pc["gross_cost"] == pc["direct_cost"] + pc["overhead_cost"] + pc["myndighet_cost"]).all()


def test_reconciliation_fails_loudly_when_allocations_do_not_add_up() -> None:
    result, _ = overhead_case()
    pools = pd.DataFrame({"target": ["service:hemtjanst:egen"], "kind": ["cost"], "amount": [40_000.0],
                          "allocatable": [True]})
    broken = result.allocations[result.allocations["target"] == "service:hemtjanst:egen"].copy()
    broken.loc[broken.index[0], "amount"] += 0.02
    with pytest.raises(ReconciliationError, match="service:hemtjanst:egen"):
        _reconcile(pools, broken, result.person_costs.iloc[:0])
