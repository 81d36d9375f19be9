"""Views of the comparison sections every area report shows: references, comparison municipalities, savings
potential, and the development over time. Missing values read "uppgift saknas", never 0.
"""

from __future__ import annotations

import html
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.ticker import MaxNLocator

from kpbkit import charts, formats, tables
from kpbkit import labels as shared_labels
from kpbkit.analyses import compare as analysis
from kpbkit.analyses import trends as trend_analysis
from kpbkit.analyses.load import Results
from kpbkit.config import KRONOR_UNITS
from kpbkit.labels import compare as text
from kpbkit.privacy import Policy
from kpbkit.views.common import policy_of

C = text.COLUMNS
NO_DATA = text.NO_DATA


# --- formats ------------------------------------------------------------------------------------------------

def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def value_text(value: float | None, unit: str) -> str:
    """A KPI value in its unit, Swedish (``591 kr``, ``21,6 %``, ``10,5``); ``uppgift saknas`` when missing."""
    if _missing(value):
        return NO_DATA
    v = float(value)  # type: ignore[arg-type]
    if unit == "SEK":
        return formats.mkr(v) if abs(v) >= 10e6 else formats.kr(v)
    if unit in KRONOR_UNITS:
        return formats.kr(v)
    if unit == "share":
        return formats.percent(v)
    if unit in ("per_1000", "hours"):
        return formats.number(v, 1) if abs(v) < 1000 else formats.number(v, 0)
    return formats.number(v, 0)


def _signed(text_value: str, value: float) -> str:
    """A plus sign for a positive difference; no sign at all where it rounds to zero (never "−0,0 %")."""
    if not any(ch in "123456789" for ch in text_value):
        return text_value.lstrip("+\u2212-")
    return f"+{text_value}" if value > 0 else text_value


def _points(v: float) -> str:
    """A difference of shares in percentage points, with its sign."""
    return _signed(f"{formats.number(v * 100, 1)}{formats.NBSP}procentenheter", v)


def deviation_text(value: float | None, unit: str) -> str:
    """A difference in the KPI's unit with its sign; shares in percentage points."""
    if _missing(value):
        return NO_DATA
    v = float(value)  # type: ignore[arg-type]
    return _points(v) if unit == "share" else _signed(value_text(v, unit), v)


def percent_text(value: float | None) -> str:
    return NO_DATA if _missing(value) else _signed(formats.percent(value), float(value))  # type: ignore[arg-type]


def _change_text(value: float | None, unit: str) -> str:
    if _missing(value):
        return NO_DATA
    v = float(value)  # type: ignore[arg-type]
    return _points(v) if unit == "share" else _signed(formats.percent(v), v)


def _table(frame: pd.DataFrame, columns: dict[str, str], policy: Policy, *, text_columns: tuple[str, ...] = (),
           widths: dict[str, str] | None = None) -> str:
    """Pre-formatted text cells: numbers right-aligned, ``text_columns`` left; ``widths`` per column (CSS)."""
    out = tables.render_html(frame, {c: ("text" if c in text_columns else "numtext") for c in columns}, columns,
                             policy=policy)
    for column, width in (widths or {}).items():
        kind = "txt" if column in text_columns else "num"
        head = f'<th class="{kind}">{html.escape(columns[column])}</th>'
        out = out.replace(head, f'<th class="{kind}" style="width:{width}">{html.escape(columns[column])}</th>', 1)
    return out


def _paragraph(sentence: str) -> str:
    return f'<p class="kpb-text">{html.escape(sentence)}</p>'


def _index_text(index: float) -> str:
    return formats.percent(index, 1)


# --- shared context -----------------------------------------------------------------------------------------

_CACHE: dict[int, tuple[Results, dict[str, object]]] = {}


def _context(results: Results) -> dict[str, object]:
    """This run's figures, the references and the comparison municipalities (read once per report)."""
    hit = _CACHE.get(id(results))
    if hit is not None and hit[0] is results:
        return hit[1]
    found = analysis.comparison_runs(results)
    context: dict[str, object] = {
        "client": analysis.run_from_results(results),
        "refs": analysis.references(results),
        "others": [run for _, run in found if run is not None],
        # as the config names them (relative to the config file), not as absolute paths of this machine
        "missing": [name for name, run in found if run is None],
        "compared": len(found),
        "index": results.config.comparison.price_index,
        "year": results.config.period.end.year,
    }
    _CACHE.clear()
    _CACHE[id(results)] = (results, context)
    return context


