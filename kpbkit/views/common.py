"""Views every area report shows: service mix, unit costs, distribution, top cases, age and sex, tie-out, quality."""

from __future__ import annotations

import html
import math
import os
import re
from dataclasses import dataclass, fields

import pandas as pd
from IPython.display import HTML

from kpbkit import charts, formats, labels, tables
from kpbkit.analyses import common
from kpbkit.analyses.load import Results, load_results
from kpbkit.privacy import COUNT_COLUMNS, Policy

_RANGE = re.compile(r"(?<=\d)-(?=\d)")

H = labels.COLUMNS


@dataclass
class Report(Results):
    """A run's results as its reports show them: the results and the report's privacy policy."""

    policy: Policy = Policy()

    @classmethod
    def of(cls, results: Results, policy: Policy) -> Report:
        """``results`` (plain or a report's) with ``policy``."""
        return cls(**{f.name: getattr(results, f.name) for f in fields(Results)}, policy=policy)


def load(period_folder: str | os.PathLike | int) -> Report:
    """A run's results for a report, from its period folder alone (:func:`kpbkit.analyses.load.load_results`),
    with the report's privacy policy: the mode and threshold the run recorded in run.json.

    ``period_folder`` as papermill types it: a path, or a number where the folder's name is one (``-p
    period_folder 2025`` run in the client's output folder).
    """
    results = load_results(os.fspath(period_folder) if isinstance(period_folder, os.PathLike) else str(period_folder))
    return Report.of(results, Policy.from_report_mode(results.run.get("report_mode")))


def policy_of(results: Results) -> Policy:
    """The privacy policy of a report's results: a :class:`Report`'s, or for plain results (a test's) the one their
    run recorded in run.json."""
    return results.policy if isinstance(results, Report) else Policy.from_report_mode(results.run.get("report_mode"))


def period_text(results: Results) -> str:
    """``år 2025`` for a calendar year, else ``2025-01-01 – 2025-06-30``."""
    p = results.config.period
    return f"år {p.start.year}" if p.is_calendar_year else f"{p.start.isoformat()} – {p.end.isoformat()}"


def title(heading: str, *subtitle: str) -> HTML:
    """The report's title block: a heading and a subtitle of parts joined by a middle dot."""
    parts = " · ".join(html.escape(part) for part in subtitle if part)
    return HTML(f'<div class="kpb-title"><h1>{html.escape(heading)}</h1><p class="kpb-subtitle">{parts}</p></div>')


def sex_label(code: str) -> str:
    """``Kvinnor``/``Män`` for a sex code, ``Okänd`` for :data:`kpbkit.analyses.common.UNKNOWN`."""
    return labels.SEX.get(code, labels.UNKNOWN)


def en_dash(label: str) -> str:
    """A numeric range with an en dash, as Swedish typography writes it: ``0-64`` is ``0–64``."""
    return _RANGE.sub("\u2013", label)


def age_band_label(band: str) -> str:
    """An age band as shown: the band's own label with an en dash (``0–64``), ``Okänd`` for an unknown age
    (:data:`kpbkit.analyses.common.UNKNOWN_AGE`)."""
    return labels.UNKNOWN if band == common.UNKNOWN_AGE else en_dash(str(band))


def age_bands_shown(bands: pd.Series) -> pd.Series:
    """A column of age bands as shown (:func:`age_band_label`); a categorical one keeps its order."""
    if isinstance(bands.dtype, pd.CategoricalDtype):
        return bands.cat.rename_categories([age_band_label(c) for c in bands.cat.categories])
    return bands.map(age_band_label)


def _area_in(area: str) -> str:
    return labels.AREA_IN.get(area, f"inom {labels.AREAS.get(area, area)}")


def paragraph(text: str) -> HTML:
    return HTML(f'<p class="kpb-text">{html.escape(text)}</p>')


def service_mix(results: Results, area: str) -> HTML:
    """Brukare, volume, gross cost, cost share and cost per brukare per insats, with a bar chart."""
    mix = common.service_mix(results, area)
    mix = mix.assign(service=mix["service_code"].map(labels.service), unit=mix["unit"].map(labels.UNITS))
    table = tables.render_html(
        mix,
        {"service": "text", "brukare": "int", "volume": "int", "unit": "text", "gross_cost": "kr",
         "cost_share": "percent", "cost_per_brukare": "kr"},
        H, policy=policy_of(results),
    )
    largest = mix["service"].iloc[0] if len(mix) else "–"
    chart = charts.figure_html(
        charts.barh(mix, label="service", value="gross_cost", title=labels.CHARTS["service_cost"],
                    policy=policy_of(results), value_format="mkr" if mix["gross_cost"].abs().max() >= 2e6 else "kr"),
        labels.CHARTS["service_cost_alt"].format(largest=largest, area_in=_area_in(area)),
    )
    return HTML(table + chart)


