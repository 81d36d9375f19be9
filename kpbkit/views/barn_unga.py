"""Views of the barn och unga genomlysning: out-of-home placements (KPB-METHOD §5 "barn_unga")."""

from __future__ import annotations

import html
import math

import pandas as pd
from IPython.display import HTML, display

from kpbkit import charts, formats, labels, tables
from kpbkit.analyses import barn_unga as analysis
from kpbkit.analyses import common as common_analysis
from kpbkit.analyses.load import Results
from kpbkit.labels import barn_unga as bl
from kpbkit.views import KEY_FIGURES_MIME
from kpbkit.views import common as common_views
from kpbkit.views.barn_unga_charts import daily_chart, form_bars
from kpbkit.views.common import key_figures_table, paragraph, policy_of

AREA = analysis.AREA
H = {**labels.COLUMNS, **bl.COLUMNS}
#: colours of girls and boys in charts (the house colours of women and men)
SEX_COLORS = {bl.SEX["K"]: charts.SEX_COLORS["Kvinnor"], bl.SEX["M"]: charts.SEX_COLORS["Män"],
              labels.UNKNOWN: charts.SEX_COLORS["Okänd"]}


load = common_views.load


def _text(*sentences: str) -> str:
    return "".join(f'<p class="kpb-text">{html.escape(s)}</p>' for s in sentences)


_period_text = common_views.period_text


def _date(value: pd.Timestamp) -> str:
    return "–" if pd.isna(value) else f"{value.day} {bl.MONTHS[value.month - 1]} {value.year}"


def title(results: Results) -> HTML:
    return common_views.title(bl.TITLE, bl.SUBTITLE, results.config.client_name, _period_text(results))


def summary(results: Results) -> HTML:
    """Key figures first: a short text, the key figures and the per-form figures, plus the machine-readable output."""
    policy = policy_of(results)
    figures = _key_figures(results)
    value = dict(zip(figures["kpi"] + "/" + figures["group"], figures["value"], strict=True))
    groups = _family_vs_institution(results).set_index("form_group")["days_share"]
    mix = _open_care_vs_placement(results).set_index("kind")
    placed = value["placed_children/total"]
    per_1000, days, cost_per_day, family, institution = policy.guard(
        placed, formats.number(value["placed_per_1000_0_20/total"], 1),
        formats.count(value["care_days/total"]), formats.kr(value["cost_per_care_day/total"]),
        formats.percent(groups.get("family_home", math.nan)), formats.percent(groups.get("institution", math.nan)))
    # one definition of placed: every child with a placement stay; the rate counts those aged 0–20, said so
    placed_0_20 = _placed_0_20(results)
    rate = (bl.SENTENCES["summary_rate"].format(per_1000=per_1000) if placed_0_20 is None or placed_0_20 == placed
            else bl.SENTENCES["summary_rate_0_20"].format(per_1000=per_1000,
                                                          placed_0_20=policy.count_text(placed_0_20)))
    text = bl.SENTENCES["summary"].format(
        period=_period_text(results), client=results.config.client_name, placed=policy.count_text(placed),
        rate=rate, days=days, cost_per_day=cost_per_day, family=family, institution=institution)
    text2 = bl.SENTENCES["summary_area"].format(
        brukare=policy.count_text(value["brukare/total"]),
        **dict(zip(("gross", "per_brukare", "placement_share"), policy.guard(
            value["brukare/total"], formats.mkr(value["gross_cost/total"]),
            formats.kr(value["cost_per_brukare/total"]),
            formats.percent(mix["cost_share"].get("placement", math.nan))), strict=True)),
    )
    forms = _form_figures(results)
    form_table = tables.render_html(
        forms, {"service": "text", "placed_children": "int", "care_days": "int", "cost_per_care_day": "kr"}, H,
        policy=policy,
    )
    display({KEY_FIGURES_MIME: analysis.key_figures_payload(results)}, raw=True)
    return HTML(_text(text, text2) + key_figures_table(figures, policy) + form_table)


