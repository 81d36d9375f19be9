"""Views of the LSS genomlysning (KPB-METHOD §5 "lss"), with the personal-assistance six-month report.

Sections shared by every area reuse :mod:`kpbkit.views.common` where its text is area-neutral; the service
mix and the cost distribution are rendered here with the LSS report's own sentences and alt texts.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
from IPython.display import HTML, display

from kpbkit import charts, formats, labels, tables
from kpbkit.analyses import common, pa_settlement
from kpbkit.analyses import lss as analysis
from kpbkit.analyses.findings.lss import fk_rate
from kpbkit.analyses.load import Results
from kpbkit.labels import lss as text
from kpbkit.privacy import Policy
from kpbkit.views import KEY_FIGURES_MIME
from kpbkit.views import common as common_views
from kpbkit.views.common import H, key_figures_table, paragraph, policy_of

AREA = analysis.AREA
L = {**H, **text.COLUMNS}
S = {**text.SIX_MONTH_COLUMNS, **text.REPORT_COLUMNS, "service": H["service"], "flags": text.COLUMNS["flags"],
     "cases": text.COLUMNS["cases"]}


load = common_views.load
_period_text = common_views.period_text


def title(results: Results) -> HTML:
    return common_views.title(text.TITLE, results.config.client_name, _period_text(results), text.SUBTITLE)


def period_label(label: str, *, long: bool = False) -> str:
    """A six-month table period in Swedish: ``2025-07–2025-12`` → ``jul–dec 2025`` (``juli–december 2025``)."""
    names = text.MONTH_NAMES if long else text.MONTH_ABBR
    if "–" in label:
        first, last = label.split("–")
        a, b = names[int(first[5:7]) - 1], names[int(last[5:7]) - 1]
        if first[:4] == last[:4]:
            return f"{a}–\u2060{b}{formats.NBSP}{first[:4]}"  # a word joiner: no line break after the dash
        return f"{a}{formats.NBSP}{first[:4]}–{b}{formats.NBSP}{last[:4]}"
    if len(label) == 7:
        return f"{names[int(label[5:7]) - 1]}{formats.NBSP}{label[:4]}"
    return label


def _texts(*sentences: str) -> str:
    return "".join(f'<p class="kpb-text">{html.escape(s)}</p>' for s in sentences)


def summary(results: Results) -> HTML:
    """Key figures first: a short text and the table, plus the figures as machine-readable output."""
    policy = policy_of(results)
    figures = to_frame(results)
    value = dict(zip(figures["kpi"] + "/" + figures["group"], figures["value"], strict=True))
    first = text.SENTENCES["summary"].format(
        period=_period_text(results), client=results.config.client_name,
        brukare=policy.count_text(value["brukare/total"]),
        **dict(zip(("gross", "cost_per_brukare", "top10"), policy.guard(
            value["brukare/total"], formats.mkr(value["gross_cost/total"]),
            formats.kr(value["cost_per_brukare/total"]), formats.percent(value["top10_cost_share/total"])),
            strict=True)),
    )
    second = text.SENTENCES["summary_pa"].format(
        pa_brukare=policy.count_text(value["brukare/pa_sfb"]),
        **dict(zip(("pa_gross", "pa_net"), policy.guard(
            value["brukare/pa_sfb"], formats.kr(value["pa_gross_cost_per_hour/total"]),
            formats.kr(value["pa_net_cost_per_hour/total"])), strict=True)),
        gb_day=formats.kr(value["gruppbostad_cost_per_day/total"]),
        gb_egen=formats.kr(value["gruppbostad_cost_per_day/egen"]),
        gb_extern=formats.kr(value["gruppbostad_cost_per_day/extern"]),
    )
    display({KEY_FIGURES_MIME: analysis.key_figures_payload(results)}, raw=True)
    return HTML(_texts(first, second) + key_figures_table(figures, policy))


def service_mix(results: Results) -> HTML:
    """Brukare, volume, gross cost, cost share and cost per brukare per insats, with a bar chart."""
    policy = policy_of(results)
    mix = common.service_mix(results, AREA)
    if not len(mix):
        return paragraph(text.SENTENCES["no_lss"])
    mix = mix.assign(service=mix["service_code"].map(labels.service), unit=mix["unit"].map(labels.UNITS))
    table = tables.render_html(
        mix,
        {"service": "text", "brukare": "int", "volume": "int", "unit": "text", "gross_cost": "kr",
         "cost_share": "percent", "cost_per_brukare": "kr"},
        H, policy=policy,
    )
    chart = charts.figure_html(
        charts.barh(mix, label="service", value="gross_cost", title=labels.CHARTS["service_cost"],
                    value_format="mkr" if mix["gross_cost"].abs().max() >= 2e6 else "kr", policy=policy),
        text.CHARTS["service_cost_alt"].format(largest=mix["service"].iloc[0]),
    )
    return HTML(table + chart)


def housing_units(results: Results) -> HTML:
    """Kr per day per unit (provider) for group homes and service flats, egen and extern."""
    policy = policy_of(results)
    parts = [paragraph(text.SENTENCES["units_note"]).data]
    for service in analysis.HOUSING:
        units = analysis.housing_units(results, service)
        units = units.assign(provider=units["provider"].replace(common.UNKNOWN, labels.UNKNOWN),
                             regi_label=units["regi"].map(labels.REGI))
        name = labels.service(service)
        parts.append(f"<h3>{html.escape(name)}</h3>")
        if not len(units):
            parts.append(paragraph(text.SENTENCES["no_stays"].format(service=name.lower())).data)
            continue
        parts.append(tables.render_html(
            units, {"provider": "text", "regi_label": "text", "brukare": "int", "days": "int", "cost": "kr",
                    "cost_per_day": "kr", "mean_price": "kr"},
            {**L, "provider": H["provider"], "regi_label": H["regi"], "days": L["days"]}, policy=policy,
        ))
        low, high = units["cost_per_day"].min(), units["cost_per_day"].max()
        parts.append(charts.figure_html(
            charts.barh(units.fillna({"cost_per_day": 0}), label="provider", value="cost_per_day",
                        title=text.CHARTS["unit_cost_day"].format(service=name.lower()), color_by="regi_label",
                        policy=policy),
            text.CHARTS["unit_cost_day_alt"].format(service=name.lower(), low=formats.kr(low), high=formats.kr(high)),
        ))
    return HTML("".join(parts))


def personal_assistance(results: Results) -> HTML:
    """Personal assistance gross and net kr per hour, per service and regi (pa_sfb equals the KPIs)."""
    policy = policy_of(results)
    data = analysis.personal_assistance_costs(results)
    if not len(data):
        return paragraph(text.SENTENCES["no_pa"])
    regis = data[data["regi"] != "total"].groupby("service_code")["regi"].nunique()
    data = data[(data["regi"] != "total") | data["service_code"].map(regis).gt(1)]
    data = data.assign(service=data["service_code"].map(labels.service),
                       regi_label=data["regi"].map({**labels.REGI, "total": labels.TOTAL}))
    table = tables.render_html(
        data, {"service": "text", "regi_label": "text", "brukare": "int", "hours": "int", "cost": "kr",
               "reimbursement": "kr", "gross_per_hour": "kr", "net_per_hour": "kr"},
        {**L, "regi_label": H["regi"], "reimbursement": L["reimbursement_booked"]}, policy=policy,
    )
    return HTML(table + _texts(text.SENTENCES["pa_note"]))


# ------------------------------------------------------------------------------------------------ six-month report


def six_month(results: Results) -> pd.DataFrame:
    """The six-month table of the run (computed as ``results/pa_six_month.csv`` is)."""
    return analysis.six_month(results)


def six_month_summary(results: Results) -> HTML:
    """The settlement period, the rate and thresholds, totals for the period and the year, and flag counts."""
    policy = policy_of(results)
    table = six_month(results)
    if not len(table):
        return paragraph(text.SENTENCES["no_pa"])
    lss = results.config.lss
    period = results.config.period
    current = period_label(pa_settlement.current_settlement_label(period), long=True)
    rates = lss.fk_hourly_rates
    year = period.end.year
    rate = rates.get(year, math.nan)
    _rate, assumed = fk_rate(results)  # a rate not among the published references is the config's assumption
    intro = text.SENTENCES["six_month_intro"].format(
        current=current, year=year, rate=formats.kr(rate, 2), assumed=text.ASSUMED_RATE if assumed else "",
        threshold=formats.percent(lss.shortfall_threshold, 0),
        margin=formats.percent(lss.rate_margin, 0), limit=formats.kr(rate * (1 + lss.rate_margin), 2),
    )
    totals = analysis.six_month_totals(table)
    sentences = [intro]
    sfb = totals[(totals["scope"] == "current") & (totals["service_code"] == "pa_sfb")]
    if len(sfb):
        row = sfb.iloc[0]
        derived = ("delivered", "granted", "ratio", "reimbursement", "share_hours", "share", "net_per_hour")
        sentences.append(text.SENTENCES["six_month_totals"].format(
            current=current, cases=policy.count_text(row["cases"]), **dict(zip(derived, policy.guard(
                row["cases"], formats.count(row["delivered_hours"]), formats.count(row["granted_hours"]),
                formats.percent(row["delivery_ratio"]), formats.kr(-row["reimbursement"]),
                formats.count(row["municipal_share_hours"]), formats.kr(row["municipal_share"]),
                formats.kr(row["net_cost_per_hour"])), strict=True)),
        ))
    counts = analysis.flag_counts(table).set_index("flag")["current"]
    sentences.append(text.SENTENCES["flags_summary"].format(
        shortfall=policy.count_text(counts["flag_shortfall"]),
        above=policy.count_text(counts["flag_above_granted"]),
        raised=policy.count_text(counts["flag_raised_rate"]),
    ))
    order = totals["service_code"].map({s: i for i, s in enumerate(pa_settlement.PA_SERVICES)})
    totals = totals.assign(service=totals["service_code"].map(text.PA_SHORT), period=totals["period"].map(period_label),
                           _order=order).sort_values(["scope", "_order"], ascending=[True, True], kind="stable")
    hours = tables.render_html(
        totals, {"period": "text", "service": "text", "cases": "int", "granted_hours": "int", "delivered_hours": "int",
                 "delivery_ratio": "percent", "municipal_share_hours": "int", "reimbursed_hours": "int"}, S,
        policy=policy,
    )
    money = tables.render_html(
        totals, {"period": "text", "service": "text", "cost": "kr", "reimbursement": "kr", "net_cost": "kr",
                 "municipal_share": "kr", "net_cost_per_hour": "kr"}, S, policy=policy,
    )
    figures = common_views.figures_table({
        text.FIGURE_ROWS["rate_assumed" if assumed else "rate"].format(year=year): formats.kr(rate, 2),
        text.FIGURE_ROWS["limit"].format(margin=formats.percent(lss.rate_margin, 0)):
            formats.kr(rate * (1 + lss.rate_margin), 2)})
    return HTML(_texts(sentences[0]) + figures + _texts(*sentences[1:]) + hours + money)


def _flag_text(rows: pd.DataFrame) -> pd.Series:
    names = [rows[flag].map({True: name, False: ""}) for flag, name in text.FLAGS.items()]
    joined = pd.concat(names, axis=1).apply(lambda r: ", ".join(v for v in r if v), axis=1)
    return joined if len(rows) else pd.Series([], dtype=str)


def six_month_cases(results: Results) -> HTML:
    """The current settlement period per case: hours (granted, delivered, share, reimbursed), then kronor."""
    policy = policy_of(results)
    if policy.publication:
        return HTML(policy.omitted())
    rows = analysis.six_month_current(six_month(results))
    if not len(rows):
        return paragraph(text.SENTENCES["no_pa"])
    rows = rows.assign(service=rows["service_code"].map(text.PA_SHORT))
    hours = tables.render_html(
        rows, {"person_id": "text", "service": "text", "granted_hours": "int", "delivered_hours": "int",
               "delivery_ratio": "percent", "municipal_share_hours": "int", "reimbursed_hours": "int"}, S,
        policy=policy,
    )
    money = tables.render_html(
        rows, {"person_id": "text", "service": "text", "cost": "kr", "reimbursement": "kr", "net_cost": "kr",
               "cost_per_hour": "kr", "net_cost_per_hour": "kr"}, S, policy=policy,
    )
    return HTML(hours + money)


def six_month_year(results: Results) -> HTML:
    """The year per case: hours, reimbursement, cost and net."""
    policy = policy_of(results)
    if policy.publication:
        return HTML(policy.omitted())
    rows = analysis.six_month_year(six_month(results))
    if not len(rows):
        return paragraph(text.SENTENCES["no_pa"])
    rows = rows.assign(service=rows["service_code"].map(text.PA_SHORT))
    return tables.show(
        rows, {"person_id": "text", "service": "text", "granted_hours": "int", "delivered_hours": "int",
               "reimbursement": "kr", "cost": "kr", "net_cost": "kr"}, S, policy=policy,
    )


def six_month_months(results: Results) -> HTML:
    """Granted and delivered hours per month (chart) and delivered ÷ granted per case and month (table)."""
    policy = policy_of(results)
    table = six_month(results)
    if not len(table):
        return paragraph(text.SENTENCES["no_pa"])
    parts = []
    monthly = analysis.monthly_hours(table)
    if len(monthly):
        long = pd.concat([
            monthly.assign(kind=text.CHARTS["granted"], hours=monthly["granted_hours"]),
            monthly.assign(kind=text.CHARTS["delivered"], hours=monthly["delivered_hours"]),
        ])
        long["month"] = long["period"].map(_month_name)
        ratio = monthly["delivered_hours"].sum() / monthly["granted_hours"].sum() if monthly["granted_hours"].sum() \
            else math.nan
        parts.append(charts.figure_html(
            charts.grouped_bars(long, x="month", hue="kind", value="hours", title=text.CHARTS["pa_months"],
                                colors={text.CHARTS["granted"]: charts.PALETTE[4],
                                        text.CHARTS["delivered"]: charts.PALETTE[0]}, policy=policy),
            text.CHARTS["pa_months_alt"].format(ratio=formats.percent(ratio)),
        ))
    if policy.publication:
        return HTML("".join(parts) + policy.omitted())
    matrix = analysis.monthly_ratio_matrix(table)
    parts.append(paragraph(text.SENTENCES["monthly_ratio_note"]).data)
    months = [c for c in matrix.columns if c not in ("person_id", "service_code")]
    halves: dict[str, list[str]] = {}
    for month in months:
        halves.setdefault(f"{month[:4]}-{'H1' if int(month[5:7]) <= 6 else 'H2'}", []).append(month)
    for half in halves.values():
        shown = pd.DataFrame({"person_id": matrix["person_id"], "service": matrix["service_code"].map(text.PA_SHORT)})
        for month in half:
            shown[month] = matrix[month].map(lambda v: formats.percent(v, 0))
        shown = shown[matrix[half].notna().any(axis=1)]
        parts.append(_render_text_table(shown, {"person_id": "txt", "service": "txt", **dict.fromkeys(half, "num")},
                                        {**S, **{m: _month_name(m) for m in half}}))
    return HTML("".join(parts))


def _month_name(period: str) -> str:
    return text.MONTH_ABBR[int(period[5:7]) - 1]


def _render_text_table(frame: pd.DataFrame, alignment: dict[str, str], headers: dict[str, str]) -> str:
    """A table of pre-formatted text; ``alignment`` is ``num`` (right-aligned, like numbers) or ``txt`` per column."""
    cols = list(alignment)
    head = "".join(f'<th class="{alignment[c]}">{html.escape(headers.get(c, c))}</th>' for c in cols)
    body = []
    for _, row in frame[cols].iterrows():
        cells = "".join(f'<td class="{alignment[c]}">{html.escape(str(row[c]))}</td>' for c in cols)
        body.append(f"<tr>{cells}</tr>")
    return f'<table class="kpb-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def six_month_flags(results: Results) -> HTML:
    """The cases flagged in the current settlement period, with the figures behind the flags."""
    policy = policy_of(results)
    if policy.publication:
        return HTML(policy.omitted())
    rows = analysis.flagged_cases(six_month(results))
    if not len(rows):
        return paragraph(text.SENTENCES["no_flags"])
    rows = rows.assign(service=rows["service_code"].map(text.PA_SHORT), flags=_flag_text(rows))
    return tables.show(
        rows, {"person_id": "text", "service": "text", "granted_hours": "int", "delivered_hours": "int",
               "delivery_ratio": "percent", "cost_per_hour": "kr", "flags": "text"}, S, policy=policy,
    )


def reimbursement_check(results: Results) -> HTML:
    """Reimbursement the year's hours earn against what the ledger booked, and the municipal share."""
    policy = policy_of(results)
    table = six_month(results)
    sfb = analysis.six_month_year(table)
    sfb = sfb[sfb["service_code"] == pa_settlement.REIMBURSED_SERVICE]
    if not len(sfb):
        return paragraph(text.SENTENCES["no_sfb"])
    check = analysis.reimbursement_check(results, table)
    key = "reimbursement_short" if check["difference"] > 0 else "reimbursement_over"
    first = text.SENTENCES[key].format(booked=formats.kr(-check["booked"]), earned=formats.kr(-check["earned"]),
                                       difference=formats.kr(abs(check["difference"])))
    share = text.SENTENCES["municipal_share"].format(
        **dict(zip(("hours", "kr"), policy.guard(
            sfb["person_id"].nunique(), formats.count(sfb["municipal_share_hours"].sum()),
            formats.kr(sfb["municipal_share"].sum())), strict=True)),
        cases=policy.count_text(sfb["person_id"].nunique()),
    )
    figures = common_views.figures_table({
        text.FIGURE_ROWS["booked"]: formats.kr(-check["booked"]),
        text.FIGURE_ROWS["earned"]: formats.kr(-check["earned"]),
        text.FIGURE_ROWS["difference"]: formats.kr(abs(check["difference"]))})
    return HTML(_texts(share, first) + figures)


