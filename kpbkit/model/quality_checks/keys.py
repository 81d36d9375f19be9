"""Visits as integer keys of (person, service) and day, and the vectorised lookups the checks share.

A visits table of 10 M rows is factorised once (:class:`VisitKeys`) and looked up with gathers and sorted
searches (:func:`points_covered`, :func:`intervals_meet`), never a Python loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpbkit.catalog import Catalog
from kpbkit.period import Period


@dataclass
class VisitKeys:
    """Visits as integer keys of (person, service) and days since the period's start, built once for the checks.

    ``key`` is (person + 1) × (len(services) + 1) + (service + 1), where person and service are positions in
    ``persons`` and ``services`` (-1 where empty): every (person, service) pair has its own key.
    """

    key: np.ndarray
    day: np.ndarray  # NaT: the smallest int64
    persons: pd.Index  # the person ids of the visits
    services: pd.Index  # the catalogue's service codes, then any other code the visits use

    @classmethod
    def build(cls, visits: pd.DataFrame, catalog: Catalog, period: Period) -> VisitKeys:
        """Keys of ``visits`` (any visits table: every row, or the counted ones)."""
        codes, persons = person_codes(visits["person_id"])
        values = visits["service_code"]
        used = values.cat.categories if isinstance(values.dtype, pd.CategoricalDtype) else pd.unique(values.dropna())
        services = pd.Index([*catalog.services, *sorted(set(map(str, used)) - set(catalog.services))])
        key = codes  # the factorised codes are ours: build the key in place (10 M rows, no temporaries)
        key += 1
        key *= len(services) + 1
        key += service_codes(values, services)
        key += 1
        return cls(key, days_since(visits["date"], period), persons, services)

    def subset(self, positions: np.ndarray) -> VisitKeys:
        """The keys of the rows at ``positions`` (same persons and services)."""
        return VisitKeys(self.key[positions], self.day[positions], self.persons, self.services)

    @property
    def n_keys(self) -> int:
        """Every key is below this."""
        return (len(self.persons) + 1) * (len(self.services) + 1)

    def of(self, frame: pd.DataFrame) -> np.ndarray:
        """The keys of another table's rows; -1 where its person has no visit or its service is not known."""
        person = self.persons.get_indexer(frame["person_id"].astype("object"))
        service = service_codes(frame["service_code"], self.services)
        return np.where((person >= 0) & (service >= 0), (person + 1) * (len(self.services) + 1) + service + 1, -1)