# --- references ---------------------------------------------------------------------------------------------

def _range_text(low: float, high: float, unit: str) -> str:
    """`` (550–750 kr)``, `` (70,0–95,0 %)``, `` (minst 13 000 kr)``; empty without a range."""
    if _missing(low) and _missing(high):
        return ""
    if _missing(high):
        return f" (minst {value_text(low, unit)})"
    if _missing(low):
        return f" (högst {value_text(high, unit)})"
    if unit in KRONOR_UNITS or unit == "share":
        bare = formats.number(float(low) * 100, 1) if unit == "share" else formats.number(float(low), 0)
        return f" ({bare}–{value_text(high, unit)})"
    return f" ({value_text(low, unit)}–{value_text(high, unit)})"


def _price_text(row: dict[str, object], year: int, index: float) -> str:
    if _missing(row["reference"]):
        return NO_DATA
    if row["unit"] not in KRONOR_UNITS:
        return text.PRICE["none"]
    if int(row["reference_year"]) == year:  # type: ignore[call-overload]
        return text.PRICE["same"]
    return text.PRICE["moved"].format(factor=formats.number(float(row["factor"]), 3),  # type: ignore[arg-type]
                                      index=_index_text(index), year=int(row["reference_year"]))  # type: ignore


def reference_rows(results: Results, area: str) -> pd.DataFrame:
    """The reference comparison of :func:`kpbkit.analyses.compare.reference_comparison` as Swedish text."""
    ctx = _context(results)
    year, index = int(ctx["year"]), float(ctx["index"])  # type: ignore[call-overload, arg-type]
    data = analysis.reference_comparison(ctx["client"], ctx["refs"], area, price_index=index)  # type: ignore
    rows = []
    notes: list[str] = []
    for row in data.to_dict("records"):
        unit = str(row["unit"])
        source = str(row["source"])
        if row["note"]:
            notes.append(str(row["note"]))
            source = f"{source} [{len(notes)}]"
        if row["origin"] == "client":
            source = f"{source} (kommunens egen)"
        no_reference = _missing(row["reference"])
        if no_reference:
            original = ""
        else:
            lower_bound = _missing(row["high"]) and row["low"] == row["reference_value"]
            original = (f"minst {value_text(row['reference_value'], unit)}" if lower_bound
                        else value_text(row["reference_value"], unit) + _range_text(row["low"], row["high"], unit))
            original += f", {int(row['reference_year'])}" if not _missing(row["reference_year"]) else ", år okänt"
        rows.append({
            "kpi": kpi_text(str(row["kpi"]), str(row["group"])),
            "client": value_text(row["client"], unit),
            "reference": value_text(row["reference"], unit),
            # a deviation needs both values: blank (not zero) where the reference or the client value is missing
            "deviation": "" if no_reference or _missing(row["client"]) else deviation_text(row["deviation"], unit),
            "deviation_pct": "" if no_reference or _missing(row["client"]) else percent_text(row["deviation_pct"]),
            "original": original,
            "price": "" if no_reference else _price_text(row, year, index),
            "source": "" if no_reference else source,
            "_source": str(row["source"]),
            "_ratio": (float(row["client"]) / float(row["reference"])
                       if not _missing(row["client"]) and not _missing(row["reference"]) and row["reference"]
                       else math.nan),
        })
    out = pd.DataFrame(rows)
    out.attrs["notes"] = notes
    return out


