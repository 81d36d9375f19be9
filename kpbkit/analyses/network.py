"""The KPB network: many municipalities' results folders side by side (issue 15, the network report's figures).

Per KPI (:data:`kpbkit.analyses.compare.COMPARE_KPIS`, the figures the area reports compare) the distribution over
the municipalities that have it (N, min, lower quartile, median, upper quartile, max; quartiles by linear
interpolation, pandas' default) and each municipality's position: its value, its rank (1 = the lowest value;
equal values share the lower rank) and its index against the median (median = 100).

A figure resting on fewer persons than the publication threshold (the area's brukare in the KPI's group) is left
out of the network when ``threshold`` is given: it is neither shown nor counted, so no small group can be read
back from a position or a quartile.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kpbkit.analyses.compare import COMPARE_KPIS
from kpbkit.comparisons import RunFigures, read_run
from kpbkit.errors import InputError

VALUE_COLUMNS = ["municipality", "area", "kpi", "group", "unit", "value"]
DISTRIBUTION_COLUMNS = ["area", "kpi", "group", "unit", "n", "min", "q1", "median", "q3", "max"]
POSITION_COLUMNS = [*VALUE_COLUMNS, "n", "rank", "index"]


def read_network(folders: Iterable[str | Path]) -> list[RunFigures]:
    """Each folder's run (a results folder or the period folder holding it); a folder without results is an error
    naming it."""
    runs = []
    for folder in folders:
        run = read_run(folder)
        if run is None:
            raise InputError("no results of a kpbkit run in this folder", file=Path(folder),
                             fix="give <output>/<client>/<period> folders of runs (`kpbkit batch` writes them)")
        runs.append(run)
    names = [run.name for run in runs]
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        raise InputError(f"the same municipality twice: {', '.join(doubled)}", file=Path(str(runs[0].folder)),
                         fix="give each municipality's period folder once")
    return runs


def network_values(runs: list[RunFigures], *, threshold: int | None = None) -> pd.DataFrame:
    """Every municipality's value of every compared KPI it has (:data:`VALUE_COLUMNS`)."""
    rows = []
    for run in runs:
        for area, kpis in COMPARE_KPIS.items():
            for kpi, group in kpis:
                value = run.value(area, kpi, group)
                if math.isnan(value):
                    continue
                if threshold is not None and _small(run, area, group, threshold):
                    continue
                rows.append((run.name, area, kpi, group, run.unit(area, kpi, group), value))
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def _small(run: RunFigures, area: str, group: str, threshold: int) -> bool:
    """Whether the KPI's group rests on 1 to threshold − 1 brukare (a group without a count is not small)."""
    brukare = run.value(area, "brukare", group)
    return not math.isnan(brukare) and 1 <= brukare < threshold


def distribution(values: pd.DataFrame) -> pd.DataFrame:
    """Per KPI: N, min, quartiles, median and max over the municipalities (:data:`DISTRIBUTION_COLUMNS`)."""
    if not len(values):
        return pd.DataFrame(columns=DISTRIBUTION_COLUMNS)
    grouped = values.groupby(["area", "kpi", "group", "unit"], sort=False)["value"]
    out = grouped.agg(n="count", min="min", max="max", median="median")
    out["q1"] = grouped.quantile(0.25)
    out["q3"] = grouped.quantile(0.75)
    return out.reset_index()[DISTRIBUTION_COLUMNS]


def positions(values: pd.DataFrame) -> pd.DataFrame:
    """Each municipality's rank (1 = lowest) among those with the KPI, and its index against the median."""
    if not len(values):
        return pd.DataFrame(columns=POSITION_COLUMNS)
    keys = ["area", "kpi", "group", "unit"]
    grouped = values.groupby(keys, sort=False)["value"]
    out = values.assign(n=grouped.transform("count"), rank=grouped.rank(method="min").astype(int),
                        median=grouped.transform("median"))
    out["index"] = (out["value"] / out["median"].where(out["median"] != 0)) * 100
    return out[POSITION_COLUMNS].reset_index(drop=True)
