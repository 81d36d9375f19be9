"""Exempelkommun's earlier years 2023 and 2024, so the demo's trend sections fill.

The generator (:mod:`kpbkit.demo.generate`) builds one year, 2025. :func:`history_tables` derives the earlier
years from its tables instead of rewriting it: the same persons (Skatteverket's test personnummer; ages follow
from their birth dates), every date moved back one or two years with :class:`pandas.DateOffset` (29 February
becomes 28 February), and a development a consultant would recognise and explain: fewer home-care brukare (5 % a
year of those under 80, while 80+ coverage moves only a little) with fewer hours each the further back; a mix
that shifts (LOV's share of home-care brukare grows, more children are placed and more of them in HVB instead of
agency-supported family homes, personal assistance grows 5 % a year, the delivery ratio rises about 3 points a
year as granted hours are held back); every cost pool following its volume and deflated by the demo's price index
(3 % a year, :data:`PRICE_INDEX`, the config's ``comparison.price_index``), with real cost increases
(:data:`REAL_COST_CHANGE`: own home care, nursing homes, assistance, group homes and family homes; bought
placements' prices rise 4 % a year above the index) and FK's published hourly rates of those years for the
reimbursement; and a population one or two years younger and slightly smaller (each cohort moved back a
year, undoing the forecast's deaths and migration; 0.4 % fewer inhabitants a year back), with its forecast from
that year on. A child whose placement would start before their birth is placed from birth (rows ending before
it are left out).

The comparison municipalities (:mod:`kpbkit.demo.comparisons`) reuse the structure, ledger and population
helpers here;
:mod:`kpbkit.demo.run` writes each data set beside Exempelkommun's with its generated config. Everything is
deterministic for a seed.

Example
-------
>>> from kpbkit.demo import build_demo_tables
>>> history_tables(build_demo_tables(), 1)["population"]["year"].iloc[0]  # doctest: +SKIP
'2024'
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from kpbkit.catalog import DEFAULT_SERVICES
from kpbkit.config import LedgerRule
from kpbkit.demo.common import DEFAULT_SEED, FK_RATE, YEAR
from kpbkit.demo.generate import format_numbers
from kpbkit.demo.population import population_frame, project_population
from kpbkit.model.pools import match_rules
from kpbkit.model.rules import parse_target

#: Bump whenever what this module derives changes: stale folders are regenerated.
HISTORY_VERSION = "5"
#: Exempelkommun's earlier years, as years before the generator's
YEARS_BACK: tuple[int, ...] = (2, 1)
EARLIER_YEARS: tuple[int, ...] = tuple(YEAR - k for k in YEARS_BACK)
#: the demo's price index: kronor of earlier years are 3 % a year lower (the config's comparison.price_index)
PRICE_INDEX = 0.03
#: FK's hourly rate (schablonbelopp) per year: 2023 and 2024 as published (KPB-METHOD §6), 2025 the demo's assumption
FK_RATES: dict[int, float] = {2023: 324.50, 2024: 332.60, YEAR: FK_RATE}
#: share of 2025's home-care brukare under 80 who were not yet brukare, per year back
HOME_CARE_NEW_PER_YEAR = 0.05
#: granted and delivered home-care hours per brukare are this much lower per year back
HOURS_PER_YEAR = 0.04
#: the population grows this much a year (a year back it is this much smaller)
POPULATION_GROWTH = 0.004
#: barn och unga: placement prices rise this much a year above the price index (a real cost increase)
PLACEMENT_REAL_INCREASE = 0.04
PLACEMENT_SERVICES_BOUGHT = ("familjehem_konsulent", "hvb", "sis", "stodboende")
#: mix development a year back: this share of LOV brukare were in egen regi, this many HVB placements were in
#: agency-supported family homes, personal assistance had this many fewer hours, and granted home-care hours were
#: this much higher for the same delivered ones (the delivery ratio rises over the years)
LOV_SHARE_PER_YEAR = 0.12
HVB_PER_YEAR = 3
#: children placed in an own family home: this many fewer a year back (placements rise over the years)
FAMILY_HOMES_PER_YEAR = 3
PA_HOURS_PER_YEAR = 0.05
GRANTED_PER_YEAR = 0.035
#: real cost change of a year back, by service:regi (negative: it was cheaper in real terms)
REAL_COST_CHANGE: dict[str, float] = {"hemtjanst:egen": -0.03, "sarskilt_boende:egen": -0.015, "pa_sfb:egen": -0.02,
                                      "gruppbostad:egen": -0.02, "familjehem:egen": -0.025}
_AREA = {s.code: s.area for s in DEFAULT_SERVICES}
_DATE_COLUMNS = {"decisions": ("decided_on", "start_date", "end_date"), "stays": ("start_date", "end_date"),
                 "visits": ("date",), "ledger": ("date",)}


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


def to_cents(amounts: pd.Series) -> np.ndarray:
    """The generator's amounts (``-1234.56``, always two decimals) as öre."""
    return amounts.astype(str).str.replace(".", "", regex=False).astype(np.int64).to_numpy()


