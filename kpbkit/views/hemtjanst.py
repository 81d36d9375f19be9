"""Views of the hemtjänst genomlysning (KPB-METHOD §5 "aldreomsorg")."""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
from IPython.display import HTML, display

from kpbkit import charts, formats, labels, tables
from kpbkit.analyses import common
from kpbkit.analyses import hemtjanst as analysis
from kpbkit.analyses.load import Results
from kpbkit.views import KEY_FIGURES_MIME
from kpbkit.views import common as common_views
from kpbkit.views.common import H, key_figures_table, paragraph, policy_of

AREA = analysis.AREA


load = common_views.load


def title(results: Results) -> HTML:
    return common_views.title("Genomlysning av hemtjänsten", results.config.client_name, _period_text(results))


_period_text = common_views.period_text


def summary(results: Results) -> HTML:
    """Key figures first: a short text and the table, plus the figures as machine-readable output."""
    policy = policy_of(results)
    figures = to_frame(results)
    value = dict(zip(figures["kpi"] + "/" + figures["group"], figures["value"], strict=True))
    text = labels.SENTENCES["summary_hemtjanst"].format(
        period=_period_text(results), client=results.config.client_name,
        brukare=policy.count_text(value["brukare/hemtjanst"]),
        **dict(zip(("hours", "granted", "ratio", "cost_per_hour", "egen", "extern"), policy.guard(
            value["brukare/hemtjanst"], formats.count(value["delivered_hours/total"]),
            formats.count(value["granted_hours/total"]), formats.percent(value["delivery_ratio/total"]),
            formats.kr(value["cost_per_hour/total"]), formats.kr(value["cost_per_hour/egen"]),
            formats.kr(value["cost_per_hour/extern"])), strict=True)),
    )
    text2 = labels.SENTENCES["summary_coverage"].format(
        coverage=formats.percent(value["coverage_80/total"]),
        hours_80=formats.number(value["hours_per_inhabitant_80/total"], 1),
        under_65=formats.percent(value["share_under_65/total"]),
    )
    display({KEY_FIGURES_MIME: analysis.key_figures_payload(results)}, raw=True)
    return HTML(f'<p class="kpb-text">{html.escape(text)}</p><p class="kpb-text">{html.escape(text2)}</p>'
                + key_figures_table(figures, policy))


def granted_vs_delivered(results: Results) -> HTML:
    """Beviljad vs utförd tid per group (utförandegrad)."""
    policy = policy_of(results)
    data = analysis.delivery_by_group(results)
    data = data.assign(group=data["group"].map(group_label))
    return tables.show(
        data, {"group": "text", "granted_hours": "int", "delivered_hours": "int", "delivery_ratio": "percent"},
        {**H, "group": H["group"]}, policy=policy,
    )


def hours_per_month(results: Results) -> HTML:
    """Hours per brukare and decision month: text, distribution and histogram."""
    policy = policy_of(results)
    per = analysis.hours_per_brukare_month(results)["hours_per_month"]
    stats = analysis.distribution_summary(per, threshold=80)
    text = labels.SENTENCES["hours_distribution"].format(
        mean=formats.number(stats["mean"], 1), median=formats.number(stats["median"], 1),
        above=formats.percent(stats["above"]),
    )
    upper = float(np.nanpercentile(per, 99)) if len(per) else 1.0
    bins = np.linspace(0, max(upper, 1.0), 31)
    chart = charts.figure_html(
        charts.histogram(per.clip(upper=upper), title=labels.CHARTS["hours_hist"], xlabel="Timmar per månad",
                         bins=bins, marker=stats["median"],
                         marker_label=f"median {formats.number(stats['median'], 1)}", policy=policy),
        labels.CHARTS["hours_hist_alt"].format(median=formats.number(stats["median"], 1)),
    )
    rows = {labels.FIGURE_ROWS["hours_mean"]: formats.number(stats["mean"], 1),
            labels.FIGURE_ROWS["hours_median"]: formats.number(stats["median"], 1),
            labels.FIGURE_ROWS["hours_above"]: formats.percent(stats["above"])}
    return HTML(f'<p class="kpb-text">{html.escape(text)}</p>' + common_views.figures_table(rows) + chart)


def coverage(results: Results) -> HTML:
    """Coverage of 80+, hours per inhabitant 80+ and the share under 65, for women, men and all."""
    policy = policy_of(results)
    data = analysis.coverage_by_sex(results)
    data = data.assign(group=data["group"].map(group_label))
    return tables.show(
        data, {"group": "text", "coverage_80": "percent", "hours_per_inhabitant_80": "dec1",
               "share_under_65": "percent"},
        {"group": H["group"], "coverage_80": labels.KPIS["coverage_80"],
         "hours_per_inhabitant_80": labels.KPIS["hours_per_inhabitant_80"],
         "share_under_65": labels.KPIS["share_under_65"]}, policy=policy,
    )


