"""House-style charts (seaborn on matplotlib): Swedish labels and numbers, one palette, alt text.

Every function returns a matplotlib Figure; :func:`show` renders it as an accessible inline SVG
figure (``role="img"`` with the alt text and a caption), so the HTML report is self-contained and the
PDF keeps vector text.
"""

from __future__ import annotations

import html
import io
import logging
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from kpbkit import formats, labels  # noqa: E402
from kpbkit.privacy import Policy  # noqa: E402

PALETTE = ["#1f5a7a", "#e07b39", "#4c9a8a", "#a33b5c", "#7a8b99", "#c9a227"]
REGI_COLORS = {labels.REGI["egen"]: PALETTE[0], labels.REGI["extern"]: PALETTE[1]}
SEX_COLORS = {labels.SEX["K"]: PALETTE[3], labels.SEX["M"]: PALETTE[2], labels.UNKNOWN: PALETTE[4]}
WIDTH = 7.0  # inches: fits an A4 page with margins (180 mm text width), so a chart prints at its true size
#: a bar label longer than this many characters is wrapped onto lines of about this length (labels then take at
#: most about a third of the width and the bars and the title keep the rest)
LABEL_CHARS = 34

log = logging.getLogger("kpbkit")


def _style() -> None:
    sns.set_theme(style="whitegrid", palette=PALETTE, font="DejaVu Sans", rc={
        "axes.titlesize": 11, "axes.titleweight": "bold", "axes.labelsize": 9, "xtick.labelsize": 8.5,
        "ytick.labelsize": 8.5, "legend.fontsize": 8.5, "axes.spines.top": False, "axes.spines.right": False,
        "svg.fonttype": "none", "figure.dpi": 100,
    })


_style()


def _formatter(kind: str) -> FuncFormatter:
    fmt = formats.FORMATTERS[kind]
    return FuncFormatter(lambda value, _pos: fmt(value))


def wrap_label(label: str, width: int = LABEL_CHARS) -> str:
    """``label`` with each line longer than ``width`` characters wrapped between words."""
    return "\n".join(textwrap.fill(line, width) if len(line) > width else line for line in str(label).split("\n"))


def figure(height: float = 3.2) -> tuple[plt.Figure, plt.Axes]:
    """A new figure in the report's width."""
    fig, ax = plt.subplots(figsize=(WIDTH, height), layout="constrained")
    return fig, ax


def barh(frame: pd.DataFrame, *, label: str, value: str, title: str, policy: Policy, value_format: str = "kr",
         color_by: str | None = None) -> plt.Figure:
    """Horizontal bars, largest on top, values written at the bar ends (small groups left out when ``policy``
    publishes)."""
    data = policy.chart_frame(frame, value).sort_values(value, ascending=True)
    names = [wrap_label(name) for name in data[label].astype(str)]
    lines = sum(max(1, name.count("\n") + 1) for name in names)
    fig, ax = figure(max(1.6, 0.38 * len(data) + 0.14 * (lines - len(data)) + 0.9))
    colors = [REGI_COLORS.get(c, PALETTE[0]) for c in data[color_by]] if color_by else PALETTE[0]
    ax.barh(names, data[value], color=colors)
    fmt = formats.FORMATTERS[value_format]
    span = float(np.nanmax(np.abs(data[value]))) if len(data) else 1.0
    texts = [ax.text(v + span * 0.01, y, fmt(v), va="center", fontsize=8) for y, v in enumerate(data[value])]
    ax.set_xlim(0, span * 1.18 if span > 0 else 1)
    _room_for(ax, texts)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(_formatter(value_format))
    ax.set_title(title, loc="left")
    ax.set_ylabel("")
    ax.grid(axis="y", visible=False)
    return fig


def _room_for(ax: plt.Axes, texts: list) -> None:
    """Widen the x axis so that the value written after each bar ends inside the axes (long labels beside the
    bars leave the axes narrow, and a value such as "1 234 567 kr" would otherwise run past the figure's edge)."""
    if not texts:
        return
    fig = ax.figure
    fig.draw_without_rendering()  # the laid-out axes width and text extents
    renderer = fig.canvas.get_renderer()
    width = ax.get_window_extent(renderer).width
    limit = ax.get_xlim()[1]
    for text in texts:
        share = 1 - (text.get_window_extent(renderer).width + 2) / width  # the part of the axes left of the text
        if share > 0.2:
            limit = max(limit, text.get_position()[0] / share)
    ax.set_xlim(0, limit)


