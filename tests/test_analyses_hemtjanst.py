"""Hemtjänst analyses on a small hand-made run: hours per month, first visit, continuity, providers, Lorenz."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpbkit.analyses import common
from kpbkit.analyses import hemtjanst as h
from kpbkit.analyses.load import load_results
from kpbkit.formats import kr, number, percent
from kpbkit.model.volumes import resolve_overlaps
from kpbkit.pipeline import run_client

PERSONS = "person_id,birth_date,sex\na,1930-05-01,K\nb,1950-01-01,M\nc,1970-01-01,K\n"
PROVIDERS = "provider_id,name,regi\nE,Hemtjänsten Norr,egen\nX,Omsorg AB,extern\n"
DECISIONS = (
    "decision_id,person_id,service_code,decided_on,start_date,end_date,granted_hours_per_month,provider_id\n"
    "d1,a,hemtjanst,2024-12-01,2025-01-01,,20,E\n"      # 12 months
    "d2,b,hemtjanst,2025-03-01,2025-03-01,2025-08-31,10,X\n"  # 6 months, decided in the period
    "d3,c,hemtjanst,2025-06-10,2025-07-01,2025-07-31,5,E\n"   # 1 month
    "d4,c,hemtjanst,2025-07-01,2025-07-16,2025-08-15,4,E\n"   # overlaps d3: adds 15 of August's 31 days
)
VISITS = (
    "person_id,service_code,date,minutes,provider_id,staff_id\n"
    "a,hemtjanst,2025-01-01,600,E,s1\n"   # window 0 (1-14 Jan): s1, s2
    "a,hemtjanst,2025-01-05,600,E,s2\n"
    "a,hemtjanst,2025-01-20,1200,E,s1\n"  # window 1: s1
    "b,hemtjanst,2025-02-20,60,X,x1\n"    # before b's decision: counts in volume, not first visit of d2
    "b,hemtjanst,2025-03-05,120,X,x1\n"   # first visit on/after 2025-03-01: 4 days
    "b,hemtjanst,2025-03-06,60,X,x2\n"
    "c,hemtjanst,2025-06-30,120,E,\n"     # first visit after decided_on 2025-06-10: 20 days; no staff id
    "c,hemtjanst,2025-07-02,0,E,s1\n"     # zero minutes: not counted
)
LEDGER = (
    "date,account,responsibility,activity,amount\n"
    "2025-06-30,5010,1,510,26400.00\n2025-06-30,7010,2,510,2400.00\n"
)
RULES = (
    "activity,account_prefix,responsibility,target,kind\n"
    "510,,2,service:hemtjanst:extern,cost\n510,,,service:hemtjanst:egen,cost\n"
)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hem")
    (folder / "input").mkdir()
    for name, text in {"persons": PERSONS, "providers": PROVIDERS, "decisions": DECISIONS, "visits": VISITS,
                       "ledger": LEDGER, "ledger_rules": RULES}.items():
        (folder / "input" / f"{name}.csv").write_text(text, encoding="utf-8")
    config = folder / "client.yaml"
    config.write_text("client: {id: hem, name: Hemkommun, kommunkod: '0000'}\nperiod: {year: 2025}\n"
                      "input: {folder: input}\noutput: {folder: reports}\n", encoding="utf-8")
    return load_results(run_client(config, progress=lambda *a: None).output_dir)


def test_hours_per_brukare_month_divides_by_decision_months(results) -> None:
    per = h.hours_per_brukare_month(results)["hours_per_month"]
    assert per["a"] == pytest.approx(40 / 12)   # 2400 minutes = 40 h over 12 months
    assert per["b"] == pytest.approx(4 / 6)     # 240 minutes = 4 h (the February visit counts too)
    assert per["c"] == pytest.approx(2 / (1 + 15 / 31))


def test_decision_months_are_the_run_s_with_overlaps_counted_once(results) -> None:
    months = h.decision_months(results)
    assert months.to_dict() == pytest.approx({"a": 12, "b": 6, "c": 1 + 15 / 31})
    # the same numbers as resolving the decisions' overlaps at render time, as the report did before
    d = results.decisions
    d = d[(d["service_code"] == "hemtjanst") & ~(d["end_date"] < d["start_date"])].reset_index(drop=True)
    owned = resolve_overlaps(d, id_column="decision_id", period=results.config.period)
    before = owned["months"].groupby(d["person_id"]).sum().rename("months")
    pd.testing.assert_series_equal(months, before, check_exact=True)


def test_days_to_first_visit_uses_the_first_visit_on_or_after_the_decision(results) -> None:
    days = h.days_to_first_visit(results).set_index("decision_id")["days"]
    assert days.to_dict() == {"d2": 4, "d3": 20}  # d1 was decided before the period


def test_staff_continuity_counts_distinct_staff_per_14_day_window(results) -> None:
    c = h.staff_continuity(results).set_index("regi")["mean_staff"]
    # egen: a has windows {s1, s2} and {s1} -> 2 and 1; c's visit has no staff id, its 0-minute visit is not counted
    assert c["egen"] == pytest.approx(1.5)
    assert c["extern"] == pytest.approx(1.5)   # b: window 3 holds x1 only (20 Feb), window 4 holds x1, x2
    assert c["total"] == pytest.approx((2 + 1 + 1 + 2) / 4)


def test_provider_table_and_regi_comparison(results) -> None:
    p = h.provider_table(results).set_index("provider_id")
    assert p.loc["E", "hours"] == pytest.approx(42) and p.loc["E", "brukare"] == 2
    assert p.loc["X", "hours_per_brukare"] == pytest.approx(4)
    assert p.loc["E", "provider"] == "Hemtjänsten Norr"
    r = h.regi_comparison(results).set_index("regi")
    assert r.loc["egen", "cost_per_hour"] == pytest.approx(26400 / 42)
    assert r.loc["extern", "cost_per_hour"] == pytest.approx(600)


def test_key_figures_come_from_kpis(results) -> None:
    figures = h.key_figures(results).set_index(["kpi", "group"])["value"]
    assert figures[("delivered_hours", "total")] == pytest.approx(46)
    assert figures[("granted_hours", "total")] == pytest.approx(20 * 12 + 10 * 6 + 5 + 4)
    payload = h.key_figures_payload(results)
    assert payload["aldreomsorg/cost_per_hour/total"] == pytest.approx((26400 + 2400) / 46)


def test_lorenz_curve_and_concentration() -> None:
    curve = common.lorenz_curve(pd.Series([10.0, 0.0, 30.0, 60.0]))
    assert curve["share_of_brukare"].tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    assert curve["cumulative_cost_share"].tolist() == pytest.approx([0, 0, 0.1, 0.4, 1.0])


def test_service_mix_shares_sum_to_one(results) -> None:
    mix = common.service_mix(results, "aldreomsorg")
    assert mix["cost_share"].sum() == pytest.approx(1.0)
    assert mix.loc[0, "service_code"] == "hemtjanst" and mix.loc[0, "brukare"] == 3


def test_age_bands_put_unknown_ages_apart() -> None:
    from kpbkit.catalog import parse_age_bands

    bands = parse_age_bands(["0-64", "65-79", "80+"])
    out = common.age_band_labels(pd.Series([64, 65, 80, None], dtype="Int64"), bands)
    assert out.tolist() == ["0-64", "65-79", "80+", common.UNKNOWN]  # a code; the views label it


def test_swedish_formats() -> None:
    assert kr(1234567.5) == "1\u00a0234\u00a0568\u00a0kr"
    assert percent(0.70004) == "70,0\u00a0%"
    assert number(-1.25, 1) == "\u22121,3"
    assert kr(math.nan) == "–"
