"""Two comparison municipalities for the generator's year, Grannby and Jämförstad, each with its own structure.

Each starts from the generator run with another seed and is then restructured, not merely rescaled: another mix
of egen regi and LOV in home care, another age profile, another level of granted hours (so another delivery
ratio), more or fewer personal-assistance hours, placements moved between family homes and HVB, and its own unit
costs. Every cost pool follows its volume (as in :mod:`kpbkit.demo.history`), times the municipality's cost level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpbkit.demo.common import DEFAULT_SEED, YEAR
from kpbkit.demo.generate import build_demo_tables, format_numbers
from kpbkit.demo.history import (
    convert_placements,
    drop_duplicate_visits,
    drop_home_care,
    move_home_care,
    population_array,
    population_tables,
    rescale_ledger,
    scale_delivered,
    scale_granted,
    scale_old,
    volume_factor,
)


@dataclass(frozen=True)
class Placements:
    """``n`` placements of ``source`` turned into ``target`` at ``provider`` for ``price`` kr per day."""

    n: int
    source: str
    target: str
    provider: str
    price: float


@dataclass(frozen=True)
class Comparison:
    """A comparison municipality: the generator with another seed, restructured and at its own cost level."""

    client_id: str
    name: str
    #: added to the demo's seed
    seed_offset: int
    #: factor on the inhabitants
    population: float
    #: factor on the inhabitants 80 and older (the age profile; coverage of 80+ moves the other way)
    old: float = 1.0
    #: share of home-care brukare moved to LOV (> 0) or from LOV to egen regi (< 0)
    to_lov: float = 0.0
    #: share of home-care brukare left out per age band (first year, last year): another age mix
    fewer_brukare: tuple[tuple[float, tuple[int, int]], ...] = ()
    #: factor on granted home-care hours (delivered hours stay: the delivery ratio moves by its inverse)
    granted: float = 1.0
    #: factor on the personal-assistance hours (SFB), granted and delivered
    pa_hours: float = 1.0
    placements: tuple[Placements, ...] = ()
    #: factor on the direct cost (and contracted day prices) per ledger target; overhead follows the direct cost
    costs: dict[str, float] = field(default_factory=dict)
    about: str = ""


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "grannby", "Grannby", 101, 1.15, old=0.82, to_lov=0.35, fewer_brukare=((0.2, (65, 79)),), granted=0.95,
        pa_hours=0.88,
        placements=(Placements(7, "hvb", "familjehem_konsulent", "KFH1", 2500.0),),
        costs={"service:hemtjanst:egen": 0.86, "service:hemtjanst:extern": 0.95, "service:sarskilt_boende:egen": 0.93,
               "service:familjehem:egen": 1.15, "service:pa_sfb:egen": 0.95, "service:gruppbostad:egen": 0.74,
               "service:gruppbostad:extern": 0.76, "service:hvb:extern": 1.08, "service:sis:extern": 1.05,
               "service:oppenvard_bou:egen": 1.35, "service:stodboende:extern": 1.2,
               "service:familjehem_konsulent:extern": 1.05,
               "service:sarskilt_boende:extern": 0.94},
        about="a larger, younger neighbour (about 29 000 inhabitants): mostly LOV in home care, cheaper per hour, "
              "few HVB placements, cheaper group homes, dearer family homes and open care"),
    Comparison(
        "jamforstad", "Jämförstad", 202, 0.86, old=1.25, to_lov=-0.6, fewer_brukare=((0.2, (0, 64)),),
        granted=1.08, pa_hours=1.15,
        placements=(Placements(5, "familjehem", "hvb", "HVB1", 5200.0),),
        costs={"service:hemtjanst:egen": 1.07, "service:hemtjanst:extern": 1.03, "service:gruppbostad:egen": 1.14,
               "service:gruppbostad:extern": 1.1, "service:familjehem:egen": 0.87, "service:hvb:extern": 0.9,
               "service:familjehem_konsulent:extern": 0.85, "service:pa_sfb:egen": 1.07,
               "service:sarskilt_boende:egen": 1.09, "service:sis:extern": 0.93, "service:oppenvard_bou:egen": 1.7,
               "service:sarskilt_boende:extern": 1.06},
        about="a smaller, older town (about 21 500 inhabitants): home care mostly in egen regi and dearer, a lower "
              "delivery ratio, more assistance hours, dearer group homes, more HVB at lower prices"),
)


def comparison_tables(comparison: Comparison, *, seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """A comparison municipality's tables for the generator's year: other seed, its own structure and costs."""
    c = comparison
    tables = build_demo_tables(seed + c.seed_offset)
    providers = tables["providers"]
    tables["providers"] = providers.assign(name=providers["name"].str.replace("Exempelkommun", c.name))
    before = {name: frame.copy() for name, frame in tables.items()}
    rng = np.random.default_rng([seed, c.seed_offset])
    if c.to_lov:
        move_home_care(tables, abs(c.to_lov), "extern" if c.to_lov > 0 else "egen", rng)
    for share, ages in c.fewer_brukare:
        drop_home_care(tables, share, ages, rng)
    scale_granted(tables, "hemtjanst", c.granted)
    scale_granted(tables, "pa_sfb", c.pa_hours)
    scale_delivered(tables, "pa_sfb", c.pa_hours, 15)
    for move in c.placements:
        convert_placements(tables, move.n, move.source, move.target, move.provider, move.price, rng)
    drop_duplicate_visits(tables)
    volume = volume_factor(before, tables, YEAR, YEAR)

    def factor(target: str, kind: str) -> float:
        cost = c.costs.get(target, 1.0) if kind in ("cost", "internal_revenue") else 1.0
        return volume(target) * cost

    tables["ledger"] = rescale_ledger(tables, factor)
    stays = tables["stays"]
    regi = dict(zip(providers["provider_id"], providers["regi"], strict=True))
    target = "service:" + stays["service_code"] + ":" + stays["provider_id"].map(regi).fillna("egen")
    scale = target.map(c.costs).fillna(1.0).to_numpy()
    prices = pd.to_numeric(stays["daily_price"].where(stays["daily_price"] != "")).to_numpy()
    stays["daily_price"] = format_numbers(np.round(prices * scale))
    pop = np.round(population_array(tables["population"]) * c.population).astype(np.int64)
    tables.update(population_tables(scale_old(pop, c.old), YEAR))
    return tables
