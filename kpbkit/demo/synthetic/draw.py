"""Drawing helpers: the case being drawn (persons, providers), intervals, counts and pyarrow columns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from kpbkit.demo.synthetic.catalogue import AGES, OPEN, P0, P1, PERSON_GROUP, SERVICE_PROVIDERS, SUBSETS, YEAR
from kpbkit.demo.synthetic.profile import Profile


class Case:
    """Accumulates persons and providers while the tables are drawn."""

    def __init__(self, rng: np.random.Generator, profile: Profile) -> None:
        self.rng = rng
        self.profile = profile
        self.birth: list[np.ndarray] = []  # days since 1970 per person, per batch
        self.female: list[np.ndarray] = []
        self.n_persons = 0
        self.provider_names: list[str] = []
        self.provider_regi: list[str] = []
        self.service_persons: dict[str, np.ndarray] = {}

    def new_persons(self, n: int, group: str, share_female: float) -> np.ndarray:
        """Draw ``n`` new persons of an age group; return their indices."""
        ages = draw_ages(self.rng, n, AGES[group])
        years = YEAR - ages  # age on 31 December YEAR = YEAR - birth year
        first_day = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
        length = np.where(is_leap(years), 366, 365)
        self.birth.append(first_day + (self.rng.random(n) * length).astype(np.int64))
        self.female.append(self.rng.random(n) < share_female)
        idx = np.arange(self.n_persons, self.n_persons + n)
        self.n_persons += n
        return idx

    def persons_for(self, code: str, n: int) -> np.ndarray:
        """Persons of a service: partly reused from a source service (SUBSETS), the rest new."""
        source, share = SUBSETS.get(code, ("", 0.0))
        reuse = 0
        picked: list[np.ndarray] = []
        if source in self.service_persons:
            pool = np.unique(self.service_persons[source])
            reuse = min(int(round(n * share)), len(pool))
            picked.append(self.rng.choice(pool, size=reuse, replace=False))
        if n - reuse > 0:
            group, female = PERSON_GROUP.get(code, PERSON_GROUP.get(source, ("lss_adult", 0.45)))
            picked.append(self.new_persons(n - reuse, group, female))
        persons = np.concatenate(picked) if picked else np.zeros(0, dtype=np.int64)
        self.service_persons[code] = persons
        return persons

    def providers_of(self, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Provider indices, regi (True = extern) and weights of a service's providers."""
        idx, ext, weights = [], [], []
        for name, regi, weight in SERVICE_PROVIDERS[code]:
            if name == "":
                idx.append(-1)
            else:
                if name not in self.provider_names:
                    self.provider_names.append(name)
                    self.provider_regi.append(regi)
                idx.append(self.provider_names.index(name))
            ext.append(regi == "extern")
            weights.append(weight)
        w = np.asarray(weights, dtype=float)
        is_ext = np.asarray(ext)
        share = self.profile.extern.get(code)
        if share is not None and is_ext.any() and not is_ext.all():
            w = np.where(is_ext, w / w[is_ext].sum() * share, w / w[~is_ext].sum() * (1.0 - share))
        return np.asarray(idx), is_ext, w / w.sum()


def is_leap(years: np.ndarray) -> np.ndarray:
    """Leap years of the Gregorian calendar."""
    return (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))


def draw_ages(rng: np.random.Generator, n: int, bands: Sequence[tuple[int, int, float]]) -> np.ndarray:
    """Ages drawn from weighted bands, uniform within a band (inclusive bounds)."""
    weights = np.array([b[2] for b in bands], dtype=float)
    band = rng.choice(len(bands), size=n, p=weights / weights.sum())
    low = np.array([b[0] for b in bands])[band]
    high = np.array([b[1] for b in bands])[band]
    return low + (rng.random(n) * (high - low + 1)).astype(np.int64)


def split_counts(rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integer counts proportional to ``weights`` (each at least 1 when possible)."""
    n = len(weights)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    base = min(1, total // n)
    rest = total - base * n
    share = weights / weights.sum() * rest
    counts = np.floor(share).astype(np.int64)
    missing = rest - int(counts.sum())
    if missing > 0:
        counts[rng.choice(n, size=missing, replace=missing > n, p=weights / weights.sum())] += 1
    return counts + base


def intervals(rng: np.random.Generator, n: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end days (end == OPEN: open) of ``n`` intervals of a given kind, touching the period mostly."""
    u = rng.random(n)
    if kind == "long":
        start = np.where(u < 0.75, P0 - 1 - (rng.random(n) * 3650).astype(np.int64), P0 + (rng.random(n) * 330))
        length = 30 + (rng.random(n) * 700).astype(np.int64)
        ends = rng.random(n)
        end = np.where(ends < 0.78, OPEN, np.maximum(start, P0) + length)
        early = (ends >= 0.78) & (ends < 0.81)  # a few ended before the period: outside it
        end = np.where(early, P0 - 1 - (rng.random(n) * 200).astype(np.int64), end)
        start = np.where(early, np.minimum(start, end - 30), start)
    elif kind == "medium":
        start = P0 - 200 + (rng.random(n) * 530).astype(np.int64)
        length = 20 + rng.gamma(2.0, 70.0, n).astype(np.int64)
        end = np.where(rng.random(n) < 0.15, OPEN, start + length)
    elif kind == "short":
        start = P0 - 20 + (rng.random(n) * 380).astype(np.int64)
        end = start + 1 + (rng.random(n) * 20).astype(np.int64)
    else:
        raise ValueError(kind)
    return start.astype(np.int64), end.astype(np.int64)


def clipped_days(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The period part of intervals: clipped start and end (``end < start``: none of the interval is inside)."""
    s = np.maximum(start, P0)
    e = np.where(end == OPEN, P1, np.minimum(end, P1))
    return s, e


def strings(labels: Sequence[str], idx: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """A string column picking ``labels[idx]`` (null where ``null``)."""
    dictionary = pa.array(list(labels), type=pa.string())
    indices = pa.array(np.asarray(idx, dtype=np.int64), mask=null)
    return dictionary.take(indices)


def dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """A date32 column from days since 1970 (null where ``null``)."""
    values = np.where(null, 0, days) if null is not None else days
    return pa.array(np.asarray(values, dtype=np.int64).astype("datetime64[D]"), mask=null)


def floats(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """A float64 column (null where ``null``)."""
    return pa.array(np.asarray(values, dtype=float), mask=null)


def numbered(prefix: str, n: int, width: int = 6) -> list[str]:
    """``prefix000001`` ... with at least ``width`` digits."""
    width = max(width, len(str(n)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def provider_ids(case: Case) -> list[str]:
    """The providers' ids, ``P001`` ... in the order they were first named."""
    return [f"P{i:03d}" for i in range(1, len(case.provider_names) + 1)]
