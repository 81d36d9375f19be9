"""Plausibility: values a person reading the results would question (visit minutes, ages, granted hours,
ledger amounts, inhabitants), rows entirely outside the period, and a ledger with no row in the period (a stop).

Every value is still used as given; a finding says where to look.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.errors import InputError
from kpbkit.period import Period
from kpbkit.quality import FIELDS, Example, Findings, describe_row, kronor

#: plausibility limits: what a person reading the results would question
MAX_AGE = 110  # older than this at the period's end: person_age_implausible, population_age_implausible
HOURS_IN_A_MONTH = 744  # 31 days × 24 hours: a decision granting more is granted_hours_implausible
LARGE_LEDGER_ROW = 1e9  # kronor (absolute) of one ledger row: ledger_amount_implausible


def check_minutes_implausible(
    counted: pd.DataFrame, max_minutes: float, findings: Findings, *, file: Path | None = None
) -> int:
    """``minutes_implausible``: counted visits longer than ``max_minutes`` (``quality.max_visit_minutes``)."""
    if not len(counted):
        return 0
    long = (counted["minutes"] > max_minutes).to_numpy(dtype=bool)
    count = int(long.sum())
    if count:
        findings.add(
            "minutes_implausible", "warning", "visits", count,
            f"{count} counted visits are longer than {max_minutes:g} minutes (quality.max_visit_minutes), "
            f"{float(counted.loc[long, 'minutes'].sum()) / 60:.1f} hours in all: still counted in volumes; check the "
            "time report",
            example=describe_row(counted, long, "visits", file),
            values={"max_minutes": float(max_minutes), "hours": float(counted.loc[long, "minutes"].sum()) / 60},
        )
    return count


def check_outside_period(
    frame: pd.DataFrame, table: str, period: Period, findings: Findings, *, file: Path | None = None
) -> int:
    """``stay_outside_period`` / ``decision_outside_period`` (info): rows entirely before or after the period.

    Rows ending before they start are left to ``end_before_start``.
    """
    if not len(frame):
        return 0
    start, end = frame["start_date"], frame["end_date"]
    ordered = ~(end < start).to_numpy(dtype=bool)
    before = (end < pd.Timestamp(period.start)).to_numpy(dtype=bool)  # NaT (open) is never before
    after = (start > pd.Timestamp(period.end)).to_numpy(dtype=bool)
    outside = ordered & (before | after)
    count = int(outside.sum())
    if count:
        findings.add(
            f"{table[:-1]}_outside_period", "info", table, count,
            f"{table} entirely before ({int((ordered & before).sum())}) or after ({int((ordered & after).sum())}) "
            "the period: ignored by the volumes",
            example=describe_row(frame, outside, table, file),
            values={"before": int((ordered & before).sum()), "after": int((ordered & after).sum())},
        )
    return count


def require_ledger_in_period(ledger: pd.DataFrame, period: Period, *, file: Path | None = None) -> None:
    """Stop the run when no ledger row is dated in the period: there would be no money to allocate.

    Raises :class:`~kpbkit.errors.InputError` naming the ledger file, the period and the dates the ledger holds
    (a ledger of another year, or an export with the wrong date range, is the usual cause). Some rows outside the
    period are only the ``ledger_outside_period`` finding.
    """
    dates = pd.to_datetime(ledger["date"]) if len(ledger) else pd.Series([], dtype="datetime64[ns]")
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    if ((dates >= start) & (dates <= end)).any():
        return
    span = f"the period {period.label} ({period.start.isoformat()} to {period.end.isoformat()})"
    if not len(ledger):
        held = "the ledger has no rows"
    elif dates.notna().any():
        held = (f"its {len(ledger)} rows are dated {dates.min().date().isoformat()} to "
                f"{dates.max().date().isoformat()}")
    else:
        held = f"its {len(ledger)} rows have no dates"
    raise InputError(
        f"no ledger row is dated in {span}: {held}, so there is no money to allocate",
        file=file,
        fix=f"export the ledger for {period.start.isoformat()} to {period.end.isoformat()}, or set the config's "
            "period to the year the ledger covers",
    )


def check_population_plausible(
    population: pd.DataFrame, table: str, findings: Findings, *, file: Path | None = None
) -> int:
    """``population_count_negative`` and ``population_age_implausible`` (warnings): rows a person would question.

    A negative number of inhabitants, or an age over :data:`MAX_AGE`, is used as given (by the per-inhabitant
    key figures and the forecast) but is almost always a broken export: swapped columns, a difference row, a code.
    Returns the rows found.
    """
    if not len(population):
        return 0
    count = pd.to_numeric(population["count"], errors="coerce")
    age = pd.to_numeric(population["age"], errors="coerce")
    found = 0
    negative = (count < 0).to_numpy(dtype=bool)
    if negative.any():
        n = int(negative.sum())
        findings.add(
            "population_count_negative", "warning", table, n,
            f"{n} {table} rows have a negative number of inhabitants ({float(count[negative].sum()):g} in all): "
            "used as given by the per-inhabitant key figures and the forecast; check the export",
            example=_population_example(population, negative, table, file),
            values={"inhabitants": float(count[negative].sum())},
        )
        found += n
    old = (age > MAX_AGE).to_numpy(dtype=bool)
    if old.any():
        n = int(old.sum())
        findings.add(
            "population_age_implausible", "warning", table, n,
            f"{n} {table} rows have an age over {MAX_AGE} (up to {int(age[old].max())}): used as given; "
            "population files end at 100 or 100+, so the age column may hold something else",
            example=_population_example(population, old, table, file),
            values={"max_age": MAX_AGE, "oldest": int(age[old].max())},
        )
        found += n
    return found


def _population_example(frame: pd.DataFrame, mask: np.ndarray, table: str, file: Path | None) -> str:
    """``population.csv row 3: year 2025, age 111, sex K, count -101``: the row's fields are aggregates."""
    place = describe_row(frame, mask, table, file, columns=())
    row = frame.iloc[int(np.argmax(mask))]
    fields = ", ".join(f"{column} {row[column]:g}" if isinstance(row[column], (int, float, np.number))
                       else f"{column} {row[column]}" for column in ("year", "age", "sex", "count")
                       if column in frame.columns)
    parts = {**getattr(place, "parts", {}), "fields": {column: row[column] for column in ("year", "age", "sex", "count")
                                                       if column in frame.columns}}
    return Example(f"{place}: {fields}", parts)


