"""Analyses of the barn och unga genomlysning: out-of-home placements (KPB-METHOD §5 "barn_unga").

Every key figure comes from kpis.csv. Placement stays are the model's own (``resolved_stays``: stays
owning at least one day in the period after overlaps are resolved). A stay's cost is its share of the
person's ``person_costs`` row (person, service, regi) in proportion to its allocation weight, so that
stay, provider and legal-basis costs add up to the person's costs exactly (see :func:`placement_stays`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpbkit import labels
from kpbkit.analyses.common import area_costs
from kpbkit.analyses.load import Results
from kpbkit.catalog import PLACEMENT_SERVICES
from kpbkit.labels import barn_unga as bl
from kpbkit.period import to_day64

AREA = "barn_unga"
PLACEMENTS: tuple[str, ...] = PLACEMENT_SERVICES
OPEN_CARE = "oppenvard_bou"
#: placement forms grouped for the share of care days: family homes, institutions (HVB, SiS), supported housing
FORM_GROUPS: dict[str, tuple[str, ...]] = {
    "family_home": ("familjehem", "familjehem_konsulent"),
    "institution": ("hvb", "sis"),
    "supported_housing": ("stodboende",),
}
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
COST_COLUMNS = ["direct_cost", "overhead_cost", "myndighet_cost", "gross_cost", "reimbursement", "net_cost"]

#: the summary's key figures: (kpi, group, format) — values always come from kpis.csv
KEY_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("placed_children", "total", "int"),
    ("placed_per_1000_0_20", "total", "dec1"),
    ("placed_per_1000_0_20", "K", "dec1"),
    ("placed_per_1000_0_20", "M", "dec1"),
    ("care_days", "total", "int"),
    ("cost_per_care_day", "total", "kr"),
    ("brukare", "total", "int"),
    ("gross_cost", "total", "mkr"),
    ("cost_per_brukare", "total", "kr"),
    ("top10_cost_share", "total", "percent"),
)
#: per placement form, shown in the forms table and part of the key-figures output
FORM_KPIS: tuple[str, ...] = ("placed_children", "care_days", "cost_per_care_day")


# ------------------------------------------------------------------------------------------------ key figures


def key_figures(results: Results) -> pd.DataFrame:
    """The summary's key figures with Swedish labels, straight from kpis.csv."""
    rows = [{"kpi": kpi, "group": group, "label": bl.KEY_FIGURES[(kpi, group)],
             "value": results.kpi(AREA, kpi, group), "format": fmt} for kpi, group, fmt in KEY_FIGURES]
    return pd.DataFrame(rows)


def form_figures(results: Results) -> pd.DataFrame:
    """Placed children, care days and cost per care day per placement form (kpis.csv groups per service_code)."""
    rows = []
    for code in PLACEMENTS:
        values = {kpi: results.kpi(AREA, kpi, code) for kpi in FORM_KPIS}
        rows.append({"service_code": code, "service": labels.service(code), **values})
    out = pd.DataFrame(rows)
    # a form without any stay has no kpis rows: leave it out
    return out[out["care_days"].fillna(0) > 0].reset_index(drop=True)


def key_figures_payload(results: Results) -> dict[str, float | None]:
    """Key figures and per-form figures as ``{"area/kpi/group": value}`` for the machine-readable output."""
    from kpbkit.analyses.common import key_figures_payload as payload

    out = payload(key_figures(results), AREA)
    for row in form_figures(results).itertuples():
        for kpi in FORM_KPIS:
            out[f"{AREA}/{kpi}/{row.service_code}"] = _plain(getattr(row, kpi))
    return out


