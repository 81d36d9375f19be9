"""The hour services: visit rows (with staff and a few data-quality defects) and their decisions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kpbkit.demo.synthetic.catalogue import HOUR_SERVICES, MONTH_DAYS, OPEN, P0, P1
from kpbkit.demo.synthetic.draw import (
    Case,
    clipped_days,
    dates,
    floats,
    intervals,
    numbered,
    provider_ids,
    split_counts,
    strings,
)


def draw_visits(
    case: Case, n_visits: int, volume: dict[tuple[str, bool], float]
) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
    """Visit rows of the hour services, and one or two decisions per person with granted hours.

    ``n_visits`` rows at the benchmark's shares; a profile's volume factors on the other hour services change
    their persons and rows (and so the total)."""
    rng = case.rng
    person_parts, service_parts, start_parts, end_parts, prov_parts = [], [], [], [], []
    for s, (code, share, per_person, _, _) in enumerate(HOUR_SERVICES):
        n = max(case.profile.min_persons, round(n_visits * (share * case.profile.factor(code)) / per_person))
        persons = case.persons_for(code, n)
        start, end = intervals(rng, n, "long")
        start = np.maximum(start, P0 - 3000)
        end = np.where((end != OPEN) & (end < P0 + 14), P0 + 14 + (rng.random(n) * 60).astype(np.int64), end)
        idx, _, weights = case.providers_of(code)
        person_parts.append(persons)
        service_parts.append(np.full(n, s))
        start_parts.append(start)
        end_parts.append(end)
        prov_parts.append(idx[rng.choice(len(idx), size=n, p=weights)])
    person = np.concatenate(person_parts)
    service = np.concatenate(service_parts)
    start, end = np.concatenate(start_parts), np.concatenate(end_parts)
    main_provider = np.concatenate(prov_parts)
    s, e = clipped_days(start, end)
    active = e - s + 1

    # Visit rows per person: the service's share, spread by a lognormal intensity times the active days.
    counts = np.zeros(len(person), dtype=np.int64)
    shares = np.array([h[1] * case.profile.factor(h[0]) for h in HOUR_SERVICES])
    scaled = any(case.profile.factor(h[0]) != 1.0 for h in HOUR_SERVICES)
    service_rows = split_counts(rng, round(n_visits * float(shares.sum())) if scaled else n_visits, shares)
    for k in range(len(HOUR_SERVICES)):
        sel = np.flatnonzero(service == k)
        intensity = rng.lognormal(0.0, 0.7, len(sel)) * active[sel]
        counts[sel] = split_counts(rng, int(service_rows[k]), intensity)
    row_person = np.repeat(np.arange(len(person)), counts)
    n = len(row_person)
    day = s[row_person] + (rng.random(n) * active[row_person]).astype(np.int64)
    row_service = service[row_person]
    minutes = np.zeros(n)
    for k, (_, _, _, choices, weights) in enumerate(HOUR_SERVICES):
        sel = row_service == k
        w = np.asarray(weights, dtype=float)
        minutes[sel] = rng.choice(np.asarray(choices, dtype=float), size=int(sel.sum()), p=w / w.sum())
    provider = main_provider[row_person]
    night_idx, _, _ = case.providers_of("nattpatrull")
    night = (row_service == 0) & (rng.random(n) < 0.05)
    provider = np.where(night, night_idx[0], provider)

    # Staff: a pool per provider (about 1 500 visits a year each); every person meets a few of them.
    n_prov = len(case.provider_names)
    per_provider = np.bincount(provider, minlength=n_prov)
    pool = np.maximum(5, per_provider // 1500)
    offset = np.concatenate([[0], np.cumsum(pool)[:-1]])
    base = (rng.random(len(person)) * 10_000).astype(np.int64)
    spread = np.where(row_service == 0, 8, 4)
    staff = offset[provider] + (base[row_person] + (rng.random(n) * spread).astype(np.int64)) % pool[provider]
    staff_labels = numbered("s", int(pool.sum()), 5)

    # Data-quality sprinkles: visits before the period, zero minutes, an unknown provider, missing staff.
    u = rng.random(n)
    day = np.where(u < 0.003, P0 - 1 - (rng.random(n) * 30).astype(np.int64), day)
    minutes = np.where((u >= 0.003) & (u < 0.0032), 0.0, minutes)
    unknown_provider = (u >= 0.0032) & (u < 0.00325)
    no_staff = rng.random(n) < 0.02

    # Calibration volumes: hours in the period per service and regi (unknown providers left out).
    regi_ext = np.array([r == "extern" for r in case.provider_regi])
    counted = (day >= P0) & (day <= P1) & (minutes > 0) & ~unknown_provider
    ext = regi_ext[provider]
    hours = np.bincount(row_service[counted] * 2 + ext[counted], weights=minutes[counted] / 60.0,
                        minlength=2 * len(HOUR_SERVICES))
    for k, (code, *_rest) in enumerate(HOUR_SERVICES):
        for x in (False, True):
            if hours[2 * k + x] > 0:
                volume[(code, x)] = volume.get((code, x), 0.0) + float(hours[2 * k + x])

    # Time-report extracts come sorted by date.
    order = np.argsort(day, kind="stable")
    provider_labels = [*provider_ids(case), "P999"]
    prov_col = np.where(unknown_provider, len(provider_labels) - 1, provider)[order]
    visits = {
        "_person": person[row_person][order],
        "service_code": strings([h[0] for h in HOUR_SERVICES], row_service[order]),
        "date": dates(day[order]),
        "minutes": floats(minutes[order]),
        "provider_id": strings(provider_labels, prov_col),
        "staff_id": strings(staff_labels, staff[order], no_staff[order]),
    }

    # Decisions: granted hours per month = delivered hours per active month x 1.0-1.35; 15 % change mid-year.
    delivered = np.bincount(row_person[counted], weights=minutes[counted] / 60.0, minlength=len(person))
    granted = delivered / np.maximum(active / MONTH_DAYS, 0.5) * rng.uniform(1.0, 1.35, len(person))
    granted = np.maximum(0.5, np.round(granted * 2) / 2)
    change = (rng.random(len(person)) < 0.15) & (active > 60)
    cut = s + (active * rng.uniform(0.3, 0.7, len(person))).astype(np.int64)
    first_end = np.where(change, cut - 1, end)
    first_hours = np.where(change, np.round(granted * rng.uniform(0.7, 0.95, len(person)) * 2) / 2, granted)
    second = np.flatnonzero(change)
    decision_person = np.concatenate([np.arange(len(person)), second])
    dec = {
        "_person": person[decision_person],
        "service": np.concatenate([service, service[second]]),
        "start": np.concatenate([start, cut[second]]),
        "end": np.concatenate([first_end, end[second]]),
        "hours": np.concatenate([first_hours, np.round(granted[second] * rng.uniform(1.05, 1.3, len(second)) * 2) / 2]),
        "provider": np.concatenate([main_provider, main_provider[second]]),
    }
    dec["codes"] = np.array([h[0] for h in HOUR_SERVICES], dtype=object)[dec["service"]]
    return visits, dec
