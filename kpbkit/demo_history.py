"""Exempelkommun's earlier years and two comparison municipalities, so the demo's trend and comparison sections fill.

The generator (:mod:`kpbkit.demo`) builds one year, 2025. This module derives the rest from its tables instead of
rewriting it:

- **Earlier years 2023 and 2024** of Exempelkommun (:func:`history_tables`): the same persons (Skatteverket's test
  personnummer; ages follow from their birth dates), every date moved back one or two years with
  :class:`pandas.DateOffset` (29 February becomes 28 February), and a development a consultant would recognise:
  fewer home-care brukare (5 % a year of those under 80, while 80+ coverage moves only a little) and a little
  fewer granted and delivered hours per brukare the further back; every cost pool following its volume and
  deflated by the demo's price index (3 % a year, :data:`PRICE_INDEX`, the config's ``comparison.price_index``),
  with a real cost increase in barn och unga (bought placements' prices rise 4 % a year above the index) and
  FK's published hourly rates of those years for the reimbursement; and a population one or two years younger
  and slightly smaller (each cohort moved back a year, undoing the forecast's deaths and migration; 0.4 % fewer
  inhabitants a year back), with its forecast from that year on. A child whose placement would start before
  their birth is placed from birth (rows ending before it are left out).
- **Comparison municipalities** Grannby and Jämförstad for 2025 (:data:`COMPARISONS`,
  :func:`comparison_tables`): the generator run with other seeds, then scaled so they differ believably (a
  larger neighbour with cheaper home care per hour and lower coverage of 80+; a smaller town with higher
  coverage, dearer group homes and cheaper HVB).

Each data set is written as raw extracts by :func:`kpbkit.demo_extracts.write_extracts` into its own folder
beside Exempelkommun's (``.kpbkit/demo/exempelkommun-2023/``, ``.kpbkit/demo/grannby/``, ...), with a generated,
git-ignored config beside it (``.kpbkit/demo/exempelkommun-2023.yaml``) that copies the committed config's
shapes, codes and settings and writes to the same output root; earlier years keep Exempelkommun's client id and
key (the trend sections look for ``<output>/exempelkommun/<year>/results``), comparison municipalities get their
own id and key. :func:`run_demo` (``kpbkit demo`` and the test suite's demo run) generates what is out of date,
runs the earlier years and the comparison municipalities results-only and then the main year with its reports.
Everything is deterministic for a seed.

Example
-------
>>> run_demo(Path("client_configs/exempelkommun.yaml"), pdf=False)  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from kpbkit import demo
from kpbkit.catalog import DEFAULT_SERVICES
from kpbkit.config import LedgerRule, parse_target, read_config_yaml
from kpbkit.demo_extracts import write_extracts
from kpbkit.model.pools import match_rules

if TYPE_CHECKING:
    from kpbkit.pipeline import RunResult

log = logging.getLogger("kpbkit")

__all__ = [
    "COMPARISONS", "EARLIER_YEARS", "Comparison", "DemoSet", "comparison_tables", "history_tables", "prepare_demo",
    "run_demo", "shift_dates",
]

#: Bump whenever what this module derives changes: stale folders are regenerated.
HISTORY_VERSION = "2"
#: Exempelkommun's earlier years, as years before the generator's
YEARS_BACK: tuple[int, ...] = (2, 1)
EARLIER_YEARS: tuple[int, ...] = tuple(demo.YEAR - k for k in YEARS_BACK)
#: the demo's price index: kronor of earlier years are 3 % a year lower (the config's comparison.price_index)
PRICE_INDEX = 0.03
#: FK's hourly rate (schablonbelopp) per year: 2023 and 2024 as published (KPB-METHOD §6), 2025 the demo's assumption
FK_RATES: dict[int, float] = {2023: 324.50, 2024: 332.60, demo.YEAR: demo.FK_RATE}
#: share of 2025's home-care brukare under 80 who were not yet brukare, per year back
HOME_CARE_NEW_PER_YEAR = 0.05
#: granted and delivered home-care hours per brukare are this much lower per year back
HOURS_PER_YEAR = 0.015
#: the population grows this much a year (a year back it is this much smaller)
POPULATION_GROWTH = 0.004
#: barn och unga: placement prices rise this much a year above the price index (a real cost increase)
PLACEMENT_REAL_INCREASE = 0.04
PLACEMENT_SERVICES_BOUGHT = ("familjehem_konsulent", "hvb", "sis", "stodboende")
_AREA = {s.code: s.area for s in DEFAULT_SERVICES}
_DATE_COLUMNS = {"decisions": ("decided_on", "start_date", "end_date"), "stays": ("start_date", "end_date"),
                 "visits": ("date",), "ledger": ("date",)}


@dataclass(frozen=True)
class Comparison:
    """A comparison municipality: the generator with another seed, scaled to differ from Exempelkommun."""

    client_id: str
    name: str
    #: added to the demo's seed
    seed_offset: int
    #: factor on the inhabitants (the same brukare over more or fewer inhabitants: coverage moves)
    population: float
    #: factor on the direct cost (and on contracted day prices) per ledger target; overhead follows the direct cost
    costs: dict[str, float] = field(default_factory=dict)
    about: str = ""


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("grannby", "Grannby", 101, 1.15,
               {"service:hemtjanst:egen": 0.86, "service:hemtjanst:extern": 0.95, "service:sarskilt_boende:egen": 0.94},
               "a larger neighbour (about 29 000 inhabitants): cheaper home care per hour, lower coverage of 80+"),
    Comparison("jamforstad", "Jämförstad", 202, 0.86,
               {"service:hemtjanst:egen": 1.05, "service:gruppbostad:egen": 1.12, "service:hvb:extern": 0.9},
               "a smaller town (about 21 500 inhabitants): higher coverage of 80+, dearer group homes, cheaper HVB"),
)


# ------------------------------------------------------------------------------------------------ helpers


def shift_dates(values: pd.Series, years: int) -> pd.Series:
    """ISO dates (text) moved ``years`` back with :class:`pandas.DateOffset`; 29 February clamps to the 28th.

    >>> shift_dates(pd.Series(["2024-02-29", "2025-03-01", ""]), 1).tolist()
    ['2023-02-28', '2024-03-01', '']
    """
    text = values.astype(str)
    days = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d")
    moved = (days - pd.DateOffset(years=years)).dt.strftime("%Y-%m-%d")
    return pd.Series(np.where(days.isna(), "", moved.astype(object)), index=values.index, dtype=object)


def _twelve(written: pd.Series, year: int) -> pd.Series:
    """12-digit personnummer of written ones; 10 digits take the century that makes the person 0-99 (``+``: 100+)."""
    text = written.astype(str)
    digits = text.str.replace("-", "", regex=False).str.replace("+", "", regex=False)
    short = digits.str.len() == 10
    yy = pd.to_numeric(digits.str[:2].where(short, "0")).astype(int)
    born = year - (year - yy) % 100 - np.where(text.str.contains("+", regex=False), 100, 0)
    return digits.where(~short, born.astype(str) + digits.str[2:])


def _written(twelve: pd.Series, year: int, form: str) -> pd.Series:
    """Personnummer as the demo writes them for ``year``: ``persons`` ``YYMMDD-NNNN``, ``stays`` ``YYMMDDNNNN``,
    with ``+`` for those turning 100 or more that year (the generator's forms, re-derived for another year)."""
    centenarian = (year - pd.to_numeric(twelve.str[:4])) >= 100
    dash = "-" if form == "persons" else ""
    sep = np.where(centenarian, "+", dash)
    return twelve.str[2:8] + sep + twelve.str[8:]


def _cents(amounts: pd.Series) -> np.ndarray:
    """The generator's amounts (``-1234.56``, always two decimals) as öre."""
    return amounts.astype(str).str.replace(".", "", regex=False).astype(np.int64).to_numpy()


def _amounts(cents: np.ndarray) -> list[str]:
    return [f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}" for c in cents.tolist()]


def _rescale_ledger(tables: dict[str, pd.DataFrame], factor: Callable[[str, str], float]) -> pd.DataFrame:
    """The ledger with every row's amount × ``factor(target, kind)`` of the rule it matches (öre rounded).

    Unmapped rows get ``factor("unmapped", "")``. ``overhead:<area>`` rows ignore ``factor``: they follow the
    area's direct cost (the generator sizes overhead as a share of it), i.e. the amount-weighted factor of the
    area's ``service:`` cost and internal-revenue rows. Rows that round to zero are dropped.
    """
    ledger = tables["ledger"]
    rules = [LedgerRule(**row) for row in tables["ledger_rules"].to_dict("records")]
    index = match_rules(ledger, rules)
    targets = np.array([r.target for r in rules] + ["unmapped"], dtype=object)[index]
    kinds = np.array([r.kind for r in rules] + [""], dtype=object)[index]
    cents = _cents(ledger["amount"])
    pairs = {(t, k): factor(t, k) for t, k in set(zip(targets, kinds, strict=True))}
    f = np.array([pairs[(t, k)] for t, k in zip(targets, kinds, strict=True)], dtype=float)
    area = np.array([_AREA.get(str(parse_target(t)[1]), "") for t in targets], dtype=object)
    direct = np.array([t.startswith("service:") for t in targets]) & np.isin(kinds, ["cost", "internal_revenue"])
    for name in set(_AREA.values()):
        sel = direct & (area == name)
        ratio = float((cents[sel] * f[sel]).sum() / cents[sel].sum()) if cents[sel].sum() else 1.0
        f[targets == f"overhead:{name}"] = ratio
    scaled = np.round(cents * f).astype(np.int64)
    out = ledger.assign(amount=_amounts(scaled))
    return out[scaled != 0].reset_index(drop=True)


def _population_array(frame: pd.DataFrame) -> np.ndarray:
    """Counts by age 0..100 (rows) and sex K, M (columns) of a one-year population table."""
    counts = frame.astype({"age": int, "count": int}).pivot_table(index="age", columns="sex", values="count",
                                                                   aggfunc="sum")
    return counts.reindex(index=range(101), columns=["K", "M"], fill_value=0).to_numpy(dtype=np.int64)


def _population_tables(pop: np.ndarray, year: int) -> dict[str, pd.DataFrame]:
    return {"population": demo._population_frame([year], [pop]),
            "population_forecast": demo._population_frame(list(range(year + 1, year + 11)), demo._forecast(pop))}


def _younger(pop: np.ndarray, *, total: float) -> np.ndarray:
    """The population a year earlier: every cohort a year younger, undoing the demo forecast's deaths and migration,
    then scaled to ``total`` inhabitants.

    The forecast's one-year step applied to a uniform population gives each age's survival × migration; dividing
    by it moves a cohort back. Births (age 0) are taken as the same; ages 99 and 100+ share the 100+ group.
    """
    unit = 10**9
    step = demo._forecast(np.full((101, 2), unit, dtype=np.int64), years=1)[0] / unit
    prev = np.empty((101, 2))
    prev[:99] = pop[1:100] / step[1:100]
    prev[99] = prev[100] = pop[100] / step[100]
    prev[0] = pop[0]
    return np.round(prev * total / prev.sum()).astype(np.int64)


def _hours(visits: pd.DataFrame, regi: dict[str, str], year: int) -> dict[str, float]:
    """Home-care hours of ``year`` by egen and extern (providers missing from the register invoice as extern)."""
    minutes = pd.to_numeric(visits["minutes"])
    sel = (visits["service_code"] == "hemtjanst") & (minutes > 0) & visits["date"].str.startswith(str(year))
    kind = visits["provider_id"].map(regi).fillna("extern")
    return {r: float(minutes[sel & (kind == r)].sum()) / 60 for r in ("egen", "extern")}


# ------------------------------------------------------------------------------------------------ earlier years


def history_tables(tables: dict[str, pd.DataFrame], years_back: int, *, seed: int = demo.DEFAULT_SEED
                   ) -> dict[str, pd.DataFrame]:
    """Exempelkommun ``years_back`` years before the generator's year, from the generator's tables.

    Parameters
    ----------
    tables
        :func:`kpbkit.demo.build_demo_tables` output (not modified).
    years_back
        1 or 2 (any positive number works; the development continues at the same pace).
    seed
        Seed of the draws (which brukare are new, which visits fewer); the same for every ``years_back``, so the
        brukare of an earlier year are a subset of those of a later one.

    Returns
    -------
    dict[str, pd.DataFrame]
        The same tables as the generator's, for the year ``kpbkit.demo.YEAR - years_back``.
    """
    k = int(years_back)
    if k < 1:
        raise ValueError("years_back must be at least 1")
    base, year = demo.YEAR, demo.YEAR - k
    rng = np.random.default_rng([seed, 2023])
    out = {name: frame.copy() for name, frame in tables.items()}
    regi = dict(zip(tables["providers"]["provider_id"], tables["providers"]["regi"], strict=True))
    persons = out["persons"]
    twelve = _twelve(persons["personnummer"], base)
    birth = pd.Series(persons["birth_date"].to_numpy(), index=twelve.to_numpy())
    _home_care_development(out, regi, birth, rng, k)

    # Dates back k years. A child born after a shifted start is placed from birth; rows ending before it are left
    # out (the persons they leave without rows with them).
    for name, columns in _DATE_COLUMNS.items():
        for column in columns:
            out[name][column] = shift_dates(out[name][column], k)
    for name in ("decisions", "stays"):
        frame = out[name]
        born = _twelve(frame["personnummer"], base).map(birth).fillna("").to_numpy()
        end = frame["end_date"].where(frame["end_date"] != "", f"{year}-12-31").to_numpy()
        frame = frame[~(born > end)].copy()
        born = born[~(born > end)]
        for column in ("decided_on", "start_date"):
            if column in frame:
                frame[column] = np.where(born > frame[column].to_numpy(), born, frame[column].to_numpy())
        out[name] = frame.reset_index(drop=True)
    visits = out["visits"]
    born = _twelve(visits["personnummer"], base).map(birth).fillna("").to_numpy()
    out["visits"] = visits[~(born > visits["date"].to_numpy())].reset_index(drop=True)
    listed = set().union(*(_twelve(out[name]["personnummer"], base) for name in ("decisions", "stays", "visits")))
    keep = twelve.isin(listed)
    out["persons"] = persons[keep].assign(personnummer=_written(twelve[keep], year, "persons")).reset_index(drop=True)
    out["stays"]["personnummer"] = _written(_twelve(out["stays"]["personnummer"], base), year, "stays")

    # Money: every pool follows its volume (so unit costs stay where they were, at that year's prices), the price
    # index on everything, FK's rate of the year on its reimbursement (Migrationsverket's flat rates are unchanged)
    # and bought placements a real increase above the index.
    price = (1 + PRICE_INDEX) ** -k
    real = (1 + PLACEMENT_REAL_INCREASE) ** -k
    before, after = _volumes(tables, regi, base), _volumes(out, regi, year)

    def factor(target: str, kind: str) -> float:
        _, code, regi_ = parse_target(target)
        f = after.get((code, regi_), 1.0) / before[(code, regi_)] if before.get((code, regi_)) else 1.0
        if kind == "state_reimbursement":
            return f * (FK_RATES[year] / FK_RATES[base] if code == "pa_sfb" else 1.0)
        return f * price * (real if code in PLACEMENT_SERVICES_BOUGHT and kind == "cost" else 1.0)

    out["ledger"] = _rescale_ledger(out, factor)
    stays = out["stays"]
    prices = pd.to_numeric(stays["daily_price"].where(stays["daily_price"] != "")).to_numpy()
    placement = stays["service_code"].isin(PLACEMENT_SERVICES_BOUGHT).to_numpy()
    stays["daily_price"] = demo._numbers(np.round(prices * price * np.where(placement, real, 1.0)))

    pop = _population_array(tables["population"])
    for _ in range(k):
        pop = _younger(pop, total=(1 - POPULATION_GROWTH) * pop.sum())
    out.update(_population_tables(pop, year))
    return out


def _home_care_development(out: dict[str, pd.DataFrame], regi: dict[str, str], birth: pd.Series,
                           rng: np.random.Generator, k: int) -> None:
    """Fewer home-care brukare and a little fewer hours per brukare ``k`` years back (in place, before the shift).

    A random 5 % a year of the brukare under 80 that year were not yet brukare (those 80 and over already thin out
    the further back: 2025's data holds only persons alive in 2025, and some of them were under 80). Granted hours
    are 1.5 % a year lower and as many visits fewer (never a person's first). Persons carrying one of the
    generator's planted defects (0 minutes, an unknown provider, visits dated before the year) are kept as they are.
    """
    base, year = demo.YEAR, demo.YEAR - k
    dec, visits = out["decisions"], out["visits"]
    home_dec = (dec["service_code"] == "hemtjanst").to_numpy()
    home_visit = (visits["service_code"] == "hemtjanst").to_numpy()
    minutes = pd.to_numeric(visits["minutes"])
    planted = ((minutes <= 0) | ~visits["provider_id"].isin(list(regi)) | ~visits["date"].str.startswith(str(base))
               ).to_numpy()
    keep = set(visits.loc[planted, "personnummer"])
    brukare = pd.Series(sorted(set(dec.loc[home_dec, "personnummer"])), dtype=object)
    draw = rng.random(len(brukare))  # one draw per brukare for every k: earlier years' brukare are a subset
    age = year - pd.to_numeric(brukare.map(birth).str[:4]).to_numpy()
    later = set(brukare[(draw < HOME_CARE_NEW_PER_YEAR * k) & (age < 80) & ~brukare.isin(keep).to_numpy()])
    visit_draw = rng.random(len(visits))
    ordered = visits.sort_values(["personnummer", "service_code", "date"], kind="stable")
    first = visits.index.isin(ordered.drop_duplicates(["personnummer", "service_code"]).index)
    thinned = home_visit & ~planted & (visit_draw < HOURS_PER_YEAR * k) & ~first
    gone = (home_visit & visits["personnummer"].isin(later).to_numpy()) | thinned
    out["visits"] = visits[~gone].reset_index(drop=True)
    dec = dec[~(home_dec & dec["personnummer"].isin(later).to_numpy())].reset_index(drop=True)
    granted = pd.to_numeric(dec["granted_hours_per_month"].where(dec["granted_hours_per_month"] != "")).to_numpy()
    lower = demo._numbers(np.maximum(0.5, np.round(granted * (1 - HOURS_PER_YEAR * k) * 2) / 2))
    dec["granted_hours_per_month"] = np.where(dec["service_code"] == "hemtjanst", lower,
                                              dec["granted_hours_per_month"])
    out["decisions"] = dec


def _volumes(tables: dict[str, pd.DataFrame], regi: dict[str, str], year: int) -> dict[tuple[str, str], float]:
    """Rough volumes of ``year`` per (service, regi), for sizing pools: hours of visits, days of stays, days of
    month-unit decisions (overlaps not resolved; providers missing from the register invoice as extern)."""
    units = {s.code: s.unit for s in DEFAULT_SERVICES}
    p0, p1 = np.datetime64(f"{year}-01-01", "D"), np.datetime64(f"{year}-12-31", "D")
    out: dict[tuple[str, str], float] = {}

    def add(codes: pd.Series, providers: pd.Series, values: np.ndarray, missing: str) -> None:
        kinds = providers.map(regi).where(providers != "", "egen").fillna(missing)
        sums = pd.Series(values).groupby([codes.to_numpy(), kinds.to_numpy()]).sum()
        for key, value in sums.items():
            out[(str(key[0]), str(key[1]))] = out.get((str(key[0]), str(key[1])), 0.0) + float(value)

    visits = tables["visits"]
    minutes = pd.to_numeric(visits["minutes"]).to_numpy()
    sel = (minutes > 0) & visits["date"].str.startswith(str(year)).to_numpy()
    add(visits["service_code"][sel], visits["provider_id"][sel], minutes[sel] / 60, "extern")
    for name, unit in (("stays", ("day", "weekday")), ("decisions", ("month",))):
        frame = tables[name]
        frame = frame[frame["service_code"].map(units).isin(unit)]
        start = np.maximum(frame["start_date"].to_numpy(dtype="datetime64[D]"), p0)
        end = frame["end_date"].where(frame["end_date"] != "", str(p1)).to_numpy(dtype="datetime64[D]")
        days = np.clip((np.minimum(end, p1) - start).astype(np.int64) + 1, 0, None).astype(float)
        add(frame["service_code"], frame["provider_id"], days, "egen")
    return out


# ------------------------------------------------------------------------------------------------ comparisons


def comparison_tables(comparison: Comparison, *, seed: int = demo.DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """A comparison municipality's tables for the generator's year: other seed, scaled population and costs."""
    tables = demo.build_demo_tables(seed + comparison.seed_offset)
    providers = tables["providers"]
    tables["providers"] = providers.assign(name=providers["name"].str.replace("Exempelkommun", comparison.name))

    def factor(target: str, kind: str) -> float:
        return comparison.costs.get(target, 1.0) if kind in ("cost", "internal_revenue") else 1.0

    tables["ledger"] = _rescale_ledger(tables, factor)
    stays = tables["stays"]
    regi = dict(zip(providers["provider_id"], providers["regi"], strict=True))
    target = "service:" + stays["service_code"] + ":" + stays["provider_id"].map(regi).fillna("egen")
    scale = target.map(comparison.costs).fillna(1.0).to_numpy()
    prices = pd.to_numeric(stays["daily_price"].where(stays["daily_price"] != "")).to_numpy()
    stays["daily_price"] = demo._numbers(np.round(prices * scale))
    pop = np.round(_population_array(tables["population"]) * comparison.population).astype(np.int64)
    tables.update(_population_tables(pop, demo.YEAR))
    return tables


# ------------------------------------------------------------------------------------------------ files and configs


@dataclass
class DemoSet:
    """The demo's configs: the main one, its earlier years (year, config) and the comparison municipalities."""

    main: Path
    earlier: list[tuple[int, Path]]
    comparisons: list[tuple[Comparison, Path]]


def _stamp(seed: int, what: str, main: dict[str, Any]) -> dict[str, Any]:
    """What a generated folder was made from: this module's and the generator's versions, the seed, the data set
    and the main config's settings that its generated config copies (a change there regenerates it)."""
    copied = {key: value for key, value in main.items() if key not in ("comparison", "prognos")}
    settings = hashlib.sha256(json.dumps(copied, sort_keys=True, default=str).encode()).hexdigest()
    return {"generator": "kpbkit.demo_history", "version": HISTORY_VERSION, "demo_version": demo.DEMO_VERSION,
            "seed": int(seed), "data": what, "config": settings}


def _up_to_date(folder: Path, stamp: dict[str, Any]) -> bool:
    try:
        return json.loads((folder / demo.STAMP_FILE).read_text(encoding="utf-8")) == stamp
    except (OSError, ValueError):
        return False


def _write(tables: dict[str, pd.DataFrame], folder: Path, *, seed: int, stamp: dict[str, Any]) -> None:
    """Write the extracts (and the stamp last, so an interrupted write is regenerated next time)."""
    (folder / demo.STAMP_FILE).unlink(missing_ok=True)
    write_extracts(tables, folder, seed=seed)
    demo._atomic_write(folder / demo.STAMP_FILE, json.dumps(stamp, sort_keys=True) + "\n")


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def _control_totals(quality: dict[str, Any], ledger: pd.DataFrame, base_year: int, year: int) -> dict[str, Any]:
    """The main config's control totals restated for another ledger and year (as the client's RS would be)."""
    quality = copy.deepcopy(quality)
    dated = ledger[ledger["date"].str.startswith(str(year))]
    cents = _cents(dated["amount"])
    for total in quality.get("control_totals") or []:
        sel = np.ones(len(dated), dtype=bool)
        if total.get("activities"):
            sel &= dated["activity"].str.strip().isin([str(a).strip() for a in total["activities"]]).to_numpy()
        if total.get("account_prefixes"):
            account = dated["account"].str.strip()
            hit = np.zeros(len(dated), dtype=bool)
            for prefix in total["account_prefixes"]:
                hit |= account.str.startswith(str(prefix).strip()).to_numpy()
            sel &= hit
        total["amount"] = int(cents[sel].sum()) / 100
        total["label"] = str(total.get("label", "")).replace(str(base_year), str(year))
    return quality


def _derived_config(main: dict[str, Any], *, path: Path, folder: Path, year: int, key_file: Path | None,
                    output_root: Path, ledger: pd.DataFrame, client: dict[str, str] | None = None) -> dict[str, Any]:
    """A generated config: the main one's shapes, codes and settings, for another data folder, year or client."""
    config = copy.deepcopy(main)
    base_year = int((main.get("period") or {}).get("year") or demo.YEAR)
    if client is not None:
        config["client"] = client
    config["period"] = {"year": year}
    config["input"] = {**(config.get("input") or {}), "folder": _relative(folder, path.parent)}
    config["ledger_rules"] = _relative(folder / "ledger_rules.csv", path.parent)
    if key_file is not None:
        config["pseudonymisation"] = {"key_file": _relative(key_file, path.parent)}
    config["output"] = {"folder": _relative(output_root, path.parent)}
    lss = config["lss"] = dict(config.get("lss") or {})
    lss["fk_hourly_rates"] = dict(sorted({**FK_RATES, **(lss.get("fk_hourly_rates") or {})}.items()))
    if "quality" in config:
        config["quality"] = _control_totals(config["quality"], ledger, base_year, year)
    # Earlier years and neighbours are compared with nobody, and the forecast's settings (its budget frame, the
    # source of its population forecast) are Exempelkommun 2025's: their runs use the defaults.
    config.pop("comparison", None)
    config.pop("prognos", None)
    return config


def _write_config(path: Path, config: dict[str, Any], about: str) -> None:
    header = (f"# {about}.\n# Generated by `kpbkit demo` (kpbkit/demo_history.py) from the demo's config; do not edit: "
              "it is rewritten\n# when the demo changes. Synthetic data: Skatteverket's test personnummer only.\n")
    text = header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        demo._atomic_write(path, text)


def prepare_demo(config_path: Path, *, seed: int = demo.DEFAULT_SEED, force: bool = False) -> DemoSet:
    """Generate (when out of date or ``force``) the demo, its earlier years and comparison municipalities.

    Runs :func:`kpbkit.demo.ensure_demo` for the main config, then writes each earlier year and comparison
    municipality beside the main input folder (``<folder>-<year>/``, ``<client id>/``) with its config
    (``<folder>-<year>.yaml``, ``<client id>.yaml``); the comparison municipalities' keys go beside the main key
    file. A data folder whose stamp names this module's and the generator's versions, the seed and the main
    config's settings is left as it is, and so is its config.
    """
    config_path = Path(config_path).resolve()
    demo.ensure_demo(config_path, seed=seed, force=force)
    main = read_config_yaml(config_path) or {}
    folder = demo._config_path_value(config_path, main, "input", "folder")
    assert folder is not None  # ensure_demo raised otherwise
    key_file = demo._config_path_value(config_path, main, "pseudonymisation", "key_file")
    output_root = demo._config_path_value(config_path, main, "output", "folder") or (config_path.parent / "reports")
    base, name = folder.parent, folder.name
    t0 = time.perf_counter()
    tables: dict[str, pd.DataFrame] | None = None
    earlier, comparisons, generated = [], [], 0
    for k in YEARS_BACK:
        year = demo.YEAR - k
        data, path, stamp = base / f"{name}-{year}", base / f"{name}-{year}.yaml", _stamp(seed, f"{name} {year}", main)
        if force or not _up_to_date(data, stamp) or not path.is_file():
            tables = tables if tables is not None else demo.build_demo_tables(seed)
            year_tables = history_tables(tables, k, seed=seed)
            _write(year_tables, data, seed=seed + k, stamp=stamp)
            config = _derived_config(main, path=path, folder=data, year=year, key_file=key_file,
                                     output_root=output_root, ledger=year_tables["ledger"])
            _write_config(path, config, f"{main['client']['name']} {year}, an earlier year for the trend sections")
            log.info("Generated %s %d (earlier year for the trends) in %s", main["client"]["name"], year, data)
            generated += 1
        earlier.append((year, path))
    for comparison in COMPARISONS:
        data, path = base / comparison.client_id, base / f"{comparison.client_id}.yaml"
        stamp = _stamp(seed, f"{comparison.client_id} {demo.YEAR}", main)
        own_key = key_file.parent / f"{comparison.client_id}.key" if key_file is not None else None
        if force or not _up_to_date(data, stamp) or not path.is_file():
            cmp_tables = comparison_tables(comparison, seed=seed)
            _write(cmp_tables, data, seed=seed + comparison.seed_offset, stamp=stamp)
            client = {"id": comparison.client_id, "name": comparison.name, "kommunkod": "0000"}
            config = _derived_config(main, path=path, folder=data, year=demo.YEAR, key_file=own_key,
                                     output_root=output_root, ledger=cmp_tables["ledger"], client=client)
            _write_config(path, config, f"{comparison.name} {demo.YEAR}, a comparison municipality: {comparison.about}")
            log.info("Generated the comparison municipality %s %d in %s", comparison.name, demo.YEAR, data)
            generated += 1
        if own_key is not None:
            demo._ensure_key(own_key)
        comparisons.append((comparison, path))
    if generated:
        log.info("Earlier years and comparison municipalities: %d generated in %.1f s", generated,
                 time.perf_counter() - t0)
    else:
        log.info("Earlier years and comparison municipalities are up to date in %s", base)
    return DemoSet(config_path, earlier, comparisons)


def run_demo(
    config_path: Path,
    *,
    seed: int = demo.DEFAULT_SEED,
    force: bool = False,
    render: bool = True,
    only: str | None = None,
    pdf: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
    publish: bool = False,
) -> RunResult:
    """Generate what is out of date, run the earlier years and comparison municipalities results-only, then the
    main year (with its reports unless ``render`` is false). Returns the main run's
    :class:`kpbkit.pipeline.RunResult`; ``progress`` goes to the main run (default: log lines)."""
    from kpbkit.pipeline import run_client

    demo_set = prepare_demo(config_path, seed=seed, force=force)
    before = [(f"earlier year {year}", path) for year, path in demo_set.earlier]
    before += [(f"comparison municipality {c.name}", path) for c, path in demo_set.comparisons]
    for i, (what, path) in enumerate(before, start=1):
        t0 = time.perf_counter()
        result = run_client(path, render=False, progress=lambda *_: None)
        log.info("[%d/%d] %s, results only: %s (%.1f s)", i, len(before), what, result.results_dir,
                 time.perf_counter() - t0)
    kwargs = {"progress": progress} if progress is not None else {}
    return run_client(demo_set.main, render=render, only=only, pdf=pdf, publish=publish, **kwargs)