def service_mix(results: Results) -> HTML:
    """Brukare, volume, gross cost, cost share and cost per brukare per insats of barn och unga, with a chart."""
    policy = policy_of(results)
    mix = common_analysis.service_mix(results, AREA)
    mix = mix.assign(service=mix["service_code"].map(labels.service), unit=mix["unit"].map(labels.UNITS))
    table = tables.render_html(
        mix, {"service": "text", "brukare": "int", "volume": "int", "unit": "text", "gross_cost": "kr",
              "cost_share": "percent", "cost_per_brukare": "kr"}, {**H, "service": H["insats"]}, policy=policy,
    )
    largest = mix["service"].iloc[0] if len(mix) else "–"
    chart = charts.figure_html(
        charts.barh(mix, label="service", value="gross_cost", title=bl.CHARTS["service_cost"],
                    value_format="mkr" if mix["gross_cost"].abs().max() >= 2e6 else "kr", policy=policy),
        bl.CHARTS["service_cost_alt"].format(largest=largest),
    )
    return HTML(table + chart)


def forms(results: Results) -> HTML:
    """Children placed, care days and cost per care day per form; family homes vs institutions."""
    policy = policy_of(results)
    if not analysis.has_placements(results):
        return paragraph(bl.SENTENCES["no_placements"])
    data = _forms_table(results)
    table = tables.render_html(
        data, {"service": "text", "placed_children": "int", "care_days": "int", "days_share": "percent",
               "gross_cost": "kr", "cost_per_child": "kr", "cost_per_care_day": "kr"}, H, total_row=True, policy=policy,
    )
    per_form = data[data["service_code"] != "total"]
    long = pd.concat([
        per_form.assign(measure=bl.CHARTS["kpb_cost"], value=per_form["cost_per_care_day"]),
        per_form.assign(measure=bl.CHARTS["contract_price"], value=per_form["mean_price"]),
    ]).fillna({"value": 0.0})
    highest = per_form.loc[per_form["cost_per_care_day"].idxmax(), "service"]
    chart = charts.figure_html(
        form_bars(long), bl.CHARTS["forms_cost_alt"].format(highest=highest),
    )
    groups = _family_vs_institution(results)
    gtable = tables.render_html(
        groups, {"label": "text", "services": "text", "children": "int", "days": "int", "days_share": "percent",
                 "cost_per_care_day": "kr"}, {**H, "label": H["service"]}, policy=policy,
    )
    shares = groups.set_index("form_group")
    costs = shares["cost_per_care_day"]
    text = bl.SENTENCES["forms"].format(family_cost=formats.kr(costs.get("family_home", math.nan)),
                                        institution_cost=formats.kr(costs.get("institution", math.nan)))
    return HTML(table + chart + _text(text) + gtable)


def providers(results: Results) -> HTML:
    """Contracted prices against the ledger per form, and care days and cost per care day per provider."""
    policy = policy_of(results)
    if not analysis.has_placements(results):
        return paragraph(bl.SENTENCES["no_placements"])
    cvl = _contracted_vs_ledger(results)
    ctable = tables.render_html(
        cvl, {"service": "text", "regi_label": "text", "days": "int", "priced_share": "percent", "mean_price": "kr",
              "direct_per_day": "kr", "ratio": "dec2"}, H, policy=policy,
    )
    bought = cvl[(cvl["regi"] == "extern") & (cvl["contracted"] > 0)]
    sentence = ""
    if len(bought):
        ratio = float(bought["priced_direct"].sum() / bought["contracted"].sum())
        sentence = _text(bl.SENTENCES["contracted"].format(ratio=formats.percent(ratio, 0),
                                                           days=formats.count(bought["priced_days"].sum())))
        sentence += common_views.figures_table({
            bl.FIGURE_ROWS["priced_days"]: formats.count(bought["priced_days"].sum()),
            bl.FIGURE_ROWS["ledger_contract"]: formats.percent(ratio, 0)})
    data = _provider_table(results)
    ptable = tables.render_html(
        data, {"service": "text", "provider": "text", "regi_label": "text", "children": "int", "days": "int",
               "mean_price": "kr", "direct_per_day": "kr", "cost_per_care_day": "kr"}, H, policy=policy,
    )
    plot = data.assign(label=data["provider"] + " (" + data["service"] + ")")
    chart = charts.figure_html(
        charts.barh(plot.fillna({"cost_per_care_day": 0}), label="label", value="cost_per_care_day",
                    title=bl.CHARTS["providers"], color_by="regi_label", policy=policy),
        bl.CHARTS["providers_alt"],
    )
    return HTML(ctable + sentence + ptable + chart)


