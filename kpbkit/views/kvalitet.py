"""Views of the data-quality report (``kvalitet.html`` / ``.pdf``): the findings a client works through.

The summary (findings per severity and a sentence on whether the run can be trusted), then one block per
finding in the cleaning phases (case-system records, the ledger's code strings, reconciliation), each with
its Swedish check name, severity, table, count, the run's detail, an example row and what to do. The
tie-out reuses :func:`kpbkit.views.common.reconciliation`.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, display
from matplotlib.ticker import MaxNLocator

from kpbkit import charts, formats, labels, tables
from kpbkit.analyses import common
from kpbkit.analyses import kvalitet as analysis
from kpbkit.analyses.load import Results
from kpbkit.labels import kvalitet as text
from kpbkit.views import common as common_views
from kpbkit.views.common import policy_of

H = {**labels.COLUMNS, **text.COLUMNS}
#: severity → colour of its findings' margin line and bars
SEVERITY_COLORS = {"error": charts.PALETTE[3], "warning": charts.PALETTE[1], "info": charts.PALETTE[4]}

load = common_views.load


def _p(sentence: str) -> str:
    return f'<p class="kpb-text">{html.escape(sentence)}</p>'


def title(results: Results) -> HTML:
    return common_views.title(text.TITLE, results.config.client_name, common_views.period_text(results),
                              text.SUBTITLE)


def verdict_text(results: Results) -> str:
    """The sentence saying whether the run can be trusted (from :func:`kpbkit.analyses.kvalitet.verdict`)."""
    v = analysis.verdict(results)
    errors = text.counted(v["errors"], "error")
    warnings = text.counted(v["warnings"], "warning")
    if v["status"] == "errors":
        return text.SENTENCES["verdict_errors"].format(errors=errors, warnings=warnings)
    if v["status"] == "no_control_totals":
        return text.SENTENCES["verdict_no_control"].format(warnings=warnings)
    if v["status"] == "control_not_checked":
        return text.SENTENCES["verdict_not_checked"].format(warnings=warnings)
    rest = (text.SENTENCES["verdict_ok_warnings"].format(warnings=warnings.capitalize()) if v["warnings"]
            else text.SENTENCES["verdict_ok_clean"])
    return text.SENTENCES["verdict_ok"].format(warnings_sentence=rest)


def summary(results: Results) -> HTML:
    """The verdict, findings per severity and phase, and the list of every finding (the work list)."""
    policy = policy_of(results)
    counts = analysis.severity_summary(results)
    counts.insert(1, "severity", counts["severity_id"].map(severity_label))
    headers = {**H, "severity": H["severity"],
               **{p: f"{text.PHASE_NUMBERS[p]}. {text.PHASES[p]}" for p in analysis.PHASES}}
    table = tables.render_html(
        counts, {"severity": "text", "findings": "int", **dict.fromkeys(analysis.PHASES, "int")}, headers,
        total_row=True, policy=policy,
    )
    return HTML(_p(verdict_text(results)) + table)


def overview(results: Results) -> HTML:
    """Every finding in one short table (number, check, severity, table, count): the client's work list."""
    policy = policy_of(results)
    f = findings(results)
    if not len(f):
        return common_views.paragraph(labels.SENTENCES["no_findings"])
    return tables.show(f, {"number": "text", "check": "text", "severity": "text", "table": "text",
                           "count": "int"}, H, policy=policy)


def per_table_chart(results: Results) -> HTML:
    """Bars of findings per table, coloured by severity (nothing when there are no findings)."""
    policy = policy_of(results)
    data = findings_per_table(results)
    if not len(data):
        return HTML("")
    known = [labels.SEVERITY[s] for s in analysis.SEVERITIES]
    present = list(dict.fromkeys([*known, *data["severity"]]))
    colors = {label: SEVERITY_COLORS.get(sid, charts.PALETTE[0])
              for sid, label in [*labels.SEVERITY.items(), *((s, s) for s in present if s not in known)]}
    plot = data.assign(severity=pd.Categorical(data["severity"], categories=present, ordered=True))
    fig = charts.grouped_bars(plot, x="table", hue="severity", value="findings", title=text.CHARTS["per_table"],
                              colors=colors, policy=policy)
    fig.axes[0].yaxis.set_major_locator(MaxNLocator(integer=True))  # findings are whole numbers
    largest = str(data["table"].iloc[0])
    return HTML(charts.figure_html(fig, text.CHARTS["per_table_alt"].format(largest=largest)))


