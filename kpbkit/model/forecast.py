"""The forecast (*prognos*): consumption rates per age group and sex from KPB × the population forecast.

Base year = the year of the period's last day. For each forecast service, age group and sex:

- **rates** of the base year: brukare per inhabitant (persons with volume > 0 in the service) and volume per
  inhabitant (hours, days, weekdays or months, the service's unit), from ``person_costs`` and the persons'
  age on the period's last day (:func:`kpbkit.model.kpis.person_attributes`, as every KPI) over the base
  year's ``population``; persons of unknown age or sex are counted in no rate (:func:`unassigned`);
- **unit cost** per service: (direct + overhead) ÷ volume of the base year, all persons (as the contract's
  unit-cost KPIs: needs assessment belongs to the decision, not to the hour). Costs are at the base year's
  fixed prices;
- **projection**: rate × population of the year, age group and sex → brukare and volume; cost = volume ×
  unit cost. The base year itself is projected from its own population (it reproduces the base year's
  volumes of persons of known age and sex), the forecast years from ``population_forecast``;
- **scenarios**: the base scenario (:data:`BASE_SCENARIO`, rates unchanged) and the config's: rates ×
  ``(1 + rate_change_per_year) ** t`` for ``t`` years after the base year, the 80+ groups' rates ×
  ``(1 + coverage_80_change)`` from the first forecast year, new unit costs from the first forecast year,
  each limited to the scenario's ``services`` when it names any;
- **budget gap** per year and scenario where ``prognos.budget`` gives a frame: forecast cost − budget.

A year without population (no ``population_forecast`` at all, or none for that year) has empty population,
brukare, volume and cost (NaN, never 0), and so has its budget gap. Everything is vectorised.

>>> tables = for_run(config, person_costs, persons, population, population_forecast)  # doctest: +SKIP
>>> tables.forecast.groupby(["year", "scenario"])["cost"].sum(min_count=1)             # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.catalog import AgeBand, Catalog, parse_age_bands
from kpbkit.config import ClientConfig, ScenarioSection
from kpbkit.config.schema import BASE_SCENARIO
from kpbkit.errors import ConfigError
from kpbkit.model.kpis import person_attributes
from kpbkit.period import Period

SEXES: tuple[str, ...] = ("K", "M")
#: the oldest age of the population tables: 100 stands for 100 and over
MAX_AGE = 100
#: "80+" (KPB-METHOD §4): the groups whose rates a scenario's coverage_80_change moves
COVERAGE_AGE = 80
#: the results files (``results/<name>.csv``)
FILES = {"rates": "prognos_rates", "forecast": "prognos", "budget": "prognos_budget"}

RATE_COLUMNS = ["base_year", "service_code", "unit", "age_group", "sex", "population", "brukare", "volume",
                "brukare_rate", "volume_rate", "unit_cost"]
FORECAST_COLUMNS = ["year", "scenario", "service_code", "age_group", "sex", "population", "brukare", "volume",
                    "unit", "unit_cost", "cost", "population_source"]
BUDGET_COLUMNS = ["year", "scenario", "cost", "budget", "gap", "gap_share"]
SERVICE_COLUMNS = ["service_code", "unit", "brukare", "volume", "cost", "unit_cost", "brukare_unassigned",
                   "volume_unassigned", "volume_unassigned_share", "volume_no_population"]


@dataclass(frozen=True)
class Scenario:
    """A scenario as the projection applies it (see :class:`kpbkit.config.ScenarioSection`)."""

    name: str
    rate_change_per_year: float = 0.0
    coverage_80_change: float = 0.0
    unit_costs: dict[str, float] | None = None
    services: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, section: ScenarioSection) -> Scenario:
        return cls(section.name, section.rate_change_per_year, section.coverage_80_change,
                   dict(section.unit_costs), tuple(section.services))


@dataclass
class ForecastTables:
    """The forecast's three results tables and the per-service base figures."""

    rates: pd.DataFrame
    forecast: pd.DataFrame
    budget: pd.DataFrame
    services: pd.DataFrame


# ------------------------------------------------------------------------------------------------ age groups


