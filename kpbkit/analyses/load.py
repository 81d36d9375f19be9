"""Load a run's results folder and its interim tables: the contract between computation and reports."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpbkit.config import ClientConfig, load_client_config
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
    """One run's results tables, interim tables and config."""

    config: ClientConfig
    folder: Path
    tables: dict[str, pd.DataFrame]
    run: dict[str, object] = field(default_factory=dict)

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


def load_results(config_path: str | Path, period: str = "", results_dir: str | Path = "") -> Results:
    """Load ``<output>/<client>/<period>/results`` (or ``results_dir`` when given) for a config.

    >>> res = load_results("client_configs/exempel.yaml", "2025")  # doctest: +SKIP
    >>> res.kpi("aldreomsorg", "cost_per_hour")                    # doctest: +SKIP
    """
    config = load_client_config(config_path)
    if period and period != config.period.label:
        raise InputError(
            f"period '{period}' does not match the config's period '{config.period.label}'",
            file=config.path,
            key="period",
            fix="pass the period the config names, or change the config",
        )
    folder = Path(results_dir) if results_dir else config.output_dir / "results"
    if not folder.is_dir():
        raise InputError(
            "no results folder for this client and period",
            file=folder,
            fix=f"run `kpbkit run {config.path}` first",
        )
    tables = {
        name: pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""]) for name in RESULT_TABLES
    }
    for name in ("person_costs", "kpis"):
        for col in ("person_id", "group", "service_code", "regi", "area", "kpi"):
            if col in tables[name].columns:
                tables[name][col] = tables[name][col].astype("string")
    interim = folder.parent / "interim"
    for name in INTERIM_TABLES:
        path = interim / f"{name}.parquet"
        if path.is_file():
            tables[name] = pd.read_parquet(path, to_pandas_kwargs={"date_as_object": False})
    if "visits" in tables and "counted" in tables["visits"].columns:
        visits = tables["visits"]
        tables["counted_visits"] = visits[visits["counted"]].drop(columns="counted").reset_index(drop=True)
    run_path = folder / "run.json"
    run = json.loads(run_path.read_text(encoding="utf-8")) if run_path.is_file() else {}
    return Results(config=config, folder=folder, tables=tables, run=run)