# ------------------------------------------------------------------------------------------------ distribution


def cost_distribution(results: Results) -> HTML:
    """Top 10 % / 1 % cost shares, a Lorenz curve and the distribution of cost per brukare."""
    policy = policy_of(results)
    costs = common.cost_per_person(results, AREA)
    if not len(costs):
        return paragraph(text.SENTENCES["no_lss"])
    conc = common.cost_concentration(results, AREA)
    n = int(conc["brukare"])
    sentence = text.SENTENCES["concentration"].format(**common_views.concentration_figures(policy, n, conc))
    lorenz = charts.figure_html(
        charts.lorenz(common.lorenz_curve(costs), title=labels.CHARTS["lorenz"]),
        text.CHARTS["lorenz_alt"].format(top10=policy.guard(math.ceil(n * 0.1), formats.percent(conc["top10"]))),
    )
    median = float(costs.median())
    hist = charts.figure_html(
        charts.histogram(costs, title=labels.CHARTS["cost_per_brukare_hist"],
                         xlabel=text.CHARTS["cost_per_brukare_xlabel"], marker=median,
                         marker_label=f"median {formats.kr(median)}", policy=policy),
        text.CHARTS["cost_per_brukare_hist_alt"].format(median=formats.kr(median)),
    )
    return HTML(_texts(sentence) + common_views.concentration_table(policy, n, conc, median) + lorenz + hist)