def unit_costs(results: Results, area: str) -> HTML:
    """Cost per unit per insats and regi: the direct pool per unit and the KPB unit cost incl. overhead."""
    uc = common.unit_costs_by_regi(results, area)
    uc = uc.assign(service=uc["service_code"].map(labels.service), regi_label=uc["regi"].map(labels.REGI),
                   unit=uc["unit"].map(labels.UNIT_SINGULAR))
    headers = {**H, "regi_label": H["regi"], "cost_per_unit": "Direkt kostnad per enhet, kr",
               "kpb_cost_per_unit": "Kostnad per enhet inkl. overhead, kr"}
    return tables.show(
        uc,
        {"service": "text", "regi_label": "text", "brukare": "int", "volume": "int", "unit": "text",
         "gross_pool": "kr", "cost_per_unit": "kr", "kpb_cost_per_unit": "kr"},
        headers, policy=policy_of(results),
    )


def persons_text(policy: Policy, n: int) -> str:
    """A count of persons with its noun for running text, singular for one: ``1 person``, ``12 personer``,
    ``färre än 5 personer``."""
    shown = policy.count_text(n)
    return f"{shown} {labels.PERSONS['one'] if shown == formats.count(1) else labels.PERSONS['many']}"


def concentration_figures(policy: Policy, n: int, conc: dict | pd.Series) -> dict[str, str]:
    """The costliest 10 % and 1 % of ``n`` brukare: their counts (with the noun) and cost shares as the sentence
    shows them, in publication mode with small groups' figures withheld."""
    n10, n1 = math.ceil(n * 0.1), math.ceil(n * 0.01)
    return {"n10": persons_text(policy, n10), "top10": policy.guard(n10, formats.percent(conc["top10"])),
            "n1": persons_text(policy, n1), "top1": policy.guard(n1, formats.percent(conc["top1"]))}


def figures_table(rows: dict[str, str]) -> str:
    """A two-column table (Mått, Värde) of the figures a sentence states, already formatted as the sentence shows
    them (and withheld as it withholds them): the text's figures are the table's."""
    frame = pd.DataFrame({"measure": list(rows), "value": list(rows.values())})
    return tables.render_html(frame, {"measure": "text", "value": "numtext"}, labels.FIGURES, policy=Policy())


def concentration_table(policy: Policy, n: int, conc: dict | pd.Series, median: float) -> str:
    """The figures of the cost-concentration sentence and the histogram's median as a table (the same counts and
    shares, withheld in publication mode as in the sentence)."""
    n10, n1 = math.ceil(n * 0.1), math.ceil(n * 0.01)
    c = labels.CONCENTRATION
    values = {"n10": policy.count_text(n10, words=False),
              "top10": policy.guard(n10, formats.percent(conc["top10"]), marker=policy.marker),
              "n1": policy.count_text(n1, words=False),
              "top1": policy.guard(n1, formats.percent(conc["top1"]), marker=policy.marker),
              "median": formats.kr(median)}
    # pre-formatted cells: the 1 % lie inside the 10 %, so the table's part-of-a-whole suppression does not apply
    return figures_table({c[k]: v for k, v in values.items()})


def cost_distribution(results: Results, area: str) -> HTML:
    """Top 10 % / 1 % cost shares, a Lorenz curve and the distribution of cost per brukare."""
    costs = common.cost_per_person(results, area)
    conc = common.cost_concentration(results, area)
    n = int(conc["brukare"])
    policy = policy_of(results)
    text = labels.SENTENCES["concentration"].format(area_in=_area_in(area), **concentration_figures(policy, n, conc))
    lorenz = charts.figure_html(
        charts.lorenz(common.lorenz_curve(costs), title=labels.CHARTS["lorenz"]),
        labels.CHARTS["lorenz_alt"].format(top10=policy.guard(math.ceil(n * 0.1), formats.percent(conc["top10"]))),
    )
    median = float(costs.median()) if len(costs) else math.nan
    hist = charts.figure_html(
        charts.histogram(costs, title=labels.CHARTS["cost_per_brukare_hist"], xlabel="Kronor per brukare",
                         policy=policy, marker=median, marker_label=f"median {formats.kr(median)}"),
        labels.CHARTS["cost_per_brukare_hist_alt"].format(median=formats.kr(median), area_in=_area_in(area)),
    )
    return HTML(f'<p class="kpb-text">{html.escape(text)}</p>' + concentration_table(policy, n, conc, median)
                + lorenz + hist)


def top_cases(results: Results, area: str, n: int = 10) -> HTML:
    """The most expensive brukare (pseudonymised); left out, with a sentence why, in publication mode."""
    policy = policy_of(results)
    if policy.publication:
        return HTML(policy.omitted(labels.SENTENCES["publication_top_cases"]))
    top = common.top_cases(results, area, n)
    top = top.assign(sex=top["sex"].map(sex_label), age_band=age_bands_shown(top["age_band"]),
                     services=top["services"].map(lambda codes: ", ".join(labels.service(c) for c in codes)))
    return tables.show(
        top,
        {"rank": "int", "person_id": "text", "age_band": "text", "sex": "text", "services": "text",
         "gross_cost": "kr", "net_cost": "kr"},
        H, policy=policy,
    )


