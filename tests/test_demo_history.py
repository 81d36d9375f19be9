"""Exempelkommun's earlier years and the comparison municipalities (kpbkit.demo.history, .comparisons, .run).

The results come from the session's demo run (``demo_run``, which runs everything as ``kpbkit demo`` does); the
table-level checks use the generator's tables directly.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpbkit import demo
from kpbkit.analyses.compare import COMPARE_KPIS
from kpbkit.comparisons import derived_kpis
from kpbkit.config import load_client_config
from kpbkit.demo import COMPARISONS, EARLIER_YEARS, comparison_tables, history_tables, shift_dates
from kpbkit.demo import extracts as demo_extracts
from kpbkit.demo import generate as demo_generate
from kpbkit.demo import history as demo_history
from kpbkit.demo import run as demo_runner
from kpbkit.io.sources import read_source_text

YEARS = (*EARLIER_YEARS, demo.YEAR)
RESULT_FILES = ("kpis.csv", "unit_costs.csv", "person_costs.csv", "run.json")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return demo.build_demo_tables(seed=demo.DEFAULT_SEED)


@pytest.fixture(scope="module")
def earlier(tables: dict[str, pd.DataFrame]) -> dict[int, dict[str, pd.DataFrame]]:
    """The earlier years' tables by years back (0: the generator's own)."""
    return {0: tables, 1: history_tables(tables, 1), 2: history_tables(tables, 2)}


@pytest.fixture(scope="module")
def family(demo_run) -> dict[str, Path]:
    """The results folders of the session's demo run: Exempelkommun per year and each comparison municipality."""
    result, _ = demo_run
    root = result.config.output_root
    folders = {str(year): root / "exempelkommun" / str(year) / "results" for year in YEARS}
    folders.update({c.client_id: root / c.client_id / str(demo.YEAR) / "results" for c in COMPARISONS})
    return folders


def _kpi(folder: Path, area: str, kpi: str, group: str = "total") -> float:
    kpis = pd.read_csv(folder / "kpis.csv")
    row = kpis[(kpis["area"] == area) & (kpis["kpi"] == kpi) & (kpis["group"] == group)]
    assert len(row) == 1, f"{area}/{kpi}/{group} not in {folder}"
    return float(row["value"].iloc[0])


def _data_folders(demo_run) -> dict[str, tuple[Path, int]]:
    """Every generated data folder of the session's run with the year it holds."""
    result, main = demo_run
    folders = {str(demo.YEAR): (main, demo.YEAR)}
    folders.update({str(y): (main.parent / f"{main.name}-{y}", y) for y in EARLIER_YEARS})
    folders.update({c.client_id: (main.parent / c.client_id, demo.YEAR) for c in COMPARISONS})
    return folders


# ------------------------------------------------------------------------------------------------ the years


def test_three_consecutive_years_of_one_client(demo_run, family: dict[str, Path]) -> None:
    result, _ = demo_run
    assert [int(y) for y in YEARS] == list(range(demo.YEAR - 2, demo.YEAR + 1))
    for year in YEARS:
        folder = family[str(year)]
        for name in RESULT_FILES:
            assert (folder / name).is_file(), folder / name
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        assert run["client"] == result.config.client_id == "exempelkommun"
        assert run["period"]["label"] == str(year) and run["outcome"] == "ok"
    assert result.output_dir == family[str(demo.YEAR)].parent
    # the earlier years' configs are Exempelkommun's settings for another year: same key, shapes and codes
    main = load_client_config(result.config.path)
    data = result.config.input_folder
    for year in EARLIER_YEARS:
        year_config = load_client_config(data.parent / f"{data.name}-{year}.yaml")
        assert year_config.client_id == main.client_id and year_config.period.label == str(year)
        assert year_config.pseudonym_key() == main.pseudonym_key()  # the same persons, the same pseudonyms
        assert year_config.model.input.codes == main.model.input.codes
        assert year_config.model.input.tables == main.model.input.tables and year_config.model.input.shape == "swedish"
        assert year_config.output_root == main.output_root
        assert year in year_config.lss.fk_hourly_rates
        assert year_config.comparison.municipalities == []


