"""Volumes per person, service and provider (KPB-METHOD §4 "Volumes" and its settled edge cases).

hour: visit minutes / 60; day / weekday: days of stays; month: month fractions of decisions.
Overlapping stays (and month decisions) of one person in one service give each day to the one that
started last (ties: the larger id as text). Rows left out are removed before overlaps are resolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.catalog import Catalog
from kpbkit.io.readers import SOURCE_ROW
from kpbkit.period import Period, interval_days, interval_months, interval_weekdays, to_day64
from kpbkit.quality import Findings, describe_row

#: the fields a stay's example shows in the price findings
PRICE_FIELDS = ("service_code", "start_date", "end_date", "stay_id", "provider_id", "daily_price")
DELIVERY_COLUMNS = [
    "person_id",
    "service_code",
    "provider_id",
    "regi",
    "volume",
    "priced_volume",
    "price_weight",
]


@dataclass
class VolumeResult:
    """Delivered volumes and granted hours, plus the resolved stays kept for analyses."""

    deliveries: pd.DataFrame  # one row per person, service, provider and regi with volume > 0
    #: person_id, service_code, granted_hours, decision_months (hour services, decisions active in the period)
    granted: pd.DataFrame
    stays: pd.DataFrame  # stays that own at least one day in the period, with their owned volume (and source_row)
    counted_visits: pd.DataFrame  # the visits that count in volumes, with their regi, indexed as in `visits`
    #: the index labels (as in `stays`) of the counted stays the finding ``overlapping_stays`` counts
    overlapping_stays: pd.Index


def compute_volumes(
    *,
    visits: pd.DataFrame,
    stays: pd.DataFrame,
    decisions: pd.DataFrame,
    providers: pd.DataFrame,
    catalog: Catalog,
    period: Period,
    findings: Findings,
    files: Mapping[str, Path] | None = None,
) -> VolumeResult:
    """Volumes of every source for the unit of its service; see the module docstring.

    ``files`` (``CanonicalData.input_files``) names the source file of each table in the findings' examples.
    """
    files = files or {}
    regi_of = providers.set_index("provider_id")["regi"].astype("string")
    hours, counted_visits = _hour_volumes(visits, regi_of, catalog, period, findings, files.get("visits"))
    parts = [hours]
    stay_result, overlapping_stays = _stay_volumes(stays, regi_of, catalog, period, findings, files.get("stays"))
    parts.append(stay_result[DELIVERY_COLUMNS])
    valid_decisions = _valid_decisions(decisions, catalog, findings, files.get("decisions"))
    parts.append(_month_volumes(valid_decisions, regi_of, catalog, period, findings, files.get("decisions")))
    deliveries = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if deliveries is None:
        deliveries = _empty_deliveries()
    deliveries = deliveries[deliveries["volume"] > 0].reset_index(drop=True)
    for col in ("person_id", "provider_id", "regi", "service_code"):
        deliveries[col] = deliveries[col].astype("string")
    granted = _granted_hours(valid_decisions, catalog, period)
    return VolumeResult(deliveries=deliveries, granted=granted, stays=stay_result, counted_visits=counted_visits,
                        overlapping_stays=overlapping_stays)


def _empty_deliveries() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="string" if c in ("person_id", "service_code", "provider_id", "regi")
                                      else float) for c in DELIVERY_COLUMNS})


def _units(codes: pd.Series, catalog: Catalog) -> pd.Series:
    """The unit of each row's service (NA where the code is unknown)."""
    units = {code: s.unit for code, s in catalog.services.items()}
    if not isinstance(codes.dtype, pd.CategoricalDtype):
        return codes.astype("string").map(units).astype("string")
    # Map the few categories, not the millions of rows.
    per_category = codes.cat.categories.astype("string").map(units)
    names = pd.unique(per_category.dropna())
    lookup = np.array([list(names).index(u) if isinstance(u, str) else -1 for u in per_category] + [-1])
    row_codes = lookup[codes.cat.codes.to_numpy()]  # code -1 (missing) picks the trailing -1
    return pd.Series(pd.Categorical.from_codes(row_codes, categories=names), index=codes.index)


