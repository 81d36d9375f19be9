"""The KPB network: many municipalities' results folders side by side (issue 15, the network report's figures).

Per KPI (:data:`kpbkit.analyses.compare.COMPARE_KPIS`, the figures the area reports compare) the distribution over
the municipalities that have it (N, min, lower quartile, median, upper quartile, max; quartiles by linear
interpolation, pandas' default) and each municipality's position: its value, its rank (1 = the lowest value;
equal values share the lower rank) and its index against the median (median = 100).

A figure resting on fewer persons than the publication threshold is left out of the network when ``threshold`` is
given: it is neither shown nor counted, so no small group can be read back from a position or a quartile. The
persons a figure rests on are those of its own service in its regi (:func:`persons`): home care's brukare for the
home-care KPIs, the group home's extern brukare for its extern cost per day, the placed children for the
placement figures; the area's brukare for cost per brukare.

Besides the KPIs: the structure behind the cost differences (:func:`structure`: age mix, extern regi's share of
the volume, coverage), in the same long shape under the area ``structure``, and for the unit costs what the
difference against the network's median is worth in kronor per year at the municipality's own volume
(:func:`with_kronor`); :func:`costliest` picks the unit costs carrying the most cost in the network.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kpbkit.analyses.compare import COMPARE_KPIS, UNIT_COST_SAVINGS
from kpbkit.catalog import PLACEMENT_SERVICES
from kpbkit.comparisons import RunFigures, read_run
from kpbkit.errors import InputError

VALUE_COLUMNS = ["municipality", "area", "kpi", "group", "unit", "value"]
DISTRIBUTION_COLUMNS = ["area", "kpi", "group", "unit", "n", "min", "q1", "median", "q3", "max"]
POSITION_COLUMNS = [*VALUE_COLUMNS, "n", "rank", "index", "median"]
KRONOR_COLUMNS = [*POSITION_COLUMNS, "volume", "kronor"]

#: the area code of the structure measures (:func:`structure`), beside the KPB areas
STRUCTURE = "structure"

#: KPIs resting on one service's brukare (in the KPI's regi group): (area, kpi) → service code
KPI_SERVICE: dict[tuple[str, str], str] = {
    **{("aldreomsorg", kpi): "hemtjanst" for kpi in (
        "cost_per_hour", "cost_per_granted_hour", "delivery_ratio", "hours_per_inhabitant_80", "coverage_80",
        "share_under_65")},
    ("aldreomsorg", "sabo_cost_per_day"): "sarskilt_boende",
    ("lss", "pa_gross_cost_per_hour"): "pa_sfb",
    ("lss", "pa_net_cost_per_hour"): "pa_sfb",
    ("lss", "gruppbostad_cost_per_day"): "gruppbostad",
}

#: the services whose volume extern regi's share is measured on (:func:`structure`): measure → service codes
EXTERN_SHARES: dict[str, tuple[str, ...]] = {
    "extern_share_hemtjanst": ("hemtjanst",),
    "extern_share_sabo": ("sarskilt_boende",),
    "extern_share_gruppbostad": ("gruppbostad",),
    "extern_share_placements": PLACEMENT_SERVICES,
}


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
                if threshold is not None and _small(run, area, group, threshold, kpi):
                    continue
                rows.append((run.name, area, kpi, group, run.unit(area, kpi, group), value))
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def persons(run: RunFigures, area: str, kpi: str, group: str) -> float:
    """The persons a KPI of ``run`` rests on: its service's brukare in the KPI's regi group (:data:`KPI_SERVICE`),
    the placed children for barn och unga's placement figures (a placement form's own for its cost per care day),
    else the area's brukare in the group; NaN when the run does not say."""
    if area == "barn_unga" and kpi != "cost_per_brukare":
        if group in PLACEMENT_SERVICES:
            return run.value(area, "brukare", group)
        return run.value(area, "placed_children", "total")
    service = KPI_SERVICE.get((area, kpi))
    if service is not None:
        found = run.service(service, group, "brukare")
        if not math.isnan(found):
            return found
    return run.value(area, "brukare", group)


def _small(run: RunFigures, area: str, group: str, threshold: int, kpi: str = "brukare") -> bool:
    """Whether the KPI rests on 1 to threshold − 1 persons (:func:`persons`; a group without a count is not small)."""
    n = persons(run, area, kpi, group)
    return not math.isnan(n) and 1 <= n < threshold


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


