"""Comparisons, savings potential and trends: hand-worked arithmetic on tiny cases, "no data" never zero,
the shipped reference file, and the three area templates' new sections on the demo."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from kpbkit import comparisons, labels
from kpbkit.analyses import compare, trends
from kpbkit.analyses.load import load_results
from kpbkit.config import KRONOR_UNITS, REFERENCE_UNITS, load_client_config
from kpbkit.errors import ConfigError
from kpbkit.labels import compare as compare_labels
from kpbkit.pipeline import run_client
from kpbkit.views import compare as views

NO_DATA = compare_labels.NO_DATA


def _kpis(rows: list[tuple[str, str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area", "kpi", "group", "value", "unit"])


def _refs(rows: list[dict]) -> pd.DataFrame:
    base = {"version": "test", "group": "total", "low": math.nan, "high": math.nan, "note": "", "origin": "kpbkit"}
    return pd.DataFrame([{**base, **r} for r in rows]).reindex(columns=[*compare.REFERENCE_COLUMNS, "origin"])


# a client in 2025: 1 000 delivered hours (600 egen, 400 extern) at 600 kr (650 egen, 500 extern), 100 inhabitants 80+
CLIENT_KPIS = _kpis([
    ("aldreomsorg", "cost_per_hour", "total", 600.0, "SEK/hour"),
    ("aldreomsorg", "cost_per_hour", "egen", 650.0, "SEK/hour"),
    ("aldreomsorg", "cost_per_hour", "extern", 500.0, "SEK/hour"),
    ("aldreomsorg", "delivered_hours", "total", 1000.0, "hours"),
    ("aldreomsorg", "delivered_hours", "egen", 600.0, "hours"),
    ("aldreomsorg", "delivered_hours", "extern", 400.0, "hours"),
    ("aldreomsorg", "granted_hours", "total", 1250.0, "hours"),
    ("aldreomsorg", "hours_per_inhabitant_80", "total", 40.0, "hours"),
    ("aldreomsorg", "coverage_80", "total", 0.25, "share"),
    ("aldreomsorg", "delivery_ratio", "total", 0.8, "share"),
    ("barn_unga", "placed_children", "total", 12.0, "persons"),
    ("barn_unga", "placed_per_1000_0_20", "total", 12.0, "per_1000"),
    ("barn_unga", "gross_cost", "hvb", 6_000_000.0, "SEK"),
    ("barn_unga", "gross_cost", "familjehem", 1_200_000.0, "SEK"),
    ("barn_unga", "care_days", "hvb", 1000.0, "days"),
    ("barn_unga", "cost_per_care_day", "hvb", 5500.0, "SEK/day"),
])
POPULATION = pd.DataFrame({"year": [2025, 2025, 2025, 2025], "age": [10, 20, 80, 95], "sex": ["K", "M", "K", "M"],
                           "count": [600.0, 400.0, 70.0, 30.0]})


def _client() -> compare.RunFigures:
    return compare.figures_from_tables(CLIENT_KPIS, None, name="Testkommun", year=2025, population=POPULATION)


def _other(name: str, year: int, cost_per_hour: float, hours_80: float = math.nan) -> compare.RunFigures:
    kpis = _kpis([("aldreomsorg", "cost_per_hour", "total", cost_per_hour, "SEK/hour"),
                  ("aldreomsorg", "hours_per_inhabitant_80", "total", hours_80, "hours")])
    return compare.figures_from_tables(kpis, None, name=name, year=year)


# --- price level -------------------------------------------------------------------------------------------

def test_price_factor_moves_kronor_only() -> None:
    assert compare.price_factor(2016, 2025, index=0.03) == pytest.approx(1.03 ** 9)
    assert compare.price_factor(2027, 2025, index=0.03) == pytest.approx(1.03 ** -2)   # a later year moves back
    assert compare.price_factor(2025, 2025, index=0.03) == 1.0
    assert compare.price_factor(2011, 2025, index=0.03, unit="share") == 1.0
    assert compare.price_factor(2011, 2025, index=0.03, unit="per_1000") == 1.0
    assert math.isnan(compare.price_factor(None, 2025, index=0.03))


def test_reference_comparison_at_the_period_price_level() -> None:
    refs = _refs([
        {"area": "aldreomsorg", "kpi": "cost_per_hour", "value": 500.0, "unit": "SEK/hour", "year": 2020,
         "source": "A", "low": 450.0, "high": 550.0},
        {"area": "aldreomsorg", "kpi": "coverage_80", "value": 0.20, "unit": "share", "year": 2012, "source": "B"},
    ])
    table = compare.reference_comparison(_client(), refs, "aldreomsorg", price_index=0.02,
                                         kpis=(("cost_per_hour", "total"), ("cost_per_hour", "egen"),
                                               ("coverage_80", "total")))
    row = table[(table["kpi"] == "cost_per_hour") & (table["group"] == "total")].iloc[0]
    assert row["factor"] == pytest.approx(1.02 ** 5)
    assert row["reference"] == pytest.approx(500 * 1.02 ** 5)                     # 552.04 kr at 2025's prices
    assert row["reference_low"] == pytest.approx(450 * 1.02 ** 5)
    assert row["deviation"] == pytest.approx(600 - 500 * 1.02 ** 5)
    assert row["deviation_pct"] == pytest.approx(600 / (500 * 1.02 ** 5) - 1)
    share = table[table["kpi"] == "coverage_80"].iloc[0]
    assert share["reference"] == pytest.approx(0.20) and share["factor"] == 1.0    # shares are not price-adjusted
    assert share["deviation"] == pytest.approx(0.05)
    # a KPI without any reference: one row, reference NaN (no data), never 0
    egen = table[(table["kpi"] == "cost_per_hour") & (table["group"] == "egen")]
    assert len(egen) == 1 and math.isnan(egen["reference"].iloc[0]) and math.isnan(egen["deviation"].iloc[0])


def test_closest_year_per_source_is_used() -> None:
    refs = _refs([
        {"area": "aldreomsorg", "kpi": "cost_per_hour", "value": v, "unit": "SEK/hour", "year": y, "source": "FK"}
        for y, v in ((2014, 441.0), (2016, 472.0), (2030, 999.0))
    ] + [{"area": "aldreomsorg", "kpi": "cost_per_hour", "value": 650.0, "unit": "SEK/hour", "year": 2025,
          "source": "Other"}])
    sel = compare.select_references(refs, "aldreomsorg", year=2019)
    assert sorted(zip(sel["source"], sel["year"], strict=True)) == [("FK", 2016), ("Other", 2025)]


# --- comparison municipalities -----------------------------------------------------------------------------

def test_median_of_comparison_municipalities_at_the_client_price_level() -> None:
    others = [_other("A", 2025, 550.0), _other("B", 2024, 580.0), _other("C", 2025, 700.0), _other("D", 2025, math.nan)]
    table = compare.municipality_comparison(_client(), others, "aldreomsorg", price_index=0.02,
                                            kpis=(("cost_per_hour", "total"), ("coverage_80", "total")))
    assert table.attrs["municipalities"] == ["A", "B", "C", "D"]
    row = table[table["kpi"] == "cost_per_hour"].iloc[0]
    assert row["B"] == pytest.approx(580 * 1.02)                           # 2024's kronor at 2025's prices
    assert row["median"] == pytest.approx(580 * 1.02)                      # median of 550, 591.6, 700 (D has none)
    assert row["n"] == 3
    assert row["deviation"] == pytest.approx(600 - 591.6)
    # a KPI no comparison municipality has: no median (NaN), not 0
    coverage = table[table["kpi"] == "coverage_80"].iloc[0]
    assert coverage["n"] == 0 and math.isnan(coverage["median"]) and math.isnan(coverage["deviation"])
    assert compare.municipality_comparison(_client(), [_other("A", 2025, 1.0), _other("A", 2024, 2.0)], "aldreomsorg",
                                           price_index=0.0).attrs["municipalities"] == ["A", "A (2024)"]


def test_median_of_an_even_number() -> None:
    others = [_other("A", 2025, 500.0), _other("B", 2025, 700.0)]
    table = compare.municipality_comparison(_client(), others, "aldreomsorg", price_index=0.03,
                                            kpis=(("cost_per_hour", "total"),))
    assert table["median"].iloc[0] == pytest.approx(600.0)


# --- savings potential -------------------------------------------------------------------------------------

REFS = _refs([
    {"area": "aldreomsorg", "kpi": "cost_per_hour", "value": 400.0, "unit": "SEK/hour", "year": 2016, "source": "R0"},
    {"area": "aldreomsorg", "kpi": "cost_per_hour", "value": 500.0, "unit": "SEK/hour", "year": 2022, "source": "R1"},
    {"area": "aldreomsorg", "kpi": "cost_per_hour", "group": "egen", "value": 700.0, "unit": "SEK/hour",
     "year": 2025, "source": "R2"},
    {"area": "aldreomsorg", "kpi": "hours_per_inhabitant_80", "value": 30.0, "unit": "hours", "year": 2022,
     "source": "R3"},
    {"area": "aldreomsorg", "kpi": "coverage_80", "value": 0.20, "unit": "share", "year": 2023, "source": "R4"},
    {"area": "aldreomsorg", "kpi": "coverage_80", "value": 0.10, "unit": "share", "year": 2021, "source": "R4b"},
    {"area": "aldreomsorg", "kpi": "delivery_ratio", "value": 0.9, "unit": "share", "year": 2015, "source": "R7"},
    {"area": "barn_unga", "kpi": "placed_per_1000_0_20", "value": 10.0, "unit": "per_1000", "year": 2022,
     "source": "R5"},
    {"area": "barn_unga", "kpi": "cost_per_care_day", "group": "hvb", "value": 5000.0, "unit": "SEK/day",
     "year": 2025, "source": "R6"},
])


def _row(frame: pd.DataFrame, kpi: str, group: str, basis: str) -> pd.Series:
    sel = frame[(frame["kpi"] == kpi) & (frame["group"] == group) & (frame["basis"] == basis)]
    assert len(sel) == 1, (kpi, group, basis)
    return sel.iloc[0]


def _said(row: pd.Series) -> str:
    """A savings row's assumption as the report words it."""
    basis = views.basis_label(row["basis"], row["source"], row["source_year"])
    return views.assumption_text({**row.to_dict(), "basis_label": basis})