def age_group_order(bands: Sequence[AgeBand]) -> list[str]:
    """The labels of the age groups in age order: the bands', or one-year ages ``0`` … ``99``, ``100+``."""
    if bands:
        return [b.label for b in sorted(bands, key=lambda b: b.low)]
    return [str(a) for a in range(MAX_AGE)] + [f"{MAX_AGE}+"]


def age_groups(age: pd.Series, bands: Sequence[AgeBand]) -> pd.Series:
    """Each age's group label (``pd.NA`` where the age is unknown): a band's, or the one-year age (100 = 100+).

    >>> age_groups(pd.Series([3, 104, None], dtype="Int64"), ()).tolist()
    ['3', '100+', <NA>]
    """
    age = pd.to_numeric(age, errors="coerce").astype("Float64")
    age = age.mask(age < 0)  # born after the period's last day: no age
    if bands:
        out = pd.Series(pd.NA, index=age.index, dtype="string")
        for band in bands:
            inside = (age >= band.low) & ((age <= band.high) if band.high is not None else True)
            out[inside.fillna(False).astype(bool)] = band.label
        return out
    values = age.to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(values)
    whole = values[known]
    if not (whole == np.floor(whole)).all():  # a fractional age: the exact path, which refuses it as before
        capped = age.clip(upper=MAX_AGE)
        out = capped.astype("Int64").astype("string")
        return out.mask((capped == MAX_AGE).fillna(False).astype(bool), f"{MAX_AGE}+")
    labels = np.array(age_group_order(()), dtype=object)  # "0" … "99", "100+": looked up, not formatted per row
    out = np.full(len(values), None, dtype=object)
    out[known] = labels[np.minimum(whole, MAX_AGE).astype(int)]
    return pd.Series(out, index=age.index, dtype="string")


def is_80_plus(groups: pd.Series, bands: Sequence[AgeBand]) -> pd.Series:
    """Whether each age-group label is wholly 80 or over (a band straddling 80 is an error)."""
    if bands:
        lows = {b.label: b.low for b in bands}
        straddling = [b.label for b in bands if b.low < COVERAGE_AGE and (b.high is None or b.high >= COVERAGE_AGE)]
        if straddling:
            raise ValueError(f"age group {straddling[0]} straddles 80: the 80+ change needs a group starting at 80")
        return groups.map(lambda g: lows.get(g, -1) >= COVERAGE_AGE).astype(bool)
    return groups.str.rstrip("+").astype(int) >= COVERAGE_AGE


# ------------------------------------------------------------------------------------------------ population


def population_by_group(population: pd.DataFrame, years: Sequence[int], bands: Sequence[AgeBand]) -> pd.DataFrame:
    """Inhabitants per year, age group and sex for ``years``: every group of every year, NaN for a year the table
    does not hold (within a year held, an absent age counts as none, as in the KPIs)."""
    groups = age_group_order(bands)
    full = pd.MultiIndex.from_product([list(years), groups, list(SEXES)], names=["year", "age_group", "sex"])
    if len(population):
        pop = population[["year", "age", "sex", "count"]].dropna(subset=["year", "age", "sex"])
        pop = pop.assign(year=pop["year"].astype(int), sex=pop["sex"].astype("string"),
                         age_group=age_groups(pop["age"], bands), count=pop["count"].astype(float))
        pop = pop[pop["year"].isin(list(years)) & pop["sex"].isin(SEXES) & pop["age_group"].notna()]
        counted = pop.groupby(["year", "age_group", "sex"])["count"].sum()
        held = set(pop["year"])
    else:
        counted, held = pd.Series(dtype=float), set()
    out = counted.reindex(full).rename("population").reset_index()
    in_held_year = out["year"].isin(held)
    out["population"] = out["population"].where(~in_held_year, out["population"].fillna(0.0))
    out["age_group"] = out["age_group"].astype("string")
    out["sex"] = out["sex"].astype("string")
    return out



# ------------------------------------------------------------------------------------------------ rates