# ------------------------------------------------------------------------------------------------ sex, age, level


def _suppressed_note(policy: Policy) -> str:
    return text.SENTENCES["suppressed_note"].format(threshold=policy.threshold, marker=policy.marker)


def _suppress(frame: pd.DataFrame, column_formats: dict[str, str], policy: Policy, *,
              count: str = "brukare") -> pd.DataFrame:
    """Format every column as text; rows of 1 to threshold − 1 persons show ``<threshold`` and no figures."""
    hidden = policy.below_threshold(frame[count])
    out = pd.DataFrame(index=frame.index)
    for col, kind in column_formats.items():
        shown = frame[col].map(formats.FORMATTERS[kind])
        if kind != "text":
            shown = shown.where(~hidden, policy.marker if col == count else "–")
        out[col] = shown
    published = policy.hidden_cells(frame.reset_index(drop=True), column_formats)  # None in internal mode
    if published is not None:
        marker = policy.marker
        for col in published.columns:
            out[col] = out[col].where(~published[col].to_numpy(), marker)
    return out


def _text_formats(column_formats: dict[str, str]) -> dict[str, str]:
    return {c: ("txt" if k == "text" else "num") for c, k in column_formats.items()}


def sex_by_service(results: Results) -> HTML:
    """Brukare, volume and cost per brukare per insats for women and men (small groups suppressed)."""
    policy = policy_of(results)
    data = analysis.by_service_and_sex(results)
    if not len(data):
        return paragraph(text.SENTENCES["no_lss"])
    data = data.assign(service=data["service_code"].map(labels.service), unit=data["unit"].map(labels.UNITS),
                       sex=data["sex"].map(common_views.sex_label))
    column_formats = {"service": "text", "sex": "text", "brukare": "int", "volume_per_brukare": "dec1",
                      "unit": "text", "cost_per_brukare": "kr"}
    table = _render_text_table(_suppress(data, column_formats, policy), _text_formats(column_formats),
                               {**L, "service": H["service"], "unit": L["unit"]})
    plot = data[~policy.below_threshold(data["brukare"]) & data["sex"].isin(list(labels.SEX.values()))]
    chart = ""
    if len(plot):
        plot = plot.assign(short=plot["service_code"].map(text.SERVICE_SHORT).fillna(plot["service"]))
        fig = charts.grouped_bars(plot, x="short", hue="sex", value="cost_per_brukare", title=text.CHARTS["sex_cost"],
                                  colors=charts.SEX_COLORS, value_format="kr", policy=policy)
        for tick in fig.axes[0].get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
        chart = charts.figure_html(fig, text.CHARTS["sex_cost_alt"])
    return HTML(table + _texts(_suppressed_note(policy)) + chart)


