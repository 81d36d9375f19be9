"""The forecast (prognos): rates × population per age group and sex, scenarios, the budget gap, "no data"
without a population forecast, the config's checks, the results files and the template on the demo."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from kpbkit.analyses import prognos as analysis
from kpbkit.catalog import Catalog, parse_age_bands
from kpbkit.config import PrognosSection, ScenarioSection
from kpbkit.errors import ConfigError
from kpbkit.labels import prognos as text
from kpbkit.model import forecast as model
from kpbkit.pipeline import run_client
from kpbkit.report import pdf_text, read_key_figures
from kpbkit.report.templates_catalog import REPORTS
from tests.privacy import visible_text

PNR_SHAPE = re.compile(r"\d{6,8}[-+]?\d{4}")
BANDS = parse_age_bands(["0-79", "80+"])
BASE = model.BASE_SCENARIO

# --- a hand-made case -----------------------------------------------------------------------------------------
# hemtjänst: p1 (K, 70) 100 h; p2 (K, 85) 150 h extern + 50 h egen (one brukare); p3 (M, 90) 50 h; p4 (age and
# sex unknown) 50 h at a dearer rate. Särskilt boende: p2 365 days at 2 000 kr.
# Unit cost of hemtjänst = (350 h × 600 + 50 h × 900) / 400 h = 637,50 kr, over every brukare (p4 included).
PERSON_COSTS = pd.DataFrame([
    ("p1", "hemtjanst", "egen", 100.0, 54_000.0, 6_000.0),
    ("p2", "hemtjanst", "extern", 150.0, 81_000.0, 9_000.0),
    ("p2", "hemtjanst", "egen", 50.0, 27_000.0, 3_000.0),
    ("p3", "hemtjanst", "egen", 50.0, 27_000.0, 3_000.0),
    ("p4", "hemtjanst", "egen", 50.0, 40_000.0, 5_000.0),
    ("p2", "sarskilt_boende", "egen", 365.0, 700_000.0, 30_000.0),
], columns=["person_id", "service_code", "regi", "volume", "direct_cost", "overhead_cost"])
ATTRIBUTES = pd.DataFrame(
    {"age": pd.array([70, 85, 90, None], dtype="Int64"), "sex": pd.array(["K", "K", "M", None], dtype="string")},
    index=pd.Index(["p1", "p2", "p3", "p4"], name="person_id"),
)
# inhabitants: K 0-79, K 80+, M 0-79, M 80+ (spread over two ages each, to check the sums)
INHABITANTS = {2025: (1000, 100, 800, 50), 2026: (1100, 120, 900, 60), 2027: (1200, 150, 1000, 80)}


def _population(years: list[int]) -> pd.DataFrame:
    rows = []
    for year in years:
        k_young, k_old, m_young, m_old = INHABITANTS[year]
        for sex, young, old in (("K", k_young, k_old), ("M", m_young, m_old)):
            rows += [(year, 30, sex, young * 0.6), (year, 70, sex, young * 0.4),
                     (year, 82, sex, old * 0.5), (year, 100, sex, old * 0.5)]
    return pd.DataFrame(rows, columns=["year", "age", "sex", "count"])


def _forecast(scenarios=(), *, years=(2026, 2027), base_population=True) -> pd.DataFrame:
    population = _population([2025]) if base_population else _population([]).iloc[:0]
    rates = model.consumption_rates(PERSON_COSTS, ATTRIBUTES, population, base_year=2025,
                                    services=["hemtjanst", "sarskilt_boende"], catalog=Catalog(), bands=BANDS)
    pop = pd.concat([model.population_by_group(population, [2025], BANDS),
                     model.population_by_group(_population(list(years)), [2026, 2027], BANDS)])
    return model.project(rates, pop, base_year=2025, horizon=2, scenarios=list(scenarios), bands=BANDS)


def _value(forecast: pd.DataFrame, year: int, scenario: str, service: str, measure: str = "volume") -> float:
    per = model.totals(forecast, ("year", "scenario", "service_code")).set_index(["year", "scenario",
                                                                                   "service_code"])
    return float(per.loc[(year, scenario, service), measure])


def test_rates_are_brukare_and_volume_per_inhabitant_per_age_group_and_sex() -> None:
    rates = model.consumption_rates(PERSON_COSTS, ATTRIBUTES, _population([2025]), base_year=2025,
                                    services=["hemtjanst", "sarskilt_boende"], catalog=Catalog(), bands=BANDS)
    r = rates.set_index(["service_code", "age_group", "sex"])
    assert len(rates) == 2 * 2 * 2  # every service, group and sex, also those without brukare
    assert r.loc[("hemtjanst", "0-79", "K"), ["population", "brukare", "volume"]].tolist() == [1000, 1, 100]
    assert r.loc[("hemtjanst", "0-79", "K"), "brukare_rate"] == pytest.approx(0.001)
    assert r.loc[("hemtjanst", "0-79", "K"), "volume_rate"] == pytest.approx(0.1)
    # p2's two regi rows are one brukare with 200 hours
    assert r.loc[("hemtjanst", "80+", "K"), ["brukare", "volume"]].tolist() == [1, 200]
    assert r.loc[("hemtjanst", "80+", "K"), "volume_rate"] == pytest.approx(2.0)
    assert r.loc[("hemtjanst", "80+", "M"), "brukare_rate"] == pytest.approx(0.02)
    assert r.loc[("hemtjanst", "0-79", "M"), ["brukare", "brukare_rate", "volume_rate"]].tolist() == [0, 0, 0]
    # unknown age and sex (p4) are in no rate: the known groups hold 350 of the 400 hours
    assert r.loc["hemtjanst", "volume"].sum() == 350
    # the unit cost counts every brukare: (350 × 600 + 50 × 900) / 400
    assert r.loc[("hemtjanst", "0-79", "K"), "unit_cost"] == pytest.approx(637.5)
    assert r.loc[("sarskilt_boende", "80+", "K"), "unit_cost"] == pytest.approx(2000.0)
    assert rates["unit"].tolist()[:4] == ["hour"] * 4


def test_projection_is_rate_times_population_per_age_group_and_sex() -> None:
    f = _forecast()
    rows = f[(f["year"] == 2026) & (f["service_code"] == "hemtjanst")].set_index(["age_group", "sex"])
    assert rows.loc[("0-79", "K"), "volume"] == pytest.approx(0.1 * 1100)
    assert rows.loc[("80+", "K"), "volume"] == pytest.approx(2.0 * 120)
    assert rows.loc[("80+", "M"), "volume"] == pytest.approx(1.0 * 60)
    assert rows.loc[("80+", "M"), "brukare"] == pytest.approx(0.02 * 60)
    assert rows.loc[("0-79", "M"), "volume"] == 0
    assert _value(f, 2026, BASE, "hemtjanst") == pytest.approx(410)
    assert _value(f, 2026, BASE, "hemtjanst", "cost") == pytest.approx(410 * 637.5)
    assert _value(f, 2027, BASE, "hemtjanst") == pytest.approx(120 + 300 + 80)
    assert _value(f, 2027, BASE, "sarskilt_boende") == pytest.approx(3.65 * 150)
    assert _value(f, 2027, BASE, "sarskilt_boende", "cost") == pytest.approx(3.65 * 150 * 2000)
    # the base year reproduces the known brukare's volume
    assert _value(f, 2025, BASE, "hemtjanst") == pytest.approx(350)
    assert _value(f, 2025, BASE, "hemtjanst", "brukare") == pytest.approx(3)
    assert list(f.columns) == model.FORECAST_COLUMNS
    assert set(f["scenario"]) == {BASE}


def test_a_yearly_rate_change_compounds_from_the_base_year() -> None:
    f = _forecast([model.Scenario("Minus 10 % per år", rate_change_per_year=-0.10)])
    name = "Minus 10 % per år"
    assert _value(f, 2025, name, "hemtjanst") == pytest.approx(350)
    assert _value(f, 2026, name, "hemtjanst") == pytest.approx(410 * 0.9)
    assert _value(f, 2027, name, "hemtjanst") == pytest.approx(500 * 0.9 ** 2)
    assert _value(f, 2027, name, "hemtjanst", "brukare") == pytest.approx((1.2 + 1.5 + 1.6) * 0.81)
    assert _value(f, 2027, name, "sarskilt_boende") == pytest.approx(3.65 * 150 * 0.81)
    assert _value(f, 2027, BASE, "hemtjanst") == pytest.approx(500)  # the base scenario is untouched


def test_the_80_plus_change_applies_to_the_80_plus_groups_from_the_first_forecast_year() -> None:
    name = "Täckning 80+ −20 %"
    f = _forecast([model.Scenario(name, coverage_80_change=-0.2, services=("hemtjanst",))])
    assert _value(f, 2025, name, "hemtjanst") == pytest.approx(350)  # not in the base year
    assert _value(f, 2026, name, "hemtjanst") == pytest.approx(110 + (240 + 60) * 0.8)
    assert _value(f, 2027, name, "hemtjanst") == pytest.approx(120 + (300 + 80) * 0.8)
    # limited to hemtjänst: särskilt boende (80+ too) follows the base scenario
    assert _value(f, 2027, name, "sarskilt_boende") == pytest.approx(3.65 * 150)


def test_a_new_unit_cost_applies_from_the_first_forecast_year_and_a_scenario_may_be_limited_to_services() -> None:
    f = _forecast([model.Scenario("Ny timkostnad", unit_costs={"hemtjanst": 500.0}, services=("hemtjanst",)),
                   model.Scenario("Bara SÄBO", rate_change_per_year=-0.5, services=("sarskilt_boende",))])
    assert _value(f, 2025, "Ny timkostnad", "hemtjanst", "cost") == pytest.approx(350 * 637.5)
    assert _value(f, 2026, "Ny timkostnad", "hemtjanst", "cost") == pytest.approx(410 * 500)
    assert _value(f, 2026, "Ny timkostnad", "hemtjanst") == pytest.approx(410)  # volumes unchanged
    assert _value(f, 2026, "Bara SÄBO", "sarskilt_boende") == pytest.approx(3.65 * 120 * 0.5)
    assert _value(f, 2026, "Bara SÄBO", "hemtjanst") == pytest.approx(410)
    assert f["scenario"].drop_duplicates().tolist() == [BASE, "Ny timkostnad", "Bara SÄBO"]


def test_the_budget_gap_is_forecast_cost_minus_the_frame() -> None:
    f = _forecast([model.Scenario("Minus 10 % per år", rate_change_per_year=-0.10)])
    gap = model.budget_gap(f, {2026: 1_100_000.0, 2027: 1_400_000.0, 2040: 5.0})
    assert list(gap.columns) == model.BUDGET_COLUMNS
    assert sorted(gap["year"].unique()) == [2026, 2027]  # 2040 is outside the forecast
    g = gap.set_index(["year", "scenario"])
    base_2026 = 410 * 637.5 + 3.65 * 120 * 2000
    assert g.loc[(2026, BASE), "cost"] == pytest.approx(base_2026)
    assert g.loc[(2026, BASE), "gap"] == pytest.approx(base_2026 - 1_100_000)
    assert g.loc[(2026, BASE), "gap_share"] == pytest.approx((base_2026 - 1_100_000) / 1_100_000)
    assert g.loc[(2027, "Minus 10 % per år"), "gap"] == pytest.approx(
        (500 * 637.5 + 3.65 * 150 * 2000) * 0.81 - 1_400_000)


def test_a_forecast_year_without_population_has_no_data_never_zero() -> None:
    f = _forecast([model.Scenario("Minus", rate_change_per_year=-0.1)], years=(2026,))
    missing = f[f["year"] == 2027]
    assert len(missing) and missing[["population", "brukare", "volume", "cost"]].isna().all().all()
    assert math.isnan(_value(f, 2027, BASE, "hemtjanst"))
    assert _value(f, 2026, BASE, "hemtjanst") == pytest.approx(410)
    total = model.totals(f).set_index(["year", "scenario"])
    assert math.isnan(total.loc[(2027, BASE), "cost"]) and total.loc[(2026, BASE), "cost"] > 0
    gap = model.budget_gap(f, {2026: 1.0, 2027: 1.0}).set_index(["year", "scenario"])
    assert math.isnan(gap.loc[(2027, BASE), "gap"]) and math.isnan(gap.loc[(2027, BASE), "cost"])
    assert gap.loc[(2027, BASE), "budget"] == 1.0
    payload = analysis.key_figures_payload(model.ForecastTables(pd.DataFrame(), f, gap.reset_index(),
                                                                pd.DataFrame()))
    assert payload[f"prognos/cost/total/2027/{BASE}"] is None
    assert payload[f"prognos/gap/total/2027/{BASE}"] is None


def test_a_missing_population_forecast_or_base_population_gives_no_data() -> None:
    f = _forecast(years=())
    assert f.loc[f["year"] > 2025, ["brukare", "volume", "cost"]].isna().all().all()
    assert _value(f, 2025, BASE, "hemtjanst") == pytest.approx(350)
    without_base = _forecast(base_population=False)
    assert without_base[["brukare", "volume", "cost"]].isna().all().all()


def test_service_base_reports_what_the_rates_leave_out() -> None:
    rates = model.consumption_rates(PERSON_COSTS, ATTRIBUTES, _population([2025]), base_year=2025,
                                    services=["hemtjanst", "sarskilt_boende"], catalog=Catalog(), bands=BANDS)
    base = model.service_base(PERSON_COSTS, ATTRIBUTES, rates, services=["hemtjanst", "sarskilt_boende"],
                              catalog=Catalog(), bands=BANDS).set_index("service_code")
    assert base.loc["hemtjanst", ["brukare", "volume", "cost"]].tolist() == [4, 400, 255_000]
    assert base.loc["hemtjanst", "unit_cost"] == pytest.approx(637.5)
    assert base.loc["hemtjanst", ["brukare_unassigned", "volume_unassigned"]].tolist() == [1, 50]
    assert base.loc["hemtjanst", "volume_unassigned_share"] == pytest.approx(50 / 400)
    assert base.loc["sarskilt_boende", "volume_unassigned"] == 0


def test_one_year_ages_and_their_labels() -> None:
    ages = pd.Series([0, 79, 100, 104, -1, None], dtype="Int64")
    assert model.age_groups(ages, ()).fillna("?").tolist() == ["0", "79", "100+", "100+", "?", "?"]
    assert model.age_groups(ages, BANDS).fillna("?").tolist() == ["0-79", "0-79", "80+", "80+", "?", "?"]
    order = model.age_group_order(())
    assert order[0] == "0" and order[-1] == "100+" and len(order) == 101
    rates = model.consumption_rates(PERSON_COSTS, ATTRIBUTES, _population([2025]), base_year=2025,
                                    services=["hemtjanst"], catalog=Catalog(), bands=())
    r = rates.set_index(["age_group", "sex"])
    assert r.loc[("70", "K"), "volume_rate"] == pytest.approx(100 / 400)  # 40 % of 1 000 are aged 70
    assert r.loc[("85", "K"), ["brukare", "population"]].tolist() == [1, 0]  # nobody of 85 lives there ...
    assert math.isnan(r.loc[("85", "K"), "brukare_rate"])  # ... so the rate is undefined, not infinite
    assert r.loc[("31", "K"), "brukare_rate"] == 0  # no inhabitants and no brukare: a plain zero
    groups = pd.Series(["79", "80", "100+"])
    assert model.is_80_plus(groups, ()).tolist() == [False, True, True]
    with pytest.raises(ValueError, match="straddles 80"):
        model.is_80_plus(pd.Series(["75-84"]), parse_age_bands(["0-74", "75-84", "85+"]))


# --- the config ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("bands", "words"), [
    (["0-64", "70+"], "ages 65-69 are in no age group"),
    (["5-64", "65+"], "must start at 0"),
    (["0-64", "65-79"], "open-ended"),
    (["0-70", "65+"], "overlap"),
])
def test_age_groups_must_cover_every_age(bands, words) -> None:
    with pytest.raises(ValueError, match=words):
        PrognosSection(age_bands=bands)
    assert PrognosSection(age_bands=[]).age_bands == []


def test_scenario_checks() -> None:
    with pytest.raises(ValueError, match="two scenarios are named"):
        PrognosSection(scenarios=[ScenarioSection(name="A"), ScenarioSection(name="A")])
    with pytest.raises(ValueError, match="base scenario"):
        PrognosSection(scenarios=[ScenarioSection(name=BASE)])
    with pytest.raises(ValueError, match="not among the scenario's services"):
        ScenarioSection(name="B", unit_costs={"hemtjanst": 500}, services=["sarskilt_boende"])
    with pytest.raises(ValueError, match="needs an age group starting at 80"):
        PrognosSection(age_bands=["0-74", "75-84", "85+"],
                       scenarios=[ScenarioSection(name="C", coverage_80_change=-0.1)])
    with pytest.raises(ValueError, match="must name the scenario"):
        ScenarioSection(name="  ")


def test_config_errors_name_the_key(tmp_path, write_case) -> None:
    from kpbkit.config import load_client_config

    path = write_case(tmp_path, config={"prognos": {"age_bands": ["0-64", "70+"]}})
    with pytest.raises(ConfigError, match=r"prognos\.age_bands"):
        load_client_config(path)
    path = write_case(tmp_path / "b", config={"prognos": {"services": ["nope"]}})
    with pytest.raises(ConfigError, match=r"prognos\.services") as err:
        run_client(path, progress=lambda *a: None)
    assert "nope" in str(err.value)
    path = write_case(tmp_path / "c", config={"prognos": {"scenarios": [{"name": "X", "services": ["hvb"]}]}})
    with pytest.raises(ConfigError, match=r"prognos\.scenarios\[0\]\.services"):
        run_client(path, progress=lambda *a: None)


# --- the results files of a run -----------------------------------------------------------------------------------

PERSONS = "person_id,birth_date,sex\np1,1955-06-01,K\np2,1940-01-01,K\np3,1935-01-01,M\n"
VISITS = "person_id,service_code,date,minutes,provider_id\n" + "".join(
    f"{p},hemtjanst,2025-03-{day:02d},600,P1\n" for p, days in (("p1", range(1, 11)), ("p2", range(1, 21)),
                                                                ("p3", range(1, 6)), ("p4", range(1, 6)))
    for day in days)


def _population_csv(years: list[int]) -> str:
    return "year,age,sex,count\n" + _population(years).to_csv(index=False, header=False)


def test_every_run_writes_the_forecast_tables(tmp_path, write_case) -> None:
    path = write_case(
        tmp_path, persons=PERSONS, visits=VISITS,
        ledger="date,account,responsibility,activity,amount\n2025-03-31,5010,100,510,255000.00\n",
        population=_population_csv([2025]), population_forecast=_population_csv([2026, 2027]),
        config={"prognos": {"horizon": 3, "age_bands": ["0-79", "80+"], "budget": {2026: 250000},
                            "scenarios": [{"name": "Minus", "rate_change_per_year": -0.1}]}},
    )
    result = run_client(path, progress=lambda *a: None)
    folder = result.results_dir
    rates = pd.read_csv(folder / "prognos_rates.csv")
    forecast = pd.read_csv(folder / "prognos.csv")
    budget = pd.read_csv(folder / "prognos_budget.csv")
    assert list(rates.columns) == model.RATE_COLUMNS
    assert list(forecast.columns) == model.FORECAST_COLUMNS
    assert list(budget.columns) == model.BUDGET_COLUMNS
    hours = forecast[(forecast["scenario"] == BASE)].groupby("year")["volume"].sum(min_count=1)
    assert hours[2025] == pytest.approx(350) and hours[2026] == pytest.approx(410)
    assert hours[2027] == pytest.approx(500)
    assert forecast.loc[forecast["year"] == 2028, ["volume", "cost"]].isna().all().all()  # no population: empty
    cost_per_hour = 255000 / 400
    assert budget.set_index(["year", "scenario"]).loc[(2026, BASE), "gap"] == pytest.approx(410 * cost_per_hour
                                                                                            - 250000)
    assert set(forecast.loc[forecast["year"] == 2025, "population_source"]) == {"population.csv"}
    assert set(forecast.loc[forecast["year"] == 2026, "population_source"]) == {"population_forecast.csv"}


@pytest.mark.render
def test_the_report_says_no_data_without_a_population_forecast(tmp_path, write_case) -> None:
    path = write_case(tmp_path, persons=PERSONS, visits=VISITS, population=_population_csv([2025]),
                      config={"prognos": {"age_bands": ["0-79", "80+"], "budget": {2026: 1000}}})
    result = run_client(path, render=True, only="prognos", pdf=False, progress=lambda *a: None)
    forecast = pd.read_csv(result.results_dir / "prognos.csv")
    assert forecast.loc[forecast["year"] > 2025, "cost"].isna().all()
    assert (forecast.loc[forecast["year"] == 2025, "volume"].sum()) == pytest.approx(350)
    shown = visible_text(result.output_dir / "prognos.html")
    assert text.TITLE in shown and "ingen prognos kan beräknas" in shown
    assert "Traceback" not in shown and "nan" not in shown.split()
    figures = read_key_figures(result.output_dir / "notebooks" / "prognos.ipynb")
    assert figures[f"prognos/cost/total/2026/{BASE}"] is None
    assert figures[f"prognos/gap/total/2026/{BASE}"] is None


# --- the template on the demo -----------------------------------------------------------------------------------


def test_the_report_is_registered() -> None:
    assert ("prognos", "prognos", text.TITLE) in [(r.name, r.area, r.title) for r in REPORTS]


def test_demo_run_writes_the_forecast_report(demo_run) -> None:
    result, _ = demo_run
    out = result.output_dir
    for name in ("prognos.html", "prognos.pdf", "notebooks/prognos.ipynb", "results/prognos.csv",
                 "results/prognos_rates.csv", "results/prognos_budget.csv"):
        assert (out / name).is_file(), name
    for path in (out / "prognos.html", out / "prognos.pdf"):
        shown = visible_text(path)
        assert text.TITLE in shown, path.name
        assert not PNR_SHAPE.findall(shown), f"{path.name} holds a personnummer-shaped string"
        assert "Traceback" not in shown and "nan" not in shown.split()
        for heading in ("Befolkningens utveckling", "Konsumtionstal per ålder och kön", "Budgetram och gap",
                        "Vad prognosen inte omfattar", BASE, "Minskad konsumtion 1 % per år"):
            assert heading in shown, (path.name, heading)
    assert "Sida 1 av" in pdf_text(out / "prognos.pdf")
    html = (out / "prognos.html").read_text(encoding="utf-8")
    assert "<script" not in html and "https://" not in html


def test_the_demo_forecast_figures_equal_prognos_csv(demo_run) -> None:
    result, _ = demo_run
    figures = read_key_figures(result.output_dir / "notebooks" / "prognos.ipynb")
    forecast = pd.read_csv(result.results_dir / "prognos.csv", keep_default_na=False, na_values=[""])
    budget = pd.read_csv(result.results_dir / "prognos_budget.csv").set_index(["year", "scenario"])
    compared = 0
    for key, value in figures.items():
        _, measure, service, year, scenario = key.split("/", 4)
        if measure == "gap":
            expected = budget.loc[(int(year), scenario), "gap"]
        else:
            rows = forecast[(forecast["year"] == int(year)) & (forecast["scenario"] == scenario)]
            if service != "total":
                rows = rows[rows["service_code"] == service]
            assert len(rows), key
            expected = rows[measure].sum()
        assert value == pytest.approx(float(expected), rel=1e-9), key
        compared += 1
    assert compared >= 200
    scenarios = set(forecast["scenario"])
    assert scenarios == {BASE, "Minskad konsumtion 1 % per år", "Lägre täckning 80+ (−10 %)",
                         "Ny timkostnad hemtjänst"}
    assert sorted(forecast["year"].unique()) == list(range(2025, 2036))
    # the demo's population growth 80+ exposes a gap against the frame (base cost + 1 % a year)
    assert figures[f"prognos/gap/total/2035/{BASE}"] > 0
    assert figures[f"prognos/cost/total/2035/{BASE}"] > figures[f"prognos/cost/total/2025/{BASE}"]
    assert forecast[["brukare", "volume", "cost"]].notna().all().all()
