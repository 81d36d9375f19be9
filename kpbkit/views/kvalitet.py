"""Views of the data-quality report (``kvalitet.html`` / ``.pdf``): the findings a client works through.

The summary (findings per severity and one verdict: what the reader can rely on and which warnings move
kronor), then one block per finding in the cleaning phases (case-system records, the ledger's code strings,
reconciliation), each with its Swedish check name, severity, table, count, what the run found worded in
Swedish from the finding's values (:func:`detail_text`), an example row (:func:`example_text`) and what to do.
Nothing a reader sees is the model's English detail, a check id or a config key. The tie-out reuses
:func:`kpbkit.views.common.reconciliation`.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping

import pandas as pd
from IPython.display import HTML, display
from matplotlib.ticker import MaxNLocator

from kpbkit import charts, formats, labels, tables
from kpbkit.analyses import common
from kpbkit.analyses import kvalitet as analysis
from kpbkit.analyses.load import Results
from kpbkit.labels import kvalitet as text
from kpbkit.privacy import Policy
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


#: verdict status (without errors) → its sentence
_STATUS_SENTENCES = {"no_control_totals": "verdict_no_control", "control_not_checked": "verdict_not_checked",
                     "ok": "verdict_ok"}


def verdict_text(results: Results) -> str:
    """One verdict (from :func:`kpbkit.analyses.kvalitet.verdict`): whether the results can be used, then which
    warnings move kronor (:data:`kpbkit.analyses.kvalitet.MONEY_CHECKS`) and which do not."""
    v = analysis.verdict(results)
    f = analysis.findings(results)
    if v["status"] == "errors":
        errors = f[f["severity_id"] == "error"]
        status = text.SENTENCES["verdict_errors"].format(errors=text.counted(v["errors"], "error"),
                                                         sections=_sections(errors["phase"]))
    else:
        status = text.SENTENCES[_STATUS_SENTENCES[str(v["status"])]]
    return f"{status} {warnings_text(v, f)}"


def warnings_text(v: Mapping[str, object], f: pd.DataFrame) -> str:
    """The verdict's sentence on the warnings: how many concern no costs and how many move kronor (and how many
    kronor of the ledger are not allocated)."""
    money, other = int(v["money_warnings"]), int(v["other_warnings"])
    if not money and not other:
        return text.SENTENCES["warnings_none"]
    if not money:
        return text.SENTENCES["warnings_other"].format(other=text.counted(other, "warning").capitalize())
    moving = f[(f["severity_id"] == "warning") & f["check_id"].isin(analysis.MONEY_CHECKS)]
    unallocated = float(v["unallocated"])
    amount = text.SENTENCES["unallocated"].format(amount=formats.kr(unallocated)) if abs(unallocated) >= 0.5 else ""
    if not other:
        return text.SENTENCES["warnings_money"].format(money=text.counted(money, "warning").capitalize(),
                                                       unallocated=amount, sections=_sections(moving["phase"]))
    return text.SENTENCES["warnings_both"].format(other=text.counted(other, "warning").capitalize(),
                                                  money=formats.count(money), unallocated=amount,
                                                  sections=_sections(moving["phase"]))


def _sections(phases: pd.Series) -> str:
    """``avsnitt 1 och 2``: the report's sections of the given phases."""
    numbers = sorted({text.PHASE_NUMBERS[p] for p in phases if p in text.PHASE_NUMBERS})
    words = [str(n) for n in numbers]
    joined = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} och {words[-1]}"
    return text.SENTENCES["section"].format(numbers=joined)


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


def finding_html(row: pd.Series | dict, policy: Policy | None = None) -> str:
    """One finding as a block: number and check name, then severity, table, count, what the run found (in
    Swedish, :func:`detail_text`), an example row (:func:`example_text`) and the guidance. In publication mode a
    finding about fewer rows than the threshold shows no count, detail or example."""
    policy = policy or Policy()
    parts = text.FINDING_PARTS
    color = SEVERITY_COLORS.get(str(row["severity_id"]), charts.PALETTE[0])
    small = policy.small(float(row["count"]))
    facts = " · ".join([
        f"<strong>{html.escape(str(row['severity']))}</strong>",
        f"{parts['table']}: {html.escape(str(row['table']))}",
        f"{parts['count']}: {html.escape(policy.count_text(float(row['count'])))}",
    ])
    example = None if small else example_text(_values_of(row).get("example"))
    detail = labels.SENTENCES["publication_hidden"] if small else detail_text(row)
    body = [
        f'<h3>{html.escape(str(row["number"]))} {html.escape(str(row["check"]))}</h3>',
        f'<p class="kpb-text">{facts}</p>',
        f'<p class="kpb-text"><strong>{parts["detail"]}:</strong> {html.escape(detail)}</p>',
        "" if small else detail_figures(row),
        f'<p class="kpb-text"><strong>{parts["example"]}:</strong> '
        + (html.escape(example) if example else f"<em>{parts['no_example']}</em>") + "</p>",
        f'<p class="kpb-text"><strong>{parts["guidance"]}:</strong> {html.escape(str(row["guidance"]))}</p>',
    ]
    style = f"border-left: 3pt solid {color}; padding: 0.5mm 0 0.5mm 3mm; margin: 0 0 4mm; break-inside: avoid"
    return f'<div class="kpb-finding" style="{style}">{"".join(body)}</div>'