def _placed_0_20(results: Results) -> float | None:
    """The placed children aged 0–20 the rate per 1 000 counts (``None`` when the run has no placements)."""
    if not analysis.has_placements(results):
        return None
    data = _placed_per_1000(results).set_index("group")
    return float(data.loc["total", "placed"]) if "total" in data.index else None


def per_1000(results: Results) -> HTML:
    """Placed children 0–20 per 1 000 inhabitants 0–20, in total and per sex."""
    policy = policy_of(results)
    if not analysis.has_placements(results):
        return paragraph(bl.SENTENCES["no_placements"])
    data = _placed_per_1000(results)
    values = data.set_index("group")
    text = bl.SENTENCES["per_1000"].format(
        placed=policy.count_text(values.loc["total", "placed"]), inhabitants=formats.count(values.loc["total",
                                                                                                       "inhabitants"]),
        per_1000=policy.guard(values.loc["total", "placed"], formats.number(values.loc["total", "per_1000"], 1)),
        girls=policy.guard(values.loc["K", "placed"], formats.number(values.loc["K", "per_1000"], 1)),
        boys=policy.guard(values.loc["M", "placed"], formats.number(values.loc["M", "per_1000"], 1)),
    )
    text = text[:1].upper() + text[1:]  # "Färre än 5 av kommunens ..." (a number is unchanged)
    all_placed = results.kpi(analysis.AREA, "placed_children")
    if all_placed > values.loc["total", "placed"]:  # the summary counts every placed child, this rate 0–20 only
        text += " " + bl.SENTENCES["per_1000_others"].format(
            all=policy.count_text(all_placed), others=policy.count_text(all_placed - values.loc["total", "placed"]))
    table = tables.render_html(data, {"label": "text", "placed": "int", "inhabitants": "int", "per_1000": "dec1"},
                               H, policy=policy)
    return HTML(_text(text) + table)


def lengths(results: Results) -> HTML:
    """Length of placements per stay (ended and ongoing) as a distribution, per form, and as episodes."""
    policy = policy_of(results)
    if not analysis.has_placements(results):
        return paragraph(bl.SENTENCES["no_placements"])
    stats = _length_summary(results).set_index("status")
    text = bl.SENTENCES["lengths"].format(
        n_ended=policy.count_text(stats.loc["ended", "n"]),
        median_ended=policy.guard(stats.loc["ended", "n"], formats.number(stats.loc["ended", "median"])),
        mean_ended=policy.guard(stats.loc["ended", "n"], formats.number(stats.loc["ended", "mean"])),
        n_ongoing=policy.count_text(stats.loc["ongoing", "n"]),
        median_ongoing=policy.guard(stats.loc["ongoing", "n"], formats.number(stats.loc["ongoing", "median"])),
    )
    dist = _length_distribution(results)
    long = pd.concat([
        dist.assign(status=bl.STATUS["ended"], n=dist["ended"]),
        dist.assign(status=bl.STATUS["ongoing"], n=dist["ongoing"]),
    ])
    chart = charts.figure_html(
        charts.grouped_bars(long, x="band_label", hue="status", value="n", title=bl.CHARTS["lengths"], policy=policy),
        bl.CHARTS["lengths_alt"],
    )
    dtable = tables.render_html(dist, {"band_label": "text", "ended": "int", "ongoing": "int", "total": "int"}, H,
                                policy=policy)
    stable = tables.render_html(_length_summary(results),
                                {"label": "text", "n": "int", "mean": "int", "median": "int", "p90": "int"},
                                {**H, "label": ""}, policy=policy)
    by_form = tables.render_html(_length_by_form(results),
                                 {"service": "text", "stays": "int", "ended": "int", "ended_median": "int",
                                  "ongoing": "int", "ongoing_median": "int"}, H, policy=policy)
    return HTML(_text(text) + chart + dtable + stable + by_form)


