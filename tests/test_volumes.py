"""Volume rules of KPB-METHOD §4: hours, days, weekdays, months, granted hours and the settled edge cases."""

from __future__ import annotations

import pandas as pd
import pytest
from frames import CATALOG, YEAR, new_findings, providers, table

from kpbkit.model.volumes import compute_volumes

PROVIDERS = providers(("E", "egen"), ("X", "extern"), ("Y", "extern"))


def run(visits=(), stays=(), decisions=(), prov=PROVIDERS, period=YEAR):
    findings = new_findings()
    result = compute_volumes(
        visits=table("visits", list(visits)),
        stays=table("stays", list(stays)),
        decisions=table("decisions", list(decisions)),
        providers=prov,
        catalog=CATALOG,
        period=period,
        findings=findings,
    )
    return result, findings


def volume(result, person: str, service: str, regi: str | None = None) -> float:
    d = result.deliveries
    sel = (d["person_id"] == person) & (d["service_code"] == service)
    if regi:
        sel &= d["regi"] == regi
    return float(d.loc[sel, "volume"].sum())


def visit(person="a", service="hemtjanst", date="2025-03-01", minutes=60, provider="E", staff=None):
    return {"person_id": person, "service_code": service, "date": date, "minutes": minutes,
            "provider_id": provider, "staff_id": staff}


def stay(stay_id, start, end=None, person="a", service="hvb", provider="X", price=None):
    return {"stay_id": stay_id, "person_id": person, "service_code": service, "start_date": start,
            "end_date": end, "provider_id": provider, "daily_price": price}


def decision(decision_id, start, end=None, person="a", service="trygghetslarm", hours=None, provider=None):
    return {"decision_id": decision_id, "person_id": person, "service_code": service, "decided_on": start,
            "start_date": start, "end_date": end, "granted_hours_per_month": hours, "provider_id": provider}


# --- hours -----------------------------------------------------------------------------------------

def test_hours_are_minutes_over_60_per_provider_regi_and_visits_outside_period_ignored() -> None:
    result, findings = run(visits=[
        visit(minutes=90), visit(minutes=30, date="2025-12-31"), visit(minutes=45, provider="X"),
        visit(minutes=600, date="2024-12-31"), visit(minutes=600, date="2026-01-01"),
    ])
    assert volume(result, "a", "hemtjanst", "egen") == pytest.approx(2.0)
    assert volume(result, "a", "hemtjanst", "extern") == pytest.approx(0.75)
    assert findings.count("visit_outside_period") == 2


def test_visits_left_out_are_findings_not_volume() -> None:
    result, findings = run(visits=[
        visit(minutes=0), visit(minutes=-30), visit(minutes=None),           # minutes <= 0 / empty
        visit(service="gruppbostad"),                                          # a visit of a day service
        visit(service="no_such_service"),                                      # unknown code
        visit(provider="NOPE"),                                                # unknown provider
        visit(provider=None, minutes=120),                                     # empty provider: egen
    ])
    assert findings.count("minutes_not_positive") == 3
    assert findings.count("wrong_table_for_unit") == 1
    assert findings.count("service_unknown") == 1
    assert findings.count("provider_unknown") == 1
    assert findings.count("provider_missing") == 1
    assert len(result.deliveries) == 1
    assert volume(result, "a", "hemtjanst", "egen") == pytest.approx(2.0)


# --- days and overlaps ----------------------------------------------------------------------------

def test_days_inclusive_clipped_to_period_and_open_end_is_ongoing() -> None:
    result, _ = run(stays=[
        stay("1", "2025-03-01", "2025-03-10", person="a"),
        stay("2", "2024-12-20", "2025-01-05", person="b"),
        stay("3", "2025-12-01", None, person="c"),
        stay("4", "2024-01-01", "2024-12-31", person="d"),
    ])
    assert volume(result, "a", "hvb") == 10
    assert volume(result, "b", "hvb") == 5
    assert volume(result, "c", "hvb") == 31
    assert volume(result, "d", "hvb") == 0  # no row at all without volume
    assert "d" not in set(result.deliveries["person_id"])