def _values_of(row: pd.Series | Mapping[str, object]) -> dict[str, object]:
    values = row.get("values") if hasattr(row, "get") else None
    return values if isinstance(values, dict) else {}


class _Wording(string.Formatter):
    """Fills a Swedish sentence: each placeholder's value formatted by its name (kronor, counts, years, services),
    and a spec ``singular|plural`` gives ``1 rad`` or ``3 rader``."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self.values = values

    def get_value(self, key: object, args: object, kwargs: Mapping[str, object]) -> object:
        if key not in kwargs:
            raise KeyError(key)
        return (key, kwargs[key])

    def format_field(self, value: object, format_spec: str) -> str:
        key, raw = value  # type: ignore[misc]
        if "|" in format_spec:
            singular, plural = format_spec.split("|", 1)
            n = float(raw)  # type: ignore[arg-type]
            return f"{formats.count(n)}{formats.NBSP}{singular if n == 1 else plural}"
        return value_text(str(key), raw, self.values)


#: values in kronor (to the öre when a control total), and values that are years or dates (no grouping)
_KRONOR = frozenset({"amount", "limit_amount"})
_KRONOR_ORE = frozenset({"ledger", "stated", "difference", "tolerance"})
_AS_TEXT = frozenset({"year", "end", "label", "column"})


def value_text(key: str, raw: object, values: Mapping[str, object]) -> str:
    """One of a finding's values as a sentence shows it (Swedish number formats, Swedish names for codes)."""
    if key in _KRONOR:
        return formats.kr(float(raw))  # type: ignore[arg-type]
    if key in _KRONOR_ORE:
        return formats.kr(float(raw), 2)  # type: ignore[arg-type]
    if key == "table":
        return labels.TABLES.get(str(raw), str(raw)).lower()
    if key == "target":
        return target_label(str(raw))
    if key == "kind":
        return labels.RULE_KINDS.get(str(raw), str(raw)).lower()
    if key == "service":
        regi = str(values.get("regi", ""))
        name = labels.service(str(raw))
        return f"{name}, {labels.REGI.get(regi, regi).lower()}" if regi else name
    if key == "volume":
        unit = str(values.get("unit", ""))
        return f"{formats.number(float(raw), 1)}{formats.NBSP}{labels.UNITS.get(unit, unit)}".rstrip()  # type: ignore[arg-type]
    if key == "per_service" and isinstance(raw, Mapping):
        return ", ".join(f"{labels.service(str(code))} {formats.count(float(n))}" for code, n in raw.items())
    if key == "scope":
        return raw if isinstance(raw, str) else ""
    if isinstance(raw, (list, tuple)):
        return ", ".join(str(x) for x in raw)
    if key in _AS_TEXT or isinstance(raw, str):
        return str(raw)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise KeyError(key)  # a value a sentence cannot show: the generic sentence is used
    return formats.number(float(raw), 0 if float(raw).is_integer() else 1)


def detail_text(row: pd.Series | Mapping[str, object]) -> str:
    """What the run found, in Swedish: the check's sentence (:data:`kpbkit.labels.kvalitet.DETAILS`) filled from
    the finding's values, count and table; the generic sentence when the check has none or a value is missing.
    Never the model's English ``detail``."""
    values = _values_of(row)
    check = str(row["check_id"])
    fields = {**values, "count": float(row["count"]), "table": str(row["table_id"]),
              "scope": scope_text(values.get("activities") or (), values.get("account_prefixes") or ()),
              "name": check_name(check)}
    wording = _Wording(values)
    sentence = text.DETAILS.get(check)
    if sentence is not None:
        try:
            return _capital(wording.vformat(sentence, (), fields))
        except (KeyError, ValueError, TypeError):
            pass
    return _capital(wording.vformat(text.GENERIC_DETAIL, (), fields))


def detail_figures(row: pd.Series | Mapping[str, object]) -> str:
    """The numbers :func:`detail_text` states, as a table (Mått, Värde) formatted as the sentence formats them;
    ``""`` when it states none beyond the count."""
    values = _values_of(row)
    sentence = text.DETAILS.get(str(row["check_id"]))
    fields = {**values, "count": float(row["count"])}
    if sentence is None:
        return ""
    wording = _Wording(values)
    shown: dict[str, str] = {}
    for _literal, name, spec, _conv in string.Formatter().parse(sentence):
        if name is None or name not in text.VALUE_LABELS or name not in fields:
            continue
        raw = fields[name]
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            continue
        shown.setdefault(text.VALUE_LABELS[name], wording.format_field((name, raw), spec or ""))
    if list(shown) in ([], [text.VALUE_LABELS["count"]]):
        return ""
    return common_views.figures_table(shown)


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def scope_text(activities: object, account_prefixes: object) -> str:
    """What a control total covers, for a sentence: ``verksamhet 510, 520; alla konton``."""
    acts = [str(a) for a in activities] if isinstance(activities, (list, tuple)) else []
    prefixes = [str(p) for p in account_prefixes] if isinstance(account_prefixes, (list, tuple)) else []
    return "; ".join([
        text.COVERS_ACTIVITIES.format(codes=", ".join(acts)) if acts else text.SCOPE_ALL_ACTIVITIES,
        text.COVERS_ACCOUNTS.format(codes=", ".join(prefixes)) if prefixes else text.SCOPE_ALL_ACCOUNTS,
    ])