def forecast_services(person_costs: pd.DataFrame, catalog: Catalog, services: Sequence[str] = (),
                      *, config_path: Path | None = None) -> list[str]:
    """The services forecast: those named (checked against the catalogue), else every service with volume,
    in catalogue order."""
    for code in services:
        if code not in catalog.services:
            raise ConfigError(
                f"prognos.services names '{code}', which the catalogue does not know",
                file=config_path, key="prognos.services",
                fix="use codes from docs/method.md's catalogue (or add the service under 'services')",
            )
    if services:
        return list(dict.fromkeys(services))
    used = set(person_costs.loc[person_costs["volume"] > 0, "service_code"].astype(str))
    return [code for code in catalog.codes if code in used]


def _with_groups(person_costs: pd.DataFrame, attributes: pd.DataFrame, services: Sequence[str],
                 bands: Sequence[AgeBand]) -> pd.DataFrame:
    rows = person_costs[person_costs["service_code"].astype(str).isin(list(services))]
    rows = rows[["person_id", "service_code", "volume", "direct_cost", "overhead_cost"]].copy()
    rows["service_code"] = rows["service_code"].astype(str)
    rows = rows.join(attributes[["age", "sex"]], on="person_id")
    rows["age_group"] = age_groups(rows["age"], bands)
    rows["sex"] = rows["sex"].astype("string").where(rows["sex"].astype("string").isin(SEXES))
    rows["assigned"] = (rows["age_group"].notna() & rows["sex"].notna()).astype(bool)
    return rows