def test_earlier_years_are_clean_runs_with_their_control_total(family: dict[str, Path]) -> None:
    for year in EARLIER_YEARS:
        dq = pd.read_csv(family[str(year)] / "data_quality.csv")
        checks = set(dq["check"])
        assert "control_total_match" in checks and "control_total_mismatch" not in checks
        assert not (dq["severity"] == "error").any()
        # the extracts' planted defects are there every year
        counts = dq.set_index(["check", "table"])["count"]
        for key, count in demo_extracts.PLANTED.items():
            assert counts[key] == count, (year, key)


def test_development_has_the_intended_direction(family: dict[str, Path]) -> None:
    def series(area: str, kpi: str, group: str = "total") -> list[float]:
        return [_kpi(family[str(y)], area, kpi, group) for y in YEARS]

    home = series("aldreomsorg", "brukare", "hemtjanst")
    assert home[0] < home[1] < home[2] and home[0] > 0.85 * home[2]
    hours = series("aldreomsorg", "delivered_hours")
    assert hours[0] < hours[1] < hours[2]
    gross = [sum(_kpi(family[str(y)], area, "gross_cost") for area in ("aldreomsorg", "lss", "barn_unga"))
             for y in YEARS]
    assert gross[0] < gross[1] < gross[2]
    coverage = series("aldreomsorg", "coverage_80")
    assert all(0.17 <= c <= 0.25 for c in coverage)
    assert coverage[0] < coverage[2] and max(np.abs(np.diff(coverage))) < 0.02  # it moves a little
    # unit costs: the price index and a real increase (home care's own staff, bought placements)
    index = (1 + demo_history.PRICE_INDEX) ** 2
    egen = series("aldreomsorg", "cost_per_hour", "egen")
    real = (1 + demo_history.REAL_COST_CHANGE["hemtjanst:egen"]) ** -2
    assert egen[2] / (egen[0] * index) == pytest.approx(real, rel=0.02) and real > 1.04
    hvb = series("barn_unga", "cost_per_care_day", "hvb")
    assert hvb[2] / (hvb[0] * index) == pytest.approx((1 + demo_history.PLACEMENT_REAL_INCREASE) ** 2, rel=0.02)
    rate = series("lss", "pa_gross_cost_per_hour")
    assert rate[0] < rate[1] < rate[2]


def test_the_mix_changes_over_the_years(family: dict[str, Path]) -> None:
    """Not just the same year deflated: the LOV share, the HVB share, PA hours and the delivery ratio move."""
    def series(area: str, kpi: str, group: str = "total") -> np.ndarray:
        return np.array([_kpi(family[str(y)], area, kpi, group) for y in YEARS])

    lov = series("aldreomsorg", "delivered_hours", "extern") / series("aldreomsorg", "delivered_hours")
    assert (np.diff(lov) > 0.02).all()  # LOV's share of the hours grows by 2+ points a year
    hvb = series("barn_unga", "care_days", "hvb") / series("barn_unga", "care_days")
    assert (hvb[1:] / hvb[:-1] > 1.05).all()  # and HVB's share of the care days
    placed = series("barn_unga", "placed_per_1000_0_20")
    assert (placed[1:] / placed[:-1] > 1.02).all()
    ratio = series("aldreomsorg", "delivery_ratio")
    assert (np.diff(ratio) > 0.02).all() and ratio[0] > 0.75 and ratio[-1] < 0.95

    def pa_hours(year: int) -> float:
        pc = pd.read_csv(family[str(year)] / "person_costs.csv")
        return float(pc.loc[pc["service_code"] == "pa_sfb", "volume"].sum())

    hours = np.array([pa_hours(y) for y in YEARS])
    assert (hours[1:] / hours[:-1] > 1.03).all()


