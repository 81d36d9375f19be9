"""The population on 31 December by age and sex, and its ten-year forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# ------------------------------------------------------------------------------------------------ population

INHABITANTS = 25_000
_POP_KNOTS = np.array([0, 5, 10, 15, 19, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 78, 80, 85, 90, 95, 99, 100])
_POP_SHAPE = np.array(
    [240, 270, 290, 300, 290, 250, 230, 260, 280, 290, 300, 320, 330, 320, 310, 300, 290, 260, 180, 100, 44, 13, 4, 6],
    dtype=float,
)
_MALE_SHARE = (np.array([0, 60, 70, 80, 90, 100]), np.array([0.512, 0.505, 0.49, 0.45, 0.36, 0.25]))


# ------------------------------------------------------------------------------------------------ population


def draw_population(rng: np.random.Generator) -> np.ndarray:
    """Inhabitants on 31 December by age 0..100 (100 = 100+) and sex (columns K, M), about 25 000."""
    ages = np.arange(101)
    total = np.interp(ages, _POP_KNOTS, _POP_SHAPE)
    total = total / total.sum() * INHABITANTS * rng.normal(1.0, 0.03, 101)
    male = np.interp(ages, *_MALE_SHARE)
    return np.round(np.stack([total * (1 - male), total * male], axis=1)).astype(np.int64)


def project_population(base: np.ndarray, years: int = 10) -> list[np.ndarray]:
    """A plain cohort-component projection: Gompertz mortality, births from women 25-39, net migration by age."""
    ages = np.arange(101)
    mortality = np.stack([np.exp(-10.9 + 0.098 * ages), np.exp(-10.4 + 0.098 * ages)], axis=1)
    mortality[0] = 0.002
    mortality = np.clip(mortality, 0.0, 0.6)
    migration = np.interp(ages, [0, 15, 19, 22, 25, 35, 45, 65, 80, 100],
                          [0.004, 0.002, -0.03, -0.02, 0.012, 0.008, 0.003, 0.0, -0.002, 0.0])
    pop = base.astype(float)
    out = []
    for _ in range(years):
        survivors = pop * (1 - mortality)
        nxt = np.zeros_like(pop)
        nxt[1:] = survivors[:-1]
        nxt[100] += survivors[100]
        births = 0.105 * pop[25:40, 0].sum()
        nxt[0] = births * np.array([0.487, 0.513])
        pop = nxt * (1 + migration[:, None])
        out.append(np.round(pop).astype(np.int64))
    return out


def population_frame(years: list[int], counts: list[np.ndarray]) -> pd.DataFrame:
    parts = []
    for year, count in zip(years, counts, strict=True):
        parts.append(pd.DataFrame({
            "year": year,
            "age": np.repeat(np.arange(101), 2),
            "sex": np.tile(["K", "M"], 101),
            "count": count.reshape(-1),
        }))
    return pd.concat(parts, ignore_index=True)