def episodes(results: Results) -> HTML:
    """Lengths of placement episodes (transfers without a break joined), labelled as such."""
    policy = policy_of(results)
    if not analysis.has_placements(results):
        return paragraph(bl.SENTENCES["no_placements"])
    stats = _length_summary(results, per_episode=True).set_index("status")
    text = bl.SENTENCES["episodes"].format(
        n=policy.count_text(stats.loc["all", "n"]), n_ended=policy.count_text(stats.loc["ended", "n"]),
        median_ended=policy.guard(stats.loc["ended", "n"], formats.number(stats.loc["ended", "median"])),
        n_ongoing=policy.count_text(stats.loc["ongoing", "n"]),
        median_ongoing=policy.guard(stats.loc["ongoing", "n"], formats.number(stats.loc["ongoing", "median"])),
    )
    dist = _length_distribution(results, per_episode=True)
    table = tables.render_html(dist, {"band_label": "text", "ended": "int", "ongoing": "int", "total": "int"}, H,
                               policy=policy)
    stable = tables.render_html(_length_summary(results, per_episode=True),
                                {"label": "text", "n": "int", "mean": "int", "median": "int", "p90": "int"},
                                {**H, "label": ""}, policy=policy)
    return HTML(_text(text) + table + stable)


def flows(results: Results) -> HTML:
    """Inflow and outflow per month (stays and episodes) with a chart."""
    policy = policy_of(results)
    if not analysis.has_placements(results):
        return paragraph(bl.SENTENCES["no_placements"])
    data = _flows_by_month(results)
    text = bl.SENTENCES["flows"].format(
        started=policy.count_text(data["stays_started"].sum()), ended=policy.count_text(data["stays_ended"].sum()),
        new=policy.count_text(data["episodes_started"].sum()),
        closed=policy.count_text(data["episodes_ended"].sum()),
    )
    long = pd.concat([
        data.assign(kind=bl.CHARTS["started"], n=data["stays_started"]),
        data.assign(kind=bl.CHARTS["ended"], n=data["stays_ended"]),
    ])
    long["month_short"] = long["month"].map(lambda m: bl.MONTHS[m.month - 1])
    chart = charts.figure_html(
        charts.grouped_bars(long, x="month_short", hue="kind", value="n", title=bl.CHARTS["flows"], policy=policy),
        bl.CHARTS["flows_alt"],
    )
    totals = pd.DataFrame([{"month_label": labels.TOTAL, **data[["stays_started", "stays_ended", "episodes_started",
                                                                 "episodes_ended"]].sum().to_dict()}])
    table = tables.render_html(
        pd.concat([data, totals], ignore_index=True),
        {"month_label": "text", "stays_started": "int", "stays_ended": "int", "episodes_started": "int",
         "episodes_ended": "int"}, H, total_row=True, policy=policy,
    )
    return HTML(_text(text) + chart + table)


def per_day(results: Results) -> HTML:
    """Children placed on each day of the period, stacked per form."""
    policy = policy_of(results)
    if not analysis.has_placements(results):
        return paragraph(bl.SENTENCES["no_placements"])
    daily = analysis.placed_per_day(results)
    stats = analysis.placed_per_day_summary(results)
    text = bl.SENTENCES["per_day"].format(
        mean=formats.number(stats["mean"], 1), min=policy.count_text(stats["min"]),
        max=policy.count_text(stats["max"]),
        max_date=_date(stats["max_date"]),
    )
    chart = charts.figure_html(daily_chart(daily), bl.CHARTS["per_day_alt"].format(mean=formats.number(stats["mean"],
                                                                                                        1)))
    rows = {bl.FIGURE_ROWS["per_day_mean"]: formats.number(stats["mean"], 1),
            bl.FIGURE_ROWS["per_day_min"]: policy.count_text(stats["min"], words=False),
            bl.FIGURE_ROWS["per_day_max"]: policy.count_text(stats["max"], words=False)}
    return HTML(_text(text) + common_views.figures_table(rows) + chart)


