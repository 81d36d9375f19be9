"""The day and month services: stays (priced and unpriced, some overlapping) and decisions, and every decision
of the case as one table."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kpbkit.demo.synthetic.catalogue import MONTH_DAYS, MONTH_SERVICES, OPEN, P0, STAY_SERVICES
from kpbkit.demo.synthetic.draw import (
    Case,
    clipped_days,
    dates,
    floats,
    intervals,
    numbered,
    provider_ids,
    strings,
)


def draw_stays(
    case: Case, home_persons: int, volume: dict[tuple[str, bool], float], priced: dict[tuple[str, bool], float]
) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
    """Stays of the day and weekday services (priced and unpriced, some overlapping) and their decisions."""
    rng = case.rng
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("person", "code", "start", "end", "provider", "price",
                                                          "law", "level")}
    law_labels = ["SoL", "LVU", "LSS"]
    level_labels = ["1", "2", "3", "4", "5"]
    for spec in STAY_SERVICES:
        n = max(case.profile.min_persons, round(home_persons * spec.per_home * case.profile.factor(spec.code)))
        persons = case.persons_for(spec.code, n)
        if spec.kind == "short":  # several short stays a year
            persons = np.repeat(persons, 1 + rng.poisson(2.0, n))
        m = len(persons)
        start, end = intervals(rng, m, spec.kind)
        idx, ext, weights = case.providers_of(spec.code)
        pick = rng.choice(len(idx), size=m, p=weights)
        # A second, overlapping stay of the same person and service (a move between providers).
        extra = np.flatnonzero(rng.random(m) < spec.overlap)
        if len(extra):
            s0, e0 = clipped_days(start[extra], end[extra])
            inside = e0 >= s0
            extra, s0, e0 = extra[inside], s0[inside], e0[inside]
            new_start = s0 + ((e0 - s0) * rng.uniform(0.2, 0.9, len(extra))).astype(np.int64)
            new_end = np.where(rng.random(len(extra)) < 0.5, OPEN, new_start + 20 + (rng.random(len(extra)) * 200))
            persons = np.concatenate([persons, persons[extra]])
            start = np.concatenate([start, new_start])
            end = np.concatenate([end, new_end.astype(np.int64)])
            pick = np.concatenate([pick, rng.choice(len(idx), size=len(extra), p=weights)])
            m = len(persons)
        is_ext = ext[pick]
        provider_price = (rng.uniform(*spec.price, len(idx)) * case.profile.cost_level if spec.price[1]
                          else np.zeros(len(idx)))
        price = np.round(provider_price[pick] * rng.uniform(0.95, 1.08, m))
        has_price = is_ext & (spec.price[1] > 0) & (rng.random(m) >= spec.unpriced_extern)
        price = np.where(has_price, price, np.nan)
        law = np.array([law_labels.index(x) for x in spec.laws])[rng.choice(len(spec.laws), size=m)]
        level = (rng.choice([level_labels.index(x) for x in spec.levels], size=m) if spec.levels
                 else np.full(m, -1))
        for key, value in (("person", persons), ("code", np.full(m, spec.code, dtype=object)), ("start", start),
                           ("end", end), ("provider", idx[pick]), ("price", price), ("law", law),
                           ("level", level)):
            cols[key].append(value)
        # Calibration volumes (overlaps counted twice: close enough for plausible unit costs).
        s, e = clipped_days(start, end)
        inside = e >= s
        if spec.code in ("dagverksamhet_aldre", "daglig_verksamhet"):
            units = np.where(inside, np.busday_count(s.astype("datetime64[D]"),
                                                     (np.maximum(e, s) + 1).astype("datetime64[D]")), 0)
        else:
            units = np.where(inside, e - s + 1, 0)
        for x in (False, True):
            if units[is_ext == x].sum() > 0:
                volume[(spec.code, x)] = float(units[is_ext == x].sum())
        if has_price.any():  # bought days at their price, unpriced ones at the mean price
            mean_price = float(np.mean(price[has_price]))
            priced[(spec.code, True)] = float(np.sum(np.where(has_price, units * np.nan_to_num(price), 0.0))) + (
                float(units[is_ext & ~has_price].sum()) * mean_price
            )
    data = {k: np.concatenate(v) for k, v in cols.items()}
    n = len(data["person"])
    stay_ids = numbered("ST", n, 7)
    provider_labels = provider_ids(case)
    empty_end = data["end"] == OPEN
    stays = {
        "_person": data["person"],
        "stay_id": pa.array(stay_ids, pa.string()),
        "service_code": pa.array(data["code"].tolist(), pa.string()),
        "start_date": dates(data["start"]),
        "end_date": dates(data["end"], empty_end),
        "provider_id": strings(provider_labels, np.maximum(data["provider"], 0), data["provider"] < 0),
        "daily_price": floats(data["price"], np.isnan(data["price"])),
        "law": strings(law_labels, data["law"]),
    }
    dec = {
        "_person": data["person"],
        "codes": data["code"],
        "start": data["start"],
        "end": data["end"],
        "hours": np.full(n, np.nan),
        "provider": data["provider"],
        "level": data["level"],
    }
    return stays, dec


def draw_month_decisions(case: Case, home_persons: int,
                         volume: dict[tuple[str, bool], float]) -> dict[str, np.ndarray]:
    """Decisions of the month services (their volume source), a few overlapping."""
    rng = case.rng
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("_person", "codes", "start", "end", "provider")}
    for code, per_home, overlap in MONTH_SERVICES:
        n = max(case.profile.min_persons, round(home_persons * per_home * case.profile.factor(code)))
        persons = case.persons_for(code, n)
        start, end = intervals(rng, n, "long")
        extra = np.flatnonzero(rng.random(n) < overlap)
        persons = np.concatenate([persons, persons[extra]])
        start = np.concatenate([start, np.maximum(start[extra], P0) + (rng.random(len(extra)) * 200).astype(np.int64)])
        end = np.concatenate([end, np.full(len(extra), OPEN)])
        idx, ext, weights = case.providers_of(code)
        pick = rng.choice(len(idx), size=len(persons), p=weights)
        s, e = clipped_days(start, end)
        months = np.where(e >= s, (e - s + 1) / MONTH_DAYS, 0.0)
        for x in (False, True):
            if months[ext[pick] == x].sum() > 0:
                volume[(code, x)] = float(months[ext[pick] == x].sum())
        for key, value in (("_person", persons), ("codes", np.full(len(persons), code, dtype=object)),
                           ("start", start), ("end", end), ("provider", idx[pick])):
            parts[key].append(value)
    out = {k: np.concatenate(v) for k, v in parts.items()}
    out["hours"] = np.full(len(out["start"]), np.nan)
    return out


def concat_decisions(case: Case, parts: list[dict[str, np.ndarray]]) -> dict[str, pa.Array]:
    """All decisions as columns: ids, decision dates 3-44 days before the start, levels where given."""
    cols = {k: np.concatenate([p.get(k, np.full(len(p["start"]), -1)) for p in parts])
            for k in ("_person", "codes", "start", "end", "hours", "provider", "level")}
    n = len(cols["start"])
    start = cols["start"]
    decided = start - 3 - (case.rng.random(n) * 42).astype(np.int64)
    level = cols["level"].astype(np.int64)
    hours = cols["hours"].astype(float)
    provider = cols["provider"].astype(np.int64)
    return {
        "_person": cols["_person"].astype(np.int64),
        "decision_id": pa.array(numbered("D", n, 7), pa.string()),
        "service_code": pa.array(cols["codes"].tolist(), pa.string()),
        "decided_on": dates(decided),
        "start_date": dates(start),
        "end_date": dates(cols["end"], cols["end"] == OPEN),
        "granted_hours_per_month": floats(hours, np.isnan(hours)),
        "provider_id": strings(provider_ids(case), np.maximum(provider, 0), provider < 0),
        "level": strings(["1", "2", "3", "4", "5"], np.maximum(level, 0), level < 0),
    }
