"""Visits of every hour-service segment, with the planted problems (0 minutes, an unknown provider, December of
the year before).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpbkit.demo.common import P0, STAFF_POOL, UNKNOWN_PROVIDER, YEAR, plus
from kpbkit.demo.rows import Rows, Segment

# ------------------------------------------------------------------------------------------------ visits


def _visits(segments: list[Segment], rng: np.random.Generator, *, round_to: np.ndarray,
            low: np.ndarray, high: np.ndarray) -> dict[str, np.ndarray]:
    """Visits of every segment, spread evenly over its days; round_to/low/high per segment (minutes)."""
    first = np.array([s.first for s in segments], dtype="datetime64[D]")
    last = np.array([s.last for s in segments], dtype="datetime64[D]")
    days = (last - first).astype(np.int64) + 1
    hours = np.array([s.hours * s.ratio for s in segments])
    mean = np.array([s.minutes for s in segments])
    target = hours * 60 * days * 12 / 365
    n = np.where(days > 0, np.maximum(rng.poisson(target / mean), 1), 0)
    steady = np.array([s.steady for s in segments])
    n = np.where(steady & (days > 0), np.maximum(np.round(target / mean), 1).astype(np.int64), n)
    idx = np.repeat(np.arange(len(segments)), n)
    rank = np.arange(len(idx)) - np.repeat(np.cumsum(n) - n, n)
    offset = ((rank + rng.random(len(idx))) * days[idx] / n[idx]).astype(np.int64)
    offset[rank == 0] = 0  # the first visit is on the segment's first day
    date = first[idx] + offset.astype("timedelta64[D]")
    sd = 0.3
    raw = mean[idx] * rng.lognormal(-sd * sd / 2, sd, len(idx))
    minutes = np.clip(np.round(raw / round_to[idx]) * round_to[idx], low[idx], high[idx]).astype(np.int64)
    size = np.array([len(s.team) for s in segments])
    teams = np.full((len(segments), size.max()), -1, dtype=np.int64)
    for i, s in enumerate(segments):
        teams[i, : len(s.team)] = s.team
    staff = teams[idx, (rng.random(len(idx)) * size[idx]).astype(np.int64)]
    provider = np.array([s.provider for s in segments])
    pool = np.array([STAFF_POOL.get(s.provider, 10) for s in segments])
    substitute = rng.random(len(idx)) < np.array([s.substitute for s in segments])[idx]
    staff[substitute] = (rng.random(int(substitute.sum())) * pool[idx[substitute]]).astype(np.int64)
    return {
        "person": np.array([s.person for s in segments])[idx],
        "service": np.array([s.service for s in segments])[idx],
        "date": date,
        "minutes": minutes,
        "provider": provider[idx],
        "staff": np.char.add(np.char.add(provider[idx], "-"), np.char.zfill((staff + 1).astype(str), 3)),
    }


def all_visits(rows: Rows, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Visits of every hour service, with the planted problems (0 minutes, unknown provider, December 2024)."""
    segs = rows.segments
    service = np.array([s.service for s in segs])
    is_home = service == "hemtjanst"
    is_pa = np.isin(service, ["pa_sfb"])
    round_to = np.where(is_home, 5, np.where(is_pa, 15, 30)).astype(float)
    round_to[service == "pa_lss"] = 15
    low = np.where(is_home, 15, 60).astype(float)
    high = np.where(is_home, 90, np.where(is_pa, 720, 360)).astype(float)
    visits = _visits(segs, rng, round_to=round_to, low=low, high=high)
    # Two draws of the same person, day, staff and minutes would read as an export duplicate (a finding the
    # extracts plant on purpose, with a known count): keep one of each.
    key = pd.DataFrame({k: visits[k] for k in ("person", "service", "date", "minutes", "provider", "staff")})
    unique = ~key.duplicated().to_numpy()
    visits = {k: v[unique] for k, v in visits.items()}
    # A LOV brukare changed to a provider that is missing from the provider register in December.
    home = visits["service"] == "hemtjanst"
    lov1 = np.flatnonzero(home & (visits["provider"] == "LOV1") & (visits["date"] >= np.datetime64(f"{YEAR}-12-01")))
    if len(lov1):
        person = visits["person"][lov1[0]]
        moved = lov1[visits["person"][lov1] == person]
        visits["provider"][moved] = UNKNOWN_PROVIDER
        visits["staff"][moved] = np.char.add(f"{UNKNOWN_PROVIDER}-00", (np.arange(len(moved)) % 3 + 1).astype(str))
    # Cancelled visits registered with 0 minutes.
    zero = rng.choice(np.flatnonzero(home & (visits["provider"] != UNKNOWN_PROVIDER)), size=5, replace=False)
    visits["minutes"][zero] = 0
    # The extract's date range starts a few days early: visits of 30-31 December 2024.
    early = rng.choice(np.flatnonzero(home & (visits["date"] <= plus(P0, 3)) & (visits["minutes"] > 0)), size=8,
                       replace=False)
    extra = {key: value[early].copy() for key, value in visits.items()}
    extra["date"] = P0 - (1 + np.arange(8) % 2).astype("timedelta64[D]")
    visits = {key: np.concatenate([visits[key], extra[key]]) for key in visits}
    order = np.lexsort((visits["minutes"], visits["staff"], visits["person"], visits["provider"],
                        visits["date"].astype(np.int64)))
    return {key: value[order] for key, value in visits.items()}