def age_and_sex(results: Results) -> HTML:
    """Placed children, care days and cost per child per age band and sex, with charts."""
    policy = policy_of(results)
    if not analysis.has_placements(results):
        return paragraph(bl.SENTENCES["no_placements"])
    data = _cost_by_age_and_sex(results)
    table = tables.render_html(
        data, {"age_band": "text", "sex_label": "text", "children": "int", "days": "int", "days_per_child": "int",
               "gross_cost": "kr", "cost_per_child": "kr"}, H, policy=policy,
    )
    plot = data.assign(age_band=data["age_band"].astype(str))
    children = charts.figure_html(
        charts.grouped_bars(plot, x="age_band", hue="sex_label", value="children",
                            title=bl.CHARTS["age_sex_children"], colors=SEX_COLORS, policy=policy),
        bl.CHARTS["age_sex_children_alt"],
    )
    cost = charts.figure_html(
        charts.grouped_bars(plot, x="age_band", hue="sex_label", value="cost_per_child", title=bl.CHARTS["age_sex"],
                            colors=SEX_COLORS, value_format="kr", policy=policy),
        bl.CHARTS["age_sex_alt"],
    )
    by_sex = tables.render_html(
        _cost_by_sex(results), {"sex_label": "text", "children": "int", "days": "int",
                                        "days_per_child": "int", "gross_cost": "kr", "cost_per_child": "kr"}, H,
        total_row=True, policy=policy,
    )
    return HTML(by_sex + table + children + cost)


def legal_basis(results: Results) -> HTML:
    """SoL / LVU: children, stays, care days and cost per legal basis, and care days per form and law."""
    policy = policy_of(results)
    if not analysis.has_placements(results):
        return paragraph(bl.SENTENCES["no_placements"])
    data = _law_split(results)
    shares = data.set_index("law")["days_share"]
    text = bl.SENTENCES["law"].format(lvu=formats.percent(shares.get("LVU", 0.0)),
                                      sol=formats.percent(shares.get("SoL", 0.0)))
    table = tables.render_html(
        data, {"law": "text", "children": "int", "stays": "int", "days": "int", "days_share": "percent",
               "gross_cost": "kr", "cost_per_care_day": "kr"}, H, total_row=True, policy=policy,
    )
    by_form = _law_by_form(results)
    laws = [c for c in by_form.columns if c not in ("service_code", "service", "lvu_share")]
    form_table = tables.render_html(
        by_form, {"service": "text", **dict.fromkeys(laws, "int"), "lvu_share": "percent"},
        {**H, **{law: f"Vårddygn {law}" for law in laws}}, policy=policy,
    )
    return HTML(_text(text) + table + form_table)


def open_care(results: Results) -> HTML:
    """Placements next to open care: brukare, volume, cost and cost per brukare; who had both."""
    policy = policy_of(results)
    data = _open_care_vs_placement(results)
    persons = analysis.open_care_and_placement_persons(results)
    text = bl.SENTENCES["open_care"].format(both=policy.count_text(persons["both"]),
                                            open_only=policy.count_text(persons["open_care_only"]),
                                            placement_only=policy.count_text(persons["placement_only"]))
    text = text[:1].upper() + text[1:]  # "Färre än 5 brukare ..." (a number is unchanged)
    table = tables.render_html(
        data, {"label": "text", "brukare": "int", "volume": "int", "unit": "text", "gross_cost": "kr",
               "cost_share": "percent", "cost_per_brukare": "kr", "net_cost": "kr"}, {**H, "label": ""},
        total_row=True, policy=policy,
    )
    rows = {bl.FIGURE_ROWS["both"]: policy.count_text(persons["both"], words=False),
            bl.FIGURE_ROWS["open_care_only"]: policy.count_text(persons["open_care_only"], words=False),
            bl.FIGURE_ROWS["placement_only"]: policy.count_text(persons["placement_only"], words=False)}
    return HTML(table + _text(text) + common_views.figures_table(rows))


def reimbursement(results: Results) -> HTML:
    """State reimbursement (återsökning) per service where the ledger has it."""
    policy = policy_of(results)
    data = _reimbursement(results)
    if not len(data):
        return paragraph(bl.SENTENCES["no_reimbursement"])
    total = data[data["service_code"] == "total"].iloc[0]
    text = bl.SENTENCES["reimbursement"].format(amount=formats.kr(-total["reimbursement"]),
                                                net=formats.kr(total["net_cost"]))
    table = tables.render_html(
        data, {"service": "text", "persons": "int", "gross_cost": "kr", "reimbursement": "kr",
               "reimbursed_share": "percent", "net_cost": "kr", "net_cost_per_day": "kr"},
        {**H, "service": H["insats"]}, total_row=True, policy=policy,
    )
    return HTML(_text(text) + table)


