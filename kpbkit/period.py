"""The analysis period and vectorised day arithmetic on date intervals.

All interval helpers take numpy ``datetime64[D]`` arrays of inclusive start and end dates that are
already clipped to the period (``start <= end``), and return one number per interval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Period:
    """An inclusive analysis period, by default a calendar year."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def is_calendar_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        )

    @property
    def label(self) -> str:
        """The output folder name: ``2025`` for a calendar year, else ``2025-01-01_2025-06-30``."""
        if self.is_calendar_year:
            return str(self.start.year)
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def start64(self) -> np.datetime64:
        return np.datetime64(self.start, "D")

    @property
    def end64(self) -> np.datetime64:
        return np.datetime64(self.end, "D")

    def clip(self, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Clip inclusive intervals to the period; NaT ends mean open-ended.

        Returns the clipped starts, ends and a mask of intervals with at least one day in the period.
        """
        start = np.asarray(start, dtype="datetime64[D]")
        end = np.asarray(end, dtype="datetime64[D]")
        end = np.where(np.isnat(end), self.end64, end)
        s = np.maximum(start, self.start64)
        e = np.minimum(end, self.end64)
        inside = ~np.isnat(start) & (s <= e)
        return s, e, inside


def to_day64(values: pd.Series) -> np.ndarray:
    """A datetime Series (NaT allowed) as ``datetime64[D]``."""
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def interval_days(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Calendar days in each inclusive interval."""
    return (end - start).astype(np.int64) + 1


def interval_weekdays(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Monday-to-Friday days in each inclusive interval (public holidays count)."""
    return np.busday_count(start, end + np.timedelta64(1, "D")).astype(np.int64)


def interval_months(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Month fractions of each inclusive interval.

    For every calendar month the interval touches: days inside that month / days of the month,
    summed. A whole calendar year gives 12.0.
    """
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    if len(start) == 0:
        return np.zeros(0, dtype=float)
    m_start = start.astype("datetime64[M]")
    m_end = end.astype("datetime64[M]")
    n_months = (m_end - m_start).astype(np.int64) + 1
    owner = np.repeat(np.arange(len(start)), n_months)
    offset = np.arange(n_months.sum()) - np.repeat(np.cumsum(n_months) - n_months, n_months)
    month = m_start[owner] + offset.astype("timedelta64[M]")
    first = month.astype("datetime64[D]")
    last = (month + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    days_in_month = (last - first).astype(np.int64) + 1
    lo = np.maximum(start[owner], first)
    hi = np.minimum(end[owner], last)
    frac = ((hi - lo).astype(np.int64) + 1) / days_in_month
    return np.bincount(owner, weights=frac, minlength=len(start))


def age_on(birth: pd.Series, on: dt.date) -> pd.Series:
    """Completed years on ``on`` (nullable Int64; NA where the birth date is unknown).

    A 29 February birthday falls on 1 March in other years, which plain (month, day) comparison
    already gives: (2, 28) < (2, 29) < (3, 1).
    """
    birth = pd.to_datetime(birth)
    years = on.year - birth.dt.year
    before_birthday = (on.month < birth.dt.month) | ((on.month == birth.dt.month) & (on.day < birth.dt.day))
    age = years - before_birthday.astype("Int64")
    return age.astype("Int64")