def finding_html(row: pd.Series | dict) -> str:
    """One finding as a block: number and check name, then severity, table, count, detail, example, guidance."""
    parts = text.FINDING_PARTS
    color = SEVERITY_COLORS.get(str(row["severity_id"]), charts.PALETTE[0])
    facts = " · ".join([
        f"<strong>{html.escape(str(row['severity']))}</strong>",
        f"{parts['table']}: {html.escape(str(row['table']))}",
        f"{parts['count']}: {html.escape(formats.count(float(row['count'])))}",
        f"{parts['check_id']}: <code>{html.escape(str(row['check_id']))}</code>",
    ])
    example = str(row["example"]).strip()
    body = [
        f'<h3>{html.escape(str(row["number"]))} {html.escape(str(row["check"]))}</h3>',
        f'<p class="kpb-text">{facts}</p>',
    ]
    if str(row["detail"]).strip():
        body.append(f'<p class="kpb-text"><strong>{parts["detail"]}:</strong> {html.escape(str(row["detail"]))}</p>')
    body.append(f'<p class="kpb-text"><strong>{parts["example"]}:</strong> '
                + (html.escape(example) if example else f"<em>{parts['no_example']}</em>") + "</p>")
    body.append(f'<p class="kpb-text"><strong>{parts["guidance"]}:</strong> {html.escape(str(row["guidance"]))}</p>')
    style = f"border-left: 3pt solid {color}; padding: 0.5mm 0 0.5mm 3mm; margin: 0 0 4mm; break-inside: avoid"
    return f'<div class="kpb-finding" style="{style}">{"".join(body)}</div>'


def phase_blocks(results: Results, phase: str) -> list[str]:
    """The HTML blocks of one phase's findings (a sentence when there are none)."""
    f = labelled(analysis.phase_findings(results, phase))
    if not len(f):
        return [_p(text.SENTENCES["no_findings_phase"])]
    return [finding_html(row) for _, row in f.iterrows()]


def phase(results: Results, phase: str) -> None:
    """Display one phase's findings, each as its own output (so a block never splits over two pages)."""
    for block in phase_blocks(results, phase):
        display(HTML(block))


def inputs(results: Results) -> HTML:
    """Rows per case-system table as read, with a sentence on how examples cite the client's files."""
    policy = policy_of(results)
    rows = analysis.input_rows(results)
    rows.insert(1, "table", rows["table_id"].map(lambda t: labels.TABLES.get(t, t)))
    return HTML(_p(text.SENTENCES["inputs"])
                + tables.render_html(rows, {"table": "text", "rows": "int"}, H, policy=policy))


def ledger(results: Results) -> HTML:
    """The period's ledger in one sentence: total, unmapped, in pools without volume, excluded."""
    o = analysis.ledger_overview(results)
    return HTML(_p(text.SENTENCES["ledger_overview"].format(
        ledger=formats.kr(o["ledger"]), unmapped=formats.kr(o["unmapped"]),
        pools=formats.kr(o["pools_without_volume"]), excluded=formats.kr(o["excluded"]),
    )))


def reconciliation(results: Results) -> HTML:
    """The allocation invariant (ledger = allocated + residual, to the öre) and every amount not allocated."""
    policy = policy_of(results)
    tie_out = common_views.reconciliation(results)
    rest = residuals(results)
    if not len(rest):
        return HTML(tie_out.data + _p(text.SENTENCES["no_residuals"]))
    table = tables.render_html(
        rest, {"target_label": "text", "kind_label": "text", "ledger_amount": "kr", "residual": "kr",
               "reason": "text"},
        {**H, "kind_label": H["kind"]}, total_row=True, policy=policy,
    )
    return HTML(tie_out.data + _p(text.SENTENCES["residuals"]) + table)