def test_savings_of_a_unit_cost_against_the_reference_and_the_median() -> None:
    others = [_other("A", 2025, 550.0, 35.0), _other("B", 2024, 580.0, 36.0), _other("C", 2025, 700.0, 50.0)]
    s = compare.savings_potential(_client(), REFS, others, "aldreomsorg", price_index=0.02)
    ref = _row(s, "cost_per_hour", "total", "reference")
    target = 500 * 1.02 ** 3                                                 # 530.60 kr at 2025's prices
    assert ref["target"] == pytest.approx(target) and ref["source"] == "R1"  # not R0: 2016 is context only
    assert ref["base"] == 1000.0                                             # delivered hours
    assert ref["current_cost"] == pytest.approx(600_000.0)
    # the potential is the product of the printed factors: 1 000 hours × (600,00 − 530,60 kr) = 69 400 kr, not
    # the unrounded 69 396 kr
    assert ref["difference"] == pytest.approx(69.40)
    assert ref["potential"] == pytest.approx(69_400.0)
    assert ref["cost_at_target"] == pytest.approx(600_000.0 - 69_400.0)
    assert ref["assumption"] == "unit_cost"
    said = _said(ref).replace("\u00a0", " ")
    assert "vore 530,60 kr i stället för 600,00 kr: 1 000 timmar × 69,40 kr per timme = 69 400 kr" in said
    med = _row(s, "cost_per_hour", "total", "median")
    assert med["target"] == pytest.approx(591.6)
    assert med["potential"] == pytest.approx(1000 * (600 - 591.6))         # 8 400 kr
    # egen: the reference (700 kr) is above the client's 650 kr: no saving, a true 0 (and said so)
    egen = _row(s, "cost_per_hour", "egen", "reference")
    assert egen["potential"] == 0.0 and egen["cost_at_target"] == pytest.approx(600 * 650)
    assert egen["assumption"] == "not_above" and "inte över" in _said(egen)