def grouped_bars(frame: pd.DataFrame, *, x: str, hue: str, value: str, title: str, policy: Policy,
                 value_format: str = "int", colors: dict[str, str] | None = None, xlabel: str = "") -> plt.Figure:
    """Vertical bars grouped by ``x`` and coloured by ``hue`` (e.g. age band × sex); small groups left out when
    ``policy`` publishes."""
    frame = policy.chart_frame(frame, value, drop=False)
    fig, ax = figure()
    sns.barplot(data=frame, x=x, y=value, hue=hue, ax=ax, palette=colors or PALETTE[: max(1, frame[hue].nunique())],
                errorbar=None)
    ax.yaxis.set_major_formatter(_formatter(value_format))
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    # above the plot, right-aligned, so it never covers a bar
    ncol = max(1, frame[hue].nunique())
    legend = ax.legend(title="", frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=ncol,
                       borderaxespad=0.2)
    fig.draw_without_rendering()  # the laid-out title and legend: a long title would run into the legend beside it
    renderer = fig.canvas.get_renderer()
    gap = renderer.points_to_pixels(12)  # at least about an em between them
    if ax._left_title.get_window_extent(renderer).x1 + gap > legend.get_window_extent(renderer).x0:
        handles, names = ax.get_legend_handles_labels()
        legend.remove()
        fig.legend(handles, names, title="", frameon=False, loc="outside lower center", ncol=ncol)
    return fig


def histogram(values: pd.Series, *, title: str, xlabel: str, policy: Policy, bins: int | np.ndarray = 30,
              marker: float | None = None, marker_label: str = "") -> plt.Figure:
    """Distribution of one measure, with an optional vertical marker (e.g. the median); bins of small groups left
    out when ``policy`` publishes."""
    values, bins = policy.histogram_values(values, bins)
    fig, ax = figure()
    ax.hist(values.dropna(), bins=bins, color=PALETTE[0], edgecolor="white")
    if marker is not None and np.isfinite(marker):
        ax.axvline(marker, color=PALETTE[1], linewidth=2)
        ax.text(marker, ax.get_ylim()[1] * 0.95, f" {marker_label}", color=PALETTE[1], va="top", fontsize=8.5)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(labels.CHART_AXES["persons"])
    ax.xaxis.set_major_formatter(_formatter("int"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # persons: no 0,5 on a chart of a few brukare
    ax.yaxis.set_major_formatter(_formatter("int"))
    return fig


def lorenz(curve: pd.DataFrame, *, title: str) -> plt.Figure:
    """Lorenz curve of cost over brukare, with the line of equal shares."""
    fig, ax = figure(3.6)
    ax.plot([0, 1], [0, 1], color=PALETTE[4], linestyle="--", linewidth=1, label=labels.CHART_AXES["lorenz_equal"])
    ax.plot(curve["share_of_brukare"], curve["cumulative_cost_share"], color=PALETTE[0], linewidth=2,
            label=labels.CHART_AXES["lorenz_actual"])
    ax.fill_between(curve["share_of_brukare"], curve["cumulative_cost_share"], curve["share_of_brukare"],
                    color=PALETTE[0], alpha=0.08)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_formatter(_formatter("percent"))
    ax.yaxis.set_major_formatter(_formatter("percent"))
    ax.set_xlabel(labels.CHART_AXES["lorenz_x"])
    ax.set_ylabel(labels.CHART_AXES["lorenz_y"])
    ax.set_title(title, loc="left")
    ax.legend(frameon=False, loc="upper left")
    return fig


def _overflow(fig: plt.Figure) -> float:
    """How far (inches) the figure's drawn content reaches beyond its edges: what a saved SVG would clip."""
    inner = fig.get_tightbbox(fig.canvas.get_renderer())
    outer = fig.bbox_inches
    return max(outer.x0 - inner.x0, outer.y0 - inner.y0, inner.x1 - outer.x1, inner.y1 - outer.y1, 0.0)


def svg(fig: plt.Figure) -> str:
    """The figure as an SVG string (text kept as text), closing the figure.

    The SVG has the figure's own size (:data:`WIDTH` wide, no larger than the printed page's text width), so the
    report shows it at its true size and its text prints at the sizes set here (none under 8 pt). A tight
    bounding box would instead grow the SVG around text reaching past the figure, and the page would scale the
    whole chart down; content beyond the edges is logged as a warning instead.
    """
    buffer = io.StringIO()
    # a fixed salt for the SVG's element ids: the same chart gives the same bytes in every render
    with matplotlib.rc_context({"svg.hashsalt": "kpbkit"}):
        fig.savefig(buffer, format="svg", bbox_inches=None, metadata={"Creator": None, "Date": None})
    beyond = _overflow(fig)
    if beyond > 0.02:
        titles = [ax.get_title(loc="left") or ax.get_title() for ax in fig.axes]
        log.warning("a chart (%s) reaches %.2f in beyond its edges and is clipped; shorten or wrap its labels",
                    next((t for t in titles if t), "untitled"), beyond)
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def figure_html(fig: plt.Figure, alt: str, caption: str = "") -> str:
    """An accessible ``<figure>``: inline SVG labelled with the alt text, and a caption."""
    body = svg(fig)
    body = body.replace("<svg ", f'<svg role="img" aria-label="{html.escape(alt)}" ', 1)
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="kpb-figure">{body}{cap}</figure>'


def show(fig: plt.Figure, alt: str, caption: str = ""):
    """Display a chart in a notebook as an accessible inline figure."""
    from IPython.display import HTML

    return HTML(figure_html(fig, alt, caption))