def references(results: Results, area: str) -> HTML:
    """The client's KPIs beside the reference values (at the period's price level), and a chart."""
    ctx = _context(results)
    year, index = int(ctx["year"]), float(ctx["index"])  # type: ignore[call-overload, arg-type]
    refs = ctx["refs"]
    rows = reference_rows(results, area)
    if not len(rows):
        return HTML(_paragraph(text.SENTENCES["references_none"]))
    own = int((refs["origin"] == "client").sum())  # type: ignore[index]
    intro = text.SENTENCES["references_intro"].format(
        version=analysis.reference_version(refs), year=year, index=_index_text(index),  # type: ignore[arg-type]
        client_refs=text.SENTENCES["client_refs"].format(n=own) if own else "",
    )
    headers = {"kpi": C["kpi"], "client": C["client"], "reference": C["reference"].format(year=year),
               "deviation": C["deviation"], "deviation_pct": C["deviation_pct"], "original": C["original"],
               "price": C["price"], "source": C["source"]}
    table = _table(rows, headers, policy_of(results), text_columns=("kpi", "original", "price", "source"),
                   widths={"kpi": "20%", "source": "15%"})
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in rows.attrs["notes"])
    notes_html = f'<ol class="kpb-text kpb-notes">{notes}</ol>' if notes else ""
    return HTML(_paragraph(intro) + table + notes_html + _reference_chart(rows, policy_of(results)))


def _reference_chart(rows: pd.DataFrame, policy: Policy) -> str:
    plot = rows[rows["_ratio"].notna()]
    plot = plot.assign(label=[f"{k} ({s})" for k, s in zip(plot["kpi"], plot["_source"], strict=True)])
    if not len(plot):
        return ""
    fig = charts.barh(plot, label="label", value="_ratio", title=text.CHARTS["references"], value_format="percent",
                      policy=policy)
    ax = fig.axes[0]
    lines = sum(len(tick.get_text().split("\n")) for tick in ax.get_yticklabels())
    fig.set_figheight(max(2.4, 0.42 * len(plot) + 0.16 * max(0, lines - len(plot)) + 1.0))
    ax.axvline(1.0, color=charts.PALETTE[1], linewidth=1.5, zorder=2)
    for value_label in ax.texts:  # a value just past 100 % stays readable over the reference line
        value_label.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.6})
        value_label.set_zorder(3)
    ax.set_xlim(0, max(1.25, float(plot["_ratio"].max()) * 1.2))
    ax.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: formats.percent(v, 0)))
    items = "; ".join(f"{lab}: {formats.percent(v, 0)}" for lab, v in zip(plot["label"], plot["_ratio"], strict=True))
    return charts.figure_html(fig, text.CHARTS["references_alt"].format(items=items))


# --- comparison municipalities ------------------------------------------------------------------------------

def municipality_rows(results: Results, area: str) -> pd.DataFrame:
    """The comparison with the other municipalities and their median, as Swedish text (one column each)."""
    ctx = _context(results)
    data = analysis.municipality_comparison(ctx["client"], ctx["others"], area,  # type: ignore[arg-type]
                                            price_index=float(ctx["index"]))  # type: ignore[arg-type]
    names = data.attrs["municipalities"]
    rows = []
    for row in data.to_dict("records"):
        unit = str(row["unit"])
        out = {"kpi": kpi_text(str(row["kpi"]), str(row["group"])), "client": value_text(row["client"], unit)}
        out.update({f"m{i}": value_text(row[name], unit) for i, name in enumerate(names)})
        out.update({"median": value_text(row["median"], unit), "deviation": deviation_text(row["deviation"], unit),
                    "deviation_pct": percent_text(row["deviation_pct"])})
        rows.append(out)
    frame = pd.DataFrame(rows)
    frame.attrs["names"] = names
    frame.attrs["data"] = data
    return frame


def municipalities(results: Results, area: str) -> HTML:
    """The client beside the comparison municipalities and their median, and an index chart (median = 100)."""
    ctx = _context(results)
    missing = ctx["missing"]
    notes = ""
    if missing:
        notes = _paragraph(text.SENTENCES["municipalities_missing"].format(
            n=len(missing), total=ctx["compared"],
            folders=", ".join(str(f) for f in missing)))  # type: ignore[union-attr, arg-type]
    if not ctx["others"]:
        if missing:
            return HTML(notes)
        return HTML(_paragraph(text.SENTENCES["no_municipalities"].format(client=results.config.client_name)))
    rows = municipality_rows(results, area)
    names = rows.attrs["names"]
    year, index = int(ctx["year"]), float(ctx["index"])  # type: ignore[call-overload, arg-type]
    intro = text.SENTENCES["municipalities_intro"].format(year=year, index=_index_text(index))
    listing = text.SENTENCES["municipalities_list"].format(names=", ".join(
        f"{run.name} ({run.label})" for run in ctx["others"]))  # type: ignore[union-attr]
    headers = {"kpi": C["kpi"], "client": results.config.client_name,
               **{f"m{i}": name for i, name in enumerate(names)},
               "median": C["median"], "deviation": C["deviation"], "deviation_pct": C["deviation_pct"]}
    table = _table(rows, headers, policy_of(results), text_columns=("kpi",))
    return HTML(_paragraph(intro) + _paragraph(listing) + notes + table
                + _municipality_chart(rows.attrs["data"], names, results.config.client_name))


