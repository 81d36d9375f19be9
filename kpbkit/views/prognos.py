"""Views of the forecast report (``prognos.html`` / ``.pdf``): population, rates, volumes, costs, budget gap.

The figures come from the run's ``results/prognos_rates.csv``, ``prognos.csv`` and ``prognos_budget.csv``
(:func:`kpbkit.analyses.prognos.read_tables`), so the report and the results folder agree by construction;
the population development and what the rates leave out are read from the run's tables. A year without
population shows "saknas", never a zero.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import HTML, display
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kpbkit import charts, formats, labels, tables
from kpbkit.analyses import prognos as analysis
from kpbkit.analyses.common import age_band_labels
from kpbkit.analyses.load import Results
from kpbkit.catalog import parse_age_bands
from kpbkit.labels import prognos as text
from kpbkit.privacy import Policy
from kpbkit.views import KEY_FIGURES_MIME
from kpbkit.views import common as common_views
from kpbkit.views.common import policy_of

H = {**labels.COLUMNS, **text.COLUMNS}
#: the age groups the rates tables show when the rates are per one-year age
DISPLAY_BANDS = ("0-17", "18-64", "65-74", "75-79", "80-84", "85-89", "90+")
#: how many of the costliest services get their own rate and volume charts
CHART_SERVICES = {"rates": 2, "volumes": 4}


@dataclass
class Report:
    """A run's results with its forecast tables and what data the forecast had."""

    results: Results
    tables: analysis.ForecastTables
    status: dict[str, object]

    @property
    def base_year(self) -> int:
        return int(self.status["base_year"])

    @property
    def last_year(self) -> int:
        return self.base_year + self.results.config.prognos.horizon

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(self.tables.forecast["scenario"]))

    @property
    def policy(self) -> Policy:
        return policy_of(self.results)

    @property
    def has_data(self) -> bool:
        return bool(self.status["has_base_population"]) and bool(self.status["has_forecast"])


def load(period_folder: str) -> Report:
    """The run's results and forecast tables for the report (see :func:`common_views.load`)."""
    results = common_views.load(period_folder)
    forecast = analysis.read_tables(results)
    return Report(results, forecast, analysis.status(results, forecast))


# ------------------------------------------------------------------------------------------------ helpers


def _p(*sentences: str) -> str:
    return "".join(f'<p class="kpb-text">{html.escape(s)}</p>' for s in sentences if s)


def _mkr(value: float) -> str:
    return text.NO_DATA_CELL if _missing(value) else formats.number(float(value) / 1e6, 1)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _cell(value: float, kind: str = "int") -> str:
    return text.NO_DATA_CELL if _missing(value) else formats.FORMATTERS[kind](value)


def _small_share(share: float) -> str:
    """A share as ``12,5 %``, and a share above 0 that would round to 0,0 % as ``<0,1 %``."""
    if not _missing(share) and 0 < share < 0.0005:
        return f"<{formats.percent(0.001)}"
    return formats.percent(share)


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def _service_order(report: Report) -> list[str]:
    """Forecast services, costliest in the base year first."""
    base = report.tables.services.sort_values("cost", ascending=False, kind="stable")
    return base["service_code"].astype(str).tolist()


def _colors(report: Report) -> dict[str, str]:
    return {name: charts.PALETTE[i % len(charts.PALETTE)] for i, name in enumerate(report.scenarios)}


def _milestones(report: Report) -> list[int]:
    horizon = report.results.config.prognos.horizon
    steps = {0, 1, min(5, horizon), horizon}
    return [report.base_year + t for t in sorted(steps)]


def _formatter(kind: str) -> FuncFormatter:
    fmt = formats.FORMATTERS[kind]
    return FuncFormatter(lambda value, _pos: fmt(value))