def age_and_sex(results: Results, area: str, *, service: str | None = None) -> HTML:
    """Brukare, cost per brukare and volume per brukare per age band and sex, with charts."""
    data = common.by_age_band_and_sex(results, area, service=service)
    data = data.assign(sex=data["sex"].map(sex_label), age_band=age_bands_shown(data["age_band"]))
    unit_code = results.config.catalog.unit_of(service) if service else None
    unit = labels.UNITS.get(unit_code, "volym") if unit_code else "volym"
    scope = f"med {labels.service(service).lower()}" if service else _area_in(area)
    policy = policy_of(results)
    table = tables.render_html(
        data,
        {"age_band": "text", "sex": "text", "brukare": "int", "volume": "int", "volume_per_brukare": "dec1",
         "gross_cost": "kr", "cost_per_brukare": "kr"},
        {**H, "volume": f"Volym ({unit})", "volume_per_brukare": f"Volym per brukare ({unit})"}, policy=policy,
    )
    plot = data.assign(age_band=data["age_band"].astype(str))
    brukare = charts.figure_html(
        charts.grouped_bars(plot, x="age_band", hue="sex", value="brukare", title=labels.CHARTS["age_sex"],
                            policy=policy, colors=charts.SEX_COLORS),
        labels.CHARTS["age_sex_alt"].format(scope=scope),
    )
    per = charts.figure_html(
        charts.grouped_bars(plot, x="age_band", hue="sex", value="volume_per_brukare",
                            title=labels.CHARTS["volume_age_sex"].format(Unit=unit.capitalize()),
                            policy=policy, colors=charts.SEX_COLORS, value_format="dec1"),
        labels.CHARTS["volume_age_sex_alt"].format(unit=unit, scope=scope),
    )
    return HTML(table + brukare + per)


def reconciliation(results: Results, area: str | None = None) -> HTML:
    """The tie-out: ledger, allocated and residual per kind of target, with the check in words."""
    rec = common.reconciliation_summary(results, area)
    form = rec["form"].map(lambda f: labels.TOTAL if f == common.TOTAL else labels.TARGET_FORMS.get(f, f))
    rec = rec.assign(form=form, kind_label=rec["kind"].map(lambda k: labels.RULE_KINDS.get(k, k)))
    table = tables.render_html(
        rec,
        {"form": "text", "kind_label": "text", "ledger_amount": "kr", "allocated_amount": "kr", "residual": "kr"},
        {**H, "form": H["target"], "kind_label": H["kind"]},
        policy=policy_of(results), total_row=True,
    )
    full = results.reconciliation
    gap = float((full["allocated_amount"] + full["residual"] - full["ledger_amount"]).abs().max())
    whole = formats.kr(float(full["ledger_amount"].sum()))
    if area is None:
        text = labels.SENTENCES["reconciliation_ok"].format(ledger=whole, gap=formats.kr(gap, 2))
    else:  # the table's own total first: the text shows the figure the table shows
        text = labels.SENTENCES["reconciliation_area"].format(
            area_ledger=formats.kr(float(rec["ledger_amount"].iloc[-1])), ledger=whole, gap=formats.kr(gap, 2))
    rows = {labels.FIGURE_ROWS["ledger"]: whole, labels.FIGURE_ROWS["gap"]: formats.kr(gap, 2)}
    return HTML(table + f'<p class="kpb-text">{html.escape(text)}</p>' + figures_table(rows))


def quality(results: Results) -> HTML:
    """Data-quality findings, errors and warnings first."""
    dq = quality_labelled(common.quality_findings(results))
    if not len(dq):
        return paragraph(labels.SENTENCES["no_findings"])
    return tables.show(dq, {"severity": "text", "check": "text", "table": "text", "count": "int"}, H,
                       policy=policy_of(results))


def quality_labelled(dq: pd.DataFrame) -> pd.DataFrame:
    """Findings with Swedish check, severity and table names in place of their codes."""
    return dq.assign(check=dq["check"].map(labels.check),
                     severity=dq["severity"].map(lambda s: labels.SEVERITY.get(s, s)),
                     table=dq["table"].map(lambda t: labels.TABLES.get(t, t)))


def key_figures_table(figures: pd.DataFrame, policy: Policy) -> str:
    rows = figures.assign(shown=[formats.FORMATTERS[f](v) for f, v in zip(figures["format"], figures["value"],
                                                                          strict=True)])
    if policy.publication:  # person counts 1..threshold-1 as "<threshold", and every other figure of their group
        counts = figures["kpi"].isin(COUNT_COLUMNS)
        small = counts & figures["value"].map(policy.small)
        total_small = bool((small & (figures["group"] == "total")).any())
        hide = small | (~counts & (figures["group"].isin(figures.loc[small, "group"]) | total_small))
        rows = rows.assign(shown=rows["shown"].where(~hide, policy.marker))
    return tables.render_html(rows, {"label": "text", "shown": "numtext"},
                              {"label": H["key_figure"], "shown": H["value"]}, policy=policy)
