"""The forecast report's volumes, costs, budget gap and what the forecast leaves out."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from IPython.display import HTML

from kpbkit import charts, formats, labels, tables
from kpbkit.analyses import prognos as analysis
from kpbkit.labels import prognos as text
from kpbkit.views.prognos.base import (
    CHART_SERVICES,
    H,
    Report,
    cell_text,
    legend_below,
    line_chart,
    milestones,
    mkr,
    paragraph,
    service_colors,
    service_order,
    small_share,
    tick_formatter,
    years_text,
)

# ------------------------------------------------------------------------------------------------ volumes, costs


def _no_data(report: Report) -> HTML | None:
    if not report.status["has_base_population"]:
        return HTML(paragraph(text.SENTENCES["summary_no_base_population"].format(base_year=report.base_year)))
    if not report.status["has_forecast"]:
        return HTML(paragraph(text.SENTENCES["no_data_section"]))
    return None


def milestone_frame(report: Report, measure: str, scenario: str | None = None) -> pd.DataFrame:
    """One row per service: ``measure`` (brukare, volume or cost) in the milestone years of one scenario, and
    the change from the base year to the horizon."""
    scenario = scenario or analysis.BASE_SCENARIO
    per = analysis.totals(report.tables.forecast, ("year", "scenario", "service_code"))
    per = per[per["scenario"] == scenario]
    wide = per.pivot_table(index="service_code", columns="year", values=measure, aggfunc="first", dropna=False)
    years = milestones(report)
    wide = wide.reindex(index=service_order(report), columns=years)
    out = wide.reset_index()
    out.columns = ["service_code", *[str(y) for y in years]]
    out["change"] = out[str(years[-1])] / out[str(years[0])] - 1
    return out


def _milestone_table(report: Report, measure: str, scenario: str | None = None) -> str:
    policy = report.policy
    data = milestone_frame(report, measure, scenario)
    years = [str(y) for y in milestones(report)]
    units = report.tables.services.set_index("service_code")["unit"]
    kind = "int"
    shown = data.assign(service=data["service_code"].map(labels.service),
                        unit_label=data["service_code"].map(units).map(labels.UNITS),
                        change=[text.percent_change(v) for v in data["change"]],
                        **{y: [(mkr(v) if measure == "cost" else cell_text(v, kind)) for v in data[y]] for y in years})
    column_formats = {"service": "text"}
    if measure == "volume":
        column_formats["unit_label"] = "text"
    column_formats.update(dict.fromkeys(years, "numtext"))
    column_formats["change"] = "numtext"
    headers = {**H, "unit_label": H["unit"], "change": f"Förändring {years[0]}–{years[-1]}"}
    if measure == "cost":
        total = analysis.totals(report.tables.forecast)
        total = total[total["scenario"] == (scenario or analysis.BASE_SCENARIO)].set_index("year")["cost"]
        row = {"service": labels.TOTAL, **{y: mkr(total.get(int(y))) for y in years},
               "change": text.percent_change(total.get(int(years[-1])) / total.get(int(years[0])) - 1)}
        shown = pd.concat([shown, pd.DataFrame([row])], ignore_index=True)
    return tables.render_html(shown, column_formats, headers, total_row=measure == "cost", policy=policy)


def volumes(report: Report) -> HTML:
    """Brukare and volume per service in the milestone years (base scenario), and the horizon per scenario."""
    gone = _no_data(report)
    if gone is not None:
        return gone
    years = milestones(report)
    years_text = ", ".join(str(y) for y in years[1:-1])
    years_text = f"{years_text} och {years[-1]}" if years_text else str(years[-1])
    out = paragraph(text.SENTENCES["volumes_text"].format(years_text=years_text))
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
                           dropna=False).reindex(index=service_order(report), columns=report.scenarios)
    units = report.tables.services.set_index("service_code")["unit"]
    shown = pd.DataFrame({"service": [labels.service(c) for c in wide.index],
                          "unit_label": [labels.UNITS.get(units.get(c), "") for c in wide.index]})
    column_formats = {"service": "text", "unit_label": "text"}
    headers = {**H, "unit_label": H["unit"]}
    for i, name in enumerate(report.scenarios):
        key = f"s{i}"
        shown[key] = [mkr(v) if measure == "cost" else cell_text(v) for v in wide[name]]
        column_formats[key] = "numtext"
        headers[key] = name
    return tables.render_html(shown, column_formats, headers, policy=policy)


def volume_charts(report: Report) -> HTML:
    """Lines per scenario of each of the costliest services' volume per year (small multiples)."""
    if _no_data(report) is not None:
        return HTML("")
    per = analysis.totals(report.tables.forecast, ("year", "scenario", "service_code"))
    colors = service_colors(report)
    codes = service_order(report)[: CHART_SERVICES["volumes"]]
    units = report.tables.services.set_index("service_code")["unit"]
    out = []
    for code in codes:
        part = per[per["service_code"] == code].dropna(subset=["volume"])
        if not len(part):
            continue
        fig, ax = charts.figure(2.8)
        line_chart(ax, part, x="year", hue="scenario", value="volume", colors=colors, first=analysis.BASE_SCENARIO)
        unit = labels.UNITS.get(units.get(code), "volym")
        ax.yaxis.set_major_formatter(tick_formatter("int"))
        ax.set_title(text.CHARTS["volume"].format(service=labels.service(code), unit=unit), loc="left")
        legend_below(ax, len(report.scenarios))
        alt = text.CHARTS["volume_alt"].format(unit=unit, service=labels.service(code).lower(),
                                               first=report.base_year, last=report.last_year)
        out.append(charts.figure_html(fig, alt))
    note = paragraph(text.SENTENCES["coinciding_lines"]) if out and len(report.scenarios) > 1 else ""
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
        shown[f"s{i}"] = [mkr(v) for v in wide[name]]
        column_formats[f"s{i}"] = "numtext"
        headers[f"s{i}"] = f"{name}, mnkr"
    budget = report.results.config.prognos.budget
    if budget:
        shown["budget"] = [mkr(budget.get(int(y), np.nan)) if int(y) in budget else "–" for y in wide.index]
        column_formats["budget"] = "numtext"
        headers["budget"] = H["budget_mkr"]
    out = paragraph(text.SENTENCES["costs_text"].format(base_year=report.base_year))
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
    line_chart(ax, total, x="year", hue="scenario", value="cost_mkr", colors=service_colors(report),
           first=analysis.BASE_SCENARIO)
    budget = report.results.config.prognos.budget
    years = [y for y in sorted(budget) if report.base_year <= y <= report.last_year]
    if years:
        ax.plot(years, [budget[y] / 1e6 for y in years], color="#222222", linestyle="--", linewidth=1.4,
                label=text.CHARTS["budget_line"])
    ax.yaxis.set_major_formatter(tick_formatter("dec1"))
    ax.set_ylabel("Miljoner kronor")
    ax.set_title(text.CHARTS["cost"], loc="left")
    legend_below(ax, len(report.scenarios) + bool(years))
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
        return HTML(paragraph(text.SENTENCES["no_budget"]))
    outside = [y for y in sorted(section.budget) if not report.base_year <= y <= report.last_year]
    notes = [text.SENTENCES["budget_text"].format(base_year=report.base_year)]
    if outside:
        notes.append(text.SENTENCES["budget_outside"].format(years=years_text(outside)))
    if not len(frame):
        return HTML(paragraph(*notes))
    years = sorted(frame["year"].unique())
    shown = pd.DataFrame({"year": [str(y) for y in years]})
    by_year = frame.drop_duplicates("year").set_index("year")["budget"]
    shown["budget"] = [mkr(by_year.get(y)) for y in years]
    column_formats = {"year": "text", "budget": "numtext"}
    headers = {**H, "budget": H["budget_mkr"]}
    for i, name in enumerate(report.scenarios):
        part = frame[frame["scenario"] == name].set_index("year")
        shown[f"g{i}"] = [mkr(part["gap"].get(y)) for y in years]
        column_formats[f"g{i}"] = "numtext"
        headers[f"g{i}"] = f"Gap, {name}, mnkr"
    if report.status["missing_years"]:
        notes.append(text.SENTENCES["population_missing"].format(years=years_text(list(report.status["missing_years"]))))
    out = paragraph(*notes) + tables.render_html(shown, column_formats, headers, policy=policy)
    plot = frame.dropna(subset=["gap"])
    if len(plot):
        plot = plot.assign(gap_mkr=plot["gap"] / 1e6, year=plot["year"].astype(str),
                           scenario=pd.Categorical(plot["scenario"], categories=report.scenarios, ordered=True))
        fig = charts.grouped_bars(plot, x="year", hue="scenario", value="gap_mkr", title=text.CHARTS["gap"],
                                  colors=service_colors(report), value_format="dec1", policy=policy)
        ax = fig.axes[0]
        ax.axhline(0, color="#222222", linewidth=0.8)
        ax.set_ylabel("Miljoner kronor")
        legend_below(ax, len(report.scenarios))
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
        return HTML(paragraph(text.SENTENCES["unassigned_none"]))
    left = left.assign(service=left["service_code"].map(labels.service), unit_label=left["unit"].map(labels.UNITS),
                       brukare_unassigned=[policy.marker if small else formats.count(n) for n, small in
                                           zip(left["brukare_unassigned"],
                                               policy.below_threshold(left["brukare_unassigned"]), strict=True)],
                       volume_unassigned_share=[small_share(v) for v in left["volume_unassigned_share"]])
    column_formats = {"service": "text", "unit_label": "text", "brukare_unassigned": "numtext",
                      "volume_unassigned": "dec1", "volume_unassigned_share": "numtext"}
    if (left["volume_no_population"] > 0).any():
        column_formats["volume_no_population"] = "dec1"
    headers = {**H, "unit_label": H["unit"]}
    return HTML(paragraph(text.SENTENCES["unassigned_text"])
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
    table = ""
    if len(outside):  # the services and the total the list names, as a table
        ordered = cost.sort_values(ascending=False)
        frame = pd.DataFrame({"service": [*(labels.service(c) for c in ordered.index), labels.TOTAL],
                              "cost": [*ordered, ordered.sum()]})
        table = tables.render_html(frame, {"service": "text", "cost": "mkr"},
                                   {"service": text.OUTSIDE["service"],
                                    "cost": text.OUTSIDE["cost"].format(base_year=report.base_year)},
                                   policy=report.policy, total_row=True)
    return HTML(f'<ul class="kpb-text">{body}</ul>' + table)
