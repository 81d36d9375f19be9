"""The forecast report's loaded run (:class:`Report`) and the helpers its sections share."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kpbkit import charts, formats, labels
from kpbkit.analyses import prognos as analysis
from kpbkit.analyses.load import Results
from kpbkit.labels import prognos as text
from kpbkit.privacy import Policy
from kpbkit.views import common as common_views
from kpbkit.views.common import policy_of

H = {**labels.COLUMNS, **text.COLUMNS}
#: the age groups the rates tables show when the rates are per one-year age
DISPLAY_BANDS = ("0-17", "18-64", "65-74", "75-79", "80-84", "85-89", "90+")
#: how many of the costliest services get their own rate and volume charts
CHART_SERVICES = {"rates": 2, "volumes": 4}


@dataclass
class Report:
    """A run's results with its forecast tables and what data the forecast had."""

    results: Results
    tables: analysis.ForecastTables
    status: dict[str, object]

    @property
    def base_year(self) -> int:
        return int(self.status["base_year"])

    @property
    def last_year(self) -> int:
        return self.base_year + self.results.config.prognos.horizon

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(self.tables.forecast["scenario"]))

    @property
    def policy(self) -> Policy:
        return policy_of(self.results)

    @property
    def has_data(self) -> bool:
        return bool(self.status["has_base_population"]) and bool(self.status["has_forecast"])


def load(period_folder: str) -> Report:
    """The run's results and forecast tables for the report (see :func:`common_views.load`)."""
    results = common_views.load(period_folder)
    forecast = analysis.read_tables(results)
    return Report(results, forecast, analysis.status(results, forecast))


# ------------------------------------------------------------------------------------------------ helpers


def paragraph(*sentences: str) -> str:
    return "".join(f'<p class="kpb-text">{html.escape(s)}</p>' for s in sentences if s)


def mkr(value: float) -> str:
    return text.NO_DATA_CELL if is_missing(value) else formats.number(float(value) / 1e6, 1)


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def cell_text(value: float, kind: str = "int") -> str:
    return text.NO_DATA_CELL if is_missing(value) else formats.FORMATTERS[kind](value)


def small_share(share: float) -> str:
    """A share as ``12,5 %``, and a share above 0 that would round to 0,0 % as ``<0,1 %``."""
    if not is_missing(share) and 0 < share < 0.0005:
        return f"<{formats.percent(0.001)}"
    return formats.percent(share)


def years_text(years: list[int]) -> str:
    if not years:
        return ""
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def service_order(report: Report) -> list[str]:
    """Forecast services, costliest in the base year first."""
    base = report.tables.services.sort_values("cost", ascending=False, kind="stable")
    return base["service_code"].astype(str).tolist()


def service_colors(report: Report) -> dict[str, str]:
    return {name: charts.PALETTE[i % len(charts.PALETTE)] for i, name in enumerate(report.scenarios)}


def milestones(report: Report) -> list[int]:
    horizon = report.results.config.prognos.horizon
    steps = {0, 1, min(5, horizon), horizon}
    return [report.base_year + t for t in sorted(steps)]


def tick_formatter(kind: str) -> FuncFormatter:
    fmt = formats.FORMATTERS[kind]
    return FuncFormatter(lambda value, _pos: fmt(value))


def line_chart(ax, frame: pd.DataFrame, *, x: str, hue: str, value: str, colors: dict[str, str],
           first: str | None = None) -> None:
    # the base scenario broad underneath, the others thin on top: a scenario that leaves a line unchanged
    # shows as a thin line inside the broad one instead of hiding it
    for name, part in frame.groupby(hue, sort=False):
        part = part.sort_values(x)
        base = name == first
        ax.plot(part[x], part[value], marker="o", markersize=4 if base else 2.5, linewidth=3.4 if base else 1.5,
                color=colors.get(str(name), charts.PALETTE[0]), label=str(name), zorder=2 if base else 3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)  # volumes and kronor over the years: from zero, so a change is drawn at its size


def legend_below(ax, n: int) -> None:
    """The legend under the plot (scenario names are long; above, they would run into the title), as a figure
    legend the constrained layout gives its own room below the tick labels."""
    handles, names = ax.get_legend_handles_labels()
    for old in [ax.get_legend(), *ax.figure.legends]:
        if old is not None:
            old.remove()
    ax.figure.legend(handles, names, title="", frameon=False, loc="outside lower left", ncol=min(n, 2), fontsize=8)


def population_frame(report: Report) -> pd.DataFrame:
    res = report.results
    empty = pd.DataFrame(columns=["year", "age", "sex", "count"])
    return analysis.population_development(res.tables.get("population", empty),
                                           res.tables.get("population_forecast", empty),
                                           base_year=report.base_year, horizon=res.config.prognos.horizon)