def person_codes(person_id: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of the persons (-1 where empty) and the distinct ids they index."""
    codes, uniques = pd.factorize(person_id)
    return np.asarray(codes, dtype=np.int64), pd.Index(np.asarray(uniques, dtype=object))


def counted_positions(index: pd.Index, subset: pd.DataFrame) -> np.ndarray | None:
    """Positions in ``index`` of ``subset``'s index labels (the counted visits among the visits); None if unknown."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return subset.index.to_numpy(dtype=np.int64)
    if not index.is_unique:
        return None
    positions = index.get_indexer(subset.index)
    return positions if (positions >= 0).all() else None


def factor_codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """Codes 0..size-1 for equality of values (0 = empty), cheap for categoricals."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype=np.int64) + 1, len(values.cat.categories) + 1
    codes, uniques = pd.factorize(values)
    return np.asarray(codes, dtype=np.int64) + 1, len(uniques) + 1


def service_codes(values: pd.Series, services: pd.Index) -> np.ndarray:
    """Position of each row's service code in ``services`` (-1 where unknown or empty)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = np.append(services.get_indexer(values.cat.categories.astype("object")), -1)
        return lookup[values.cat.codes.to_numpy(dtype=np.int64)]
    return services.get_indexer(values.astype("object"))


def combine_keys(person: np.ndarray, service: np.ndarray, n_services: int) -> np.ndarray:
    """One key per (person, service); -1 where either is unknown."""
    person = np.asarray(person, dtype=np.int64)
    service = np.asarray(service, dtype=np.int64)
    return np.where((person >= 0) & (service >= 0), person * n_services + service, -1)


def key_span(period: Period) -> int:
    """Coordinates of one key: the period's days plus a gap, so that keys never touch."""
    return int((period.end64 - period.start64).astype(np.int64)) + 3


def day_offset(days: np.ndarray, period: Period) -> np.ndarray:
    """Days since the period's start."""
    return (np.asarray(days, dtype="datetime64[D]") - period.start64).view(np.int64)


def stay_coordinates(
    start: np.ndarray, end: np.ndarray, period: Period, *, weekday: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Inclusive interval ends in days since the period's start, or for weekday services in weekdays.

    In weekdays, a start maps to the first weekday on or after it and an end to the last on or before it, so
    an interval without a weekday ends before it starts.
    """
    if not weekday:
        return day_offset(start, period), day_offset(end, period)
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    lo = np.busday_count(period.start64, start).astype(np.int64)
    hi = np.busday_count(period.start64, end + np.timedelta64(1, "D")).astype(np.int64) - 1
    return lo, hi


def days_since(dates: pd.Series, period: Period) -> np.ndarray:
    """Days from the period's start to each date (NaT: the smallest int64), with few passes over the rows."""
    ns = dates.to_numpy(dtype="datetime64[ns]").view(np.int64)
    days = ns // 86_400_000_000_000
    days -= int(period.start64.astype(np.int64))
    empty = ns == np.iinfo(np.int64).min
    if empty.any():
        days[empty] = np.iinfo(np.int64).min
    return days


def day_codes(day: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes 0..size-1 for equality of day numbers (0 = NaT, the smallest int64), without hashing."""
    empty = day == np.iinfo(np.int64).min
    if empty.all():
        return np.zeros(len(day), dtype=np.int64), 1
    first, last = int(day[~empty].min()), int(day[~empty].max())
    return np.where(empty, 0, day - first + 1), last - first + 2


def search_sorted(ordered: np.ndarray, values: np.ndarray, side: str) -> np.ndarray:
    """``np.searchsorted`` of many values in a long array, the values searched in order (far fewer cache misses)."""
    order = np.argsort(values, kind="stable")
    out = np.empty(len(values), dtype=np.int64)
    out[order] = np.searchsorted(ordered, values[order], side)
    return out


def points_covered(
    key: np.ndarray, day: np.ndarray, i_key: np.ndarray, i_start: np.ndarray, i_end: np.ndarray, *, n_keys: int,
    span: int,
) -> np.ndarray:
    """Whether each point (key, day) lies in one of the intervals of its key (inclusive day offsets).

    Keys are 0..n_keys-1 (-1: none). The intervals are merged per key; a key with one merged interval (the usual
    case) is answered by gathering its two ends, a key with several by a sorted search.
    """
    keep = (i_key >= 0) & (i_start <= i_end)
    if not keep.any():
        return np.zeros(len(key), dtype=bool)
    lo = i_key[keep] * span + i_start[keep]
    hi = i_key[keep] * span + i_end[keep]
    order = np.argsort(lo, kind="stable")
    lo, hi = lo[order], hi[order]
    reach = np.maximum.accumulate(hi)
    new = np.ones(len(lo), dtype=bool)
    new[1:] = lo[1:] > reach[:-1] + 1
    first = np.flatnonzero(new)
    u_lo = lo[first]
    u_hi = reach[np.append(first[1:] - 1, len(lo) - 1)]
    u_key = u_lo // span
    per_key = np.bincount(u_key, minlength=n_keys)
    # Per key (plus a last slot that key -1 picks): the one interval's ends, or an empty interval.
    one = np.flatnonzero(per_key[u_key] == 1)
    key_lo = np.full(n_keys + 1, np.iinfo(np.int32).max, dtype=np.int32)
    key_hi = np.full(n_keys + 1, -1, dtype=np.int32)
    key_lo[u_key[one]] = u_lo[one] - u_key[one] * span
    key_hi[u_key[one]] = u_hi[one] - u_key[one] * span
    covered = (key_lo[key] <= day) & (day <= key_hi[key])
    several = np.append(per_key > 1, False)
    if several.any():
        rows = np.flatnonzero(several[key])
        point = key[rows] * span + day[rows]
        idx = np.searchsorted(u_lo, point, "right") - 1
        covered[rows] = (idx >= 0) & (point <= u_hi[np.maximum(idx, 0)])
    return covered


def intervals_meet(
    key: np.ndarray, lo: np.ndarray, hi: np.ndarray, o_key: np.ndarray, o_lo: np.ndarray, o_hi: np.ndarray, *,
    span: int,
) -> np.ndarray:
    """Whether each interval (key, lo..hi) shares a day with some other interval of the same key."""
    if not len(o_key):
        return np.zeros(len(key), dtype=bool)
    start = o_key * span + o_lo
    order = np.argsort(start, kind="stable")
    start = start[order]
    reach = np.maximum.accumulate((o_key * span + o_hi)[order])
    # The intervals starting on or before this one's end: does the furthest of them reach its start?
    idx = np.searchsorted(start, key * span + hi, "right") - 1
    return (idx >= 0) & (reach[np.maximum(idx, 0)] >= key * span + lo)