def test_overlapping_stays_count_each_day_once_and_the_later_start_wins() -> None:
    # Stay 1 all year at X; stay 2 (later start) in March at Y: March belongs to 2 and its provider.
    result, findings = run(stays=[
        stay("1", "2025-01-01", "2025-12-31", provider="X"),
        stay("2", "2025-03-01", "2025-03-31", provider="E"),
    ])
    assert volume(result, "a", "hvb", "egen") == 31
    assert volume(result, "a", "hvb", "extern") == 365 - 31
    assert volume(result, "a", "hvb") == 365
    assert findings.count("overlapping_stays") == 2


def test_overlap_tie_on_start_goes_to_larger_stay_id_as_text() -> None:
    # "9" > "10" as text, so stay "9" owns the shared days.
    result, _ = run(stays=[
        stay("10", "2025-05-01", "2025-05-31", provider="X"),
        stay("9", "2025-05-01", "2025-05-10", provider="E"),
    ])
    assert volume(result, "a", "hvb", "egen") == 10
    assert volume(result, "a", "hvb", "extern") == 21


def test_overlap_uses_the_original_start_even_before_the_period() -> None:
    # Both start before 2025: the one that started later (2024-06-01) owns every shared day.
    result, _ = run(stays=[
        stay("A", "2024-01-01", None, provider="X"),
        stay("B", "2024-06-01", "2025-01-31", provider="E"),
    ])
    assert volume(result, "a", "hvb", "egen") == 31
    assert volume(result, "a", "hvb", "extern") == 334


def test_same_day_transfer_counts_in_both_services() -> None:
    result, _ = run(stays=[
        stay("1", "2025-01-01", "2025-01-10", service="hvb"),
        stay("2", "2025-01-10", "2025-01-20", service="familjehem", provider="E"),
    ])
    assert volume(result, "a", "hvb") == 10
    assert volume(result, "a", "familjehem") == 11


def test_overlaps_are_per_person_and_service() -> None:
    result, findings = run(stays=[
        stay("1", "2025-01-01", "2025-01-31", person="a"),
        stay("2", "2025-01-01", "2025-01-31", person="b"),
        stay("3", "2025-01-01", "2025-01-31", person="a", service="sis"),
    ])
    assert volume(result, "a", "hvb") == 31 and volume(result, "b", "hvb") == 31 and volume(result, "a", "sis") == 31
    assert findings.count("overlapping_stays") == 0


def test_weekday_services_count_monday_to_friday_after_overlaps() -> None:
    result, _ = run(stays=[
        stay("1", "2025-12-22", "2025-12-28", service="daglig_verksamhet", provider="E"),  # Mon..Sun
        stay("2", "2025-12-27", "2025-12-31", service="daglig_verksamhet", provider="X"),  # Sat..Wed
    ])
    # stay 2 owns 27-31 (Sat, Sun, Mon, Tue, Wed): 3 weekdays; stay 1 keeps 22-26: 5 weekdays
    assert volume(result, "a", "daglig_verksamhet", "egen") == 5
    assert volume(result, "a", "daglig_verksamhet", "extern") == 3


def test_rows_left_out_are_removed_before_overlaps_are_resolved() -> None:
    # The later stay is at an unknown provider: it is left out, so it cannot take days from stay 1.
    result, findings = run(stays=[
        stay("1", "2025-01-01", "2025-01-31", provider="X"),
        stay("2", "2025-01-10", "2025-01-20", provider="UNKNOWN"),
        stay("3", "2025-01-15", "2025-01-05", provider="E"),  # ends before it starts
    ])
    assert volume(result, "a", "hvb", "extern") == 31
    assert findings.count("provider_unknown") == 1
    assert findings.count("end_before_start") == 1


def test_stays_of_hour_or_month_services_are_in_the_wrong_table() -> None:
    result, findings = run(stays=[stay("1", "2025-01-01", "2025-01-31", service="hemtjanst")])
    assert len(result.deliveries) == 0
    assert findings.count("wrong_table_for_unit", "stays") == 1


