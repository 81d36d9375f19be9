"""Two comparison municipalities for the generator's year, Grannby and Jämförstad: the generator run with other
seeds, then scaled so they differ believably from Exempelkommun.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpbkit.demo.common import DEFAULT_SEED, YEAR
from kpbkit.demo.generate import build_demo_tables, format_numbers
from kpbkit.demo.history import population_array, population_tables, rescale_ledger


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


def comparison_tables(comparison: Comparison, *, seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """A comparison municipality's tables for the generator's year: other seed, scaled population and costs."""
    tables = build_demo_tables(seed + comparison.seed_offset)
    providers = tables["providers"]
    tables["providers"] = providers.assign(name=providers["name"].str.replace("Exempelkommun", comparison.name))

    def factor(target: str, kind: str) -> float:
        return comparison.costs.get(target, 1.0) if kind in ("cost", "internal_revenue") else 1.0

    tables["ledger"] = rescale_ledger(tables, factor)
    stays = tables["stays"]
    regi = dict(zip(providers["provider_id"], providers["regi"], strict=True))
    target = "service:" + stays["service_code"] + ":" + stays["provider_id"].map(regi).fillna("egen")
    scale = target.map(comparison.costs).fillna(1.0).to_numpy()
    prices = pd.to_numeric(stays["daily_price"].where(stays["daily_price"] != "")).to_numpy()
    stays["daily_price"] = format_numbers(np.round(prices * scale))
    pop = np.round(population_array(tables["population"]) * comparison.population).astype(np.int64)
    tables.update(population_tables(pop, YEAR))
    return tables
