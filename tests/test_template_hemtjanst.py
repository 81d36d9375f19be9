"""The hemtjänst template: its contract, a smoke run on the demo, key figures = kpis.csv, no personnummer out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from kpbkit.report import pdf_text, read_key_figures
from tests.privacy import personnummer_forms

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates" / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_template_contract(path: Path) -> None:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert code[0] is tagged[0], "the parameters cell comes first"
    # the parameters cell holds only simple assignments
    for line in tagged[0].source.splitlines():
        assert re.fullmatch(r'\w+ = ("[^"]*"|\d+|True|False)', line.strip()), line
    for cell in code:
        assert not cell.get("outputs"), "templates are committed without outputs"
        assert cell.get("execution_count") is None
        assert not re.search(r"^\s*(def|class|import pandas|import numpy)\b", cell.source, re.M), cell.source
        assert len(cell.source.splitlines()) <= 6, "a template cell is a few lines calling kpbkit"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_demo_run_writes_the_report_and_the_results(demo_run) -> None:
    result, _ = demo_run
    out = result.output_dir
    assert out.parts[-2:] == ("exempelkommun", "2025")
    for name in ("hemtjanst.html", "hemtjanst.pdf", "notebooks/hemtjanst.ipynb", "results/kpis.csv",
                 "results/person_costs.csv", "results/unit_costs.csv", "results/reconciliation.csv",
                 "results/data_quality.csv", "results/run.json"):
        assert (out / name).is_file(), name
    html = (out / "hemtjanst.html").read_text(encoding="utf-8")
    assert "<script" not in html and "https://" not in html
    assert "Genomlysning av hemtjänsten" in html and "Utförandegrad" in html
    text = pdf_text(out / "hemtjanst.pdf")
    assert "Sida 1 av" in text and "Täckningsgrad" in text and "Särskilt boende" in text
    record = json.loads((out / "results" / "run.json").read_text(encoding="utf-8"))
    assert record["outcome"] == "ok" and record["templates"][0].startswith("hemtjanst.ipynb")


def test_report_key_figures_equal_kpis_csv(demo_run) -> None:
    result, _ = demo_run
    figures = read_key_figures(result.output_dir / "notebooks" / "hemtjanst.ipynb")
    kpis = pd.read_csv(result.results_dir / "kpis.csv")
    compared = 0
    for key, value in figures.items():
        area, kpi, group = key.split("/")
        row = kpis[(kpis["area"] == area) & (kpis["kpi"] == kpi) & (kpis["group"] == group)]
        assert len(row) == 1, key
        assert value == pytest.approx(float(row["value"].iloc[0]), rel=1e-12), key
        compared += 1
    assert compared >= 10
    assert {"aldreomsorg/cost_per_hour/total", "aldreomsorg/delivery_ratio/total",
            "aldreomsorg/coverage_80/total"} <= set(figures)


def _personnummer_forms(data: Path) -> set[str]:
    return personnummer_forms(data)


def test_no_personnummer_reaches_any_output(demo_run) -> None:
    result, data = demo_run
    forms = _personnummer_forms(data)
    assert len(forms) > 1000
    pattern = re.compile(r"\d{6,8}[-+]?\d{4}")
    scanned = 0
    for path in result.output_dir.rglob("*"):
        if path.is_dir():
            continue
        if path.suffix == ".pdf":
            text = pdf_text(path)
        elif path.suffix == ".parquet":
            text = pd.read_parquet(path).to_csv(index=False)
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        hits = {m for m in pattern.findall(text) if m in forms}
        assert not hits, f"{path.name} holds personnummer"
        scanned += 1
    assert scanned >= 15