def _amounts(cents: np.ndarray) -> list[str]:
    return [f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}" for c in cents.tolist()]


def rescale_ledger(tables: dict[str, pd.DataFrame], factor: Callable[[str, str], float]) -> pd.DataFrame:
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
    cents = to_cents(ledger["amount"])
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


def population_array(frame: pd.DataFrame) -> np.ndarray:
    """Counts by age 0..100 (rows) and sex K, M (columns) of a one-year population table."""
    counts = frame.astype({"age": int, "count": int}).pivot_table(index="age", columns="sex", values="count",
                                                                   aggfunc="sum")
    return counts.reindex(index=range(101), columns=["K", "M"], fill_value=0).to_numpy(dtype=np.int64)


def population_tables(pop: np.ndarray, year: int) -> dict[str, pd.DataFrame]:
    return {"population": population_frame([year], [pop]),
            "population_forecast": population_frame(list(range(year + 1, year + 11)), project_population(pop))}


def _younger(pop: np.ndarray, *, total: float) -> np.ndarray:
    """The population a year earlier: every cohort a year younger, undoing the demo forecast's deaths and migration,
    then scaled to ``total`` inhabitants.

    The forecast's one-year step applied to a uniform population gives each age's survival × migration; dividing
    by it moves a cohort back. Births (age 0) are taken as the same; ages 99 and 100+ share the 100+ group.
    """
    unit = 10**9
    step = project_population(np.full((101, 2), unit, dtype=np.int64), years=1)[0] / unit
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


# ------------------------------------------------------------------------------------------------ structure


def _planted_persons(tables: dict[str, pd.DataFrame], regi: dict[str, str]) -> set[str]:
    """Personnummer carrying a planted visit defect (0 minutes, an unknown provider, dated before the year)."""
    visits = tables["visits"]
    minutes = pd.to_numeric(visits["minutes"])
    planted = (minutes <= 0) | ~visits["provider_id"].isin(list(regi)) | ~visits["date"].str.startswith(str(YEAR))
    return set(visits.loc[planted, "personnummer"])


