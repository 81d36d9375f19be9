"""Views of the KPB network report (``natverk``): the network's tables of :mod:`kpbkit.analyses.network` as Swedish
tables, charts and sentences.

The report's one input is the network's folder (``kpbkit network FOLDERS --out FOLDER`` writes its tables and
``network.json``); its privacy policy is the network's: publication mode with the threshold the network was built
with (small groups are already left out of the tables), internal mode when it kept every figure.
"""

from __future__ import annotations

import html
import math
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import HTML

from kpbkit import charts, formats, tables
from kpbkit.analyses import network as analysis
from kpbkit.analyses.compare import COMPARE_KPIS
from kpbkit.labels import network as text
from kpbkit.privacy import Policy
from kpbkit.views.compare import kpi_text, lower_first, value_text

#: the areas in the report's order
AREAS: tuple[str, ...] = tuple(COMPARE_KPIS)

#: structure measures left out of the index chart: a size, not a rate (its index spans the network's sizes)
NOT_CHARTED = ("inhabitants",)


@dataclass(frozen=True)
class Network:
    """The network's tables (:func:`kpbkit.analyses.network.read_tables`), its record and its privacy policy."""

    tables: dict[str, pd.DataFrame]
    record: dict
    policy: Policy

    @property
    def names(self) -> list[str]:
        """The municipalities, in the order the network was given."""
        return [str(n) for n in self.record.get("municipalities", [])]

    @property
    def years(self) -> str:
        years = sorted({str(y) for y in self.record.get("years", []) if y is not None})
        return " och ".join([", ".join(years[:-1]), years[-1]]) if len(years) > 1 else "".join(years)


def load(network_folder: str | os.PathLike) -> Network:
    """The network written into ``network_folder``, with its policy (publication when it left small groups out)."""
    folder = os.fspath(network_folder)
    record = analysis.read_record(folder)
    threshold = record.get("threshold")
    policy = Policy(publication=True, threshold=int(threshold)) if threshold else Policy()
    return Network(analysis.read_tables(folder), record, policy)


def label(area: str, kpi: str, group: str) -> str:
    """A KPI or structure measure as shown."""
    if area == analysis.STRUCTURE:
        return text.STRUCTURE.get(kpi, kpi)
    return kpi_text(kpi, group)


def _ordered(frame: pd.DataFrame, area: str) -> pd.DataFrame:
    """The rows of ``area`` in the area's KPI order (the structure's in :data:`kpbkit.labels.network.STRUCTURE`'s)."""
    structure_ = [(k, "total") for k in text.STRUCTURE]
    order = structure_ if area == analysis.STRUCTURE else list(COMPARE_KPIS.get(area, ()))
    rank = {key: i for i, key in enumerate(order)}
    part = frame[frame["area"] == area]
    keys = [rank.get((k, g), len(rank)) for k, g in zip(part["kpi"], part["group"], strict=True)]
    return part.assign(_order=keys).sort_values(["_order"], kind="stable").drop(columns="_order")


def title(net: Network) -> HTML:
    mode = text.SUBTITLE_MODE[net.policy.publication].format(threshold=net.policy.threshold)
    heading = text.TITLE_HEADING.format(n=len(net.names))
    parts = " · ".join(html.escape(p) for p in (text.SUBTITLE_YEARS.format(years=net.years), mode) if p)
    return HTML(f'<div class="kpb-title"><h1>{html.escape(heading)}</h1><p class="kpb-subtitle">{parts}</p></div>')


def _p(sentence: str) -> str:
    return f'<p class="kpb-text">{html.escape(sentence)}</p>'


