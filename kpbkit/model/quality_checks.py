"""Data-quality checks of the cleaning phases (issue 6) that only report: they never change volumes or costs.

Every check adds at most one finding (``kpbkit.quality.Findings``) with a stable check id, a count and an
``example`` made by :func:`describe_row`: the source file and row a person sees, plus non-identifying
fields (codes, dates, minutes, kronor). No example or detail ever carries a personnummer or a pseudonym.

The checks run on the canonical tables and the model's counted rows (``VolumeResult.counted_visits`` and
``VolumeResult.stays``) and are vectorised: a visits table of 10 M rows is factorised once and looked up
with gathers and sorted searches, never a Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpbkit.catalog import Catalog
from kpbkit.errors import InputError
from kpbkit.period import Period, to_day64
from kpbkit.quality import FIELDS, Findings, describe_row, kronor

if TYPE_CHECKING:
    from kpbkit.config import ClientConfig, QualitySection
    from kpbkit.ingest import CanonicalData
    from kpbkit.model.volumes import VolumeResult

#: visit fields that make two rows the same visit (duplicate_visits)
VISIT_KEY = ("person_id", "service_code", "date", "minutes", "provider_id", "staff_id")

#: plausibility limits: what a person reading the results would question
MAX_AGE = 110  # older than this at the period's end: person_age_implausible, population_age_implausible
HOURS_IN_A_MONTH = 744  # 31 days × 24 hours: a decision granting more is granted_hours_implausible
LARGE_LEDGER_ROW = 1e9  # kronor (absolute) of one ledger row: ledger_amount_implausible


# ------------------------------------------------------------------------------------------------ entry point


def run_quality_checks(data: CanonicalData, volumes: VolumeResult, config: ClientConfig, findings: Findings) -> None:
    """Every check of this module on one run's tables and counted rows (each adds at most one finding).

    A source table that is empty (not delivered) is not used as evidence: with no decisions at all,
    ``visit_without_decision`` is not checked, and hour (day) decisions are not checked for delivery
    without any visits (stays); ``table_missing`` already says so.
    """
    files = data.input_files
    period, quality = config.period, config.quality
    visits, counted = data.visits, volumes.counted_visits
    every_visit = VisitKeys.build(visits, config.catalog, period)  # factorised once, for all the visit checks
    positions = _positions(visits.index, counted)
    keys = every_visit.subset(positions) if positions is not None else VisitKeys.build(counted, config.catalog, period)
    check_duplicate_visits(visits, findings, file=files.get("visits"), keys=every_visit)
    check_duplicate_ids(data.decisions, "decision_id", "decisions", findings, file=files.get("decisions"))
    check_duplicate_ids(data.stays, "stay_id", "stays", findings, file=files.get("stays"))
    if len(data.decisions):
        check_visits_without_decision(counted, data.decisions, config.catalog, period, findings,
                                      file=files.get("visits"), keys=keys)
    units = {u for u, table in (("hour", visits), ("day", data.stays), ("weekday", data.stays)) if len(table)}
    check_decisions_without_delivery(data.decisions, counted, volumes.stays, config.catalog, period, findings,
                                     units=units, file=files.get("decisions"), keys=keys)
    check_minutes_implausible(counted, quality.max_visit_minutes, findings, file=files.get("visits"))
    check_outside_period(data.stays, "stays", period, findings, file=files.get("stays"))
    check_outside_period(data.decisions, "decisions", period, findings, file=files.get("decisions"))
    check_control_totals(data.ledger, quality, period, findings)
    for table in ("population", "population_forecast"):
        check_population_plausible(getattr(data, table), table, findings, file=files.get(table))
    deliveries = [(frame, name, files.get(name)) for name, frame in
                  (("visits", visits), ("decisions", data.decisions), ("stays", data.stays))]
    check_person_ages(data.persons, period, findings, deliveries=deliveries, file=files.get("persons"))
    check_granted_hours_implausible(data.decisions, findings, file=files.get("decisions"))
    check_ledger_amount_implausible(data.ledger, findings, file=files.get("ledger"))


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
        codes, persons = _person_codes(visits["person_id"])
        values = visits["service_code"]
        used = values.cat.categories if isinstance(values.dtype, pd.CategoricalDtype) else pd.unique(values.dropna())
        services = pd.Index([*catalog.services, *sorted(set(map(str, used)) - set(catalog.services))])
        key = codes  # the factorised codes are ours: build the key in place (10 M rows, no temporaries)
        key += 1
        key *= len(services) + 1
        key += _service_codes(values, services)
        key += 1
        return cls(key, _days_since(visits["date"], period), persons, services)

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
        service = _service_codes(frame["service_code"], self.services)
        return np.where((person >= 0) & (service >= 0), (person + 1) * (len(self.services) + 1) + service + 1, -1)


# ------------------------------------------------------------------------------------------------ duplicates


def check_duplicate_visits(
    visits: pd.DataFrame,
    findings: Findings,
    *,
    file: Path | None = None,
    keys: VisitKeys | None = None,
) -> int:
    """``duplicate_visits``: rows equal to an earlier row in every field of :data:`VISIT_KEY` (extra rows counted).

    Empty values compare equal. Found by sorting one integer key per row (the fields' codes in mixed radix),
    so the example is the second row of the smallest duplicated key, not necessarily the first in the file.
    ``keys`` are the :class:`VisitKeys` of ``visits`` (every row), when already built.
    """
    n = len(visits)
    if n < 2:
        return 0
    if keys is None:
        keys = VisitKeys.build(visits, Catalog(), Period.year(2000))  # any period: only equal days matter

    def fields() -> Iterator[tuple[np.ndarray, int]]:
        """Each field's codes and their count, one at a time (10 M rows: each is freed after use)."""
        yield keys.key, keys.n_keys  # person and service
        yield _day_codes(keys.day)
        for column in VISIT_KEY[3:]:  # minutes, provider_id, staff_id
            yield _factor(visits[column])

    key = np.zeros(n, dtype=np.int64)
    bound = 1  # every key is below this
    for codes, size in fields():  # mixed radix, in place
        if bound * size >= 2**62:
            key = pd.factorize(key)[0].astype(np.int64)  # compress before the key would overflow
            bound = n
        key *= size
        key += codes
        bound *= size
    ordered = np.sort(key)
    repeat = ordered[1:] == ordered[:-1]
    count = int(repeat.sum())
    if count:
        rows = np.flatnonzero(key == ordered[1:][repeat][0])  # the smallest duplicated key: rows[1] is extra
        findings.add(
            "duplicate_visits", "warning", "visits", count,
            f"{count} visit rows repeat an earlier row in person, service, date, minutes, provider and staff: the "
            "method counts every row, so they are still counted like any other row; if they are export "
            "duplicates, remove them at the source",
            example=describe_row(visits, int(rows[1]), "visits", file, (*FIELDS["visits"], "staff_id")),
        )
    return count


def check_duplicate_ids(
    frame: pd.DataFrame, id_column: str, table: str, findings: Findings, *, file: Path | None = None
) -> int:
    """``duplicate_decision_id`` / ``duplicate_stay_id``: rows sharing an id with an earlier row (extra rows counted).

    Every row is still used as it is (the check removes nothing); empty ids are not compared.
    """
    if not len(frame):
        return 0
    ids = frame[id_column]
    extra = ids.notna().to_numpy(dtype=bool) & ids.duplicated(keep="first").to_numpy(dtype=bool)
    count = int(extra.sum())
    if count:
        shared = int(pd.unique(ids[extra]).size)
        findings.add(
            f"duplicate_{id_column}", "warning", table, count,
            f"{count} rows share a {id_column} with an earlier row ({shared} ids): every row is still used "
            f"as it is; one {table[:-1]} should have one row",
            example=describe_row(frame, extra, table, file),
        )
    return count


# ----------------------------------------------------------------------------------- decisions vs deliveries


def check_visits_without_decision(
    counted: pd.DataFrame,
    decisions: pd.DataFrame,
    catalog: Catalog,
    period: Period,
    findings: Findings,
    *,
    file: Path | None = None,
    keys: VisitKeys | None = None,
) -> int:
    """``visit_without_decision``: counted visits with no decision of the person and service in force that day.

    A decision is in force from ``start_date`` to ``end_date`` inclusive (empty end: open); decisions ending
    before they start are ignored. ``counted`` are the model's counted visits (all in the period); ``keys``
    their :class:`VisitKeys`, when already built.
    """
    if not len(counted):
        return 0
    keys = keys if keys is not None else VisitKeys.build(counted, catalog, period)
    d = decisions[~(decisions["end_date"] < decisions["start_date"])]
    start, end, inside = period.clip(to_day64(d["start_date"]), to_day64(d["end_date"]))
    d_key = keys.of(d)
    ok = inside & (d_key >= 0)
    covered = _points_covered(keys.key, keys.day, d_key[ok], _offset(start[ok], period), _offset(end[ok], period),
                              n_keys=keys.n_keys, span=_span(period))
    flagged = ~covered
    count = int(flagged.sum())
    if count:
        findings.add(
            "visit_without_decision", "warning", "visits", count,
            f"{count} of {len(counted)} counted visits have no decision of the same person and service in force on "
            f"the visit's date ({_per_service(counted['service_code'], flagged)}): still counted in volumes and "
            "costs",
            example=describe_row(counted, flagged, "visits", file),
        )
    return count


def check_decisions_without_delivery(
    decisions: pd.DataFrame,
    counted: pd.DataFrame,
    stays: pd.DataFrame,
    catalog: Catalog,
    period: Period,
    findings: Findings,
    *,
    units: set[str] | frozenset[str] = frozenset({"hour", "day", "weekday"}),
    file: Path | None = None,
    keys: VisitKeys | None = None,
) -> int:
    """``decision_without_delivery`` (info): decisions in force in the period with no counted delivery while in force.

    Hour services look for a counted visit, day services for a counted stay day and weekday services for a
    counted stay weekday (Monday to Friday) of the same person and service, on a day the decision is in force
    inside the period. Month services are not checked: their volume is the decision itself.

    Parameters
    ----------
    decisions
        The canonical decisions (rows ending before they start and unknown services are skipped).
    counted
        The model's counted visits (``VolumeResult.counted_visits``).
    stays
        The model's counted stays (``VolumeResult.stays``: stays owning a day in the period).
    units
        The units checked (run_quality_checks leaves out a unit whose source table is empty).
    keys
        ``counted``'s :class:`VisitKeys`, when already built.
    """
    if not len(decisions) or not units:
        return 0
    unit_of = {code: s.unit for code, s in catalog.services.items()}
    unit = decisions["service_code"].astype("object").map(unit_of)
    start, end, inside = period.clip(to_day64(decisions["start_date"]), to_day64(decisions["end_date"]))
    valid = inside & ~(decisions["end_date"] < decisions["start_date"]).to_numpy(dtype=bool)
    checked = valid & unit.isin(sorted(units)).to_numpy(dtype=bool)
    delivered = np.zeros(len(decisions), dtype=bool)
    services = pd.Index(list(catalog.services))
    span = _span(period)

    hour = checked & (unit == "hour").to_numpy(dtype=bool)
    if hour.any() and len(counted):
        keys = keys if keys is not None else VisitKeys.build(counted, catalog, period)
        points = keys.key * span
        points += keys.day
        points.sort()
        key = keys.of(decisions[hour])
        lo = key * span + _offset(start[hour], period)
        hi = key * span + _offset(end[hour], period)
        found = (key >= 0) & (_search(points, hi, "right") > _search(points, lo, "left"))
        delivered[np.flatnonzero(hour)[found]] = True

    for stay_unit in ("day", "weekday"):
        sel = checked & (unit == stay_unit).to_numpy(dtype=bool)
        if not sel.any() or not len(stays):
            continue
        s = stays[stays["service_code"].astype("object").map(unit_of) == stay_unit]
        s_start, s_end, s_inside = period.clip(to_day64(s["start_date"]), to_day64(s["end_date"]))
        persons = pd.Index(pd.unique(s["person_id"].astype("object")))
        s_key = _combine(persons.get_indexer(s["person_id"].astype("object")),
                         _service_codes(s["service_code"], services), len(services))
        d = decisions[sel]
        d_key = _combine(persons.get_indexer(d["person_id"].astype("object")),
                         _service_codes(d["service_code"], services), len(services))
        weekday = stay_unit == "weekday"
        s_lo, s_hi = _stay_coordinates(s_start, s_end, period, weekday=weekday)
        d_lo, d_hi = _stay_coordinates(start[sel], end[sel], period, weekday=weekday)
        keep = s_inside & (s_key >= 0) & (s_lo <= s_hi)
        found = (d_key >= 0) & (d_lo <= d_hi) & _intervals_meet(
            d_key, d_lo, d_hi, s_key[keep], s_lo[keep], s_hi[keep], span=span)
        delivered[np.flatnonzero(sel)[found]] = True

    flagged = checked & ~delivered
    count = int(flagged.sum())
    if count:
        findings.add(
            "decision_without_delivery", "info", "decisions", count,
            f"{count} of {int(checked.sum())} decisions of hour, day and weekday services in force in the period "
            f"have no counted delivery of the same person and service while in force "
            f"({_per_service(decisions['service_code'], flagged)}): a paused insats can be right, missing time "
            "reports or stays are not",
            example=describe_row(decisions, flagged, "decisions", file),
        )
    return count


# -------------------------------------------------------------------------------------- plausibility, period


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
        )
    return count