def cost_distribution(results: Results) -> HTML:
    """Top 10 % / 1 % cost shares, a Lorenz curve and the distribution of cost per brukare of barn och unga."""
    policy = policy_of(results)
    costs = common_analysis.cost_per_person(results, AREA)
    conc = common_analysis.cost_concentration(results, AREA)
    n = int(conc["brukare"])
    text = bl.SENTENCES["concentration"].format(**common_views.concentration_figures(policy, n, conc))
    lorenz = charts.figure_html(
        charts.lorenz(common_analysis.lorenz_curve(costs), title=bl.CHARTS["lorenz"]),
        bl.CHARTS["lorenz_alt"].format(top10=policy.guard(math.ceil(n * 0.1), formats.percent(conc["top10"]))),
    )
    median = float(costs.median()) if len(costs) else math.nan
    hist = charts.figure_html(
        charts.histogram(costs, title=bl.CHARTS["cost_hist"], xlabel=bl.CHARTS["cost_hist_x"], marker=median,
                         marker_label=f"median {formats.kr(median)}", policy=policy),
        bl.CHARTS["cost_hist_alt"].format(median=formats.kr(median)),
    )
    return HTML(_text(text) + common_views.concentration_table(policy, n, conc, median) + lorenz + hist)


def top_placements(results: Results, n: int = 10) -> HTML:
    """The placed children with the highest placement cost (pseudonymised); left out in publication mode."""
    policy = policy_of(results)
    if not analysis.has_placements(results):
        return paragraph(bl.SENTENCES["no_placements"])
    if policy.publication:
        return HTML(policy.omitted(labels.SENTENCES["publication_top_cases"]))
    top = _top_placements(results, n)
    return tables.show(
        top, {"rank": "int", "person_id": "text", "age_band": "text", "sex": "text", "services": "text",
              "days": "int", "gross_cost": "kr", "cost_per_care_day": "kr", "net_cost": "kr"},
        {**H, "sex": labels.COLUMNS["sex"], "cost_per_care_day": bl.COLUMNS["cost_per_care_day_short"]}, policy=policy,
    )


def quality(results: Results) -> HTML:
    """The placement findings (overlaps, placements without a decision, missing prices) and price coverage."""
    policy = policy_of(results)
    data = _placement_quality(results)
    table = tables.render_html(data, {"label": "text", "count": "int", "consequence": "text"},
                               {**H, "label": H["check"]}, policy=policy)
    coverage = _price_coverage(results)
    ctable = tables.render_html(
        coverage, {"service": "text", "regi_label": "text", "stays": "int", "priced": "int", "unpriced": "int",
                   "priced_share": "percent"}, H, policy=policy,
    )
    return HTML(table + ctable)


def to_frame(results: Results) -> pd.DataFrame:
    """The key figures as a frame (for tests and the explorer)."""
    return _key_figures(results)


# --- the analyses' frames with their Swedish labels ---------------------------------------------------------

def _service(code: str) -> str:
    return labels.TOTAL if code == common_analysis.TOTAL else labels.service(code)


def _sex(code: str) -> str:
    return labels.TOTAL if code == common_analysis.TOTAL else bl.SEX.get(code, labels.UNKNOWN)


def _services(codes: tuple[str, ...]) -> str:
    return ", ".join(labels.service(c) for c in codes)


def _key_figures(results: Results) -> pd.DataFrame:
    f = analysis.key_figures(results)
    return f.assign(label=[bl.KEY_FIGURES[(k, g)] for k, g in zip(f["kpi"], f["group"], strict=True)])


def _form_figures(results: Results) -> pd.DataFrame:
    f = analysis.form_figures(results)
    return f.assign(service=f["service_code"].map(_service))


def _forms_table(results: Results) -> pd.DataFrame:
    f = analysis.forms_table(results)
    return f.assign(service=f["service_code"].map(_service))


def _placed_per_1000(results: Results) -> pd.DataFrame:
    f = analysis.placed_per_1000(results)
    return f.assign(label=f["group"].map(_sex))


