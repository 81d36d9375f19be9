"""The persons table and the population (inhabitants by age and sex, and its forecast)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kpbkit.demo.synthetic.catalogue import YEAR
from kpbkit.demo.synthetic.draw import Case, dates, numbered, strings
from kpbkit.demo.synthetic.profile import Profile

AGES = np.arange(101)  # 100 = 100+
#: where the age profile's shares apply: 0-64, 65-79, 80+
SEGMENTS = ((0, 65), (65, 80), (80, 101))


def draw_persons(case: Case) -> tuple[dict[str, pa.Array], list[str]]:
    """The persons table (a few persons missing, a few without birth date and sex) and the id labels."""
    rng = case.rng
    n = case.n_persons
    birth = np.concatenate(case.birth)
    female = np.concatenate(case.female)
    labels = numbered("p", n, 6)
    ids = rng.permutation(n)  # person index -> position of its label
    unknown = rng.random(n) < 0.001
    missing = rng.random(n) < 0.0005  # persons in deliveries but not in the persons table
    keep = np.flatnonzero(~missing)
    keep = keep[np.argsort(ids[keep])]
    persons = {
        "person_id": strings(labels, ids[keep]),
        "birth_date": dates(birth[keep], unknown[keep]),
        "sex": strings(["M", "K"], female[keep].astype(np.int64), unknown[keep]),
    }
    return persons, [labels[i] for i in ids]  # person i is labels[ids[i]]


def age_shape() -> np.ndarray:
    """Relative inhabitants per year of age: flat to 60, then falling off (100 = 100+)."""
    old_age = np.clip(AGES - 60, 0, None) / 24.0
    shape = np.where(AGES < 60, 1.0 + 0.1 * np.sin(AGES / 9.0), np.exp(-(old_age**2.6)))
    shape[100] = shape[99] * 0.4  # 100+
    return shape


def share_0_20(share_65: float) -> float:
    """The share of inhabitants aged 0-20 in a population with ``share_65`` aged 65+."""
    shape = age_shape()
    return (1.0 - share_65) * float(shape[:21].sum() / shape[:65].sum())


def draw_population(case: Case) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """Inhabitants by age and sex on 31 December, and the forecast's five years: the profile's inhabitants and
    age profile, or (without inhabitants) scaled so that ~20 % of those 80+ have home care."""
    profile = case.profile
    shape = age_shape()
    women = np.where(AGES < 60, 0.49, 0.49 + (AGES - 60) * 0.005)
    rows_age = np.repeat(AGES, 2)
    rows_sex = np.tile(np.array([1, 0]), len(AGES))  # K, M
    share = np.where(rows_sex == 1, women[rows_age], 1 - women[rows_age])
    if profile.inhabitants is None:
        birth = np.concatenate(case.birth)
        ages = YEAR - (birth.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)
        home = case.service_persons["hemtjanst"]
        old_home = int((ages[home] >= 80).sum())
        scale = old_home / 0.20 / shape[80:].sum()
        count = np.round(shape[rows_age] * scale * share)
    else:
        count = _counts(profile, shape[rows_age] * share, rows_age)

    def table(years: np.ndarray, growth: np.ndarray) -> dict[str, pa.Array]:
        y = np.repeat(years, len(rows_age))
        c = np.concatenate([np.round(count * g) for g in growth])
        return {
            "year": pa.array(y, pa.int64()),
            "age": pa.array(np.tile(rows_age, len(years)), pa.int64()),
            "sex": strings(["M", "K"], np.tile(rows_sex, len(years))),
            "count": pa.array(c, pa.float64()),
        }

    future = np.arange(YEAR + 1, YEAR + 6)
    return table(np.array([YEAR]), np.ones(1)), table(future, 1.0 + profile.growth * (future - YEAR))


def _counts(profile: Profile, weight: np.ndarray, rows_age: np.ndarray) -> np.ndarray:
    """Whole inhabitants per row (age and sex) summing to ``profile.inhabitants``, with the profile's shares
    65-79 and 80+: each segment's total rounded, then spread by largest remainders (so that even a small
    municipality keeps its total and its age profile)."""
    assert profile.inhabitants is not None
    total = profile.inhabitants
    old = round(total * profile.share_80)
    middle = round(total * profile.share_65) - old
    count = np.zeros(len(weight))
    for (low, high), people in zip(SEGMENTS, (total - middle - old, middle, old), strict=True):
        inside = np.flatnonzero((rows_age >= low) & (rows_age < high))
        exact = people * weight[inside] / weight[inside].sum()
        whole = np.floor(exact)
        missing = int(people - whole.sum())
        whole[np.argsort(-(exact - whole), kind="stable")[:missing]] += 1
        count[inside] = whole
    return count
