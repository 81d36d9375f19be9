"""Focused KPI rules: top-10 share, age and sex groups, population denominators, empty denominators."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from frames import CATALOG, YEAR, new_findings, table

from kpbkit.catalog import DEFAULT_AGE_BANDS, parse_age_bands
from kpbkit.model.kpis import compute_kpis, top_share

BANDS = {area: parse_age_bands(labels) for area, labels in DEFAULT_AGE_BANDS.items()}


def test_top_share_takes_ceil_of_a_tenth() -> None:
    # 11 brukare: ceil(1.1) = 2 most expensive carry (100 + 50) of 200
    costs = pd.Series([100.0, 50.0] + [5.0] * 9 + [])
    assert top_share(costs) == pytest.approx(150 / 195)
    assert top_share(pd.Series([10.0, 30.0])) == pytest.approx(30 / 40)
    assert math.isnan(top_share(pd.Series([], dtype=float)))
    assert math.isnan(top_share(pd.Series([0.0, 0.0])))


def person_costs(rows: list[tuple]) -> pd.DataFrame:
    """(person, service, regi, volume, direct, overhead, reimbursement) tuples."""
    out = []
    for person, service, regi, volume, direct, overhead, reimb in rows:
        out.append({
            "person_id": person, "area": CATALOG.area_of(service), "service_code": service, "regi": regi,
            "unit": CATALOG.unit_of(service), "volume": volume, "direct_cost": direct, "overhead_cost": overhead,
            "myndighet_cost": 0.0, "gross_cost": direct + overhead, "reimbursement": reimb,
            "net_cost": direct + overhead + reimb, "fees": 0.0,
        })
    return pd.DataFrame(out)


def kpi(frame: pd.DataFrame, area: str, name: str, group: str = "total") -> float:
    sel = frame[(frame["area"] == area) & (frame["kpi"] == name) & (frame["group"] == group)]
    assert len(sel) == 1, (area, name, group)
    return float(sel["value"].iloc[0])


def test_age_and_sex_groups_skip_unknowns_and_population_kpis_use_that_sex() -> None:
    persons = table("persons", [
        {"person_id": "old_k", "birth_date": "1940-06-01", "sex": "K"},
        {"person_id": "old_m", "birth_date": "1945-12-31", "sex": "M"},  # turns 80 on the period's last day
        {"person_id": "young", "birth_date": "1970-01-01", "sex": "M"},
        {"person_id": "nobody", "birth_date": None, "sex": None},
    ])
    pc = person_costs([
        ("old_k", "hemtjanst", "egen", 100.0, 50_000.0, 10_000.0, 0.0),
        ("old_m", "hemtjanst", "extern", 50.0, 20_000.0, 5_000.0, 0.0),
        ("young", "hemtjanst", "egen", 10.0, 6_000.0, 1_000.0, 0.0),
        ("nobody", "hemtjanst", "egen", 40.0, 24_000.0, 4_000.0, 0.0),
    ])
    granted = pd.DataFrame({"person_id": ["old_k", "nobody", "ghost"], "service_code": ["hemtjanst"] * 3,
                            "granted_hours": [200.0, 50.0, 30.0]})
    population = table("population", [
        {"year": 2025, "age": 80, "sex": "K", "count": 300}, {"year": 2025, "age": 100, "sex": "K", "count": 100},
        {"year": 2025, "age": 85, "sex": "M", "count": 200}, {"year": 2024, "age": 85, "sex": "M", "count": 9999},
        {"year": 2025, "age": 79, "sex": "M", "count": 5000},
    ])
    k = compute_kpis(pc, granted, persons, population, catalog=CATALOG, period=YEAR, age_bands=BANDS,
                     findings=new_findings())
    area = "aldreomsorg"
    assert kpi(k, area, "brukare") == 4
    assert kpi(k, area, "brukare", "80+") == 2 and kpi(k, area, "brukare", "0-64") == 1
    assert kpi(k, area, "brukare", "65-79") == 0
    assert kpi(k, area, "brukare", "M") == 2 and kpi(k, area, "brukare", "K") == 1
    # inhabitants 80+: 400 K + 200 M (2024 ignored); 80+ brukare old_k, old_m
    assert kpi(k, area, "coverage_80") == pytest.approx(2 / 600)
    assert kpi(k, area, "coverage_80", "K") == pytest.approx(1 / 400)
    assert kpi(k, area, "hours_per_inhabitant_80") == pytest.approx(150 / 600)
    assert kpi(k, area, "hours_per_inhabitant_80", "M") == pytest.approx(50 / 200)
    # under 65 among recipients of known age: young of 3
    assert kpi(k, area, "share_under_65") == pytest.approx(1 / 3)
    # delivery ratio over the decision population (old_k, nobody, ghost): (100 + 40 + 0) / 280
    assert kpi(k, area, "granted_hours") == pytest.approx(280)
    assert kpi(k, area, "delivery_ratio") == pytest.approx(140 / 280)
    assert kpi(k, area, "cost_per_hour", "extern") == pytest.approx(25_000 / 50)
    assert kpi(k, area, "cost_per_hour") == pytest.approx((60_000 + 25_000 + 7_000 + 28_000) / 200)
    # lss has no brukare: cost per brukare is empty, brukare 0
    assert kpi(k, "lss", "brukare") == 0 and math.isnan(kpi(k, "lss", "cost_per_brukare"))
    assert math.isnan(kpi(k, "lss", "pa_gross_cost_per_hour"))


def test_population_missing_gives_empty_values_and_a_finding() -> None:
    findings = new_findings()
    pc = person_costs([("c", "hvb", "extern", 10.0, 40_000.0, 0.0, 0.0)])
    persons = table("persons", [{"person_id": "c", "birth_date": "2010-01-01", "sex": "K"}])
    k = compute_kpis(pc, pd.DataFrame(columns=["person_id", "service_code", "granted_hours"]), persons,
                     table("population", []), catalog=CATALOG, period=YEAR, age_bands=BANDS, findings=findings)
    assert math.isnan(kpi(k, "barn_unga", "placed_per_1000_0_20"))
    assert kpi(k, "barn_unga", "placed_children", "13-17") == 1
    assert kpi(k, "barn_unga", "care_days", "hvb") == 10
    assert findings.count("population_missing") == 1
