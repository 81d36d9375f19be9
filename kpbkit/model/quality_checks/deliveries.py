"""Decisions against deliveries: counted visits without a decision in force, decisions without a delivery."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.catalog import Catalog
from kpbkit.model.quality_checks.keys import (
    VisitKeys,
    combine_keys,
    day_offset,
    intervals_meet,
    key_span,
    points_covered,
    search_sorted,
    service_codes,
    stay_coordinates,
)
from kpbkit.period import Period, to_day64
from kpbkit.quality import Findings, describe_row


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
    covered = points_covered(keys.key, keys.day, d_key[ok], day_offset(start[ok], period), day_offset(end[ok], period),
                              n_keys=keys.n_keys, span=key_span(period))
    flagged = ~covered
    count = int(flagged.sum())
    if count:
        findings.add(
            "visit_without_decision", "warning", "visits", count,
            f"{count} of {len(counted)} counted visits have no decision of the same person and service in force on "
            f"the visit's date ({_per_service(counted['service_code'], flagged)}): still counted in volumes and "
            "costs",
            example=describe_row(counted, flagged, "visits", file),
            values={"counted": len(counted), "per_service": _per_service_counts(counted["service_code"], flagged)},
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
    span = key_span(period)

    hour = checked & (unit == "hour").to_numpy(dtype=bool)
    if hour.any() and len(counted):
        keys = keys if keys is not None else VisitKeys.build(counted, catalog, period)
        points = keys.key * span
        points += keys.day
        points.sort()
        key = keys.of(decisions[hour])
        lo = key * span + day_offset(start[hour], period)
        hi = key * span + day_offset(end[hour], period)
        found = (key >= 0) & (search_sorted(points, hi, "right") > search_sorted(points, lo, "left"))
        delivered[np.flatnonzero(hour)[found]] = True

    for stay_unit in ("day", "weekday"):
        sel = checked & (unit == stay_unit).to_numpy(dtype=bool)
        if not sel.any() or not len(stays):
            continue
        s = stays[stays["service_code"].astype("object").map(unit_of) == stay_unit]
        s_start, s_end, s_inside = period.clip(to_day64(s["start_date"]), to_day64(s["end_date"]))
        persons = pd.Index(pd.unique(s["person_id"].astype("object")))
        s_key = combine_keys(persons.get_indexer(s["person_id"].astype("object")),
                         service_codes(s["service_code"], services), len(services))
        d = decisions[sel]
        d_key = combine_keys(persons.get_indexer(d["person_id"].astype("object")),
                         service_codes(d["service_code"], services), len(services))
        weekday = stay_unit == "weekday"
        s_lo, s_hi = stay_coordinates(s_start, s_end, period, weekday=weekday)
        d_lo, d_hi = stay_coordinates(start[sel], end[sel], period, weekday=weekday)
        keep = s_inside & (s_key >= 0) & (s_lo <= s_hi)
        found = (d_key >= 0) & (d_lo <= d_hi) & intervals_meet(
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
            values={"checked": int(checked.sum()),
                    "per_service": _per_service_counts(decisions["service_code"], flagged)},
        )
    return count


def _per_service_counts(codes: pd.Series, mask: np.ndarray) -> dict[str, int]:
    """``{"hemtjanst": 3, "pa_sfb": 1}``: the flagged rows per service code, for a finding's values."""
    counts = pd.Series(np.asarray(codes)[np.asarray(mask, dtype=bool)]).astype("string").value_counts().sort_index()
    return {str(code): int(n) for code, n in counts.items()}


def _per_service(codes: pd.Series, mask: np.ndarray) -> str:
    """``hemtjanst 3, pa_sfb 1``: the flagged rows per service code."""
    counts = pd.Series(codes.to_numpy()[mask]).astype("string").value_counts().sort_index()
    return ", ".join(f"{code} {n}" for code, n in counts.items())
