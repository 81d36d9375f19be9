"""The barn och unga template on the demo: a smoke run, key figures = kpis.csv, no personnummer out."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kpbkit.catalog import PLACEMENT_SERVICES
from kpbkit.report import pdf_text, read_key_figures
from tests.privacy import personnummer_forms

REPORT = "barn_unga"


def test_demo_run_writes_the_barn_unga_report(demo_run) -> None:
    result, _ = demo_run
    out = result.output_dir
    for name in (f"{REPORT}.html", f"{REPORT}.pdf", f"notebooks/{REPORT}.ipynb"):
        assert (out / name).is_file(), name
    html = (out / f"{REPORT}.html").read_text(encoding="utf-8")
    assert "<script" not in html and "https://" not in html
    for heading in ("Genomlysning av barn och unga", "Placeringsformer", "Placeringarnas längd",
                    "In- och utflöde under året", "Lagrum: SoL och LVU", "Öppenvård och placeringar",
                    "Statlig ersättning (återsökning)", "Datakvalitet", "Metod och definitioner"):
        assert heading in html, heading
    assert html.count('role="img"') >= 8     # every chart is an accessible inline figure
    text = pdf_text(out / f"{REPORT}.pdf")
    assert "Sida 1 av" in text and "Vårddygn" in text and "Placerade per 1 000 invånare" in text
    assert "Traceback" not in text and "nan" not in text.split()


def test_report_key_figures_equal_kpis_csv(demo_run) -> None:
    result, _ = demo_run
    figures = read_key_figures(result.output_dir / "notebooks" / f"{REPORT}.ipynb")
    kpis = pd.read_csv(result.results_dir / "kpis.csv", keep_default_na=False, na_values=[""])
    for key, value in figures.items():
        area, kpi, group = key.split("/")
        assert area == "barn_unga", key
        row = kpis[(kpis["area"] == area) & (kpis["kpi"] == kpi) & (kpis["group"] == group)]
        assert len(row) == 1, key
        assert value == pytest.approx(float(row["value"].iloc[0]), rel=1e-12), key
    # the data contract's barn_unga KPIs, with care days and cost per care day per placement form
    required = {f"barn_unga/{kpi}/total" for kpi in ("placed_children", "care_days", "cost_per_care_day",
                                                      "placed_per_1000_0_20")}
    placed = kpis[(kpis["area"] == "barn_unga") & (kpis["kpi"] == "care_days")
                  & kpis["group"].isin(PLACEMENT_SERVICES) & (kpis["value"] > 0)]["group"]
    assert len(placed) == len(PLACEMENT_SERVICES)   # the demo has every placement form
    required |= {f"barn_unga/{kpi}/{code}" for code in placed for kpi in ("care_days", "cost_per_care_day")}
    assert required <= set(figures)
    assert all(figures[key] is not None for key in required)


def test_no_personnummer_in_the_barn_unga_outputs(demo_run) -> None:
    result, data = demo_run
    forms = personnummer_forms(data)
    assert len(forms) > 1000
    pattern = re.compile(r"\d{6,8}[-+]?\d{4}")
    out = result.output_dir
    for path in (out / f"{REPORT}.html", out / f"{REPORT}.pdf", out / "notebooks" / f"{REPORT}.ipynb"):
        text = pdf_text(path) if path.suffix == ".pdf" else path.read_text(encoding="utf-8", errors="replace")
        assert not {m for m in pattern.findall(text) if m in forms}, f"{path.name} holds personnummer"
    detail = pd.read_csv(result.results_dir / "data_quality.csv", keep_default_na=False)
    assert not any(pattern.search(d) for d in detail["detail"])