def _lines(ax, frame: pd.DataFrame, *, x: str, hue: str, value: str, colors: dict[str, str],
           first: str | None = None) -> None:
    # the base scenario broad underneath, the others thin on top: a scenario that leaves a line unchanged
    # shows as a thin line inside the broad one instead of hiding it
    for name, part in frame.groupby(hue, sort=False):
        part = part.sort_values(x)
        base = name == first
        ax.plot(part[x], part[value], marker="o", markersize=4 if base else 2.5, linewidth=3.4 if base else 1.5,
                color=colors.get(str(name), charts.PALETTE[0]), label=str(name), zorder=2 if base else 3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _legend_below(ax, n: int) -> None:
    """The legend under the plot (scenario names are long; above, they would run into the title)."""
    ax.legend(title="", frameon=False, loc="upper left", bbox_to_anchor=(0.0, -0.1), ncol=min(n, 2),
              borderaxespad=0.2, fontsize=8)


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
        return HTML(_p(text.SENTENCES["summary_no_base_population"].format(base_year=base_year)))
    if not status["has_forecast"]:
        return HTML(_p(text.SENTENCES["summary_no_forecast"].format(base_year=base_year)))
    frame = summary_frame(report)
    base = frame.iloc[0]
    pop = _population(report)
    pop80 = pop.set_index("year")["age_80_plus"]
    sentences = []
    if _missing(base["last"]):
        sentences.append(text.SENTENCES["summary_no_data"].format(
            n_services=n_services, years=_years_text(list(status["missing_years"])), no_data=text.NO_DATA))
    else:
        sentences.append(text.SENTENCES["summary"].format(
            n_services=n_services, verb="ökar" if base["change"] >= 0 else "minskar",
            base_cost=formats.mkr(base["first"]), base_year=base_year, last_cost=formats.mkr(base["last"]),
            last_year=report.last_year, change=text.percent_change(base["change"]),
            pop80_base=formats.count(pop80.get(base_year)), pop80_last=_cell(pop80.get(report.last_year)),
            pop80_change=text.percent_change(pop80.get(report.last_year) / pop80.get(base_year) - 1),
        ))
        if status["missing_years"]:
            sentences.append(text.SENTENCES["population_missing"].format(
                years=_years_text(list(status["missing_years"]))))
    others = frame.iloc[1:]
    if len(others):
        parts = [f"{row.scenario} {_cell(row.last, 'mkr')} ({text.percent_change(row.change)})"
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
        first=[_mkr(v) for v in frame["first"]], last=[_mkr(v) for v in frame["last"]],
        change=[text.percent_change(v) for v in frame["change"]], gap=[_mkr(v) for v in frame["gap"]],
    )
    column_formats = {"scenario": "text", "first": "numtext", "last": "numtext", "change": "numtext"}
    headers = {**H, "first": f"Kostnad {base_year}, mnkr", "last": f"Kostnad {report.last_year}, mnkr",
               "change": H["change"], "gap": f"Gap mot ramen {report.last_year}, mnkr"}
    if budget["gap"].notna().any():
        column_formats["gap"] = "numtext"
    return HTML(_p(*sentences) + tables.render_html(shown, column_formats, headers, policy=policy))


# ------------------------------------------------------------------------------------------------ method


def method(report: Report) -> HTML:
    """The run's own assumptions: base year, horizon, age groups, population sources, scenarios."""
    config = report.results.config
    section = config.prognos
    pop_file = report.status["population_file"] or "–"
    forecast_file = report.status["forecast_file"] or text.SENTENCES["no_forecast_file"]
    if section.population_source:
        forecast_file = f"{forecast_file} ({section.population_source})"
    groups = ", ".join(section.age_bands) if section.age_bands else "ettåriga åldrar 0–100+ (100 = 100 år och äldre)"
    out = [text.SENTENCES["method_facts"].format(
        base_year=report.base_year, period=common_views.period_text(report.results), horizon=section.horizon,
        last_year=report.last_year, groups=groups, pop_file=pop_file, forecast_file=forecast_file)]
    factor = analysis.volume_factor(config.period)
    if factor != 1.0:
        out.append(text.SENTENCES["annualised"].format(factor=formats.number(factor, 3)))
    return HTML(_p(*out) + scenarios(report).data)


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
        out += _p(text.SENTENCES["no_scenarios"])
    return HTML(out)


# ------------------------------------------------------------------------------------------------ population


def _population(report: Report) -> pd.DataFrame:
    res = report.results
    empty = pd.DataFrame(columns=["year", "age", "sex", "count"])
    return analysis.population_development(res.tables.get("population", empty),
                                           res.tables.get("population_forecast", empty),
                                           base_year=report.base_year, horizon=res.config.prognos.horizon)


def population(report: Report) -> HTML:
    """Inhabitants 0–20, 65+, 80+ and in total per year, and their index (base year = 100)."""
    policy = report.policy
    pop = _population(report)
    shown = pop.assign(source=pop["source"].map(text.SOURCES),
                       **{c: [_cell(v) for v in pop[c]] for c in ("age_0_20", "age_65_plus", "age_80_plus", "total")})
    table = tables.render_html(shown, {"year": "text", "source": "text", "age_0_20": "numtext",
                                       "age_65_plus": "numtext", "age_80_plus": "numtext", "total": "numtext"}, H,
                               policy=policy)
    last = pop.iloc[-1]
    sentences = []
    if not _missing(last["total"]) and not _missing(pop["total"].iloc[0]):
        sentences.append(text.SENTENCES["population_text"].format(
            base_year=report.base_year, last_year=report.last_year,
            pop80=text.percent_change(last["age_80_plus_index"] / 100 - 1),
            pop65=text.percent_change(last["age_65_plus_index"] / 100 - 1),
            pop0_20=text.percent_change(last["age_0_20_index"] / 100 - 1),
            total=text.percent_change(last["total_index"] / 100 - 1)))
    missing = [int(y) for y, v in zip(pop["year"], pop["total"], strict=True) if _missing(v)]
    if missing:
        sentences.append(text.SENTENCES["population_missing"].format(years=_years_text(missing)))
    plot = pop.dropna(subset=["total_index"])
    if len(plot) < 2:
        return HTML(_p(*sentences) + table)
    fig, ax = charts.figure(3.2)
    series = {"age_0_20_index": (H["age_0_20"], charts.PALETTE[2]),
              "age_65_plus_index": (H["age_65_plus"], charts.PALETTE[0]),
              "age_80_plus_index": (H["age_80_plus"], charts.PALETTE[3]),
              "total_index": (H["total"], charts.PALETTE[4])}
    for col, (label, color) in series.items():
        ax.plot(plot["year"], plot[col], marker="o", markersize=3, linewidth=2 if col != "total_index" else 1.2,
                linestyle="-" if col != "total_index" else "--", color=color, label=label)
    ax.axhline(100, color=charts.PALETTE[4], linewidth=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_formatter("int"))
    ax.set_title(text.CHARTS["population"].format(base_year=report.base_year), loc="left")
    ax.legend(title="", frameon=False, loc="upper left", fontsize=8)
    alt = text.CHARTS["population_alt"].format(base_year=report.base_year, last_year=int(plot["year"].iloc[-1]),
                                               pop80=formats.number(plot["age_80_plus_index"].iloc[-1], 0))
    return HTML(_p(*sentences) + table + charts.figure_html(fig, alt))


# ------------------------------------------------------------------------------------------------ rates


def display_rates(report: Report) -> pd.DataFrame:
    """The base year's rates in the report's age groups: per service, sex and group, brukare, volume,
    inhabitants and the rates (one-year rates summed into :data:`DISPLAY_BANDS`), plus "Alla åldrar"."""
    rates = report.tables.rates.copy()
    section = report.results.config.prognos
    if not section.age_bands:
        bands = parse_age_bands(list(DISPLAY_BANDS))
        ages = rates["age_group"].str.rstrip("+").astype(int)
        rates["age_group"] = age_band_labels(ages, bands).astype(str)
        order = list(DISPLAY_BANDS)
    else:
        order = list(section.age_bands)
    keys = ["service_code", "unit", "sex", "age_group"]
    grouped = rates.groupby(keys, sort=False)[["brukare", "volume", "population"]].sum(min_count=1).reset_index()
    every = rates.groupby(["service_code", "unit", "sex"], sort=False)[["brukare", "volume", "population"]].sum(
        min_count=1).reset_index().assign(age_group=text.ALL_AGES)
    out = pd.concat([grouped, every], ignore_index=True)
    inhabited = out["population"].where(out["population"] > 0)
    out["brukare_per_1000"] = out["brukare"] / inhabited * 1000
    out["volume_rate"] = out["volume"] / inhabited
    out["age_group"] = pd.Categorical(out["age_group"], categories=[*order, text.ALL_AGES], ordered=True)
    return out


def _rates_wide(report: Report, data: pd.DataFrame, measure: str) -> str:
    policy = report.policy
    kind = "dec1" if measure == "brukare_per_1000" else "dec2"
    marker = policy.marker
    shown = data.assign(value=[
        marker if hidden else "–" if _missing(v) else "0" if v == 0 else _cell(v, kind)
        for hidden, v in zip(policy.below_threshold(data["brukare"]), data[measure], strict=True)
    ])
    wide = shown.pivot_table(index=["service_code", "unit", "sex"], columns="age_group", values="value",
                             aggfunc="first", observed=True, sort=False)
    order = _service_order(report)
    wide = wide.reset_index()
    wide["_rank"] = wide["service_code"].map({c: i for i, c in enumerate(order)})
    wide = wide.sort_values(["_rank", "sex"], kind="stable")
    wide["service"] = wide["service_code"].map(labels.service)
    wide["unit_label"] = wide["unit"].map(labels.UNITS)
    wide["sex_label"] = wide["sex"].map(labels.SEX)
    groups = [str(g) for g in data["age_group"].cat.categories if g in wide.columns]
    wide.columns = [str(c) for c in wide.columns]
    column_formats = {"service": "text"}
    if measure != "brukare_per_1000":
        column_formats["unit_label"] = "text"
    column_formats["sex_label"] = "text"
    column_formats.update(dict.fromkeys(groups, "numtext"))
    headers = {**H, "unit_label": H["unit"], "sex_label": H["sex"]}
    return tables.render_html(wide, column_formats, headers, policy=policy)


def rates(report: Report) -> HTML:
    """Brukare per 1 000 inhabitants and volume per inhabitant by age group and sex (tables), and a chart for
    the costliest services."""
    if not report.status["has_base_population"]:
        return HTML(_p(text.SENTENCES["summary_no_base_population"].format(base_year=report.base_year)))
    data = display_rates(report)
    policy = report.policy
    intro = [text.SENTENCES["rates_text"].format(threshold=policy.threshold, marker=policy.marker)]
    if not report.results.config.prognos.age_bands:
        intro.append(text.SENTENCES["rates_one_year"])
    out = _p(*intro)
    out += f"<h3>{html.escape(text.MEASURES['brukare'])}</h3>" + _rates_wide(report, data, "brukare_per_1000")
    out += f"<h3>{html.escape(text.MEASURES['volume'])}</h3>" + _rates_wide(report, data, "volume_rate")
    return HTML(out)


def rate_charts(report: Report) -> HTML:
    """Bars of brukare per 1 000 inhabitants per age group and sex for the costliest services."""
    policy = report.policy
    if not report.status["has_base_population"]:
        return HTML("")
    data = display_rates(report)
    data = data[data["age_group"] != text.ALL_AGES]
    out = []
    for code in _service_order(report)[: CHART_SERVICES["rates"]]:
        part = data[data["service_code"] == code]
        if not (part["brukare"].fillna(0) >= policy.threshold).any():
            continue
        small = policy.below_threshold(part["brukare"])
        part = part.assign(sex=part["sex"].map(labels.SEX), age_group=part["age_group"].astype(str),
                           brukare_per_1000=part["brukare_per_1000"].mask(small))
        fig = charts.grouped_bars(part, x="age_group", hue="sex", value="brukare_per_1000",
                                  title=text.CHARTS["rates"].format(service=labels.service(code)),
                                  colors=charts.SEX_COLORS, value_format="dec1", policy=policy)
        out.append(charts.figure_html(fig, text.CHARTS["rates_alt"].format(service=labels.service(code).lower())))
    if out:
        out.insert(0, _p(text.SENTENCES["rate_charts"].format(threshold=policy.threshold)))
    return HTML("".join(out))


def unit_costs(report: Report) -> HTML:
    """The base year's unit cost per service (direct + overhead ÷ volume) and the scenarios' new ones."""
    policy = report.policy
    base = report.tables.services.copy()
    order = _service_order(report)
    base = base.set_index("service_code").loc[order].reset_index()
    base = base.assign(service=base["service_code"].map(labels.service), unit_label=base["unit"].map(labels.UNITS))
    column_formats = {"service": "text", "brukare": "int", "volume": "int", "unit_label": "text", "cost": "kr",
                      "unit_cost": "kr"}
    headers = {**H, "unit_label": H["unit"], "brukare": f"Brukare {report.base_year}",
               "volume": f"Volym {report.base_year}", "cost": f"Direkt kostnad och overhead {report.base_year}, kr",
               "unit_cost": f"Kostnad per enhet {report.base_year}, kr"}
    for s in report.results.config.prognos.scenarios:
        if s.unit_costs:
            key = f"new:{s.name}"
            base[key] = base["service_code"].map(s.unit_costs)
            column_formats[key] = "kr"
            headers[key] = f"{s.name}, kr per enhet"
    return HTML(_p(text.SENTENCES["unit_costs_text"])
                + tables.render_html(base, column_formats, headers, policy=policy))


# ------------------------------------------------------------------------------------------------ volumes, costs


def _no_data(report: Report) -> HTML | None:
    if not report.status["has_base_population"]:
        return HTML(_p(text.SENTENCES["summary_no_base_population"].format(base_year=report.base_year)))
    if not report.status["has_forecast"]:
        return HTML(_p(text.SENTENCES["no_data_section"]))
    return None


def milestone_frame(report: Report, measure: str, scenario: str | None = None) -> pd.DataFrame:
    """One row per service: ``measure`` (brukare, volume or cost) in the milestone years of one scenario, and
    the change from the base year to the horizon."""
    scenario = scenario or analysis.BASE_SCENARIO
    per = analysis.totals(report.tables.forecast, ("year", "scenario", "service_code"))
    per = per[per["scenario"] == scenario]
    wide = per.pivot_table(index="service_code", columns="year", values=measure, aggfunc="first", dropna=False)
    years = _milestones(report)
    wide = wide.reindex(index=_service_order(report), columns=years)
    out = wide.reset_index()
    out.columns = ["service_code", *[str(y) for y in years]]
    out["change"] = out[str(years[-1])] / out[str(years[0])] - 1
    return out


def _milestone_table(report: Report, measure: str, scenario: str | None = None) -> str:
    policy = report.policy
    data = milestone_frame(report, measure, scenario)
    years = [str(y) for y in _milestones(report)]
    units = report.tables.services.set_index("service_code")["unit"]
    kind = "int"
    shown = data.assign(service=data["service_code"].map(labels.service),
                        unit_label=data["service_code"].map(units).map(labels.UNITS),
                        change=[text.percent_change(v) for v in data["change"]],
                        **{y: [(_mkr(v) if measure == "cost" else _cell(v, kind)) for v in data[y]] for y in years})
    column_formats = {"service": "text"}
    if measure == "volume":
        column_formats["unit_label"] = "text"
    column_formats.update(dict.fromkeys(years, "numtext"))
    column_formats["change"] = "numtext"
    headers = {**H, "unit_label": H["unit"], "change": f"Förändring {years[0]}–{years[-1]}"}
    if measure == "cost":
        total = analysis.totals(report.tables.forecast)
        total = total[total["scenario"] == (scenario or analysis.BASE_SCENARIO)].set_index("year")["cost"]
        row = {"service": labels.TOTAL, **{y: _mkr(total.get(int(y))) for y in years},
               "change": text.percent_change(total.get(int(years[-1])) / total.get(int(years[0])) - 1)}
        shown = pd.concat([shown, pd.DataFrame([row])], ignore_index=True)
    return tables.render_html(shown, column_formats, headers, total_row=measure == "cost", policy=policy)


def volumes(report: Report) -> HTML:
    """Brukare and volume per service in the milestone years (base scenario), and the horizon per scenario."""
    gone = _no_data(report)
    if gone is not None:
        return gone
    years = _milestones(report)
    years_text = ", ".join(str(y) for y in years[1:-1])
    years_text = f"{years_text} och {years[-1]}" if years_text else str(years[-1])
    out = _p(text.SENTENCES["volumes_text"].format(years_text=years_text))
    out += f"<h3>{html.escape(text.HEADINGS['brukare'])}</h3>" + _milestone_table(report, "brukare")
    out += f"<h3>{html.escape(text.HEADINGS['volume'])}</h3>" + _milestone_table(report, "volume")
    if len(report.scenarios) > 1:
        out += f"<h3>{html.escape(text.HEADINGS['volume_scenarios'].format(year=report.last_year))}</h3>"
        out += _scenario_table(report, "volume")
    return HTML(out)


def _scenario_table(report: Report, measure: str) -> str:
    """One row per service, one column per scenario: ``measure`` in the horizon year."""
    policy = report.policy
    per = analysis.totals(report.tables.forecast, ("year", "scenario", "service_code"))
    per = per[per["year"] == report.last_year]
    wide = per.pivot_table(index="service_code", columns="scenario", values=measure, aggfunc="first",
                           dropna=False).reindex(index=_service_order(report), columns=report.scenarios)
    units = report.tables.services.set_index("service_code")["unit"]
    shown = pd.DataFrame({"service": [labels.service(c) for c in wide.index],
                          "unit_label": [labels.UNITS.get(units.get(c), "") for c in wide.index]})
    column_formats = {"service": "text", "unit_label": "text"}
    headers = {**H, "unit_label": H["unit"]}
    for i, name in enumerate(report.scenarios):
        key = f"s{i}"
        shown[key] = [_mkr(v) if measure == "cost" else _cell(v) for v in wide[name]]
        column_formats[key] = "numtext"
        headers[key] = name
    return tables.render_html(shown, column_formats, headers, policy=policy)


def volume_charts(report: Report) -> HTML:
    """Lines per scenario of each of the costliest services' volume per year (small multiples)."""
    if _no_data(report) is not None:
        return HTML("")
    per = analysis.totals(report.tables.forecast, ("year", "scenario", "service_code"))
    colors = _colors(report)
    codes = _service_order(report)[: CHART_SERVICES["volumes"]]
    units = report.tables.services.set_index("service_code")["unit"]
    out = []
    for code in codes:
        part = per[per["service_code"] == code].dropna(subset=["volume"])
        if not len(part):
            continue
        fig, ax = charts.figure(2.8)
        _lines(ax, part, x="year", hue="scenario", value="volume", colors=colors, first=analysis.BASE_SCENARIO)
        unit = labels.UNITS.get(units.get(code), "volym")
        ax.yaxis.set_major_formatter(_formatter("int"))
        ax.set_title(text.CHARTS["volume"].format(service=labels.service(code), unit=unit), loc="left")
        _legend_below(ax, len(report.scenarios))
        alt = text.CHARTS["volume_alt"].format(unit=unit, service=labels.service(code).lower(),
                                               first=report.base_year, last=report.last_year)
        out.append(charts.figure_html(fig, alt))
    note = _p(text.SENTENCES["coinciding_lines"]) if out and len(report.scenarios) > 1 else ""
    return HTML(note + "".join(out))


def costs(report: Report) -> HTML:
    """Cost per year and scenario (mnkr), per service for the base scenario, and a line chart."""
    policy = report.policy
    gone = _no_data(report)
    if gone is not None:
        return gone
    total = analysis.totals(report.tables.forecast)
    wide = total.pivot_table(index="year", columns="scenario", values="cost", aggfunc="first",
                             dropna=False).reindex(columns=report.scenarios)
    shown = pd.DataFrame({"year": [str(y) for y in wide.index]})
    column_formats = {"year": "text"}
    headers = dict(H)
    for i, name in enumerate(report.scenarios):
        shown[f"s{i}"] = [_mkr(v) for v in wide[name]]
        column_formats[f"s{i}"] = "numtext"
        headers[f"s{i}"] = f"{name}, mnkr"
    budget = report.results.config.prognos.budget
    if budget:
        shown["budget"] = [_mkr(budget.get(int(y), np.nan)) if int(y) in budget else "–" for y in wide.index]
        column_formats["budget"] = "numtext"
        headers["budget"] = H["budget_mkr"]
    out = _p(text.SENTENCES["costs_text"].format(base_year=report.base_year))
    out += tables.render_html(shown, column_formats, headers, policy=policy)
    out += f"<h3>{html.escape(text.HEADINGS['cost_services'])}</h3>" + _milestone_table(report, "cost")
    if len(report.scenarios) > 1:
        out += f"<h3>{html.escape(text.HEADINGS['cost_scenarios'].format(year=report.last_year))}</h3>"
        out += _scenario_table(report, "cost")
    return HTML(out + cost_chart(report))


def cost_chart(report: Report) -> str:
    total = analysis.totals(report.tables.forecast).dropna(subset=["cost"])
    if not len(total):
        return ""
    total = total.assign(cost_mkr=total["cost"] / 1e6)
    fig, ax = charts.figure(3.4)
    _lines(ax, total, x="year", hue="scenario", value="cost_mkr", colors=_colors(report),
           first=analysis.BASE_SCENARIO)
    budget = report.results.config.prognos.budget
    years = [y for y in sorted(budget) if report.base_year <= y <= report.last_year]
    if years:
        ax.plot(years, [budget[y] / 1e6 for y in years], color="#222222", linestyle="--", linewidth=1.4,
                label=text.CHARTS["budget_line"])
    ax.yaxis.set_major_formatter(_formatter("dec1"))
    ax.set_ylabel("Miljoner kronor")
    ax.set_title(text.CHARTS["cost"], loc="left")
    _legend_below(ax, len(report.scenarios) + bool(years))
    last = total[(total["scenario"] == analysis.BASE_SCENARIO)].sort_values("year").iloc[-1]
    alt = text.CHARTS["cost_alt"].format(last_cost=formats.mkr(last["cost"]), last_year=int(last["year"]))
    return charts.figure_html(fig, alt)


# ------------------------------------------------------------------------------------------------ budget


def budget(report: Report) -> HTML:
    """The gap against the budget frame per year and scenario (table and chart), or why there is none."""
    policy = report.policy
    frame = report.tables.budget
    section = report.results.config.prognos
    if not section.budget:
        return HTML(_p(text.SENTENCES["no_budget"]))
    outside = [y for y in sorted(section.budget) if not report.base_year <= y <= report.last_year]
    notes = [text.SENTENCES["budget_text"].format(base_year=report.base_year)]
    if outside:
        notes.append(text.SENTENCES["budget_outside"].format(years=_years_text(outside)))
    if not len(frame):
        return HTML(_p(*notes))
    years = sorted(frame["year"].unique())
    shown = pd.DataFrame({"year": [str(y) for y in years]})
    by_year = frame.drop_duplicates("year").set_index("year")["budget"]
    shown["budget"] = [_mkr(by_year.get(y)) for y in years]
    column_formats = {"year": "text", "budget": "numtext"}
    headers = {**H, "budget": H["budget_mkr"]}
    for i, name in enumerate(report.scenarios):
        part = frame[frame["scenario"] == name].set_index("year")
        shown[f"g{i}"] = [_mkr(part["gap"].get(y)) for y in years]
        column_formats[f"g{i}"] = "numtext"
        headers[f"g{i}"] = f"Gap, {name}, mnkr"
    if report.status["missing_years"]:
        notes.append(text.SENTENCES["population_missing"].format(years=_years_text(list(report.status["missing_years"]))))
    out = _p(*notes) + tables.render_html(shown, column_formats, headers, policy=policy)
    plot = frame.dropna(subset=["gap"])
    if len(plot):
        plot = plot.assign(gap_mkr=plot["gap"] / 1e6, year=plot["year"].astype(str),
                           scenario=pd.Categorical(plot["scenario"], categories=report.scenarios, ordered=True))
        fig = charts.grouped_bars(plot, x="year", hue="scenario", value="gap_mkr", title=text.CHARTS["gap"],
                                  colors=_colors(report), value_format="dec1", policy=policy)
        ax = fig.axes[0]
        ax.axhline(0, color="#222222", linewidth=0.8)
        ax.set_ylabel("Miljoner kronor")
        _legend_below(ax, len(report.scenarios))
        fig.set_size_inches(charts.WIDTH, 3.6)
        base = plot[plot["scenario"] == analysis.BASE_SCENARIO].sort_values("year")
        gap = formats.mkr(base["gap"].iloc[-1]) if len(base) else "–"
        last_year = base["year"].iloc[-1] if len(base) else report.last_year
        out += charts.figure_html(fig, text.CHARTS["gap_alt"].format(last_year=last_year, gap=gap))
    return HTML(out)


# ------------------------------------------------------------------------------------------------ what is left out


def unassigned(report: Report) -> HTML:
    """Persons of unknown age or sex (and groups without inhabitants): the base-year volume no rate holds."""
    policy = report.policy
    base = report.tables.services
    left = base[(base["volume_unassigned"] > 0) | (base["volume_no_population"] > 0)]
    if not len(left):
        return HTML(_p(text.SENTENCES["unassigned_none"]))
    left = left.assign(service=left["service_code"].map(labels.service), unit_label=left["unit"].map(labels.UNITS),
                       brukare_unassigned=[policy.marker if small else formats.count(n) for n, small in
                                           zip(left["brukare_unassigned"],
                                               policy.below_threshold(left["brukare_unassigned"]), strict=True)],
                       volume_unassigned_share=[_small_share(v) for v in left["volume_unassigned_share"]])
    column_formats = {"service": "text", "unit_label": "text", "brukare_unassigned": "numtext",
                      "volume_unassigned": "dec1", "volume_unassigned_share": "numtext"}
    if (left["volume_no_population"] > 0).any():
        column_formats["volume_no_population"] = "dec1"
    headers = {**H, "unit_label": H["unit"]}
    return HTML(_p(text.SENTENCES["unassigned_text"])
                + tables.render_html(left, column_formats, headers, policy=policy))


def not_included(report: Report) -> HTML:
    """What the forecast leaves out, with the services outside it and their base-year cost."""
    res = report.results
    pc = res.person_costs
    forecast = set(report.tables.services["service_code"].astype(str))
    outside = pc[~pc["service_code"].astype(str).isin(forecast)]
    items = list(text.NOT_INCLUDED)
    if len(outside):
        cost = (outside["direct_cost"] + outside["overhead_cost"]).groupby(outside["service_code"].astype(str)).sum()
        names = ", ".join(labels.service(c) for c in cost.sort_values(ascending=False).index)
        items.insert(2, text.SENTENCES["outside_services"].format(services=names, cost=formats.mkr(cost.sum()),
                                                                  base_year=report.base_year))
    body = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return HTML(f'<ul class="kpb-text">{body}</ul>')
