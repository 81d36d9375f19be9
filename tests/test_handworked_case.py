"""One small canonical case worked out by hand from the spec (KPB-METHOD.md §4, DATA-CONTRACT.md).

This is an independent check: every expected number below was derived with pencil and paper from the
spec, not from kpbkit's code, and the arithmetic is shown beside it. The case covers all three areas and
most of the settled edge cases; kpbkit runs it end to end through ``run_client``.

Period: calendar year 2025 (2025-01-01..2025-12-31), so ages are completed years on 2025-12-31 and the
population year is 2025.

PERSONS (age on 2025-12-31; band; sex)
  A1 1940-03-15  85  80+    K   hemtjanst egen, trygghetslarm egen + extern (overlapping decisions)
  A2 1945-12-31  80  80+    M   hemtjanst egen AND extern (birthday on period_end: 80 counts as 80+)
  A3 1962-06-01  63  0-64   K   hemtjanst egen (one visit with an empty provider -> egen)
  A4 1955-01-01  70  65-79  M   hemtjanst extern (visits with 0 / negative minutes, one at an unknown provider)
  A5 (empty)      ?  none   K   hemtjanst egen; unknown birth date
  A6 not in persons -> unknown age and sex; hemtjanst extern, no decision
  A7 1930-01-01  95  80+    K   hemtjanst decision (unknown provider), no visit -> not a brukare
  L1 1990-05-05  35  18-64  M   pa_sfb extern + gruppbostad egen (open stay from 2024)
  L2 2010-07-01  15  0-17   K   pa_sfb egen
  L3 1958-02-02  67  65+    K   gruppbostad egen (and a "visit" of gruppbostad: wrong table, left out)
  B1 2012-04-10  13  13-17  M   hvb (priced) -> familjehem same-day transfer on 2025-06-09
  B2 2020-01-15   5  0-6    K   two overlapping priced hvb stays; a third at an unknown provider (left out)
  B3 2005-01-01  20  18-20  M   hvb tie on start date: H9 (price 0 = unpriced) vs H10 (priced); oppenvard_bou
  B4 2015-03-03  10  7-12   K   oppenvard_bou only (tie of two decisions); a hvb stay ending before it starts

VOLUMES
  hemtjanst (hour, from visits dated in 2025 with minutes > 0 at a known provider):
    A1 egen  120 + 60 = 180 min = 3 h        (the 2024-12-31 visit is outside; "fotvard" is an unknown code)
    A2 egen  60 min = 1 h;  A2 extern 180 + 60 = 240 min = 4 h
    A3 egen  90 + 30 + 60 (empty provider -> egen) = 180 min = 3 h
    A4 extern 120 min = 2 h                   (0 and -30 minutes and the PX9 visit are left out)
    A5 egen  60 min = 1 h
    A6 extern 120 min = 2 h                   (the 2026 visit is outside)
    egen = 3 + 1 + 3 + 1 = 8 h; extern = 4 + 2 + 2 = 8 h; total 16 h
    (the stay X1 of hemtjanst is in the wrong table and is left out)
  trygghetslarm (month, from decisions): TD1 2025-02-15..open, no provider -> egen;
    TD2 2025-11-01..2025-11-30 at PH2 (extern) started last, so November belongs to TD2.
    TD1: Feb 15..28 = 14/28 = 0.5, Mar..Oct = 8, Dec = 1 -> 9.5 months egen; TD2: 1 month extern.
  pa_sfb (hour): L1 extern 600 + 1200 min = 30 h; L2 egen 600 min = 10 h; total 40 h
  gruppbostad (day): G1 L1 2024-01-01..open -> 365 days; G2 L3 2025-07-01..09-30 = 31+31+30 = 92; total 457
  hvb (day, all at PB1 extern):
    H1 B1 2025-01-01..06-09 = 31+28+31+30+31+9 = 160 days at 3000
    H2 B2 2025-03-01..03-31 and H3 B2 2025-03-21..04-09: H3 started last and owns 03-21..04-09:
       H2 = 03-01..03-20 = 20 days at 4000; H3 = 11 + 9 = 20 days at 5000. (H7 at unknown PX9 is removed
       before overlaps are resolved, so it does not take 04-01..04-09 from H3.)
    H9 vs H10, both start 2025-10-01: the larger stay_id AS TEXT wins: "H9" > "H10", so H9 owns
       10-01..10-31 = 31 days; H9's price 0 counts as unpriced; H10 keeps 0 days.
    (H5 of B4 ends before it starts: left out.)
    hvb days = 160 + 40 + 31 = 231
  familjehem (day): F1 B1 2025-06-09..open = 22 (Jun 9..30) + 184 (Jul..Dec) = 206 days, egen, unpriced
    The transfer day 2025-06-09 counts in both hvb and familjehem: B1 care days = 160 + 206 = 366.
  oppenvard_bou (month): OD1 B3 2025-01-01..03-31 = 3; OD2 B4 2025-04-16..06-15 = 15/30 + 1 + 15/30 = 2;
    OD10 B4 (PB1, extern) starts on the same day as OD2: "OD2" > "OD10" as text, so OD2 keeps every day
    and OD10 has none. Both no-provider decisions are egen: 5 months egen.

GRANTED HOURS (hemtjanst decisions only; overlapping ones add up; empty = 0)
  HD1 A1 2025-01..open 10/month x 12 = 120;  HD8 A1 ends before it starts -> 0
  HD2 A2 2025-07-01..12-31 6 x 6 = 36
  HD3 A3 2025-03-16..04-15 31 x (16/31 + 15/30) = 16 + 15.5 = 31.5;  HD9 A3 is all in 2024 -> 0
  HD4a A4 2025-01-01..06-30 8 x 6 = 48; HD4b A4 June 3 x 1 = 3; HD4c A4 July, empty granted -> 0
  HD5 A5 2024-06-01..2025-01-31 4 x 1 = 4
  HD7 A7 2025-10-01..open at unknown provider 20 x 3 = 60 (granted hours do not depend on the provider)
  (PD1 is pa_sfb: not in granted_hours.)  Total 120 + 36 + 31.5 + 48 + 3 + 4 + 60 = 302.5 h

LEDGER -> POOLS (rows dated in 2025; first matching rule wins)
  service:hemtjanst:egen   cost 6000.25 + 3999.75 = 10000; internal_revenue -2000 -> gross pool 8000
                           fee -400  (the 5810 row hits rule 1 "exclude" before the general 510 rule)
  service:hemtjanst:extern cost 4000 (resp 1102) + 800 (resp " 1102 ", trimmed) = 4800 (rule 4 before rule 5)
  service:trygghetslarm:egen cost 950 (a `period` 2025-02 row; the 2024-12 one is outside)
  overhead:aldreomsorg     cost 3000, internal_revenue -250 -> pool 2750; fee -275
  myndighet:aldreomsorg    cost 1800 (account "0450" matches prefix "04": leading zero kept)
  service:sarskilt_boende:egen cost 5000: no volume -> residual 5000
  service:pa_sfb:extern    cost 12000, state_reimbursement -9000
  service:pa_sfb:egen      cost 5000,  state_reimbursement -2000
  service:gruppbostad:egen cost 914000, fee -4570
  overhead:lss 93100; myndighet:lss 3000
  service:hvb:extern       cost 762300, state_reimbursement -76230
  service:familjehem:egen  cost 164800
  service:oppenvard_bou:egen cost 50000
  overhead:barn_unga 48855
  myndighet:barn_unga      cost 4100 + (-100: resp "bu1" does not match rule "BU1", case-sensitive) = 4000;
                           internal_revenue -400 (resp "BU1") -> pool 3600
  exclude 7777; unmapped 1234.56 - 34.56 = 1200.00; rows of 2024 and 2026 are ignored.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kpbkit.pipeline import run_client


def approx(value: float):
    return pytest.approx(value, rel=1e-9, abs=0.005)


# --------------------------------------------------------------------------------------------------------------
# Input (canonical CSV)
# --------------------------------------------------------------------------------------------------------------

PERSONS = """\
person_id,birth_date,sex
A1,1940-03-15,K
A2,1945-12-31,M
A3,1962-06-01,K
A4,1955-01-01,M
A5,,K
A7,1930-01-01,K
L1,1990-05-05,M
L2,2010-07-01,K
L3,1958-02-02,K
B1,2012-04-10,M
B2,2020-01-15,K
B3,2005-01-01,M
B4,2015-03-03,K
"""

PROVIDERS = """\
provider_id,name,regi
PH1,Hemtjansten egen regi,egen
PH2,Omsorg AB,extern
PA1,Assistans AB,extern
PA2,Kommunens assistans,egen
PG1,Gruppbostaden Eken,egen
PB1,HVB Bjorken AB,extern
PB2,Kommunens familjehem,egen
"""

DECISIONS = """\
decision_id,person_id,service_code,decided_on,start_date,end_date,granted_hours_per_month,provider_id,level
HD1,A1,hemtjanst,2024-12-15,2025-01-01,,10,PH1,
HD8,A1,hemtjanst,2025-04-20,2025-05-01,2025-04-01,100,PH1,
HD2,A2,hemtjanst,2025-06-20,2025-07-01,2025-12-31,6,PH2,
HD3,A3,hemtjanst,2025-03-10,2025-03-16,2025-04-15,31,PH1,
HD9,A3,hemtjanst,2023-12-20,2024-01-01,2024-12-31,50,PH1,
HD4a,A4,hemtjanst,2024-12-20,2025-01-01,2025-06-30,8,PH2,
HD4b,A4,hemtjanst,2025-05-25,2025-06-01,2025-06-30,3,PH2,
HD4c,A4,hemtjanst,2025-05-25,2025-07-01,2025-07-31,,PH2,
HD5,A5,hemtjanst,2024-05-20,2024-06-01,2025-01-31,4,PH1,
HD7,A7,hemtjanst,2025-09-20,2025-10-01,,20,PX9,
TD1,A1,trygghetslarm,2025-02-10,2025-02-15,,,,
TD2,A1,trygghetslarm,2025-10-20,2025-11-01,2025-11-30,,PH2,
PD1,L1,pa_sfb,2024-12-01,2025-01-01,,100,PA1,
OD1,B3,oppenvard_bou,2024-12-15,2025-01-01,2025-03-31,,,
OD2,B4,oppenvard_bou,2025-04-10,2025-04-16,2025-06-15,,,
OD10,B4,oppenvard_bou,2025-04-10,2025-04-16,2025-05-31,,PB1,
"""

VISITS = """\
person_id,service_code,date,minutes,provider_id,staff_id
A1,hemtjanst,2025-01-10,120,PH1,S1
A1,hemtjanst,2025-03-05,60,PH1,S2
A1,hemtjanst,2024-12-31,90,PH1,S1
A1,fotvard,2025-03-06,45,PH1,S2
A2,hemtjanst,2025-02-01,60,PH1,S1
A2,hemtjanst,2025-02-02,180,PH2,E1
A2,hemtjanst,2025-04-01,60,PH2,E2
A3,hemtjanst,2025-05-05,90,PH1,S3
A3,hemtjanst,2025-05-06,30,PH1,S3
A3,hemtjanst,2025-05-07,60,,S3
A4,hemtjanst,2025-06-01,120,PH2,E1
A4,hemtjanst,2025-06-02,0,PH2,E1
A4,hemtjanst,2025-06-03,-30,PH2,E1
A4,hemtjanst,2025-06-04,60,PX9,X1
A5,hemtjanst,2025-07-01,60,PH1,S1
A6,hemtjanst,2025-08-01,120,PH2,E2
A6,hemtjanst,2026-01-02,60,PH2,E2
L1,pa_sfb,2025-01-15,600,PA1,
L1,pa_sfb,2025-02-15,1200,PA1,
L2,pa_sfb,2025-03-01,600,PA2,
L3,gruppbostad,2025-08-01,60,PG1,
"""

STAYS = """\
stay_id,person_id,service_code,start_date,end_date,provider_id,daily_price,law
G1,L1,gruppbostad,2024-01-01,,PG1,,
G2,L3,gruppbostad,2025-07-01,2025-09-30,PG1,,
H1,B1,hvb,2025-01-01,2025-06-09,PB1,3000,SoL
F1,B1,familjehem,2025-06-09,,PB2,,SoL
H2,B2,hvb,2025-03-01,2025-03-31,PB1,4000,LVU
H3,B2,hvb,2025-03-21,2025-04-09,PB1,5000,LVU
H7,B2,hvb,2025-04-01,2025-04-30,PX9,4500,LVU
H9,B3,hvb,2025-10-01,2025-10-31,PB1,0,SoL
H10,B3,hvb,2025-10-01,2025-10-10,PB1,6000,SoL
H5,B4,hvb,2025-05-10,2025-05-01,PB1,3500,SoL
X1,A3,hemtjanst,2025-01-01,2025-01-31,PH1,,
"""

LEDGER = """\
date,period,account,responsibility,activity,amount
2025-01-31,,5010,1101,510,6000.25
2025-06-30,,5011,1101,510,3999.75
2025-03-31,,3610,1101,510,-2000.00
2025-03-31,,3510,1101,510,-400.00
2025-04-30,,5810,1101,510,7777.00
2025-05-31,,5010,1102,510,4000.00
2025-05-31,,5010," 1102 ",510,800.00
2024-12-31,,5010,1101,510,99999.00
2026-01-01,,5010,1101,510,88888.00
,2025-02,5020,1201,511,950.00
,2024-12,5020,1201,511,5555.00
2025-12-31,,6000,1000,500,3000.00
2025-12-31,,3600,1000,500,-250.00
2025-12-31,,3500,1000,500,-275.00
2025-09-30,,0450,1000,505,1800.00
2025-10-31,,5030,1300,512,5000.00
2025-12-31,,5040,2201,520,12000.00
2025-12-31,,3720,2201,520,-9000.00
2025-12-31,,5040,2202,520,5000.00
2025-12-31,,3720,2202,520,-2000.00
2025-12-31,,5050,2300,521,914000.00
2025-12-31,,3500,2300,521,-4570.00
2025-12-31,,6000,2000,525,93100.00
2025-12-31,,7000,2000,526,3000.00
2025-12-31,,5060,3100,530,762300.00
2025-12-31,,3730,3100,530,-76230.00
2025-12-31,,5070,3200,531,164800.00
2025-12-31,,5080,3300,532,50000.00
2025-12-31,,6000,3000,535,48855.00
2025-12-31,,7000,3000,536,4100.00
2025-12-31,,3600,BU1,536,-400.00
2025-12-31,,3600,bu1,536,-100.00
2025-07-31,,4000,9999,999,1234.56
2025-08-31,,4010,9999,540,-34.56
2024-06-30,,4000,9999,999,50.00
"""

# Order matters: rule 1 (exclude) must win over rule 5 for account 58xx; rule 4 (resp 1102) over rule 5.
LEDGER_RULES = """\
activity,account_prefix,responsibility,target,kind
510,58,,exclude,cost
510,36,,service:hemtjanst:egen,internal_revenue
510,35,,service:hemtjanst:egen,fee
510,,1102,service:hemtjanst:extern,cost
510,,,service:hemtjanst:egen,cost
511,,,service:trygghetslarm:egen,cost
500,36,,overhead:aldreomsorg,internal_revenue
500,35,,overhead:aldreomsorg,fee
500,,,overhead:aldreomsorg,cost
,04,,myndighet:aldreomsorg,cost
512,,,service:sarskilt_boende:egen,cost
520,37,2201,service:pa_sfb:extern,state_reimbursement
520,37,2202,service:pa_sfb:egen,state_reimbursement
520,,2201,service:pa_sfb:extern,cost
520,,2202,service:pa_sfb:egen,cost
521,35,,service:gruppbostad:egen,fee
521,,,service:gruppbostad:egen,cost
525,,,overhead:lss,cost
526,,,myndighet:lss,cost
530,37,,service:hvb:extern,state_reimbursement
530,,,service:hvb:extern,cost
531,,,service:familjehem:egen,cost
532,,,service:oppenvard_bou:egen,cost
535,,,overhead:barn_unga,cost
536,36,BU1,myndighet:barn_unga,internal_revenue
536,,,myndighet:barn_unga,cost
"""


def population_csv() -> str:
    """2025: 10 women and 15 men of every age 0..100; 2024 (the wrong year) 1000 of each.

    Inhabitants 80+ in 2025 (ages 80..100, 21 ages): K 21 x 10 = 210, M 21 x 15 = 315, total 525.
    Inhabitants 0-20 in 2025 (ages 0..20, 21 ages):  K 210, M 315, total 525.
    """
    lines = ["year,age,sex,count"]
    for year, per_sex in ((2024, {"K": 1000, "M": 1000}), (2025, {"K": 10, "M": 15})):
        for age in range(101):
            for sex, count in per_sex.items():
                lines.append(f"{year},{age},{sex},{count}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("handworked")
    folder = root / "input"
    folder.mkdir()
    tables = {
        "persons": PERSONS,
        "providers": PROVIDERS,
        "decisions": DECISIONS,
        "visits": VISITS,
        "stays": STAYS,
        "ledger": LEDGER,
        "ledger_rules": LEDGER_RULES,
        "population": population_csv(),
    }
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    config = {
        "client": {"id": "handworked", "name": "Handraknad kommun", "kommunkod": "9999"},
        "period": {"year": 2025},
        "input": {"folder": "input", "shape": "canonical"},
        "ledger_rules": "input/ledger_rules.csv",
        "output": {"folder": "reports"},
    }
    config_path = root / "handworked.yaml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    result = run_client(config_path)
    return root, result


def _read(run, name: str) -> pd.DataFrame:
    _, result = run
    return pd.read_csv(Path(result.results_dir) / name, dtype={"person_id": str, "group": str, "kind": str})


def test_results_folder(run):
    root, result = run
    # Output folder: reports/<client>/<period>/ with the year for a calendar-year period.
    assert Path(result.results_dir).resolve() == (root / "reports" / "handworked" / "2025" / "results").resolve()


# --------------------------------------------------------------------------------------------------------------
# KPIs: (area, kpi, group, value, unit)
# --------------------------------------------------------------------------------------------------------------
#
# ALDREOMSORG. Unit costs: hemtjanst egen 8000 / 8 h = 1000 kr/h; extern 4800 / 8 h = 600 kr/h;
# trygghetslarm egen 950 / 9.5 = 100 kr/month; trygghetslarm extern has no pool (0 kr).
#   direct: A1 3 x 1000 + 9.5 x 100 = 3950; A2 1000 + 4 x 600 = 3400; A3 3000; A4 1200; A5 1000; A6 1200
#           total 13750 (= 8000 + 4800 + 950)
#   overhead pool 3000 - 250 = 2750 = 0.2 x 13750, so everyone's overhead = 0.2 x direct:
#           A1 790, A2 680, A3 600, A4 240, A5 200, A6 240
#   myndighet 1800 / 6 brukare (A1..A6; A7 has no volume) = 300 each
#   gross: A1 5040, A2 4380, A3 3900, A4 1740, A5 1500, A6 1740 -> 18300 (= 13750 + 2750 + 1800)
#   cost_per_brukare 18300 / 6 = 3050; top10: ceil(6/10) = 1 -> A1 5040 / 18300 = 0.27540983606557...
#   cost_per_hour (hemtjanst only; overhead on hemtjanst rows = 0.2 x direct):
#           total (8000 + 4800) x 1.2 / 16 = 15360 / 16 = 960; egen 9600 / 8 = 1200; extern 5760 / 8 = 720
#   delivery_ratio: population A1 A2 A3 A4 A5 A7 (a hemtjanst decision active in 2025; not A6);
#           their delivered hours 3 + 5 + 3 + 2 + 1 + 0 = 14 -> 14 / 302.5 = 0.0462809917355...
#   80+ of known age with hemtjanst hours: A1 (85, K, 3 h), A2 (80, M, 5 h); A7 (95) has no hours.
#           hours_per_inhabitant_80 = 8 / 525; K 3 / 210; M 5 / 315
#           coverage_80 = 2 / 525; K 1 / 210; M 1 / 315
#   share_under_65: recipients of known age A1 A2 A3 A4 (A5, A6 unknown age are left out); under 65: A3
#           -> 1 / 4 = 0.25
#
# LSS. pa_sfb extern 12000 / 30 h = 400; egen 5000 / 10 h = 500; gruppbostad 914000 / 457 = 2000 kr/day.
#   direct: L1 12000 + 365 x 2000 = 742000; L2 5000; L3 92 x 2000 = 184000; total 931000
#   overhead 93100 = 0.1 x 931000 -> L1 74200, L2 500, L3 18400; myndighet 3000 / 3 = 1000 each
#   gross: L1 817200, L2 6500, L3 203400 -> 1027100; cost_per_brukare 1027100 / 3 = 342366.666...
#   top10: ceil(0.3) = 1 -> 817200 / 1027100 = 0.79563820465388...
#   pa_gross_cost_per_hour = (12000 + 5000 + 1200 + 500) / 40 = 18700 / 40 = 467.5
#   pa_net_cost_per_hour   = (18700 - 9000 - 2000) / 40 = 7700 / 40 = 192.5
#   gruppbostad_cost_per_day = (914000 + 91400) / 457 = 1005400 / 457 = 2200
#
# BARN_UNGA. hvb pool weights (days x price; unpriced H9 gets the volume-weighted mean price of the
#   priced stays after overlaps: (160 x 3000 + 20 x 4000 + 20 x 5000) / 200 = 660000 / 200 = 3300):
#   H1 480000, H2 80000, H3 100000, H9 31 x 3300 = 102300; total 762300 = the pool, so direct = weight.
#   familjehem 164800 / 206 = 800 kr/day (no priced stay: plain days). oppenvard_bou 50000 / 5 = 10000/month.
#   direct: B1 480000 + 164800 = 644800; B2 180000; B3 102300 + 30000 = 132300; B4 20000; total 977100
#   overhead 48855 = 0.05 x 977100 -> B1 32240, B2 9000, B3 6615, B4 1000
#   myndighet (4000 - 400) / 4 brukare = 900 each
#   gross: B1 677940, B2 189900, B3 139815, B4 21900 -> 1029555; cost_per_brukare 257388.75
#   top10: ceil(0.4) = 1 -> 677940 / 1029555 = 0.65847866311173...
#   placed_children: B1 B2 B3 = 3 (B4 has open care only)
#   care_days: hvb 231, familjehem 206, total 437
#   cost_per_care_day (placements only): hvb (762300 x 1.05) / 231 = 800415 / 231 = 3465;
#       familjehem 164800 x 1.05 / 206 = 173040 / 206 = 840; total 973455 / 437 = 2227.5858123569...
#   placed_per_1000_0_20: B1 (13), B2 (5), B3 (20) -> 3 / 525 x 1000; K (B2) 1 / 210 x 1000;
#       M (B1, B3) 2 / 315 x 1000

EXPECTED_KPIS: list[tuple[str, str, str, float, str]] = [
    ("aldreomsorg", "brukare", "total", 6, "persons"),
    ("aldreomsorg", "gross_cost", "total", 18300.0, "SEK"),
    ("aldreomsorg", "cost_per_brukare", "total", 3050.0, "SEK/person"),
    ("aldreomsorg", "top10_cost_share", "total", 0.2754098360655738, "share"),
    ("aldreomsorg", "delivered_hours", "total", 16.0, "hours"),
    ("aldreomsorg", "granted_hours", "total", 302.5, "hours"),
    ("aldreomsorg", "delivery_ratio", "total", 0.04628099173553719, "share"),
    ("aldreomsorg", "cost_per_hour", "total", 960.0, "SEK/hour"),
    ("aldreomsorg", "cost_per_hour", "egen", 1200.0, "SEK/hour"),
    ("aldreomsorg", "cost_per_hour", "extern", 720.0, "SEK/hour"),
    ("aldreomsorg", "hours_per_inhabitant_80", "total", 0.015238095238095238, "hours"),
    ("aldreomsorg", "hours_per_inhabitant_80", "K", 0.014285714285714285, "hours"),
    ("aldreomsorg", "hours_per_inhabitant_80", "M", 0.015873015873015872, "hours"),
    ("aldreomsorg", "coverage_80", "total", 0.0038095238095238095, "share"),
    ("aldreomsorg", "coverage_80", "K", 0.004761904761904762, "share"),
    ("aldreomsorg", "coverage_80", "M", 0.0031746031746031746, "share"),
    ("aldreomsorg", "share_under_65", "total", 0.25, "share"),
    ("lss", "brukare", "total", 3, "persons"),
    ("lss", "gross_cost", "total", 1027100.0, "SEK"),
    ("lss", "cost_per_brukare", "total", 342366.6666666667, "SEK/person"),
    ("lss", "top10_cost_share", "total", 0.7956382046538799, "share"),
    ("lss", "pa_gross_cost_per_hour", "total", 467.5, "SEK/hour"),
    ("lss", "pa_net_cost_per_hour", "total", 192.5, "SEK/hour"),
    ("lss", "gruppbostad_cost_per_day", "total", 2200.0, "SEK/day"),
    ("barn_unga", "brukare", "total", 4, "persons"),
    ("barn_unga", "gross_cost", "total", 1029555.0, "SEK"),
    ("barn_unga", "cost_per_brukare", "total", 257388.75, "SEK/person"),
    ("barn_unga", "top10_cost_share", "total", 0.6584786631117328, "share"),
    ("barn_unga", "placed_children", "total", 3, "persons"),
    ("barn_unga", "care_days", "total", 437.0, "days"),
    ("barn_unga", "care_days", "hvb", 231.0, "days"),
    ("barn_unga", "care_days", "familjehem", 206.0, "days"),
    ("barn_unga", "cost_per_care_day", "total", 2227.585812356979, "SEK/day"),
    ("barn_unga", "cost_per_care_day", "hvb", 3465.0, "SEK/day"),
    ("barn_unga", "cost_per_care_day", "familjehem", 840.0, "SEK/day"),
    ("barn_unga", "placed_per_1000_0_20", "total", 5.714285714285714, "per_1000"),
    ("barn_unga", "placed_per_1000_0_20", "K", 4.761904761904762, "per_1000"),
    ("barn_unga", "placed_per_1000_0_20", "M", 6.349206349206349, "per_1000"),
]


@pytest.fixture(scope="module")
def kpis(run) -> pd.DataFrame:
    frame = _read(run, "kpis.csv")
    assert list(frame.columns) == ["area", "kpi", "group", "value", "unit"]
    return frame


@pytest.mark.parametrize(
    ("area", "kpi", "group", "value", "unit"), EXPECTED_KPIS, ids=[f"{a}-{k}-{g}" for a, k, g, _, _ in EXPECTED_KPIS]
)
def test_kpi(kpis, area, kpi, group, value, unit):
    rows = kpis[(kpis["area"] == area) & (kpis["kpi"] == kpi) & (kpis["group"] == group)]
    assert len(rows) == 1, f"expected exactly one row for {area}/{kpi}/{group}, got {len(rows)}"
    row = rows.iloc[0]
    assert row["value"] == approx(value)
    assert row["unit"] == unit


def test_every_contract_kpi_has_a_total(kpis):
    """Every KPI of the contract table appears in its areas with group ``total``."""
    any_area = ["brukare", "gross_cost", "cost_per_brukare", "top10_cost_share"]
    required = {
        "aldreomsorg": any_area + ["delivered_hours", "granted_hours", "delivery_ratio", "cost_per_hour",
                                   "hours_per_inhabitant_80", "coverage_80", "share_under_65"],
        "lss": any_area + ["pa_gross_cost_per_hour", "pa_net_cost_per_hour", "gruppbostad_cost_per_day"],
        "barn_unga": any_area + ["placed_children", "care_days", "cost_per_care_day", "placed_per_1000_0_20"],
    }
    totals = kpis[kpis["group"] == "total"]
    for area, names in required.items():
        present = set(totals.loc[totals["area"] == area, "kpi"])
        assert set(names) <= present, f"{area}: missing {sorted(set(names) - present)}"


# Optional groups (not required by the contract): checked only where kpbkit emits them.
#   aldreomsorg brukare per band: 0-64 A3 = 1; 65-79 A4 = 1; 80+ A1, A2 = 2 (A5, A6 in no band)
#   aldreomsorg brukare per sex: K A1 A3 A5 = 3; M A2 A4 = 2 (A6 unknown sex: in no sex group)
#   lss brukare per band: 0-17 L2 = 1; 18-64 L1 = 1; 65+ L3 = 1
#   barn_unga brukare per band: 0-6 B2, 7-12 B4, 13-17 B1, 18-20 B3 -> 1 each; 21+ none (0 or absent)
#   aldreomsorg brukare egen: A1 A2 A3 A5 = 4; extern: A1 (trygghetslarm, 0 kr) A2 A4 A6 = 4
#   aldreomsorg gross_cost egen (rows of that regi): A1 hemtjanst 3827.848... + A1 trygghetslarm 1212.151...
#       + A2 egen 1288.235... + A3 3900 + A5 1500 = 11728.2352941176...
#   cost_per_hour by group ((direct + overhead) of hemtjanst rows = 1.2 x direct):
#       0-64 A3 3600 / 3 = 1200; 65-79 A4 1440 / 2 = 720; 80+ (A1 3600 + A2 1200 + 2880) / 8 = 960;
#       K (A1 3600 + A3 3600 + A5 1200) / 7 = 1200; M (A2 4080 + A4 1440) / 7 = 788.571...
#   granted_hours 80+ A1 120 + A2 36 + A7 60 = 216; K A1 120 + A3 31.5 + A5 4 + A7 60 = 215.5; M 36 + 51 = 87
#   delivery_ratio K (3 + 3 + 1 + 0) / 215.5; M (5 + 2) / 87
#   share_under_65 K: A3 of A1 A3 = 0.5; M: none of A2 A4 = 0
#   lss pa per regi: egen (5000 + 500) / 10 = 550, net (5500 - 2000) / 10 = 350;
#       extern (12000 + 1200) / 30 = 440, net (13200 - 9000) / 30 = 140
#   barn_unga care_days 0-6 B2 40; 13-17 B1 366; egen 206; extern 231;
#       cost_per_care_day 13-17 (504000 + 173040) / 366 = 1849.836...; M (B1 677040 + B3 107415) / 397
OPTIONAL_KPIS: list[tuple[str, str, str, float]] = [
    ("aldreomsorg", "brukare", "0-64", 1),
    ("aldreomsorg", "brukare", "65-79", 1),
    ("aldreomsorg", "brukare", "80+", 2),
    ("aldreomsorg", "brukare", "K", 3),
    ("aldreomsorg", "brukare", "M", 2),
    ("aldreomsorg", "brukare", "egen", 4),
    ("aldreomsorg", "brukare", "extern", 4),
    ("aldreomsorg", "gross_cost", "80+", 5040 + 4380),
    ("aldreomsorg", "gross_cost", "K", 5040 + 3900 + 1500),
    ("lss", "brukare", "0-17", 1),
    ("lss", "brukare", "18-64", 1),
    ("lss", "brukare", "65+", 1),
    ("barn_unga", "brukare", "0-6", 1),
    ("barn_unga", "brukare", "7-12", 1),
    ("barn_unga", "brukare", "13-17", 1),
    ("barn_unga", "brukare", "18-20", 1),
    ("barn_unga", "placed_children", "K", 1),
    ("barn_unga", "placed_children", "M", 2),
    ("aldreomsorg", "gross_cost", "egen", 11728.235294117647),
    ("aldreomsorg", "cost_per_hour", "0-64", 1200.0),
    ("aldreomsorg", "cost_per_hour", "65-79", 720.0),
    ("aldreomsorg", "cost_per_hour", "80+", 960.0),
    ("aldreomsorg", "cost_per_hour", "K", 1200.0),
    ("aldreomsorg", "cost_per_hour", "M", 788.5714285714286),
    ("aldreomsorg", "granted_hours", "80+", 216.0),
    ("aldreomsorg", "granted_hours", "K", 215.5),
    ("aldreomsorg", "granted_hours", "M", 87.0),
    ("aldreomsorg", "delivery_ratio", "K", 0.03248259860788863),
    ("aldreomsorg", "delivery_ratio", "M", 0.08045977011494253),
    ("aldreomsorg", "share_under_65", "K", 0.5),
    ("aldreomsorg", "share_under_65", "M", 0.0),
    ("lss", "pa_gross_cost_per_hour", "egen", 550.0),
    ("lss", "pa_gross_cost_per_hour", "extern", 440.0),
    ("lss", "pa_net_cost_per_hour", "egen", 350.0),
    ("lss", "pa_net_cost_per_hour", "extern", 140.0),
    ("barn_unga", "care_days", "0-6", 40.0),
    ("barn_unga", "care_days", "13-17", 366.0),
    ("barn_unga", "care_days", "egen", 206.0),
    ("barn_unga", "care_days", "extern", 231.0),
    ("barn_unga", "cost_per_care_day", "13-17", 1849.8360655737704),
    ("barn_unga", "cost_per_care_day", "M", 1975.9571788413098),
]


@pytest.mark.parametrize(
    ("area", "kpi", "group", "value"), OPTIONAL_KPIS, ids=[f"{a}-{k}-{g}" for a, k, g, _ in OPTIONAL_KPIS]
)
def test_optional_group(kpis, area, kpi, group, value):
    rows = kpis[(kpis["area"] == area) & (kpis["kpi"] == kpi) & (kpis["group"] == group)]
    if rows.empty:
        pytest.skip(f"kpbkit does not emit {area}/{kpi}/{group} (optional group)")
    assert len(rows) == 1
    assert rows.iloc[0]["value"] == approx(value)


# --------------------------------------------------------------------------------------------------------------
# person_costs: every row (one per person, service and regi with volume > 0)
# --------------------------------------------------------------------------------------------------------------
#
# Overhead and myndighet are spread over a person's rows in proportion to each row's direct cost:
#   A1 rows: hemtjanst egen 3000, trygghetslarm egen 950, trygghetslarm extern 0 (of 3950)
#       overhead 790 -> 600 / 190 / 0; myndighet 300 -> 300 x 3000/3950 = 227.848101265822...,
#       300 x 950/3950 = 72.151898734177..., 0
#   A2 rows: hemtjanst egen 1000, extern 2400 (of 3400): overhead 680 -> 200 / 480;
#       myndighet 300 -> 300 x 1000/3400 = 88.2352941176..., 300 x 2400/3400 = 211.7647058823...
#   L1 rows: pa_sfb extern 12000, gruppbostad 730000 (of 742000): overhead 74200 -> 1200 / 73000;
#       myndighet 1000 -> 1000 x 12000/742000 = 16.1725067385..., 1000 x 730000/742000 = 983.8274932614...
#   B1 rows: hvb 480000, familjehem 164800 (of 644800): overhead 32240 -> 24000 / 8240;
#       myndighet 900 -> 900 x 480000/644800 = 669.9751861042..., 900 x 164800/644800 = 230.0248138957...
#   B3 rows: hvb 102300, oppenvard_bou 30000 (of 132300): overhead 6615 -> 5115 / 1500;
#       myndighet 900 -> 900 x 102300/132300 = 695.9183673469..., 900 x 30000/132300 = 204.0816326530...
# Reimbursement (allocated like the service's pool):
#   pa_sfb extern -9000 all to L1; pa_sfb egen -2000 all to L2;
#   hvb -76230 = -0.1 x weights: B1 -48000, B2 -18000, B3 -10230
# Fees:
#   hemtjanst egen fee -400 over 8 egen hours = -50/h: A1 -150, A2 -50, A3 -150, A5 -50
#   overhead:aldreomsorg fee -275 = -0.02 x direct, per row: A1 -60 (hemtjanst) / -19 (trygghetslarm egen);
#       A2 -20 / -48; A3 -60; A4 -24; A5 -20; A6 -24
#   -> fees: A1 hemtjanst -210, A1 trygghetslarm egen -19, A2 egen -70, A2 extern -48, A3 -210, A4 -24,
#      A5 -70, A6 -24
#   gruppbostad fee -4570 over 457 days = -10/day: L1 -3650, L3 -920

PC_COLUMNS = ["volume", "direct_cost", "overhead_cost", "myndighet_cost", "gross_cost", "reimbursement",
              "net_cost", "fees"]

# (person, area, service, regi, unit): volume, direct, overhead, myndighet, gross, reimbursement, net, fees
EXPECTED_PERSON_COSTS: dict[tuple[str, str, str, str, str], tuple[float, ...]] = {
    ("A1", "aldreomsorg", "hemtjanst", "egen", "hour"):
        (3, 3000, 600, 227.84810126582278, 3827.8481012658226, 0, 3827.8481012658226, -210),
    ("A1", "aldreomsorg", "trygghetslarm", "egen", "month"):
        (9.5, 950, 190, 72.15189873417721, 1212.1518987341772, 0, 1212.1518987341772, -19),
    ("A1", "aldreomsorg", "trygghetslarm", "extern", "month"):
        (1, 0, 0, 0, 0, 0, 0, 0),
    ("A2", "aldreomsorg", "hemtjanst", "egen", "hour"):
        (1, 1000, 200, 88.23529411764706, 1288.235294117647, 0, 1288.235294117647, -70),
    ("A2", "aldreomsorg", "hemtjanst", "extern", "hour"):
        (4, 2400, 480, 211.76470588235293, 3091.764705882353, 0, 3091.764705882353, -48),
    ("A3", "aldreomsorg", "hemtjanst", "egen", "hour"):
        (3, 3000, 600, 300, 3900, 0, 3900, -210),
    ("A4", "aldreomsorg", "hemtjanst", "extern", "hour"):
        (2, 1200, 240, 300, 1740, 0, 1740, -24),
    ("A5", "aldreomsorg", "hemtjanst", "egen", "hour"):
        (1, 1000, 200, 300, 1500, 0, 1500, -70),
    ("A6", "aldreomsorg", "hemtjanst", "extern", "hour"):
        (2, 1200, 240, 300, 1740, 0, 1740, -24),
    ("L1", "lss", "pa_sfb", "extern", "hour"):
        (30, 12000, 1200, 16.172506738544474, 13216.172506738545, -9000, 4216.172506738545, 0),
    ("L1", "lss", "gruppbostad", "egen", "day"):
        (365, 730000, 73000, 983.8274932614555, 803983.8274932614, 0, 803983.8274932614, -3650),
    ("L2", "lss", "pa_sfb", "egen", "hour"):
        (10, 5000, 500, 1000, 6500, -2000, 4500, 0),
    ("L3", "lss", "gruppbostad", "egen", "day"):
        (92, 184000, 18400, 1000, 203400, 0, 203400, -920),
    ("B1", "barn_unga", "hvb", "extern", "day"):
        (160, 480000, 24000, 669.9751861042183, 504669.97518610425, -48000, 456669.97518610425, 0),
    ("B1", "barn_unga", "familjehem", "egen", "day"):
        (206, 164800, 8240, 230.02481389578165, 173270.02481389578, 0, 173270.02481389578, 0),
    ("B2", "barn_unga", "hvb", "extern", "day"):
        (40, 180000, 9000, 900, 189900, -18000, 171900, 0),
    ("B3", "barn_unga", "hvb", "extern", "day"):
        (31, 102300, 5115, 695.9183673469388, 108110.91836734694, -10230, 97880.91836734694, 0),
    ("B3", "barn_unga", "oppenvard_bou", "egen", "month"):
        (3, 30000, 1500, 204.08163265306123, 31704.081632653062, 0, 31704.081632653062, 0),
    ("B4", "barn_unga", "oppenvard_bou", "egen", "month"):
        (2, 20000, 1000, 900, 21900, 0, 21900, 0),
}


@pytest.fixture(scope="module")
def person_costs(run) -> pd.DataFrame:
    frame = _read(run, "person_costs.csv")
    assert list(frame.columns) == ["person_id", "area", "service_code", "regi", "unit", *PC_COLUMNS]
    return frame


def test_person_costs_rows(person_costs):
    """Exactly the rows with volume > 0: A7 (decision only) has none, A6 (not in persons) has one."""
    keys = person_costs[["person_id", "area", "service_code", "regi", "unit"]]
    got = {tuple(r) for r in keys.itertuples(index=False)}
    assert got == set(EXPECTED_PERSON_COSTS)


@pytest.mark.parametrize(
    "key", list(EXPECTED_PERSON_COSTS), ids=["-".join((k[0], k[2], k[3])) for k in EXPECTED_PERSON_COSTS]
)
def test_person_cost_row(person_costs, key):
    person, area, service, regi, unit = key
    rows = person_costs[(person_costs["person_id"] == person) & (person_costs["service_code"] == service)
                        & (person_costs["regi"] == regi)]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["area"], row["unit"]) == (area, unit)
    for column, value in zip(PC_COLUMNS, EXPECTED_PERSON_COSTS[key], strict=True):
        assert row[column] == approx(value), f"{person} {service} {regi}: {column}"


def test_person_costs_totals(person_costs):
    # direct: 13750 + 931000 + 977100 = 1921850; overhead 2750 + 93100 + 48855 = 144705;
    # myndighet 1800 + 3000 + 3600 = 8400; gross 18300 + 1027100 + 1029555 = 2074955;
    # reimbursement -9000 - 2000 - 76230 = -87230; fees -400 - 275 - 4570 = -5245
    assert person_costs["direct_cost"].sum() == approx(1921850)
    assert person_costs["overhead_cost"].sum() == approx(144705)
    assert person_costs["myndighet_cost"].sum() == approx(8400)
    assert person_costs["gross_cost"].sum() == approx(2074955)
    assert person_costs["reimbursement"].sum() == approx(-87230)
    assert person_costs["net_cost"].sum() == approx(2074955 - 87230)
    assert person_costs["fees"].sum() == approx(-5245)


# --------------------------------------------------------------------------------------------------------------
# unit_costs: one row per service and regi with a pool or a volume
# --------------------------------------------------------------------------------------------------------------
# (service, regi): unit, gross_pool, volume, cost_per_unit (None = empty)
EXPECTED_UNIT_COSTS: dict[tuple[str, str], tuple[str, float, float, float | None]] = {
    ("hemtjanst", "egen"): ("hour", 8000, 8, 1000),  # 10000 - 2000 (the fee is not in the pool)
    ("hemtjanst", "extern"): ("hour", 4800, 8, 600),
    ("trygghetslarm", "egen"): ("month", 950, 9.5, 100),
    ("trygghetslarm", "extern"): ("month", 0, 1, 0),  # volume, no pool: 0 / 1
    ("sarskilt_boende", "egen"): ("day", 5000, 0, None),  # pool, no volume: empty
    ("pa_sfb", "extern"): ("hour", 12000, 30, 400),
    ("pa_sfb", "egen"): ("hour", 5000, 10, 500),
    ("gruppbostad", "egen"): ("day", 914000, 457, 2000),
    ("hvb", "extern"): ("day", 762300, 231, 3300),
    ("familjehem", "egen"): ("day", 164800, 206, 800),
    ("oppenvard_bou", "egen"): ("month", 50000, 5, 10000),
}


@pytest.fixture(scope="module")
def unit_costs(run) -> pd.DataFrame:
    frame = _read(run, "unit_costs.csv")
    assert list(frame.columns) == ["service_code", "regi", "unit", "gross_pool", "volume", "cost_per_unit"]
    return frame


def test_unit_costs_rows(unit_costs):
    assert set(zip(unit_costs["service_code"], unit_costs["regi"], strict=True)) == set(EXPECTED_UNIT_COSTS)


@pytest.mark.parametrize("key", list(EXPECTED_UNIT_COSTS), ids=["-".join(k) for k in EXPECTED_UNIT_COSTS])
def test_unit_cost_row(unit_costs, key):
    unit, pool, volume, per_unit = EXPECTED_UNIT_COSTS[key]
    rows = unit_costs[(unit_costs["service_code"] == key[0]) & (unit_costs["regi"] == key[1])]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["unit"] == unit
    assert row["gross_pool"] == approx(pool)
    assert row["volume"] == approx(volume)
    if per_unit is None:
        assert math.isnan(row["cost_per_unit"])
    else:
        assert row["cost_per_unit"] == approx(per_unit)


# --------------------------------------------------------------------------------------------------------------
# reconciliation: one row per (target, kind)
# --------------------------------------------------------------------------------------------------------------
# (target, kind): ledger_amount, allocated_amount, residual
EXPECTED_RECONCILIATION: dict[tuple[str, str], tuple[float, float, float]] = {
    ("service:hemtjanst:egen", "cost"): (10000, 10000, 0),  # 6000.25 + 3999.75
    ("service:hemtjanst:egen", "internal_revenue"): (-2000, -2000, 0),
    ("service:hemtjanst:egen", "fee"): (-400, -400, 0),
    ("service:hemtjanst:extern", "cost"): (4800, 4800, 0),  # 4000 + 800 (" 1102 " trimmed)
    ("service:trygghetslarm:egen", "cost"): (950, 950, 0),  # period 2025-02; period 2024-12 ignored
    ("overhead:aldreomsorg", "cost"): (3000, 3000, 0),
    ("overhead:aldreomsorg", "internal_revenue"): (-250, -250, 0),
    ("overhead:aldreomsorg", "fee"): (-275, -275, 0),
    ("myndighet:aldreomsorg", "cost"): (1800, 1800, 0),
    ("service:sarskilt_boende:egen", "cost"): (5000, 0, 5000),  # no volume: residual
    ("service:pa_sfb:extern", "cost"): (12000, 12000, 0),
    ("service:pa_sfb:extern", "state_reimbursement"): (-9000, -9000, 0),
    ("service:pa_sfb:egen", "cost"): (5000, 5000, 0),
    ("service:pa_sfb:egen", "state_reimbursement"): (-2000, -2000, 0),
    ("service:gruppbostad:egen", "cost"): (914000, 914000, 0),
    ("service:gruppbostad:egen", "fee"): (-4570, -4570, 0),
    ("overhead:lss", "cost"): (93100, 93100, 0),
    ("myndighet:lss", "cost"): (3000, 3000, 0),
    ("service:hvb:extern", "cost"): (762300, 762300, 0),
    ("service:hvb:extern", "state_reimbursement"): (-76230, -76230, 0),
    ("service:familjehem:egen", "cost"): (164800, 164800, 0),
    ("service:oppenvard_bou:egen", "cost"): (50000, 50000, 0),
    ("overhead:barn_unga", "cost"): (48855, 48855, 0),
    ("myndighet:barn_unga", "cost"): (4000, 4000, 0),  # 4100 + (-100, resp "bu1" != "BU1")
    ("myndighet:barn_unga", "internal_revenue"): (-400, -400, 0),
    ("exclude", "cost"): (7777, 0, 7777),
    ("unmapped", ""): (1200, 0, 1200),  # 1234.56 - 34.56; the 2024 row is ignored
}


@pytest.fixture(scope="module")
def reconciliation(run) -> pd.DataFrame:
    frame = _read(run, "reconciliation.csv")
    assert list(frame.columns) == ["target", "kind", "ledger_amount", "allocated_amount", "residual"]
    return frame.assign(kind=frame["kind"].fillna(""))


def test_reconciliation_rows(reconciliation):
    assert set(zip(reconciliation["target"], reconciliation["kind"], strict=True)) == set(EXPECTED_RECONCILIATION)


@pytest.mark.parametrize("key", list(EXPECTED_RECONCILIATION), ids=["/".join(k) for k in EXPECTED_RECONCILIATION])
def test_reconciliation_row(reconciliation, key):
    rows = reconciliation[(reconciliation["target"] == key[0]) & (reconciliation["kind"] == key[1])]
    assert len(rows) == 1
    row = rows.iloc[0]
    ledger, allocated, residual = EXPECTED_RECONCILIATION[key]
    assert row["ledger_amount"] == approx(ledger)
    assert row["allocated_amount"] == approx(allocated)
    assert row["residual"] == approx(residual)


def test_reconciliation_totals(reconciliation):
    # Every in-period ledger row: mapped 2074955 (gross) - 87230 (reimbursement) - 5245 (fees) + 5000 (residual)
    # = 1987480 ... plus exclude 7777 and unmapped 1200 = 1996457.00
    assert reconciliation["ledger_amount"].sum() == approx(1996457.00)
    assert reconciliation["residual"].sum() == approx(5000 + 7777 + 1200)


# ==============================================================================================================
# A second, smaller case: a period that is not a calendar year (2024-03-01..2025-02-28)
# ==============================================================================================================
#
# A calendar-year period cannot tell completed years from a plain year difference (every birthday has passed
# by 31 December), so this case ends on 2025-02-28. Ages are completed years on 2025-02-28; the population
# year is 2025 (the year of period_end); the output folder is 2024-03-01_2025-02-28.
#   Q1 1960-02-29  K  64: a 29 February birthday falls on 1 March in 2025, so Q1 is still 64 -> 0-64, under 65
#   Q2 1945-03-01  M  79: turns 80 on 2025-03-01, after period_end -> 65-79, not 80+ (2025 - 1945 would say 80)
#   Q3 1945-02-28  K  80: birthday on period_end -> 80+
# hemtjanst (PH1 egen): Q1 60 min on 2024-03-01 + 60 on 2025-02-28 = 2 h (2024-02-29 and 2025-03-01 are
#   outside); Q2 120 min = 2 h; Q3 180 min = 3 h -> 7 h egen
# granted: HD1 Q1 2024-02-15..open 10/month x 12 months (Mar 2024..Feb 2025) = 120;
#   HD3 Q3 2025-02-15..2025-03-31 14/month x 14/28 = 7 -> 127 h; delivery_ratio (Q1, Q3) (2 + 3) / 127
# dagverksamhet_aldre (weekday, PD1 extern, priced, weighted by WEEKDAYS x price; public holidays count):
#   V1 Q2 2024-12-23 (Mon)..2025-01-05 (Sun) = 10 weekdays (14 days) at 600 -> weight 6000
#   V2 Q3 2025-02-20 (Thu)..open -> 2025-02-20..28 = 7 weekdays (9 days) at 300 -> weight 2100
#   pool 8100 = total weight -> Q2 6000, Q3 2100; volume 17 weekdays; cost_per_unit 8100 / 17 = 476.47...
# trygghetslarm (month, no provider -> egen): T1 Q1 2024-01-01..2024-03-15 -> March 2024 only: 15/31;
#   T2 Q2 2025-02-01..open -> February 2025 only: 28/28 = 1. volume 46/31; pool 460 -> 310 per month:
#   Q1 15/31 x 310 = 150, Q2 310. T3 (Q3, at the unknown provider PX9) is left out of volumes.
# korttid_aldre (day, egen): K1 Q1 2025-01-10..01-12 = 3 days; its pool is NEGATIVE: cost 900 + internal
#   revenue -1200 = -300 -> -100 per day, Q1 direct -300.
# ledger: hemtjanst egen 6300 (2024-06-30) + 700 (period 2025-02) = 7000 -> 1000 kr/h; rows of 2024-02-29,
#   period 2024-02 and period 2025-03 (dated 2025-03-01) are outside. dagverksamhet extern 8100;
#   trygghetslarm egen 460; myndighet 300 / 3 brukare = 100 each.
# direct: Q1 2000 + 150 - 300 = 1850; Q2 2000 + 6000 + 310 = 8310; Q3 3000 + 2100 = 5100 -> 15260
# overhead 1526 = 0.1 x 15260, weighted by each person's direct cost after internal revenue (Q1: 1850, which
#   is above zero, so it is Q1's weight): Q1 185, Q2 831, Q3 510. A person's overhead and myndighet are spread
#   over their rows by direct cost with negative rows counting as zero: Q1 over hemtjanst 2000 and
#   trygghetslarm 150 (of 2150), korttid_aldre gets 0:
#   Q1 overhead hemtjanst 185 x 2000/2150 = 172.0930232558..., trygghetslarm 185 x 150/2150 = 12.9069767441...
# gross: Q1 1850 + 185 + 100 = 2135; Q2 8310 + 831 + 100 = 9241; Q3 5100 + 510 + 100 = 5710 -> 17086
# population 2025: 4 women and 6 men of every age (2024: 1000 each) -> 80+: K 84, M 126, total 210

CASE2_TABLES = {
    "persons": """\
