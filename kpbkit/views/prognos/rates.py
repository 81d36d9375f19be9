"""The forecast report's population development, consumption rates and unit costs."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML
from matplotlib.ticker import MaxNLocator

from kpbkit import charts, formats, labels, tables
from kpbkit.analyses.common import age_band_labels
from kpbkit.catalog import parse_age_bands
from kpbkit.labels import prognos as text
from kpbkit.views import common as common_views
from kpbkit.views.prognos.base import (
    CHART_SERVICES,
    DISPLAY_BANDS,
    H,
    Report,
    cell_text,
    is_missing,
    paragraph,
    population_frame,
    service_order,
    tick_formatter,
    years_text,
)

# ------------------------------------------------------------------------------------------------ population


def population(report: Report) -> HTML:
    """Inhabitants 0–20, 65+, 80+ and in total per year, and their index (base year = 100)."""
    policy = report.policy
    pop = population_frame(report)
    counts = ("age_0_20", "age_65_plus", "age_80_plus", "total")
    shown = pop.assign(source=pop["source"].map(text.SOURCES), **{c: [cell_text(v) for v in pop[c]] for c in counts})
    last = pop.iloc[-1]
    change = {c: text.percent_change(last[f"{c}_index"] / 100 - 1) for c in counts}  # the figures the text states
    shown = pd.concat([shown, pd.DataFrame([{"year": text.CHANGE_ROW.format(first=report.base_year,
                                                                            last=report.last_year),
                                              "source": "", **change}])], ignore_index=True)
    table = tables.render_html(shown, {"year": "text", "source": "text", "age_0_20": "numtext",
                                       "age_65_plus": "numtext", "age_80_plus": "numtext", "total": "numtext"}, H,
                               policy=policy)
    sentences = []
    if not is_missing(last["total"]) and not is_missing(pop["total"].iloc[0]):
        sentences.append(text.SENTENCES["population_text"].format(
            base_year=report.base_year, last_year=report.last_year,
            pop80=text.percent_change(last["age_80_plus_index"] / 100 - 1),
            pop65=text.percent_change(last["age_65_plus_index"] / 100 - 1),
            pop0_20=text.percent_change(last["age_0_20_index"] / 100 - 1),
            total=text.percent_change(last["total_index"] / 100 - 1)))
    missing = [int(y) for y, v in zip(pop["year"], pop["total"], strict=True) if is_missing(v)]
    if missing:
        sentences.append(text.SENTENCES["population_missing"].format(years=years_text(missing)))
    plot = pop.dropna(subset=["total_index"])
    if len(plot) < 2:
        return HTML(paragraph(*sentences) + table)
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
    ax.yaxis.set_major_formatter(tick_formatter("int"))
    ax.set_title(text.CHARTS["population"].format(base_year=report.base_year), loc="left")
    ax.legend(title="", frameon=False, loc="upper left", fontsize=8)
    alt = text.CHARTS["population_alt"].format(base_year=report.base_year, last_year=int(plot["year"].iloc[-1]),
                                               pop80=formats.number(plot["age_80_plus_index"].iloc[-1], 0))
    return HTML(paragraph(*sentences) + table + charts.figure_html(fig, alt))


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
    out["age_group"] = pd.Categorical(out["age_group"].map(lambda g: common_views.en_dash(str(g))),
                                      categories=[*map(common_views.en_dash, order), text.ALL_AGES], ordered=True)
    return out


def _rates_wide(report: Report, data: pd.DataFrame, measure: str) -> str:
    policy = report.policy
    kind = "dec1" if measure == "brukare_per_1000" else "dec2"
    marker = policy.marker
    shown = data.assign(value=[
        marker if hidden else "–" if is_missing(v) else "0" if v == 0 else cell_text(v, kind)
        for hidden, v in zip(policy.below_threshold(data["brukare"]), data[measure], strict=True)
    ])
    wide = shown.pivot_table(index=["service_code", "unit", "sex"], columns="age_group", values="value",
                             aggfunc="first", observed=True, sort=False)
    order = service_order(report)
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
        return HTML(paragraph(text.SENTENCES["summary_no_base_population"].format(base_year=report.base_year)))
    data = display_rates(report)
    policy = report.policy
    intro = [text.SENTENCES["rates_text"].format(threshold=policy.threshold, marker=policy.marker)]
    if not report.results.config.prognos.age_bands:
        intro.append(text.SENTENCES["rates_one_year"])
    out = paragraph(*intro)
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
    for code in service_order(report)[: CHART_SERVICES["rates"]]:
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
        out.insert(0, paragraph(text.SENTENCES["rate_charts"].format(threshold=policy.threshold)))
    return HTML("".join(out))


def unit_costs(report: Report) -> HTML:
    """The base year's unit cost per service (direct + overhead ÷ volume) and the scenarios' new ones."""
    policy = report.policy
    base = report.tables.services.copy()
    order = service_order(report)
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
    total = pd.DataFrame([{"service": text.TOTAL_SERVICES.format(n=formats.count(len(base))),
                           "cost": base["cost"].sum(min_count=1)}])  # the count the summary states, and the sum
    return HTML(paragraph(text.SENTENCES["unit_costs_text"])
                + tables.render_html(pd.concat([base, total], ignore_index=True), column_formats, headers,
                                     policy=policy, total_row=True))