def test_a_target_displayed_as_the_municipalitys_own_value_is_not_a_savings_row() -> None:
    data = pd.DataFrame({"client": [381.2, 381.2, 10.46, 0.2161, 381.2],
                         "target": [380.9, 375.0, 10.54, 0.2159, float("nan")],
                         "unit": ["SEK/hour", "SEK/hour", "per_1000", "share", "SEK/hour"]})
    # 381 kr vs 381 kr, 10,5 vs 10,5 and 21,6 % vs 21,6 % read as no difference; a missing target is said as such
    assert views.shown_as_target(data) == [True, False, True, True, False]


def test_savings_of_consumption_rates() -> None:
    s = compare.savings_potential(_client(), REFS, [], "aldreomsorg", price_index=0.02)
    hours = _row(s, "hours_per_inhabitant_80", "total", "reference")
    assert hours["target"] == 30.0                                           # hours are not price-adjusted
    assert hours["base"] == 100.0                                            # inhabitants 80+ (70 + 30)
    assert hours["volume_change"] == pytest.approx(1000.0)                  # (40 − 30) × 100 hours
    assert hours["unit_value"] == pytest.approx(600.0)                      # the client's kr per delivered hour
    assert hours["potential"] == pytest.approx(600_000.0)
    assert hours["current_cost"] == pytest.approx(40 * 100 * 600)
    coverage = _row(s, "coverage_80", "total", "reference")
    assert coverage["source"] == "R4" and coverage["target"] == 0.20      # the most recent of the two
    assert coverage["volume_change"] == pytest.approx(5.0)                  # (0.25 − 0.20) × 100 brukare 80+
    assert coverage["unit_value"] == pytest.approx(40 / 0.25 * 600)         # 160 hours per brukare 80+ × 600 kr
    assert coverage["potential"] == pytest.approx(5 * 160 * 600)            # 480 000 kr
    placed = _row(compare.savings_potential(_client(), REFS, [], "barn_unga", price_index=0.02),
                  "placed_per_1000_0_20", "total", "reference")
    assert placed["base"] == 1000.0                                          # inhabitants 0-20 (600 + 400)
    assert placed["volume_change"] == pytest.approx(2.0)                    # (12 − 10) / 1000 × 1000 children
    assert placed["unit_value"] == pytest.approx(7_200_000 / 12)            # placement cost per placed child
    assert placed["potential"] == pytest.approx(2 * 600_000)