def _municipality_chart(data: pd.DataFrame, names: list[str], client: str) -> str:
    plot = data[data["median"].notna() & (data["median"] != 0)]
    if not len(plot):
        return ""
    labels = [kpi_text(k, g) for k, g in zip(plot["kpi"], plot["group"], strict=True)]
    fig, ax = charts.figure(max(2.0, 0.42 * len(plot) + 1.3))
    y = np.arange(len(plot))[::-1]
    for name in names:
        ax.scatter(plot[name] / plot["median"], y, color=charts.PALETTE[4], s=22, zorder=2,
                   label="Jämförelsekommun" if name == names[0] else None)
    ax.scatter(plot["client"] / plot["median"], y, color=charts.PALETTE[1], s=48, marker="D", zorder=3, label=client)
    ax.axvline(1.0, color=charts.PALETTE[0], linewidth=1)
    ax.set_yticks(y, [charts.wrap_label(label) for label in labels])
    ax.xaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: formats.number(v * 100, 0)))
    ax.set_xlabel("Index, median = 100")
    # a figure title from the left edge: above the axes alone it would start after the labels and run off the page
    fig.suptitle(text.CHARTS["municipalities"], x=0.0, ha="left", fontweight="bold", fontsize=11)
    fig.legend(frameon=False, loc="outside lower center", ncol=2)  # the layout gives it room under the axis label
    ax.grid(axis="y", visible=False)
    ratio = plot["client"] / plot["median"]
    items = "; ".join(f"{lab}: {formats.number(r * 100, 0) if not math.isnan(r) else NO_DATA}"
                      for lab, r in zip(labels, ratio, strict=True))
    return charts.figure_html(fig, text.CHARTS["municipalities_alt"].format(items=items))


# --- savings potential --------------------------------------------------------------------------------------

def basis_label(basis: str, source: object, year: object) -> str:
    """A savings target's basis in words: a reference's source and year, or the comparison median."""
    if basis == "median":
        return text.BASIS["median"]
    if basis == "old_reference" and pd.notna(year):
        return text.BASIS["old_reference"].format(source=source, year=int(year))  # type: ignore[call-overload]
    if source is None or (isinstance(source, float) and math.isnan(source)):
        return text.BASIS["reference_missing"]
    if pd.notna(year):
        return text.BASIS["reference"].format(source=source, year=int(year))  # type: ignore[call-overload]
    return text.BASIS["reference_no_year"].format(source=source)


def _fmt(value: float, unit: str) -> str:
    """A value in its unit, Swedish, for the assumption texts."""
    if unit in KRONOR_UNITS or unit == "kr":
        return formats.kr(value)
    if unit == "share":
        return formats.percent(value)
    if unit in ("per_1000", "hours"):
        return formats.number(value, 1)
    if unit == "pp":
        return f"{formats.number(value * 100, 1)} procentenheter"
    return formats.number(value, 0)