#: the KPIs the comparison sections compare, with (kpi, group); derived ones from person_costs
_COMPARED = [(area, kpi, group) for area, kpis in COMPARE_KPIS.items() for kpi, group in kpis]


def _compared(folder: Path) -> pd.Series:
    kpis = pd.read_csv(folder / "kpis.csv")
    derived = derived_kpis(kpis, pd.read_csv(folder / "person_costs.csv"))
    values = pd.concat([kpis, derived]).set_index(["area", "kpi", "group"])["value"]
    return values.reindex(_COMPARED)


def test_every_compared_kpi_differs_between_municipalities_and_years(family: dict[str, Path]) -> None:
    """Each KPI the reports compare differs by a believable amount: 2-40 % between any two of the three
    municipalities, and at least 2 % from one year to the next."""
    values = pd.DataFrame({name: _compared(family[name])
                           for name in (*(str(y) for y in YEARS), "grannby", "jamforstad")})
    values = values.dropna(how="all")
    assert len(values) >= 20 and not values.isna().any().any(), values
    municipalities = (str(demo.YEAR), "grannby", "jamforstad")
    for key, row in values.iterrows():
        for a, b in itertools.combinations(municipalities, 2):
            assert 0.02 <= abs(row[a] / row[b] - 1) <= 0.4, (key, a, b, row[a], row[b])
        for a, b in itertools.pairwise(str(y) for y in YEARS):
            assert abs(row[b] / row[a] - 1) >= 0.02, (key, a, b, row[a], row[b])


def test_population_is_younger_and_slightly_smaller(earlier: dict[int, dict[str, pd.DataFrame]]) -> None:
    totals, old = [], []
    for k in (2, 1, 0):
        t = earlier[k]
        pop = t["population"].astype({"year": int, "age": int, "count": int})
        assert set(pop["year"]) == {demo.YEAR - k}
        forecast = t["population_forecast"].astype({"year": int})
        assert sorted(forecast["year"].unique()) == list(range(demo.YEAR - k + 1, demo.YEAR - k + 11))
        totals.append(pop["count"].sum())
        old.append(pop.loc[pop["age"] >= 80, "count"].sum())
    assert totals[0] < totals[1] < totals[2] and totals[0] > 0.98 * totals[2]
    assert old[0] < old[1] < old[2]


# ------------------------------------------------------------------------------------------------ dates and persons


def test_dates_move_back_and_29_february_clamps(earlier: dict[int, dict[str, pd.DataFrame]]) -> None:
    assert shift_dates(pd.Series(["2024-02-29", "2020-02-29", "2025-12-31", ""]), 1).tolist() == [
        "2023-02-28", "2019-02-28", "2024-12-31", ""]
    assert shift_dates(pd.Series(["2024-02-29"]), 4).tolist() == ["2020-02-29"]
    base = earlier[0]["decisions"].set_index("decision_id")
    leap = base[base["start_date"].str.endswith("-02-29")]
    assert len(leap) > 0  # the generator's data has a decision starting on a 29 February
    for k in (1, 2):
        tables = earlier[k]
        dec = tables["decisions"].set_index("decision_id")
        kept = leap.index.intersection(dec.index)
        assert len(kept) > 0
        for decision_id in kept:
            start = pd.Timestamp(base.at[decision_id, "start_date"])
            expected = (start - pd.DateOffset(years=k)).strftime("%Y-%m-%d")
            assert dec.at[decision_id, "start_date"] == expected and expected.endswith("-02-28")
        year = str(demo.YEAR - k)
        visits = tables["visits"]["date"]
        assert visits.str.startswith(year).mean() > 0.99
        assert set(visits.str[:4]) == {year, str(demo.YEAR - k - 1)}  # the planted visits of late December
        ledger = tables["ledger"]["date"]
        assert ledger.str.startswith(year).sum() == len(ledger) - 2  # the two planted rows outside the year
        for frame in (tables["decisions"], tables["stays"]):
            assert (frame["start_date"] <= frame["end_date"].where(frame["end_date"] != "", "9999")).all()
        assert (tables["decisions"]["decided_on"] <= tables["decisions"]["start_date"]).all()


