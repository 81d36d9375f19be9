"""The workbooks' tables in publication mode (``report.publication`` or ``kpbkit run --publish``): aggregates only.

No row per person or case, and person counts below ``report.threshold`` shown as ``<threshold`` with the
secondary suppression of :meth:`kpbkit.privacy.Policy.suppression_mask`, as in the reports (:func:`published_tables`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kpbkit import labels
from kpbkit.privacy import Policy
from kpbkit.report.column_kinds import KINDS, MONEY, PA_FLAG_COUNTS

#: a published table → the results table it sums up
PUBLISHED_FROM = {"service_costs": "person_costs", "pa_six_month_published": "pa_six_month"}
_PA_KEYS = ["service_code", "row_type", "period", "period_start", "period_end", "settlement_period",
            "current_settlement_period"]
_PA_SUMMED = ["granted_hours", "delivered_hours", "municipal_share_hours", "reimbursed_hours", "reimbursement",
              "municipal_share", "cost", "net_cost"]
#: the published six-month table's columns
PA_PUBLISHED_COLUMNS = [*_PA_KEYS, "cases", "granted_hours", "delivered_hours", "delivery_ratio",
                        "municipal_share_hours", "reimbursed_hours", "fk_rate", "reimbursement", "municipal_share",
                        "cost", "net_cost", "cost_per_hour", "net_cost_per_hour", *PA_FLAG_COUNTS.values()]
_SERVICE_KEYS = ["area", "service_code", "regi", "unit"]


def published_tables(tables: Mapping[str, pd.DataFrame], policy: Policy) -> dict[str, pd.DataFrame]:
    """The workbook's tables in publication mode: aggregates only, person counts below the threshold suppressed.

    * ``person_costs`` (a row per person) becomes ``service_costs``: brukare, volume and costs per area, service
      and regi;
    * ``unit_costs`` gets the brukare of each service and regi, so that a small group's unit cost is hidden;
    * ``pa_six_month`` (a row per case) becomes its sums per service and month, settlement period and year,
      with the number of cases and of flagged cases (:func:`published_six_month`);
    * ``kpis``: person counts of a group below the threshold, and every figure of that group (:func:`published_kpis`);
    * ``data_quality`` keeps check, severity, table and count: no example row, no detail (it cites counts);
    * ``prognos_rates`` and ``prognos``: the brukare counts, and the figures of their row but the population.

    Each count column is suppressed by :meth:`kpbkit.privacy.Policy.suppression_mask` (primary and secondary); a
    hidden cell holds ``"<threshold"``.
    """
    out: dict[str, pd.DataFrame] = {}
    costs = tables.get("person_costs")
    for name, frame in tables.items():
        if name == "person_costs":
            out["service_costs"] = published_service_costs(frame, policy)
        elif name == "unit_costs":
            brukare = (costs.groupby(["service_code", "regi"], as_index=False)["person_id"].nunique()
                       .rename(columns={"person_id": "brukare"}) if costs is not None
                       else pd.DataFrame(columns=["service_code", "regi", "brukare"]))
            merged = frame.merge(brukare, on=["service_code", "regi"], how="left")
            merged["brukare"] = merged["brukare"].fillna(0).astype(int)
            columns = [*frame.columns[:3], "brukare", *frame.columns[3:]]
            out[name] = suppress(merged[columns], ["brukare"], ["gross_pool", "volume", "cost_per_unit"],
                                 policy=policy)
        elif name == "kpis":
            out[name] = published_kpis(frame, policy)
        elif name == "data_quality":
            kept = frame[["check", "severity", "table", "count"]]
            out[name] = suppress(kept, ["count"], [], policy=policy)
        elif name == "pa_six_month":
            out["pa_six_month_published"] = published_six_month(frame, policy)
        elif name in ("prognos_rates", "prognos"):
            figures = [c for c, kind in KINDS[name].items()
                       if c in frame.columns and c not in ("brukare", "population") and kind != "int"]
            out[name] = suppress(frame, ["brukare"], figures, policy=policy)
        else:
            out[name] = frame
    return out


def suppress(frame: pd.DataFrame, counts: Sequence[str], figures: Sequence[str], *, policy: Policy,
             derived_from: Sequence[str] | None = None) -> pd.DataFrame:
    """``frame`` with its small counts and the ``figures`` of their rows as ``"<threshold"``.

    ``counts`` are suppressed by :meth:`kpbkit.privacy.Policy.suppression_mask` (1 ≤ n < threshold, then the next
    smallest where one part alone would be hidden); ``figures`` of a row are hidden where one of ``derived_from``
    (default: every count) is.
    """
    out = frame.reset_index(drop=True)
    if not len(out) or not counts:
        return out
    mask = policy.suppression_mask(out, list(counts))
    small = mask[list(derived_from if derived_from is not None else counts)].any(axis=1).to_numpy()
    marker = policy.marker
    out = out.astype({c: object for c in [*counts, *figures]})
    for col in counts:
        out.loc[mask[col].to_numpy(), col] = marker
    for col in figures:
        out.loc[small, col] = marker
    return out


def published_service_costs(person_costs: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """``person_costs`` summed per area, service, regi and unit with the number of brukare (small ones hidden)."""
    money = [c for c in MONEY if c in person_costs.columns]
    grouped = person_costs.groupby(_SERVICE_KEYS, sort=True, dropna=False)
    out = grouped[["volume", *money]].sum(min_count=1)
    out.insert(0, "brukare", grouped["person_id"].nunique())
    return suppress(out.reset_index(), ["brukare"], ["volume", *money], policy=policy)


def published_six_month(table: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The six-month report summed over the cases per service and month, settlement period and year.

    Columns :data:`PA_PUBLISHED_COLUMNS`: the number of cases, hours and kronor, the ratios of the sums, FK's rate,
    and the number of cases with each flag. Small numbers of cases hide the row's figures; small flag counts
    are hidden on their own.
    """
    if not len(table):
        return pd.DataFrame(columns=PA_PUBLISHED_COLUMNS)
    flags = table[list(PA_FLAG_COUNTS)].astype(str).eq("True")
    rows = table.assign(**{PA_FLAG_COUNTS[f]: flags[f].astype(int) for f in PA_FLAG_COUNTS})
    grouped = rows.groupby(_PA_KEYS, sort=False, dropna=False)
    out = grouped[_PA_SUMMED].sum(min_count=1)
    out["cases"] = grouped["person_id"].nunique()
    out["fk_rate"] = grouped["fk_rate"].first()
    for col in PA_FLAG_COUNTS.values():
        out[col] = grouped[col].sum()
    out = out.reset_index()
    delivered = out["delivered_hours"].where(out["delivered_hours"] > 0)
    out["delivery_ratio"] = out["delivered_hours"] / out["granted_hours"].where(out["granted_hours"] > 0)
    out["cost_per_hour"] = out["cost"] / delivered
    out["net_cost_per_hour"] = out["net_cost"] / delivered
    figures = [c for c in PA_PUBLISHED_COLUMNS if c not in _PA_KEYS and c != "fk_rate" and c != "cases"
               and c not in PA_FLAG_COUNTS.values()]
    return suppress(out[PA_PUBLISHED_COLUMNS], ["cases", *PA_FLAG_COUNTS.values()], figures, policy=policy,
                    derived_from=["cases"])