def test_every_savings_assumption_multiplies_out_as_printed() -> None:
    """Uneven figures (cost per hour 596,1834 kr over 89 181,75 hours, rates with many decimals): each product the
    assumption prints is its printed factors' product at the printed precision, and the potential is its result."""
    from tests.test_text_matches_tables import _PRODUCT, wrong_products

    uneven = CLIENT_KPIS.copy()
    for kpi, value in (("cost_per_hour", 596.1834), ("delivered_hours", 89_181.75),
                       ("hours_per_inhabitant_80", 40.1234), ("coverage_80", 0.253456),
                       ("placed_per_1000_0_20", 12.3456), ("placed_children", 13.0)):
        uneven.loc[(uneven["kpi"] == kpi) & (uneven["group"] == "total"), "value"] = value
    client = compare.figures_from_tables(uneven, None, name="Testkommun", year=2025, population=POPULATION)
    rows = pd.concat([compare.savings_potential(client, REFS, [], area, price_index=0.02)
                      for area in ("aldreomsorg", "barn_unga")])
    priced = rows[rows["assumption"].isin(["unit_cost", "hours_80", "coverage_80", "placed_0_20"])]
    assert set(priced["assumption"]) == {"unit_cost", "hours_80", "coverage_80", "placed_0_20"}
    for row in priced.itertuples():
        said = _said(pd.Series(row._asdict())).replace("\u00a0", " ")
        checked = [m.group("c") for m in _PRODUCT.finditer(said)]
        assert checked and wrong_products(said) == [], said
        assert checked[-1] == views.formats.number(row.potential, 0).replace("\u00a0", " ")  # the potential


def test_a_reference_older_than_three_years_is_never_a_savings_target() -> None:
    chosen, older = compare.chosen_reference(REFS, "aldreomsorg", "cost_per_hour", "total", year=2025)
    assert chosen is not None and chosen["source"] == "R1" and list(older["source"]) == ["R0"]
    chosen, _ = compare.chosen_reference(REFS, "aldreomsorg", "cost_per_hour", "total", year=2026)  # 2022 = 4 years
    assert chosen is None
    s = compare.savings_potential(_client(), REFS[REFS["source"] != "R1"], [], "aldreomsorg", price_index=0.02)
    old = _row(s, "cost_per_hour", "total", "old_reference")
    assert old["source"] == "R0" and math.isnan(old["target"]) and math.isnan(old["potential"])
    assert old["assumption"] == "old_reference" and "bakgrund" in _said(old)