def example_text(parts: object) -> str:
    """An example row in Swedish from its parts (file, row, fields, note); ``""`` when the finding has none.

    >>> example_text({"file": "utford_tid.csv", "row": 20914, "fields": {"personnummer": None}})
    'utford_tid.csv rad 20914: personnummer saknas'
    """
    if not isinstance(parts, Mapping):
        return ""
    file = parts.get("file") or labels.TABLES.get(str(parts.get("table", "")), str(parts.get("table") or ""))
    if parts.get("column") and parts.get("row") is None:
        return text.EXAMPLE_COLUMN.format(file=file, column=parts["column"])
    place = text.EXAMPLE_ROW.format(file=file, row=formats.number(float(parts["row"])).replace(formats.NBSP, "")) \
        if parts.get("row") is not None else str(file)
    said = _fields_text(parts.get("fields") if isinstance(parts.get("fields"), Mapping) else {})
    note = parts.get("note")
    if note == "largest_unmapped" and isinstance(parts.get("largest"), Mapping):
        largest = parts["largest"]
        combination = ", ".join(text.EXAMPLE_FIELDS[k].format(largest.get(k, "")) for k in
                                ("activity", "account", "responsibility"))
        said.append(_Wording(largest).vformat(text.EXAMPLE_NOTES["largest_unmapped"], (), {
            "combination": combination, "amount": largest.get("amount", 0.0), "rows": largest.get("rows", 0)}))
    elif note in text.EXAMPLE_NOTES:
        said.append(text.EXAMPLE_NOTES[str(note)])
    return f"{place}: {', '.join(said)}" if said else place


def _fields_text(fields: Mapping[str, object]) -> list[str]:
    """An example's fields in Swedish: the service, its date or dates, then the other fields."""
    fields = dict(fields)
    said: list[str] = []
    head = []
    if "service_code" in fields:
        code = fields.pop("service_code")
        head.append(labels.service(str(code)) if code is not None else _empty("service_code"))
    if "start_date" in fields or "end_date" in fields:
        start, end = fields.pop("start_date", None), fields.pop("end_date", None)
        head.append(f"{start or _empty('start_date')}–{end or text.EXAMPLE_OPEN_END}")
    elif "date" in fields:
        date = fields.pop("date")
        head.append(str(date) if date is not None else _empty("date"))
    if head:
        said.append(" ".join(head))
    for column, value in fields.items():
        if value is None:
            said.append(_empty(column))
        elif column in ("amount", "daily_price") and isinstance(value, (int, float)):
            said.append(text.EXAMPLE_FIELDS.get(column, "{}").format(formats.kr(float(value), 2)))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            number = formats.number(float(value), 0 if float(value).is_integer() else 2)
            if column in ("year",):
                number = str(int(value))
            said.append(text.EXAMPLE_FIELDS.get(column, "{}").format(number))
        else:
            said.append(text.EXAMPLE_FIELDS.get(column, "{}").format(value))
    return said


def _empty(column: str) -> str:
    return text.EXAMPLE_EMPTY_SUFFIX.format(text.EXAMPLE_EMPTY.get(column, labels.COLUMNS.get(column, column)))


def phase_blocks(results: Results, phase: str) -> list[str]:
    """The HTML blocks of one phase's findings (a sentence when there are none)."""
    f = labelled(analysis.phase_findings(results, phase))
    if not len(f):
        return [_p(text.SENTENCES["no_findings_phase"])]
    policy = policy_of(results)
    return [finding_html(row, policy) for _, row in f.iterrows()]


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


def check_name(check_id: str) -> str:
    """A check's Swedish name; :data:`kpbkit.labels.kvalitet.UNNAMED_CHECK` for an id without one."""
    return labels.CHECKS.get(check_id, text.UNNAMED_CHECK)


def labelled(f: pd.DataFrame) -> pd.DataFrame:
    """Findings (:func:`kpbkit.analyses.kvalitet.findings`) with their Swedish check, severity and table names
    and the guidance (a check id without a name is called :data:`kpbkit.labels.kvalitet.UNNAMED_CHECK` and gets
    the generic guidance)."""
    return f.assign(check=f["check_id"].map(check_name), severity=f["severity_id"].map(severity_label),
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