def move_home_care(tables: dict[str, pd.DataFrame], share: float, to: str, rng: np.random.Generator) -> None:
    """A random ``share`` of the home-care brukare of the other regi moved to providers of regi ``to`` (in place).

    Their decisions and visits get a provider of regi ``to`` (drawn per brukare); staff ids take its prefix.
    Brukare carrying a planted defect stay where they are.
    """
    providers = tables["providers"]
    regi = dict(zip(providers["provider_id"], providers["regi"], strict=True))
    targets = sorted(p for p, r in regi.items() if r == to and (p.startswith("HT") or p.startswith("LOV")))
    dec, visits = tables["decisions"], tables["visits"]
    home = dec["service_code"] == "hemtjanst"
    source = home & dec["provider_id"].map(regi).ne(to) & dec["provider_id"].ne("")
    brukare = pd.Series(sorted(set(dec.loc[source, "personnummer"]) - _planted_persons(tables, regi)), dtype=object)
    chosen = brukare[rng.random(len(brukare)) < share]
    new = dict(zip(chosen, rng.choice(targets, size=len(chosen)), strict=True))
    sel = home & dec["personnummer"].isin(new)
    dec.loc[sel, "provider_id"] = dec.loc[sel, "personnummer"].map(new)
    sel = (visits["service_code"] == "hemtjanst") & visits["personnummer"].isin(new)
    moved = visits.loc[sel, "personnummer"].map(new)
    visits.loc[sel, "staff_id"] = moved + "-" + visits.loc[sel, "staff_id"].str.split("-").str[-1]
    visits.loc[sel, "provider_id"] = moved


def drop_home_care(tables: dict[str, pd.DataFrame], share: float, ages: tuple[int, int], rng: np.random.Generator
                   ) -> None:
    """A random ``share`` of the home-care brukare aged ``ages`` (inclusive, in the generator's year) left out:
    their home-care decisions and visits (in place). Brukare carrying a planted defect stay."""
    providers = tables["providers"]
    regi = dict(zip(providers["provider_id"], providers["regi"], strict=True))
    dec, visits = tables["decisions"], tables["visits"]
    home = dec["service_code"] == "hemtjanst"
    age = YEAR - pd.to_numeric(_twelve(dec["personnummer"], YEAR).str[:4])
    band = home & age.between(*ages)
    brukare = pd.Series(sorted(set(dec.loc[band, "personnummer"]) - _planted_persons(tables, regi)), dtype=object)
    gone = set(brukare[rng.random(len(brukare)) < share])
    tables["decisions"] = dec[~(home & dec["personnummer"].isin(gone))].reset_index(drop=True)
    home_visit = visits["service_code"] == "hemtjanst"
    tables["visits"] = visits[~(home_visit & visits["personnummer"].isin(gone))].reset_index(drop=True)


def drop_placements(tables: dict[str, pd.DataFrame], n: int, service: str, rng: np.random.Generator) -> None:
    """``n`` children whose only stay is a ``service`` placement with its decision left out: both (in place)."""
    stays, dec = tables["stays"], tables["decisions"]
    only = stays.groupby("personnummer")["stay_id"].transform("size") == 1
    decided = _twelve(stays["personnummer"], YEAR).isin(_twelve(dec.loc[dec["service_code"] == service,
                                                                        "personnummer"], YEAR))
    candidates = stays.index[(stays["service_code"] == service) & only & decided].to_numpy()
    chosen = rng.choice(candidates, size=min(n, len(candidates)), replace=False) if len(candidates) else []
    children = set(_twelve(stays.loc[chosen, "personnummer"], YEAR))
    tables["stays"] = stays.drop(index=chosen).reset_index(drop=True)
    gone = (dec["service_code"] == service) & _twelve(dec["personnummer"], YEAR).isin(children)
    tables["decisions"] = dec[~gone].reset_index(drop=True)


def scale_granted(tables: dict[str, pd.DataFrame], service: str, factor: float) -> None:
    """Granted hours of ``service`` × ``factor`` (to the half hour, in place): delivered / granted moves by 1/factor.

    No decision is raised above the largest one there was (a plausible ceiling stays one).
    """
    dec = tables["decisions"]
    sel = dec["service_code"] == service
    text = dec.loc[sel, "granted_hours_per_month"]
    granted = pd.to_numeric(text.where(text != ""))
    scaled = np.minimum(np.round(granted * factor * 2) / 2, max(float(granted.max()), 0.5))
    dec.loc[sel, "granted_hours_per_month"] = format_numbers(np.maximum(0.5, scaled))