def consumption_rates(
    person_costs: pd.DataFrame,
    attributes: pd.DataFrame,
    population: pd.DataFrame,
    *,
    base_year: int,
    services: Sequence[str],
    catalog: Catalog,
    bands: Sequence[AgeBand] = (),
    volume_factor: float = 1.0,
    grouped_rows: pd.DataFrame | None = None,
    base_population: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Brukare and volume per inhabitant per service, age group and sex in the base year, and the unit cost.

    Parameters
    ----------
    person_costs
        The run's ``person_costs`` (one row per person, service and regi with volume).
    attributes
        Age and sex per ``person_id`` (:func:`kpbkit.model.kpis.person_attributes`).
    population
        Inhabitants ``year, age, sex, count``; the base year's rows are used.
    base_year, services, catalog, bands
        The year of the period's last day, the services forecast, the catalogue (units), the age groups
        (empty: one-year ages).
    volume_factor
        Volumes are multiplied by this to make them a year's (1 for a calendar-year period).
    grouped_rows, base_population
        What :func:`for_run` has computed already: ``person_costs`` with age group and sex (``_with_groups``),
        the base year's :func:`population_by_group`.

    Returns
    -------
    pd.DataFrame
        :data:`RATE_COLUMNS`: one row per service, age group and sex (every group, also those without
        brukare). ``brukare_rate`` and ``volume_rate`` are per inhabitant; NaN where the group has no
        inhabitants (or the base year no population). ``unit_cost`` = (direct + overhead) ÷ volume of the
        service over all its brukare.

    Examples
    --------
    >>> consumption_rates(pc, attrs, pop, base_year=2025, services=["hemtjanst"], catalog=Catalog(),
    ...                   bands=parse_age_bands(["0-79", "80+"]))  # doctest: +SKIP
    """
    rows = grouped_rows if grouped_rows is not None else _with_groups(person_costs, attributes, services, bands)
    if base_population is None:
        base_population = population_by_group(population, [base_year], bands)
    pop = base_population.drop(columns="year")
    grid = pd.MultiIndex.from_product([list(services), age_group_order(bands), list(SEXES)],
                                      names=["service_code", "age_group", "sex"])
    known = rows[rows["assigned"]]
    per_person = known.groupby(["service_code", "age_group", "sex", "person_id"], observed=True)["volume"].sum()
    grouped = per_person[per_person > 0].reset_index().groupby(["service_code", "age_group", "sex"]).agg(
        brukare=("person_id", "nunique"), volume=("volume", "sum"))
    out = grouped.reindex(grid).fillna({"brukare": 0, "volume": 0.0}).reset_index()
    out["volume"] = out["volume"] * volume_factor
    out["age_group"] = out["age_group"].astype("string")
    out["sex"] = out["sex"].astype("string")
    out = out.merge(pop, on=["age_group", "sex"], how="left")
    inhabited = out["population"].where(out["population"] > 0)
    out["brukare_rate"] = out["brukare"] / inhabited
    out["volume_rate"] = out["volume"] / inhabited
    empty = (out["population"] == 0) & (out["brukare"] == 0)  # nobody lives there and nobody got the service
    out.loc[empty, ["brukare_rate", "volume_rate"]] = 0.0
    out["unit_cost"] = out["service_code"].map(unit_costs(person_costs, services))
    out["unit"] = out["service_code"].map(catalog.unit_of)
    out["base_year"] = base_year
    out["brukare"] = out["brukare"].astype(int)
    return out[RATE_COLUMNS]


def unit_costs(person_costs: pd.DataFrame, services: Sequence[str]) -> pd.Series:
    """(direct + overhead) ÷ volume per service over all its rows (NaN where the volume is 0)."""
    rows = person_costs[person_costs["service_code"].astype(str).isin(list(services))]
    rows = rows.assign(service_code=rows["service_code"].astype(str), cost=rows["direct_cost"] + rows["overhead_cost"])
    sums = rows.groupby("service_code")[["cost", "volume"]].sum()
    sums = sums.reindex(list(services)).fillna(0.0)
    return sums["cost"] / sums["volume"].where(sums["volume"] > 0)


def service_base(person_costs: pd.DataFrame, attributes: pd.DataFrame, rates: pd.DataFrame, *,
                 services: Sequence[str], catalog: Catalog, bands: Sequence[AgeBand] = (),
                 grouped_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per forecast service in the base period: brukare, volume, cost (direct + overhead), unit cost, and what
    the rates leave out: brukare and volume of persons of unknown age or sex (and its share of the volume),
    and volume in age groups that had no inhabitants in the base year (their rate is undefined).
    ``grouped_rows`` as for :func:`consumption_rates`."""
    rows = grouped_rows if grouped_rows is not None else _with_groups(person_costs, attributes, services, bands)
    rows = rows.assign(cost=rows["direct_cost"] + rows["overhead_cost"])
    total = rows.groupby("service_code").agg(volume=("volume", "sum"), cost=("cost", "sum"))
    brukare = rows[rows["volume"] > 0].groupby("service_code")["person_id"].nunique()
    unknown = rows[~rows["assigned"]]
    unknown_brukare = unknown[unknown["volume"] > 0].groupby("service_code")["person_id"].nunique()
    out = pd.DataFrame(index=pd.Index(list(services), name="service_code"))
    out["unit"] = [catalog.unit_of(c) for c in services]
    out["brukare"] = brukare.reindex(out.index).fillna(0).astype(int)
    out["volume"] = total["volume"].reindex(out.index).fillna(0.0)
    out["cost"] = total["cost"].reindex(out.index).fillna(0.0)
    out["unit_cost"] = out["cost"] / out["volume"].where(out["volume"] > 0)
    out["brukare_unassigned"] = unknown_brukare.reindex(out.index).fillna(0).astype(int)
    out["volume_unassigned"] = unknown.groupby("service_code")["volume"].sum().reindex(out.index).fillna(0.0)
    out["volume_unassigned_share"] = out["volume_unassigned"] / out["volume"].where(out["volume"] > 0)
    undefined = rates.loc[rates["brukare_rate"].isna(), ["service_code", "age_group", "sex"]].astype(str)
    known = rows[rows["assigned"]].astype({"service_code": str, "age_group": str, "sex": str})
    lost = known.merge(undefined, on=["service_code", "age_group", "sex"])
    out["volume_no_population"] = lost.groupby("service_code")["volume"].sum().reindex(out.index).fillna(0.0)
    return out.reset_index()[SERVICE_COLUMNS]


# ------------------------------------------------------------------------------------------------ projection


def _scenario_frame(scenarios: Sequence[Scenario], services: Sequence[str]) -> pd.DataFrame:
    """One row per scenario (the base first) and service: the rate change, the 80+ change, a new unit cost."""
    rows = []
    for s in [Scenario(BASE_SCENARIO), *scenarios]:
        scope = set(s.services) if s.services else set(services)
        for code in services:
            inside = code in scope
            rows.append({
                "scenario": s.name, "service_code": code,
                "rate_change": s.rate_change_per_year if inside else 0.0,
                "coverage_change": s.coverage_80_change if inside else 0.0,
                "new_unit_cost": (s.unit_costs or {}).get(code, np.nan) if inside else np.nan,
            })
    return pd.DataFrame(rows)


def project(
    rates: pd.DataFrame,
    population: pd.DataFrame,
    *,
    base_year: int,
    horizon: int,
    scenarios: Sequence[Scenario] = (),
    bands: Sequence[AgeBand] = (),
) -> pd.DataFrame:
    """Rates × population per year (base year to base year + horizon), scenario, service, age group and sex.

    Parameters
    ----------
    rates
        :func:`consumption_rates`.
    population
        Inhabitants per ``year, age_group, sex`` (:func:`population_by_group`), NaN for a year without
        population: its brukare, volume and cost are NaN, never 0.
    scenarios
        The config's scenarios; the base scenario (:data:`BASE_SCENARIO`) always comes first.

    Returns
    -------
    pd.DataFrame
        :data:`FORECAST_COLUMNS`. In year ``base_year + t``: brukare = brukare_rate × f × population and
        volume = volume_rate × f × population, with f = (1 + rate_change)^t × (1 + coverage_80_change if the
        group is 80+ and t ≥ 1); cost = volume × unit cost (the scenario's new unit cost from t = 1 on).

    Examples
    --------
    >>> project(rates, pop, base_year=2025, horizon=10, scenarios=[Scenario("Minskning", -0.01)])  # doctest: +SKIP
    """
    services = list(dict.fromkeys(rates["service_code"]))
    years = pd.DataFrame({"year": range(base_year, base_year + horizon + 1)})
    frame = years.merge(_scenario_frame(scenarios, services), how="cross")
    frame = frame.merge(rates[["service_code", "age_group", "sex", "unit", "brukare_rate", "volume_rate",
                               "unit_cost"]], on="service_code")
    frame = frame.merge(population[["year", "age_group", "sex", "population"]], on=["year", "age_group", "sex"],
                        how="left")
    t = (frame["year"] - base_year).to_numpy()
    factor = np.power(1.0 + frame["rate_change"].to_numpy(), t)
    if frame["coverage_change"].any():
        old = is_80_plus(frame["age_group"], bands).to_numpy()
        factor = factor * np.where(old & (t >= 1), 1.0 + frame["coverage_change"].to_numpy(), 1.0)
    frame["brukare"] = frame["brukare_rate"] * factor * frame["population"]
    frame["volume"] = frame["volume_rate"] * factor * frame["population"]
    frame["unit_cost"] = frame["unit_cost"].where(~((t >= 1) & frame["new_unit_cost"].notna()), frame["new_unit_cost"])
    frame["cost"] = (frame["volume"] * frame["unit_cost"]).where(frame["volume"] != 0, frame["volume"])
    ranks = {
        "_scenario": frame["scenario"].map({n: i for i, n in enumerate(frame["scenario"].drop_duplicates())}),
        "_service": frame["service_code"].map({c: i for i, c in enumerate(services)}),
        "_group": frame["age_group"].map({g: i for i, g in enumerate(age_group_order(bands))}),
    }
    frame = frame.assign(**ranks).sort_values(["year", "_scenario", "_service", "_group", "sex"], kind="stable")
    frame["population_source"] = ""
    return frame[FORECAST_COLUMNS].reset_index(drop=True)


def totals(forecast: pd.DataFrame, by: Sequence[str] = ("year", "scenario")) -> pd.DataFrame:
    """Brukare, volume and cost summed over the other columns; NaN (no data) where every row is NaN.

    Brukare summed over services count a person once per service.
    """
    keys = list(by)
    grouped = forecast.groupby(keys, sort=False)[["brukare", "volume", "cost"]]
    out = grouped.sum(min_count=1)
    # a group with some rows of no population is incomplete: no data rather than a partial sum
    incomplete = forecast["population"].isna().groupby([forecast[k] for k in keys], sort=False).any()
    out.loc[incomplete.reindex(out.index).to_numpy(), ["brukare", "volume", "cost"]] = np.nan
    return out.reset_index()


def budget_gap(forecast: pd.DataFrame, budget: dict[int, float]) -> pd.DataFrame:
    """Per year with a budget frame and scenario: forecast cost, budget, gap = cost − budget, gap ÷ budget.

    Years of the budget outside the forecast are left out; a year without population has an empty cost and
    gap. A positive gap is a cost above the frame.
    """
    cost = totals(forecast)[["year", "scenario", "cost"]]
    frame = pd.Series({int(y): float(v) for y, v in budget.items()}, dtype=float, name="budget")
    out = cost[cost["year"].isin(frame.index)].copy()
    out["budget"] = out["year"].map(frame)
    out["gap"] = out["cost"] - out["budget"]
    out["gap_share"] = out["gap"] / out["budget"].where(out["budget"] > 0)
    return out[BUDGET_COLUMNS].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ one run


def _check_scenarios(scenarios: Sequence[ScenarioSection], services: Sequence[str], path: Path | None) -> None:
    for i, s in enumerate(scenarios):
        for field, codes in (("services", s.services), ("unit_costs", list(s.unit_costs))):
            outside = [c for c in codes if c not in services]
            if outside:
                raise ConfigError(
                    f"scenario '{s.name}' names {', '.join(outside)}, which is not a forecast service "
                    f"({', '.join(services) or 'none'})",
                    file=path, key=f"prognos.scenarios[{i}].{field}",
                    fix="name services the forecast covers (prognos.services, or every service with volume)",
                )


def volume_factor(period: Period) -> float:
    """1 for a calendar year; otherwise the base year's days ÷ the period's days (volumes made a year's)."""
    if period.is_calendar_year:
        return 1.0
    year_days = 366 if pd.Timestamp(period.end).is_leap_year else 365
    return year_days / ((period.end - period.start).days + 1)


def check_settings(config: ClientConfig, person_costs: pd.DataFrame) -> list[str]:
    """The services the forecast covers, its ``prognos`` settings checked against a run's ``person_costs``.

    What `kpbkit validate` checks of the forecast (a config error naming the key), without computing it.
    """
    services = forecast_services(person_costs, config.catalog, config.prognos.services, config_path=config.path)
    _check_scenarios(config.prognos.scenarios, services, config.path)
    return services


def for_run(
    config: ClientConfig,
    person_costs: pd.DataFrame,
    persons: pd.DataFrame,
    population: pd.DataFrame,
    population_forecast: pd.DataFrame,
    *,
    sources: dict[str, str] | None = None,
) -> ForecastTables:
    """The forecast of one run's tables with the config's ``prognos`` section (:class:`ForecastTables`).

    ``sources`` names the input file of ``population`` and ``population_forecast`` (``prognos.csv`` says per
    row which one the year's population came from).
    """
    section = config.prognos
    bands = parse_age_bands(section.age_bands) if section.age_bands else ()
    base_year = config.period.end.year
    services = check_settings(config, person_costs)
    attributes = person_attributes(persons, config.period)
    factor = volume_factor(config.period)
    grouped = _with_groups(person_costs, attributes, services, bands)
    base_population = population_by_group(population, [base_year], bands)
    rates = consumption_rates(person_costs, attributes, population, base_year=base_year, services=services,
                              catalog=config.catalog, bands=bands, volume_factor=factor, grouped_rows=grouped,
                              base_population=base_population)
    years = list(range(base_year + 1, base_year + section.horizon + 1))
    pop = pd.concat([base_population, population_by_group(population_forecast, years, bands)], ignore_index=True)
    forecast = project(rates, pop, base_year=base_year, horizon=section.horizon,
                       scenarios=[Scenario.from_config(s) for s in section.scenarios], bands=bands)
    sources = sources or {}
    forecast["population_source"] = np.where(forecast["year"] == base_year, sources.get("population", ""),
                                             sources.get("population_forecast", ""))
    base = service_base(person_costs, attributes, rates, services=services, catalog=config.catalog, bands=bands,
                        grouped_rows=grouped)
    return ForecastTables(rates, forecast, budget_gap(forecast, section.budget), base)