def _flows_by_month(results: Results) -> pd.DataFrame:
    f = analysis.flows_by_month(results)
    return f.assign(month_label=[f"{bl.MONTHS[m.month - 1]}\u00a0{m.year}" for m in f["month"]])


def _family_vs_institution(results: Results) -> pd.DataFrame:
    f = analysis.family_vs_institution(results)
    return f.assign(label=f["form_group"].map(bl.FORM_GROUPS),
                    services=[_services(analysis.FORM_GROUPS[g]) for g in f["form_group"]])


def _provider_table(results: Results) -> pd.DataFrame:
    f = analysis.provider_table(results)
    return f.assign(provider=f["provider"].replace(common_analysis.UNKNOWN, labels.UNKNOWN),
                    service=f["service_code"].map(_service), regi_label=f["regi"].map(labels.REGI))


def _contracted_vs_ledger(results: Results) -> pd.DataFrame:
    f = analysis.contracted_vs_ledger(results)
    return f.assign(service=f["service_code"].map(_service), regi_label=f["regi"].map(labels.REGI))


def _price_coverage(results: Results) -> pd.DataFrame:
    f = analysis.price_coverage(results)
    return f.assign(service=f["service_code"].map(_service), regi_label=f["regi"].map(labels.REGI))


def _length_distribution(results: Results, *, per_episode: bool = False) -> pd.DataFrame:
    f = analysis.length_distribution(results, per_episode=per_episode)
    return f.assign(band_label=f["band"].map(bl.LENGTH_BANDS))


def _length_summary(results: Results, *, per_episode: bool = False) -> pd.DataFrame:
    f = analysis.length_summary(results, per_episode=per_episode)
    return f.assign(label=f["status"].map(bl.STATUS))


def _length_by_form(results: Results) -> pd.DataFrame:
    f = analysis.length_by_form(results)
    return f.assign(service=f["service_code"].map(_service))


def _open_care_vs_placement(results: Results) -> pd.DataFrame:
    f = analysis.open_care_vs_placement(results)
    return f.assign(unit=[bl.OPEN_CARE_UNITS.get(k, "") for k in f["kind"]], label=f["kind"].map(bl.CARE_KINDS))


def _reimbursement(results: Results) -> pd.DataFrame:
    f = analysis.reimbursement(results)
    return f.assign(service=f["service_code"].map(_service))


def _placement_quality(results: Results) -> pd.DataFrame:
    f = analysis.placement_quality(results)
    return f.assign(label=f["check"].map(bl.QUALITY), consequence=f["check"].map(bl.QUALITY_CONSEQUENCE))


def _cost_by_age_and_sex(results: Results) -> pd.DataFrame:
    f = analysis.cost_by_age_and_sex(results)
    f = f.assign(sex_label=f["sex"].map(_sex), age_band=common_views.age_bands_shown(f["age_band"]))
    return f.sort_values(["age_band", "sex_label"]).reset_index(drop=True)  # girls, boys, unknown by name


def _cost_by_sex(results: Results) -> pd.DataFrame:
    f = analysis.cost_by_sex(results)
    f = f.assign(sex_label=f["sex"].map(_sex), _total=f["sex"] == common_analysis.TOTAL)
    return f.sort_values(["_total", "sex_label"], kind="stable").drop(columns="_total").reset_index(drop=True)


def _law_split(results: Results) -> pd.DataFrame:
    f = analysis.law_split(results)
    return f.assign(law=f["law"].replace({common_analysis.UNKNOWN: labels.UNKNOWN,
                                          common_analysis.TOTAL: labels.TOTAL}))


def _law_by_form(results: Results) -> pd.DataFrame:
    f = analysis.law_by_form(results).rename(columns={common_analysis.UNKNOWN: labels.UNKNOWN})
    laws = sorted(c for c in f.columns if c not in ("service_code", "lvu_share"))
    return f.assign(service=f["service_code"].map(_service))[["service_code", "service", *laws, "lvu_share"]]


def _top_placements(results: Results, n: int = 10) -> pd.DataFrame:
    f = analysis.top_placements(results, n)
    return f.assign(sex=f["sex"].map(_sex), services=f["services"].map(_services),
                    age_band=common_views.age_bands_shown(f["age_band"]))
