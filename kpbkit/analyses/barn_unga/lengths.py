"""Barn och unga: how long placements last, per stay and per episode (stays joined across transfers)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit.analyses.barn_unga.stays import PLACEMENTS, counted_placement_stays, placement_stays
from kpbkit.analyses.load import Results

#: length-of-placement bands in days: (key, first day, last day or None)
LENGTH_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7),
    ("8-30", 8, 30),
    ("31-90", 31, 90),
    ("91-180", 91, 180),
    ("181-365", 181, 365),
    ("366-730", 366, 730),
    ("731+", 731, None),
)


def stay_lengths(results: Results) -> pd.DataFrame:
    """Length of each placement stay (owning a day in the period) from its own start, in days.

    Ended stays (end in the period): start..end inclusive. Ongoing stays (no end, or ending after the
    period): start..the period's last day, i.e. the length so far.
    """
    s = placement_stays(results)
    return _lengths(s[["person_id", "service_code", "start_date", "end_date"]], results)


def _lengths(frame: pd.DataFrame, results: Results) -> pd.DataFrame:
    end_of_period = pd.Timestamp(results.config.period.end)
    ongoing = frame["end_date"].isna() | (frame["end_date"] > end_of_period)
    last = frame["end_date"].where(~ongoing, end_of_period)
    return frame.assign(status=np.where(ongoing, "ongoing", "ended"),
                        length_days=(last - frame["start_date"]).dt.days + 1).reset_index(drop=True)


def episodes(results: Results) -> pd.DataFrame:
    """Placement episodes: a child's counted placement stays joined while they overlap or follow on the next day.

    Transfers between forms or providers (the same day or the next) thus form one episode. Episodes with
    at least one day in the period are kept, with their length as for stays (ongoing: to the period's end).
    Columns: person_id, start_date, end_date (NaT = ongoing), stays, services, status, length_days.
    """
    s = counted_placement_stays(results)
    columns = ["person_id", "start_date", "end_date", "stays", "services", "status", "length_days"]
    if not len(s):
        return pd.DataFrame(columns=columns)
    far = pd.Timestamp("2200-01-01")  # stands for "no end"
    s = s.assign(_end=s["end_date"].fillna(far)).sort_values(["person_id", "start_date", "_end"])
    prev_end = s.groupby("person_id")["_end"].cummax().groupby(s["person_id"]).shift()
    new = prev_end.isna() | (s["start_date"] > prev_end + pd.Timedelta(days=1))
    episode = new.cumsum()
    out = s.groupby(episode).agg(
        person_id=("person_id", "first"), start_date=("start_date", "min"), _end=("_end", "max"),
        stays=("stay_id", "size"), services=("service_code", lambda c: ",".join(dict.fromkeys(c))),
    )
    out["end_date"] = out.pop("_end").where(lambda e: e < far)
    period = results.config.period
    touches = (out["start_date"] <= pd.Timestamp(period.end)) & (
        out["end_date"].isna() | (out["end_date"] >= pd.Timestamp(period.start)))
    return _lengths(out[touches], results)[columns]


def length_band(days: pd.Series) -> pd.Series:
    """The LENGTH_BANDS key of each length in days."""
    out = pd.Series(pd.NA, index=days.index, dtype="string")
    for key, low, high in LENGTH_BANDS:
        out[(days >= low) & ((days <= high) if high is not None else True)] = key
    return out


def length_distribution(results: Results, *, per_episode: bool = False) -> pd.DataFrame:
    """Number of stays (or episodes) per length band, ended and ongoing, every band listed."""
    data = episodes(results) if per_episode else stay_lengths(results)
    keys = [key for key, _, _ in LENGTH_BANDS]
    if not len(data):
        counts = pd.DataFrame(0, index=keys, columns=["ended", "ongoing"])
    else:
        data = data.assign(band=length_band(data["length_days"]))
        counts = data.groupby(["band", "status"]).size().unstack(fill_value=0)
        counts = counts.reindex(index=keys, columns=["ended", "ongoing"], fill_value=0)
    counts["total"] = counts["ended"] + counts["ongoing"]
    return counts.rename_axis("band").reset_index()


def length_summary(results: Results, *, per_episode: bool = False) -> pd.DataFrame:
    """Number, mean, median and 90th percentile of lengths in days, for ended, ongoing and all."""
    data = episodes(results) if per_episode else stay_lengths(results)
    rows = []
    for status in ("ended", "ongoing", "all"):
        sel = data if status == "all" else data[data["status"] == status]
        lengths = sel["length_days"].astype(float)
        rows.append({"status": status, "n": len(lengths),
                     "mean": lengths.mean() if len(lengths) else math.nan,
                     "median": lengths.median() if len(lengths) else math.nan,
                     "p90": lengths.quantile(0.9) if len(lengths) else math.nan})
    return pd.DataFrame(rows)


def length_by_form(results: Results) -> pd.DataFrame:
    """Per placement form: stays, ended stays and their median length, ongoing stays and their median so far."""
    data = stay_lengths(results)
    rows = []
    for code in PLACEMENTS:
        sel = data[data["service_code"] == code]
        if not len(sel):
            continue
        ended = sel.loc[sel["status"] == "ended", "length_days"]
        ongoing = sel.loc[sel["status"] == "ongoing", "length_days"]
        rows.append({"service_code": code, "stays": len(sel),
                     "ended": len(ended), "ended_median": ended.median() if len(ended) else math.nan,
                     "ongoing": len(ongoing), "ongoing_median": ongoing.median() if len(ongoing) else math.nan})
    return pd.DataFrame(rows, columns=["service_code", "stays", "ended", "ended_median", "ongoing",
                                       "ongoing_median"])

