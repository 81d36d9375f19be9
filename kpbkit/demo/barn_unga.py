"""Barn och unga: family homes, HVB, SiS, supported housing and open care, with their decisions (two left out).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kpbkit.demo.common import NAT, P0, P1, YEAR, between, plus
from kpbkit.demo.persons import People
from kpbkit.demo.rows import Rows

# ------------------------------------------------------------------------------------------------ barn och unga

#: Children in long-term own family homes, and teenagers in long HVB stays (planted: an HVB share of care days
#: well above the national picture, where about 72 % of placed children are in family homes)
LONG_FAMILY_HOMES = 18
LONG_HVB = 7


def _placement_start(rng: np.random.Generator, birth: np.datetime64, years: float) -> np.datetime64:
    """A start ``years`` (exponential mean) before the period, never before the child was two months old."""
    return max(plus(P0, -(30 + rng.exponential(365 * years))), plus(birth, 60))


def _law(rng: np.random.Generator) -> str:
    return "LVU" if rng.random() < 0.45 else "SoL"


def birthday(birth: np.datetime64, year: int) -> np.datetime64:
    """The birthday in ``year`` (29 February falls on 1 March in other years)."""
    month_day = str(birth)[5:]
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if month_day == "02-29" and not leap:
        month_day = "03-01"
    return np.datetime64(f"{year}-{month_day}", "D")


def add_barn_unga(people: People, rows: Rows, rng: np.random.Generator) -> dict[str, Any]:
    info: dict[str, Any] = {}
    ended: list[tuple[int, np.datetime64]] = []
    first_stay = len(rows.stays)
    undecided: list[int] = []  # placements planted without a decision (a data-quality finding)
    # Long-term family homes (egen, mostly unpriced; a few reinforced homes with an agreed daily amount).
    for i, p in enumerate(people.take(rng, LONG_FAMILY_HOMES, 2, 19)):
        start = _placement_start(rng, people.birth[p], 3.0)
        end = NAT
        if rng.random() < 0.15:
            end = between(rng, plus(P0, 20), plus(P1, -20))
            ended.append((int(p), end))
        price = float(rng.choice([1150.0, 1300.0, 1500.0])) if i < 4 else np.nan
        rows.stay(int(p), "familjehem", start, end, "FHE", price, _law(rng))
    for p in people.take(rng, 4, 1, 15):
        rows.stay(int(p), "familjehem", between(rng, plus(P0, 30), plus(P1, -40)), NAT, "FHE", law=_law(rng))
    # Emergency placements in a family home (jourhem): days or weeks; one goes on to an HVB the same day.
    emergency = people.take(rng, 3, 3, 16)
    for i, p in enumerate(emergency):
        start = between(rng, plus(P0, 15), plus(P1, -40))
        end = plus(start, rng.integers(4, 26))
        row = rows.stay(int(p), "familjehem", start, end, "FHE", law="LVU")
        if i == 1:
            undecided.append(row)
        if i == 0:
            rows.stay(int(p), "hvb", end, plus(end, 75), "HVB2", 4900.0, "LVU")
        else:
            ended.append((int(p), end))
    # Agency-supported family homes (extern, priced).
    for i, p in enumerate(people.take(rng, 9, 3, 17)):
        start = _placement_start(rng, people.birth[p], 2.5) if i < 7 else between(rng, P0, plus(P1, -60))
        price = float(rng.integers(19, 43) * 100)
        rows.stay(int(p), "familjehem_konsulent", start, NAT, "KFH1" if i % 3 else "KFH2", price, _law(rng))
    # HVB (extern, priced): across the year start, new ones, long ones, transfers, a planted gap and overlap.
    teens = people.take(rng, 10 + LONG_HVB, 13, 17)
    hvb = ("HVB1", "HVB2", "HVB3")
    for i, p in enumerate(teens):
        provider = hvb[i % 3]
        price = float(rng.integers(35, 66) * 100)
        if i < 4:
            start = between(rng, np.datetime64(f"{YEAR - 1}-07-01", "D"), np.datetime64(f"{YEAR - 1}-12-20", "D"))
            end = between(rng, plus(P0, 30), plus(P0, 240))
        elif i < 10:
            start = between(rng, plus(P0, 5), plus(P1, -60))
            end = plus(start, rng.integers(60, 300))  # a contracted end, possibly in the next year
        else:  # long stays, several of them past a year (planted: HVB where a family home could do)
            start = plus(P0, -int(rng.integers(200, 760)))
            end = NAT
        row = rows.stay(int(p), "hvb", start, end, provider, price, _law(rng))
        if i == 5:  # the contracted price is missing in the extract; the invoice has it
            rows.stays[row] = (*rows.stays[row][:5], np.nan, rows.stays[row][6])
            rows.true_price[row] = price
        if i == 2:  # extension registered as a new stay that starts before the first one ends
            rows.stay(int(p), "hvb", plus(end, -10), plus(end, 45), provider, price, rows.stays[row][6])
        if i in (0, 1):  # same-day transfers to a family home
            service, next_provider = ("familjehem_konsulent", "KFH1") if i == 0 else ("familjehem", "FHE")
            next_price = 2600.0 if i == 0 else np.nan
            rows.stay(int(p), service, end, NAT, next_provider, next_price, "SoL")
    # SiS: short secure-unit stays, then an HVB from the same day.
    for p in people.take(rng, 2, 15, 17):
        start = between(rng, plus(P0, 20), plus(P1, -120))
        end = plus(start, rng.integers(12, 36))
        rows.stay(int(p), "sis", start, end, "SIS", float(rng.integers(135, 153) * 100), "LVU")
        rows.stay(int(p), "hvb", end, plus(end, rng.integers(40, 90)), "HVB3", 5600.0, "LVU")
    # Supported housing for 17-20 year olds (one unaccompanied minor, one who turns 21 during the year).
    youth = [int(p) for p in (*people.take(rng, 5, 17, 20), *people.take(rng, 1, 16, 16), *people.take(rng, 1, 21, 21))]
    for i, p in enumerate(youth):
        price = float(rng.integers(16, 27) * 100)
        if i == 6:  # placed until the day before the 21st birthday
            start, end = plus(P0, -400), plus(birthday(people.birth[p], YEAR), -1)
        elif i < 3:
            start, end = plus(P0, -int(rng.integers(60, 500))), NAT
        else:
            start = between(rng, plus(P0, 10), plus(P1, -90))
            end = NAT if rng.random() < 0.6 else plus(start, rng.integers(60, 200))
            end = end if np.isnat(end) or end <= P1 else NAT
        row = rows.stay(p, "stodboende", start, end, "STB", price, "SoL")
        if i == 3:
            undecided.append(row)
    info["unaccompanied"] = youth[5]
    # A decision for every placement (decided the same day under LVU, a week before otherwise), but two.
    for row in range(first_stay, len(rows.stays)):
        person, service, start, end, provider, _price, law = rows.stays[row]
        if row not in undecided:
            decided = start if law == "LVU" else plus(start, -7)
            rows.decision(int(person), service, decided, start, end, provider=provider)
    info["placements_without_decision"] = len(undecided)
    # Open care (month decisions), among others for some of those whose placement ended.
    open_care = [p for p, _ in ended[:4]] + people.take(rng, 36, 3, 17).tolist()
    for i, p in enumerate(open_care):
        if i < min(4, len(ended)):
            start = plus(ended[i][1], 1)
        else:
            start = plus(P0, -int(rng.integers(10, 300))) if rng.random() < 0.5 else between(rng, P0, plus(P1, -30))
        end = plus(start, rng.integers(90, 420))
        provider = "FTA" if i % 5 == 4 else "OVB"
        rows.decision(int(p), "oppenvard_bou", plus(start, -rng.integers(3, 25)), start, end, provider=provider)
    return info
