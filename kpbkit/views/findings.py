"""Page 1 of every area report: "Sammanfattning och slutsatser", the largest findings ranked in kronor.

Every figure in a finding's text and in the table under it comes from the same row of ``results/findings.csv``
(:mod:`kpbkit.analyses.findings`), formatted once here. In publication mode a finding resting on a group smaller
than the threshold is withheld, and the page says how many were.
"""

from __future__ import annotations

import html
import math

import pandas as pd
from IPython.display import HTML

from kpbkit import formats, tables
from kpbkit.analyses import findings as analysis
from kpbkit.analyses.load import Results
from kpbkit.labels import findings as text
from kpbkit.privacy import Policy
from kpbkit.views.common import policy_of
from kpbkit.views.compare import NO_DATA, kpi_text, lower_first, value_text


def _basis(row: dict[str, object]) -> str:
    year = row["source_year"]
    year_text = str(int(year)) if isinstance(year, float) and not math.isnan(year) else ""
    basis = text.BASIS[str(row["basis"])].format(source=row["source"], year=year_text)
    return basis + (text.ASSUMPTION if row["assumption"] else "")


def _fields(row: dict[str, object]) -> dict[str, str]:
    """A finding's numbers and names as the text shows them (one formatting for the text and the table)."""
    unit = str(row["unit"])
    subject = str(row["subject"])
    kpi, _, group = subject.partition(":")
    band, _, sex = subject.partition(":")
    sex_low = {"K": "M", "M": "K"}.get(sex, "")
    observed, target = float(row["observed"]), float(row["target"])  # type: ignore[arg-type]
    out = {
        "kpi": kpi_text(kpi, group or "total") if group else "",
        "basis": _basis(row),
        "observed": value_text(observed, unit),
        "target": value_text(target, unit),
        "observed_count": formats.count(observed),
        "target_count": formats.count(target),
        "volume": formats.count(row["volume"]),  # type: ignore[arg-type]
        "volume_unit": text.VOLUME_UNITS.get(str(row["volume_unit"]), str(row["volume_unit"])),
        "kronor": kronor_text(row["kronor"]),  # type: ignore[arg-type]
        "persons": formats.count(row["group_size"]),  # type: ignore[arg-type]
        "sex_high": text.SEX.get(sex, "").capitalize(), "sex_high_cap": text.SEX.get(sex, "").capitalize(),
        "sex_low": text.SEX.get(sex_low, ""), "band": f"{band.replace('-', '–')} år" if sex else "",
        "regi": text.REGI.get(subject, subject), "year": subject if str(row["rule"]) == "forecast_above_budget" else "",
    }
    if str(row["rule"]).startswith("provider_"):
        code, _, regi = subject.partition(":")
        out["provider"] = str(row.get("provider_name") or code)
        out["regi"] = text.REGI.get(regi, regi)
    return out


def figures_text(row: dict[str, object]) -> str:
    """The findings table's "Underlag": what was seen against what, the volume and the group size, formatted as
    the finding's text formats them (:func:`_fields`)."""
    fields = _fields(row)
    parts = []
    if str(row["unit"]) == "stays":
        parts.append(text.FIGURES_STAYS.format(**fields))
    elif fields["observed"] != NO_DATA and fields["target"] != NO_DATA:
        parts.append(text.FIGURES_VERSUS.format(**fields))
    if not _nan(row["volume"]):
        parts.append(text.FIGURES_VOLUME.format(**fields))
    if not _nan(row["group_size"]):
        n = float(row["group_size"])  # type: ignore[arg-type]
        persons = text.FIGURES_PERSONS["one"] if n == 1 else text.FIGURES_PERSONS["many"].format(n=fields["persons"])
        parts.append(persons)
    return text.FIGURES_JOIN.join(parts)


def kronor_text(value: float) -> str:
    """A finding's kronor as an order of magnitude: ``3,3 mnkr``, ``116 000 kr``; "not valued" when NaN."""
    if _nan(value):
        return text.NOT_VALUED
    return formats.mkr(value) if abs(value) >= 1e6 else formats.kr(round(value, -3))