# ------------------------------------------------------------------------------------------------ plausibility


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
    return f"{place}: {fields}"


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
            example=f"{place}, {kronor(float(amount[large].iloc[0]))}",
        )
    return count


# ------------------------------------------------------------------------------------------------ control totals


def check_control_totals(ledger: pd.DataFrame, quality: QualitySection, period: Period, findings: Findings) -> int:
    """``control_total_mismatch`` (error) or ``control_total_match`` (info), one finding per control total.

    The ledger sum is over rows dated in the period whose trimmed activity is one of ``activities`` and whose
    trimmed account starts with one of ``account_prefixes`` (an empty list matches every row). A mismatch is a
    difference above ``quality.control_tolerance`` kronor, compared to the öre. Returns the mismatches.
    """
    if not quality.control_totals:
        return 0
    dated = ledger[(ledger["date"] >= pd.Timestamp(period.start)) & (ledger["date"] <= pd.Timestamp(period.end))]
    activity = dated["activity"].astype("string").fillna("").str.strip()
    account = dated["account"].astype("string").fillna("").str.strip()
    amount = dated["amount"].to_numpy(dtype=float)
    mismatches = 0
    for total in quality.control_totals:
        sel = np.ones(len(dated), dtype=bool)
        if total.activities:
            sel &= activity.isin([a.strip() for a in total.activities]).to_numpy(dtype=bool)
        if total.account_prefixes:
            hit = np.zeros(len(dated), dtype=bool)
            for prefix in total.account_prefixes:
                hit |= account.str.startswith(prefix.strip()).to_numpy(dtype=bool, na_value=False)
            sel &= hit
        ledger_sum = round(float(amount[sel].sum()), 2)
        difference = round(ledger_sum - float(total.amount), 2)
        scope = _scope(total.activities, total.account_prefixes)
        text = (f"{total.label} ({scope}, {int(sel.sum())} ledger rows): ledger {kronor(ledger_sum)}, stated "
                f"{kronor(float(total.amount))}, difference {kronor(difference)}")
        if abs(difference) > quality.control_tolerance:
            mismatches += 1
            findings.add("control_total_mismatch", "error", "ledger", 1,
                         f"{text}: above the tolerance of {kronor(quality.control_tolerance)}")
        else:
            findings.add("control_total_match", "info", "ledger", 1,
                         f"{text}: within the tolerance of {kronor(quality.control_tolerance)}")
    return mismatches


