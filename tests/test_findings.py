"""The findings engine (kpbkit/analyses/findings): each rule on small hand-made results, ranking and overlaps, and
page 1's text agreeing with its table."""

from __future__ import annotations

import json
import math
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from kpbkit.analyses import findings
from kpbkit.analyses.findings import barn_unga, hemtjanst, lss, unit_costs
from kpbkit.analyses.load import Results
from kpbkit.catalog import Catalog, parse_age_bands
from kpbkit.comparisons import REFERENCE_COLUMNS, Comparisons, figures_from_tables
from kpbkit.config.findings import FindingSettings
from kpbkit.period import Period
from kpbkit.privacy import Policy
from kpbkit.views import findings as views
from kpbkit.views.common import Report

SETTINGS = FindingSettings(min_kronor=0)
PC_COLUMNS = ["person_id", "area", "service_code", "regi", "unit", "volume", "direct_cost", "overhead_cost",
              "myndighet_cost", "gross_cost", "reimbursement", "net_cost", "fees"]


def _refs(rows: list[dict]) -> pd.DataFrame:
    base = {"version": "t", "group": "total", "low": math.nan, "high": math.nan, "note": "", "origin": "kpbkit"}
    return pd.DataFrame([{**base, **r} for r in rows]).reindex(columns=[*REFERENCE_COLUMNS, "origin"])


def _pc(rows: list[tuple]) -> pd.DataFrame:
    """person_costs rows: (person, area, service, regi, volume, direct, overhead, reimbursement)."""
    out = []
    for person, area, service, regi, volume, direct, overhead, reimbursement in rows:
        gross = direct + overhead
        out.append([person, area, service, regi, "hours", volume, direct, overhead, 0.0, gross, reimbursement,
                    gross + reimbursement, 0.0])
    frame = pd.DataFrame(out, columns=PC_COLUMNS)
    for col in ("person_id", "area", "service_code", "regi"):
        frame[col] = frame[col].astype("string")
    return frame


def make_results(tmp_path, *, kpis=(), person_costs=None, persons=None, refs=None, others=(), fk_rates=None,
                 **tables) -> Results:
    period = Period.year(2025)
    config = SimpleNamespace(
        client_name="Testkommun", period=period, catalog=Catalog(), path=tmp_path / "client.yaml",
        age_bands={"aldreomsorg": parse_age_bands(["0-64", "65-79", "80+"])},
        comparison=SimpleNamespace(price_index=0.03), lss=SimpleNamespace(fk_hourly_rates=fk_rates or {}),
    )
    kpi_frame = pd.DataFrame(list(kpis), columns=["area", "kpi", "group", "value", "unit"])
    for col in ("area", "kpi", "group"):
        kpi_frame[col] = kpi_frame[col].astype("string")
    all_tables = {"kpis": kpi_frame, "person_costs": person_costs if person_costs is not None else _pc([]),
                  "persons": persons if persons is not None else pd.DataFrame(
                      {"person_id": [], "birth_date": pd.Series([], dtype="datetime64[ns]"), "sex": []}),
                  "reconciliation": pd.DataFrame(columns=["target", "kind", "ledger_amount", "allocated_amount",
                                                          "residual"]),
                  **tables}
    comparisons = Comparisons(references=refs if refs is not None else _refs([]),
                              municipalities=[(o.name, o) for o in others])
    return Results(config=config, folder=tmp_path, tables=all_tables, run={}, _comparisons=comparisons)


def _people(n: int, sex: str, born: str, prefix: str) -> pd.DataFrame:
    return pd.DataFrame({"person_id": [f"{prefix}{i}" for i in range(n)], "birth_date": pd.Timestamp(born),
                         "sex": sex})


# --- home care ---------------------------------------------------------------------------------------------

def _home_care(tmp_path, women: int, men: int, women_hours: float, men_hours: float) -> Results:
    persons = pd.concat([_people(women, "K", "1940-03-01", "k"), _people(men, "M", "1940-03-01", "m")])
    deliveries = pd.DataFrame({"person_id": persons["person_id"], "service_code": "hemtjanst",
                               "volume": [women_hours] * women + [men_hours] * men})
    granted = deliveries.rename(columns={"volume": "granted_hours"})
    return make_results(tmp_path, kpis=[("aldreomsorg", "cost_per_hour", "total", 500.0, "SEK/hour"),
                                        ("aldreomsorg", "delivery_ratio", "total", 1.0, "share")],
                        persons=persons, deliveries=deliveries, granted=granted)