def test_price_weight_uses_days_inside_period_after_overlaps() -> None:
    result, findings = run(stays=[
        stay("1", "2024-12-01", "2025-01-31", provider="X", price=1000),
        stay("2", "2025-01-21", "2025-01-31", provider="X", price=3000),
        stay("3", "2025-02-01", "2025-02-28", provider="X", price=0),
    ])
    d = result.deliveries
    assert float(d["price_weight"].sum()) == pytest.approx(20 * 1000 + 11 * 3000)
    assert float(d["priced_volume"].sum()) == 31
    assert findings.count("daily_price_not_positive") == 1


# --- months and granted hours ---------------------------------------------------------------------

def test_month_volume_is_fractions_of_months() -> None:
    result, _ = run(decisions=[
        decision("1", "2024-05-01", None, person="a"),
        decision("2", "2025-02-15", "2025-03-31", person="b"),
        decision("3", "2025-07-01", "2025-12-31", person="c", service="kontaktperson"),
    ])
    assert volume(result, "a", "trygghetslarm") == pytest.approx(12.0)
    assert volume(result, "b", "trygghetslarm") == pytest.approx(14 / 28 + 1)
    assert volume(result, "c", "kontaktperson") == pytest.approx(6.0)


def test_month_decisions_overlap_like_stays_with_decision_id_ties_and_regi_from_decision() -> None:
    result, _ = run(decisions=[
        decision("1", "2025-01-01", "2025-12-31", provider="X"),
        decision("2", "2025-04-01", "2025-06-30", provider=None),  # no provider: egen
    ])
    assert volume(result, "a", "trygghetslarm", "egen") == pytest.approx(3.0)
    assert volume(result, "a", "trygghetslarm", "extern") == pytest.approx(9.0)


def test_month_decision_at_unknown_provider_is_left_out() -> None:
    result, findings = run(decisions=[decision("1", "2025-01-01", None, provider="NOPE")])
    assert len(result.deliveries) == 0
    assert findings.count("provider_unknown", "decisions") == 1


def test_granted_hours_prorated_overlapping_decisions_add_up_and_empty_counts_zero() -> None:
    result, _ = run(decisions=[
        decision("1", "2025-01-01", "2025-06-30", service="hemtjanst", hours=20),
        decision("2", "2025-04-01", "2025-12-31", service="hemtjanst", hours=10, provider="NOPE"),
        decision("3", "2025-02-01", "2025-02-28", service="hemtjanst", hours=None, person="b"),
        decision("4", "2024-01-01", "2024-12-31", service="hemtjanst", hours=50, person="c"),  # not active
        decision("5", "2025-03-01", "2025-02-01", service="hemtjanst", hours=50, person="d"),  # ends before start
    ])
    g = result.granted.set_index("person_id")["granted_hours"]
    assert g["a"] == pytest.approx(20 * 6 + 10 * 9)
    assert g["b"] == 0  # counts as 0, but the person has an active decision
    assert "c" not in g.index and "d" not in g.index


def test_granted_hours_of_a_partial_period() -> None:
    import datetime as dt

    from kpbkit.period import Period

    half = Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    result, _ = run(decisions=[decision("1", "2024-01-01", None, service="hemtjanst", hours=30)], period=half)
    assert result.granted["granted_hours"].iloc[0] == pytest.approx(180.0)


def test_no_inputs_gives_empty_deliveries() -> None:
    result, _ = run()
    assert len(result.deliveries) == 0 and len(result.granted) == 0
    assert isinstance(result.deliveries, pd.DataFrame)


def test_unpriced_stay_in_a_priced_pool_is_a_finding() -> None:
    _, findings = run(stays=[
        stay("1", "2025-01-01", "2025-01-31", price=4000),
        stay("2", "2025-01-01", "2025-01-31", person="b"),                          # unpriced, same pool
        stay("3", "2025-01-01", "2025-01-31", person="c", provider="E"),            # unpriced, pool without prices
    ])
    assert findings.count("daily_price_missing") == 1