def age_and_sex(results: Results) -> HTML:
    """Brukare, gross cost and cost per brukare per age band and sex (small groups suppressed)."""
    policy = policy_of(results)
    data = common.by_age_band_and_sex(results, AREA)
    if not len(data):
        return paragraph(text.SENTENCES["no_lss"])
    data = data.assign(age_band=common_views.age_bands_shown(data["age_band"]).astype(str),
                       sex=data["sex"].map(common_views.sex_label))
    column_formats = {"age_band": "text", "sex": "text", "brukare": "int", "gross_cost": "kr",
                      "cost_per_brukare": "kr"}
    table = _render_text_table(_suppress(data, column_formats, policy), _text_formats(column_formats), L)
    plot = data.assign(brukare=data["brukare"].where(~policy.below_threshold(data["brukare"]), np.nan))
    chart = charts.figure_html(
        charts.grouped_bars(plot, x="age_band", hue="sex", value="brukare", title=text.CHARTS["age_sex"],
                            colors=charts.SEX_COLORS, policy=policy),
        text.CHARTS["age_sex_alt"],
    )
    return HTML(table + chart)


def service_flat_stays(results: Results) -> HTML:
    """Length of stay in service flats by sex (from each stay's start to its end or the period's end)."""
    policy = policy_of(results)
    data = analysis.stay_length_by_sex(results, "servicebostad")
    data = data.assign(sex=data["sex"].map(lambda s: labels.TOTAL if s == common.TOTAL else common_views.sex_label(s)))
    if not int(data.loc[data["sex"] == labels.TOTAL, "stays"].sum()):
        return paragraph(text.SENTENCES["no_stays"].format(service=labels.service("servicebostad").lower()))
    column_formats = {"sex": "text", "brukare": "int", "stays": "int", "mean_years": "dec1", "median_years": "dec1",
                      "ended": "int"}
    shown = _suppress(data, column_formats, policy)
    # the total would reveal the hidden group
    if policy.below_threshold(data.loc[data["sex"] != labels.TOTAL, "brukare"]).any():
        total = data["sex"] == labels.TOTAL
        shown.loc[total, ["mean_years", "median_years", "ended"]] = "–"
    return HTML(_render_text_table(shown, _text_formats(column_formats), L) + _texts(_suppressed_note(policy)))


