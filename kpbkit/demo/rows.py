"""The generator's rows before they become tables: decisions, stays and the visit segments of hour services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kpbkit.demo.common import NAT, STAFF_POOL

# ------------------------------------------------------------------------------------------------ rows


@dataclass
class Segment:
    """A stretch of one hour-service decision during which visits are delivered."""

    person: int
    service: str
    provider: str
    first: np.datetime64
    last: np.datetime64
    hours: float  # granted per month
    ratio: float  # delivered / granted
    minutes: float  # mean visit length
    team: np.ndarray  # staff numbers of the person's regular team
    substitute: float = 0.12  # share of visits by someone outside the team
    steady: bool = False  # a fixed schedule: as many visits as the hours need (no Poisson count)


@dataclass
class Rows:
    decisions: list[tuple] = field(default_factory=list)
    stays: list[tuple] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    true_price: dict[int, float] = field(default_factory=dict)  # stay row → price invoiced when none is given

    def decision(
        self,
        person: int,
        service: str,
        decided_on: np.datetime64,
        start: np.datetime64,
        end: np.datetime64 = NAT,
        hours: float = np.nan,
        provider: str = "",
        level: str = "",
    ) -> None:
        self.decisions.append((person, service, decided_on, start, end, hours, provider, level))

    def stay(
        self,
        person: int,
        service: str,
        start: np.datetime64,
        end: np.datetime64,
        provider: str,
        price: float = np.nan,
        law: str = "",
    ) -> int:
        self.stays.append((person, service, start, end, provider, price, law))
        return len(self.stays) - 1


def draw_team(rng: np.random.Generator, provider: str, low: int = 3, high: int = 8) -> np.ndarray:
    pool = STAFF_POOL[provider]
    return rng.choice(pool, size=min(pool, int(rng.integers(low, high + 1))), replace=False)


def granted_per_month(rng: np.random.Generator, heavy_share: float) -> float:
    """Granted home-care hours per month: a lognormal body (median 9.5 h) and a tail above 80 h."""
    if rng.random() < heavy_share:
        hours = min(80.0 + rng.gamma(2.0, 15.0), 320.0)
    else:
        hours = min(float(np.exp(rng.normal(np.log(9.5), 0.7))), 78.0)
    return max(2.0, round(hours * 2) / 2)