def test_same_persons_with_ages_from_their_birth_dates(earlier: dict[int, dict[str, pd.DataFrame]]) -> None:
    base = earlier[0]["persons"]
    for k in (1, 2):
        year = demo.YEAR - k
        persons = earlier[k]["persons"]
        listed = set(zip(base["birth_date"], base["sex"], strict=True))
        assert set(zip(persons["birth_date"], persons["sex"], strict=True)) <= listed
        assert len(persons) > 0.98 * len(base)
        age = year - persons["birth_date"].str[:4].astype(int)
        assert (age >= 0).all()
        # the 10-digit forms say '+' exactly for those turning 100 or more that year
        assert ((persons["personnummer"].str[6] == "+").to_numpy() == (age >= 100).to_numpy()).all()
        assert (age >= 100).any()


def _normalise(value: str, year: int) -> str:
    digits = value.replace("-", "").replace("+", "")
    if len(digits) == 12:
        return digits
    yy = int(digits[:2])
    return f"{year - (year - yy) % 100 - (100 if '+' in value else 0)}{digits[2:]}"


def test_only_shipped_test_personnummer_in_every_generated_extract(demo_run) -> None:
    shipped = set(demo.load_test_personnummer())
    columns = {"personer.csv": "Personnr", "utford_tid.csv": "Personnr", "vistelser.xlsx": "Personnr"}
    for name, (folder, year) in _data_folders(demo_run).items():
        assert (folder / demo.STAMP_FILE).is_file(), folder
        for file, column in columns.items():
            values = read_source_text(folder / file)[column]
            given = values[values != ""]
            outside = {_normalise(v, year) for v in given} - shipped
            assert len(outside) == (1 if file == "utford_tid.csv" else 0), (name, file)  # the planted typo
        register = pd.read_csv(folder / "register_beslut.txt", sep=";", header=None, dtype=str,
                               keep_default_na=False, encoding="cp1252")
        assert set(register[2]) <= shipped, name
        persons = read_source_text(folder / "personer.csv")
        born = persons["Födelsedatum"].str[:4].astype(int)
        plus = persons["Personnr"].str.contains("+", regex=False).to_numpy(dtype=bool)
        assert (plus == (year - born >= 100).to_numpy()).all(), name
        dates = read_source_text(folder / "utford_tid.csv")["Datum"]
        assert dates[dates != ""].str.match(rf"^({year}|{year - 1}-12)").all(), name


# ------------------------------------------------------------------------------------------------ comparisons


def test_comparison_municipalities_differ_from_exempelkommun_and_each_other(demo_run, family: dict[str, Path]
                                                                            ) -> None:
    result, _ = demo_run
    assert [c.client_id for c in COMPARISONS] == ["grannby", "jamforstad"]
    assert sorted(result.config.comparison_folders) == sorted(family[c.client_id] for c in COMPARISONS)
    own = family[str(demo.YEAR)]
    figures = {}
    for c in COMPARISONS:
        folder = family[c.client_id]
        for name in RESULT_FILES:
            assert (folder / name).is_file(), folder / name
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        assert run["client"] == c.client_id and run["client_name"] == c.name and run["period"]["label"] == "2025"
        figures[c.client_id] = {
            kpi: _kpi(folder, "aldreomsorg", kpi) for kpi in ("cost_per_hour", "coverage_80", "brukare")}
        assert 450 <= figures[c.client_id]["cost_per_hour"] <= 750
        assert 0.15 <= figures[c.client_id]["coverage_80"] <= 0.30
    ours = {kpi: _kpi(own, "aldreomsorg", kpi) for kpi in ("cost_per_hour", "coverage_80")}
    assert figures["grannby"]["cost_per_hour"] < 0.92 * ours["cost_per_hour"]  # cheaper per hour
    assert figures["jamforstad"]["cost_per_hour"] > 1.08 * ours["cost_per_hour"]
    assert figures["jamforstad"]["coverage_80"] < ours["coverage_80"] < figures["grannby"]["coverage_80"]
    assert _kpi(family["jamforstad"], "lss", "gruppbostad_cost_per_day") > _kpi(own, "lss", "gruppbostad_cost_per_day")
    kpis = {name: pd.read_csv(family[name] / "kpis.csv").set_index(["area", "kpi", "group"])["value"]
            for name in (str(demo.YEAR), "grannby", "jamforstad")}
    assert not kpis["grannby"].equals(kpis["jamforstad"]) and not kpis["grannby"].equals(kpis[str(demo.YEAR)])


