"""The forecast (*prognos*) as the reports read it: the tables the run wrote to ``results/`` and what the
report derives from them (population development, data status, key figures).

The computation (rates, projection, scenarios, budget gap) is :mod:`kpbkit.model.forecast`; its names are
re-exported here for the views.

>>> tables = read_tables(load_results("client_configs/exempelkommun.yaml"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpbkit.catalog import parse_age_bands
from kpbkit.errors import InputError
from kpbkit.model.forecast import (
    BASE_SCENARIO,
    FILES,
    ForecastTables,
    for_run,
    population_by_group,
    service_base,
    totals,
    volume_factor,
)

if TYPE_CHECKING:
    from kpbkit.analyses.load import Results

#: the readers here, and the computation's names (kpbkit.model.forecast) the views and the CLI use from here
__all__ = ["BASE_SCENARIO", "FILES", "ForecastTables", "for_run", "from_results", "key_figures_payload",
           "population_development", "read_tables", "status", "totals", "volume_factor"]


def population_development(population: pd.DataFrame, population_forecast: pd.DataFrame, *, base_year: int,
                           horizon: int) -> pd.DataFrame:
    """Inhabitants 0–20, 65+, 80+ and in total per year from the base year to the horizon (NaN: no population),
    with each group's index (base year = 100).

    The base year comes from ``population``, later years from ``population_forecast``.
    """
    years = list(range(base_year, base_year + horizon + 1))
    bands = parse_age_bands(["0-20", "21-64", "65-79", "80+"])
    base = population_by_group(population, [base_year], bands)
    later = population_by_group(population_forecast, years[1:], bands)
    pop = pd.concat([base, later], ignore_index=True)
    wide = pop.groupby(["year", "age_group"])["population"].sum(min_count=1).unstack().reindex(years)
    out = pd.DataFrame({
        "year": years,
        "age_0_20": wide["0-20"].to_numpy(),
        "age_65_plus": (wide["65-79"] + wide["80+"]).to_numpy(),
        "age_80_plus": wide["80+"].to_numpy(),
        "total": wide.sum(axis=1, min_count=len(bands)).to_numpy(),
    })
    out["source"] = np.where(out["year"] == base_year, "population", "population_forecast")
    for col in ("age_0_20", "age_65_plus", "age_80_plus", "total"):
        first = out[col].iloc[0]
        out[f"{col}_index"] = out[col] / first * 100 if first and not np.isnan(first) else np.nan
    return out


def from_results(results: Results) -> ForecastTables:
    """The forecast of a loaded run, computed from its tables (the run writes the same to ``results/``)."""
    empty = pd.DataFrame(columns=["year", "age", "sex", "count"])
    return for_run(results.config, results.person_costs, results.persons,
                   results.tables.get("population", empty), results.tables.get("population_forecast", empty))


def read_tables(results: Results) -> ForecastTables:
    """The forecast tables the run wrote to ``results/`` (``prognos_rates``, ``prognos``, ``prognos_budget``),
    and the per-service base figures from the run's tables."""
    frames = {}
    for key, name in FILES.items():
        path = results.folder / f"{name}.csv"
        if not path.is_file():
            raise InputError(f"the results folder has no {path.name}", file=path,
                             fix=f"run `kpbkit run {results.config.path}` again (this kpbkit writes it in every run)")
        frames[key] = pd.read_csv(path, keep_default_na=False, na_values=[""],
                                  dtype={"age_group": "string", "sex": "string", "scenario": "string",
                                         "service_code": "string", "unit": "string",
                                         "population_source": "string"})
    section = results.config.prognos
    bands = parse_age_bands(section.age_bands) if section.age_bands else ()
    services = list(dict.fromkeys(frames["rates"]["service_code"].astype(str)))
    attributes = results.attributes()
    base = service_base(results.person_costs, attributes, frames["rates"], services=services,
                        catalog=results.config.catalog, bands=bands)
    return ForecastTables(frames["rates"], frames["forecast"], frames["budget"], base)


def status(results: Results, tables: ForecastTables) -> dict[str, object]:
    """What data the forecast has: the base year, forecast years, years without population, and whether
    the run had a population forecast and a base-year population at all."""
    base_year = results.config.period.end.year
    per_year = tables.forecast.groupby("year")["population"].apply(lambda s: bool(s.isna().any()))
    missing = [int(y) for y, gone in per_year.items() if gone]
    forecast_table = results.tables.get("population_forecast")
    return {
        "base_year": base_year,
        "years": [int(y) for y in per_year.index if y > base_year],
        "missing_years": [y for y in missing if y > base_year],
        "has_forecast": forecast_table is not None and len(forecast_table) > 0,
        "has_base_population": base_year not in missing,
        "population_file": _source_of(tables.forecast, tables.forecast["year"] == base_year),
        "forecast_file": _source_of(tables.forecast, tables.forecast["year"] > base_year),
    }


def _source_of(forecast: pd.DataFrame, mask: pd.Series) -> str:
    names = forecast.loc[mask, "population_source"].dropna().astype(str)
    names = names[names != ""]
    return str(names.iloc[0]) if len(names) else ""


def key_figures_payload(tables: ForecastTables) -> dict[str, float | None]:
    """The figures the report shows, as ``{"prognos/<measure>/<service|total>/<year>/<scenario>": value}``:
    brukare, volume and cost per service, cost in total, and the budget gap; None where there is no data."""
    out: dict[str, float | None] = {}

    def put(key: str, value: float) -> None:
        out[key] = None if value is None or np.isnan(value) else float(value)

    per_service = totals(tables.forecast, ("year", "scenario", "service_code"))
    for row in per_service.itertuples():
        for measure in ("brukare", "volume", "cost"):
            put(f"prognos/{measure}/{row.service_code}/{row.year}/{row.scenario}", getattr(row, measure))
    for row in totals(tables.forecast).itertuples():
        put(f"prognos/cost/total/{row.year}/{row.scenario}", row.cost)
    for row in tables.budget.itertuples():
        put(f"prognos/gap/total/{row.year}/{row.scenario}", row.gap)
    return out