def _nan(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def headline(row: dict[str, object]) -> str:
    """The finding in a few words (the table's "Fynd")."""
    fields = _fields(row)
    out = text.HEADLINES[str(row["rule"])].format(**{**fields, "basis": _short_basis(row)})
    return out[:1].upper() + out[1:]


def _short_basis(row: dict[str, object]) -> str:
    basis = str(row["basis"])
    return "referensvärdet" if basis == "reference" else text.BASIS[basis].format(source="", year="").strip()


def sentence(row: dict[str, object]) -> str:
    """What was seen and how large, in one or two sentences."""
    fields = _fields(row)
    rule = str(row["rule"])
    return text.SENTENCES[rule].format(**fields)


def page_one_top(results: Results) -> int:
    """How many findings page 1 shows: the run's recorded ``findings.top``."""
    recorded = results.run.get("findings")
    return int(recorded.get("top", analysis.DEFAULT_TOP)) if isinstance(recorded, dict) else analysis.DEFAULT_TOP


def rows(results: Results, area: str, *, policy: Policy, top: int | None = None) -> tuple[pd.DataFrame, int]:
    """The area's findings as display rows numbered in rank order (the first ``top``; ``None``: all), and how
    many were withheld in publication mode."""
    found = analysis.for_area(analysis.read_findings(results), area)
    withheld = 0
    if policy.publication and len(found):
        small = found["group_size"].map(lambda n: not _nan(n) and policy.small(n))
        withheld = int(small.sum())
        found = found[~small]
    providers = results.tables.get("providers")
    if providers is not None and len(found):
        names = dict(zip(providers["provider_id"].astype(str), providers["name"].astype(str), strict=True))
        found = found.assign(provider_name=[names.get(s.partition(":")[0], "") for s in found["subject"]])
    out = []
    shown = found if top is None else found.head(top)
    for number, row in enumerate(shown.to_dict("records"), start=1):
        out.append({**row, "number": number, "headline": headline(row), "sentence": sentence(row)})
    frame = pd.DataFrame(out)
    if len(frame):  # ranks renumbered after withheld findings: overlaps point at the shown numbers
        shown = dict(zip(frame["rank"], frame["number"], strict=True))
        frame["overlaps_shown"] = [
            [shown[int(r)] for r in str(o).split(";") if r and int(r) in shown] for o in frame["overlaps"]]
    return frame, withheld


def conclusions(results: Results, area: str) -> HTML:
    """The ranked findings with their kronor, actions and key figure to follow, then a table of the same."""
    policy = policy_of(results)
    frame, withheld = rows(results, area, policy=policy, top=page_one_top(results))
    parts = [f'<p class="kpb-text">{html.escape(text.HEADING_INTRO)}</p>']
    if not len(frame):
        parts.append(f'<p class="kpb-text">{html.escape(text.NONE)}</p>')
    items = []
    for row in frame.to_dict("records"):
        lines = [f"<strong>{html.escape(row['headline'])}.</strong> {html.escape(row['sentence'])}"]
        action = text.ACTIONS.get(str(row["action"]))  # a findings.csv of an older kpbkit may name others
        if action:
            lines.append(html.escape(text.ACTION_PREFIX + action))
        follow = text.FOLLOW.get(str(row["follow_kpi"]), "")
        certainty = text.CERTAINTY_SENTENCE.format(
            certainty=text.CERTAINTY[str(row["certainty"])],
            persons=text.PERSONS.format(n=formats.count(row["group_size"])) if not _nan(row["group_size"]) else "")
        lines.append(html.escape(f"{text.FOLLOW_PREFIX}{follow}. {certainty}" if follow else certainty))
        if row["overlaps_shown"]:
            shown = [str(r) for r in row["overlaps_shown"]]
            ranks = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} {text.OVERLAP_WORD} {shown[-1]}"
            lines.append(f"<em>{html.escape(text.OVERLAPS.format(ranks=ranks))}</em>")
        items.append("<li>" + "<br>".join(lines) + "</li>")
    if items:
        parts.append('<ol class="kpb-findings">' + "".join(items) + "</ol>")
    if withheld:
        note = text.WITHHELD.format(n=withheld, threshold=policy.threshold)
        parts.append(f'<p class="kpb-text kpb-note">{html.escape(note)}</p>')
    if len(frame):
        table = frame.assign(
            rank=frame["number"].astype(str), kind=frame["kind"].map(text.KINDS),
            kronor=[kronor_text(k) for k in frame["kronor"]],
            figures=[figures_text(row) for row in frame.to_dict("records")],
            certainty=frame["certainty"].map(text.CERTAINTY),
            overlaps=[", ".join(str(r) for r in o) for o in frame["overlaps_shown"]])
        parts.append(tables.render_html(
            table, {"rank": "text", "headline": "text", "kind": "text", "kronor": "text", "figures": "text",
                    "certainty": "text",
                    **({"overlaps": "text"} if any(frame["overlaps_shown"]) else {})},
            text.COLUMNS, policy=Policy()))
    return HTML("".join(parts))


def section(results: Results, area: str, rules: tuple[str, ...], *, none: str) -> HTML:
    """The area's findings of some rules written as text where the report treats their subject (the gender
    analysis beside age and sex, the providers beside regi): the same rows, numbers and ranks as page 1, or the
    sentence ``none`` (a key of ``labels.findings.SECTION_NONE``) when there are none."""
    policy = policy_of(results)
    frame, _withheld = rows(results, area, policy=policy)
    chosen = frame[frame["rule"].isin(rules)] if len(frame) else frame
    if not len(chosen):
        return HTML(f'<p class="kpb-text">{html.escape(text.SECTION_NONE[none])}</p>')
    on_page_one = page_one_top(results)  # the numbering is page 1's: the first rows are the ones it shows
    parts = []
    for row in chosen.to_dict("records"):
        lead = text.SECTION_LEAD.format(number=row["number"]) if row["number"] <= on_page_one else ""
        parts.append(f'<p class="kpb-text"><strong>{html.escape(lead + row["headline"])}.</strong> '
                     f'{html.escape(row["sentence"])}</p>')
    return HTML("".join(parts))


__all__ = ["conclusions", "headline", "lower_first", "rows", "section", "sentence"]
