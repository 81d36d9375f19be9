"""The figures a run's reports compare with, gathered when the run writes its results.

The comparison and trend sections of the reports compare this run with reference values (shipped with kpbkit
and the client's own), with other municipalities' kpbkit runs (``comparison.municipalities``) and with this
client's earlier years (``<output>/<client>/<year>/results``). Those sources are read here, once, during the
run, and written into the run's own results folder, so that the reports need nothing outside it:

* ``references.csv``: the reference table in force (:data:`REFERENCE_COLUMNS` and ``origin``: ``kpbkit``,
  ``file`` or ``client``);
* ``comparison_runs.csv``: one row per comparison municipality (as configured; empty name when not found)
  and per earlier year found: ``run, role, configured, name, year, label, inhabitants_80, inhabitants_0_20``;
* ``comparison_kpis.csv`` (``run, area, kpi, group, value, unit``) and ``comparison_services.csv``
  (``run, service_code, group, unit, brukare, volume, cost, gross_cost``): each run's figures
  (:class:`RunFigures`).

:func:`read_comparisons` turns them back into :class:`RunFigures` for :mod:`kpbkit.analyses.compare`.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from kpbkit.catalog import PLACEMENT_SERVICES
from kpbkit.config import KRONOR_UNITS, REFERENCE_UNITS, ClientConfig
from kpbkit.config.client import resolve_in
from kpbkit.config.snapshot import ReportConfig
from kpbkit.errors import ConfigError
from kpbkit.io.writers import write_csvs

REFERENCE_FILE = "reference_values.csv"
REFERENCE_COLUMNS: tuple[str, ...] = (
    "version", "area", "kpi", "group", "value", "low", "high", "unit", "year", "source", "note",
)
REGI_GROUPS: tuple[str, ...] = ("total", "egen", "extern")

#: the files :func:`write_comparisons` writes into a results folder
FILES = {"references": "references", "runs": "comparison_runs", "kpis": "comparison_kpis",
         "services": "comparison_services"}
RUN_COLUMNS = ["run", "role", "configured", "name", "year", "label", "inhabitants_80", "inhabitants_0_20"]
KPI_COLUMNS = ["area", "kpi", "group", "value", "unit"]
SERVICE_COLUMNS = ["service_code", "group", "unit", "brukare", "volume", "cost", "gross_cost"]


# --- reference values ---------------------------------------------------------------------------------------

def shipped_references() -> pd.DataFrame:
    """The reference table shipped with kpbkit (``kpbkit/data/reference_values.csv``), checked."""
    source = resources.files("kpbkit.data").joinpath(REFERENCE_FILE)
    with resources.as_file(source) as path:
        frame = pd.read_csv(path, dtype={"version": str, "group": str}, keep_default_na=False, na_values=[""])
    return _checked(frame, Path(str(source)))


def _checked(frame: pd.DataFrame, path: Path, *, origin: str = "kpbkit") -> pd.DataFrame:
    """The reference columns of ``frame`` read from ``path``, checked; an error names the file, row and column.

    Columns beyond :data:`REFERENCE_COLUMNS` (e.g. a Kolada file's ``municipality``) are left out.
    """
    missing = [c for c in REFERENCE_COLUMNS if c not in frame.columns]
    if missing:
        raise ConfigError(f"reference table lacks column(s) {', '.join(missing)}", file=path,
                          fix=f"the columns are {', '.join(REFERENCE_COLUMNS)}")
    frame = frame.copy()
    for column in ("value", "low", "high", "year"):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = (numbers.isna() & frame[column].notna()) | numbers.isin([math.inf, -math.inf])
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise ConfigError(f"reference table: '{frame[column].iloc[row]}' is not a number", file=path,
                              row=row + 2, column=column)
        frame[column] = numbers.astype(float)
    for i, row in enumerate(frame.to_dict("records"), start=2):
        problem = column = None
        if row["unit"] not in REFERENCE_UNITS:
            problem, column = f"unit '{row['unit']}' (allowed: {', '.join(REFERENCE_UNITS)})", "unit"
        elif row["unit"] in KRONOR_UNITS and pd.isna(row["year"]):
            problem, column = "a kronor value without the year of its price level", "year"
        elif pd.isna(row["value"]):
            problem, column = "a value is required", "value"
        elif pd.isna(row["source"]) or not str(row["source"]).strip():
            problem, column = "a source is required", "source"
        elif pd.notna(row["low"]) and pd.notna(row["high"]) and row["low"] > row["high"]:
            problem, column = f"'low' ({row['low']}) is above 'high' ({row['high']})", "low"
        if problem:
            raise ConfigError(f"reference table: {problem}", file=path, row=i, column=column)
    if frame["version"].nunique() != 1:
        raise ConfigError("reference table: every row must carry the same version", file=path, column="version")
    out = frame[list(REFERENCE_COLUMNS)].copy()
    out["note"] = out["note"].fillna("")
    out["origin"] = origin
    return out


def reference_file(path: Path, *, key: str | None = None) -> pd.DataFrame:
    """A reference file a config names (``comparison.reference_files``), checked; its rows' origin is ``file``.

    The file has the shape of ``reference_values.csv`` (its own ``version``); ``key`` names the config key in
    the error when the file cannot be read.
    """
    try:
        frame = pd.read_csv(path, dtype={"version": str, "group": str, "source": str, "note": str},
                            keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise ConfigError(f"reference file {path} does not exist", key=key,
                          fix="write it with 'kpbkit references kolada ... --out FILE' or correct the path "
                              "(relative to the config file)") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ConfigError(f"reference file cannot be read as CSV ({exc})", file=path, key=key) from None
    if not len(frame):
        raise ConfigError("reference file has no rows", file=path, key=key,
                          fix="remove it from the config, or write it anew (kpbkit references kolada ...)")
    return _checked(frame, path, origin="file")


def load_references(config: ClientConfig | ReportConfig | None = None) -> pd.DataFrame:
    """The shipped references, the config's reference files and the client's own (``comparison.references``).

    Columns are :data:`REFERENCE_COLUMNS` and ``origin`` (``kpbkit``, ``file``, ``client`` or ``config``: the
    config's FK rate of a year without a published one, :func:`_config_fk_rates`). Reference files
    (``comparison.reference_files``, relative to the config file) keep their own version; a client's rows carry
    the shipped file's version. Shipped rows come first, then the files' in the configured order, then the
    client's: beside (not instead of) each other.
    """
    shipped = shipped_references()
    if config is None:
        return shipped
    frames = [shipped]
    for i, name in enumerate(config.comparison.reference_files):
        frames.append(reference_file(resolve_in(config.path.parent, name),
                                     key=f"comparison.reference_files[{i}]"))
    if config.comparison.references:
        version = shipped["version"].iloc[0]
        own = pd.DataFrame([{**ref.model_dump(), "version": version, "origin": "client"}
                            for ref in config.comparison.references])
        for column in ("value", "low", "high", "year"):
            own[column] = pd.to_numeric(own[column], errors="coerce").astype(float)
        frames.append(own[shipped.columns])
    fk = _config_fk_rates(config, pd.concat(frames, ignore_index=True), version=str(shipped["version"].iloc[0]))
    if len(fk):
        frames.append(fk[shipped.columns])
    frames = [f for f in frames if len(f)] or [shipped]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


#: the text of a reference row made from the config's FK rate (data the reports print as written, like the
#: shipped file's sources): a rate that is not among the published references is the consultant's assumption
FK_CONFIG_TEXT = {
    "source": "Försäkringskassan, schablonbelopp (antagande)",
    "note": "FK:s timbelopp för {year} är inte publicerat bland referensvärdena; beloppet är ett antagande i "
            "kommunens inställningar, samma som i sexmånadersredovisningen",
}


def _config_fk_rates(config: ClientConfig | ReportConfig, refs: pd.DataFrame, *, version: str) -> pd.DataFrame:
    """PA's reference of each year the config gives FK's hourly rate for and the references do not: the same rate
    the six-month settlement uses, so the savings, the findings and the LSS pages measure against one value.
    ``origin`` is ``config``: an assumption, not a published figure."""
    published = refs[(refs["kpi"] == "pa_gross_cost_per_hour") & (refs["group"] == "total")]
    years = set(pd.to_numeric(published["year"], errors="coerce").dropna().astype(int))
    rows = [{"version": version, "area": "lss", "kpi": "pa_gross_cost_per_hour", "group": "total",
             "value": float(rate), "low": math.nan, "high": math.nan, "unit": "SEK/hour", "year": float(year),
             "source": FK_CONFIG_TEXT["source"], "note": FK_CONFIG_TEXT["note"].format(year=year), "origin": "config"}
            for year, rate in sorted(config.lss.fk_hourly_rates.items()) if int(year) not in years]
    return pd.DataFrame(rows, columns=[*REFERENCE_COLUMNS, "origin"]) if rows else pd.DataFrame()


# --- a run's figures ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunFigures:
    """The figures of one kpbkit run that comparisons and trends use.

    ``kpis`` holds kpis.csv plus the derived KPIs of :func:`derived_kpis`; ``services`` volume, brukare and
    cost per service and regi (from person_costs); ``inhabitants`` the population counts the savings use.
    """

    name: str
    year: int | None
    label: str
    kpis: pd.DataFrame
    services: pd.DataFrame = field(default_factory=pd.DataFrame)
    inhabitants: dict[str, float] = field(default_factory=dict)
    folder: Path | None = None

    @functools.cached_property
    def _by_key(self) -> dict[tuple[str, str, str], tuple[float, str]]:
        """(area, kpi, group) → (value, unit), the first row of each (looked up hundreds of times per report)."""
        k = self.kpis
        out: dict[tuple[str, str, str], tuple[float, str]] = {}
        for area, kpi, group, value, unit in zip(k["area"].astype(str), k["kpi"].astype(str),
                                                 k["group"].astype(str), k["value"], k["unit"], strict=True):
            out.setdefault((area, kpi, group), (float(value) if pd.notna(value) else math.nan, str(unit)))
        return out

    def value(self, area: str, kpi: str, group: str = "total") -> float:
        """One KPI value (NaN where it is empty or absent)."""
        return self._by_key.get((area, kpi, group), (math.nan, ""))[0]

    def unit(self, area: str, kpi: str, group: str = "total") -> str:
        return self._by_key.get((area, kpi, group), (math.nan, ""))[1]

    def service(self, code: str, group: str = "total", column: str = "volume") -> float:
        """Volume (or ``brukare``, ``cost``, ``gross_cost``) of a service, in total or per regi."""
        s = self.services
        if not len(s):
            return math.nan
        sel = s[(s["service_code"] == code) & (s["group"] == group)]
        return float(sel[column].iloc[0]) if len(sel) else math.nan


def service_totals(person_costs: pd.DataFrame) -> pd.DataFrame:
    """Per service and regi (and ``total``): brukare, volume, unit, direct + overhead cost, gross cost."""
    columns = ["service_code", "group", "unit", "brukare", "volume", "cost", "gross_cost"]
    if person_costs is None or not len(person_costs):
        return pd.DataFrame(columns=columns)
    pc = person_costs.assign(cost=person_costs["direct_cost"] + person_costs["overhead_cost"],
                             service_code=person_costs["service_code"].astype(str),
                             regi=person_costs["regi"].astype(str))
    parts = []
    for keys in (["service_code"], ["service_code", "regi"]):  # the totals, then per regi
        grouped = pc.groupby(keys)
        # one reduction per kind (not .agg with named aggregations: a slower path for the same sums)
        out = grouped[["volume", "cost", "gross_cost"]].sum()
        out.insert(0, "brukare", grouped["person_id"].nunique())
        out.insert(0, "unit", grouped["unit"].first())
        out = out.reset_index()
        parts.append(out.rename(columns={"regi": "group"}) if "regi" in keys else out.assign(group="total"))
    return pd.concat(parts, ignore_index=True)[columns]


def derived_kpis(kpis: pd.DataFrame, person_costs: pd.DataFrame | None, *,
                 services: pd.DataFrame | None = None) -> pd.DataFrame:
    """KPIs the references need that the data contract does not name, derived from a run's results.

    - ``aldreomsorg/cost_per_granted_hour/total``: (direct + overhead) of hemtjänst ÷ granted hours
      (``cost_per_hour × delivered_hours ÷ granted_hours`` of kpis.csv);
    - ``aldreomsorg/sabo_cost_per_day/<total|egen|extern>``: särskilt boende (direct + overhead) ÷ days;
    - ``barn_unga/share_placed_familjehem/total``: placed children with a day in a family home (own or
      agency-supported) ÷ placed children.

    A KPI kpis.csv already carries is not derived again.
    """
    def value(kpi: str, group: str) -> float:
        sel = kpis[(kpis["area"] == "aldreomsorg") & (kpis["kpi"] == kpi) & (kpis["group"] == group)]
        return float(sel["value"].iloc[0]) if len(sel) and pd.notna(sel["value"].iloc[0]) else math.nan

    rows = []
    granted = value("granted_hours", "total")
    rows.append(("aldreomsorg", "cost_per_granted_hour", "total",
                 value("cost_per_hour", "total") * value("delivered_hours", "total") / granted
                 if granted > 0 else math.nan, "SEK/hour"))
    if services is None:  # service_totals of person_costs, when the caller has not computed them
        services = service_totals(person_costs) if person_costs is not None else pd.DataFrame()
    if len(services):
        sabo = services[services["service_code"] == "sarskilt_boende"].set_index("group")
        for group in REGI_GROUPS:
            if group in sabo.index:
                volume = float(sabo.loc[group, "volume"])
                rows.append(("aldreomsorg", "sabo_cost_per_day", group,
                             float(sabo.loc[group, "cost"]) / volume if volume > 0 else math.nan, "SEK/day"))
        pc = person_costs
        placed = pc[pc["service_code"].isin(PLACEMENT_SERVICES) & (pc["volume"] > 0)]
        if len(placed):
            family = placed[placed["service_code"].isin(["familjehem", "familjehem_konsulent"])]
            rows.append(("barn_unga", "share_placed_familjehem", "total",
                         family["person_id"].nunique() / placed["person_id"].nunique(), "share"))
    out = pd.DataFrame(rows, columns=["area", "kpi", "group", "value", "unit"])
    have = set(zip(kpis["area"], kpis["kpi"], kpis["group"], strict=True))
    keep = [(a, k, g) not in have for a, k, g in zip(out["area"], out["kpi"], out["group"], strict=True)]
    return out[keep].reset_index(drop=True)


def inhabitants(population: pd.DataFrame | None, year: int | None) -> dict[str, float]:
    """Inhabitants 80+ and 0–20 on 31 December of ``year`` (absent when the population is)."""
    if population is None or year is None or not len(population):
        return {}
    pop = population[population["year"] == year]
    if not len(pop):
        return {}
    return {"80+": float(pop.loc[pop["age"] >= 80, "count"].sum()),
            "0-20": float(pop.loc[(pop["age"] >= 0) & (pop["age"] <= 20), "count"].sum())}


def figures_from_tables(kpis: pd.DataFrame, person_costs: pd.DataFrame | None = None, *, name: str,
                        year: int | None, label: str = "", population: pd.DataFrame | None = None,
                        folder: Path | None = None) -> RunFigures:
    """A :class:`RunFigures` from a run's kpis and person_costs frames (and population, when known)."""
    k = kpis[["area", "kpi", "group", "value", "unit"]].copy()
    for col in ("area", "kpi", "group", "unit"):
        k[col] = k[col].astype(str)
    k["value"] = pd.to_numeric(k["value"], errors="coerce").astype(float)
    pc = None
    if person_costs is not None and len(person_costs):
        pc = person_costs.assign(service_code=person_costs["service_code"].astype(str),
                                 regi=person_costs["regi"].astype(str), person_id=person_costs["person_id"].astype(str))
    services = service_totals(pc)
    derived = derived_kpis(k, pc, services=services if pc is not None else None)
    all_kpis = pd.concat([k, derived], ignore_index=True) if len(derived) else k
    return RunFigures(name=name, year=year, label=label or (str(year) if year else ""), kpis=all_kpis,
                      services=services,
                      inhabitants=inhabitants(population, year), folder=folder)


def results_folder(folder: str | Path) -> Path | None:
    """The results folder at ``folder`` (itself, or its ``results`` subfolder) holding kpis.csv, else None."""
    folder = Path(folder)
    for candidate in (folder, folder / "results"):
        if (candidate / "kpis.csv").is_file():
            return candidate
    return None


def read_run(folder: str | Path) -> RunFigures | None:
    """A results folder of another kpbkit run (kpis.csv, person_costs.csv, run.json), or None if it has none.

    The name is run.json's ``client_name`` (else the client folder's name); the year is the period's last
    year. A population beside it (``../interim/population.parquet``) is read when present.
    """
    found = results_folder(folder)
    if found is None:
        return None
    kpis = pd.read_csv(found / "kpis.csv", keep_default_na=False, na_values=[""], dtype={"group": str})
    pc_path = found / "person_costs.csv"
    person_costs = (pd.read_csv(pc_path, keep_default_na=False, na_values=[""],
                                dtype={"person_id": str, "service_code": str, "regi": str})
                    if pc_path.is_file() else None)
    run_path = found / "run.json"
    run = json.loads(run_path.read_text(encoding="utf-8")) if run_path.is_file() else {}
    period = run.get("period") or {}
    label = str(period.get("label") or found.parent.name)
    end = str(period.get("end") or "")
    year = int(end[:4]) if end[:4].isdigit() else (int(label) if label.isdigit() else None)
    name = str(run.get("client_name") or run.get("client") or found.parent.parent.name)
    pop_path = found.parent / "interim" / "population.parquet"
    population = pd.read_parquet(pop_path) if pop_path.is_file() else None
    return figures_from_tables(kpis, person_costs, name=name, year=year, label=label, population=population,
                               folder=found)




# --- gathered at run time, read by the reports ---------------------------------------------------------------

def searched_years(config: ClientConfig | ReportConfig) -> list[int]:
    """The earlier years looked for (most recent first); none for a period that is not a calendar year."""
    if not config.period.is_calendar_year:
        return []
    year = config.period.end.year
    return [year - k for k in range(1, config.comparison.history_years + 1)]


def earlier_result_folders(config: ClientConfig) -> list[tuple[int, Path]]:
    """``(year, results folder)`` of the earlier years that exist, oldest first."""
    found = []
    for year in searched_years(config):
        folder = results_folder(config.output_root / config.client_id / str(year) / "results")
        if folder is not None:
            found.append((year, folder))
    return sorted(found)


def _run_row(number: int, role: str, configured: str, run: RunFigures | None) -> dict[str, Any]:
    if run is None:
        return {"run": number, "role": role, "configured": configured, "name": "", "year": math.nan, "label": "",
                "inhabitants_80": math.nan, "inhabitants_0_20": math.nan}
    return {"run": number, "role": role, "configured": configured, "name": run.name,
            "year": run.year if run.year is not None else math.nan, "label": run.label,
            "inhabitants_80": run.inhabitants.get("80+", math.nan),
            "inhabitants_0_20": run.inhabitants.get("0-20", math.nan)}


def write_comparisons(config: ClientConfig, folder: Path) -> list[Path]:
    """Read the references, the comparison municipalities' and the earlier years' results; write them into ``folder``.

    A comparison municipality whose folder holds no results is recorded with an empty name (the reports say it
    is missing); earlier years that do not exist are not recorded.
    """
    entries: list[tuple[str, str, RunFigures | None]] = []
    for configured, resolved in config.comparison_entries:
        entries.append(("municipality", configured, read_run(resolved)))
    for year, found in earlier_result_folders(config):
        run = read_run(found)
        if run is not None:
            entries.append(("history", str(year), RunFigures(
                name=run.name, year=year, label=str(year), kpis=run.kpis, services=run.services,
                inhabitants=run.inhabitants)))
    runs = pd.DataFrame([_run_row(i, role, configured, run) for i, (role, configured, run) in enumerate(entries)],
                        columns=RUN_COLUMNS)
    figures = [(i, run) for i, (_, _, run) in enumerate(entries) if run is not None]
    kpis = pd.concat([pd.DataFrame(columns=["run", *KPI_COLUMNS])]
                     + [run.kpis[KPI_COLUMNS].assign(run=i) for i, run in figures], ignore_index=True)
    services = pd.concat([pd.DataFrame(columns=["run", *SERVICE_COLUMNS])]
                         + [run.services[SERVICE_COLUMNS].assign(run=i) for i, run in figures if len(run.services)],
                         ignore_index=True)
    tables = {"references": load_references(config), "runs": runs, "kpis": kpis[["run", *KPI_COLUMNS]],
              "services": services[["run", *SERVICE_COLUMNS]]}
    folder.mkdir(parents=True, exist_ok=True)
    return write_csvs({folder / f"{FILES[key]}.csv": frame for key, frame in tables.items()})


@dataclass(frozen=True)
class Comparisons:
    """What :func:`write_comparisons` wrote, read back: references, municipalities (as configured) and history."""

    references: pd.DataFrame
    #: (the folder as the config names it, its figures or None when it had no results)
    municipalities: list[tuple[str, RunFigures | None]] = field(default_factory=list)
    #: the earlier years' figures, oldest first
    history: list[RunFigures] = field(default_factory=list)


def read_comparisons(folder: Path) -> Comparisons:
    """The comparison tables of a results folder (:func:`write_comparisons`); a clear error when they are absent."""
    paths = {key: folder / f"{name}.csv" for key, name in FILES.items()}
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise ConfigError(f"the results folder lacks {', '.join(missing)} (written by an older kpbkit)",
                          file=folder, fix="run `kpbkit run CONFIG` again with this kpbkit")
    read = {key: pd.read_csv(path, keep_default_na=False, na_values=[""],
                             dtype={"group": str, "version": str, "configured": str, "name": str, "label": str})
            for key, path in paths.items()}
    refs = read["references"]
    for column in ("value", "low", "high", "year"):
        refs[column] = pd.to_numeric(refs[column], errors="coerce").astype(float)
    refs["note"] = refs["note"].fillna("")
    kpis, services = read["kpis"], read["services"]
    text_columns = ((kpis, ("area", "kpi", "group", "unit")), (services, ("service_code", "group", "unit")))
    for frame, columns in text_columns:
        for column in columns:
            frame[column] = frame[column].fillna("").astype(str)
    municipalities: list[tuple[str, RunFigures | None]] = []
    history: list[RunFigures] = []
    for row in read["runs"].to_dict("records"):
        run = None
        if isinstance(row["name"], str) and row["name"]:
            year = int(row["year"]) if pd.notna(row["year"]) else None
            inhabitants = {key: float(row[col]) for key, col in (("80+", "inhabitants_80"),
                                                                  ("0-20", "inhabitants_0_20")) if pd.notna(row[col])}
            sel_k = kpis[kpis["run"] == row["run"]].drop(columns="run").reset_index(drop=True)
            sel_s = services[services["run"] == row["run"]].drop(columns="run").reset_index(drop=True)
            label = row["label"] if isinstance(row["label"], str) else ""
            run = RunFigures(name=row["name"], year=year, label=label, kpis=sel_k, services=sel_s,
                             inhabitants=inhabitants)
        if row["role"] == "municipality":
            municipalities.append((str(row["configured"]), run))
        elif run is not None:
            history.append(run)
    return Comparisons(refs, municipalities, sorted(history, key=lambda r: r.year or 0))
