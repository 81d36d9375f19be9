"""The forecast report's title, summary, method and scenarios."""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import HTML, display

from kpbkit import formats, labels, tables
from kpbkit.analyses import prognos as analysis
from kpbkit.labels import prognos as text
from kpbkit.views import KEY_FIGURES_MIME
from kpbkit.views import common as common_views
from kpbkit.views.prognos.base import (
    H,
    Report,
    cell_text,
    is_missing,
    mkr,
    paragraph,
    population_frame,
    years_text,
)

# ------------------------------------------------------------------------------------------------ title, summary


def title(report: Report) -> HTML:
    subtitle = text.SUBTITLE.format(base_year=report.base_year, first=report.base_year + 1, last=report.last_year)
    return common_views.title(text.TITLE, report.results.config.client_name, subtitle)


def summary_frame(report: Report) -> pd.DataFrame:
    """Per scenario: cost in the base year and the horizon year, the change, and the horizon year's gap."""
    total = analysis.totals(report.tables.forecast)
    base = total[total["year"] == report.base_year].set_index("scenario")["cost"]
    last = total[total["year"] == report.last_year].set_index("scenario")["cost"]
    out = pd.DataFrame({"scenario": report.scenarios})
    out["first"] = out["scenario"].map(base)
    out["last"] = out["scenario"].map(last)
    out["change"] = out["last"] / out["first"] - 1
    budget = report.tables.budget
    gap = budget[budget["year"] == report.last_year].set_index("scenario")["gap"]
    out["gap"] = out["scenario"].map(gap) if len(gap) else np.nan
    return out


def summary(report: Report) -> HTML:
    """The forecast in a few sentences and a table per scenario, plus the figures as machine-readable output."""
    policy = report.policy
    display({KEY_FIGURES_MIME: analysis.key_figures_payload(report.tables)}, raw=True)
    status, base_year = report.status, report.base_year
    n_services = formats.count(len(report.tables.services))
    if not status["has_base_population"]:
        return HTML(paragraph(text.SENTENCES["summary_no_base_population"].format(base_year=base_year)))
    if not status["has_forecast"]:
        return HTML(paragraph(text.SENTENCES["summary_no_forecast"].format(base_year=base_year)))
    frame = summary_frame(report)
    base = frame.iloc[0]
    pop = population_frame(report)
    pop80 = pop.set_index("year")["age_80_plus"]
    sentences = []
    if is_missing(base["last"]):
        sentences.append(text.SENTENCES["summary_no_data"].format(
            n_services=n_services, years=years_text(list(status["missing_years"])), no_data=text.NO_DATA))
    else:
        sentences.append(text.SENTENCES["summary"].format(
            n_services=n_services, verb="ökar" if base["change"] >= 0 else "minskar",
            base_cost=formats.mkr(base["first"]), base_year=base_year, last_cost=formats.mkr(base["last"]),
            last_year=report.last_year, change=text.percent_change(base["change"]),
            pop80_base=formats.count(pop80.get(base_year)), pop80_last=cell_text(pop80.get(report.last_year)),
            pop80_change=text.percent_change(pop80.get(report.last_year) / pop80.get(base_year) - 1),
        ))
        if status["missing_years"]:
            sentences.append(text.SENTENCES["population_missing"].format(
                years=years_text(list(status["missing_years"]))))
    others = frame.iloc[1:]
    if len(others):
        parts = [f"{row.scenario} {cell_text(row.last, 'mkr')} ({text.percent_change(row.change)})"
                 for row in others.itertuples()]
        sentences.append(text.SENTENCES["summary_scenarios"].format(last_year=report.last_year,
                                                                    scenarios="; ".join(parts)))
    budget = report.tables.budget
    base_gap = budget[(budget["scenario"] == analysis.BASE_SCENARIO) & budget["gap"].notna()]
    if len(base_gap):
        row = base_gap.iloc[-1]
        word = "gap_over" if row["gap"] > 0 else "gap_under"
        sentences.append(text.SENTENCES["summary_budget"].format(
            worst_year=int(row["year"]), budget=formats.mkr(row["budget"]),
            gap_text=text.SENTENCES[word].format(gap=formats.mkr(abs(row["gap"])))))
    shown = frame.assign(
        first=[mkr(v) for v in frame["first"]], last=[mkr(v) for v in frame["last"]],
        change=[text.percent_change(v) for v in frame["change"]], gap=[mkr(v) for v in frame["gap"]],
    )
    column_formats = {"scenario": "text", "first": "numtext", "last": "numtext", "change": "numtext"}
    headers = {**H, "first": f"Kostnad {base_year}, mnkr", "last": f"Kostnad {report.last_year}, mnkr",
               "change": H["change"], "gap": f"Gap mot ramen {report.last_year}, mnkr"}
    if budget["gap"].notna().any():
        column_formats["gap"] = "numtext"
    return HTML(paragraph(*sentences) + tables.render_html(shown, column_formats, headers, policy=policy))


# ------------------------------------------------------------------------------------------------ method


def method(report: Report) -> HTML:
    """The run's own assumptions: base year, horizon, age groups, population sources, scenarios."""
    config = report.results.config
    section = config.prognos
    pop_file = report.status["population_file"] or "–"
    forecast_file = report.status["forecast_file"] or text.SENTENCES["no_forecast_file"]
    if section.population_source:
        forecast_file = f"{forecast_file} ({section.population_source})"
    groups = (", ".join(map(common_views.en_dash, section.age_bands)) if section.age_bands
              else "ettåriga åldrar 0–100+ (100 = 100 år och äldre)")
    out = [text.SENTENCES["method_facts"].format(
        base_year=report.base_year, period=common_views.period_text(report.results), horizon=section.horizon,
        last_year=report.last_year, groups=groups, pop_file=pop_file, forecast_file=forecast_file)]
    factor = analysis.volume_factor(config.period)
    if factor != 1.0:
        out.append(text.SENTENCES["annualised"].format(factor=formats.number(factor, 3)))
    return HTML(paragraph(*out) + scenarios(report).data)


def scenario_frame(report: Report) -> pd.DataFrame:
    """The scenarios as the forecast applies them, in Swedish."""
    section = report.results.config.prognos
    rows = [{"scenario": analysis.BASE_SCENARIO, "rate_change_per_year": "0 %", "coverage_80_change": "0 %",
             "unit_costs": "–", "services": "alla"}]
    for s in section.scenarios:
        catalog = report.results.config.catalog
        unit_costs = "; ".join(
            f"{labels.service(code)} {formats.kr(cost)} per {labels.UNIT_SINGULAR.get(catalog.unit_of(code), 'enhet')}"
            for code, cost in s.unit_costs.items()
        ) or "–"
        rows.append({
            "scenario": s.name,
            "rate_change_per_year": text.percent_change(s.rate_change_per_year) if s.rate_change_per_year else "0 %",
            "coverage_80_change": text.percent_change(s.coverage_80_change) if s.coverage_80_change else "0 %",
            "unit_costs": unit_costs,
            "services": ", ".join(labels.service(c) for c in s.services) if s.services else "alla",
        })
    return pd.DataFrame(rows)


def scenarios(report: Report) -> HTML:
    policy = report.policy
    frame = scenario_frame(report)
    out = tables.render_html(frame, {"scenario": "text", "rate_change_per_year": "numtext",
                                     "coverage_80_change": "numtext", "unit_costs": "text", "services": "text"}, H,
                             policy=policy)
    if not report.results.config.prognos.scenarios:
        out += paragraph(text.SENTENCES["no_scenarios"])
    return HTML(out)