def test_missing_reference_or_comparison_gives_no_data_not_zero() -> None:
    s = compare.savings_potential(_client(), REFS, [], "aldreomsorg", price_index=0.02)
    extern = _row(s, "cost_per_hour", "extern", "reference")                 # no reference for extern
    assert math.isnan(extern["target"]) and math.isnan(extern["potential"]) and math.isnan(extern["cost_at_target"])
    assert extern["assumption"] == "no_target" and "saknas" in _said(extern)
    median = _row(s, "cost_per_hour", "total", "median")                     # no comparison municipalities
    assert math.isnan(median["potential"]) and "saknas" in _said(median)
    # särskilt boende: neither a client figure nor a reference: no data either
    sabo = _row(s, "sabo_cost_per_day", "total", "reference")
    assert math.isnan(sabo["client"]) and math.isnan(sabo["potential"])
    assert (s["potential"] == 0).sum() == 1                                    # only egen (not dearer) is a true 0
    # the views show missing values as "uppgift saknas", never as a zero
    assert views.value_text(math.nan, "SEK") == NO_DATA
    assert views.value_text(extern["potential"], "SEK") == NO_DATA
    assert views.deviation_text(math.nan, "share") == NO_DATA
    assert views.value_text(0.0, "SEK") == "0\u00a0kr"


def test_derived_kpis_from_person_costs() -> None:
    pc = pd.DataFrame({
        "person_id": ["a", "b", "c", "c", "d"], "area": ["aldreomsorg", "aldreomsorg", "barn_unga", "barn_unga",
                                                          "barn_unga"],
        "service_code": ["sarskilt_boende", "sarskilt_boende", "familjehem", "hvb", "hvb"],
        "regi": ["egen", "extern", "egen", "extern", "extern"], "unit": ["day"] * 5,
        "volume": [100.0, 50.0, 30.0, 10.0, 20.0], "direct_cost": [200_000.0, 110_000.0, 24_000.0, 50_000.0, 100_000.0],
        "overhead_cost": [20_000.0, 10_000.0, 0.0, 0.0, 0.0], "myndighet_cost": [1000.0] * 5,
        "gross_cost": [221_000.0, 121_000.0, 25_000.0, 51_000.0, 101_000.0], "reimbursement": [0.0] * 5,
        "net_cost": [221_000.0, 121_000.0, 25_000.0, 51_000.0, 101_000.0], "fees": [0.0] * 5,
    })
    run = compare.figures_from_tables(CLIENT_KPIS, pc, name="T", year=2025)
    assert run.value("aldreomsorg", "sabo_cost_per_day") == pytest.approx(340_000 / 150)
    assert run.value("aldreomsorg", "sabo_cost_per_day", "egen") == pytest.approx(2200.0)
    assert run.value("aldreomsorg", "cost_per_granted_hour") == pytest.approx(600 * 1000 / 1250)
    assert run.value("barn_unga", "share_placed_familjehem") == pytest.approx(0.5)     # c of c and d
    assert run.service("hvb", "total") == 30.0 and run.service("hvb", "total", "brukare") == 2


# --- results folders, the config, the shipped file ---------------------------------------------------------