def test_comparison_configs_have_their_own_client_and_key(demo_run) -> None:
    result, main = demo_run
    keys = {result.config.pseudonym_key()}
    for c in COMPARISONS:
        config = load_client_config(main.parent / f"{c.client_id}.yaml")
        assert config.client_id == c.client_id and config.client_name == c.name
        assert config.output_root == result.config.output_root and config.period.label == str(demo.YEAR)
        keys.add(config.pseudonym_key())
        providers = read_source_text(config.input_folder / "utforare.csv")["Namn"]
        assert not providers.str.contains("Exempelkommun").any() and providers.str.contains(c.name).any()
    assert len(keys) == 1 + len(COMPARISONS)


# ------------------------------------------------------------------------------------------------ determinism


def test_deterministic_per_seed(earlier: dict[int, dict[str, pd.DataFrame]]) -> None:
    again = history_tables(demo.build_demo_tables(seed=demo.DEFAULT_SEED), 2)
    for name, frame in earlier[2].items():
        pd.testing.assert_frame_equal(frame, again[name], obj=name)
    assert not history_tables(earlier[0], 2, seed=7)["visits"].equals(earlier[2]["visits"])
    grannby = COMPARISONS[0]
    first, second = comparison_tables(grannby), comparison_tables(grannby)
    for name, frame in first.items():
        pd.testing.assert_frame_equal(frame, second[name], obj=name)


def test_earlier_brukare_are_a_subset_of_later_ones(earlier: dict[int, dict[str, pd.DataFrame]]) -> None:
    def home_care(k: int) -> set[str]:
        dec = earlier[k]["decisions"]
        return set(dec.loc[dec["service_code"] == "hemtjanst", "personnummer"])

    assert home_care(2) < home_care(1) < home_care(0)


def test_up_to_date_data_is_not_generated_again(demo_run, monkeypatch: pytest.MonkeyPatch) -> None:
    result, main = demo_run
    stamps = {p: p.read_text() for p in main.parent.glob(f"*/{demo.STAMP_FILE}")}
    assert len(stamps) == 1 + len(EARLIER_YEARS) + len(COMPARISONS)

    def fail(*args, **kwargs):
        raise AssertionError("regenerated data that was up to date")

    monkeypatch.setattr(demo_generate, "generate_demo", fail)
    monkeypatch.setattr(demo_runner, "history_tables", fail)
    monkeypatch.setattr(demo_runner, "comparison_tables", fail)
    demo_set = demo_runner.prepare_demo(result.config.path)
    assert [year for year, _ in demo_set.earlier] == list(EARLIER_YEARS)
    assert [c.client_id for c, _ in demo_set.comparisons] == [c.client_id for c in COMPARISONS]
    assert {p: p.read_text() for p in stamps} == stamps
    assert re.fullmatch(r"[0-9a-f]{64}\n", (main.parent / "grannby.key").read_text())