def structure(runs: list[RunFigures], *, threshold: int | None = None) -> pd.DataFrame:
    """Per municipality the structure behind the cost differences (:data:`VALUE_COLUMNS`, area :data:`STRUCTURE`).

    - ``inhabitants``: inhabitants on 31 December of the period's year (the population beside the results);
    - ``share_80``, ``share_0_20``: inhabitants 80+ and 0–20 years ÷ inhabitants;
    - ``coverage_80``: home care's coverage of the inhabitants 80+ (kpis.csv);
    - ``extern_share_<service>`` (:data:`EXTERN_SHARES`): extern regi's share of the services' volume (hours or
      days). Left out, when ``threshold`` is given, where egen or extern regi rests on 1 to threshold − 1 brukare
      (the share would give the small group's volume; a placement child counted once per form it had).
    """
    rows = []
    for run in runs:
        total = _inhabitants(run)
        found = {"inhabitants": (total, "persons")}
        for key, measure in (("80+", "share_80"), ("0-20", "share_0_20")):
            part = run.inhabitants.get(key, math.nan)
            found[measure] = (part / total if total > 0 else math.nan, "share")
        coverage = run.value("aldreomsorg", "coverage_80")
        if threshold is not None and _small(run, "aldreomsorg", "total", threshold, "coverage_80"):
            coverage = math.nan
        found["coverage_80"] = (coverage, "share")
        for measure, services in EXTERN_SHARES.items():
            found[measure] = (_extern_share(run, services, threshold), "share")
        rows += [(run.name, STRUCTURE, measure, "total", unit, value)
                 for measure, (value, unit) in found.items() if not math.isnan(value)]
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def _inhabitants(run: RunFigures) -> float:
    """All inhabitants on 31 December of the run's year (NaN without a population beside the results)."""
    if run.folder is None or run.year is None:
        return math.nan
    path = Path(run.folder).parent / "interim" / "population.parquet"
    if not path.is_file():
        return math.nan
    pop = pd.read_parquet(path, columns=["year", "count"])
    pop = pop[pop["year"] == run.year]
    return float(pop["count"].sum()) if len(pop) else math.nan


def _extern_share(run: RunFigures, services: tuple[str, ...], threshold: int | None) -> float:
    """Extern regi's share of the volume of ``services``; NaN without volume or, under ``threshold``, for a small
    regi (the largest form's brukare stand for the regi's, a lower bound of its persons)."""
    s = run.services
    if not len(s):
        return math.nan
    sel = s[s["service_code"].isin(services)]
    total = float(sel.loc[sel["group"] == "total", "volume"].sum())
    if not total > 0:
        return math.nan
    if threshold is not None:
        for regi in ("egen", "extern"):
            most = sel.loc[sel["group"] == regi, "brukare"].max()
            if pd.notna(most) and 1 <= most < threshold:
                return math.nan
    return float(sel.loc[sel["group"] == "extern", "volume"].sum()) / total


def with_kronor(positions_: pd.DataFrame, runs: list[RunFigures]) -> pd.DataFrame:
    """:func:`positions` with, for the unit costs of :data:`UNIT_COST_SAVINGS`, the municipality's ``volume``
    (hours, days) and ``kronor``: (value − median) × volume, what the difference against the network's median is
    worth in a year (negative: below the median); NaN for the other KPIs."""
    specs = {(area, kpi, group): source for area, specs_ in UNIT_COST_SAVINGS.items()
             for kpi, group, source, _ in specs_}
    by_name = {run.name: run for run in runs}
    volumes = []
    for name, area, kpi, group in zip(positions_["municipality"], positions_["area"], positions_["kpi"],
                                      positions_["group"], strict=True):
        source = specs.get((area, kpi, group))
        run = by_name.get(name)
        if source is None or run is None:
            volumes.append(math.nan)
            continue
        kind, code, vgroup = source
        volumes.append(run.value(area, code, vgroup) if kind == "kpi" else run.service(code, vgroup))
    out = positions_.assign(volume=volumes)
    out["kronor"] = (out["value"] - out["median"]) * out["volume"]
    return out[KRONOR_COLUMNS].reset_index(drop=True)