def test_gender_difference_within_an_age_band_is_valued_at_the_cost_per_hour(tmp_path) -> None:
    found = hemtjanst.findings(_home_care(tmp_path, 12, 12, 100.0, 130.0), SETTINGS)
    [gender] = [f for f in found if f.rule == "gender_difference"]
    assert gender.subject == "80+:M" and gender.observed == 130.0 and gender.target == 100.0
    assert gender.volume == pytest.approx(12 * 30)                 # the men's extra hours
    assert gender.kronor == pytest.approx(12 * 30 * 500)
    assert gender.kind == "difference" and gender.group_size == 24


@pytest.mark.parametrize(("women", "men", "men_hours"), [(12, 9, 130.0), (12, 12, 105.0)])
def test_no_gender_finding_for_a_small_group_or_a_small_difference(tmp_path, women, men, men_hours) -> None:
    found = hemtjanst.findings(_home_care(tmp_path, women, men, 100.0, men_hours), SETTINGS)
    assert not [f for f in found if f.rule == "gender_difference"]


def test_hours_delivered_above_the_decision(tmp_path) -> None:
    results = _home_care(tmp_path, 3, 0, 10.0, 0.0)
    results.tables["granted"] = results.tables["granted"].assign(granted_hours=[10.0, 8.0, 12.0])
    [over] = [f for f in hemtjanst.findings(results, SETTINGS) if f.rule == "delivered_above_granted"]
    assert over.volume == pytest.approx(2.0) and over.group_size == 1     # only the one granted 8 hours
    assert over.kronor == pytest.approx(2.0 * 500)


def test_low_delivery_ratio_is_a_risk_without_kronor(tmp_path) -> None:
    results = _home_care(tmp_path, 3, 0, 10.0, 0.0)
    results.tables["kpis"].loc[results.tables["kpis"]["kpi"] == "delivery_ratio", "value"] = 0.7
    [low] = [f for f in hemtjanst.findings(results, SETTINGS) if f.rule == "low_delivery_ratio"]
    assert low.kind == "risk" and math.isnan(low.kronor) and low.target == SETTINGS.delivery_ratio_low


def _providers(tmp_path, hours: tuple[float, ...], delivered_share: tuple[float, ...]) -> Results:
    """Ten brukare per provider P0, P1, ...: each gets ``hours[i]`` and was granted hours / ``delivered_share[i]``."""
    persons = pd.concat([_people(10, "K", "1940-03-01", f"p{i}_") for i in range(len(hours))])
    provider = [f"P{i}" for i in range(len(hours)) for _ in range(10)]
    volume = [h for h in hours for _ in range(10)]
    deliveries = pd.DataFrame({"person_id": persons["person_id"], "service_code": "hemtjanst",
                               "provider_id": provider, "regi": "extern", "volume": volume})
    granted = pd.DataFrame({"person_id": persons["person_id"], "service_code": "hemtjanst",
                            "granted_hours": [h / s for h, s in zip(hours, delivered_share, strict=True)
                                              for _ in range(10)]})
    kpis = [("aldreomsorg", "cost_per_hour", "total", 500.0, "SEK/hour"),
            ("aldreomsorg", "cost_per_hour", "extern", 450.0, "SEK/hour")]
    return make_results(tmp_path, kpis=kpis, persons=persons, deliveries=deliveries, granted=granted)


def test_a_provider_whose_brukare_get_more_hours_than_the_providers_median(tmp_path) -> None:
    results = _providers(tmp_path, (100.0, 110.0, 150.0), (0.9, 0.9, 0.9))
    [more] = [f for f in hemtjanst.findings(results, SETTINGS) if f.rule == "provider_hours_per_brukare"]
    assert more.subject == "P2:extern" and more.observed == 150.0 and more.target == 110.0
    assert more.volume == pytest.approx(10 * 40) and more.kronor == pytest.approx(10 * 40 * 450)
    close = _providers(tmp_path, (100.0, 110.0, 120.0), (0.9, 0.9, 0.9))      # 9 % over the median: none
    assert not [f for f in hemtjanst.findings(close, SETTINGS) if f.rule == "provider_hours_per_brukare"]


def test_a_provider_delivering_little_of_what_was_granted(tmp_path) -> None:
    results = _providers(tmp_path, (100.0, 100.0, 100.0), (0.95, 0.95, 0.7))
    [low] = [f for f in hemtjanst.findings(results, SETTINGS) if f.rule == "provider_low_delivery"]
    assert low.subject == "P2" and low.observed == pytest.approx(0.7) and math.isnan(low.kronor)
    assert low.volume == pytest.approx(10 * (100 / 0.7 - 100))


# --- personal assistance -----------------------------------------------------------------------------------

