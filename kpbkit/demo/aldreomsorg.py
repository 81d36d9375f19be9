"""Äldreomsorg: home care (with reassessments, alarms, respite and day care), nursing homes and alarm-only users,
with the planted overlaps.
"""

from __future__ import annotations

import numpy as np

from kpbkit.demo.common import (
    DELIVERY_RATIO,
    DELIVERY_RATIO_DEFAULT,
    HOME_CARE_UNITS,
    HOURS_SCALE,
    LOV_PROVIDERS,
    LOV_SHARE,
    NAT,
    P0,
    P1,
    PROVIDER_HOURS_FACTOR,
    YEAR,
    between,
    pick,
    plus,
)
from kpbkit.demo.persons import People, select_old
from kpbkit.demo.rows import Rows, Segment, draw_team, granted_per_month

# ------------------------------------------------------------------------------------------------ äldreomsorg


def _decision_lag(rng: np.random.Generator) -> int:
    """Days from decision to the first visit: 1-30, most within two weeks."""
    return 1 + min(29, int(rng.gamma(1.5, 5.0)))


def _delivery_ratio(rng: np.random.Generator, provider: str) -> float:
    """Delivered / granted hours of a brukare at ``provider`` (one provider planted well short of the others)."""
    mean, sd = DELIVERY_RATIO.get(provider, DELIVERY_RATIO_DEFAULT)
    return float(np.clip(rng.normal(mean, sd), mean - 2.5 * sd, min(1.05, mean + 2.5 * sd)))


def _granted(hours: float, provider: str) -> float:
    """Granted hours with the planted provider difference, to the half hour."""
    factor = HOURS_SCALE * PROVIDER_HOURS_FACTOR.get(provider, 1.0)
    return max(2.0, round(hours * factor * 2) / 2)


def _home_care(people: People, persons: np.ndarray, rows: Rows, rng: np.random.Generator) -> list[tuple]:
    """Home-care decisions and visit segments; returns (person, exit day, kind, age) of those who leave in 2025."""
    exits = []
    for p in persons:
        age = int(people.age[p])
        ongoing = rng.random() < 0.72
        start = plus(P0, -(20 + rng.exponential(650))) if ongoing else plus(P0, rng.integers(2, 345))
        lag = _decision_lag(rng)
        offset = min(int(rng.integers(0, 3)), lag - 1)
        decided = plus(start, offset - lag)
        exit_day, kind = NAT, ""
        lo, hi = max(plus(start, 21), plus(P0, 10)), plus(P1, -5)
        if rng.random() < 0.2 and lo <= hi:
            exit_day = between(rng, lo, hi)
            kind = "sabo" if age >= 75 and rng.random() < 0.45 else "end"
            exits.append((p, exit_day, kind, age))
        end = exit_day if kind else (NAT if rng.random() < 0.7 else plus(P1, rng.integers(30, 400)))
        hours = granted_per_month(rng, 0.14 if age < 65 else 0.10)
        lov = rng.random() < LOV_SHARE
        provider = pick(rng, LOV_PROVIDERS) if lov else pick(rng, HOME_CARE_UNITS)
        hours = _granted(hours, provider)
        ratio = _delivery_ratio(rng, provider)
        minutes = float(np.clip(26 + 8 * np.log1p(hours / 10) + rng.normal(0, 4), 20, 65))
        team = draw_team(rng, provider)
        first = max(plus(start, offset), P0)
        last = min(end, P1) if not np.isnat(end) else P1
        pieces = [(start, end, hours, provider, decided, first, last, team)]
        if last >= first and (last - first).astype(np.int64) >= 120 and rng.random() < 0.25:
            # Reassessment: a new decision replaces the old one mid-year, mostly with more hours.
            span = int((last - first).astype(np.int64))
            cut = plus(first, 30 + rng.integers(0, span - 59))
            new_hours = max(2.0, round(hours * float(rng.lognormal(0.12, 0.2)) * 2) / 2)
            new_provider, new_team = provider, team
            if rng.random() < 0.1:
                new_provider = pick(rng, LOV_PROVIDERS if rng.random() < 0.5 else HOME_CARE_UNITS)
                new_team = draw_team(rng, new_provider)
            new_decided = plus(cut, -(1 + min(20, int(rng.gamma(1.5, 4.0)))))
            pieces = [
                (start, plus(cut, -1), hours, provider, decided, first, plus(cut, -1), team),
                (cut, end, new_hours, new_provider, new_decided, cut, last, new_team),
            ]
        for d_start, d_end, d_hours, d_provider, d_decided, v_first, v_last, v_team in pieces:
            rows.decision(p, "hemtjanst", d_decided, d_start, d_end, d_hours, d_provider)
            if v_last >= v_first:
                rows.segments.append(
                    Segment(p, "hemtjanst", d_provider, v_first, v_last, d_hours,
                            ratio if d_provider == provider else _delivery_ratio(rng, d_provider), minutes, v_team)
                )
        if age >= 65 and rng.random() < 0.7:
            alarm_start = plus(start, -rng.integers(0, 500))
            provider_tl = "TL" if rng.random() < 0.8 else ""
            rows.decision(p, "trygghetslarm", plus(alarm_start, -rng.integers(1, 20)), alarm_start, exit_day,
                          provider=provider_tl)
        if age >= 65 and rng.random() < 0.10:  # respite stays, one after the other, before any exit
            earliest = max(P0, first)
            latest = plus(P1, -10) if np.isnat(exit_day) else min(plus(P1, -10), plus(exit_day, -25))
            for _ in range(int(rng.integers(1, 3))):
                if earliest > latest:
                    break
                k_start = between(rng, earliest, latest)
                k_end = plus(k_start, rng.integers(4, 21))
                rows.decision(p, "korttid_aldre", plus(k_start, -rng.integers(1, 10)), k_start, k_end, provider="KTA")
                rows.stay(p, "korttid_aldre", k_start, k_end, "KTA")
                earliest = plus(k_end, 14)
        if age >= 65 and rng.random() < 0.07:
            d_start = plus(P0, -rng.integers(10, 500)) if rng.random() < 0.6 else between(rng, P0, plus(P1, -30))
            if not np.isnat(exit_day) and d_start >= exit_day:
                d_start = plus(exit_day, -rng.integers(60, 400))
            rows.decision(p, "dagverksamhet_aldre", plus(d_start, -rng.integers(5, 30)), d_start, exit_day,
                          provider="DVA")
            rows.stay(p, "dagverksamhet_aldre", d_start, exit_day, "DVA")
    return exits