def costliest(positions_: pd.DataFrame, *, top: int = 3) -> pd.DataFrame:
    """The ``top`` unit costs (total group) carrying the most cost in the network (Σ value × volume over the
    municipalities), costliest first: ``area, kpi, group, unit, n, median, network_cost``, then the highest
    and the lowest municipality (``high``, ``high_value``, ``high_kronor``; ``low``, ...)."""
    columns = ["area", "kpi", "group", "unit", "n", "median", "network_cost", "high", "high_value", "high_kronor",
               "low", "low_value", "low_kronor"]
    data = positions_[(positions_["group"] == "total") & positions_["kronor"].notna()]
    rows = []
    for (area, kpi, group, unit), part in data.groupby(["area", "kpi", "group", "unit"], sort=False):
        if len(part) < 2:
            continue
        # equal values: the first by name on both sides
        high = part.sort_values(["value", "municipality"], ascending=[False, True]).iloc[0]
        low = part.sort_values(["value", "municipality"]).iloc[0]
        rows.append((area, kpi, group, unit, len(part), float(part["median"].iloc[0]),
                     float((part["value"] * part["volume"]).sum()), high["municipality"], float(high["value"]),
                     float(high["kronor"]), low["municipality"], float(low["value"]), float(low["kronor"])))
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values("network_cost", ascending=False).head(top).reset_index(drop=True)


#: the network's tables as written (``network_<name>.csv``) and read back by the report
TABLES = ("values", "distribution", "positions", "structure", "costliest")


def network_tables(runs: list[RunFigures], *, threshold: int | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the network (:data:`TABLES`): the KPIs' values, distribution and positions (with kronor),
    the structure measures (their distribution and positions in the same tables, area :data:`STRUCTURE`) and the
    costliest unit costs."""
    values = network_values(runs, threshold=threshold)
    every = pd.concat([values, structure(runs, threshold=threshold)], ignore_index=True)
    pos = with_kronor(positions(every), runs)
    return {"values": values, "distribution": distribution(every), "positions": pos,
            "structure": every[every["area"] == STRUCTURE].reset_index(drop=True), "costliest": costliest(pos)}


def read_tables(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The tables :func:`network_tables` wrote into ``folder`` (``network_<name>.csv``); an error names a
    missing one."""
    folder = Path(folder)
    out = {}
    for name in TABLES:
        path = folder / f"network_{name}.csv"
        if not path.is_file():
            raise InputError(f"the network folder lacks {path.name}", file=folder,
                             fix="write it with `kpbkit network FOLDERS --out FOLDER`")
        out[name] = pd.read_csv(path, keep_default_na=False, na_values=[""],
                                dtype={"group": str, "municipality": str, "high": str, "low": str})
    return out


#: a median over fewer municipalities is no reference (:func:`references`)
MIN_REFERENCE_MUNICIPALITIES = 3


def references(distribution_: pd.DataFrame, *, year: int | None, source: str, note: str,
               version: str) -> pd.DataFrame:
    """The network's medians as a reference file (``reference_values.csv``'s columns, the quartiles as ``low`` and
    ``high``): a client names it in ``comparison.reference_files`` and its reports measure against the network.
    Only the KPB areas' key figures, each with at least :data:`MIN_REFERENCE_MUNICIPALITIES` municipalities."""
    from kpbkit.comparisons import REFERENCE_COLUMNS

    d = distribution_[(distribution_["area"] != STRUCTURE) & (distribution_["n"] >= MIN_REFERENCE_MUNICIPALITIES)]
    out = pd.DataFrame({"version": version, "area": d["area"], "kpi": d["kpi"], "group": d["group"],
                        "value": d["median"], "low": d["q1"], "high": d["q3"], "unit": d["unit"],
                        "year": year, "source": source, "note": note})
    return out[list(REFERENCE_COLUMNS)].reset_index(drop=True)


#: the network's record beside its tables: the municipalities, their years, the threshold, the report mode
RECORD = "network.json"


def read_record(folder: str | Path) -> dict:
    """The network's record (:data:`RECORD`) in ``folder``; an error names it when absent."""
    import json

    path = Path(folder) / RECORD
    if not path.is_file():
        raise InputError(f"the network folder lacks {RECORD}", file=Path(folder),
                         fix="write it with `kpbkit network FOLDERS --out FOLDER`")
    return json.loads(path.read_text(encoding="utf-8"))