def scale_delivered(tables: dict[str, pd.DataFrame], service: str, factor: float, step: int) -> None:
    """Visit minutes of ``service`` × ``factor``, rounded to ``step`` minutes (in place; 0 minutes stay 0)."""
    visits = tables["visits"]
    sel = visits["service_code"] == service
    minutes = pd.to_numeric(visits.loc[sel, "minutes"]).to_numpy()
    scaled = np.where(minutes > 0, np.maximum(step, np.round(minutes * factor / step) * step), 0)
    visits.loc[sel, "minutes"] = scaled.astype(np.int64).astype(str)


def convert_placements(tables: dict[str, pd.DataFrame], n: int, source: str, target: str, provider: str,
                       price: float, rng: np.random.Generator) -> None:
    """``n`` placements of ``source`` (stays and their decisions) turned into ``target`` at ``provider`` (in place).

    Stays with a planted oddity (no price where one is due, another stay of the child) are left alone.
    """
    stays, dec = tables["stays"], tables["decisions"]
    children = stays.groupby("personnummer")["stay_id"].transform("size") == 1
    candidates = stays.index[(stays["service_code"] == source) & children].to_numpy()
    chosen = rng.choice(candidates, size=min(n, len(candidates)), replace=False) if len(candidates) else []
    for i in chosen:
        pnr, start = stays.at[i, "personnummer"], stays.at[i, "start_date"]
        stays.loc[i, ["service_code", "provider_id", "daily_price"]] = [target, provider, format_numbers([price])[0]]
        match = (dec["service_code"] == source) & (dec["start_date"] == start)
        match &= _twelve(dec["personnummer"], YEAR) == _twelve(pd.Series([pnr]), YEAR).iloc[0]
        dec.loc[match, ["service_code", "provider_id"]] = [target, provider]


def volume_factor(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame], base_year: int, year: int
                  ) -> Callable[[str], float]:
    """Per ledger target, the volume of ``after``'s ``year`` over ``before``'s ``base_year`` (1 where either is 0)."""
    regi = dict(zip(before["providers"]["provider_id"], before["providers"]["regi"], strict=True))
    old, new = _volumes(before, regi, base_year), _volumes(after, regi, year)

    def ratio(target: str) -> float:
        _, code, regi_ = parse_target(target)
        return new.get((code, regi_), 1.0) / old[(code, regi_)] if old.get((code, regi_)) else 1.0

    return ratio


def drop_duplicate_visits(tables: dict[str, pd.DataFrame]) -> None:
    """Visits that became identical (person, service, day, minutes, provider, staff) kept once (in place).

    Rounding scaled minutes or moving a brukare can make two visits of a day alike; the extracts plant their own
    duplicates with a known count, so no others may arise.
    """
    key = ["personnummer", "service_code", "date", "minutes", "provider_id", "staff_id"]
    visits = tables["visits"]
    tables["visits"] = visits[~visits.duplicated(key)].reset_index(drop=True)


def scale_old(pop: np.ndarray, factor: float, *, from_age: int = 80) -> np.ndarray:
    """The population with every cohort of ``from_age`` and older × ``factor`` (another age profile)."""
    out = pop.astype(float).copy()
    out[from_age:] *= factor
    return np.round(out).astype(np.int64)


# ------------------------------------------------------------------------------------------------ earlier years