def levels(results: Results) -> HTML:
    """Level (nivå) distribution per insats where decisions carry levels (small groups suppressed)."""
    policy = policy_of(results)
    data = analysis.level_distribution(results)
    if not len(data):
        return paragraph(text.SENTENCES["no_levels"])
    data = data.assign(service=data["service_code"].map(labels.service), unit=data["unit"].map(labels.UNITS),
                       level=data["level"].replace(common.UNKNOWN, labels.UNKNOWN))
    column_formats = {"service": "text", "level": "text", "brukare": "int", "volume": "int", "unit": "text",
                      "gross_cost": "kr", "cost_per_brukare": "kr"}
    return HTML(_render_text_table(_suppress(data, column_formats, policy), _text_formats(column_formats),
                                   {**L, "service": H["service"], "unit": L["unit"]}))


# ------------------------------------------------------------------------------------------------ quality, method


def lss_quality(results: Results) -> HTML:
    """LSS-specific checks (counts), before the run's general data-quality findings."""
    policy = policy_of(results)
    data = analysis.lss_checks(results)
    data = data.assign(label=data["check"].map(text.CHECKS))
    return tables.show(data, {"label": "text", "count": "int"}, {"label": L["check"], "count": L["count"]},
                       policy=policy)


def definitions(results: Results) -> HTML:
    """The FK hourly rates and the flag thresholds this report used (from the config)."""
    lss = results.config.lss
    refs = results.comparisons.references
    published = set(pd.to_numeric(refs.loc[(refs["kpi"] == "pa_gross_cost_per_hour") & (refs["origin"] != "config"),
                                           "year"], errors="coerce").dropna().astype(int)) if len(refs) else set()
    rates = {text.FIGURE_ROWS["rate" if year in published else "rate_assumed"].format(year=year): formats.kr(rate, 2)
             for year, rate in sorted(lss.fk_hourly_rates.items())}
    return HTML(_texts(text.SENTENCES["rates"]) + (common_views.figures_table(rates) if rates else "") + _texts(
        text.SENTENCES["thresholds"].format(threshold=formats.percent(lss.shortfall_threshold, 0),
                                            margin=formats.percent(lss.rate_margin, 0)),
    ))


def to_frame(results: Results) -> pd.DataFrame:
    """The key figures as a frame (for tests and the explorer), with their Swedish labels."""
    figures = analysis.key_figures(results)
    return figures.assign(label=[key_figure_label(k, g) for k, g in zip(figures["kpi"], figures["group"], strict=True)])


def key_figure_label(kpi: str, group: str) -> str:
    """A key figure's label: the KPI's name and, unless it is the total, its regi or service."""
    label = labels.KPIS[kpi]
    if group in labels.REGI:
        return f"{label}, {labels.REGI[group].lower()}"
    if group != "total":
        name = labels.service(group)
        return f"{label}, {name[:1].lower()}{name[1:]}"
    return label
