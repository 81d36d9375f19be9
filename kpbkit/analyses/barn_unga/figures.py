"""Barn och unga: the key figures, each from kpis.csv (KPB-METHOD §5 "barn_unga")."""

from __future__ import annotations

import math

import pandas as pd

from kpbkit.analyses.barn_unga.stays import AREA, PLACEMENTS
from kpbkit.analyses.load import Results

#: the summary's key figures: (kpi, group, format) — values always come from kpis.csv
KEY_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("placed_children", "total", "int"),
    ("placed_per_1000_0_20", "total", "dec1"),
    ("placed_per_1000_0_20", "K", "dec1"),
    ("placed_per_1000_0_20", "M", "dec1"),
    ("care_days", "total", "int"),
    ("cost_per_care_day", "total", "kr"),
    ("brukare", "total", "int"),
    ("gross_cost", "total", "mkr"),
    ("cost_per_brukare", "total", "kr"),
    ("top10_cost_share", "total", "percent"),
)
#: per placement form, shown in the forms table and part of the key-figures output
FORM_KPIS: tuple[str, ...] = ("placed_children", "care_days", "cost_per_care_day")


def key_figures(results: Results) -> pd.DataFrame:
    """The summary's key figures (kpi, group, value, format), straight from kpis.csv."""
    rows = [{"kpi": kpi, "group": group,
             "value": results.kpi(AREA, kpi, group), "format": fmt} for kpi, group, fmt in KEY_FIGURES]
    return pd.DataFrame(rows)


def form_figures(results: Results) -> pd.DataFrame:
    """Placed children, care days and cost per care day per placement form (kpis.csv groups per service_code)."""
    rows = []
    for code in PLACEMENTS:
        values = {kpi: results.kpi(AREA, kpi, code) for kpi in FORM_KPIS}
        rows.append({"service_code": code, **values})
    out = pd.DataFrame(rows)
    # a form without any stay has no kpis rows: leave it out
    return out[out["care_days"].fillna(0) > 0].reset_index(drop=True)


def key_figures_payload(results: Results) -> dict[str, float | None]:
    """Key figures and per-form figures as ``{"area/kpi/group": value}`` for the machine-readable output."""
    from kpbkit.analyses.common import key_figures_payload as payload

    out = payload(key_figures(results), AREA)
    for row in form_figures(results).itertuples():
        for kpi in FORM_KPIS:
            out[f"{AREA}/{kpi}/{row.service_code}"] = _plain(getattr(row, kpi))
    return out


def _plain(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def has_placements(results: Results) -> bool:
    """Whether any child had a placement day in the period (kpis.csv ``placed_children``)."""
    placed = results.kpi(AREA, "placed_children", "total")
    return not math.isnan(placed) and placed > 0


def placed_per_1000(results: Results) -> pd.DataFrame:
    """Placed children aged 0–20 per 1 000 inhabitants 0–20, in total and per sex (kpis.csv), with the inhabitants."""
    pop = results.tables.get("population")
    year = results.config.period.end.year
    rows = []
    for group in ("total", "K", "M"):
        inhabitants = math.nan
        if pop is not None and len(pop) and (pop["year"] == year).any():
            sel = pop[(pop["year"] == year) & (pop["age"] <= 20)]
            if group != "total":
                sel = sel[sel["sex"] == group]
            inhabitants = float(sel["count"].sum())
        value = results.kpi(AREA, "placed_per_1000_0_20", group)
        rows.append({"group": group, "inhabitants": inhabitants, "placed": value * inhabitants / 1000,
                     "per_1000": value})
    return pd.DataFrame(rows)

