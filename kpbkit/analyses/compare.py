"""Comparisons of a run with reference values and other municipalities' runs, and the savings potential.

Pure functions of small frames: this run's results and the comparison figures the run gathered into its results
folder (:mod:`kpbkit.comparisons`); they never recompute the model or read another folder. Missing values stay
NaN (shown as "uppgift saknas"), never 0. Kronor of another year are moved to the period's price level with
the configured index: ``value × (1 + index) ** (period year − year)``, and every table says so.

>>> reference_comparison(run_from_results(res), references(res), "aldreomsorg", price_index=0.03)  # doctest: +SKIP
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.catalog import PLACEMENT_SERVICES

# the figures of a run are gathered by kpbkit.comparisons; re-exported here for the views and tests
from kpbkit.comparisons import (  # noqa: F401
    REFERENCE_COLUMNS,
    REFERENCE_FILE,
    REGI_GROUPS,
    RunFigures,
    derived_kpis,
    figures_from_tables,
    inhabitants,
    load_references,
    read_run,
    results_folder,
    service_totals,
    shipped_references,
)
from kpbkit.config import KRONOR_UNITS

#: the KPIs each area compares (rates and unit costs: comparable between municipalities of any size)
COMPARE_KPIS: dict[str, tuple[tuple[str, str], ...]] = {
    "aldreomsorg": (
        ("cost_per_hour", "total"), ("cost_per_hour", "egen"), ("cost_per_hour", "extern"),
        ("cost_per_granted_hour", "total"), ("delivery_ratio", "total"), ("hours_per_inhabitant_80", "total"),
        ("coverage_80", "total"), ("share_under_65", "total"), ("cost_per_brukare", "total"),
        ("sabo_cost_per_day", "total"),
    ),
    "lss": (
        ("pa_gross_cost_per_hour", "total"), ("pa_net_cost_per_hour", "total"),
        ("gruppbostad_cost_per_day", "total"), ("gruppbostad_cost_per_day", "egen"),
        ("gruppbostad_cost_per_day", "extern"), ("cost_per_brukare", "total"),
    ),
    "barn_unga": (
        ("cost_per_care_day", "total"), *(("cost_per_care_day", s) for s in PLACEMENT_SERVICES),
        ("placed_per_1000_0_20", "total"), ("share_placed_familjehem", "total"), ("cost_per_brukare", "total"),
    ),
}

#: unit-cost KPIs whose savings potential is client volume × (unit cost − target):
#: (kpi, group, where the volume comes from: ("kpi", kpi, group) or ("service", code, group), volume unit)
UNIT_COST_SAVINGS: dict[str, tuple[tuple[str, str, tuple[str, str, str], str], ...]] = {
    "aldreomsorg": (
        ("cost_per_hour", "total", ("kpi", "delivered_hours", "total"), "hour"),
        ("cost_per_hour", "egen", ("kpi", "delivered_hours", "egen"), "hour"),
        ("cost_per_hour", "extern", ("kpi", "delivered_hours", "extern"), "hour"),
        ("cost_per_granted_hour", "total", ("kpi", "granted_hours", "total"), "granted_hour"),
        ("sabo_cost_per_day", "total", ("service", "sarskilt_boende", "total"), "day"),
    ),
    "lss": (
        ("pa_gross_cost_per_hour", "total", ("service", "pa_sfb", "total"), "hour"),
        *(("gruppbostad_cost_per_day", g, ("service", "gruppbostad", g), "day") for g in REGI_GROUPS),
    ),
    "barn_unga": tuple(
        ("cost_per_care_day", s, ("kpi", "care_days", s), "day") for s in PLACEMENT_SERVICES
    ),
}

#: consumption rates whose savings potential is the volume change × the client's own unit cost
RATE_SAVINGS: dict[str, tuple[str, ...]] = {
    "aldreomsorg": ("hours_per_inhabitant_80", "coverage_80"),
    "lss": (),
    "barn_unga": ("placed_per_1000_0_20",),
}
RATE_KINDS = {"hours_per_inhabitant_80": "hours_80", "coverage_80": "coverage_80",
              "placed_per_1000_0_20": "placed_0_20"}


# --- reference values ---------------------------------------------------------------------------------------

def reference_version(refs: pd.DataFrame) -> str:
    """The version of the shipped reference file, e.g. ``2026.1``."""
    return str(refs["version"].iloc[0]) if len(refs) else ""


def price_factor(from_year: float | None, to_year: int, *, index: float, unit: str = "SEK") -> float:
    """The factor moving a value of ``from_year`` to ``to_year``'s price level: ``(1 + index) ** (to − from)``.

    Values that are not kronor (and kronor of the same year) get 1; kronor without a year get NaN.

    >>> round(price_factor(2016, 2025, index=0.03), 4)
    1.3048
    >>> price_factor(2016, 2025, index=0.03, unit="share")
    1.0
    """
    if unit not in KRONOR_UNITS:
        return 1.0
    if from_year is None or (isinstance(from_year, float) and math.isnan(from_year)):
        return math.nan
    return float((1.0 + index) ** (to_year - int(from_year)))


def select_references(refs: pd.DataFrame, area: str, *, year: int) -> pd.DataFrame:
    """The area's references, per (kpi, group, source) only the one whose year is closest to ``year``.

    Ties go to the earlier year; a row without a year stands for itself. The file order is kept.
    """
    sel = refs[refs["area"] == area].copy()
    if not len(sel):
        return sel.reset_index(drop=True)
    sel["_order"] = np.arange(len(sel))
    sel["_distance"] = (sel["year"] - year).abs().fillna(0)
    sel = sel.sort_values(["_distance", "year"], na_position="last")
    sel = sel.drop_duplicates(["kpi", "group", "source"], keep="first").sort_values("_order")
    return sel.drop(columns=["_order", "_distance"]).reset_index(drop=True)


# --- a run's figures ----------------------------------------------------------------------------------------

def run_from_results(results) -> RunFigures:
    """The figures of a loaded run (:class:`kpbkit.analyses.load.Results`)."""
    period = results.config.period
    return figures_from_tables(
        results.kpis, results.tables.get("person_costs"), name=results.config.client_name, year=period.end.year,
        label=period.label, population=results.tables.get("population"), folder=results.folder,
    )


def comparison_runs(results) -> list[tuple[str, RunFigures | None]]:
    """Each comparison municipality as the config names it and its figures (None: it had no results), as the run
    gathered them (:class:`kpbkit.analyses.load.Results`)."""
    return list(results.comparisons.municipalities)


def references(results) -> pd.DataFrame:
    """The reference table the run used (shipped and the client's own), from its results folder."""
    return results.comparisons.references


# --- the comparison tables ----------------------------------------------------------------------------------

def _unit_of(run: RunFigures, refs: pd.DataFrame, area: str, kpi: str, group: str) -> str:
    unit = run.unit(area, kpi, group)
    if unit:
        return unit
    sel = refs[(refs["kpi"] == kpi)] if len(refs) else refs
    return str(sel["unit"].iloc[0]) if len(sel) else ""


def _deviation(client: float, target: float) -> tuple[float, float]:
    if math.isnan(client) or math.isnan(target):
        return math.nan, math.nan
    return client - target, (client / target - 1.0) if target else math.nan


def reference_comparison(client: RunFigures, refs: pd.DataFrame, area: str, *, price_index: float,
                         kpis: tuple[tuple[str, str], ...] | None = None) -> pd.DataFrame:
    """The client's KPIs beside each reference, references at the period's price level.

    One row per reference (the closest year per source, :func:`select_references`); a compared KPI without
    any reference gets one row with the reference NaN. ``factor`` is the price factor applied to the
    reference's ``value``, ``low`` and ``high`` (1 for non-kronor); ``deviation`` = client − reference (in the
    KPI's unit), ``deviation_pct`` = client ÷ reference − 1.
    """
    year = client.year or 0
    sel = select_references(refs, area, year=year)
    wanted = list(kpis if kpis is not None else COMPARE_KPIS.get(area, ()))
    extra = [(k, g) for k, g in zip(sel["kpi"], sel["group"], strict=True) if (k, g) not in wanted]
    rows = []
    for kpi, group in dict.fromkeys([*wanted, *extra]):
        value = client.value(area, kpi, group)
        matching = sel[(sel["kpi"] == kpi) & (sel["group"] == group)]
        if not len(matching):
            rows.append({"area": area, "kpi": kpi, "group": group, "unit": _unit_of(client, sel, area, kpi, group),
                         "client": value, "reference_value": math.nan, "low": math.nan, "high": math.nan,
                         "reference_year": math.nan, "source": "", "note": "", "origin": "", "factor": math.nan,
                         "reference": math.nan, "reference_low": math.nan, "reference_high": math.nan,
                         "deviation": math.nan, "deviation_pct": math.nan})
            continue
        for ref in matching.to_dict("records"):
            unit = ref["unit"]
            factor = price_factor(ref["year"], year, index=price_index, unit=unit)
            adjusted = ref["value"] * factor
            deviation, pct = _deviation(value, adjusted)
            rows.append({"area": area, "kpi": kpi, "group": group, "unit": unit, "client": value,
                         "reference_value": float(ref["value"]), "low": ref["low"], "high": ref["high"],
                         "reference_year": ref["year"], "source": ref["source"], "note": ref["note"],
                         "origin": ref["origin"], "factor": factor, "reference": adjusted,
                         "reference_low": ref["low"] * factor, "reference_high": ref["high"] * factor,
                         "deviation": deviation, "deviation_pct": pct})
    return pd.DataFrame(rows)


def _unique_names(runs: list[RunFigures]) -> list[str]:
    names: list[str] = []
    for run in runs:
        name = run.name
        if name in names:
            name = f"{run.name} ({run.label})"
        n = 2
        while name in names:
            name, n = f"{run.name} ({n})", n + 1
        names.append(name)
    return names


def municipality_comparison(client: RunFigures, others: list[RunFigures], area: str, *, price_index: float,
                            kpis: tuple[tuple[str, str], ...] | None = None) -> pd.DataFrame:
    """The client's KPIs beside each comparison municipality's and their median.

    One column per municipality (its name, made unique), its kronor moved from its own period year to the
    client's price level; ``median`` over the municipalities that have a value (NaN when none has);
    ``n`` how many have one; ``deviation`` = client − median, ``deviation_pct`` = client ÷ median − 1. The
    municipality columns are listed in ``frame.attrs["municipalities"]``.
    """
    names = _unique_names(others)
    year = client.year or 0
    rows = []
    for kpi, group in kpis if kpis is not None else COMPARE_KPIS.get(area, ()):
        unit = client.unit(area, kpi, group) or next((o.unit(area, kpi, group) for o in others
                                                      if o.unit(area, kpi, group)), "")
        row: dict[str, object] = {"area": area, "kpi": kpi, "group": group, "unit": unit,
                                  "client": client.value(area, kpi, group)}
        values = []
        for name, other in zip(names, others, strict=True):
            factor = price_factor(other.year, year, index=price_index, unit=unit) if other.year else (
                1.0 if unit not in KRONOR_UNITS else math.nan)
            v = other.value(area, kpi, group) * factor
            row[name] = v
            values.append(v)
        present = [v for v in values if not math.isnan(v)]
        row["median"] = float(np.median(present)) if present else math.nan
        row["n"] = len(present)
        row["deviation"], row["deviation_pct"] = _deviation(float(row["client"]), row["median"])
        rows.append(row)
    out = pd.DataFrame(rows, columns=["area", "kpi", "group", "unit", "client", *names, "median", "n",
                                      "deviation", "deviation_pct"])
    out.attrs["municipalities"] = names
    return out


# --- savings potential --------------------------------------------------------------------------------------

#: a reference older than this many years before the period is context only, never a savings target
MAX_REFERENCE_AGE = 3


def chosen_reference(refs: pd.DataFrame, area: str, kpi: str, group: str, *, year: int,
                     max_age: int = MAX_REFERENCE_AGE) -> tuple[dict[str, object] | None, pd.DataFrame]:
    """The one reference a KPI is measured against, and the older ones (context only).

    The chosen one is the most recent reference of the KPI and group whose year is at most ``max_age`` years
    before ``year`` (ties: the first in the file); a reference without a year is never chosen. Returns the chosen
    row (``None``: there is none) and every other reference of the KPI and group, most recent first.
    """
    if not len(refs):
        return None, refs
    # plain arrays: this runs for every KPI of every report and finding, on a small table
    match = ((refs["area"].to_numpy(dtype=object) == area) & (refs["kpi"].to_numpy(dtype=object) == kpi)
             & (refs["group"].to_numpy(dtype=object) == group))
    if not match.any():
        return None, refs.iloc[0:0]
    sel = refs[match]
    years = pd.to_numeric(sel["year"], errors="coerce").to_numpy(dtype=float)
    recent = np.flatnonzero(~np.isnan(years) & (years >= year - max_age))
    chosen = None
    if len(recent):
        position = recent[years[recent].argmax()]  # argmax: the first of equal years
        chosen = sel.iloc[position].to_dict()
        sel = sel.drop(index=sel.index[position])
    return chosen, sel.sort_values("year", ascending=False, na_position="last") if len(sel) > 1 else sel


def _targets(client: RunFigures, refs: pd.DataFrame, medians: pd.DataFrame, area: str, kpi: str, group: str,
             *, price_index: float, max_age: int = MAX_REFERENCE_AGE) -> list[dict[str, object]]:
    """The targets of one KPI: its chosen reference at the period's price level (:func:`chosen_reference`; when
    there is none, one row without a target naming the newest older reference, if any), then the median."""
    year = client.year or 0
    chosen, older = chosen_reference(refs, area, kpi, group, year=year, max_age=max_age)
    if chosen is not None:
        factor = price_factor(chosen["year"], year, index=price_index, unit=str(chosen["unit"]))
        out: list[dict[str, object]] = [{"basis": "reference", "source": chosen["source"],
                                         "source_year": chosen["year"], "target": float(chosen["value"]) * factor}]
    elif len(older):
        newest = older.iloc[0]
        out = [{"basis": "old_reference", "source": newest["source"], "source_year": newest["year"],
                "target": math.nan}]
    else:
        out = [{"basis": "reference", "source": None, "source_year": math.nan, "target": math.nan}]
    med = medians[(medians["kpi"] == kpi) & (medians["group"] == group)] if len(medians) else medians
    out.append({"basis": "median", "source": None, "source_year": math.nan,
                "target": float(med["median"].iloc[0]) if len(med) else math.nan})
    return out


#: the decimals of a unit cost in a savings calculation: kronor and öre
KRONOR_DECIMALS = 2
#: the decimals of a consumption rate in a savings calculation (a share: hundredths of a percent) and of the
#: volume change it gives
RATE_DECIMALS = {"hours_80": 2, "coverage_80": 4, "placed_0_20": 2}
CHANGE_DECIMALS = 2


def _no_target(target: dict[str, object]) -> str:
    return "old_reference" if target["basis"] == "old_reference" else "no_target"


def _unit_cost_row(client: RunFigures, area: str, spec: tuple[str, str, tuple[str, str, str], str],
                   target: dict[str, object]) -> dict[str, object]:
    kpi, group, (source, name, vgroup), vunit = spec
    value = client.value(area, kpi, group)
    unit = client.unit(area, kpi, group) or "SEK"
    volume = client.value(area, name, vgroup) if source == "kpi" else client.service(name, vgroup)
    t = float(target["target"])  # type: ignore[arg-type]
    row = {"area": area, "kpi": kpi, "group": group, "kind": "unit_cost", **target, "unit": unit, "client": value,
           "difference": value - t, "base": volume, "base_unit": vunit, "volume_change": math.nan,
           "unit_value": value - t, "current_cost": volume * value}
    if math.isnan(t):
        return {**row, "cost_at_target": math.nan, "potential": math.nan, "assumption": _no_target(target)}
    if math.isnan(value) or math.isnan(volume):
        return {**row, "cost_at_target": math.nan, "potential": math.nan, "assumption": "no_client"}
    # the potential is the product of the factors the report shows: whole units × the difference in öre
    # (KRONOR_DECIMALS), so "7 150 dygn × 74,80 kr per dygn = 534 820 kr" multiplies out as printed
    difference = round(value, KRONOR_DECIMALS) - round(t, KRONOR_DECIMALS)
    if difference <= 0:
        return {**row, "unit_value": 0.0, "cost_at_target": volume * value, "potential": 0.0,
                "assumption": "not_above"}
    potential = round(volume) * difference
    return {**row, "difference": difference, "unit_value": difference, "cost_at_target": volume * value - potential,
            "potential": potential, "assumption": "unit_cost"}


def _rate_row(client: RunFigures, area: str, kpi: str, target: dict[str, object]) -> dict[str, object]:
    kind = RATE_KINDS[kpi]
    value = client.value(area, kpi)
    unit = client.unit(area, kpi) or ("share" if kind == "coverage_80" else "hours")
    t = float(target["target"])  # type: ignore[arg-type]
    population = client.inhabitants.get("0-20" if kind == "placed_0_20" else "80+", math.nan)
    # every factor at the precision the report prints it (RATE_DECIMALS, kronor and öre, a change in two
    # decimals), each product of printed factors: "100 invånare 80+ × 10,00 timmar = 1 000,00 timmar" and
    # "1 000,00 timmar × 600,00 kr per timme = 600 000 kr" multiply out as printed
    places = RATE_DECIMALS[kind]
    difference = round(value, places) - round(t, places)
    if kind == "hours_80":
        unit_value, per, change_unit = client.value(area, "cost_per_hour"), math.nan, "hour"
        change = difference * population
    elif kind == "coverage_80":
        hours = client.value(area, "hours_per_inhabitant_80")
        per = round(hours / value, 1) if value else math.nan
        unit_value, change_unit = per * round(client.value(area, "cost_per_hour"), KRONOR_DECIMALS), "brukare_80"
        change = difference * population
    else:
        placed = client.value(area, "placed_children")
        gross = sum(client.value(area, "gross_cost", s) for s in PLACEMENT_SERVICES
                    if not math.isnan(client.value(area, "gross_cost", s)))
        unit_value = gross / placed if placed else math.nan
        per, change_unit = math.nan, "children"
        change = difference / 1000.0 * population
    change, unit_value = round(change, CHANGE_DECIMALS), round(unit_value, KRONOR_DECIMALS)
    current = value * population / (1000.0 if kind == "placed_0_20" else 1.0) * unit_value
    row = {"area": area, "kpi": kpi, "group": "total", "kind": "rate", **target, "unit": unit, "client": value,
           "difference": difference, "base": population,
           "base_unit": "inhabitants_0_20" if kind == "placed_0_20" else "inhabitants_80",
           "volume_change": change, "volume_unit": change_unit, "unit_value": unit_value, "current_cost": current,
           "hours_per_brukare": per}
    if math.isnan(t):
        return {**row, "volume_change": math.nan, "cost_at_target": math.nan, "potential": math.nan,
                "assumption": _no_target(target)}
    if any(math.isnan(x) for x in (value, population, unit_value)):
        return {**row, "cost_at_target": math.nan, "potential": math.nan, "assumption": "no_client"}
    if difference <= 0:
        return {**row, "volume_change": 0.0, "cost_at_target": current, "potential": 0.0, "assumption": "not_above"}
    potential = change * unit_value
    return {**row, "cost_at_target": current - potential, "potential": potential, "assumption": kind}


def savings_potential(client: RunFigures, refs: pd.DataFrame, others: list[RunFigures], area: str, *,
                      price_index: float) -> pd.DataFrame:
    """What the cost would be if a unit cost or a consumption rate moved to the reference or the median.

    Unit costs (:data:`UNIT_COST_SAVINGS`): potential = client volume in whole units × (client unit cost − target,
    both in kronor and öre), where the client is dearer: the product of the factors the report prints.
    Consumption rates (:data:`RATE_SAVINGS`): the volume change (client rate − target)
    × population (÷ 1000 for per-1000 rates) valued at the client's own unit cost: kr per delivered hour
    for hours per inhabitant 80+; hours per brukare 80+ × kr per hour for coverage 80+; gross placement
    cost per placed child for placements per 1 000. Targets: the KPI's one chosen reference (the most recent
    no older than :data:`MAX_REFERENCE_AGE` years before the period, at the period's price level,
    :func:`chosen_reference`; older ones are context only: basis ``old_reference``, no target) and the comparison
    municipalities' median. Where the client is not above
    the target the potential is 0; where the target or a client figure is missing it is NaN (no data),
    never 0. ``assumption`` names the calculation (``unit_cost``, a rate's kind, ``not_above``, ``no_target``,
    ``no_client``, ``old_reference``) for the views to spell out in Swedish with the row's numbers
    (``hours_per_brukare``: the hours per brukare 80+ a coverage change is valued at). ``source`` and
    ``source_year`` name a reference target (empty for the median, and for a KPI without references).
    Rows overlap; do not add them up.
    """
    medians = municipality_comparison(
        client, others, area, price_index=price_index,
        kpis=tuple((k, g) for k, g, _, _ in UNIT_COST_SAVINGS.get(area, ()))
        + tuple((k, "total") for k in RATE_SAVINGS.get(area, ())),
    )
    rows = []
    for spec in UNIT_COST_SAVINGS.get(area, ()):
        for target in _targets(client, refs, medians, area, spec[0], spec[1], price_index=price_index):
            rows.append(_unit_cost_row(client, area, spec, target))
    for kpi in RATE_SAVINGS.get(area, ()):
        for target in _targets(client, refs, medians, area, kpi, "total", price_index=price_index):
            rows.append(_rate_row(client, area, kpi, target))
    columns = ["area", "kpi", "group", "kind", "basis", "source", "source_year", "unit", "client", "target",
               "difference", "base", "base_unit", "volume_change", "volume_unit", "unit_value", "hours_per_brukare",
               "current_cost", "cost_at_target", "potential", "assumption"]
    return pd.DataFrame(rows).reindex(columns=columns)
