"""The charts of the barn och unga report: placement forms' cost per care day and price, and placed children per
day (:mod:`kpbkit.views.barn_unga` places them)."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from kpbkit import charts, formats, labels
from kpbkit.analyses import barn_unga as analysis
from kpbkit.labels import barn_unga as bl


def form_bars(long: pd.DataFrame) -> Figure:
    """Grouped horizontal bars per placement form: KPB cost per care day and the mean contracted price."""
    forms_ = list(dict.fromkeys(long["service"]))
    measures = list(dict.fromkeys(long["measure"]))
    fig, ax = charts.figure(max(2.0, 0.55 * len(forms_) + 1.0))
    height = 0.38
    y = np.arange(len(forms_))[::-1]
    span = float(long["value"].max()) or 1.0
    for i, (measure, color) in enumerate(zip(measures, charts.PALETTE, strict=False)):
        values = long[long["measure"] == measure].set_index("service")["value"].reindex(forms_).fillna(0.0)
        pos = y + (0.5 - i) * height
        ax.barh(pos, values.to_numpy(), height=height, color=color, label=measure)
        for yy, v in zip(pos, values, strict=True):
            if v > 0:
                ax.text(v + span * 0.01, yy, formats.kr(v), va="center", fontsize=8)
    ax.set_yticks(y, forms_)
    ax.set_xlim(0, span * 1.22)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: formats.kr(v)))
    ax.set_title(bl.CHARTS["forms_cost"], loc="left")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.4, -0.12), ncol=2)
    return fig


def daily_chart(daily: pd.DataFrame) -> Figure:
    """Stacked areas per placement form (a child in two forms on a transfer day counts in both)."""
    fig, ax = charts.figure(3.2)
    forms_ = [c for c in analysis.PLACEMENTS if c in daily.columns]
    if forms_:
        ax.stackplot(daily["date"], *[daily[c] for c in forms_], labels=[labels.service(c) for c in forms_],
                     colors=charts.PALETTE[: len(forms_)], alpha=0.85)
    ax.set_title(bl.CHARTS["per_day"], loc="left")
    ax.set_ylabel(bl.CHARTS["per_day_y"])
    ax.set_xlim(daily["date"].min(), daily["date"].max())
    ax.set_ylim(0, None)
    ax.xaxis.set_major_formatter(FuncFormatter(_month_tick))
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="x", visible=False)
    return fig


def _month_tick(value: float, _pos: int) -> str:
    """A date axis tick as the Swedish month abbreviation."""
    return bl.MONTHS[mdates.num2date(value).month - 1]
