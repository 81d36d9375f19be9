"""The personal-assistance six-month report of a loaded run, for the LSS report (KPB-METHOD §4 and §5).

The computation is :mod:`kpbkit.model.pa_settlement` (the run writes its table to ``results/pa_six_month.csv``);
its names are re-exported here for the views and the reports.

>>> table = from_results(load_results("client_configs/exempelkommun.yaml"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from kpbkit.model.pa_settlement import (
    COLUMNS,
    FLAGS,
    PA_SERVICES,
    REIMBURSED_SERVICE,
    ROW_TYPES,
    current_settlement_label,
    for_run,
)

if TYPE_CHECKING:
    from kpbkit.analyses.load import Results

#: the reader here, and the computation's names (kpbkit.model.pa_settlement) the views and reports use from here
__all__ = ["COLUMNS", "FLAGS", "PA_SERVICES", "REIMBURSED_SERVICE", "ROW_TYPES", "current_settlement_label",
           "for_run", "from_results"]


def from_results(results: Results, *, require_rates: bool = True) -> pd.DataFrame:
    """The six-month report of a loaded run (:class:`~kpbkit.analyses.load.Results`)."""
    return for_run(results.config, results.decisions, results.counted_visits, results.person_costs,
                   require_rates=require_rates)
