"""The KPB model: volumes, pools, the weighted allocation, reconciliation and KPIs."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpbkit.config import ClientConfig
from kpbkit.ingest import CanonicalData
from kpbkit.model.allocate import allocate, person_rows
from kpbkit.model.checks import check_placement_decisions
from kpbkit.model.kpis import compute_kpis
from kpbkit.model.pools import map_ledger, pool_table
from kpbkit.model.quality_checks import require_ledger_in_period, run_quality_checks
from kpbkit.model.rules import ledger_rules
from kpbkit.model.volumes import compute_volumes
from kpbkit.quality import Findings

UNIT_COST_COLUMNS = ["service_code", "regi", "unit", "gross_pool", "volume", "cost_per_unit"]


@dataclass
class ModelResult:
    """Everything one run computes; the results folder is written from this."""

    person_costs: pd.DataFrame
    unit_costs: pd.DataFrame
    reconciliation: pd.DataFrame
    kpis: pd.DataFrame
    data_quality: pd.DataFrame
    deliveries: pd.DataFrame
    granted: pd.DataFrame
    stays: pd.DataFrame
    counted_visits: pd.DataFrame
    #: the index labels (as in the canonical stays) of the stays the finding overlapping_stays counts
    overlapping_stays: pd.Index


def run_model(data: CanonicalData, config: ClientConfig) -> ModelResult:
    """Compute the KPB model for one client and period; raises if the reconciliation fails."""
    findings = Findings()
    findings.extend(data.findings)
    catalog, period = config.catalog, config.period
    require_ledger_in_period(data.ledger, period, file=data.input_files.get("ledger"))  # no money: stop
    volumes = compute_volumes(
        visits=data.visits,
        stays=data.stays,
        decisions=data.decisions,
        providers=data.providers,
        catalog=catalog,
        period=period,
        findings=findings,
        files=data.input_files,
    )
    check_placement_decisions(volumes.stays, data.decisions, findings, data.input_files.get("stays"))
    rows = person_rows(volumes.deliveries, catalog)
    mapped = map_ledger(data.ledger, ledger_rules(config), period, findings, data.input_files.get("ledger"))
    pools = pool_table(mapped)
    allocation = allocate(rows, pools, findings)
    unit_costs = compute_unit_costs(rows, pools, catalog, findings)
    kpis = compute_kpis(
        allocation.person_costs,
        volumes.granted,
        data.persons,
        data.population,
        catalog=catalog,
        period=period,
        age_bands=config.age_bands,
        findings=findings,
    )
    # Report-only checks of the cleaning phases: they read the tables and counted rows, never change them.
    run_quality_checks(data, volumes, config, findings)
    return ModelResult(
        person_costs=allocation.person_costs,
        unit_costs=unit_costs,
        reconciliation=allocation.reconciliation,
        kpis=kpis,
        data_quality=findings.frame(),
        deliveries=volumes.deliveries,
        granted=volumes.granted,
        stays=volumes.stays,
        counted_visits=volumes.counted_visits,
        overlapping_stays=volumes.overlapping_stays,
    )


def compute_unit_costs(rows: pd.DataFrame, pools: pd.DataFrame, catalog, findings: Findings) -> pd.DataFrame:
    """One row per service and regi with a direct pool or a volume: gross pool / volume."""
    gross = pools[(pools["form"] == "service") & pools["kind"].isin(["cost", "internal_revenue"])]
    gross = gross.groupby(["subject", "regi"], as_index=False)["amount"].sum()
    gross = gross.rename(columns={"subject": "service_code", "amount": "gross_pool"})
    volume = rows.groupby(["service_code", "regi"], as_index=False)["volume"].sum()
    volume = volume.astype({"service_code": object, "regi": object})
    out = gross.merge(volume, on=["service_code", "regi"], how="outer")
    out["gross_pool"] = out["gross_pool"].fillna(0.0)
    out["volume"] = out["volume"].fillna(0.0)
    out["unit"] = out["service_code"].map({c: s.unit for c, s in catalog.services.items()})
    out["cost_per_unit"] = out["gross_pool"] / out["volume"].where(out["volume"] > 0)
    no_pool = out[(out["volume"] > 0) & ~out.set_index(["service_code", "regi"]).index.isin(
        gross.set_index(["service_code", "regi"]).index)]
    for item in no_pool.itertuples():
        findings.add("volume_without_pool", "warning", "ledger", 1,
                     f"service:{item.service_code}:{item.regi} has volume {item.volume:.1f} {item.unit} but no "
                     "direct cost in the ledger rules",
                     example=f"service:{item.service_code}:{item.regi}: {item.volume:.1f} {item.unit}",
                     values={"service": item.service_code, "regi": item.regi, "volume": float(item.volume),
                             "unit": item.unit})
    return out[UNIT_COST_COLUMNS].sort_values(["service_code", "regi"]).reset_index(drop=True)