def conclusions(net: Network) -> HTML:
    """Page 1: what the network shows, in words, with the costliest unit costs' highest and lowest municipality in
    kronor per year against the median, and the table holding every figure the text gives."""
    mode = (text.SENTENCES["publication"].format(threshold=net.policy.threshold) if net.policy.publication
            else text.SENTENCES["internal"])
    parts = [_p(text.SENTENCES["intro"].format(n=len(net.names), years=net.years)), _p(mode)]
    top = net.tables["costliest"]
    if not len(top):
        return HTML("".join(parts) + _p(text.SENTENCES["costliest_none"]))
    shown = _costliest_shown(top)
    parts.append(_p(text.SENTENCES["costliest_intro"].format(
        kpis=_series([lower_first(k) for k in shown["kpi_label"]]))))
    for row in shown.to_dict("records"):
        parts.append(_p(text.SENTENCES["costliest"].format(
            kpi=row["kpi_label"], median=row["median"], n=row["municipalities"], high=row["high"],
            high_value=row["high_value"], high_kronor=row["high_kronor"], low=row["low"],
            low_value=row["low_value"], low_kronor=row["low_kronor"])))
    long = pd.DataFrame([{"kpi": row["kpi_label"], "side": text.SIDES[side], "municipality": row[side],
                          "value": row[f"{side}_value"], "median": row["median"],
                          "kronor": row[f"{side}_kronor"]}
                         for row in shown.to_dict("records") for side in ("high", "low")])
    table = tables.render_html(
        long, {"kpi": "text", "side": "text", "municipality": "text", "value": "numtext", "median": "numtext",
               "kronor": "numtext"}, {**text.COLUMNS, "kronor": text.COLUMNS["kronor_abs"]}, policy=net.policy)
    return HTML("".join(parts) + table + _p(text.SENTENCES["kronor_note"]))


def _costliest_shown(top: pd.DataFrame) -> pd.DataFrame:
    """The costliest unit costs' figures as text, one string per figure (the sentences and the table share them)."""
    return pd.DataFrame({
        "kpi_label": [label(a, k, g) for a, k, g in zip(top["area"], top["kpi"], top["group"], strict=True)],
        "municipalities": top["n"].astype(int),
        "median": [value_text(v, u) for v, u in zip(top["median"], top["unit"], strict=True)],
        "high": top["high"], "high_value": [value_text(v, u) for v, u in zip(top["high_value"], top["unit"],
                                                                                strict=True)],
        "high_kronor": [formats.kr(abs(v)) for v in top["high_kronor"]],
        "low": top["low"], "low_value": [value_text(v, u) for v, u in zip(top["low_value"], top["unit"],
                                                                             strict=True)],
        "low_kronor": [formats.kr(abs(v)) for v in top["low_kronor"]],
    })


def _series(items: list[str]) -> str:
    """``a, b och c``."""
    return " och ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def distribution_table(net: Network, area: str) -> str:
    """Per KPI of ``area``: the number of municipalities, lowest, quartiles, median and highest (in its unit)."""
    dist = _ordered(net.tables["distribution"], area)
    shown = pd.DataFrame({"kpi": [label(area, k, g) for k, g in zip(dist["kpi"], dist["group"], strict=True)],
                          "municipalities": dist["n"].astype(int).to_numpy()})
    for column in ("min", "q1", "median", "q3", "max"):
        shown[column] = [value_text(v, u) for v, u in zip(dist[column], dist["unit"], strict=True)]
    return tables.render_html(
        shown, {"kpi": "text", "municipalities": "int", "min": "numtext", "q1": "numtext", "median": "numtext",
                "q3": "numtext", "max": "numtext"}, text.COLUMNS, policy=net.policy)


def _place(rank: float, n: float) -> str:
    return text.PLACE.format(rank=int(rank), n=int(n))


def _kronor(value: float) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else formats.kr(value)