def _scope(activities: Sequence[str], prefixes: Sequence[str]) -> str:
    parts = [f"activities {', '.join(activities)}" if activities else "every activity",
             f"accounts {', '.join(p + '*' for p in prefixes)}" if prefixes else "every account"]
    return "; ".join(parts)


# ------------------------------------------------------------------------------------------------ vectorised helpers


def _person_codes(person_id: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of the persons (-1 where empty) and the distinct ids they index."""
    codes, uniques = pd.factorize(person_id)
    return np.asarray(codes, dtype=np.int64), pd.Index(np.asarray(uniques, dtype=object))


def _positions(index: pd.Index, subset: pd.DataFrame) -> np.ndarray | None:
    """Positions in ``index`` of ``subset``'s index labels (the counted visits among the visits); None if unknown."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return subset.index.to_numpy(dtype=np.int64)
    if not index.is_unique:
        return None
    positions = index.get_indexer(subset.index)
    return positions if (positions >= 0).all() else None


def _factor(values: pd.Series) -> tuple[np.ndarray, int]:
    """Codes 0..size-1 for equality of values (0 = empty), cheap for categoricals."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype=np.int64) + 1, len(values.cat.categories) + 1
    codes, uniques = pd.factorize(values)
    return np.asarray(codes, dtype=np.int64) + 1, len(uniques) + 1


def _service_codes(values: pd.Series, services: pd.Index) -> np.ndarray:
    """Position of each row's service code in ``services`` (-1 where unknown or empty)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = np.append(services.get_indexer(values.cat.categories.astype("object")), -1)
        return lookup[values.cat.codes.to_numpy(dtype=np.int64)]
    return services.get_indexer(values.astype("object"))


def _combine(person: np.ndarray, service: np.ndarray, n_services: int) -> np.ndarray:
    """One key per (person, service); -1 where either is unknown."""
    person = np.asarray(person, dtype=np.int64)
    service = np.asarray(service, dtype=np.int64)
    return np.where((person >= 0) & (service >= 0), person * n_services + service, -1)


def _span(period: Period) -> int:
    """Coordinates of one key: the period's days plus a gap, so that keys never touch."""
    return int((period.end64 - period.start64).astype(np.int64)) + 3


def _offset(days: np.ndarray, period: Period) -> np.ndarray:
    """Days since the period's start."""
    return (np.asarray(days, dtype="datetime64[D]") - period.start64).view(np.int64)


def _stay_coordinates(
    start: np.ndarray, end: np.ndarray, period: Period, *, weekday: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Inclusive interval ends in days since the period's start, or for weekday services in weekdays.

    In weekdays, a start maps to the first weekday on or after it and an end to the last on or before it, so
    an interval without a weekday ends before it starts.
    """
    if not weekday:
        return _offset(start, period), _offset(end, period)
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    lo = np.busday_count(period.start64, start).astype(np.int64)
    hi = np.busday_count(period.start64, end + np.timedelta64(1, "D")).astype(np.int64) - 1
    return lo, hi


def _days_since(dates: pd.Series, period: Period) -> np.ndarray:
    """Days from the period's start to each date (NaT: the smallest int64), with few passes over the rows."""
    ns = dates.to_numpy(dtype="datetime64[ns]").view(np.int64)
    days = ns // 86_400_000_000_000
    days -= int(period.start64.astype(np.int64))
    empty = ns == np.iinfo(np.int64).min
    if empty.any():
        days[empty] = np.iinfo(np.int64).min
    return days


def _day_codes(day: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes 0..size-1 for equality of day numbers (0 = NaT, the smallest int64), without hashing."""
    empty = day == np.iinfo(np.int64).min
    if empty.all():
        return np.zeros(len(day), dtype=np.int64), 1
    first, last = int(day[~empty].min()), int(day[~empty].max())
    return np.where(empty, 0, day - first + 1), last - first + 2


def _search(ordered: np.ndarray, values: np.ndarray, side: str) -> np.ndarray:
    """``np.searchsorted`` of many values in a long array, the values searched in order (far fewer cache misses)."""
    order = np.argsort(values, kind="stable")
    out = np.empty(len(values), dtype=np.int64)
    out[order] = np.searchsorted(ordered, values[order], side)
    return out


def _points_covered(
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


def _intervals_meet(
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


def _per_service(codes: pd.Series, mask: np.ndarray) -> str:
    """``hemtjanst 3, pa_sfb 1``: the flagged rows per service code."""
    counts = pd.Series(codes.to_numpy()[mask]).astype("string").value_counts().sort_index()
    return ", ".join(f"{code} {n}" for code, n in counts.items())