def _left_out(
    mask: pd.Series, check: str, table: str, findings: Findings, detail: str, frame: pd.DataFrame,
    file: Path | None,
) -> pd.Series:
    """Report the rows of ``frame`` in ``mask`` (with one of them as the example) and return the keep-mask."""
    findings.add(check, "warning", table, int(mask.sum()), detail, example=describe_row(frame, mask, table, file))
    return ~mask


def _provider_regi(
    frame: pd.DataFrame, regi_of: pd.Series, table: str, findings: Findings, *, report_empty: bool,
    file: Path | None = None, rows: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Regi per row and a keep-mask: empty provider → egen; provider missing from providers → left out.

    ``rows``: only these rows of ``frame`` are judged and reported (the others are kept out of the findings).
    """
    provider_id = frame["provider_id"]
    empty = provider_id.isna()
    known = provider_id.isin(regi_of.index)
    if rows is not None:
        empty &= rows
    unknown = ~empty & ~known if rows is None else rows & ~empty & ~known
    findings.add("provider_unknown", "warning", table, int(unknown.sum()),
                 "provider_id not in providers: rows left out of volumes",
                 example=describe_row(frame, unknown, table, file))
    if report_empty:
        findings.add("provider_missing", "warning", table, int(empty.sum()),
                     "empty provider_id: counted as the municipality's own production (egen)",
                     example=describe_row(frame, empty, table, file))
    if isinstance(provider_id.dtype, pd.CategoricalDtype):  # map the few providers, then take by code
        per_provider = pd.Series(provider_id.cat.categories).map(regi_of).astype("string").fillna("egen")
        names = pd.Index(pd.unique(per_provider.dropna())).astype("string")
        lookup = np.append(names.get_indexer(per_provider), names.get_loc("egen") if "egen" in names else -1)
        if (lookup < 0).any():
            names = names.append(pd.Index(["egen"], dtype="string"))
            lookup[lookup < 0] = len(names) - 1
        regi = pd.Series(pd.Categorical.from_codes(lookup[provider_id.cat.codes.to_numpy()], categories=names),
                         index=frame.index)
    else:
        regi = provider_id.map(regi_of).astype("string").fillna("egen")
    return regi, ~unknown


def _hour_volumes(
    visits: pd.DataFrame, regi_of: pd.Series, catalog: Catalog, period: Period, findings: Findings,
    file: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not len(visits):
        return _empty_deliveries(), visits.assign(regi=pd.Series([], dtype="string"))
    date = visits["date"]
    in_period = (date >= pd.Timestamp(period.start)) & (date <= pd.Timestamp(period.end))
    outside = ~in_period
    findings.add("visit_outside_period", "info", "visits", int(outside.sum()),
                 "visits dated outside the period: ignored", example=describe_row(visits, outside, "visits", file))
    # Every test on the whole table, rows taken once at the end (10 M rows: no copy per step).
    unit = _units(visits["service_code"], catalog)
    keep = in_period & _left_out(in_period & unit.isna(), "service_unknown", "visits", findings,
                                 "service_code not in the catalogue: rows left out", visits, file)
    keep &= _left_out(keep & (unit != "hour"), "wrong_table_for_unit", "visits", findings,
                      "visits of a service that is not measured in hours: rows left out", visits, file)
    keep &= _left_out(keep & ~(visits["minutes"] > 0), "minutes_not_positive", "visits", findings,
                      "minutes empty, zero or negative: rows left out", visits, file)
    regi, known = _provider_regi(visits, regi_of, "visits", findings, report_empty=True, file=file, rows=keep)
    keep &= known
    v = visits[keep].assign(regi=regi[keep])
    grouped = (
        v.groupby(["person_id", "service_code", "provider_id", "regi"], observed=True, dropna=False, sort=False)[
            "minutes"
        ]
        .sum()
        .reset_index()
    )
    grouped["volume"] = grouped.pop("minutes") / 60.0
    grouped["priced_volume"] = 0.0
    grouped["price_weight"] = 0.0
    return grouped[DELIVERY_COLUMNS], v  # keeps the visits' own index, so interim can flag them


def _stay_volumes(
    stays: pd.DataFrame, regi_of: pd.Series, catalog: Catalog, period: Period, findings: Findings,
    file: Path | None = None,
) -> tuple[pd.DataFrame, pd.Index]:
    """The stays owning a day in the period with their volumes, and the index labels of the overlapping ones."""
    columns = [*DELIVERY_COLUMNS, "stay_id", "start_date", "end_date", "daily_price", "law", "days", "weekdays"]
    if SOURCE_ROW in stays.columns:
        columns.append(SOURCE_ROW)  # so that checks on the counted stays can cite the file row
    if not len(stays):
        return pd.DataFrame(columns=columns), stays.index[:0]
    s = stays
    unit = _units(s["service_code"], catalog)
    keep = _left_out(unit.isna(), "service_unknown", "stays", findings,
                     "service_code not in the catalogue: rows left out", s, file)
    keep &= _left_out(keep & ~unit.isin(["day", "weekday"]), "wrong_table_for_unit", "stays", findings,
                      "stays of a service not measured in days or weekdays: rows left out", s, file)
    keep &= _left_out(keep & (s["end_date"] < s["start_date"]), "end_before_start", "stays", findings,
                      "stays ending before they start: rows left out", s, file)
    s = s[keep]
    regi, known = _provider_regi(s, regi_of, "stays", findings, report_empty=True, file=file)
    s = s.assign(regi=regi, unit=unit[keep])[known]
    nonpositive = s["daily_price"].notna() & (s["daily_price"] <= 0)
    findings.add("daily_price_not_positive", "warning", "stays", int(nonpositive.sum()),
                 "daily_price zero or negative: treated as unpriced",
                 example=describe_row(s, nonpositive, "stays", file, PRICE_FIELDS))
    s = s.assign(daily_price=s["daily_price"].where(s["daily_price"] > 0))
    owned = resolve_overlaps(s, id_column="stay_id", period=period, findings=findings, table="stays", file=file)
    overlapping = s.index[owned["overlapping"].to_numpy()]
    s = s.assign(days=owned["days"], weekdays=owned["weekdays"])
    s = s[s["days"] > 0].copy()
    s["volume"] = np.where(s["unit"] == "weekday", s["weekdays"], s["days"]).astype(float)
    priced = s["daily_price"].notna()
    pool_has_price = priced.groupby([s["service_code"], s["regi"]], observed=True).transform("any")
    unpriced = ~priced & pool_has_price
    findings.add("daily_price_missing", "info", "stays", int(unpriced.sum()),
                 "stays without daily_price in a pool with priced stays: weighted by the pool's mean price",
                 example=describe_row(s, unpriced, "stays", file, PRICE_FIELDS))
    s["priced_volume"] = np.where(priced, s["volume"], 0.0)
    s["price_weight"] = np.where(priced, s["volume"] * s["daily_price"].fillna(0.0), 0.0)
    return s[columns].reset_index(drop=True), overlapping


def _valid_decisions(
    decisions: pd.DataFrame, catalog: Catalog, findings: Findings, file: Path | None = None
) -> pd.DataFrame:
    if not len(decisions):
        return decisions.assign(unit=pd.Series([], dtype="string"))
    unit = _units(decisions["service_code"], catalog)
    keep = _left_out(unit.isna(), "service_unknown", "decisions", findings,
                     "service_code not in the catalogue: rows left out", decisions, file)
    keep &= _left_out(keep & (decisions["end_date"] < decisions["start_date"]), "end_before_start", "decisions",
                      findings, "decisions ending before they start: rows left out", decisions, file)
    return decisions.assign(unit=unit)[keep]


def _month_volumes(
    decisions: pd.DataFrame, regi_of: pd.Series, catalog: Catalog, period: Period, findings: Findings,
    file: Path | None = None,
) -> pd.DataFrame:
    d = decisions[decisions["unit"] == "month"]
    if not len(d):
        return _empty_deliveries()
    regi, known = _provider_regi(d, regi_of, "decisions", findings, report_empty=False, file=file)
    d = d.assign(regi=regi)[known]
    owned = resolve_overlaps(d, id_column="decision_id", period=period, findings=findings, table="decisions",
                             file=file)
    d = d.assign(volume=owned["months"], priced_volume=0.0, price_weight=0.0)
    return d[d["volume"] > 0][DELIVERY_COLUMNS]


def _granted_hours(decisions: pd.DataFrame, catalog: Catalog, period: Period) -> pd.DataFrame:
    """Granted hours and decision months per person and hour service.

    Granted hours: hours per month × the decision's months in the period; overlapping decisions add up and
    an empty ``granted_hours_per_month`` counts as 0. Decision months: the months in the period with a
    decision, overlapping decisions counted once (:func:`decision_months`). Only decisions with at least
    one day in the period are kept (they define the ``delivery_ratio`` population).
    """
    d = decisions[decisions["unit"] == "hour"]
    start, end, inside = period.clip(to_day64(d["start_date"]), to_day64(d["end_date"]))
    d = d[inside]
    months = interval_months(start[inside], end[inside])
    hours = d["granted_hours_per_month"].fillna(0.0).to_numpy() * months
    out = pd.DataFrame(
        {
            "person_id": d["person_id"].astype("string").to_numpy(),
            "service_code": d["service_code"].astype("string").to_numpy(),
            "granted_hours": hours,
        }
    )
    out = out.groupby(["person_id", "service_code"], as_index=False, sort=False)["granted_hours"].sum()
    months = decision_months(decisions[decisions["unit"] == "hour"], period)
    out = out.merge(months, on=["person_id", "service_code"], how="left")
    out["decision_months"] = out["decision_months"].fillna(0.0)
    return out


def decision_months(decisions: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Months in the period with a decision, per person and service: overlapping decisions count a day once.

    Each day goes to one decision as in :func:`resolve_overlaps`; returns ``person_id, service_code,
    decision_months`` (0 for a person whose decisions lie outside the period).
    """
    parts = []
    codes = decisions["service_code"].astype("string")
    for code in pd.unique(codes.dropna()):
        # one service at a time, so that each service's months are summed as when resolved on their own
        d = decisions[(codes == code).to_numpy()].reset_index(drop=True)
        owned = resolve_overlaps(d, id_column="decision_id", period=period)
        parts.append(pd.DataFrame({"person_id": d["person_id"].astype("string"),
                                   "service_code": d["service_code"].astype("string"),
                                   "decision_months": owned["months"].astype(float)}))
    if not parts:
        return pd.DataFrame({"person_id": pd.Series([], dtype="string"),
                             "service_code": pd.Series([], dtype="string"),
                             "decision_months": pd.Series([], dtype=float)})
    frame = pd.concat(parts, ignore_index=True)
    return frame.groupby(["person_id", "service_code"], as_index=False, sort=False)["decision_months"].sum()


def resolve_overlaps(
    frame: pd.DataFrame, *, id_column: str, period: Period, findings: Findings | None = None, table: str = "",
    file: Path | None = None,
) -> pd.DataFrame:
    """Days, weekdays and month fractions each row *owns* inside the period.

    Within one person and service, each day belongs to the row that started last (ties: the larger
    ``id_column`` compared as text). Returns a frame aligned with ``frame``'s index: ``days``,
    ``weekdays``, ``months`` and ``overlapping`` (the row overlaps another of its person and service in the
    period: the rows the finding ``overlapping_<table>`` counts). The overlap finding's example cites
    ``file`` (the table's source file) when given.
    """
    n = len(frame)
    result = pd.DataFrame({"days": 0, "weekdays": 0, "months": 0.0, "overlapping": False}, index=frame.index)
    if n == 0:
        return result
    start, end, inside = period.clip(to_day64(frame["start_date"]), to_day64(frame["end_date"]))
    pos = np.flatnonzero(inside)
    if not len(pos):
        return result
    s, e = start[pos], end[pos]
    group = pd.MultiIndex.from_arrays(
        [frame["person_id"].astype("string").to_numpy()[pos], frame["service_code"].astype("string").to_numpy()[pos]]
    )
    group_code = pd.factorize(group)[0]
    orig_start = to_day64(frame["start_date"])[pos].astype(np.int64)
    id_rank = pd.factorize(frame[id_column].astype("string").to_numpy()[pos], sort=True)[0]
    order = np.lexsort((e.astype(np.int64), s.astype(np.int64), group_code))
    g, so, eo = group_code[order], s[order].astype(np.int64), e[order].astype(np.int64)
    prev_max = pd.Series(eo).groupby(g).cummax().groupby(g).shift().to_numpy()
    new_cluster = np.isnan(prev_max) | (so > np.nan_to_num(prev_max, nan=-np.inf))
    cluster = np.cumsum(new_cluster) - 1
    size = np.bincount(cluster)
    multi = size[cluster] > 1

    days = np.zeros(len(pos), dtype=np.int64)
    weekdays = np.zeros(len(pos), dtype=np.int64)
    months = np.zeros(len(pos), dtype=float)
    single = order[~multi]
    days[single] = interval_days(s[single], e[single])
    weekdays[single] = interval_weekdays(s[single], e[single])
    months[single] = interval_months(s[single], e[single])

    if multi.any():
        if findings is not None:
            overlapping = np.zeros(n, dtype=bool)
            overlapping[pos[order[multi]]] = True
            findings.add(
                f"overlapping_{table}",
                "info",
                table,
                int(multi.sum()),
                "rows overlapping another of the same person and service: each day goes to the one started last",
                example=describe_row(frame, overlapping, table, file),
            )
        rows = order[multi]  # positions into pos
        clus = cluster[multi]
        length = (e[rows] - s[rows]).astype(np.int64) + 1
        row_rep = np.repeat(rows, length)
        offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
        day = s[row_rep] + offset.astype("timedelta64[D]")
        clus_rep = np.repeat(clus, length)
        sort = np.lexsort((id_rank[row_rep], orig_start[row_rep], day.astype(np.int64), clus_rep))
        day_s, clus_s = day[sort], clus_rep[sort]
        last = np.ones(len(sort), dtype=bool)
        last[:-1] = (day_s[1:] != day_s[:-1]) | (clus_s[1:] != clus_s[:-1])
        owner = row_rep[sort][last]
        owned_day = day_s[last]
        days += np.bincount(owner, minlength=len(pos))
        is_weekday = np.is_busday(owned_day)
        weekdays += np.bincount(owner, weights=is_weekday, minlength=len(pos)).astype(np.int64)
        month = owned_day.astype("datetime64[M]")
        per_month = pd.DataFrame({"owner": owner, "month": month}).value_counts().reset_index(name="n")
        first = per_month["month"].to_numpy().astype("datetime64[M]")
        dim = ((first + np.timedelta64(1, "M")).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(
            np.int64
        )
        months += np.bincount(per_month["owner"].to_numpy(), weights=per_month["n"].to_numpy() / dim,
                              minlength=len(pos))

    result.iloc[pos, 0] = days
    result.iloc[pos, 1] = weekdays
    result.iloc[pos, 2] = months
    result.iloc[pos[order[multi]], 3] = True
    return result