def _write_results(folder: Path, rows: list[tuple[str, str, str, float, str]], *, name: str, year: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _kpis(rows).to_csv(folder / "kpis.csv", index=False)
    (folder / "run.json").write_text(json.dumps({"client_name": name, "period": {
        "start": f"{year}-01-01", "end": f"{year}-12-31", "label": str(year)}}), encoding="utf-8")
    return folder


def test_read_run_and_missing_folders(tmp_path: Path) -> None:
    folder = _write_results(tmp_path / "grannby" / "2024" / "results",
                            [("aldreomsorg", "cost_per_hour", "total", 580.0, "SEK/hour")], name="Grannby", year=2024)
    run = compare.read_run(folder.parent)                                     # the period folder works too
    assert run is not None and run.name == "Grannby" and run.year == 2024
    assert run.value("aldreomsorg", "cost_per_hour") == 580.0
    assert math.isnan(run.value("aldreomsorg", "coverage_80"))
    assert compare.read_run(tmp_path / "nowhere") is None


def test_shipped_reference_file() -> None:
    refs = compare.shipped_references()
    assert refs["version"].nunique() == 1 and compare.reference_version(refs)
    assert set(refs["area"]) == {"aldreomsorg", "lss", "barn_unga"}
    assert set(refs["unit"]) <= set(REFERENCE_UNITS)
    kronor = refs[refs["unit"].isin(KRONOR_UNITS)]
    assert kronor["year"].notna().all()
    assert refs["source"].str.strip().ne("").all()
    for kpi in refs["kpi"]:
        assert kpi in labels.KPIS or kpi in compare_labels.KPIS, kpi
    # the contract's names where a figure matches one
    assert {"coverage_80", "cost_per_hour", "cost_per_care_day", "gruppbostad_cost_per_day",
            "placed_per_1000_0_20"} <= set(refs["kpi"])
    ranges = refs[refs["low"].notna() & refs["high"].notna()]
    assert (ranges["low"] <= ranges["value"]).all() and (ranges["value"] <= ranges["high"]).all()


def test_client_references_are_added(write_case, tmp_path: Path) -> None:
    config = load_client_config(write_case(tmp_path, config={"comparison": {"references": [
        {"kpi": "cost_per_hour", "area": "aldreomsorg", "value": 610, "unit": "SEK/hour", "year": 2024,
         "source": "Länets snitt"}]}}))
    refs = compare.load_references(config)
    shipped = compare.shipped_references()
    assert len(refs) == len(shipped) + 1
    own = refs[refs["origin"] == "client"].iloc[0]
    assert own["source"] == "Länets snitt" and own["group"] == "total" and math.isnan(own["low"])


@pytest.mark.parametrize("ref, message", [
    ({"kpi": "cost_per_hour", "area": "aldreomsorg", "value": 610, "unit": "SEK/hour", "source": "X"}, "year"),
    ({"kpi": "cost_per_hour", "area": "aldreomsorg", "value": 610, "unit": "kr", "year": 2024, "source": "X"},
     "unknown unit"),
])
def test_bad_client_references_are_config_errors(write_case, tmp_path: Path, ref: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_client_config(write_case(tmp_path, config={"comparison": {"references": [ref]}}))


# --- trends ------------------------------------------------------------------------------------------------

def test_trends_across_three_years() -> None:
    def year(y: int, cost: float, coverage: float) -> compare.RunFigures:
        return compare.figures_from_tables(_kpis([("aldreomsorg", "cost_per_hour", "total", cost, "SEK/hour"),
                                                  ("aldreomsorg", "coverage_80", "total", coverage, "share")]),
                                           None, name="T", year=y)
    runs = [year(2023, 500.0, 0.20), year(2024, 520.0, math.nan), year(2025, 560.0, 0.25)]
    table = trends.trend_table(runs, "aldreomsorg", to_year=2025, price_index=0.03,
                               kpis=(("cost_per_hour", "total"), ("coverage_80", "total"), ("brukare", "total")))
    cost = table[table["kpi"] == "cost_per_hour"].set_index("year")
    assert list(cost["value"]) == [500.0, 520.0, 560.0]                      # nominal
    assert cost.loc[2023, "value_fixed"] == pytest.approx(500 * 1.03 ** 2)   # at 2025's prices
    assert cost.loc[2024, "value_fixed"] == pytest.approx(520 * 1.03)
    assert cost.loc[2025, "value_fixed"] == 560.0
    assert math.isnan(cost.loc[2023, "change"])
    assert cost.loc[2024, "change"] == pytest.approx(520 * 1.03 / (500 * 1.03 ** 2) - 1)
    coverage = table[table["kpi"] == "coverage_80"].set_index("year")
    assert math.isnan(coverage.loc[2024, "value"])                           # a missing year stays missing
    assert coverage.loc[2025, "change"] == pytest.approx(0.025)             # 5 pp over two years, per year
    summary = trends.trend_summary(table).set_index("kpi")
    assert summary.loc["cost_per_hour", "change_per_year"] == pytest.approx((560 / (500 * 1.03 ** 2)) ** 0.5 - 1)
    assert summary.loc["cost_per_hour", "change_per_year_nominal"] == pytest.approx((560 / 500) ** 0.5 - 1)
    assert summary.loc["coverage_80", "change_per_year"] == pytest.approx(0.025)
    assert math.isnan(summary.loc["brukare", "change_per_year"])             # absent every year: no data


def _tiny_run(write_case, tmp_path: Path, **config) -> Path:
    """A run of the tiny case; its period folder."""
    path = write_case(tmp_path, config=config or None)
    return run_client(path, progress=lambda *a: None).output_dir


def test_report_sections_say_no_data_when_nothing_to_compare(write_case, tmp_path: Path) -> None:
    res = load_results(_tiny_run(write_case, tmp_path, comparison={"municipalities": ["elsewhere/2025/results"]}))
    text = views.municipalities(res, "aldreomsorg").data
    assert "Resultat saknas för 1 av de 1 valda jämförelsekommunerna (elsewhere/2025/results)" in text
    assert NO_DATA in text
    trend = views.trends(res, "aldreomsorg").data
    assert "Resultat från tidigare år saknas" in trend and NO_DATA in trend
    refs = views.references(res, "aldreomsorg").data
    assert NO_DATA in refs and "Referens i 2025 års priser" in refs
    savings = views.savings(res, "aldreomsorg").data
    assert NO_DATA in savings
    # "no data" rows never show a potential of 0 kr
    rows = views.savings_rows(res, "aldreomsorg")
    missing = rows.attrs["data"]["potential"].isna()
    assert (rows.loc[missing, "potential"] == NO_DATA).all()


def test_report_sections_without_comparison_municipalities(write_case, tmp_path: Path) -> None:
    res = load_results(_tiny_run(write_case, tmp_path))
    text = views.municipalities(res, "lss").data
    assert "Inga jämförelsekommuner är valda" in text and NO_DATA in text


def test_trend_section_finds_earlier_years(write_case, tmp_path: Path) -> None:
    reports = tmp_path / "reports" / "testkommun"
    _write_results(reports / "2023" / "results", [("aldreomsorg", "cost_per_hour", "total", 800.0, "SEK/hour")],
                   name="Testkommun", year=2023)
    _write_results(reports / "2024" / "results", [("aldreomsorg", "delivered_hours", "total", 2.0, "hours")],
                   name="Testkommun", year=2024)
    _write_results(reports / "2021" / "results", [("aldreomsorg", "cost_per_hour", "total", 1.0, "SEK/hour")],
                   name="Testkommun", year=2021)                               # beyond history_years: not read
    path = write_case(tmp_path, config={"comparison": {"history_years": 3}})
    assert [y for y, _ in comparisons.earlier_result_folders(load_client_config(path))] == [2023, 2024]
    res = load_results(run_client(path, progress=lambda *a: None).output_dir)
    runs = trends.history(res)
    assert [r.year for r in runs] == [2023, 2024, 2025]
    html = views.trends(res, "aldreomsorg").data
    assert ">2023<" in html and ">2024<" in html and ">2025<" in html and ">2021<" not in html
    assert "800\u00a0kr" in html and "849\u00a0kr" in html                  # 800 kr nominal, × 1.03² at 2025's prices
    assert NO_DATA in html                                                    # 2024 has no cost per hour


# --- the three area templates on the demo ------------------------------------------------------------------

@pytest.mark.parametrize("report", ["hemtjanst", "lss", "barn_unga"])
def test_area_reports_have_comparison_and_trend_sections(demo_run, report: str) -> None:
    result, _ = demo_run
    html = (result.output_dir / f"{report}.html").read_text(encoding="utf-8")
    for heading in ("Jämförelser", "Referensvärden", "Jämförelsekommuner", "Besparingspotential",
                    "Utveckling över tid", "Referens i 2025 års priser"):
        assert heading in html, heading
    assert "Traceback" not in html
    section = html.split("Jämförelser", 1)[1].split("Avstämning mot huvudboken", 1)[0]
    assert section.count('role="img"') >= 1                                  # at least the reference chart