def _plain(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


# ------------------------------------------------------------------------------------------------ stays and costs


def placement_costs(results: Results) -> pd.DataFrame:
    """The placement rows of person_costs with each person's age, age band and sex."""
    rows = area_costs(results, AREA)
    return rows[rows["service_code"].isin(PLACEMENTS)].reset_index(drop=True)


def placement_stays(results: Results) -> pd.DataFrame:
    """Placement stays owning a day in the period, with their allocation weight and share of the person's costs.

    A stay weighs as in the allocation: days × daily_price when priced; days × the pool's (service and
    regi) volume-weighted mean price when unpriced in a pool with priced stays; plain days in a pool
    without prices. Its costs (``COST_COLUMNS``) are its weight's share of the person's row for that
    service and regi (by days when the row weighs nothing), so the direct cost equals pool × the stay's
    weight / the pool's weight, and the stays of a row add up to the row.
    """
    s = results.resolved_stays
    s = s[s["service_code"].isin(PLACEMENTS)].reset_index(drop=True)
    # an empty interim table may come back untyped
    s = s.astype({"start_date": "datetime64[ns]", "end_date": "datetime64[ns]", "daily_price": float,
                  "volume": float, "priced_volume": float, "price_weight": float, "days": "int64"})
    keys = ["person_id", "service_code", "regi"]
    pool = s.groupby(["service_code", "regi"])[["priced_volume", "price_weight"]].transform("sum")
    has_priced = pool["priced_volume"] > 0
    mean_price = (pool["price_weight"] / pool["priced_volume"].where(has_priced)).fillna(0.0)
    unpriced = s["volume"] - s["priced_volume"]
    weight = np.clip(np.where(has_priced, s["price_weight"] + unpriced * mean_price, s["volume"]), 0.0, None)
    s = s.assign(weight=weight)
    row_weight = s.groupby(keys)["weight"].transform("sum")
    row_volume = s.groupby(keys)["volume"].transform("sum")
    share = np.where(row_weight > 0, s["weight"] / row_weight.where(row_weight > 0, 1.0),
                     s["volume"] / row_volume.where(row_volume > 0, 1.0))
    costs = results.person_costs.set_index(keys)[COST_COLUMNS]
    row_costs = costs.reindex(pd.MultiIndex.from_frame(s[keys])).fillna(0.0).to_numpy()
    out = s.assign(cost_share=share)
    for i, column in enumerate(COST_COLUMNS):
        out[column] = row_costs[:, i] * share
    out["law_label"] = law_labels(out["law"])
    return out


def law_labels(law: pd.Series) -> pd.Series:
    """The legal basis as ``SoL``, ``LVU``, the text as given, or ``Okänd`` when empty."""
    text = law.astype("string").str.strip()
    upper = text.str.upper()
    out = text.where(~upper.str.startswith("LVU", na=False), "LVU")
    out = out.where(~upper.str.startswith("SOL", na=False), "SoL")
    return out.where(out.notna() & (out != ""), labels.UNKNOWN).astype("string")


def has_placements(results: Results) -> bool:
    """Whether any child had a placement day in the period (kpis.csv ``placed_children``)."""
    placed = results.kpi(AREA, "placed_children", "total")
    return not math.isnan(placed) and placed > 0


def counted_placement_stays(results: Results) -> pd.DataFrame:
    """Every placement stay the model counts (left-out rows removed), also those owning no day in the period.

    The model's selection: known placement service, not ending before it starts, provider known or empty.
    """
    s = results.stays
    s = s[s["service_code"].isin(PLACEMENTS) & ~(s["end_date"] < s["start_date"])]
    known = s["provider_id"].isna() | s["provider_id"].isin(results.providers["provider_id"])
    return s[known].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ forms and providers


def _cost_per_day(frame: pd.DataFrame, days: str = "days") -> pd.Series:
    return (frame["direct_cost"] + frame["overhead_cost"]) / frame[days].where(frame[days] > 0)


def _mean_price(stays: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Days-weighted mean contracted daily price, priced days and contracted amount per group."""
    priced = stays["daily_price"].notna()
    frame = stays.assign(priced_days=np.where(priced, stays["days"], 0),
                         contracted=np.where(priced, stays["days"] * stays["daily_price"].fillna(0.0), 0.0))
    out = frame.groupby(by, dropna=False)[["priced_days", "contracted"]].sum()
    out["mean_price"] = out["contracted"] / out["priced_days"].where(out["priced_days"] > 0)
    return out


def forms_table(results: Results) -> pd.DataFrame:
    """Per placement form and in total: children, care days and their share, costs and contracted prices.

    ``placed_children``, ``care_days`` and ``cost_per_care_day`` come from kpis.csv; the direct cost per
    day (the ledger's direct pool per day) and the mean contracted price (days-weighted over priced stays)
    are shown beside them.
    """
    figures = form_figures(results)
    rows = placement_costs(results)
    sums = rows.groupby("service_code")[["direct_cost", "overhead_cost", "gross_cost", "net_cost", "volume"]].sum()
    prices = _mean_price(placement_stays(results), ["service_code"])
    total_days = results.kpi(AREA, "care_days", "total")
    out = figures.join(sums, on="service_code").join(prices, on="service_code")
    total = {"service_code": "total", "service": labels.TOTAL,
             **{kpi: results.kpi(AREA, kpi, "total") for kpi in FORM_KPIS},
             **rows[["direct_cost", "overhead_cost", "gross_cost", "net_cost", "volume"]].sum().to_dict(),
             **prices[["priced_days", "contracted"]].sum().to_dict()}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["mean_price"] = out["contracted"] / out["priced_days"].where(out["priced_days"] > 0)
    out["days_share"] = out["care_days"] / total_days if total_days else math.nan
    out["direct_per_day"] = out["direct_cost"] / out["care_days"].where(out["care_days"] > 0)
    out["cost_per_child"] = out["gross_cost"] / out["placed_children"].where(out["placed_children"] > 0)
    out["priced_share"] = out["priced_days"] / out["care_days"].where(out["care_days"] > 0)
    return out.drop(columns=["volume"])


def family_vs_institution(results: Results) -> pd.DataFrame:
    """Care days, their share, children and cost per care day in family homes, institutions and supported housing."""
    rows = placement_costs(results)
    group_of = {code: group for group, codes in FORM_GROUPS.items() for code in codes}
    rows = rows.assign(form_group=rows["service_code"].map(group_of))
    out = rows.groupby("form_group").agg(
        children=("person_id", "nunique"), days=("volume", "sum"), direct_cost=("direct_cost", "sum"),
        overhead_cost=("overhead_cost", "sum"), gross_cost=("gross_cost", "sum"),
    ).reindex(list(FORM_GROUPS)).dropna(subset=["days"])
    total = out["days"].sum()
    out["days_share"] = out["days"] / total if total else math.nan
    out["cost_per_care_day"] = _cost_per_day(out)
    out["label"] = [bl.FORM_GROUPS[g] for g in out.index]
    out["services"] = [", ".join(labels.service(c) for c in FORM_GROUPS[g]) for g in out.index]
    return out.reset_index().drop(columns=["direct_cost", "overhead_cost"])


def provider_table(results: Results) -> pd.DataFrame:
    """Per placement form and provider: children, stays, care days, contracted price and cost per day.

    The provider's cost is the sum of its stays' shares (:func:`placement_stays`): ``direct_per_day`` is
    the ledger's direct cost per care day, ``cost_per_care_day`` adds overhead (the KPB unit cost).
    """
    stays = placement_stays(results)
    by = ["service_code", "provider_id", "regi"]
    out = stays.groupby(by, dropna=False).agg(
        children=("person_id", "nunique"), stays=("stay_id", "size"), days=("days", "sum"),
        direct_cost=("direct_cost", "sum"), overhead_cost=("overhead_cost", "sum"),
        gross_cost=("gross_cost", "sum"),
    )
    out = out.join(_mean_price(stays, by)).reset_index()
    out["direct_per_day"] = out["direct_cost"] / out["days"].where(out["days"] > 0)
    out["cost_per_care_day"] = _cost_per_day(out)
    names = results.providers.drop_duplicates("provider_id").set_index("provider_id")["name"]
    out["provider"] = out["provider_id"].map(names).fillna(out["provider_id"]).fillna(labels.UNKNOWN)
    out["service"] = out["service_code"].map(labels.service)
    out["regi_label"] = out["regi"].map(labels.REGI)
    order = {code: i for i, code in enumerate(PLACEMENTS)}
    out = out.assign(_order=out["service_code"].map(order))
    return out.sort_values(["_order", "days"], ascending=[True, False]).drop(columns="_order").reset_index(drop=True)


def contracted_vs_ledger(results: Results) -> pd.DataFrame:
    """Per placement form and regi: the mean contracted daily price beside the ledger's direct cost per day.

    ``ratio`` = the direct cost allocated to the priced stays / their contracted amount (days × price):
    the pool's ledger amount per krona of contract weight. Over 1 the ledger holds more than the
    contracts explain (e.g. extra services invoiced); under 1 the contracts were not invoiced in full.
    """
    stays = placement_stays(results)
    stays = stays.assign(priced_direct=np.where(stays["daily_price"].notna(), stays["direct_cost"], 0.0))
    by = ["service_code", "regi"]
    out = stays.groupby(by).agg(stays=("stay_id", "size"), days=("days", "sum"), direct_cost=("direct_cost", "sum"),
                                priced_direct=("priced_direct", "sum")).join(_mean_price(stays, by)).reset_index()
    uc = results.unit_costs.set_index(by)["gross_pool"]
    out["gross_pool"] = uc.reindex(pd.MultiIndex.from_frame(out[by])).to_numpy()
    out["priced_share"] = out["priced_days"] / out["days"].where(out["days"] > 0)
    out["direct_per_day"] = out["direct_cost"] / out["days"].where(out["days"] > 0)
    out["ratio"] = out["priced_direct"] / out["contracted"].where(out["contracted"] > 0)
    out["service"] = out["service_code"].map(labels.service)
    out["regi_label"] = out["regi"].map(labels.REGI)
    order = {code: i for i, code in enumerate(PLACEMENTS)}
    return out.assign(_o=out["service_code"].map(order)).sort_values(["_o", "regi"]).drop(columns="_o").reset_index(
        drop=True)


def placed_per_1000(results: Results) -> pd.DataFrame:
    """Placed children aged 0–20 per 1 000 inhabitants 0–20, in total and per sex (kpis.csv), with the inhabitants."""
    pop = results.tables.get("population")
    year = results.config.period.end.year
    rows = []
    for group in ("total", "K", "M"):
        inhabitants = math.nan
        if pop is not None and len(pop) and (pop["year"] == year).any():
            sel = pop[(pop["year"] == year) & (pop["age"] <= 20)]
            if group != "total":
                sel = sel[sel["sex"] == group]
            inhabitants = float(sel["count"].sum())
        value = results.kpi(AREA, "placed_per_1000_0_20", group)
        rows.append({"group": group, "label": labels.TOTAL if group == "total" else bl.SEX[group],
                     "inhabitants": inhabitants, "placed": value * inhabitants / 1000, "per_1000": value})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------------ lengths


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
    counts = counts.rename_axis("band").reset_index()
    counts["band_label"] = counts["band"].map(bl.LENGTH_BANDS)
    return counts


def length_summary(results: Results, *, per_episode: bool = False) -> pd.DataFrame:
    """Number, mean, median and 90th percentile of lengths in days, for ended, ongoing and all."""
    data = episodes(results) if per_episode else stay_lengths(results)
    rows = []
    for status in ("ended", "ongoing", "all"):
        sel = data if status == "all" else data[data["status"] == status]
        lengths = sel["length_days"].astype(float)
        rows.append({"status": status, "label": bl.STATUS[status], "n": len(lengths),
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
        rows.append({"service_code": code, "service": labels.service(code), "stays": len(sel),
                     "ended": len(ended), "ended_median": ended.median() if len(ended) else math.nan,
                     "ongoing": len(ongoing), "ongoing_median": ongoing.median() if len(ongoing) else math.nan})
    return pd.DataFrame(rows, columns=["service_code", "service", "stays", "ended", "ended_median", "ongoing",
                                       "ongoing_median"])


# ------------------------------------------------------------------------------------------------ flows over the year


def _months(results: Results) -> pd.PeriodIndex:
    period = results.config.period
    return pd.period_range(period.start, period.end, freq="M")


def flows_by_month(results: Results) -> pd.DataFrame:
    """Per month of the period: placement stays starting (inflow) and ending (outflow), and episodes doing so.

    A stay (or episode) ending on the period's last day counts as outflow; one ending later does not.
    """
    months = _months(results)
    stays = placement_stays(results)
    eps = episodes(results)

    def per_month(dates: pd.Series) -> pd.Series:
        counted = dates.dropna().dt.to_period("M").value_counts()
        return counted.reindex(months, fill_value=0).astype(int)

    out = pd.DataFrame({
        "stays_started": per_month(stays["start_date"]),
        "stays_ended": per_month(stays["end_date"]),
        "episodes_started": per_month(eps["start_date"]),
        "episodes_ended": per_month(eps["end_date"]),
    }, index=months)
    out = out.rename_axis("month").reset_index()
    out["month_label"] = [f"{bl.MONTHS[m.month - 1]}\u00a0{m.year}" for m in out["month"]]
    return out


def placed_per_day(results: Results) -> pd.DataFrame:
    """Children placed on each day of the period: in total (each child once) and per placement form."""
    period = results.config.period
    days = pd.date_range(period.start, period.end, freq="D")
    stays = placement_stays(results)
    start, end, inside = period.clip(to_day64(stays["start_date"]), to_day64(stays["end_date"]))
    stays, start, end = stays[inside], start[inside], end[inside]
    length = (end - start).astype(np.int64) + 1
    rep = np.repeat(np.arange(len(stays)), length)
    offset = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
    expanded = pd.DataFrame({
        "person_id": stays["person_id"].to_numpy()[rep],
        "service_code": stays["service_code"].to_numpy()[rep],
        "date": pd.to_datetime(start[rep] + offset.astype("timedelta64[D]")),
    })
    total = expanded.drop_duplicates(["person_id", "date"]).groupby("date").size()
    per_form = expanded.drop_duplicates().groupby(["date", "service_code"]).size().unstack(fill_value=0)
    out = per_form.reindex(index=days, columns=[c for c in PLACEMENTS if c in per_form.columns], fill_value=0)
    out.insert(0, "total", total.reindex(days, fill_value=0))
    return out.rename_axis("date").reset_index()


def placed_per_day_summary(results: Results) -> dict[str, float | pd.Timestamp]:
    """Mean, least and most children placed on one day, and the first day with the most."""
    daily = placed_per_day(results)
    if not len(daily):
        return {"mean": math.nan, "min": math.nan, "max": math.nan, "max_date": pd.NaT}
    return {"mean": float(daily["total"].mean()), "min": float(daily["total"].min()),
            "max": float(daily["total"].max()), "max_date": daily.loc[daily["total"].idxmax(), "date"]}


# ------------------------------------------------------------------------------------------------ who is placed


def cost_by_age_and_sex(results: Results) -> pd.DataFrame:
    """Placed children, care days and gross placement cost per age band and sex, with cost per child."""
    rows = placement_costs(results)
    rows = rows.assign(sex_label=rows["sex"].map(bl.SEX).fillna(labels.UNKNOWN))
    out = rows.groupby(["age_band", "sex_label"]).agg(
        children=("person_id", "nunique"), days=("volume", "sum"), gross_cost=("gross_cost", "sum"),
    ).reset_index()
    out["cost_per_child"] = out["gross_cost"] / out["children"]
    out["days_per_child"] = out["days"] / out["children"]
    order = [b.label for b in results.config.age_bands.get(AREA, ())] + [labels.UNKNOWN]
    out["age_band"] = pd.Categorical(out["age_band"], categories=order, ordered=True)
    return out.sort_values(["age_band", "sex_label"]).reset_index(drop=True)


def cost_by_sex(results: Results) -> pd.DataFrame:
    """Placed children, care days, gross cost and cost per child for girls, boys and in total."""
    rows = placement_costs(results)
    rows = rows.assign(sex_label=rows["sex"].map(bl.SEX).fillna(labels.UNKNOWN))
    out = rows.groupby("sex_label").agg(children=("person_id", "nunique"), days=("volume", "sum"),
                                        gross_cost=("gross_cost", "sum"))
    out.loc[labels.TOTAL] = [rows["person_id"].nunique(), rows["volume"].sum(), rows["gross_cost"].sum()]
    out["cost_per_child"] = out["gross_cost"] / out["children"].where(out["children"] > 0)
    out["days_per_child"] = out["days"] / out["children"].where(out["children"] > 0)
    return out.rename_axis("sex_label").reset_index()


def law_split(results: Results) -> pd.DataFrame:
    """Per legal basis (SoL, LVU, unknown): children, stays, care days and their share, cost and cost per day.

    A child placed under both laws during the period counts under each; the total counts each child once.
    """
    stays = placement_stays(results)
    out = stays.groupby("law_label").agg(
        children=("person_id", "nunique"), stays=("stay_id", "size"), days=("days", "sum"),
        direct_cost=("direct_cost", "sum"), overhead_cost=("overhead_cost", "sum"), gross_cost=("gross_cost", "sum"),
    )
    order = [law for law in ("LVU", "SoL") if law in out.index]
    order += sorted(i for i in out.index if i not in ("LVU", "SoL", labels.UNKNOWN))
    order += [labels.UNKNOWN] if labels.UNKNOWN in out.index else []
    out = out.reindex(order)
    total = stays[["days", "direct_cost", "overhead_cost", "gross_cost"]].sum()
    out.loc[labels.TOTAL] = [stays["person_id"].nunique(), len(stays), *total.to_list()]
    out["days_share"] = out["days"] / total["days"] if total["days"] else math.nan
    out["cost_per_care_day"] = _cost_per_day(out)
    return out.rename_axis("law").reset_index().drop(columns=["direct_cost", "overhead_cost"])


def law_by_form(results: Results) -> pd.DataFrame:
    """Care days per placement form and legal basis (columns LVU, SoL, ...), with the LVU share of days."""
    stays = placement_stays(results)
    table = stays.pivot_table(index="service_code", columns="law_label", values="days", aggfunc="sum", fill_value=0)
    table = table.reindex([c for c in PLACEMENTS if c in table.index])
    table.columns = [str(c) for c in table.columns]
    total = table.sum(axis=1)
    table["lvu_share"] = (table["LVU"] if "LVU" in table.columns else 0) / total.where(total > 0)
    table.insert(0, "service", [labels.service(c) for c in table.index])
    return table.rename_axis("service_code").reset_index()


# ------------------------------------------------------------------------------------------------ open care, money


def open_care_vs_placement(results: Results) -> pd.DataFrame:
    """Placements (24-hour care) beside open care: brukare, volume, gross and net cost, share, cost per brukare."""
    rows = area_costs(results, AREA)
    kind = np.where(rows["service_code"].isin(PLACEMENTS), "placement",
                    np.where(rows["service_code"] == OPEN_CARE, "open_care", "other"))
    rows = rows.assign(kind=kind)
    out = rows.groupby("kind").agg(brukare=("person_id", "nunique"), volume=("volume", "sum"),
                                   gross_cost=("gross_cost", "sum"), net_cost=("net_cost", "sum"))
    out = out.reindex([k for k in ("placement", "open_care", "other") if k in out.index])
    out.loc["total"] = [rows["person_id"].nunique(), math.nan, rows["gross_cost"].sum(), rows["net_cost"].sum()]
    area_gross = rows["gross_cost"].sum()
    out["cost_share"] = out["gross_cost"] / area_gross if area_gross else math.nan
    out["cost_per_brukare"] = out["gross_cost"] / out["brukare"].where(out["brukare"] > 0)
    out["unit"] = [bl.OPEN_CARE_UNITS.get(k, "") for k in out.index]
    out["label"] = [bl.CARE_KINDS[k] for k in out.index]
    return out.rename_axis("kind").reset_index()


def open_care_and_placement_persons(results: Results) -> dict[str, int]:
    """Brukare with placements only, open care only, and both during the period."""
    rows = area_costs(results, AREA)
    placed = set(rows.loc[rows["service_code"].isin(PLACEMENTS), "person_id"])
    open_care = set(rows.loc[rows["service_code"] == OPEN_CARE, "person_id"])
    return {"placement_only": len(placed - open_care), "open_care_only": len(open_care - placed),
            "both": len(placed & open_care)}


def reimbursement(results: Results) -> pd.DataFrame:
    """State reimbursement (återsökning) per barn_unga service where the ledger has any, with a total row.

    ``reimbursement`` is signed as allocated (normally negative); ``reimbursed_share`` = −reimbursement /
    gross cost; ``net_cost_per_day`` is (direct + overhead + reimbursement) / care days for placements.
    """
    rows = area_costs(results, AREA)
    with_money = rows[rows["reimbursement"] != 0]
    codes = [c for c in [*PLACEMENTS, OPEN_CARE, *sorted(set(rows["service_code"]))]
             if c in set(with_money["service_code"])]
    codes = list(dict.fromkeys(codes))
    records = []
    for code in [*codes, "total"]:
        sel = rows if code == "total" else rows[rows["service_code"] == code]
        if code == "total":
            sel = sel[sel["service_code"].isin(codes)]
        placement = sel[sel["service_code"].isin(PLACEMENTS)]
        days = float(placement["volume"].sum())
        net_direct = float((placement["direct_cost"] + placement["overhead_cost"] + placement["reimbursement"]).sum())
        records.append({
            "service_code": code, "service": labels.TOTAL if code == "total" else labels.service(code),
            "persons": int(sel.loc[sel["reimbursement"] != 0, "person_id"].nunique()),
            "gross_cost": float(sel["gross_cost"].sum()), "reimbursement": float(sel["reimbursement"].sum()),
            "net_cost": float(sel["net_cost"].sum()),
            "net_cost_per_day": net_direct / days if days else math.nan,
        })
    out = pd.DataFrame(records, columns=["service_code", "service", "persons", "gross_cost", "reimbursement",
                                         "net_cost", "net_cost_per_day"])
    out["reimbursed_share"] = -out["reimbursement"] / out["gross_cost"].where(out["gross_cost"] != 0)
    return out if codes else out.iloc[0:0]


def top_placements(results: Results, n: int = 10) -> pd.DataFrame:
    """The ``n`` placed children with the highest gross placement cost (pseudonymised).

    Per child: age band, sex, placement forms, care days, gross and net placement cost, cost per care day.
    """
    rows = placement_costs(results)
    per = rows.groupby("person_id").agg(
        age_band=("age_band", "first"), sex=("sex", "first"), days=("volume", "sum"),
        direct_cost=("direct_cost", "sum"), overhead_cost=("overhead_cost", "sum"),
        gross_cost=("gross_cost", "sum"), net_cost=("net_cost", "sum"),
        services=("service_code", lambda s: ", ".join(labels.service(c) for c in PLACEMENTS if c in set(s))),
    )
    per["cost_per_care_day"] = _cost_per_day(per)
    top = per.sort_values("gross_cost", ascending=False).head(n).reset_index()
    top.insert(0, "rank", np.arange(1, len(top) + 1))
    top["sex"] = top["sex"].map(bl.SEX).fillna(labels.UNKNOWN)
    return top.drop(columns=["direct_cost", "overhead_cost"])


# ------------------------------------------------------------------------------------------------ data quality


def price_coverage(results: Results) -> pd.DataFrame:
    """Per placement form and regi: stays, stays with and without a contracted price (> 0), priced share of days."""
    stays = placement_stays(results)
    priced = stays["daily_price"].notna()
    out = stays.assign(priced=priced, unpriced=~priced, priced_days=np.where(priced, stays["days"], 0)).groupby(
        ["service_code", "regi"]).agg(stays=("stay_id", "size"), priced=("priced", "sum"),
                                      unpriced=("unpriced", "sum"), days=("days", "sum"),
                                      priced_days=("priced_days", "sum")).reset_index()
    out["priced_share"] = out["priced_days"] / out["days"].where(out["days"] > 0)
    out["service"] = out["service_code"].map(labels.service)
    out["regi_label"] = out["regi"].map(labels.REGI)
    order = {code: i for i, code in enumerate(PLACEMENTS)}
    return out.assign(_o=out["service_code"].map(order)).sort_values(["_o", "regi"]).drop(columns="_o").reset_index(
        drop=True)


def placement_quality(results: Results) -> pd.DataFrame:
    """The placement findings: overlapping placement stays, placements without a decision, missing prices.

    Overlapping stays are the placement rows of the run's finding ``overlapping_stays`` (the interim
    ``stays`` flag them: rows in a cluster of overlapping stays of one child and form); placements without
    a decision come from data_quality; missing prices are placement stays without a contracted price in a
    pool with priced stays (weighted by the pool's mean price) and stays whose price was zero or negative.
    """
    counted = counted_placement_stays(results)
    dq = results.data_quality
    without = float(dq.loc[dq["check"] == "placement_without_decision", "count"].sum())
    stays = placement_stays(results)
    pool_priced = stays.groupby(["service_code", "regi"])["priced_volume"].transform("sum") > 0
    unpriced = stays["daily_price"].isna()
    raw = results.stays.drop_duplicates("stay_id").set_index("stay_id")["daily_price"]
    not_positive = stays["stay_id"].map(raw).le(0).fillna(False).astype(bool)
    rows = [
        ("overlapping_placements", float(counted["overlapping"].sum())),
        ("placement_without_decision", without),
        ("price_missing_in_priced_pool", float((unpriced & pool_priced & ~not_positive).sum())),
        ("price_missing_unpriced_pool", float((unpriced & ~pool_priced & ~not_positive).sum())),
        ("price_not_positive", float(not_positive.sum())),
    ]
    out = pd.DataFrame(rows, columns=["check", "count"])
    out["label"] = out["check"].map(bl.QUALITY)
    out["consequence"] = out["check"].map(bl.QUALITY_CONSEQUENCE)
    return out


__all__ = [name for name in dir() if not name.startswith("_") and name not in {"math", "np", "pd", "labels", "bl"}]