def assumption_text(row: dict[str, object]) -> str:
    """A savings row's assumption spelled out: its kind (``row["assumption"]``) filled with the row's numbers."""
    key, unit = str(row["assumption"]), str(row["unit"])
    value, t = float(row["client"]), float(row["target"])  # type: ignore[arg-type]
    sentence = text.ASSUMPTIONS[key]
    if key == "no_target":
        return sentence.format(basis=row["basis_label"])
    if key == "old_reference":
        return sentence.format(basis=f"{row['source']}, {int(row['source_year'])}")  # type: ignore[call-overload]
    if key == "no_client":
        return sentence
    if key == "not_above":
        return sentence.format(client=_fmt(value, unit), target=_fmt(t, unit))
    potential = _fmt(float(row["potential"]), "kr")  # type: ignore[arg-type]
    if key == "unit_cost":
        base_unit = str(row["base_unit"])
        # the factors the potential is the product of (analyses.compare: whole units × kronor and öre)
        return sentence.format(
            kpi=lower_first(kpi_text(str(row["kpi"]), str(row["group"]))), target=formats.kr(t, 2),
            client=formats.kr(value, 2), volume=formats.number(round(float(row["base"])), 0),  # type: ignore[arg-type]
            unit=text.UNITS[base_unit], difference=formats.kr(row["difference"], 2),  # type: ignore[arg-type]
            per=text.UNIT_SINGULAR[base_unit], potential=potential)
    # the printed factors of analyses.compare's rate rows (RATE_DECIMALS, CHANGE_DECIMALS, kronor and öre)
    places = analysis.RATE_DECIMALS[key]
    shown = (lambda v: formats.percent(v, places - 2)) if unit == "share" else (lambda v: formats.number(v, places))
    return sentence.format(
        target=shown(t), client=shown(value), difference=formats.number(row["difference"], places),  # type: ignore[arg-type]
        change=formats.number(row["volume_change"], analysis.CHANGE_DECIMALS),  # type: ignore[arg-type]
        inhabitants=formats.number(row["base"], 0), unit_value=formats.kr(row["unit_value"], 2),  # type: ignore[arg-type]
        hours=formats.number(row["hours_per_brukare"], 1), potential=potential)  # type: ignore[arg-type]


def _kpi_label(kpi: str, group: str) -> str:
    label = shared_labels.KPIS.get(kpi) or text.KPIS.get(kpi, kpi)
    group_label = group_text(group)
    return f"{label}, {group_label}" if group_label else label


def lower_first(label: str) -> str:
    """``Kostnad per vårddygn, HVB`` → ``kostnad per vårddygn, HVB`` (an acronym first stays as it is)."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def group_text(group: str) -> str:
    """A KPI group as shown: '' for the total, a regi, an insats, a sex, or an age band ("80+ år")."""
    if group in text.GROUPS:
        return text.GROUPS[group]
    if group in shared_labels.SERVICES:
        return shared_labels.service(group).lower() if group not in ("hvb", "sis") else shared_labels.service(group)
    if group[:1].isdigit():
        return f"{group.replace('-', '–')} år"
    return group


def kpi_text(kpi: str, group: str = "total") -> str:
    """The Swedish label of a KPI and its group, e.g. ``Kostnad per vårddygn, HVB``."""
    return _kpi_label(kpi, group)


def _kronor(value: object) -> str:
    return NO_DATA if _missing(value) else formats.kr(float(value))  # type: ignore[arg-type]


def shown_as_target(data: pd.DataFrame) -> list[bool]:
    """Per savings row: whether its target is displayed as the municipality's own value ("381 kr i stället för
    381 kr", "10,5 mot 10,5"), which is no comparison to show."""
    return [value_text(c, str(u)) == value_text(t, str(u)) != NO_DATA
            for c, t, u in zip(data["client"], data["target"], data["unit"], strict=True)]


def savings_rows(results: Results, area: str) -> pd.DataFrame:
    """The savings potential of :func:`kpbkit.analyses.compare.savings_potential`, as Swedish text; a row whose
    target is displayed as the municipality's own value is left out."""
    ctx = _context(results)
    data = analysis.savings_potential(ctx["client"], ctx["refs"], ctx["others"], area,  # type: ignore[arg-type]
                                      price_index=float(ctx["index"]))  # type: ignore[arg-type]
    data = data[[not same for same in shown_as_target(data)]].reset_index(drop=True)
    data = data.assign(basis_label=[basis_label(b, s, y) for b, s, y in
                                    zip(data["basis"], data["source"], data["source_year"], strict=True)])
    data = data.assign(assumption=[assumption_text(row) for row in data.to_dict("records")])
    rows = []
    for row in data.to_dict("records"):
        unit = str(row["unit"])
        rows.append({
            "kpi": kpi_text(str(row["kpi"]), str(row["group"])),
            "basis": str(row["basis_label"]),
            "client": value_text(row["client"], unit),
            "target": value_text(row["target"], unit),
            # kronor throughout the column (never kr in one row and mnkr in the next)
            "current_cost": _kronor(row["current_cost"]),
            "cost_at_target": _kronor(row["cost_at_target"]),
            "potential": _kronor(row["potential"]),
            "assumption": str(row["assumption"]),
        })
    frame = pd.DataFrame(rows)
    frame.attrs["data"] = data
    return frame