def _sabo_stay(rows: Rows, rng: np.random.Generator, person: int, start: np.datetime64, end: np.datetime64) -> None:
    unit = pick(rng, {"SB1": 0.38, "SB2": 0.32, "SB3": 0.30})
    price = float(rng.choice([2290.0, 2360.0, 2440.0, 2510.0])) if unit == "SB3" else np.nan
    rows.decision(person, "sarskilt_boende", plus(start, -rng.integers(7, 60)), start, end, provider=unit)
    rows.stay(person, "sarskilt_boende", start, end, unit, price)


def add_aldreomsorg(people: People, pop: np.ndarray, rows: Rows, rng: np.random.Generator) -> None:
    roles = select_old(people, pop, rng)
    n_old = len(roles["hem"])
    under_65 = people.free(25, 64)
    weights = np.exp((people.age[under_65] - 64) / 12.0)
    n_young = int(round(n_old * 0.085 / 0.915))
    young = rng.choice(under_65, size=n_young, replace=False, p=weights / weights.sum())
    people.used[young] = True
    exits = _home_care(people, np.concatenate([roles["hem"], young]), rows, rng)
    for person, exit_day, kind, _ in exits:
        if kind != "sabo":
            continue
        start = plus(exit_day, 1)
        if rng.random() < 0.5:  # via a short-term stay
            k_end = plus(start, rng.integers(7, 29))
            rows.decision(person, "korttid_aldre", plus(start, -rng.integers(1, 5)), start, k_end, provider="KTA")
            rows.stay(person, "korttid_aldre", start, k_end, "KTA")
            start = plus(k_end, 1)
        if start <= P1:
            end = between(rng, plus(start, 10), plus(P1, 60)) if rng.random() < 0.15 else NAT
            _sabo_stay(rows, rng, person, start, end if np.isnat(end) or end <= P1 else NAT)
    for person in roles["sabo"]:
        ongoing = rng.random() < 0.78
        start = plus(P0, -(10 + rng.exponential(800))) if ongoing else between(rng, P0, plus(P1, -10))
        end = NAT
        lo, hi = max(plus(start, 10), plus(P0, 5)), plus(P1, -3)
        if rng.random() < 0.27 and lo <= hi:
            end = between(rng, lo, hi)
        _sabo_stay(rows, rng, int(person), start, end)
    for person in roles["alarm"]:
        start = plus(P0, -(30 + rng.exponential(900))) if rng.random() < 0.8 else between(rng, P0, plus(P1, -20))
        end = NAT
        if rng.random() < 0.1:
            end = between(rng, max(plus(start, 20), P0), P1)
        rows.decision(int(person), "trygghetslarm", plus(start, -rng.integers(1, 20)), start, end,
                      provider="TL" if rng.random() < 0.8 else "")
        if rng.random() < 0.05:
            k_start = between(rng, P0, plus(P1, -20))
            k_end = plus(k_start, rng.integers(5, 15))
            rows.decision(int(person), "korttid_aldre", plus(k_start, -3), k_start, k_end, provider="KTA")
            rows.stay(int(person), "korttid_aldre", k_start, k_end, "KTA")
    _plant_aldre_overlaps(rows)


def _plant_aldre_overlaps(rows: Rows) -> None:
    """A nursing-home move registered with four overlapping days, and a short-term stay entered twice."""
    for i, (person, service, start, end, provider, price, law) in enumerate(rows.stays):
        if service == "sarskilt_boende" and provider == "SB1" and np.isnat(end) and start < P0:
            move = np.datetime64(f"{YEAR}-04-14", "D")
            rows.stays[i] = (person, service, start, plus(move, 3), provider, price, law)
            rows.decision(person, "sarskilt_boende", plus(move, -20), move, provider="SB2")
            rows.stay(person, service, move, NAT, "SB2")
            break
    for person, service, start, end, provider, price, law in list(rows.stays):
        if service == "korttid_aldre" and start > plus(P0, 60) and end < plus(P1, -10):
            rows.stay(person, service, plus(start, 2), plus(end, 2), provider, price, law)
            break