def check_person_ages(
    persons: pd.DataFrame,
    period: Period,
    findings: Findings,
    *,
    deliveries: Sequence[tuple[pd.DataFrame, str, Path | None]] = (),
    file: Path | None = None,
) -> int:
    """``person_age_implausible`` (warning): persons older than :data:`MAX_AGE` at the period's end.

    The birth date is the personnummer's (or the persons file's where it has none); a century wrong in a
    10-digit number (``+`` for ``-``) or a made-up number makes a person 111 or older. The example is the first
    row of such a person in ``deliveries`` (table, name, file), else the persons file; never the person.
    """
    if not len(persons):
        return 0
    born = pd.to_datetime(persons["birth_date"])
    end = pd.Timestamp(period.end)
    later_in_year = (born.dt.month > end.month) | ((born.dt.month == end.month) & (born.dt.day > end.day))
    age = end.year - born.dt.year - later_in_year.astype(int)
    old = (age > MAX_AGE).fillna(False).to_numpy(dtype=bool)
    count = int(old.sum())
    if not count:
        return 0
    ids = set(persons.loc[old, "person_id"].dropna())
    example = ""
    for frame, table, source in deliveries:
        if len(frame) and "person_id" in frame.columns:
            hit = frame["person_id"].isin(ids).to_numpy(dtype=bool)
            if hit.any():
                example = describe_row(frame, hit, table, source)
                break
    findings.add(
        "person_age_implausible", "warning", "persons", count,
        f"{count} persons are over {MAX_AGE} years old at the period's end ({period.end.isoformat()}; oldest "
        f"{int(age[old].max())}): still counted, in the oldest age group; check the personnummer (century) or "
        "birth date",
        example=example or describe_row(persons, old, "persons", file, columns=()),
        values={"max_age": MAX_AGE, "end": period.end.isoformat(), "oldest": int(age[old].max())},
    )
    return count


def check_granted_hours_implausible(decisions: pd.DataFrame, findings: Findings, *, file: Path | None = None) -> int:
    """``granted_hours_implausible`` (warning): decisions granting more than :data:`HOURS_IN_A_MONTH` hours a month.

    No month has more than 744 hours (31 × 24); more is usually hours per year, or minutes, in the hours column.
    The decision is still used as given (granted hours, delivery ratio, the six-month report).
    """
    if not len(decisions) or "granted_hours_per_month" not in decisions.columns:
        return 0
    hours = pd.to_numeric(decisions["granted_hours_per_month"], errors="coerce")
    over = (hours > HOURS_IN_A_MONTH).to_numpy(dtype=bool)
    count = int(over.sum())
    if count:
        findings.add(
            "granted_hours_implausible", "warning", "decisions", count,
            f"{count} decisions grant more than {HOURS_IN_A_MONTH} hours a month, more than a month has (up to "
            f"{float(hours[over].max()):g}): used as given in granted hours and the delivery ratio; check whether "
            "the column holds hours per year or minutes (personal assistance with two assistants at once can "
            "legitimately exceed it)",
            example=describe_row(decisions, over, "decisions", file,
                                 (*FIELDS["decisions"], "granted_hours_per_month")),
            values={"limit": HOURS_IN_A_MONTH, "largest": float(hours[over].max())},
        )
    return count


def check_ledger_amount_implausible(ledger: pd.DataFrame, findings: Findings, *, file: Path | None = None) -> int:
    """``ledger_amount_implausible`` (warning): ledger rows of :data:`LARGE_LEDGER_ROW` kronor or more (absolute).

    One row of a billion kronor is more than a municipality's whole care budget in most cases: a stray digit, an
    amount in öre, or a total row exported as a row. The row is still allocated (every row in the period is).
    """
    if not len(ledger):
        return 0
    amount = pd.to_numeric(ledger["amount"], errors="coerce")
    large = (amount.abs() >= LARGE_LEDGER_ROW).to_numpy(dtype=bool)
    count = int(large.sum())
    if count:
        place = describe_row(ledger, large, "ledger", file, ("date", "activity", "account", "responsibility"))
        total = kronor(float(amount[large].sum()))
        findings.add(
            "ledger_amount_implausible", "warning", "ledger", count,
            f"{count} ledger rows of {kronor(LARGE_LEDGER_ROW)} or more (absolute), {total} in all: still allocated "
            "like any other row; check for a stray digit, öre instead of kronor or a total row",
            example=Example(f"{place}, {kronor(float(amount[large].iloc[0]))}",
                            {**getattr(place, "parts", {}), "fields": {**getattr(place, "parts", {}).get("fields", {}),
                                                                       "amount": float(amount[large].iloc[0])}}),
            values={"limit_amount": LARGE_LEDGER_ROW, "amount": float(amount[large].sum())},
        )
    return count
