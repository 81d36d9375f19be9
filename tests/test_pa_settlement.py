"""The personal-assistance six-month report on a small hand-made case, every number worked out by hand.

Period 2025 (H1 = January–June, 181 days; H2 = July–December, 184 days). A test FK rate of 300 kr per hour
(not a real year's rate), shortfall threshold 0.9, rate margin 0.12 → the raised-rate limit is 336 kr/h.
KPB cost per hour: pa_sfb egen 320 kr, pa_sfb extern 350 kr, pa_lss egen 400 kr.

A  pa_sfb egen. Decision 700 h/month from 2025-01-01, open; a second one of 70 h/month in December
   (overlapping decisions add up; the December days count once).
   Delivered: January 620 h, February–June 700 h each, July–December 800 h each.
   H1: G = 6 × 700 = 4 200, D = 620 + 5 × 700 = 4 120, days 181 → S = min(4 200, 20 × 181 / 7) = 3 620 / 7
       = 517.142857; R = min(4 120, 4 200) − S = 4 120 − 3 620 / 7 = 25 220 / 7 = 3 602.857143.
       D / G = 0.98 ≥ 0.9: no shortfall (but January alone, 620 < 0.9 × 700 = 630, is short).
   H2: G = 6 × 700 + 70 = 4 270, D = 4 800 > G → above granted; S = 20 × 184 / 7 = 3 680 / 7 = 525.714286;
       R = 4 270 − 3 680 / 7 = 26 210 / 7 = 3 744.285714.
   Cost 320 kr/h ≤ 336: no raised rate. Year: cost 8 920 × 320 = 2 854 400; R = (25 220 + 26 210) / 7.
B  pa_sfb extern. Decision 100 h/month 2025-04-16..2025-09-30. Delivered April 50, May–August 100, September 60.
   April: G = 100 × 15 / 30 = 50, 15 days. H1: G = 250, D = 250, days 15 + 31 + 30 = 76,
       S = min(250, 20 × 76 / 7 = 1 520 / 7) = 217.142857, R = 250 − 1 520 / 7 = 230 / 7 = 32.857143.
   H2: G = 300, D = 260 (< 0.9 × 300 = 270: shortfall), days 92, S = 1 840 / 7 = 262.857143,
       R = max(0, 260 − 1 840 / 7) = 0. Months: July S = 620 / 7, R = 100 − 620 / 7 = 80 / 7; August adds the same;
       September brings the period to R = 0, so it takes back 160 / 7 (reimbursement +160 / 7 × 300).
   Cost 350 kr/h > 336: raised-rate candidate on every row with delivery.
C  pa_sfb egen, 60 h/month all year (under 20 h a week): S = G every period, R = 0. Delivered 40 h/month:
   40 < 54 → shortfall. H1: G = 360, S = min(360, 3 620 / 7 = 517.1) = 360.
D  pa_lss egen, 50 h/month, delivered 50 h/month: no reimbursement, no share, cost 400 kr/h but no raised-rate
   flag (FK does not pay pa_lss).
E  pa_sfb egen visits (10 h in March) without any decision: G = 0, S = min(0, 0) = 0, R = 0, above granted.
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest

from kpbkit.config import load_client_config
from kpbkit.errors import ConfigError
from kpbkit.model.pa_settlement import COLUMNS, current_settlement_label, pa_unit_costs, six_month_report
from kpbkit.period import Period

RATE = 300.0
PERIOD = Period.year(2025)
UNIT_COSTS = pd.DataFrame({"service_code": ["pa_sfb", "pa_sfb", "pa_lss"], "regi": ["egen", "extern", "egen"],
                           "cost_per_hour": [320.0, 350.0, 400.0]})


def decisions() -> pd.DataFrame:
    frame = pd.DataFrame([
        ("A1", "A", "pa_sfb", "2025-01-01", None, 700.0),
        ("A2", "A", "pa_sfb", "2025-12-01", "2025-12-31", 70.0),
        ("B1", "B", "pa_sfb", "2025-04-16", "2025-09-30", 100.0),
        ("C1", "C", "pa_sfb", "2025-01-01", None, 60.0),
        ("D1", "D", "pa_lss", "2025-01-01", None, 50.0),
        ("H1", "A", "hemtjanst", "2025-01-01", None, 30.0),  # another service: ignored
    ], columns=["decision_id", "person_id", "service_code", "start_date", "end_date", "granted_hours_per_month"])
    for col in ("start_date", "end_date"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def visits() -> pd.DataFrame:
    rows = [("A", "pa_sfb", 1, 620, "egen")]
    rows += [("A", "pa_sfb", m, 700, "egen") for m in range(2, 7)]
    rows += [("A", "pa_sfb", m, 800, "egen") for m in range(7, 13)]
    rows += [("B", "pa_sfb", m, h, "extern") for m, h in ((4, 50), (5, 100), (6, 100), (7, 100), (8, 100), (9, 60))]
    rows += [("C", "pa_sfb", m, 40, "egen") for m in range(1, 13)]
    rows += [("D", "pa_lss", m, 50, "egen") for m in range(1, 13)]
    rows += [("E", "pa_sfb", 3, 10, "egen"), ("A", "hemtjanst", 3, 5, "egen")]
    frame = pd.DataFrame(rows, columns=["person_id", "service_code", "month", "hours", "regi"])
    # two visits per month (the 5th and the 20th) so that sums are exercised, minutes as registered
    halves = [frame.assign(date=pd.to_datetime({"year": 2025, "month": frame["month"], "day": day}),
                           minutes=frame["hours"] * 60 / 2) for day in (5, 20)]
    return pd.concat(halves, ignore_index=True)[["person_id", "service_code", "date", "minutes", "regi"]]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return six_month_report(decisions(), visits(), UNIT_COSTS, period=PERIOD, fk_hourly_rates={2025: RATE},
                            shortfall_threshold=0.9, rate_margin=0.12)


def row(table: pd.DataFrame, person: str, period: str) -> pd.Series:
    sel = table[(table["person_id"] == person) & (table["period"] == period)]
    assert len(sel) == 1, (person, period)
    return sel.iloc[0]


def flags(r: pd.Series) -> tuple[bool, bool, bool]:
    return bool(r["flag_shortfall"]), bool(r["flag_above_granted"]), bool(r["flag_raised_rate"])


def test_columns_rows_and_labels(table: pd.DataFrame) -> None:
    assert list(table.columns) == COLUMNS
    counts = table.groupby(["person_id", "row_type"]).size().unstack(fill_value=0)
    assert counts.loc["A"].to_dict() == {"month": 12, "settlement_period": 2, "year": 1}
    assert counts.loc["B"].to_dict() == {"month": 6, "settlement_period": 2, "year": 1}
    assert counts.loc["E"].to_dict() == {"month": 1, "settlement_period": 1, "year": 1}
    assert set(table["service_code"]) == {"pa_sfb", "pa_lss"}  # hemtjänst is not personal assistance
    h2 = row(table, "A", "2025-07–2025-12")
    assert h2["row_type"] == "settlement_period" and h2["current_settlement_period"]
    assert (h2["period_start"], h2["period_end"]) == (pd.Timestamp("2025-07-01"), pd.Timestamp("2025-12-31"))
    assert not row(table, "A", "2025-01–2025-06")["current_settlement_period"]
    assert row(table, "A", "2025-03")["settlement_period"] == "2025-01–2025-06"
    assert row(table, "A", "2025-09")["current_settlement_period"]
    assert current_settlement_label(PERIOD) == "2025-07–2025-12"


def test_case_a_egen_with_overlapping_decisions(table: pd.DataFrame) -> None:
    h1 = row(table, "A", "2025-01–2025-06")
    assert h1["granted_hours"] == pytest.approx(4200)
    assert h1["delivered_hours"] == pytest.approx(4120)
    assert h1["days"] == 181
    assert h1["municipal_share_hours"] == pytest.approx(3620 / 7)
    assert h1["reimbursed_hours"] == pytest.approx(25220 / 7)
    assert h1["fk_rate"] == RATE
    assert h1["reimbursement"] == pytest.approx(-25220 / 7 * 300)  # −1 080 857,14 kr
    assert h1["municipal_share"] == pytest.approx(3620 / 7 * 300)  # 155 142,86 kr
    assert h1["cost"] == pytest.approx(4120 * 320)  # 1 318 400 kr
    assert h1["net_cost"] == pytest.approx(4120 * 320 - 25220 / 7 * 300)
    assert h1["delivery_ratio"] == pytest.approx(4120 / 4200)
    assert flags(h1) == (False, False, False)
    january = row(table, "A", "2025-01")
    assert january["granted_hours"] == pytest.approx(700) and january["delivered_hours"] == pytest.approx(620)
    assert january["municipal_share_hours"] == pytest.approx(20 * 31 / 7)
    assert january["reimbursed_hours"] == pytest.approx(620 - 620 / 7)
    assert flags(january) == (True, False, False)  # 620 < 630

    h2 = row(table, "A", "2025-07–2025-12")
    assert h2["granted_hours"] == pytest.approx(4270)
    assert h2["delivered_hours"] == pytest.approx(4800)
    assert h2["days"] == 184
    assert h2["municipal_share_hours"] == pytest.approx(3680 / 7)
    assert h2["reimbursed_hours"] == pytest.approx(26210 / 7)
    assert h2["reimbursement"] == pytest.approx(-26210 / 7 * 300)
    assert flags(h2) == (False, True, False)
    assert row(table, "A", "2025-12")["granted_hours"] == pytest.approx(770)

    year = row(table, "A", "2025")
    assert year["row_type"] == "year"
    assert year["granted_hours"] == pytest.approx(8470) and year["delivered_hours"] == pytest.approx(8920)
    assert year["municipal_share_hours"] == pytest.approx((3620 + 3680) / 7)
    assert year["reimbursed_hours"] == pytest.approx((25220 + 26210) / 7)
    assert year["cost"] == pytest.approx(2_854_400)
    assert year["cost_per_hour"] == pytest.approx(320)
    assert year["net_cost_per_hour"] == pytest.approx((2_854_400 - 51430 / 7 * 300) / 8920)
    assert flags(year) == (False, True, False)


def test_case_b_extern_partial_month_take_back_and_raised_rate(table: pd.DataFrame) -> None:
    april = row(table, "B", "2025-04")
    assert april["granted_hours"] == pytest.approx(50) and april["days"] == 15
    h1 = row(table, "B", "2025-01–2025-06")
    assert (h1["granted_hours"], h1["delivered_hours"], h1["days"]) == pytest.approx((250, 250, 76))
    assert h1["municipal_share_hours"] == pytest.approx(1520 / 7)
    assert h1["reimbursed_hours"] == pytest.approx(230 / 7)
    assert h1["reimbursement"] == pytest.approx(-230 / 7 * 300)  # −9 857,14 kr
    assert h1["cost"] == pytest.approx(250 * 350)
    assert flags(h1) == (False, False, True)  # 350 > 336

    h2 = row(table, "B", "2025-07–2025-12")
    assert (h2["granted_hours"], h2["delivered_hours"], h2["days"]) == pytest.approx((300, 260, 92))
    assert h2["municipal_share_hours"] == pytest.approx(1840 / 7)
    assert h2["reimbursed_hours"] == 0 and h2["reimbursement"] == 0
    assert h2["net_cost"] == pytest.approx(260 * 350)
    assert flags(h2) == (True, False, True)  # 260 < 270
    july, august, september = (row(table, "B", f"2025-{m:02d}") for m in (7, 8, 9))
    assert july["reimbursed_hours"] == pytest.approx(80 / 7)
    assert august["reimbursed_hours"] == pytest.approx(80 / 7)
    assert september["reimbursed_hours"] == pytest.approx(-160 / 7)
    assert september["reimbursement"] == pytest.approx(160 / 7 * 300)  # taken back
    assert september["municipal_share_hours"] == pytest.approx(20 * 30 / 7)
    assert flags(september) == (True, False, True)  # 60 < 90
    year = row(table, "B", "2025")
    assert (year["period_start"], year["period_end"]) == (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"))
    assert year["reimbursed_hours"] == pytest.approx(230 / 7)


def test_case_c_under_20_hours_a_week_case_d_lss_case_e_without_decision(table: pd.DataFrame) -> None:
    c = row(table, "C", "2025-01–2025-06")
    assert (c["granted_hours"], c["delivered_hours"]) == pytest.approx((360, 240))
    assert c["municipal_share_hours"] == pytest.approx(360)  # min(360, 517.14): the granted hours
    assert c["reimbursed_hours"] == 0 and c["reimbursement"] == 0
    assert c["municipal_share"] == pytest.approx(360 * 300)
    assert flags(c) == (True, False, False)  # 240 < 324
    assert str(c["reimbursement"]) == "0.0"  # no "−0"

    d = row(table, "D", "2025")
    assert (d["granted_hours"], d["delivered_hours"]) == pytest.approx((600, 600))
    assert np.isnan(d["municipal_share_hours"]) and np.isnan(d["municipal_share"]) and np.isnan(d["fk_rate"])
    assert d["reimbursed_hours"] == 0 and d["reimbursement"] == 0
    assert d["cost"] == pytest.approx(600 * 400) and d["net_cost"] == pytest.approx(600 * 400)
    assert flags(d) == (False, False, False)  # 400 kr/h, but FK does not pay pa_lss

    e = row(table, "E", "2025-01–2025-06")
    assert (e["granted_hours"], e["delivered_hours"], e["days"]) == pytest.approx((0, 10, 0))
    assert e["municipal_share_hours"] == 0 and e["reimbursed_hours"] == 0
    assert np.isnan(e["delivery_ratio"])
    assert flags(e) == (False, True, False)


def test_months_add_up_to_their_settlement_period(table: pd.DataFrame) -> None:
    months = table[table["row_type"] == "month"]
    periods = table[table["row_type"] == "settlement_period"].set_index(["person_id", "settlement_period"])
    sums = months.groupby(["person_id", "settlement_period"])[
        ["granted_hours", "delivered_hours", "days", "municipal_share_hours", "reimbursed_hours", "reimbursement",
         "cost", "net_cost"]].sum(min_count=1)
    pd.testing.assert_frame_equal(sums, periods[sums.columns].loc[sums.index], check_names=False, check_dtype=False)


def test_a_missing_rate_is_an_error_naming_the_key_or_left_empty() -> None:
    with pytest.raises(ConfigError) as err:
        six_month_report(decisions(), visits(), UNIT_COSTS, period=PERIOD, fk_hourly_rates={2024: 332.60})
    assert err.value.key == "lss.fk_hourly_rates" and "2025" in err.value.what
    loose = six_month_report(decisions(), visits(), UNIT_COSTS, period=PERIOD, fk_hourly_rates={},
                             require_rates=False)
    sfb = loose[loose["service_code"] == "pa_sfb"]
    assert sfb["fk_rate"].isna().all() and sfb["reimbursement"].isna().all() and sfb["net_cost"].isna().all()
    assert not sfb["flag_raised_rate"].any()
    assert sfb["reimbursed_hours"].notna().all()  # the hours do not need the rate
    only_lss = decisions()[lambda d: d["service_code"] == "pa_lss"]
    assert len(six_month_report(only_lss, visits()[lambda v: v["service_code"] == "pa_lss"], UNIT_COSTS,
                                period=PERIOD, fk_hourly_rates={}))  # pa_lss needs no rate


def test_a_case_may_state_its_own_settlement_start() -> None:
    table = six_month_report(decisions(), visits(), UNIT_COSTS, period=PERIOD, fk_hourly_rates={2025: RATE},
                             settlement_starts={"B": dt.date(2025, 4, 16)})
    b = table[(table["person_id"] == "B") & (table["row_type"] == "settlement_period")]
    assert list(b["period"]) == ["2025-04–2025-09"]
    only = b.iloc[0]
    # one period April–September: G = 550, D = 510, days 168, S = min(550, 480) = 480, R = 510 − 480 = 30
    assert (only["granted_hours"], only["delivered_hours"], only["days"]) == pytest.approx((550, 510, 168))
    assert only["municipal_share_hours"] == pytest.approx(480)
    assert only["reimbursed_hours"] == pytest.approx(30)
    assert not only["current_settlement_period"]  # December is in the next period (2025-10–2026-03)
    a = table[(table["person_id"] == "A") & (table["row_type"] == "settlement_period")]
    assert list(a["period"]) == ["2025-01–2025-06", "2025-07–2025-12"]


def test_unit_costs_are_direct_plus_overhead_per_hour() -> None:
    pc = pd.DataFrame({
        "person_id": ["a", "b", "c", "d"], "service_code": ["pa_sfb", "pa_sfb", "pa_sfb", "gruppbostad"],
        "regi": ["egen", "egen", "extern", "egen"], "volume": [100.0, 300.0, 50.0, 365.0],
        "direct_cost": [30_000.0, 90_000.0, 20_000.0, 1e6], "overhead_cost": [1_500.0, 4_500.0, 1_000.0, 5e4],
    })
    uc = pa_unit_costs(pc).set_index(["service_code", "regi"])["cost_per_hour"]
    assert uc.to_dict() == {("pa_sfb", "egen"): pytest.approx(315.0), ("pa_sfb", "extern"): pytest.approx(420.0)}


def test_empty_input_gives_the_columns() -> None:
    empty = six_month_report(decisions().iloc[:0], visits().iloc[:0], UNIT_COSTS, period=PERIOD, fk_hourly_rates={})
    assert list(empty.columns) == COLUMNS and not len(empty)


# ------------------------------------------------------------------------------------------------ config and run


LSS_CONFIG = {"lss": {"fk_hourly_rates": {2025: RATE}, "shortfall_threshold": 0.9, "rate_margin": 0.12}}
PA_TABLES = {
    "persons": "person_id,birth_date,sex\nA,1980-01-01,K\nB,1990-05-05,M\n",
    "providers": "provider_id,name,regi\nP1,Kommunens assistans,egen\nP2,Assistans AB,extern\n",
    "decisions": (
        "decision_id,person_id,service_code,decided_on,start_date,end_date,granted_hours_per_month,provider_id,level\n"
        "D1,A,pa_sfb,2024-12-01,2025-01-01,,700,P1,\nD2,B,pa_sfb,2025-03-01,2025-04-16,2025-09-30,100,P2,\n"
    ),
    "visits": (
        "person_id,service_code,date,minutes,provider_id\n"
        + "".join(f"A,pa_sfb,2025-{m:02d}-10,{600 * 60},P1\n" for m in range(1, 13))
        + "".join(f"B,pa_sfb,2025-{m:02d}-10,{100 * 60},P2\n" for m in range(5, 10))
    ),
    "ledger": ("date,account,responsibility,activity,amount\n2025-06-30,5010,1,520,2304000.00\n"
               "2025-06-30,4510,2,520,175000.00\n"),
    "ledger_rules": ("activity,account_prefix,responsibility,target,kind\n"
                     "520,,1,service:pa_sfb:egen,cost\n520,,2,service:pa_sfb:extern,cost\n"),
}


def test_config_section_is_validated_and_named(tmp_path, write_case) -> None:
    config = load_client_config(write_case(tmp_path, config=LSS_CONFIG))
    assert config.fk_hourly_rate(2025) == RATE and config.lss.rate_margin == 0.12
    with pytest.raises(ConfigError) as err:
        config.fk_hourly_rate(2026)
    assert err.value.key == "lss.fk_hourly_rates" and "2026" in err.value.what
    defaults = load_client_config(write_case(tmp_path / "plain"))
    assert defaults.lss.fk_hourly_rates == {} and defaults.lss.shortfall_threshold == 0.9
    for bad, key in (({"fk_hourly_rates": {2025: -1}}, "lss.fk_hourly_rates[2025]"),
                     ({"fk_hourly_rates": [339.3]}, "lss.fk_hourly_rates"),
                     ({"shortfall_threshold": 1.5}, "lss.shortfall_threshold"),
                     ({"rate_margin": -0.1}, "lss.rate_margin"),
                     ({"rate_margins": 0.1}, "lss.rate_margins")):
        with pytest.raises(ConfigError) as err:
            load_client_config(write_case(tmp_path / key, config={"lss": bad}))
        assert f"key '{key}'" in str(err.value), str(err.value)


def test_a_run_writes_the_csv_and_a_filterable_swedish_workbook(tmp_path, write_case) -> None:
    from openpyxl import load_workbook

    from kpbkit.pipeline import run_client

    result = run_client(write_case(tmp_path, config=LSS_CONFIG, **PA_TABLES), progress=lambda *a: None)
    csv = pd.read_csv(result.results_dir / "pa_six_month.csv")
    assert list(csv.columns) == COLUMNS
    a_year = csv[(csv["row_type"] == "year") & (csv["granted_hours"] == 8400)].iloc[0]
    assert a_year["delivered_hours"] == 7200 and a_year["cost"] == pytest.approx(2_304_000)  # the whole pool
    # B delivers 500 h from May (G = 550): H1 G 250, D 200, S = min(250, 1520/7) → R = 0; H2 G 300, D 300,
    # S = 1840/7 → R = 300 − 1840/7 = 260/7
    b_year = csv[(csv["row_type"] == "year") & (csv["granted_hours"] == 550)].iloc[0]
    assert b_year["reimbursed_hours"] == pytest.approx(260 / 7) and b_year["cost_per_hour"] == pytest.approx(350)
    assert b_year["flag_raised_rate"]

    book = load_workbook(result.results_dir / "pa_six_month.xlsx")
    assert book.sheetnames == ["Per månad", "Per avräkningsperiod", "Per år", "Om tabellen"]
    month = book["Per månad"]
    headers = [c.value for c in month[1]]
    assert headers[:4] == ["Brukare (pseudonym)", "Insats", "Period", "Från"]
    assert {"Beviljade timmar", "Utförda timmar", "Assistansersättning, kr", "Kommunens andel, kr",
            "Kandidat för förhöjt timbelopp", "Utfört klart under beviljat"} <= set(headers)
    assert month.freeze_panes == "C2" and month.auto_filter.ref == f"A1:{month.cell(1, len(headers)).column_letter}19"
    assert month.max_row == 1 + 12 + 6  # A all year, B April–September
    col = {h: i + 1 for i, h in enumerate(headers)}
    first = 2
    assert month.cell(first, col["Insats"]).value == "Personlig assistans (SFB)"
    assert month.cell(first, col["Beviljade timmar"]).number_format == "#,##0.0"
    assert month.cell(first, col["Kostnad, kr"]).number_format == '#,##0 "kr"'
    assert month.cell(first, col["FK:s timbelopp, kr"]).number_format == '#,##0.00 "kr"'
    assert month.cell(first, col["Utförandegrad"]).number_format == "0.0%"
    assert month.cell(first, col["Från"]).number_format == "yyyy-mm-dd"
    assert {month.cell(r, col["Utfört över beviljat"]).value for r in range(2, month.max_row + 1)} <= {"Ja", "Nej"}
    assert month.column_dimensions["B"].width >= len("Personlig assistans (SFB)")
    year = book["Per år"]
    assert "Avräkningsperiod" not in [c.value for c in year[1]] and year.max_row == 3
    about = "\n".join(str(r[0].value) for r in book["Om tabellen"].iter_rows())
    assert "300,00 kr" in about and "20 × dagar med beslut ÷ 7" in about


def test_a_run_without_rates_writes_the_table_without_reimbursement(tmp_path, write_case, caplog) -> None:
    from kpbkit.analyses import lss
    from kpbkit.analyses.load import load_results
    from kpbkit.analyses.pa_settlement import read_table
    from kpbkit.pipeline import run_client

    with caplog.at_level(logging.WARNING, logger="kpbkit"):
        result = run_client(write_case(tmp_path, **PA_TABLES), progress=lambda *a: None)
    csv = pd.read_csv(result.results_dir / "pa_six_month.csv")
    assert csv["reimbursement"].isna().all() and csv["granted_hours"].notna().all()
    assert "lss.fk_hourly_rates" in caplog.text
    # the report reading the table stops with the config error, as the computation does
    res = load_results(result.output_dir)
    with pytest.raises(ConfigError) as err:
        lss.six_month(res)
    assert err.value.key == "lss.fk_hourly_rates" and "2025" in err.value.what
    assert str(err.value.file) == str(result.config.path)
    assert read_table(res, require_rates=False)["fk_rate"].isna().all()
    plain = run_client(write_case(tmp_path / "plain"), progress=lambda *a: None)  # no personal assistance at all
    assert pd.read_csv(plain.results_dir / "pa_six_month.csv").empty
    empty = lss.six_month(load_results(plain.output_dir))
    pd.testing.assert_frame_equal(empty, six_month_report(decisions().iloc[:0], visits().iloc[:0], UNIT_COSTS,
                                                          period=PERIOD, fk_hourly_rates={}))


def test_the_report_reads_the_table_the_run_wrote(tmp_path, write_case) -> None:
    from kpbkit.analyses import lss
    from kpbkit.analyses.load import load_results
    from kpbkit.model.pa_settlement import for_run
    from kpbkit.pipeline import run_client

    result = run_client(write_case(tmp_path, config=LSS_CONFIG, **PA_TABLES), progress=lambda *a: None)
    res = load_results(result.output_dir)
    table = lss.six_month(res)
    computed = for_run(res.config, res.decisions, res.counted_visits, res.person_costs)
    assert len(table) == (12 + 2 + 1) + (6 + 2 + 1)   # A: every month, both halves, the year; B: April–September
    pd.testing.assert_frame_equal(table, computed, check_exact=True)   # same values and dtypes
    assert table["settlement_period"].isna().sum() == 0 and (table["row_type"] == "year").sum() == 2
