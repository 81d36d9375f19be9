"""Views of the forecast report (``prognos.html`` / ``.pdf``): population, rates, volumes, costs, budget gap.

The figures come from the run's ``results/prognos_rates.csv``, ``prognos.csv`` and ``prognos_budget.csv``
(:func:`kpbkit.analyses.prognos.read_tables`), so the report and the results folder agree by construction;
the population development and what the rates leave out are read from the run's tables. A year without
population shows "saknas", never a zero.
"""

from kpbkit.views.prognos.base import H, Report, load
from kpbkit.views.prognos.projections import (
    budget,
    cost_chart,
    costs,
    milestone_frame,
    not_included,
    unassigned,
    volume_charts,
    volumes,
)
from kpbkit.views.prognos.rates import display_rates, population, rate_charts, rates, unit_costs
from kpbkit.views.prognos.summary import method, scenario_frame, scenarios, summary, summary_frame, title

__all__ = [
    "H",
    "Report",
    "budget",
    "cost_chart",
    "costs",
    "display_rates",
    "load",
    "method",
    "milestone_frame",
    "not_included",
    "population",
    "rate_charts",
    "rates",
    "scenario_frame",
    "scenarios",
    "summary",
    "summary_frame",
    "title",
    "unassigned",
    "unit_costs",
    "volume_charts",
    "volumes",
]