def history_tables(tables: dict[str, pd.DataFrame], years_back: int, *, seed: int = DEFAULT_SEED
                   ) -> dict[str, pd.DataFrame]:
    """Exempelkommun ``years_back`` years before the generator's year, from the generator's tables.

    Parameters
    ----------
    tables
        :func:`kpbkit.demo.generate.build_demo_tables` output (not modified).
    years_back
        1 or 2 (any positive number works; the development continues at the same pace).
    seed
        Seed of the draws (which brukare are new, which visits fewer); the same for every ``years_back``, so the
        brukare of an earlier year are a subset of those of a later one.

    Returns
    -------
    dict[str, pd.DataFrame]
        The same tables as the generator's, for the year ``YEAR - years_back``.
    """
    k = int(years_back)
    if k < 1:
        raise ValueError("years_back must be at least 1")
    base, year = YEAR, YEAR - k
    rng = np.random.default_rng([seed, 2023])
    out = {name: frame.copy() for name, frame in tables.items()}
    regi = dict(zip(tables["providers"]["provider_id"], tables["providers"]["regi"], strict=True))
    persons = out["persons"]
    twelve = _twelve(persons["personnummer"], base)
    birth = pd.Series(persons["birth_date"].to_numpy(), index=twelve.to_numpy())
    _home_care_development(out, regi, birth, rng, k)
    _mix_development(out, rng, k)

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
    volume = volume_factor(tables, out, base, year)

    def factor(target: str, kind: str) -> float:
        _, code, regi_ = parse_target(target)
        f = volume(target)
        if kind == "state_reimbursement":
            return f * (FK_RATES[year] / FK_RATES[base] if code == "pa_sfb" else 1.0)
        if kind in ("cost", "internal_revenue"):
            f *= (1 + REAL_COST_CHANGE.get(f"{code}:{regi_}", 0.0)) ** k
        return f * price * (real if code in PLACEMENT_SERVICES_BOUGHT and kind == "cost" else 1.0)

    out["ledger"] = rescale_ledger(out, factor)
    stays = out["stays"]
    prices = pd.to_numeric(stays["daily_price"].where(stays["daily_price"] != "")).to_numpy()
    placement = stays["service_code"].isin(PLACEMENT_SERVICES_BOUGHT).to_numpy()
    stays["daily_price"] = format_numbers(np.round(prices * price * np.where(placement, real, 1.0)))

    pop = population_array(tables["population"])
    for _ in range(k):
        pop = _younger(pop, total=(1 - POPULATION_GROWTH) * pop.sum())
    out.update(population_tables(pop, year))
    return out


def _home_care_development(out: dict[str, pd.DataFrame], regi: dict[str, str], birth: pd.Series,
                           rng: np.random.Generator, k: int) -> None:
    """Fewer home-care brukare and a little fewer hours per brukare ``k`` years back (in place, before the shift).

    A random 5 % a year of the brukare under 80 that year were not yet brukare (those 80 and over already thin out
    the further back: 2025's data holds only persons alive in 2025, and some of them were under 80). Granted hours
    are :data:`HOURS_PER_YEAR` a year lower and as many visits fewer (never a person's first). Persons carrying one
    of the generator's planted defects (0 minutes, an unknown provider, visits dated before the year) are kept as
    they are.
    """
    base, year = YEAR, YEAR - k
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
    lower = format_numbers(np.maximum(0.5, np.round(granted * (1 - HOURS_PER_YEAR * k) * 2) / 2))
    dec["granted_hours_per_month"] = np.where(dec["service_code"] == "hemtjanst", lower,
                                              dec["granted_hours_per_month"])
    out["decisions"] = dec


def _mix_development(out: dict[str, pd.DataFrame], rng: np.random.Generator, k: int) -> None:
    """The mix ``k`` years back (in place, before the shift): fewer brukare with a LOV provider, fewer children
    placed, fewer HVB placements (agency-supported family homes instead), fewer personal-assistance hours and more
    granted home-care hours for the same delivered ones (a lower delivery ratio)."""
    move_home_care(out, LOV_SHARE_PER_YEAR * k, "egen", rng)
    drop_placements(out, FAMILY_HOMES_PER_YEAR * k, "familjehem", rng)
    convert_placements(out, HVB_PER_YEAR * k, "hvb", "familjehem_konsulent", "KFH2", 2400.0, rng)
    scale_delivered(out, "pa_sfb", (1 - PA_HOURS_PER_YEAR) ** k, 15)
    scale_granted(out, "pa_sfb", (1 - PA_HOURS_PER_YEAR) ** k)
    scale_granted(out, "hemtjanst", (1 + GRANTED_PER_YEAR) ** k)
    drop_duplicate_visits(out)


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
