"""Data-quality checks of the cleaning phases (issue 6) that only report: they never change volumes or costs.

Every check adds at most one finding (``kpbkit.quality.Findings``) with a stable check id, a count and an
``example`` made by :func:`describe_row`: the source file and row a person sees, plus non-identifying
fields (codes, dates, minutes, kronor). No example or detail ever carries a personnummer or a pseudonym.

The checks run on the canonical tables and the model's counted rows (``VolumeResult.counted_visits`` and
``VolumeResult.stays``) and are vectorised: a visits table of 10 M rows is factorised once and looked up
with gathers and sorted searches, never a Python loop over rows.

This module runs them all (:func:`run_quality_checks`); they live by what they look at: :mod:`.duplicates`,
:mod:`.deliveries` (decisions against deliveries), :mod:`.plausibility`, :mod:`.control_totals`, on the integer
keys of :mod:`.keys`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kpbkit.model.quality_checks.control_totals import check_control_totals
from kpbkit.model.quality_checks.deliveries import check_decisions_without_delivery, check_visits_without_decision
from kpbkit.model.quality_checks.duplicates import VISIT_KEY, check_duplicate_ids, check_duplicate_visits
from kpbkit.model.quality_checks.keys import VisitKeys, counted_positions
from kpbkit.model.quality_checks.plausibility import (
    HOURS_IN_A_MONTH,
    LARGE_LEDGER_ROW,
    MAX_AGE,
    check_granted_hours_implausible,
    check_ledger_amount_implausible,
    check_minutes_implausible,
    check_outside_period,
    check_person_ages,
    check_population_plausible,
    require_ledger_in_period,
)
from kpbkit.quality import Findings

if TYPE_CHECKING:
    from kpbkit.config import ClientConfig
    from kpbkit.ingest import CanonicalData
    from kpbkit.model.volumes import VolumeResult

__all__ = [
    "HOURS_IN_A_MONTH", "LARGE_LEDGER_ROW", "MAX_AGE", "VISIT_KEY", "VisitKeys", "check_control_totals",
    "check_decisions_without_delivery", "check_duplicate_ids", "check_duplicate_visits",
    "check_granted_hours_implausible", "check_ledger_amount_implausible", "check_minutes_implausible",
    "check_outside_period", "check_person_ages", "check_population_plausible", "check_visits_without_decision",
    "require_ledger_in_period", "run_quality_checks",
]


def run_quality_checks(data: CanonicalData, volumes: VolumeResult, config: ClientConfig, findings: Findings) -> None:
    """Every check of this module on one run's tables and counted rows (each adds at most one finding).

    A source table that is empty (not delivered) is not used as evidence: with no decisions at all,
    ``visit_without_decision`` is not checked, and hour (day) decisions are not checked for delivery
    without any visits (stays); ``table_missing`` already says so.
    """
    files = data.input_files
    period, quality = config.period, config.quality
    visits, counted = data.visits, volumes.counted_visits
    every_visit = VisitKeys.build(visits, config.catalog, period)  # factorised once, for all the visit checks
    positions = counted_positions(visits.index, counted)
    keys = every_visit.subset(positions) if positions is not None else VisitKeys.build(counted, config.catalog, period)
    check_duplicate_visits(visits, findings, file=files.get("visits"), keys=every_visit)
    check_duplicate_ids(data.decisions, "decision_id", "decisions", findings, file=files.get("decisions"))
    check_duplicate_ids(data.stays, "stay_id", "stays", findings, file=files.get("stays"))
    if len(data.decisions):
        check_visits_without_decision(counted, data.decisions, config.catalog, period, findings,
                                      file=files.get("visits"), keys=keys)
    units = {u for u, table in (("hour", visits), ("day", data.stays), ("weekday", data.stays)) if len(table)}
    check_decisions_without_delivery(data.decisions, counted, volumes.stays, config.catalog, period, findings,
                                     units=units, file=files.get("decisions"), keys=keys)
    check_minutes_implausible(counted, quality.max_visit_minutes, findings, file=files.get("visits"))
    check_outside_period(data.stays, "stays", period, findings, file=files.get("stays"))
    check_outside_period(data.decisions, "decisions", period, findings, file=files.get("decisions"))
    check_control_totals(data.ledger, quality, period, findings)
    for table in ("population", "population_forecast"):
        check_population_plausible(getattr(data, table), table, findings, file=files.get(table))
    deliveries = [(frame, name, files.get(name)) for name, frame in
                  (("visits", visits), ("decisions", data.decisions), ("stays", data.stays))]
    check_person_ages(data.persons, period, findings, deliveries=deliveries, file=files.get("persons"))
    check_granted_hours_implausible(data.decisions, findings, file=files.get("decisions"))
    check_ledger_amount_implausible(data.ledger, findings, file=files.get("ledger"))