person_id,birth_date,sex
Q1,1960-02-29,K
Q2,1945-03-01,M
Q3,1945-02-28,K
""",
    "providers": """\
provider_id,name,regi
PH1,Hemtjansten egen regi,egen
PD1,Dagverksamhet AB,extern
""",
    "decisions": """\
decision_id,person_id,service_code,decided_on,start_date,end_date,granted_hours_per_month,provider_id,level
HD1,Q1,hemtjanst,2024-02-01,2024-02-15,,10,PH1,
HD3,Q3,hemtjanst,2025-02-10,2025-02-15,2025-03-31,14,PH1,
T1,Q1,trygghetslarm,2023-12-20,2024-01-01,2024-03-15,,,
T2,Q2,trygghetslarm,2025-01-20,2025-02-01,,,,
T3,Q3,trygghetslarm,2024-05-20,2024-06-01,2024-06-30,,PX9,
""",
    "visits": """\
person_id,service_code,date,minutes,provider_id,staff_id
Q1,hemtjanst,2024-02-29,60,PH1,S1
Q1,hemtjanst,2024-03-01,60,PH1,S1
Q1,hemtjanst,2025-02-28,60,PH1,S1
Q1,hemtjanst,2025-03-01,60,PH1,S1
Q2,hemtjanst,2024-12-24,120,PH1,S2
Q3,hemtjanst,2025-01-15,180,PH1,S3
""",
    "stays": """\