def _pa(tmp_path, *, refs=None) -> Results:
    pc = _pc([("a", "lss", "pa_sfb", "egen", 60.0, 20_000.0, 4_000.0, -6_000.0),
              ("b", "lss", "pa_sfb", "egen", 40.0, 14_000.0, 2_000.0, -4_000.0)])
    six = pd.DataFrame({"person_id": ["a", "b"], "service_code": "pa_sfb", "row_type": "year",
                        "reimbursement": [-18_000.0, -12_000.0], "reimbursed_hours": [60.0, 40.0]})
    return make_results(tmp_path, person_costs=pc, fk_rates={2025: 300.0}, refs=refs, pa_six_month=six)


def test_pa_cost_per_hour_above_the_period_fk_rate_an_assumption_until_published(tmp_path) -> None:
    [above] = [f for f in lss.findings(_pa(tmp_path), SETTINGS) if f.rule == "pa_cost_above_fk_rate"]
    assert above.observed == pytest.approx(400.0) and above.target == 300.0   # 40 000 kr / 100 hours
    assert above.kronor == pytest.approx(100 * 100.0) and above.assumption
    published = _refs([{"area": "lss", "kpi": "pa_gross_cost_per_hour", "value": 300.0, "unit": "SEK/hour",
                        "year": 2025, "source": "FK"}])
    [above] = [f for f in lss.findings(_pa(tmp_path, refs=published), SETTINGS) if f.rule == "pa_cost_above_fk_rate"]
    assert not above.assumption


def test_fk_reimbursement_expected_but_not_booked(tmp_path) -> None:
    [gap] = [f for f in lss.findings(_pa(tmp_path), SETTINGS) if f.rule == "fk_reimbursement_not_booked"]
    assert gap.target == pytest.approx(30_000.0) and gap.observed == pytest.approx(10_000.0)
    assert gap.kronor == pytest.approx(20_000.0)


# --- unit costs against the chosen target ------------------------------------------------------------------

def _gruppbostad(tmp_path, refs, others=()) -> Results:
    pc = _pc([(f"g{i}", "lss", "gruppbostad", "egen", 365.0, 1_200_000.0, 260_000.0, 0.0) for i in range(12)])
    kpis = [("lss", "gruppbostad_cost_per_day", "total", 4000.0, "SEK/day")]
    return make_results(tmp_path, kpis=kpis, person_costs=pc, refs=refs, others=others)


def test_a_unit_cost_above_its_current_reference(tmp_path) -> None:
    refs = _refs([{"area": "lss", "kpi": "gruppbostad_cost_per_day", "value": 3000.0, "unit": "SEK/day",
                   "year": 2024, "source": "KPB"}])
    [f] = [f for f in unit_costs.findings(_gruppbostad(tmp_path, refs), SETTINGS)
           if f.subject == "gruppbostad_cost_per_day:total"]
    assert f.target == pytest.approx(3000 * 1.03) and f.basis == "reference" and f.source_year == 2024
    assert f.kronor == pytest.approx(12 * 365 * (4000 - 3090)) and f.group_size == 12


def test_an_old_reference_is_no_target_but_a_median_of_two_is(tmp_path) -> None:
    old = _refs([{"area": "lss", "kpi": "gruppbostad_cost_per_day", "value": 1000.0, "unit": "SEK/day",
                  "year": 2016, "source": "KPB"}])
    assert not unit_costs.findings(_gruppbostad(tmp_path, old), SETTINGS)
    others = [figures_from_tables(pd.DataFrame([("lss", "gruppbostad_cost_per_day", "total", v, "SEK/day")],
                                               columns=["area", "kpi", "group", "value", "unit"]),
                                  None, name=name, year=2025) for name, v in (("A", 3400.0), ("B", 3600.0))]
    [f] = unit_costs.findings(_gruppbostad(tmp_path, old, others), SETTINGS)
    assert f.basis == "median" and f.target == pytest.approx(3500.0) and f.source == ""


# --- barn och unga -----------------------------------------------------------------------------------------

def test_family_home_share_below_the_reference(tmp_path) -> None:
    pc = _pc([*((f"h{i}", "barn_unga", "hvb", "extern", 100.0, 500_000.0, 0.0, 0.0) for i in range(4)),
              *((f"f{i}", "barn_unga", "familjehem", "egen", 300.0, 300_000.0, 0.0, 0.0) for i in range(6))])
    refs = _refs([{"area": "barn_unga", "kpi": "share_placed_familjehem", "value": 0.8, "unit": "share",
                   "year": 2022, "source": "Riket"}])
    kpis = [("barn_unga", "placed_children", "total", 10.0, "persons")]
    results = make_results(tmp_path, kpis=kpis, person_costs=pc, refs=refs)
    [mix] = barn_unga._mix(results, SETTINGS, 5000.0, 400.0, 1000.0)
    assert mix.observed == pytest.approx(0.6) and mix.target == 0.8
    assert mix.volume == pytest.approx(0.2 * 10 * 100.0)       # 2 children × 100 HVB days each
    assert mix.kronor == pytest.approx(200.0 * 4000.0)


