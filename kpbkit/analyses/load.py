"""Load a run's period folder (``results/`` and ``interim/``): the contract between computation and reports.

The reports read nothing else: the settings come from the config record in ``results/run.json``
(:class:`kpbkit.config.snapshot.ReportConfig`), the comparison figures from the tables the run gathered
(:mod:`kpbkit.comparisons`). The client's YAML and raw extracts may be gone.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpbkit.comparisons import Comparisons, read_comparisons
from kpbkit.config.snapshot import ReportConfig
from kpbkit.errors import InputError
from kpbkit.model.kpis import person_attributes

RESULT_TABLES = ("person_costs", "unit_costs", "reconciliation", "kpis", "data_quality")
INTERIM_TABLES = (
    "persons",
    "providers",
    "decisions",
    "visits",
    "stays",
    "resolved_stays",
    "deliveries",
    "granted",
    "population",
    "population_forecast",
)


@dataclass
class Results:
    """One run's results tables, interim tables, run record and the settings its reports use."""

    config: ReportConfig
    #: the results folder
    folder: Path
    tables: dict[str, pd.DataFrame]
    run: dict[str, object] = field(default_factory=dict)
    _comparisons: Comparisons | None = field(default=None, repr=False)

    @property
    def comparisons(self) -> Comparisons:
        """The references, comparison municipalities and earlier years the run gathered (read once)."""
        if self._comparisons is None:
            self._comparisons = read_comparisons(self.folder)
        return self._comparisons

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def kpi(self, area: str, kpi: str, group: str = "total") -> float:
        """One value of kpis.csv (NaN where it is empty or absent)."""
        k = self.tables["kpis"]
        sel = k[(k["area"] == area) & (k["kpi"] == kpi) & (k["group"] == group)]
        return float(sel["value"].iloc[0]) if len(sel) else math.nan

    def attributes(self) -> pd.DataFrame:
        """Age on the period's last day and sex, indexed by person_id."""
        return person_attributes(self.tables["persons"], self.config.period)


def load_results(period_folder: str | Path, *, interim: tuple[str, ...] = INTERIM_TABLES) -> Results:
    """Load a run's period folder ``<output>/<client>/<period>`` (its ``results/`` and ``interim/``; ``interim``:
    the interim tables to read, all by default).

    >>> res = load_results("reports/exempelkommun/2025")  # doctest: +SKIP
    >>> res.kpi("aldreomsorg", "cost_per_hour")           # doctest: +SKIP
    """
    period_folder = Path(period_folder)
    folder = period_folder / "results"
    run_path = folder / "run.json"
    if not run_path.is_file():
        raise InputError(
            "no results of a kpbkit run in this folder" if period_folder.is_dir() else "folder not found",
            file=period_folder,
            fix="give a run's period folder, <output>/<client>/<period> (e.g. reports/exempelkommun/2025), "
            "after `kpbkit run CONFIG`",
        )
    try:
        run = json.loads(run_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"run.json is not readable JSON ({type(exc).__name__})", file=run_path,
                         fix="run `kpbkit run CONFIG` again") from None
    config = ReportConfig.from_record(run.get("config") if isinstance(run, dict) else None, period_folder,
                                      file=run_path)
    tables = {
        name: pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""]) for name in RESULT_TABLES
    }
    for name in ("person_costs", "kpis"):
        for col in ("person_id", "group", "service_code", "regi", "area", "kpi"):
            if col in tables[name].columns:
                tables[name][col] = tables[name][col].astype("string")
    for name in interim:
        path = folder.parent / "interim" / f"{name}.parquet"
        if path.is_file():
            tables[name] = pd.read_parquet(path, to_pandas_kwargs={"date_as_object": False})
    if "visits" in tables and "counted" in tables["visits"].columns:
        visits = tables["visits"]
        tables["counted_visits"] = visits[visits["counted"]].drop(columns="counted").reset_index(drop=True)
    return Results(config=config, folder=folder, tables=tables, run=run)
