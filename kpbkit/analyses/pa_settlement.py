"""The personal-assistance six-month report of a loaded run, for the LSS report (KPB-METHOD §4 and §5).

The computation is :mod:`kpbkit.model.pa_settlement`; the run writes its table to ``results/pa_six_month.csv``
and :func:`read_table` reads it back. The computation's names are re-exported here for the views and reports.

>>> table = read_table(load_results("reports/exempelkommun/2025"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from kpbkit.config import missing_fk_rate_error
from kpbkit.errors import InputError
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
__all__ = ["COLUMNS", "FILE", "FLAGS", "PA_SERVICES", "REIMBURSED_SERVICE", "ROW_TYPES", "current_settlement_label",
           "for_run", "read_table"]

FILE = "pa_six_month.csv"
_TEXT = ("person_id", "service_code", "row_type", "period", "settlement_period")
_DATES = ("period_start", "period_end")
_BOOLS = ("current_settlement_period", *FLAGS)


def read_table(results: Results, *, require_rates: bool = True) -> pd.DataFrame:
    """The six-month report the run wrote (``results/pa_six_month.csv``), typed as the computation returns it.

    With ``require_rates``, a year with ``pa_sfb`` hours but no FK hourly rate (the run leaves its ``fk_rate``
    empty) raises the config error naming ``lss.fk_hourly_rates``, as the computation does.
    """
    path = results.folder / FILE
    if not path.is_file():
        raise InputError(f"the results folder has no {FILE}", file=path,
                         fix=f"run `kpbkit run {results.config.path}` again (this kpbkit writes it in every run)")
    floats = [c for c in COLUMNS if c not in (*_TEXT, *_DATES, *_BOOLS)]
    table = pd.read_csv(path, keep_default_na=False, na_values={c: [""] for c in (*floats, *_DATES)},
                        dtype={**dict.fromkeys(_TEXT, "string"), **dict.fromkeys(floats, float),
                               **dict.fromkeys(_BOOLS, bool)})
    if list(table.columns) != COLUMNS:
        raise InputError(f"{FILE} does not have the six-month report's columns", file=path,
                         fix=f"run `kpbkit run {results.config.path}` again with this kpbkit")
    for col in _DATES:
        table[col] = pd.to_datetime(table[col], format="%Y-%m-%d").astype("datetime64[ns]")
    if require_rates:
        missing = table[(table["row_type"] == "month") & (table["service_code"] == REIMBURSED_SERVICE)
                        & table["fk_rate"].isna()]
        if len(missing):
            year = int(missing["period_start"].dt.year.min())
            raise missing_fk_rate_error(year, dict(results.config.lss.fk_hourly_rates), results.config.path)
    return table