def positions_table(net: Network, area: str, *, municipality: str | None = None) -> str:
    """Each municipality's value, rank of N and index per KPI of ``area`` (lowest first), and for the unit costs
    the difference against the median in kronor per year; ``municipality``: that one's rows only, with the
    median beside its value."""
    pos = _ordered(net.tables["positions"], area)
    if municipality is not None:
        pos = pos[pos["municipality"] == municipality]
    else:
        order = {key: i for i, key in enumerate(dict.fromkeys(zip(pos["kpi"], pos["group"], strict=True)))}
        pos = pos.assign(_k=[order[key] for key in zip(pos["kpi"], pos["group"], strict=True)])
        pos = pos.sort_values(["_k", "rank", "municipality"], kind="stable")
    shown = pd.DataFrame({
        "kpi": [label(area, k, g) for k, g in zip(pos["kpi"], pos["group"], strict=True)],
        "municipality": pos["municipality"].to_numpy(),
        "value": [value_text(v, u) for v, u in zip(pos["value"], pos["unit"], strict=True)],
        "median": [value_text(v, u) for v, u in zip(pos["median"], pos["unit"], strict=True)],
        "place": [_place(r, n) for r, n in zip(pos["rank"], pos["n"], strict=True)],
        "index": pos["index"].to_numpy(),
        "kronor": [_kronor(v) for v in pos["kronor"]],
    })
    columns = {"kpi": "text", "municipality": "text", "value": "numtext", "place": "numtext", "index": "int",
               "kronor": "numtext"}
    if municipality is not None:
        columns = {"kpi": "text", "value": "numtext", "median": "numtext", "place": "numtext", "index": "int",
                   "kronor": "numtext"}
    if not shown["kronor"].astype(bool).any():
        columns.pop("kronor")
    return tables.render_html(shown, columns, text.COLUMNS, policy=net.policy)


def index_chart(net: Network, area: str) -> str:
    """A dot per municipality and KPI on one axis, the index against the network's median, with the quartiles
    shaded and the median marked (every KPI's unit becomes comparable)."""
    dist = _ordered(net.tables["distribution"], area)
    dist = dist[~dist["kpi"].isin(NOT_CHARTED) & (dist["median"] != 0)]
    pos = net.tables["positions"]
    pos = pos[pos["area"] == area]
    names = [charts.wrap_label(label(area, k, g)) for k, g in zip(dist["kpi"], dist["group"], strict=True)]
    if not names:
        return ""
    fig, ax = charts.figure(max(2.2, 0.42 * len(names) + 1.3))
    ys = np.arange(len(names))[::-1]
    for y, (kpi, group, q1, q3, median) in zip(ys, zip(dist["kpi"], dist["group"], dist["q1"], dist["q3"],
                                                      dist["median"], strict=True), strict=True):
        ax.fill_betweenx([y - 0.3, y + 0.3], q1 / median * 100, q3 / median * 100, color=charts.PALETTE[0],
                         alpha=0.15, linewidth=0, label=text.CHARTS["quartiles"] if y == ys[0] else None)
        dots = pos[(pos["kpi"] == kpi) & (pos["group"] == group)]["index"].dropna()
        ax.scatter(dots, np.full(len(dots), y), s=22, color=charts.PALETTE[0], zorder=3,
                   label=text.CHARTS["municipality"] if y == ys[0] else None)
    ax.axvline(100, color=charts.PALETTE[1], linewidth=1.5, label=text.CHARTS["median"])
    ax.set_yticks(ys, names)
    ax.set_ylim(-0.7, len(names) - 0.3)
    ax.set_xlabel(text.CHARTS["xlabel"])
    shown_area = text.CHART_AREAS.get(area, text.AREA_HEADINGS[area])
    ax.set_title(text.CHARTS["area_index"].format(area=shown_area), loc="left")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16 if len(names) > 4 else -0.3), ncol=3)
    alt = text.CHARTS["area_index_alt"].format(area=text.AREA_HEADINGS[area], kpis=len(names))
    return charts.figure_html(fig, alt)


def area(net: Network, area: str) -> HTML:
    """One area: a sentence, the distribution per KPI, the index chart and every municipality's position."""
    heading = text.AREA_HEADINGS[area]
    dist = net.tables["distribution"]
    n = int((dist["area"] == area).sum())
    if not n:
        return HTML(_p(text.SENTENCES["no_figures"].format(area=heading)))
    intro = _p(text.SENTENCES["area_intro"].format(area=heading, kpis=n))
    return HTML(intro + distribution_table(net, area) + index_chart(net, area) + positions_table(net, area))


