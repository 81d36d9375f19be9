"""Day arithmetic on intervals and ages."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpbkit.period import Period, age_on, interval_days, interval_months, interval_weekdays


def d(text: str) -> np.ndarray:
    return np.array([text], dtype="datetime64[D]")


def test_days_are_inclusive() -> None:
    assert interval_days(d("2025-03-01"), d("2025-03-01"))[0] == 1
    assert interval_days(d("2025-01-01"), d("2025-12-31"))[0] == 365


def test_weekdays_count_monday_to_friday_including_holidays() -> None:
    # 2025-12-22 is a Monday; 22..28 Dec holds Mon-Fri (incl. Christmas Day, which counts) + Sat, Sun
    assert interval_weekdays(d("2025-12-22"), d("2025-12-28"))[0] == 5
    assert interval_weekdays(d("2025-12-27"), d("2025-12-28"))[0] == 0
    assert interval_weekdays(d("2025-01-01"), d("2025-12-31"))[0] == 261


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-01-01", "2025-12-31", 12.0),
        ("2025-01-01", "2025-06-30", 6.0),
        ("2025-02-01", "2025-02-14", 14 / 28),
        ("2025-01-17", "2025-02-14", 15 / 31 + 14 / 28),
        ("2024-02-01", "2024-02-29", 1.0),  # leap February
    ],
)
def test_month_fractions(start: str, end: str, expected: float) -> None:
    assert interval_months(d(start), d(end))[0] == pytest.approx(expected, rel=1e-12)


def test_clip_treats_empty_end_as_ongoing() -> None:
    period = Period.year(2025)
    s, e, inside = period.clip(
        np.array(["2024-06-01", "2026-01-01", "2024-01-01"], dtype="datetime64[D]"),
        np.array(["NaT", "NaT", "2024-12-31"], dtype="datetime64[D]"),
    )
    assert inside.tolist() == [True, False, False]
    assert str(s[0]) == "2025-01-01" and str(e[0]) == "2025-12-31"


def test_period_label() -> None:
    assert Period.year(2025).label == "2025"
    assert Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30)).label == "2025-01-01_2025-06-30"
    with pytest.raises(ValueError):
        Period(dt.date(2025, 2, 1), dt.date(2025, 1, 1))


def test_age_in_completed_years_with_leap_day_birthday() -> None:
    births = pd.Series(pd.to_datetime(["1945-12-31", "1946-01-01", "2004-02-29", "2004-02-29", None]))
    assert age_on(births, dt.date(2025, 12, 31)).tolist()[:3] == [80, 79, 21]
    # 29 February falls on 1 March in other years: not yet 21 on 28 Feb 2025, 21 on 1 March
    assert age_on(births.iloc[[2]], dt.date(2025, 2, 28)).iloc[0] == 20
    assert age_on(births.iloc[[2]], dt.date(2025, 3, 1)).iloc[0] == 21
    assert pd.isna(age_on(births, dt.date(2025, 12, 31)).iloc[4])
