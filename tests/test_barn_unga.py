"""Barn och unga analyses on a small hand-made run: care days, price weights, lengths, flows, the decision check.

The case (period 2025, ages on 2025-12-31):

- a (girl, 10): family home 2024-11-01..2025-01-31 (crosses the year start: 31 days in 2025), then HVB H1 from
  the same day to 2025-03-31 at 5 000 kr (60 days; the transfer day 31 Jan counts in both forms), LVU.
- b (boy, 16): HVB H2 from 2025-12-01 (ongoing, 3 000 kr) and an overlapping HVB H2 stay 2025-12-20..2026-01-10
  (4 000 kr) that started later and so owns 20-31 Dec: 19 + 12 days.
- c (girl, 19): SiS 2025-05-01..10 at 15 000 kr (an emergency stay, 10 days); open care Jul-Sep (3 months).
- d (boy, 5): family home since 2023-01-01 (ongoing, 365 days).
- e (boy, 14): HVB H1 in June without a price (30 days): weighs 30 × the pool's mean price.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpbkit.analyses import barn_unga as bu
from kpbkit.analyses.load import load_results
from kpbkit.model.checks import check_placement_decisions, placements_without_decision
from kpbkit.pipeline import run_client
from kpbkit.quality import Findings
from kpbkit.views import barn_unga as views

PERSONS = (
    "person_id,birth_date,sex\n"
    "a,2015-03-01,K\nb,2009-06-15,M\nc,2006-01-10,K\nd,2020-05-05,M\ne,2011-02-02,M\n"
)
PROVIDERS = (
    "provider_id,name,regi\nFHE,Familjehemsenheten,egen\nH1,HVB Ett AB,extern\nH2,HVB Två AB,extern\n"
    "S,SiS,extern\nOV,Öppenvården,egen\n"
)
STAYS = (
    "stay_id,person_id,service_code,start_date,end_date,provider_id,daily_price,law\n"
    "s1,a,familjehem,2024-11-01,2025-01-31,FHE,,SoL\n"
    "s2,a,hvb,2025-01-31,2025-03-31,H1,5000,LVU\n"
    "s3,b,hvb,2025-12-01,,H2,3000,SoL\n"
    "s4,b,hvb,2025-12-20,2026-01-10,H2,4000,SoL\n"
    "s5,c,sis,2025-05-01,2025-05-10,S,15000,LVU\n"
    "s6,d,familjehem,2023-01-01,,FHE,,SoL\n"
    "s7,e,hvb,2025-06-01,2025-06-30,H1,,\n"
)
DECISIONS = (
    "decision_id,person_id,service_code,decided_on,start_date,end_date,granted_hours_per_month,provider_id\n"
    "d1,a,familjehem,2024-10-25,2024-11-01,2025-01-31,,FHE\n"
    "d2,a,hvb,2025-01-30,2025-01-31,,,H1\n"
    "d3,b,hvb,2025-11-28,2025-12-01,,,H2\n"        # covers both of b's stays
    "d4,d,familjehem,2020-12-01,2021-01-01,2022-12-31,,FHE\n"  # ended the day before d's stay began
    "d5,e,familjehem,2025-05-20,2025-06-01,2025-06-30,,FHE\n"  # another service than e's HVB stay
    "d6,c,oppenvard_bou,2025-06-20,2025-07-01,2025-09-30,,OV\n"
)
LEDGER = (
    "date,account,responsibility,activity,amount\n"
    "2025-06-30,4510,1,5710,316800.00\n"
    "2025-06-30,4510,1,5720,486000.00\n"
    "2025-06-30,3520,1,5720,-48600.00\n"
    "2025-06-30,4510,1,5730,150000.00\n"
    "2025-06-30,4510,1,5750,30000.00\n"
    "2025-06-30,4510,1,5700,98280.00\n"   # overhead: 10 % of all direct cost (982 800)
)
RULES = (
    "activity,account_prefix,responsibility,target,kind\n"
    "5710,,,service:familjehem:egen,cost\n"
    "5720,35,,service:hvb:extern,state_reimbursement\n"
    "5720,,,service:hvb:extern,cost\n"
    "5730,,,service:sis:extern,cost\n"
    "5750,,,service:oppenvard_bou:egen,cost\n"
    "5700,,,overhead:barn_unga,cost\n"
)
POPULATION = "year,age,sex,count\n" + "".join(f"2025,{age},{sex},50\n" for age in range(21) for sex in "KM")

# HVB pool weights: priced stays 60 × 5000 + 19 × 3000 + 12 × 4000 = 405 000 over 91 days; e's unpriced
# 30 days weigh 30 × 405 000 / 91. The pool (486 000) per unit of weight:
HVB_WEIGHT = 405_000 * 121 / 91
HVB_FACTOR = 486_000 / HVB_WEIGHT  # = 1.2 × 91 / 121


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bu")
    (folder / "input").mkdir()
    tables = {"persons": PERSONS, "providers": PROVIDERS, "stays": STAYS, "decisions": DECISIONS,
              "ledger": LEDGER, "ledger_rules": RULES, "population": POPULATION}
    for name, text in tables.items():
        (folder / "input" / f"{name}.csv").write_text(text, encoding="utf-8")
    config = folder / "client.yaml"
    config.write_text("client: {id: bu, name: Bukommun, kommunkod: '0000'}\nperiod: {year: 2025}\n"
                      "input: {folder: input}\noutput: {folder: reports}\n", encoding="utf-8")
    return load_results(run_client(config, progress=lambda *a: None).output_dir)


def test_care_days_cross_the_year_boundaries_and_count_overlaps_once(results) -> None:
    days = results.resolved_stays.set_index("stay_id")["days"]
    assert days.to_dict() == {"s1": 31, "s2": 60, "s3": 19, "s4": 12, "s5": 10, "s6": 365, "s7": 30}
    assert results.kpi("barn_unga", "care_days", "total") == 527   # the transfer day 31 Jan counts twice
    assert results.kpi("barn_unga", "care_days", "familjehem") == 396
    assert results.kpi("barn_unga", "care_days", "hvb") == 121
    assert results.kpi("barn_unga", "placed_children", "total") == 5
    forms = bu.forms_table(results).set_index("service_code")
    assert forms.loc["total", "care_days"] == 527 and forms.loc["hvb", "placed_children"] == 3
    assert forms.loc["familjehem", "days_share"] == pytest.approx(396 / 527)
    groups = bu.family_vs_institution(results).set_index("form_group")
    assert groups.loc["family_home", "days_share"] == pytest.approx(396 / 527)
    assert groups.loc["institution", "days"] == 131 and groups.loc["institution", "children"] == 4


def test_cost_per_care_day_follows_the_price_weights(results) -> None:
    stays = bu.placement_stays(results).set_index("stay_id")
    assert stays.loc["s2", "direct_cost"] == pytest.approx(300_000 * HVB_FACTOR)
    assert stays.loc["s3", "direct_cost"] == pytest.approx(57_000 * HVB_FACTOR)
    assert stays.loc["s4", "direct_cost"] == pytest.approx(48_000 * HVB_FACTOR)
    assert stays.loc["s7", "direct_cost"] == pytest.approx(30 * 405_000 / 91 * HVB_FACTOR)  # mean-price weight
    assert stays.loc["s1", "direct_cost"] == pytest.approx(31 * 800)    # an unpriced pool: 316 800 / 396 days
    assert stays["direct_cost"].sum() == pytest.approx(316_800 + 486_000 + 150_000)
    # reimbursement is allocated like the HVB pool
    assert stays.loc["s2", "reimbursement"] == pytest.approx(-48_600 * 300_000 / HVB_WEIGHT)
    # KPIs: (direct + overhead) / care days; overhead is 10 % of each child's direct cost
    assert results.kpi("barn_unga", "cost_per_care_day", "hvb") == pytest.approx(1.1 * 486_000 / 121)
    assert results.kpi("barn_unga", "cost_per_care_day", "familjehem") == pytest.approx(880)
    assert results.kpi("barn_unga", "cost_per_care_day", "total") == pytest.approx(1.1 * 952_800 / 527)
    providers = bu.provider_table(results).set_index("provider_id")
    assert providers.loc["H1", "days"] == 90 and providers.loc["H1", "children"] == 2
    assert providers.loc["H1", "mean_price"] == pytest.approx(5000)   # e's unpriced stay is not in the mean
    assert providers.loc["H2", "mean_price"] == pytest.approx(105_000 / 31)
    assert providers.loc["H2", "direct_per_day"] == pytest.approx(105_000 * HVB_FACTOR / 31)
    assert providers.loc["H2", "cost_per_care_day"] == pytest.approx(1.1 * 105_000 * HVB_FACTOR / 31)
    cvl = bu.contracted_vs_ledger(results).set_index("service_code")
    assert cvl.loc["hvb", "ratio"] == pytest.approx(HVB_FACTOR)
    assert cvl.loc["sis", "ratio"] == pytest.approx(1.0)
    assert cvl.loc["hvb", "priced_share"] == pytest.approx(91 / 121)


def test_length_of_placement_per_stay_and_per_episode(results) -> None:
    lengths = bu.stay_lengths(results)
    by_status = lengths.groupby("status")["length_days"].apply(sorted).to_dict()
    assert by_status == {"ended": [10, 30, 60, 92], "ongoing": [12, 31, 1096]}   # s6: 2023-01-01..2025-12-31
    stats = bu.length_summary(results).set_index("status")
    assert stats.loc["ended", "median"] == 45 and stats.loc["ended", "mean"] == 48
    assert stats.loc["ongoing", "median"] == 31 and stats.loc["all", "n"] == 7
    dist = bu.length_distribution(results).set_index("band")
    assert dist.loc["8-30", "ended"] == 2 and dist.loc["8-30", "ongoing"] == 1
    assert dist.loc["31-90", "total"] == 2 and dist.loc["91-180", "ended"] == 1 and dist.loc["731+", "ongoing"] == 1
    assert dist["total"].sum() == 7
    episodes = bu.episodes(results).set_index("person_id")
    assert episodes.loc["a", "length_days"] == 151 and episodes.loc["a", "stays"] == 2   # the transfer joined
    assert episodes.loc["a", "status"] == "ended" and episodes.loc["b", "status"] == "ongoing"
    assert episodes.loc["b", "length_days"] == 31 and episodes.loc["b", "stays"] == 2
    ep_stats = bu.length_summary(results, per_episode=True).set_index("status")
    assert ep_stats.loc["ended", "median"] == 30 and ep_stats.loc["all", "n"] == 5


def test_monthly_inflow_and_outflow(results) -> None:
    flows = bu.flows_by_month(results)
    assert len(flows) == 12
    started = dict(zip(flows["month"].astype(str), flows["stays_started"], strict=True))
    ended = dict(zip(flows["month"].astype(str), flows["stays_ended"], strict=True))
    assert {m: n for m, n in started.items() if n} == {"2025-01": 1, "2025-05": 1, "2025-06": 1, "2025-12": 2}
    assert {m: n for m, n in ended.items() if n} == {"2025-01": 1, "2025-03": 1, "2025-05": 1, "2025-06": 1}
    new = dict(zip(flows["month"].astype(str), flows["episodes_started"], strict=True))
    assert {m: n for m, n in new.items() if n} == {"2025-05": 1, "2025-06": 1, "2025-12": 1}
    assert flows["episodes_ended"].sum() == 3


def test_children_placed_on_each_day(results) -> None:
    daily = bu.placed_per_day(results).set_index("date")
    assert len(daily) == 365
    assert daily.loc["2025-01-01", "total"] == 2
    assert daily.loc["2025-01-31", "total"] == 2     # a counts once in the total ...
    assert daily.loc["2025-01-31", "familjehem"] == 2 and daily.loc["2025-01-31", "hvb"] == 1  # ... in both forms
    assert daily.loc["2025-04-15", "total"] == 1
    assert daily.loc["2025-12-25", "total"] == 2     # b's overlapping stays count once
    assert daily["total"].sum() == 365 + 90 + 31 + 10 + 30
    assert bu.placed_per_day_summary(results)["max"] == 2


def test_age_sex_law_open_care_and_reimbursement(results) -> None:
    ages = bu.cost_by_age_and_sex(results)
    assert set(zip(ages["age_band"].astype(str), ages["sex"], ages["children"], strict=True)) == {
        ("0-6", "M", 1), ("7-12", "K", 1), ("13-17", "M", 2), ("18-20", "K", 1)}
    shown = views.age_and_sex(results).data
    assert "Pojkar" in shown and "Flickor" in shown
    assert results.kpi("barn_unga", "placed_per_1000_0_20", "total") == pytest.approx(5 / 2100 * 1000)
    law = bu.law_split(results).set_index("law")
    assert law.loc["LVU", "days"] == 70 and law.loc["LVU", "children"] == 2
    assert law.loc["SoL", "days"] == 427 and law.loc["SoL", "children"] == 3
    assert law.loc["unknown", "days"] == 30 and law.loc["total", "children"] == 5
    shown = views.legal_basis(results).data
    assert ">Okänd</td>" in shown and ">Totalt</td>" in shown
    mix = bu.open_care_vs_placement(results).set_index("kind")
    assert mix.loc["open_care", "volume"] == pytest.approx(3) and mix.loc["placement", "brukare"] == 5
    assert bu.open_care_and_placement_persons(results) == {"placement_only": 4, "open_care_only": 0, "both": 1}
    money = bu.reimbursement(results).set_index("service_code")
    assert money.loc["hvb", "reimbursement"] == pytest.approx(-48_600)
    assert money.loc["hvb", "persons"] == 3
    assert money.loc["hvb", "net_cost_per_day"] == pytest.approx((1.1 * 486_000 - 48_600) / 121)
    top = bu.top_placements(results, 2)
    # a: 1.1 × (31 × 800 + 300 000 × factor) = 325 098 kr; d: 1.1 × 365 × 800 = 321 200 kr
    assert top["person_id"].tolist() == ["a", "d"]
    assert top["gross_cost"].tolist() == pytest.approx([1.1 * (24_800 + 300_000 * HVB_FACTOR), 321_200])


def test_key_figures_come_from_kpis(results) -> None:
    payload = bu.key_figures_payload(results)
    assert payload["barn_unga/care_days/total"] == 527
    assert payload["barn_unga/care_days/sis"] == 10
    assert payload["barn_unga/cost_per_care_day/sis"] == pytest.approx(16_500)
    assert "barn_unga/care_days/stodboende" not in payload   # no stays of that form
    assert payload["barn_unga/placed_per_1000_0_20/K"] == pytest.approx(2 / 1050 * 1000)


def test_placements_without_a_decision_are_a_warning(results) -> None:
    dq = results.data_quality.set_index("check")
    assert dq.loc["placement_without_decision", "count"] == 3          # s5, s6, s7
    assert dq.loc["placement_without_decision", "severity"] == "warning"
    assert "familjehem 1, hvb 1, sis 1" in dq.loc["placement_without_decision", "detail"]
    quality = bu.placement_quality(results).set_index("check")["count"]
    assert quality["overlapping_placements"] == 2 and quality["placement_without_decision"] == 3
    assert quality["price_missing_in_priced_pool"] == 1                # e's HVB stay
    assert quality["price_missing_unpriced_pool"] == 2                 # the egen family homes


def test_placement_decision_check_on_frames() -> None:
    d = pd.Timestamp
    stays = pd.DataFrame({
        "person_id": ["x", "x", "y", "z"], "service_code": ["hvb", "hvb", "sis", "gruppbostad"],
        "start_date": [d("2025-01-01"), d("2025-06-01"), d("2025-03-01"), d("2025-01-01")],
        "end_date": [d("2025-01-31"), pd.NaT, d("2025-03-05"), pd.NaT],
    })
    decisions = pd.DataFrame({
        "person_id": ["x", "y", "y"], "service_code": ["hvb", "sis", "sis"],
        "start_date": [d("2025-01-31"), d("2025-03-06"), d("2025-03-05")],
        "end_date": [d("2025-05-31"), pd.NaT, d("2025-03-01")],   # the last ends before it starts: ignored
    })
    flagged = placements_without_decision(stays, decisions)
    # x's first stay shares 31 Jan; x's second starts after the decision ended; y's decision starts the day after;
    # z's group home is not a placement
    assert flagged.tolist() == [False, True, True, False]
    findings = Findings()
    assert check_placement_decisions(stays, decisions, findings) == 2
    assert findings.rows[0]["severity"] == "warning" and findings.rows[0]["table"] == "stays"
    assert check_placement_decisions(stays.iloc[0:0], decisions, Findings()) == 0


def test_every_view_renders_without_placements(tmp_path, write_case) -> None:
    from kpbkit.views import barn_unga as views

    config = write_case(tmp_path)   # one hemtjänst visit, no barn och unga at all
    res = views.load(str(run_client(config, progress=lambda *a: None).output_dir))
    assert not bu.has_placements(res)
    for name in ("summary", "service_mix", "forms", "providers", "per_1000", "lengths", "episodes", "flows",
                 "per_day", "age_and_sex", "legal_basis", "open_care", "reimbursement", "cost_distribution",
                 "top_placements", "quality"):
        assert getattr(views, name)(res).data, name


def test_overlapping_placements_are_the_run_s_finding_for_placement_forms(tmp_path, write_case) -> None:
    from kpbkit.model.volumes import resolve_overlaps

    stays = (
        "stay_id,person_id,service_code,start_date,end_date,provider_id,daily_price,law\n"
        "t1,x,hvb,2025-01-01,2025-03-31,P1,,SoL\n"
        "t2,x,hvb,2025-02-01,2025-02-28,P1,,SoL\n"        # started later: owns February
        "t0,x,hvb,2025-02-01,2025-02-10,P1,,SoL\n"        # same start, smaller id: owns no day, still overlaps
        "t4,x,familjehem,2025-03-01,2025-06-30,P1,,SoL\n"  # another form: no overlap
        "t5,x,hvb,2024-01-01,2024-06-30,P1,,SoL\n"        # before the period
        "g1,y,gruppbostad,2025-01-01,,P1,,\n"             # an LSS overlap: not a placement
        "g2,y,gruppbostad,2025-05-01,2025-05-31,P1,,\n"
    )
    persons = "person_id,birth_date,sex\np1,1941-01-01,M\nx,2012-01-01,K\ny,1990-01-01,M\n"
    res = load_results(run_client(write_case(tmp_path, persons=persons, stays=stays), progress=lambda *a: None)
                       .output_dir)
    assert "t0" not in set(res.resolved_stays["stay_id"])
    flagged = res.stays.set_index("stay_id")["overlapping"]
    assert sorted(flagged[flagged].index) == ["g1", "g2", "t0", "t1", "t2"]
    dq = res.data_quality.set_index("check")
    assert dq.loc["overlapping_stays", "count"] == 5
    quality = bu.placement_quality(res).set_index("check")["count"]
    assert quality["overlapping_placements"] == 3
    # the count the report made before by resolving the placement stays' overlaps at render time
    before = Findings()
    resolve_overlaps(bu.counted_placement_stays(res), id_column="stay_id", period=res.config.period,
                     findings=before, table="stays")
    assert before.count("overlapping_stays") == quality["overlapping_placements"]