def savings(results: Results, area: str) -> HTML:
    """What the cost would be at the reference or the comparison median, per KPI, with the assumption."""
    ctx = _context(results)
    rows = savings_rows(results, area)
    if not len(rows):
        return HTML(_paragraph(text.SENTENCES["references_none"]))
    data = rows.attrs["data"]
    intro = _paragraph(text.SENTENCES["savings_intro"].format(year=int(ctx["year"])))  # type: ignore[call-overload]
    positive = data[data["potential"] > 0]
    if len(positive):
        best = positive.loc[positive["potential"].idxmax()]
        summary = text.SENTENCES["savings_largest"].format(
            kpi=lower_first(kpi_text(best["kpi"], best["group"])),
            basis=str(best["basis_label"]).lower() if best["basis"] == "median" else str(best["basis_label"]),
            potential=value_text(best["potential"], "SEK"))
    else:
        summary = text.SENTENCES["savings_none"]
    headers = {k: C[k] for k in ("kpi", "basis", "client", "target", "current_cost", "cost_at_target", "potential",
                                 "assumption")}
    table = _table(rows, headers, policy_of(results), text_columns=("kpi", "basis", "assumption"),
                   widths={"kpi": "15%", "basis": "13%", "assumption": "34%"})
    return HTML(intro + _paragraph(summary) + table + _savings_chart(data, policy_of(results)))


def _savings_chart(data: pd.DataFrame, policy: Policy) -> str:
    plot = data[data["potential"] > 0]
    if not len(plot):
        return ""
    plot = plot.assign(label=[
        f"{kpi_text(k, g)}\nmot {lower_first(b) if basis == 'median' else b}"
        for k, g, b, basis in zip(plot["kpi"], plot["group"], plot["basis_label"], plot["basis"], strict=True)])
    fmt = "mkr" if plot["potential"].max() >= 2e6 else "kr"
    fig = charts.barh(plot, label="label", value="potential", title=text.CHARTS["savings"], value_format=fmt,
                      policy=policy)
    fig.set_figheight(max(1.8, 0.55 * len(plot) + 0.9))
    fig.axes[0].xaxis.set_major_locator(MaxNLocator(4))
    best = plot.loc[plot["potential"].idxmax()]
    return charts.figure_html(fig, text.CHARTS["savings_alt"].format(
        largest=f"{best['label']}: {value_text(best['potential'], 'SEK')}"))


# --- trends -------------------------------------------------------------------------------------------------

def trend_rows(results: Results, area: str, runs: list | None = None) -> tuple[pd.DataFrame, list[int]]:
    """The trend table as Swedish text: per KPI a row (kronor: nominal and at this period's prices), years
    as columns, and the change per year. ``runs``: :func:`kpbkit.analyses.trends.history` (read when not given)."""
    ctx = _context(results)
    runs = runs if runs is not None else trend_analysis.history(results)
    year, index = int(ctx["year"]), float(ctx["index"])  # type: ignore[call-overload, arg-type]
    long = trend_analysis.trend_table(runs, area, to_year=year, price_index=index)
    summary = trend_analysis.trend_summary(long).set_index(["kpi", "group"])
    years = sorted({int(y) for y in long["year"].dropna()})
    rows = []
    for (kpi, group), sel in long.groupby(["kpi", "group"], sort=False):
        unit = str(sel["unit"].iloc[0])
        by_year = sel.set_index("year")
        s = summary.loc[(kpi, group)]
        label = kpi_text(str(kpi), str(group))
        kronor = unit in KRONOR_UNITS
        variants = [("fixed", "value_fixed", "change_per_year")] if not kronor else [
            ("nominal", "value", "change_per_year_nominal"), ("fixed", "value_fixed", "change_per_year")]
        for kind, column, change in variants:
            row = {"kpi": label, "prices": text.PRICE_LEVEL[kind].format(year=year) if kronor else ""}
            for y in years:
                row[str(y)] = value_text(by_year[column].get(y, math.nan), unit)
            row["change_per_year"] = _change_text(s[change], unit)
            rows.append(row)
    return pd.DataFrame(rows), years