def structure(net: Network) -> HTML:
    """The structure behind the cost differences: a table of the measures per municipality, their distribution and
    the index chart."""
    data = net.tables["structure"]
    wide = {name: {} for name in net.names}
    for name, kpi, value, unit in zip(data["municipality"], data["kpi"], data["value"], data["unit"], strict=True):
        wide.setdefault(name, {})[kpi] = value_text(value, unit)
    present = set(data["kpi"])
    parts = []
    for group in text.STRUCTURE_TABLES:  # two narrower tables: age mix and coverage, then regi
        measures = [m for m in group if m in present]
        if not measures:
            continue
        shown = pd.DataFrame([{"municipality": name, **{m: row.get(m, "–") for m in measures}}
                              for name, row in wide.items()])
        parts.append(tables.render_html(shown, {"municipality": "text", **{m: "numtext" for m in measures}},
                                        {**text.COLUMNS, **text.STRUCTURE}, policy=net.policy))
    table = "".join(parts)
    return HTML(_p(text.SENTENCES["structure_intro"]) + table + distribution_table(net, analysis.STRUCTURE)
                + index_chart(net, analysis.STRUCTURE))


def profile(net: Network, municipality: str) -> str:
    """One municipality's page: its position on every KPI (value, median, rank of N, index, kronor per year)
    and its structure; starts a new page in print."""
    parts = [f'<h2>{html.escape(text.PROFILE_HEADING.format(name=municipality))}</h2>',
             _p(text.SENTENCES["profile_intro"])]
    pos = net.tables["positions"]
    mine = pos[(pos["municipality"] == municipality) & (pos["area"] != analysis.STRUCTURE)].dropna(subset=["index"])
    if len(mine):
        ordered = mine.sort_values(["index", "kpi"], kind="stable")
        items = [(label(a, k, g), formats.count(i)) for a, k, g, i in
                 zip(ordered["area"], ordered["kpi"], ordered["group"], ordered["index"], strict=True)]
        high = [text.SENTENCES["profile_item"].format(kpi=k, index=i) for k, i in items[::-1][:3]]
        low = [text.SENTENCES["profile_item"].format(kpi=k, index=i) for k, i in items[:3]]
        parts.append(_p(text.SENTENCES["profile_high"].format(items=_series(high)) + " "
                        + text.SENTENCES["profile_low"].format(items=_series(low))))
    for code in (*AREAS, analysis.STRUCTURE):
        if ((pos["municipality"] == municipality) & (pos["area"] == code)).any():
            parts.append(f"<h3>{html.escape(text.AREA_HEADINGS[code])}</h3>")
            parts.append(positions_table(net, code, municipality=municipality))
    return (f'<section class="kpb-profile" style="break-before: page; page-break-before: always">'
            f'{"".join(parts)}</section>')


#: a profile fits one A4 page: full-width tables (no wrapped KPI names), tighter rows and headings
PROFILE_STYLE = (
    "<style>.kpb-profile table.kpb-table { width: 100%; margin: 0.2em 0 0.5em 0; }"
    " .jp-RenderedHTMLCommon .kpb-profile table.kpb-table td, .jp-RenderedHTMLCommon .kpb-profile table.kpb-table th"
    " { padding: 1px 6px; }"
    " .jp-RenderedHTMLCommon .kpb-profile table.kpb-table tr > :first-child { width: 42%; }"
    " .jp-RenderedHTMLCommon .kpb-profile h3 { margin: 2.5mm 0 0.5mm; font-size: 1.05rem; }"
    " .jp-RenderedHTMLCommon .kpb-profile h2 { margin-top: 0; }</style>"
)


def profiles(net: Network) -> HTML:
    """Every municipality's profile page, in the network's order."""
    return HTML(PROFILE_STYLE + "".join(profile(net, name) for name in net.names))


def chart_source(record: dict) -> str:
    """The source line under the report's charts."""
    years = sorted({str(y) for y in record.get("years", []) if y is not None})
    return text.CHART_SOURCE.format(n=len(record.get("municipalities", [])), years=", ".join(years))
