"""Property: on random cases, allocated + residual = ledger to the öre, and person_costs hold what was allocated."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from examples import examples
from frames import CATALOG, YEAR, new_findings, providers, rules, table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpbkit.model.allocate import allocate, person_rows
from kpbkit.model.pools import map_ledger, pool_table
from kpbkit.model.volumes import compute_volumes

PERSONS = ["a", "b", "c", "d", "e"]
PROVIDERS = providers(("E", "egen"), ("X", "extern"))
SERVICES = ["hemtjanst", "pa_sfb", "trygghetslarm", "gruppbostad", "daglig_verksamhet", "hvb", "familjehem",
            "oppenvard_bou"]
TARGETS = [
    *(f"service:{s}:{r}" for s in SERVICES for r in ("egen", "extern")),
    "overhead:aldreomsorg", "overhead:lss", "overhead:barn_unga",
    "myndighet:aldreomsorg", "myndighet:lss", "myndighet:barn_unga", "exclude",
]
KINDS = ["cost", "internal_revenue", "fee", "state_reimbursement"]

day = st.dates(dt.date(2024, 10, 1), dt.date(2026, 2, 1))
money = st.decimals(min_value=-1_000_000, max_value=5_000_000, places=2).map(float)


@st.composite
def case(draw):
    visits = draw(st.lists(st.fixed_dictionaries({
        "person_id": st.sampled_from(PERSONS), "service_code": st.sampled_from(["hemtjanst", "pa_sfb", "hvb"]),
        "date": day.map(str), "minutes": st.integers(-30, 600), "provider_id": st.sampled_from(["E", "X", None]),
    }), max_size=25))
    stays = []
    for i in range(draw(st.integers(0, 12))):
        start = draw(day)
        end = draw(st.one_of(st.none(), st.integers(-5, 200).map(lambda n, s=start: s + dt.timedelta(days=n))))
        stays.append({
            "stay_id": str(draw(st.integers(1, 30))) + f"-{i}", "person_id": draw(st.sampled_from(PERSONS)),
            "service_code": draw(st.sampled_from(["gruppbostad", "daglig_verksamhet", "hvb", "familjehem"])),
            "start_date": str(start), "end_date": str(end) if end else None,
            "provider_id": draw(st.sampled_from(["E", "X", "Q"])),
            "daily_price": draw(st.one_of(st.none(), st.floats(-100, 9000, allow_nan=False))),
        })
    decisions = []
    for i in range(draw(st.integers(0, 8))):
        start = draw(day)
        decisions.append({
            "decision_id": str(i), "person_id": draw(st.sampled_from(PERSONS)),
            "service_code": draw(st.sampled_from(["trygghetslarm", "oppenvard_bou", "hemtjanst"])),
            "start_date": str(start), "end_date": str(start + dt.timedelta(days=draw(st.integers(-3, 400)))),
            "granted_hours_per_month": draw(st.one_of(st.none(), st.floats(0, 200))),
            "provider_id": draw(st.sampled_from(["E", "X", None])),
        })
    ledger = draw(st.lists(st.fixed_dictionaries({
        "activity": st.sampled_from(["1", "2", "3", "4", "5"]), "account": st.sampled_from(["4010", "5010", "0456"]),
        "responsibility": st.just(""), "amount": money, "date": day.map(str),
    }), min_size=1, max_size=30))
    rule_list = draw(st.lists(st.tuples(
        st.sampled_from(["", "1", "2", "3", "4"]), st.sampled_from(["", "4", "5", "04"]), st.just(""),
        st.sampled_from(TARGETS), st.sampled_from(KINDS),
    ), max_size=12))
    return visits, stays, decisions, ledger, rule_list


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case())
def test_allocated_plus_residual_equals_ledger_on_random_cases(data) -> None:
    visits, stays, decisions, ledger_rows, rule_tuples = data
    findings = new_findings()
    volumes = compute_volumes(
        visits=table("visits", visits), stays=table("stays", stays), decisions=table("decisions", decisions),
        providers=PROVIDERS, catalog=CATALOG, period=YEAR, findings=findings,
    )
    ledger = table("ledger", ledger_rows)
    mapped = map_ledger(ledger, rules(*rule_tuples), YEAR, findings)
    result = allocate(person_rows(volumes.deliveries, CATALOG), pool_table(mapped), findings)

    rec = result.reconciliation
    assert (np.abs(rec["allocated_amount"] + rec["residual"] - rec["ledger_amount"]) <= 0.01).all()
    in_period = ledger[(ledger["date"] >= pd.Timestamp(YEAR.start)) & (ledger["date"] <= pd.Timestamp(YEAR.end))]
    assert abs(rec["ledger_amount"].sum() - in_period["amount"].sum()) <= 0.01
    assert (rec["target"] == "unmapped").sum() == 1
    pc = result.person_costs
    assert (pc["volume"] > 0).all()
    allocated_total = rec["allocated_amount"].sum()
    person_total = pc[["direct_cost", "overhead_cost", "myndighet_cost", "reimbursement", "fees"]].to_numpy().sum()
    assert abs(allocated_total - person_total) <= 0.01
    assert np.allclose(pc["net_cost"], pc["gross_cost"] + pc["reimbursement"])
