"""Data-quality checks that compare the model's counted rows with the case system's decisions.

Each check only adds a finding (never fatal, never changes volumes or costs); a finding's detail holds
counts and service codes, never a person's id or personnummer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.catalog import PLACEMENT_SERVICES
from kpbkit.quality import Findings, describe_row

#: check id of the placement-decision check (Swedish name in kpbkit.labels.CHECKS)
PLACEMENT_WITHOUT_DECISION = "placement_without_decision"


def placements_without_decision(
    stays: pd.DataFrame,
    decisions: pd.DataFrame,
    *,
    services: tuple[str, ...] = PLACEMENT_SERVICES,
) -> pd.Series:
    """Which placement stays have no decision of their service active on any day of the stay.

    Parameters
    ----------
    stays
        Stays with ``person_id``, ``service_code``, ``start_date`` and ``end_date`` (NaT = ongoing), e.g. the
        model's counted stays.
    decisions
        Decisions with the same columns; rows ending before they start are ignored.
    services
        The placement services checked; stays of other services are never flagged.

    Returns
    -------
    pd.Series
        Boolean, aligned with ``stays``: True for a placement stay without a matching decision.
    """
    flagged = pd.Series(False, index=stays.index)
    placed = stays[stays["service_code"].isin(services)]
    if not len(placed):
        return flagged
    d = decisions[decisions["service_code"].isin(services)]
    d = d[~(d["end_date"] < d["start_date"])]
    keys = ["person_id", "service_code"]
    left = placed[[*keys, "start_date", "end_date"]].astype({"person_id": "string", "service_code": "string"})
    left = left.assign(_row=np.arange(len(left)))
    right = d[[*keys, "start_date", "end_date"]].astype({"person_id": "string", "service_code": "string"})
    pairs = left.merge(right, on=keys, suffixes=("", "_decision"))
    # Intervals [a, b] and [c, d] share a day when a <= d and c <= b (an empty end never ends).
    decision_open = pairs["end_date_decision"].isna() | (pairs["start_date"] <= pairs["end_date_decision"])
    stay_open = pairs["end_date"].isna() | (pairs["start_date_decision"] <= pairs["end_date"])
    covers = decision_open & stay_open
    covered = np.zeros(len(left), dtype=bool)
    covered[pairs.loc[covers, "_row"].to_numpy()] = True
    flagged.loc[placed.index] = ~covered
    return flagged


def check_placement_decisions(
    stays: pd.DataFrame, decisions: pd.DataFrame, findings: Findings, file: Path | None = None
) -> int:
    """Add the ``placement_without_decision`` warning (counting stays) and return the count.

    ``stays`` are the stays that count in the period (the model's resolved stays); ``decisions`` the
    canonical decisions; ``file`` the stays' source file, cited in the example. The detail names the
    count per service, never a person.
    """
    flagged = placements_without_decision(stays, decisions)
    count = int(flagged.sum())
    if count:
        per_service = stays.loc[flagged, "service_code"].astype("string").value_counts().sort_index()
        parts = ", ".join(f"{code} {n}" for code, n in per_service.items())
        placed = int(stays["service_code"].isin(PLACEMENT_SERVICES).sum())
        findings.add(
            PLACEMENT_WITHOUT_DECISION,
            "warning",
            "stays",
            count,
            f"{count} of {placed} placement stays have no decision of the same service active on any day of "
            f"the stay ({parts}): still counted in volumes and costs",
            example=describe_row(stays, flagged, "stays", file),
            values={"placed": placed, "per_service": {str(c): int(n) for c, n in per_service.items()}},
        )
    return count