def control_totals(results: Results) -> HTML:
    """The client's stated control totals (RS), or what to ask for when there are none."""
    policy = policy_of(results)
    stated = analysis.control_totals(results)
    if not len(stated):
        return common_views.paragraph(text.SENTENCES["no_control_totals"])
    tolerance = formats.kr(results.config.quality.control_tolerance, 2)
    covers = [covers_text(a, p) for a, p in zip(stated["activities"], stated["account_prefixes"], strict=True)]
    # a control total is to the öre
    stated = stated.assign(amount=[formats.kr(a, 2) for a in stated["amount"]], covers=covers)
    table = tables.render_html(stated, {"label": "text", "amount": "numtext", "covers": "text"}, H, policy=policy)
    out = _p(text.SENTENCES["control_totals"].format(tolerance=tolerance)) + table
    if not len(analysis.phase_findings(results, "reconciliation")):
        out += _p(text.SENTENCES["no_control_findings"])
    return HTML(out)


def severity_label(severity: str) -> str:
    """A severity id in Swedish (``Totalt`` for the total row; an unknown id as it is)."""
    return labels.TOTAL if severity == common.TOTAL else labels.SEVERITY.get(severity, severity)


def labelled(f: pd.DataFrame) -> pd.DataFrame:
    """Findings (:func:`kpbkit.analyses.kvalitet.findings`) with their Swedish check, severity and table names
    and the guidance (a check id without a name keeps its id and gets the generic guidance)."""
    return f.assign(check=f["check_id"].map(labels.check), severity=f["severity_id"].map(severity_label),
                    table=f["table_id"].map(lambda t: labels.TABLES.get(t, t)),
                    guidance=f["check_id"].map(text.guidance))


def findings(results: Results) -> pd.DataFrame:
    """Every finding, labelled (:func:`labelled`)."""
    return labelled(analysis.findings(results))


def findings_per_table(results: Results) -> pd.DataFrame:
    """Findings per table and severity in Swedish, tables with most findings first (then by name)."""
    out = analysis.findings_per_table(results)
    out = out.assign(table=out["table_id"].map(lambda t: labels.TABLES.get(t, t)),
                     severity=out["severity_id"].map(severity_label))[["table", "severity", "findings"]]
    total = out.groupby("table")["findings"].transform("sum")
    return out.assign(_total=total).sort_values(["_total", "table"], ascending=[False, True], kind="stable") \
        .drop(columns="_total").reset_index(drop=True)


def target_label(target: str) -> str:
    """A reconciliation target in Swedish: ``service:hemtjanst:egen`` → ``Hemtjänst, egen regi``.

    >>> target_label("overhead:lss")
    'Overhead, LSS'
    """
    if target == common.TOTAL:
        return labels.TOTAL
    parts = str(target).split(":")
    form = parts[0]
    if form == "service" and len(parts) == 3:
        return f"{labels.service(parts[1])}, {labels.REGI.get(parts[2], parts[2]).lower()}"
    if form in ("overhead", "myndighet") and len(parts) == 2:
        return f"{labels.TARGET_FORMS[form]}, {labels.AREAS.get(parts[1], parts[1])}"
    return labels.TARGET_FORMS.get(form, str(target))


def residuals(results: Results) -> pd.DataFrame:
    """The residuals (:func:`kpbkit.analyses.kvalitet.residuals`) with the target, kind and reason in Swedish."""
    rest = analysis.residuals(results)
    return rest.assign(target_label=rest["target"].map(target_label),
                       kind_label=rest["kind"].map(labels.RULE_KINDS).fillna(rest["kind"]),
                       reason=rest["form"].map(text.RESIDUAL_REASONS).fillna(""))


def covers_text(activities: tuple[str, ...], account_prefixes: tuple[str, ...]) -> str:
    """What a control total covers, in words: its activities and account prefixes, or the whole ledger."""
    parts = []
    if activities:
        parts.append(text.COVERS_ACTIVITIES.format(codes=", ".join(activities)))
    if account_prefixes:
        parts.append(text.COVERS_ACCOUNTS.format(codes=", ".join(account_prefixes)))
    return "; ".join(parts) if parts else text.COVERS_ALL