stay_id,person_id,service_code,start_date,end_date,provider_id,daily_price,law
V1,Q2,dagverksamhet_aldre,2024-12-23,2025-01-05,PD1,600,SoL
V2,Q3,dagverksamhet_aldre,2025-02-20,,PD1,300,SoL
K1,Q1,korttid_aldre,2025-01-10,2025-01-12,PH1,,SoL
""",
    "ledger": """\
date,period,account,responsibility,activity,amount
2024-06-30,,5010,1101,510,6300.00
,2025-02,5010,1101,510,700.00
2024-02-29,,5010,1101,510,99.00
,2024-02,5010,1101,510,98.00
,2025-03,5010,1101,510,97.00
2025-01-31,,5010,1101,513,8100.00
2024-12-31,,5020,1201,511,460.00
2025-02-28,,6000,1000,500,1526.00
2025-01-31,,5040,1400,514,900.00
2025-01-31,,3640,1400,514,-1200.00
2025-02-28,,7000,1000,505,300.00
""",
    "ledger_rules": """\
activity,account_prefix,responsibility,target,kind
510,,,service:hemtjanst:egen,cost
511,,,service:trygghetslarm:egen,cost
513,,,service:dagverksamhet_aldre:extern,cost
514,36,,service:korttid_aldre:egen,internal_revenue
514,,,service:korttid_aldre:egen,cost
500,,,overhead:aldreomsorg,cost
505,,,myndighet:aldreomsorg,cost
""",
}


@pytest.fixture(scope="module")
def run2(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("handworked2")
    folder = root / "input"
    folder.mkdir()
    lines = ["year,age,sex,count"]
    for year, per_sex in ((2024, {"K": 1000, "M": 1000}), (2025, {"K": 4, "M": 6})):
        lines += [f"{year},{age},{sex},{count}" for age in range(101) for sex, count in per_sex.items()]
    tables = {**CASE2_TABLES, "population": "\n".join(lines) + "\n"}
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    config = {
        "client": {"id": "handworked2", "name": "Handraknad kommun", "kommunkod": "9999"},
        "period": {"start": "2024-03-01", "end": "2025-02-28"},
        "input": {"folder": "input", "shape": "canonical"},
        "ledger_rules": "input/ledger_rules.csv",
        "output": {"folder": "reports"},
    }
    config_path = root / "handworked2.yaml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root, run_client(config_path)


def test_case2_results_folder(run2):
    root, result = run2
    expected = root / "reports" / "handworked2" / "2024-03-01_2025-02-28" / "results"
    assert Path(result.results_dir).resolve() == expected.resolve()


EXPECTED_KPIS_2: list[tuple[str, str, str, float]] = [
    ("aldreomsorg", "brukare", "total", 3),
    ("aldreomsorg", "gross_cost", "total", 17086.0),
    ("aldreomsorg", "cost_per_brukare", "total", 5695.333333333333),  # 17086 / 3
    ("aldreomsorg", "top10_cost_share", "total", 0.5408521596628819),  # ceil(0.3) = 1: Q2 9241 / 17086
    ("aldreomsorg", "delivered_hours", "total", 7.0),
    ("aldreomsorg", "granted_hours", "total", 127.0),
    ("aldreomsorg", "delivery_ratio", "total", 0.03937007874015748),  # 5 / 127
    # (7000 + 172.0930232558... + 200 + 300) / 7 = 7672.0930232558... / 7
    ("aldreomsorg", "cost_per_hour", "total", 1096.0132890365448),
    ("aldreomsorg", "cost_per_hour", "egen", 1096.0132890365448),
    ("aldreomsorg", "hours_per_inhabitant_80", "total", 0.014285714285714285),  # Q3 only: 3 / 210
    ("aldreomsorg", "hours_per_inhabitant_80", "K", 0.03571428571428571),  # 3 / 84
    ("aldreomsorg", "hours_per_inhabitant_80", "M", 0.0),  # 0 / 126 (Q2 is 79)
    ("aldreomsorg", "coverage_80", "total", 0.004761904761904762),  # 1 / 210
    ("aldreomsorg", "coverage_80", "K", 0.011904761904761904),  # 1 / 84
    ("aldreomsorg", "coverage_80", "M", 0.0),
    ("aldreomsorg", "share_under_65", "total", 0.3333333333333333),  # Q1 of Q1 Q2 Q3
    ("aldreomsorg", "brukare", "0-64", 1),  # Q1
    ("aldreomsorg", "brukare", "65-79", 1),  # Q2
    ("aldreomsorg", "brukare", "80+", 1),  # Q3
]


@pytest.fixture(scope="module")
def kpis2(run2) -> pd.DataFrame:
    return _read(run2, "kpis.csv")


@pytest.mark.parametrize(
    ("area", "kpi", "group", "value"), EXPECTED_KPIS_2, ids=[f"{a}-{k}-{g}" for a, k, g, _ in EXPECTED_KPIS_2]
)
def test_case2_kpi(kpis2, area, kpi, group, value):
    rows = kpis2[(kpis2["area"] == area) & (kpis2["kpi"] == kpi) & (kpis2["group"] == group)]
    assert len(rows) == 1, f"expected exactly one row for {area}/{kpi}/{group}, got {len(rows)}"
    assert rows.iloc[0]["value"] == approx(value)


def test_case2_cost_per_hour_extern_is_empty(kpis2):
    # No extern hemtjanst hours: the denominator is zero, so the value is empty (the group is required).
    rows = kpis2[(kpis2["area"] == "aldreomsorg") & (kpis2["kpi"] == "cost_per_hour") & (kpis2["group"] == "extern")]
    assert len(rows) == 1
    assert math.isnan(rows.iloc[0]["value"])


# Myndighet 100 per person spread by direct cost: Q1 x 2000/2150, 150/2150, 0 (negative row); Q2 x 2000/8310,
# 6000/8310, 310/8310; Q3 x 3000/5100, 2100/5100. Overhead = 0.1 x direct on Q2's and Q3's rows; Q1 see above.
EXPECTED_PERSON_COSTS_2: dict[tuple[str, str, str], tuple[float, ...]] = {
    # (person, service, regi): volume, direct, overhead, myndighet, gross
    ("Q1", "hemtjanst", "egen"): (2, 2000, 172.09302325581396, 93.02325581395348, 2265.1162790697676),
    ("Q1", "trygghetslarm", "egen"): (0.4838709677419355, 150, 12.906976744186046, 6.976744186046512,
                                      169.88372093023256),
    ("Q1", "korttid_aldre", "egen"): (3, -300, 0, 0, -300),
    ("Q2", "hemtjanst", "egen"): (2, 2000, 200, 24.067388688327316, 2224.0673886883273),
    ("Q2", "dagverksamhet_aldre", "extern"): (10, 6000, 600, 72.20216606498195, 6672.202166064982),
    ("Q2", "trygghetslarm", "egen"): (1, 310, 31, 3.730445246690734, 344.73044524669073),
    ("Q3", "hemtjanst", "egen"): (3, 3000, 300, 58.8235294117647, 3358.8235294117645),
    ("Q3", "dagverksamhet_aldre", "extern"): (7, 2100, 210, 41.1764705882353, 2351.1764705882355),
}


def test_case2_person_costs(run2):
    frame = _read(run2, "person_costs.csv")
    got = {(p, s, r) for p, s, r in zip(frame["person_id"], frame["service_code"], frame["regi"], strict=True)}
    assert got == set(EXPECTED_PERSON_COSTS_2)
    columns = ["volume", "direct_cost", "overhead_cost", "myndighet_cost", "gross_cost"]
    for (person, service, regi), values in EXPECTED_PERSON_COSTS_2.items():
        row = frame[(frame["person_id"] == person) & (frame["service_code"] == service) & (frame["regi"] == regi)]
        for column, value in zip(columns, values, strict=True):
            assert row.iloc[0][column] == approx(value), f"{person} {service} {regi}: {column}"


def test_case2_unit_costs(run2):
    frame = _read(run2, "unit_costs.csv")
    expected = {
        ("hemtjanst", "egen"): ("hour", 7000, 7, 1000),
        ("dagverksamhet_aldre", "extern"): ("weekday", 8100, 17, 476.47058823529414),  # 8100 / 17
        ("trygghetslarm", "egen"): ("month", 460, 1.4838709677419355, 310),  # 460 / (46/31)
        ("korttid_aldre", "egen"): ("day", -300, 3, -100),  # 900 - 1200
    }
    assert set(zip(frame["service_code"], frame["regi"], strict=True)) == set(expected)
    for (service, regi), (unit, pool, volume, per_unit) in expected.items():
        row = frame[(frame["service_code"] == service) & (frame["regi"] == regi)].iloc[0]
        assert row["unit"] == unit
        assert row["gross_pool"] == approx(pool)
        assert row["volume"] == approx(volume)
        assert row["cost_per_unit"] == approx(per_unit)


def test_case2_reconciliation(run2):
    frame = _read(run2, "reconciliation.csv")
    frame = frame.assign(kind=frame["kind"].fillna(""))
    got = {(t, k): (a, b, c) for t, k, a, b, c in frame.itertuples(index=False)}
    # The 2024-02-29, 2024-02 and 2025-03 rows are outside the period; unmapped is always present.
    expected = {
        ("service:hemtjanst:egen", "cost"): (7000, 7000, 0),
        ("service:dagverksamhet_aldre:extern", "cost"): (8100, 8100, 0),
        ("service:trygghetslarm:egen", "cost"): (460, 460, 0),
        ("service:korttid_aldre:egen", "cost"): (900, 900, 0),
        ("service:korttid_aldre:egen", "internal_revenue"): (-1200, -1200, 0),
        ("overhead:aldreomsorg", "cost"): (1526, 1526, 0),
        ("myndighet:aldreomsorg", "cost"): (300, 300, 0),
        ("unmapped", ""): (0, 0, 0),
    }
    assert set(got) == set(expected)
    for key, values in expected.items():
        assert tuple(got[key]) == tuple(approx(v) for v in values), key


def test_data_quality_is_well_formed(run):
    # Check names are the implementation's choice; the spec fixes only the columns and the severities.
    # Every left-out row here is a finding, never fatal: nothing in this case is an error.
    frame = _read(run, "data_quality.csv")
    # the contract's columns first and unchanged; kpbkit's own after them (an example row, the finding's values)
    assert list(frame.columns) == ["check", "severity", "table", "count", "detail", "example", "values"]
    assert set(frame["severity"]) <= {"warning", "info"}
    assert {"visits", "stays", "decisions", "ledger"} <= set(frame["table"])