def _kpi_dimension(group: str) -> str:
    """The breakdown a kpis group belongs to: its groups are the parts a small one could be recalculated from."""
    if group == "total":
        return "total"
    if group in labels.SEX:
        return "sex"
    if group in labels.REGI:
        return "regi"
    return "age" if group[:1].isdigit() else "service"


def published_kpis(kpis: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """kpis with person counts below the threshold hidden, and every other figure of their area and group.

    As the reports do (:func:`kpbkit.views.common.key_figures_table`): a small count hides its group's figures, a
    small total its area's; the parts of one breakdown (age, sex, regi, service) are suppressed together by
    :meth:`kpbkit.privacy.Policy.suppression_mask`, so a small part cannot be recalculated from the total and the
    others.
    """
    out = kpis.reset_index(drop=True)
    persons = (out["unit"] == "persons").to_numpy()
    hidden = np.zeros(len(out), dtype=bool)
    dimension = out["group"].astype(str).map(_kpi_dimension)
    numbers = pd.to_numeric(out["value"], errors="coerce")
    small = ((numbers >= 1) & (numbers < policy.threshold)).to_numpy()
    for _key, part in out[persons].groupby([out.loc[persons, "area"], out.loc[persons, "kpi"],
                                            dimension[persons]], sort=False):
        if not small[part.index].any():  # no small count in the breakdown: nothing to hide (no secondary either)
            continue
        mask = policy.suppression_mask(part.rename(columns={"value": "n"}), ["n"])
        hidden[part.index[mask["n"].to_numpy()]] = True
    small_groups = set(zip(out.loc[hidden, "area"], out.loc[hidden, "group"], strict=True))
    small_areas = {area for area, group in small_groups if group == "total"}
    pairs = list(zip(out["area"], out["group"], strict=True))
    hide = hidden | np.array([(a, g) in small_groups or a in small_areas for a, g in pairs], dtype=bool)
    out["value"] = out["value"].astype(object)
    out.loc[hide, "value"] = policy.marker
    return out