def trends(results: Results, area: str) -> HTML:
    """The main KPIs over the earlier years and this one, with the change per year, and a chart."""
    ctx = _context(results)
    config = results.config
    if not config.period.is_calendar_year:
        return HTML(_paragraph(text.SENTENCES["trends_not_calendar"]))
    runs = trend_analysis.history(results)
    if len(runs) < 2:
        searched = trend_analysis.searched_years(config)
        span = f"{min(searched)}–{max(searched)}" if len(searched) > 1 else (str(searched[0]) if searched else "")
        return HTML(_paragraph(text.SENTENCES["trends_none"].format(
            client=config.client_name, searched=f"år {span}" if span else "inga år")))
    rows, years = trend_rows(results, area, runs)
    year, index = int(ctx["year"]), float(ctx["index"])  # type: ignore[call-overload, arg-type]
    intro = text.SENTENCES["trends_intro"].format(years=f"{years[0]}–{years[-1]}", year=year,
                                                  index=_index_text(index))
    headers = {"kpi": C["kpi"], "prices": C["prices"], **{str(y): str(y) for y in years},
               "change_per_year": C["change_per_year"]}
    table = _table(rows, headers, policy_of(results), text_columns=("kpi", "prices"))
    return HTML(_paragraph(intro) + table + _trend_chart(runs, area, year=year, index=index))


def _trend_chart(runs, area: str, *, year: int, index: float) -> str:
    kpis = trend_analysis.TREND_CHART.get(area, ())
    long = trend_analysis.trend_table(runs, area, to_year=year, price_index=index, kpis=kpis)
    if not len(long) or long["value"].notna().sum() == 0:
        return ""
    fig, axes = plt.subplots(2, 2, figsize=(charts.WIDTH, 4.6), layout="constrained")
    for ax, (kpi, group) in zip(axes.flat, kpis, strict=False):
        sel = long[(long["kpi"] == kpi) & (long["group"] == group)].sort_values("year")
        unit = str(sel["unit"].iloc[0]) if len(sel) else ""
        scale = 1e6 if unit == "SEK" else 1.0
        ax.plot(sel["year"], sel["value_fixed"] / scale, color=charts.PALETTE[0], marker="o", linewidth=2,
                label=text.CHARTS["fixed"].format(year=year) if unit in KRONOR_UNITS else text.CHARTS["value"])
        if unit in KRONOR_UNITS:
            ax.plot(sel["year"], sel["value"] / scale, color=charts.PALETTE[1], marker="o", linestyle="--",
                    linewidth=1.5, label=text.CHARTS["nominal"])
        title = kpi_text(kpi, group) + (" (mnkr)" if unit == "SEK" else "")
        ax.set_title(title, loc="left", fontsize=9)
        ax.set_xticks(sorted(sel["year"].dropna().astype(int).unique()))
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: str(int(v))))
        shown = pd.concat([sel["value_fixed"], sel["value"]]).dropna() / scale * (100 if unit == "share" else 1)
        from_zero = bool(len(shown)) and shown.min() >= 0  # levels start at zero: a few % is not drawn as a cliff
        span = float(shown.max() - (0 if from_zero else shown.min())) if len(shown) else 0.0
        decimals = 0 if span >= 20 else (1 if span >= 2 else 2)
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_formatter(plt.FuncFormatter(
            lambda v, _p, d=decimals, share=unit == "share": formats.percent(v, d) if share else formats.number(v, d)))
        if from_zero:
            ax.set_ylim(bottom=0, top=float(shown.max()) / (100 if unit == "share" else 1) * 1.12)
        if unit in KRONOR_UNITS:
            ax.legend(frameon=False, fontsize=8, loc="lower right")
    for ax in list(axes.flat)[len(kpis):]:
        ax.set_visible(False)
    fig.suptitle(text.CHARTS["trends"], x=0.0, ha="left", fontweight="bold", fontsize=11)
    years = sorted({int(y) for y in long["year"].dropna()})
    return charts.figure_html(fig, text.CHARTS["trends_alt"].format(years=f"{years[0]}–{years[-1]}", year=year))