# --- ranking -----------------------------------------------------------------------------------------------

def _finding(area: str, kronor: float, overlap: str = "", rule: str = "r", size: float = 50.0) -> dict:
    return {**{k: "" for k in findings.Finding.__dataclass_fields__}, "area": area, "rule": rule, "kronor": kronor,
            "overlap": overlap, "certainty": "medium", "group_size": size, "observed": 1.0, "target": 1.0,
            "source_year": math.nan, "volume": 1.0, "assumption": False}


def test_findings_rank_by_kronor_per_area_and_mark_overlaps_never_sum() -> None:
    frame = pd.DataFrame([_finding("a", 10.0, "x"), _finding("a", math.nan), _finding("a", 30.0, "x"),
                          _finding("b", 5.0)])
    ranked = findings.rank(frame)
    a = ranked[ranked["area"] == "a"]
    assert list(a["kronor"].fillna(-1)) == [30.0, 10.0, -1]
    assert list(a["rank"]) == [1, 2, 3] and list(a["overlaps"]) == ["2", "1", ""]
    assert list(ranked[ranked["area"] == "b"]["rank"]) == [1]


# --- page 1 ------------------------------------------------------------------------------------------------

def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d[\d\u00a0]*(?:,\d+)?(?:\u00a0(?:kr|mnkr|%))?", text))


def test_page_one_text_and_table_show_the_same_kronor_and_small_groups_are_withheld(tmp_path) -> None:
    results = _pa(tmp_path)
    frame = findings.find(results, SETTINGS)
    frame.to_csv(tmp_path / findings.FINDINGS_FILE, index=False)
    html = views.conclusions(Report.of(results, Policy()), "lss").data
    items, table = html.split("<table", 1)
    for kronor in frame[frame["area"] == "lss"]["kronor"]:
        shown = views.kronor_text(kronor)
        assert shown in items and shown in table
    published = views.conclusions(Report.of(results, Policy(True, 5)), "lss").data
    assert "<ol" not in published and "2 fynd" in published      # both rest on 2 persons
    assert not any(views.kronor_text(k) in published for k in frame["kronor"])


def test_the_page_one_table_shows_every_figure_of_a_findings_text(tmp_path) -> None:
    results = _home_care(tmp_path, 12, 12, 100.0, 130.0)
    findings.find(results, SETTINGS).to_csv(tmp_path / findings.FINDINGS_FILE, index=False)
    html = views.conclusions(Report.of(results, Policy()), "aldreomsorg").data
    items, table = html.split("<table", 1)
    sentence = re.search(r"</strong> (.*?)<br>", items).group(1)  # what was seen and how large
    said = {n for n in _numbers(sentence) if not n.startswith("80")}  # "80+ år" is the age band
    assert {"130,0", "100,0"} <= said                               # men's and women's hours per brukare
    assert said <= _numbers(table), said - _numbers(table)
    assert "; 24 personer<" in table                                # the group the finding rests on


def test_a_run_writes_its_findings_and_the_reports_read_them(tmp_path, write_case) -> None:
    from kpbkit.analyses.load import load_results
    from kpbkit.pipeline import run_client

    config = write_case(tmp_path, config={"findings": {"min_kronor": 0, "top": 3}})
    result = run_client(config, progress=lambda *a: None)
    path = result.results_dir / findings.FINDINGS_FILE
    assert path.is_file()
    written = pd.read_csv(path)
    assert list(written.columns) == findings.COLUMNS
    again = findings.read_findings(load_results(result.output_dir))
    assert len(again) == len(written)
    recorded = json.loads((result.results_dir / "run.json").read_text(encoding="utf-8"))["findings"]
    assert recorded == FindingSettings(min_kronor=0, top=3).model_dump()


def test_a_section_shows_its_rules_findings_with_page_one_numbers_or_says_there_are_none(tmp_path) -> None:
    results = _home_care(tmp_path, 12, 12, 100.0, 130.0)
    findings.find(results, SETTINGS).to_csv(tmp_path / findings.FINDINGS_FILE, index=False)
    report = Report.of(results, Policy())
    shown = views.section(report, "aldreomsorg", ("gender_difference",), none="gender").data
    page_one = views.rows(report, "aldreomsorg", policy=Policy())[0]
    number = int(page_one.loc[page_one["rule"] == "gender_difference", "number"].iloc[0])
    assert f"Fynd {number} i sammanfattningen" in shown and views.kronor_text(12 * 30 * 500) in shown
    none = views.section(report, "aldreomsorg", ("provider_low_delivery",), none="providers").data
    assert "Ingen utförare" in none