def regi(results: Results) -> HTML:
    """Egen regi vs LOV: hours per brukare and cost per hour, per regi and per provider."""
    policy = policy_of(results)
    comparison = analysis.regi_comparison(results)
    comparison = comparison.assign(regi_label=comparison["regi"].map(labels.REGI))
    table = tables.render_html(
        comparison, {"regi_label": "text", "brukare": "int", "hours": "int", "hours_per_brukare": "dec1",
                     "cost_per_hour": "kr"}, {**H, "regi_label": H["regi"], "hours": H["hours"]}, policy=policy,
    )
    values = dict(zip(comparison["regi"], comparison["cost_per_hour"], strict=True))
    chart = charts.figure_html(
        charts.barh(comparison.fillna({"cost_per_hour": 0}), label="regi_label", value="cost_per_hour",
                    title=labels.CHARTS["cost_per_hour_regi"], color_by="regi_label", policy=policy),
        labels.CHARTS["cost_per_hour_regi_alt"].format(egen=formats.kr(values.get("egen", math.nan)),
                                                       extern=formats.kr(values.get("extern", math.nan))),
    )
    providers = analysis.provider_table(results)
    providers = providers.assign(provider=providers["provider"].replace(common.UNKNOWN, labels.UNKNOWN),
                                 regi_label=providers["regi"].map(labels.REGI))
    ptable = tables.render_html(
        providers, {"provider": "text", "regi_label": "text", "brukare": "int", "hours": "int",
                    "hours_per_brukare": "dec1"}, {**H, "regi_label": H["regi"]}, policy=policy,
    )
    pchart = charts.figure_html(
        charts.barh(providers, label="provider", value="hours", title=labels.CHARTS["providers"],
                    value_format="int", color_by="regi_label", policy=policy),
        labels.CHARTS["providers_alt"],
    )
    return HTML(table + chart + ptable + pchart)


def first_visit(results: Results) -> HTML:
    """Days from decision to first visit for decisions made in the period."""
    policy = policy_of(results)
    days = analysis.days_to_first_visit(results)["days"]
    if not len(days):
        return paragraph(labels.SENTENCES["no_decisions_in_period"])
    stats = analysis.distribution_summary(days.astype(float))
    text = labels.SENTENCES["days_to_first_visit"].format(
        n=policy.count_text(stats["n"]),
        **dict(zip(("median", "p90"), policy.guard(stats["n"], formats.number(stats["median"], 0),
                                                   formats.number(stats["p90"], 0)), strict=True)),
    )
    chart = charts.figure_html(
        charts.histogram(days, title=labels.CHARTS["days_hist"], xlabel="Dagar", bins=np.arange(0, days.max() + 2),
                         policy=policy, marker=stats["median"],
                         marker_label=f"median {formats.number(stats['median'], 0)}"),
        labels.CHARTS["days_hist_alt"].format(median=formats.number(stats["median"], 0)),
    )
    median, p90 = policy.guard(stats["n"], formats.number(stats["median"], 0), formats.number(stats["p90"], 0),
                               marker=policy.marker)
    rows = {labels.FIGURE_ROWS["decisions"]: policy.count_text(stats["n"], words=False),
            labels.FIGURE_ROWS["days_median"]: median, labels.FIGURE_ROWS["days_p90"]: p90}
    return HTML(f'<p class="kpb-text">{html.escape(text)}</p>' + common_views.figures_table(rows) + chart)


def continuity(results: Results) -> HTML:
    """Staff continuity: distinct staff per brukare and 14 days, per regi."""
    data = analysis.staff_continuity(results)
    if not len(data):
        return paragraph(labels.SENTENCES["no_staff_ids"])
    values = dict(zip(data["regi"], data["mean_staff"], strict=True))
    text = paragraph(labels.SENTENCES["continuity"].format(
        total=formats.number(values.get("total"), 1), egen=formats.number(values.get("egen"), 1),
        extern=formats.number(values.get("extern"), 1),
    ))
    rows = {labels.FIGURE_ROWS["continuity"].format(group=group_label(r).lower()): formats.number(v, 1)
            for r, v in values.items()}
    return HTML(text.data + common_views.figures_table(rows))


def sabo(results: Results) -> HTML:
    """Särskilt boende as context: brukare, days, cost per day."""
    policy = policy_of(results)
    data = analysis.sabo_context(results)
    data = data.assign(regi=data["regi"].map(group_label))
    return tables.show(data, {"regi": "text", "brukare": "int", "days": "int", "gross_cost": "kr",
                              "unit_cost_basis": "kr", "cost_per_day": "kr"}, H, policy=policy)


def to_frame(results: Results) -> pd.DataFrame:
    """The key figures as a frame (for tests and the explorer), with their Swedish labels."""
    figures = analysis.key_figures(results)
    return figures.assign(label=[key_figure_label(k, g) for k, g in zip(figures["kpi"], figures["group"], strict=True)])


def key_figure_label(kpi: str, group: str) -> str:
    """A key figure's label: the KPI's name and, unless it is the total, its group."""
    label = labels.KPIS[kpi]
    if group == analysis.SERVICE:
        return f"{label} med hemtjänst"
    if group != "total":
        return f"{label}, {labels.REGI.get(group, group).lower()}"
    return f"{label}, hela äldreomsorgen" if kpi in analysis.AREA_WIDE else label


def group_label(group: str) -> str:
    """A group code as shown: ``Totalt``, a sex or a regi, else the group itself (an age band)."""
    if group == common.TOTAL:
        return labels.TOTAL
    return labels.SEX.get(group) or labels.REGI.get(group) or common_views.age_band_label(group)
