"""The data-quality checks of issue 6 (kpbkit.model.quality_checks) and the examples of every finding.

Each check is shown firing and not firing on tiny hand-made frames; examples cite the file row and never a
person's id or personnummer; and the checks leave every result but ``data_quality`` unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from frames import CATALOG, YEAR, new_findings, providers, rules, table

import kpbkit.model
from kpbkit.config import QualitySection, load_client_config
from kpbkit.errors import InputError
from kpbkit.ingest import ingest
from kpbkit.model import run_model
from kpbkit.model.allocate import allocate, person_rows
from kpbkit.model.checks import check_placement_decisions
from kpbkit.model.pools import map_ledger, pool_table
from kpbkit.model.quality_checks import (
    check_control_totals,
    check_decisions_without_delivery,
    check_duplicate_ids,
    check_duplicate_visits,
    check_granted_hours_implausible,
    check_ledger_amount_implausible,
    check_minutes_implausible,
    check_outside_period,
    check_person_ages,
    check_population_plausible,
    check_visits_without_decision,
    require_ledger_in_period,
)
from kpbkit.model.volumes import compute_volumes
from kpbkit.period import Period
from kpbkit.quality import describe_row

PROVIDERS = providers(("E", "egen"), ("X", "extern"))
FILES = {"visits": Path("in/visits.csv"), "stays": Path("in/stays.csv"), "decisions": Path("in/decisions.csv"),
         "ledger": Path("in/ledger.csv"), "population": Path("in/population.csv"), "persons": Path("in/persons.csv")}
PNR_LIKE = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+ ]?[0-9]{4}(?![0-9])")
# Skatteverket test personnummer
PNR_M_1941 = "194101012393"
PNR_K_1932 = "193201027723"


def framed(name: str, rows: list[dict]) -> pd.DataFrame:
    """A canonical table whose rows sit on file rows 2, 3, ... (the header is row 1), as ingest leaves it."""
    frame = table(name, rows)
    frame["source_row"] = np.arange(2, len(frame) + 2, dtype=np.int32)
    return frame


def visit(person="a", service="hemtjanst", date="2025-03-01", minutes=60.0, provider="E", staff="s1"):
    return {"person_id": person, "service_code": service, "date": date, "minutes": minutes,
            "provider_id": provider, "staff_id": staff}


def stay(stay_id, start, end=None, person="a", service="korttid_aldre", provider="E", price=None):
    return {"stay_id": stay_id, "person_id": person, "service_code": service, "start_date": start,
            "end_date": end, "provider_id": provider, "daily_price": price}


def decision(decision_id, start, end=None, person="a", service="hemtjanst", hours=None, provider=None):
    return {"decision_id": decision_id, "person_id": person, "service_code": service, "decided_on": start,
            "start_date": start, "end_date": end, "granted_hours_per_month": hours, "provider_id": provider}


def volumes(visits=(), stays=(), decisions=()):
    findings = new_findings()
    result = compute_volumes(
        visits=framed("visits", list(visits)), stays=framed("stays", list(stays)),
        decisions=framed("decisions", list(decisions)), providers=PROVIDERS, catalog=CATALOG, period=YEAR,
        findings=findings, files=FILES,
    )
    return result, findings


def example(findings, check: str) -> str:
    rows = [r for r in findings.rows if r["check"] == check]
    assert len(rows) == 1, check
    return str(rows[0]["example"])


# --- describe_row ------------------------------------------------------------------------------------------------


def test_describe_row_names_file_row_and_plain_fields() -> None:
    visits = framed("visits", [visit(minutes=30), visit(date="2025-03-04", provider="LOV9", minutes=0)])
    mask = visits["minutes"] <= 0
    assert describe_row(visits, mask, "visits", Path("x/visits.csv")) == (
        "visits.csv row 3: hemtjanst 2025-03-04, provider LOV9, 0 min")
    assert describe_row(visits, 0, "visits") == "visits row 2: hemtjanst 2025-03-01, provider E, 30 min"
    assert describe_row(visits, mask & False, "visits", FILES["visits"]) == ""
    stays = framed("stays", [stay("S1", "2025-01-01", None, provider=None)])
    assert describe_row(stays, 0, "stays", FILES["stays"]) == (
        "stays.csv row 2: korttid_aldre 2025-01-01..open, stay S1, provider empty")


def test_describe_row_never_shows_an_identity() -> None:
    visits = framed("visits", [visit(staff="19410101-2393")])
    with pytest.raises(ValueError):
        describe_row(visits, 0, "visits", None, ["service_code", "person_id"])
    text = describe_row(visits, 0, "visits", None, ["service_code", "staff_id"])
    assert "2393" not in text and "personnummer" in text


# --- examples of the engine's existing findings -------------------------------------------------------------------


def test_every_left_out_row_finding_has_an_example_citing_the_file_row() -> None:
    _, findings = volumes(
        visits=[visit(date="2024-12-31"), visit(service="nope"), visit(service="gruppbostad"), visit(minutes=0),
                visit(provider="NOPE"), visit(provider=None)],
        stays=[stay("1", "2025-02-01", "2025-01-01"), stay("2", "2025-01-01", service="nope"),
               stay("3", "2025-01-01", service="hemtjanst"), stay("4", "2025-01-01", provider="NOPE"),
               stay("5", "2025-01-01", "2025-01-31", provider=None),
               stay("6", "2025-03-01", "2025-03-31", service="hvb", provider="X", price=-1),
               stay("7", "2025-03-01", "2025-03-31", service="hvb", provider="X", price=2000),
               stay("8", "2025-03-10", "2025-03-20", service="hvb", provider="X")],
        decisions=[decision("D1", "2025-02-01", "2025-01-01"), decision("D2", "2025-01-01", service="nope"),
                   decision("D3", "2025-01-01", service="trygghetslarm", provider="NOPE"),
                   decision("D4", "2025-01-01", service="trygghetslarm"),
                   decision("D5", "2025-06-01", service="trygghetslarm")],
    )
    expected = {
        ("visit_outside_period", "visits"): "visits.csv row 2: hemtjanst 2024-12-31, provider E, 60 min",
        ("service_unknown", "visits"): "visits.csv row 3: nope 2025-03-01",
        ("wrong_table_for_unit", "visits"): "visits.csv row 4: gruppbostad",
        ("minutes_not_positive", "visits"): "visits.csv row 5: ",
        ("provider_unknown", "visits"): "visits.csv row 6: ",
        ("provider_missing", "visits"): "visits.csv row 7: ",
        ("end_before_start", "stays"): "stays.csv row 2: korttid_aldre 2025-02-01..2025-01-01",
        ("service_unknown", "stays"): "stays.csv row 3: ",
        ("wrong_table_for_unit", "stays"): "stays.csv row 4: ",
        ("provider_unknown", "stays"): "stays.csv row 5: ",
        ("provider_missing", "stays"): "stays.csv row 6: ",
        ("daily_price_not_positive", "stays"): "stays.csv row 7: hvb 2025-03-01..2025-03-31, stay 6, provider X, "
                                               "daily price -1.00 kr",
        ("daily_price_missing", "stays"): "stays.csv row 9: hvb 2025-03-10..2025-03-20, stay 8, provider X, "
                                          "daily price empty",
        ("overlapping_stays", "stays"): "stays.csv row 7: ",
        ("end_before_start", "decisions"): "decisions.csv row 2: hemtjanst 2025-02-01..2025-01-01, decision D1",
        ("service_unknown", "decisions"): "decisions.csv row 3: ",
        ("provider_unknown", "decisions"): "decisions.csv row 4: ",
        ("overlapping_decisions", "decisions"): "decisions.csv row 5: trygghetslarm 2025-01-01..open, decision D4",
    }
    got = {(r["check"], r["table"]): r["example"] for r in findings.rows}
    for key, start in expected.items():
        assert key in got, key
        assert got[key].startswith(start), (key, got[key])
        assert " a " not in f" {got[key]} " and "person" not in got[key]


def test_ledger_and_allocation_findings_have_examples() -> None:
    findings = new_findings()
    ledger = framed("ledger", [
        {"date": "2024-12-31", "account": "5010", "responsibility": "1", "activity": "510", "amount": 10.0},
        {"date": "2025-03-31", "account": "9000", "responsibility": "1", "activity": "999", "amount": 5.0},
        {"date": "2025-03-31", "account": "9100", "responsibility": "2", "activity": "999", "amount": -70.0},
        {"date": "2025-04-30", "account": "9100", "responsibility": "2", "activity": "999", "amount": 20.0},
        {"date": "2025-03-31", "account": "5010", "responsibility": "1", "activity": "510", "amount": 300.0},
    ])
    rule_list = rules(("510", "", "", "service:hemtjanst:egen", "cost"))
    mapped = map_ledger(ledger, rule_list, YEAR, findings, FILES["ledger"])
    assert example(findings, "ledger_outside_period") == (
        "ledger.csv row 2: 2024-12-31, activity 510, account 5010, responsibility 1, 10.00 kr")
    assert example(findings, "ledger_unmapped") == (
        "ledger.csv row 4: 2025-03-31, activity 999, account 9100, responsibility 2, -70.00 kr (the largest "
        "unmapped combination, activity 999, account 9100, responsibility 2: -50.00 kr in 2 rows)")
    allocate(person_rows(volumes()[0].deliveries, CATALOG), pool_table(mapped), findings)
    assert example(findings, "pool_without_volume") == "service:hemtjanst:egen / cost: 300.00 kr"


def test_ledger_unmapped_example_hides_a_personnummer_in_a_code() -> None:
    findings = new_findings()
    ledger = framed("ledger", [{"date": "2025-03-31", "account": "5010", "responsibility": "1",
                                "activity": f"{PNR_M_1941[2:8]}-{PNR_M_1941[8:]}", "amount": 5.0}])
    map_ledger(ledger, rules(("510", "", "", "service:hemtjanst:egen", "cost")), YEAR, findings, FILES["ledger"])
    text = example(findings, "ledger_unmapped")
    assert text.startswith("ledger.csv row 2: 2025-03-31, activity <a value shaped like a personnummer>")
    assert not PNR_LIKE.search(text)


def test_placement_without_decision_example_cites_the_stay_row() -> None:
    result, _ = volumes(stays=[stay("S1", "2025-01-01", "2025-01-31", service="hvb", provider="X")])
    findings = new_findings()
    assert check_placement_decisions(result.stays, framed("decisions", []), findings, FILES["stays"]) == 1
    assert example(findings, "placement_without_decision") == (
        "stays.csv row 2: hvb 2025-01-01..2025-01-31, stay S1, provider X")


# --- duplicates ---------------------------------------------------------------------------------------------------


def test_duplicate_visits_counts_the_extra_rows_of_identical_visits() -> None:
    visits = framed("visits", [visit(), visit(staff="s2"), visit(), visit(staff=None), visit(staff=None), visit()])
    findings = new_findings()
    assert check_duplicate_visits(visits, findings, file=FILES["visits"]) == 3  # 2 extra of row 2, 1 of row 5
    assert example(findings, "duplicate_visits").startswith("visits.csv row ")
    assert "still counted" in findings.rows[0]["detail"]
    # Any field differing makes a different visit.
    distinct = framed("visits", [visit(), visit(person="b"), visit(service="pa_sfb"), visit(date="2025-03-02"),
                                 visit(minutes=61), visit(provider="X"), visit(staff="s2")])
    findings = new_findings()
    assert check_duplicate_visits(distinct, findings) == 0 and not findings.rows


def test_duplicate_visits_example_is_an_extra_row() -> None:
    visits = framed("visits", [visit(date="2025-05-01"), visit(minutes=15), visit(date="2025-05-01")])
    findings = new_findings()
    check_duplicate_visits(visits, findings, file=FILES["visits"])
    assert example(findings, "duplicate_visits") == "visits.csv row 4: hemtjanst 2025-05-01, provider E, 60 min, " \
                                                    "staff s1"


def test_duplicate_ids_in_decisions_and_stays() -> None:
    decisions = framed("decisions", [decision("D1", "2025-01-01"), decision("D2", "2025-01-01"),
                                     decision("D1", "2025-06-01", person="b"), decision("D1", "2025-07-01")])
    stays = framed("stays", [stay("S1", "2025-01-01"), stay("S2", "2025-01-01")])
    findings = new_findings()
    assert check_duplicate_ids(decisions, "decision_id", "decisions", findings, file=FILES["decisions"]) == 2
    assert check_duplicate_ids(stays, "stay_id", "stays", findings, file=FILES["stays"]) == 0
    assert example(findings, "duplicate_decision_id").startswith("decisions.csv row 4: hemtjanst 2025-06-01..open")
    stays = framed("stays", [stay("S1", "2025-01-01"), stay("S1", "2026-01-01")])
    assert check_duplicate_ids(stays, "stay_id", "stays", findings, file=FILES["stays"]) == 1
    assert example(findings, "duplicate_stay_id").startswith("stays.csv row 3: ")


# --- decisions against deliveries --------------------------------------------------------------------------------


def test_visit_without_decision_in_force_on_its_date() -> None:
    result, _ = volumes(visits=[
        visit(date="2025-02-01"),                       # in D1
        visit(date="2025-04-01"),                       # after D1, before D2: no decision
        visit(date="2025-06-30"),                       # D2's last day
        visit(date="2025-09-01"),                       # in D3 (open end)
        visit(date="2025-03-01", service="pa_sfb"),     # no pa_sfb decision
        visit(date="2025-03-01", person="b"),           # b's decision ends before it starts: ignored
        visit(date="2024-12-31"),                       # outside the period: not counted, not checked
        visit(date="2025-03-01", minutes=0),            # not counted, not checked
    ])
    decisions = framed("decisions", [
        decision("D1", "2025-01-01", "2025-03-31"), decision("D2", "2025-05-01", "2025-06-30"),
        decision("D3", "2025-08-01"), decision("D4", "2025-06-01", "2025-01-01", person="b"),
        decision("D5", "2025-01-01", person="c"),
    ])
    findings = new_findings()
    count = check_visits_without_decision(result.counted_visits, decisions, CATALOG, YEAR, findings,
                                          file=FILES["visits"])
    assert count == 3
    assert example(findings, "visit_without_decision") == "visits.csv row 3: hemtjanst 2025-04-01, provider E, 60 min"
    assert "hemtjanst 2, pa_sfb 1" in findings.rows[0]["detail"]
    covered = framed("decisions", [decision("D1", "2024-01-01"), decision("D2", "2025-01-01", service="pa_sfb"),
                                   decision("D3", "2025-03-01", "2025-03-01", person="b")])
    findings = new_findings()
    assert check_visits_without_decision(result.counted_visits, covered, CATALOG, YEAR, findings) == 0


def test_visit_without_decision_with_several_decision_gaps_per_person() -> None:
    # Many disjoint decisions of one person and service take the sorted-search path.
    decisions = framed("decisions", [decision(f"D{m}", f"2025-{m:02d}-01", f"2025-{m:02d}-10") for m in range(1, 13)])
    visits = [visit(date=f"2025-{m:02d}-{d:02d}") for m in range(1, 13) for d in (5, 20)]
    result, _ = volumes(visits=visits)
    findings = new_findings()
    assert check_visits_without_decision(result.counted_visits, decisions, CATALOG, YEAR, findings) == 12


def test_decision_without_delivery_by_unit() -> None:
    result, _ = volumes(
        visits=[visit(date="2025-02-10"), visit(date="2025-11-01", person="b")],
        stays=[stay("S1", "2025-01-04", "2025-01-05"),                                    # a weekend
               stay("S2", "2025-01-04", "2025-01-05", service="dagverksamhet_aldre"),
               stay("S3", "2025-01-06", "2025-01-10", person="b", service="dagverksamhet_aldre")],
    )
    decisions = framed("decisions", [
        decision("H1", "2025-01-01", "2025-03-31"),                                     # visit 2025-02-10
        decision("H2", "2025-04-01", "2025-12-31", person="b"),                         # visit 2025-11-01
        decision("H3", "2025-01-01", "2025-10-31", person="b"),                         # b's visit is after H3
        decision("H4", "2025-01-01", service="pa_sfb"),                                 # no pa_sfb visit
        decision("K1", "2025-01-03", "2025-01-12", service="korttid_aldre"),            # stay S1 on the weekend
        decision("W1", "2025-01-03", "2025-01-12", service="dagverksamhet_aldre"),      # S2 has no weekday
        decision("W2", "2025-01-09", person="b", service="dagverksamhet_aldre"),        # S3 on 9-10 January
        decision("M1", "2025-01-01", service="trygghetslarm"),                          # month: not checked
        decision("O1", "2024-01-01", "2024-12-31", person="c"),                         # outside: not checked
        decision("E1", "2025-06-01", "2025-01-01", person="c"),                         # ends before it starts
    ])
    findings = new_findings()
    count = check_decisions_without_delivery(decisions, result.counted_visits, result.stays, CATALOG, YEAR,
                                             findings, file=FILES["decisions"])
    assert count == 3  # H3, H4, W1
    assert findings.rows[0]["severity"] == "info"
    assert example(findings, "decision_without_delivery") == (
        "decisions.csv row 4: hemtjanst 2025-01-01..2025-10-31, decision H3, provider empty")
    assert "dagverksamhet_aldre 1, hemtjanst 1, pa_sfb 1" in findings.rows[0]["detail"]
    delivered = decisions[decisions["decision_id"].isin(["H1", "H2", "K1", "W2", "M1", "O1"])]
    findings = new_findings()
    assert check_decisions_without_delivery(delivered, result.counted_visits, result.stays, CATALOG, YEAR,
                                            findings) == 0


def test_decision_without_delivery_skips_units_whose_source_is_not_checked() -> None:
    result, _ = volumes()
    decisions = framed("decisions", [decision("H1", "2025-01-01"), decision("K1", "2025-01-01",
                                                                             service="korttid_aldre")])
    findings = new_findings()
    assert check_decisions_without_delivery(decisions, result.counted_visits, result.stays, CATALOG, YEAR,
                                            findings) == 2
    assert check_decisions_without_delivery(decisions, result.counted_visits, result.stays, CATALOG, YEAR,
                                            new_findings(), units={"day"}) == 1


# --- plausibility and period ------------------------------------------------------------------------------------


def test_minutes_implausible_counts_counted_visits_over_the_limit() -> None:
    result, _ = volumes(visits=[visit(minutes=1440), visit(minutes=1500), visit(minutes=2000, date="2024-12-01"),
                                visit(minutes=30)])
    findings = new_findings()
    assert check_minutes_implausible(result.counted_visits, 1440, findings, file=FILES["visits"]) == 1
    assert example(findings, "minutes_implausible") == "visits.csv row 3: hemtjanst 2025-03-01, provider E, 1500 min"
    assert check_minutes_implausible(result.counted_visits, 1500, new_findings()) == 0
    assert check_minutes_implausible(result.counted_visits, 60, new_findings()) == 2


def test_stays_and_decisions_outside_the_period() -> None:
    stays = framed("stays", [stay("1", "2024-01-01", "2024-12-31"), stay("2", "2026-01-01"),
                             stay("3", "2024-01-01"), stay("4", "2024-12-31", "2025-01-01"),
                             stay("5", "2026-02-01", "2024-01-01")])          # ends before it starts: not here
    findings = new_findings()
    assert check_outside_period(stays, "stays", YEAR, findings, file=FILES["stays"]) == 2
    assert example(findings, "stay_outside_period").startswith("stays.csv row 2: korttid_aldre 2024-01-01..2024-12-31")
    decisions = framed("decisions", [decision("D1", "2023-01-01", "2024-06-30"), decision("D2", "2025-12-31")])
    assert check_outside_period(decisions, "decisions", YEAR, findings, file=FILES["decisions"]) == 1
    assert findings.count("decision_outside_period", "decisions") == 1
    inside = framed("decisions", [decision("D2", "2025-12-31"), decision("D3", "2020-01-01")])
    assert check_outside_period(inside, "decisions", YEAR, new_findings()) == 0


# --- control totals ---------------------------------------------------------------------------------------------


def test_control_totals_match_and_mismatch() -> None:
    ledger = framed("ledger", [
        {"date": "2025-01-31", "account": "5010", "responsibility": "1", "activity": "510", "amount": 1000.0},
        {"date": "2025-02-28", "account": "4610", "responsibility": "1", "activity": "510", "amount": -200.0},
        {"date": "2025-02-28", "account": "5010", "responsibility": "1", "activity": " 520 ", "amount": 50.5},
        {"date": "2024-12-31", "account": "5010", "responsibility": "1", "activity": "510", "amount": 9999.0},
    ])
    quality = QualitySection.model_validate({"control_tolerance": 1.0, "control_totals": [
        {"label": "RS 510", "amount": 800.0, "activities": ["510"]},
        {"label": "RS costs", "amount": 1050.0, "account_prefixes": ["5"]},
        {"label": "RS all", "amount": 1000.0},
    ]})
    findings = new_findings()
    assert check_control_totals(ledger, quality, YEAR, findings) == 1
    assert findings.count("control_total_match") == 2
    mismatch = [r for r in findings.rows if r["check"] == "control_total_mismatch"]
    assert len(mismatch) == 1 and mismatch[0]["severity"] == "error" and mismatch[0]["count"] == 1
    assert mismatch[0]["detail"].startswith("RS all (every activity; every account, 3 ledger rows): ledger "
                                            "850.50 kr, stated 1 000.00 kr, difference -149.50 kr")
    assert check_control_totals(ledger, QualitySection(), YEAR, new_findings()) == 0


# --- a whole run: examples carry no identity, results unchanged -------------------------------------------------


def _case(tmp_path: Path, write_case) -> Path:
    ten1 = f"{PNR_M_1941[2:8]}-{PNR_M_1941[8:]}"
    return write_case(
        tmp_path,
        config={"quality": {"control_totals": [
            {"label": "RS 510", "amount": 1000.0, "activities": ["510"]},
            {"label": "RS all", "amount": 2000.0},
        ]}},
        persons=f"personnummer,birth_date,sex\n{PNR_M_1941},,\n{PNR_K_1932},,\n",
        providers="provider_id,name,regi\nP1,Hemtjansten,egen\n",
        decisions=(
            "decision_id,personnummer,service_code,decided_on,start_date,end_date,granted_hours_per_month\n"
            f"D1,{PNR_M_1941},hemtjanst,2024-12-20,2025-01-01,2025-06-30,10\n"
            f"D1,{ten1},trygghetslarm,2024-12-20,2025-01-01,,\n"
            f"D2,{PNR_K_1932},hemtjanst,2025-02-20,2025-03-01,,8\n"
            f"D3,{PNR_K_1932},korttid_aldre,2022-12-20,2023-01-01,2023-12-31,\n"
        ),
        visits=(
            "personnummer,service_code,date,minutes,provider_id,staff_id\n"
            f"{PNR_M_1941},hemtjanst,2025-03-01,60,P1,S1\n"
            f"{ten1},hemtjanst,2025-03-01,60,P1,S1\n"
            f"{PNR_M_1941},hemtjanst,2025-08-01,30,P1,S1\n"
            f"{PNR_M_1941},hemtjanst,2025-04-02,1500,P1,S2\n"
            f"{PNR_K_1932},hemtjanst,2024-12-30,30,P1,S1\n"
        ),
        stays=(
            "stay_id,personnummer,service_code,start_date,end_date,provider_id\n"
            f"S1,{PNR_K_1932},korttid_aldre,2025-02-01,2025-02-10,P1\n"
            f"S1,{PNR_K_1932},korttid_aldre,2026-02-01,2026-02-10,P1\n"
        ),
        ledger=(
            "date,account,responsibility,activity,amount\n"
            "2025-03-31,5010,100,510,1000.00\n"
            "2025-03-31,5010,100,520,500.00\n"
            "2025-04-30,5010,100,530,250.00\n"
        ),
        ledger_rules=(
            "activity,account_prefix,responsibility,target,kind\n"
            "510,,,service:hemtjanst:egen,cost\n"
            "520,,,service:korttid_aldre:egen,cost\n"
        ),
    )


def test_a_run_reports_every_new_check_with_file_rows_and_no_identity(tmp_path, write_case) -> None:
    config = load_client_config(_case(tmp_path, write_case))
    data = ingest(config)
    dq = run_model(data, config).data_quality
    counts = dq.groupby(["check", "table"])["count"].sum()
    assert counts[("duplicate_visits", "visits")] == 1
    assert counts[("duplicate_decision_id", "decisions")] == 1
    assert counts[("duplicate_stay_id", "stays")] == 1
    assert counts[("visit_without_decision", "visits")] == 1
    assert counts[("decision_without_delivery", "decisions")] == 1
    assert counts[("minutes_implausible", "visits")] == 1
    assert counts[("stay_outside_period", "stays")] == 1
    assert counts[("decision_outside_period", "decisions")] == 1
    assert counts[("control_total_match", "ledger")] == 1
    assert counts[("control_total_mismatch", "ledger")] == 1
    assert counts[("ledger_unmapped", "ledger")] == 1
    examples = dq.set_index("check")["example"]
    assert examples["duplicate_visits"] == "visits.csv row 3: hemtjanst 2025-03-01, provider P1, 60 min, staff S1"
    assert examples["visit_without_decision"] == "visits.csv row 4: hemtjanst 2025-08-01, provider P1, 30 min"
    assert examples["minutes_implausible"] == "visits.csv row 5: hemtjanst 2025-04-02, provider P1, 1500 min"
    assert examples["visit_outside_period"].startswith("visits.csv row 6: hemtjanst 2024-12-30")
    assert examples["decision_without_delivery"].startswith("decisions.csv row 4: hemtjanst 2025-03-01..open")
    assert examples["duplicate_decision_id"].startswith("decisions.csv row 3: trygghetslarm")
    assert examples["duplicate_stay_id"].startswith("stays.csv row 3: ")
    assert examples["stay_outside_period"].startswith("stays.csv row 3: korttid_aldre 2026-02-01..2026-02-10")
    assert examples["ledger_unmapped"].startswith("ledger.csv row 4: 2025-04-30, activity 530")
    ids = set(data.persons["person_id"].dropna())
    assert len(ids) == 2
    for text in [*dq["example"], *dq["detail"]]:
        assert not PNR_LIKE.search(str(text)), text
        assert not any(pid in str(text) for pid in ids), text


def test_the_checks_change_no_result_but_data_quality(tmp_path, write_case, monkeypatch) -> None:
    config = load_client_config(_case(tmp_path, write_case))
    data = ingest(config)
    before = {name: frame.copy(deep=True) for name, frame in data.tables().items()}
    with_checks = run_model(data, config)
    for name, frame in data.tables().items():
        pd.testing.assert_frame_equal(frame, before[name])  # the canonical tables are left as they were
    monkeypatch.setattr(kpbkit.model, "run_quality_checks", lambda *args: None)
    without = run_model(data, config)
    for name in ("person_costs", "unit_costs", "reconciliation", "kpis", "deliveries", "granted", "stays",
                 "counted_visits"):
        pd.testing.assert_frame_equal(getattr(with_checks, name), getattr(without, name), obj=name)
    assert len(with_checks.data_quality) > len(without.data_quality)


# --- plausibility (issue 12) ---------------------------------------------------------------------------------------


def _ledger_row(date: str, amount: float, activity: str = "510") -> dict:
    return {"date": date, "account": "5010", "responsibility": "1", "activity": activity, "amount": amount}


def test_population_negative_counts_and_ages_over_110() -> None:
    population = framed("population", [
        {"year": 2025, "age": 84, "sex": "M", "count": 101.0},
        {"year": 2025, "age": 85, "sex": "K", "count": -7.0},
        {"year": 2025, "age": 110, "sex": "K", "count": 2.0},     # 110 is plausible
        {"year": 2025, "age": 111, "sex": "K", "count": 1.0},
        {"year": 2025, "age": 30, "sex": "M", "count": 0.0},      # zero is not negative
    ])
    findings = new_findings()
    assert check_population_plausible(population, "population", findings, file=FILES["population"]) == 2
    assert findings.count("population_count_negative", "population") == 1
    assert findings.count("population_age_implausible", "population") == 1
    assert example(findings, "population_count_negative") == "population.csv row 3: year 2025, age 85, sex K, count -7"
    assert example(findings, "population_age_implausible").startswith("population.csv row 5: year 2025, age 111")
    assert [r["severity"] for r in findings.rows] == ["warning", "warning"]
    forecast = new_findings()
    check_population_plausible(population, "population_forecast", forecast)
    assert forecast.count("population_count_negative", "population_forecast") == 1
    assert check_population_plausible(population.iloc[[0, 2, 4]], "population", new_findings()) == 0
    assert check_population_plausible(framed("population", []), "population", new_findings()) == 0


def test_persons_over_110_at_the_period_end_cite_a_delivery_row() -> None:
    persons = table("persons", [
        {"person_id": "p_old_7", "birth_date": "1914-12-31", "sex": "K"},  # 111 on 2025-12-31
        {"person_id": "p_edge", "birth_date": "1915-01-01", "sex": "K"},   # 110 on 2025-12-31: plausible
        {"person_id": "p_young", "birth_date": "1941-01-01", "sex": "M"},
        {"person_id": "p_unknown", "birth_date": None, "sex": None},
    ])
    visits = framed("visits", [visit(person="p_young"), visit(person="p_old_7", date="2025-05-02")])
    findings = new_findings()
    deliveries = [(visits, "visits", FILES["visits"])]
    assert check_person_ages(persons, YEAR, findings, deliveries=deliveries, file=FILES["persons"]) == 1
    assert example(findings, "person_age_implausible") == "visits.csv row 3: hemtjanst 2025-05-02, provider E, 60 min"
    row = findings.rows[0]
    assert row["table"] == "persons" and row["severity"] == "warning" and "oldest 111" in row["detail"]
    assert "p_old_7" not in row["example"] + row["detail"]
    half = Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30))  # the age at the period's end: 110 on 2025-06-30
    assert check_person_ages(persons, half, new_findings(), deliveries=deliveries) == 0
    alone = new_findings()  # no delivery row: the persons file is named
    assert check_person_ages(persons, YEAR, alone, file=FILES["persons"]) == 1
    assert example(alone, "person_age_implausible") == "persons.csv"


def test_granted_hours_over_744_a_month() -> None:
    decisions = framed("decisions", [
        decision("D1", "2025-01-01", hours=744), decision("D2", "2025-01-01", hours=800),
        decision("D3", "2025-02-01", hours=None), decision("D4", "2025-01-01", hours=9000),
    ])
    findings = new_findings()
    assert check_granted_hours_implausible(decisions, findings, file=FILES["decisions"]) == 2
    assert example(findings, "granted_hours_implausible") == (
        "decisions.csv row 3: hemtjanst 2025-01-01..open, decision D2, provider empty, 800 h/month")
    assert "up to 9000" in findings.rows[0]["detail"]
    assert check_granted_hours_implausible(decisions.iloc[[0, 2]], new_findings()) == 0


def test_ledger_rows_of_a_billion_kronor_or_more() -> None:
    ledger = framed("ledger", [_ledger_row("2025-01-31", 999_999_999.99), _ledger_row("2025-02-28", 1e9),
                               _ledger_row("2025-03-31", -2.5e9), _ledger_row("2024-12-31", 5.0)])
    findings = new_findings()
    assert check_ledger_amount_implausible(ledger, findings, file=FILES["ledger"]) == 2
    assert example(findings, "ledger_amount_implausible") == (
        "ledger.csv row 3: 2025-02-28, activity 510, account 5010, responsibility 1, 1 000 000 000.00 kr")
    assert "-1 500 000 000.00 kr in all" in findings.rows[0]["detail"]
    assert not PNR_LIKE.search(findings.rows[0]["detail"] + findings.rows[0]["example"])
    assert check_ledger_amount_implausible(ledger.iloc[[0, 3]], new_findings()) == 0


def test_a_ledger_without_a_row_in_the_period_stops_the_run() -> None:
    outside = framed("ledger", [_ledger_row("2024-03-31", 10.0), _ledger_row("2026-01-01", 5.0)])
    with pytest.raises(InputError) as caught:
        require_ledger_in_period(outside, YEAR, file=FILES["ledger"])
    message = str(caught.value)
    assert message.startswith("file in/ledger.csv: no ledger row is dated in the period 2025 "
                              "(2025-01-01 to 2025-12-31)")
    assert "its 2 rows are dated 2024-03-31 to 2026-01-01" in message and "How to fix: export the ledger" in message
    with pytest.raises(InputError, match="the ledger has no rows"):
        require_ledger_in_period(framed("ledger", []), YEAR, file=FILES["ledger"])
    one_inside = framed("ledger", [_ledger_row("2024-03-31", 10.0), _ledger_row("2025-12-31", 5.0)])
    require_ledger_in_period(one_inside, YEAR, file=FILES["ledger"])  # some rows outside: only a finding


def test_a_run_reports_the_plausibility_findings_and_stops_without_ledger_rows(tmp_path, write_case) -> None:
    config = load_client_config(write_case(
        tmp_path,
        persons="person_id,birth_date,sex\np1,1941-01-01,M\np2,1900-06-01,K\n",
        visits="person_id,service_code,date,minutes,provider_id\np1,hemtjanst,2025-03-01,60,P1\n"
               "p2,hemtjanst,2025-03-02,30,P1\n",
        decisions="decision_id,person_id,service_code,start_date,granted_hours_per_month\n"
                  "D1,p1,hemtjanst,2025-01-01,800\n",
        population="year,age,sex,count\n2025,84,M,-3\n2025,120,K,4\n",
        ledger="date,account,responsibility,activity,amount\n2025-03-31,5010,100,510,2000000000\n",
    ))
    dq = run_model(ingest(config), config).data_quality.set_index("check")
    assert dq.loc["population_count_negative", "example"] == "population.csv row 2: year 2025, age 84, sex M, count -3"
    assert dq.loc["population_age_implausible", "example"].startswith("population.csv row 3: year 2025, age 120")
    assert dq.loc["person_age_implausible", "example"].startswith("visits.csv row 3: hemtjanst 2025-03-02")
    assert dq.loc["granted_hours_implausible", "example"].startswith("decisions.csv row 2: hemtjanst")
    assert dq.loc["ledger_amount_implausible", "example"].endswith("2 000 000 000.00 kr")
    assert set(dq.loc[["population_count_negative", "population_age_implausible", "person_age_implausible",
                       "granted_hours_implausible", "ledger_amount_implausible"], "severity"]) == {"warning"}
    moved = load_client_config(write_case(
        tmp_path / "moved", ledger="date,account,responsibility,activity,amount\n2024-03-31,5010,100,510,100\n"))
    with pytest.raises(InputError, match=r"no ledger row is dated in the period 2025 .*2024-03-31 to 2024-03-31"):
        run_model(ingest(moved), moved)


def test_every_plausibility_check_has_a_swedish_name_and_guidance() -> None:
    from kpbkit import labels
    from kpbkit.labels import kvalitet

    for check in ("population_count_negative", "population_age_implausible", "person_age_implausible",
                  "granted_hours_implausible", "ledger_amount_implausible"):
        assert check in labels.CHECKS and kvalitet.guidance(check) != kvalitet.GENERIC_GUIDANCE, check
