"""The data-quality report's analyses: a run's findings in the consultants' cleaning phases, and the tie-out.

Pure functions of a run's :class:`~kpbkit.analyses.load.Results`, reading ``data_quality.csv`` and
``reconciliation.csv`` (and the config's control totals); nothing is recomputed. The phases (KPB-METHOD §1):

1. ``records``: the case system's records (persons, decisions, visits, stays, providers, population, files);
2. ``ledger``: the ledger's code strings (rows no rule maps, pools without volume, volumes without a pool);
3. ``reconciliation``: the ledger against the client's control totals (the RS figure).

>>> res = load_results("client_configs/exempelkommun.yaml", "2025")   # doctest: +SKIP
>>> findings(res)[["number", "check_id", "severity_id", "phase"]]      # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd

from kpbkit.analyses import common
from kpbkit.analyses.load import Results

PHASES: tuple[str, ...] = ("records", "ledger", "reconciliation")
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
#: checks of the reconciliation phase, whatever table they name
RECONCILIATION_CHECKS = frozenset({"control_total_mismatch", "control_total_match"})
#: tables whose findings belong to the ledger phase
LEDGER_TABLES = frozenset({"ledger", "ledger_rules"})
#: the order a client works through the tables within a phase (others follow, by check id)
TABLE_ORDER: tuple[str, ...] = ("persons", "providers", "decisions", "visits", "stays", "population",
                                "population_forecast", "ledger", "ledger_rules")
#: reconciliation targets whose residual means a pool without weight
POOL_FORMS = ("service", "overhead", "myndighet")
#: checks whose rows carry ledger cost, are left out of the allocation or carry a weight that is likely wrong: a
#: warning of these moves kronor between brukare, services or regi, or leaves them unallocated; every other warning
#: concerns descriptions (age, sex, links between tables) of rows that are counted as they should be
MONEY_CHECKS = frozenset({
    # ledger kronor not allocated, or allocated from a doubtful row
    "ledger_unmapped", "pool_without_volume", "volume_without_pool", "ledger_amount_implausible",
    "control_total_mismatch",
    # rows left out of the volumes that carry the costs, or weighted otherwise than the file says
    "service_unknown", "wrong_table_for_unit", "minutes_not_positive", "end_before_start", "provider_unknown",
    "provider_missing", "personnummer_missing", "daily_price_not_positive",
    # rows counted with a weight that is probably wrong (twice, or far too long)
    "duplicate_visits", "duplicate_decision_id", "duplicate_stay_id", "minutes_implausible",
})
_TOLERANCE = 0.005  # a residual below half an öre is no residual


def phase_of(check: str, table: str) -> str:
    """The cleaning phase of a finding: by its check id first, else by its table.

    >>> phase_of("control_total_mismatch", "ledger"), phase_of("ledger_unmapped", "ledger")
    ('reconciliation', 'ledger')
    >>> phase_of("provider_unknown", "visits")
    'records'
    """
    if check in RECONCILIATION_CHECKS or str(check).startswith("control_total"):
        return "reconciliation"
    if table in LEDGER_TABLES:
        return "ledger"
    return "records"


def findings(results: Results) -> pd.DataFrame:
    """Every finding of ``data_quality.csv`` with its phase and number (the views add names and guidance).

    Columns: ``number`` (``1.1``, ``1.2``, ``2.1``, ...: the phase's place in :data:`PHASES`, then the
    finding's), ``phase``, ``check_id``, ``severity_id``, ``table_id``, ``count``, ``detail``, ``example``.
    ``values`` holds the finding's numbers and names (a dict, empty when the run wrote none).
    Ordered by phase, severity (errors first) and table (:data:`TABLE_ORDER`), then by check id as
    :func:`kpbkit.analyses.common.quality_findings` orders them.
    """
    dq = results.data_quality.copy()
    dq["values"] = [_values(v) for v in dq["values"]] if "values" in dq.columns else [{} for _ in range(len(dq))]
    for col in ("check", "severity", "table", "detail", "example"):
        if col not in dq.columns:
            dq[col] = ""
        dq[col] = dq[col].astype("object").where(dq[col].notna(), "").astype(str)
    dq["count"] = pd.to_numeric(dq.get("count", pd.Series(0, index=dq.index)), errors="coerce").fillna(0)
    shown = common.quality_findings(dataclasses.replace(results, tables={**results.tables, "data_quality": dq}))
    shown = shown.rename(columns={"check": "check_id", "severity": "severity_id", "table": "table_id"})
    shown["phase"] = [phase_of(c, t) for c, t in zip(shown["check_id"], shown["table_id"], strict=True)]
    # within a phase: errors first, then table by table in the order a client goes through the files
    keys = {
        "_phase": shown["phase"].map({p: i for i, p in enumerate(PHASES)}),
        "_severity": shown["severity_id"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(len(SEVERITIES)),
        "_table": shown["table_id"].map({t: i for i, t in enumerate(TABLE_ORDER)}).fillna(len(TABLE_ORDER)),
    }
    shown = shown.assign(**keys).sort_values(list(keys), kind="stable").drop(columns=list(keys))
    shown = shown.reset_index(drop=True)
    position = shown.groupby("phase", sort=False).cumcount() + 1
    shown["number"] = [f"{PHASES.index(p) + 1}.{i}" for p, i in zip(shown["phase"], position, strict=True)]
    columns = ["number", "phase", "check_id", "severity_id", "table_id", "count", "detail", "example", "values"]
    return shown[columns]


def _values(text: object) -> dict[str, object]:
    """A finding's ``values`` cell as a dict (empty when missing or not a JSON object)."""
    if not isinstance(text, str) or not text.strip():
        return {}
    try:
        parsed = json.loads(text)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def phase_findings(results: Results, phase: str) -> pd.DataFrame:
    """The findings of one phase (``records``, ``ledger`` or ``reconciliation``), as :func:`findings`."""
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {', '.join(PHASES)}, not {phase!r}")
    f = findings(results)
    return f[f["phase"] == phase].reset_index(drop=True)


def severity_summary(results: Results) -> pd.DataFrame:
    """Number of findings per severity (error, warning, info, then any other) and phase, with a total row.

    Columns: ``severity_id`` (:data:`kpbkit.analyses.common.TOTAL` on the total row), ``findings`` and one
    column per phase.
    """
    f = findings(results)
    others = [s for s in pd.unique(f["severity_id"]) if s not in SEVERITIES]
    rows = []
    for severity in (*SEVERITIES, *others):
        sel = f[f["severity_id"] == severity]
        rows.append({"severity_id": severity, "findings": len(sel),
                     **{p: int((sel["phase"] == p).sum()) for p in PHASES}})
    rows.append({"severity_id": common.TOTAL, "findings": len(f),
                 **{p: int((f["phase"] == p).sum()) for p in PHASES}})
    return pd.DataFrame(rows)


def verdict(results: Results) -> dict[str, object]:
    """Whether the run can be trusted: counts per severity, control totals, and a ``status``.

    ``status`` is ``errors`` (any error finding), ``no_control_totals`` (the config states none),
    ``control_not_checked`` (stated, but the run reports no comparison) or ``ok``. ``money_warnings`` counts the
    warnings of :data:`MONEY_CHECKS` (``other_warnings`` the rest) and ``unallocated`` is the ledger's kronor
    neither allocated nor excluded by a rule (unmapped rows and pools without volume, from the reconciliation).
    """
    f = findings(results)
    n = {s: int((f["severity_id"] == s).sum()) for s in SEVERITIES}
    warned = f[f["severity_id"] == "warning"]
    money = int(warned["check_id"].isin(MONEY_CHECKS).sum())
    overview = ledger_overview(results)
    stated = len(results.config.quality.control_totals)
    matched = int((f["check_id"] == "control_total_match").sum())
    mismatched = int((f["check_id"] == "control_total_mismatch").sum())
    if n["error"]:
        status = "errors"
    elif not stated:
        status = "no_control_totals"
    elif not (matched or mismatched):
        status = "control_not_checked"
    else:
        status = "ok"
    return {"status": status, "errors": n["error"], "warnings": n["warning"], "info": n["info"],
            "money_warnings": money, "other_warnings": n["warning"] - money,
            "unallocated": overview["unmapped"] + overview["pools_without_volume"],
            "control_totals": stated, "control_matched": matched, "control_mismatched": mismatched}


def findings_per_table(results: Results) -> pd.DataFrame:
    """Number of findings per table and severity (``table_id``, ``severity_id``, ``findings``), in the order the
    findings name them (the views order them by their Swedish names)."""
    f = findings(results)
    return f.groupby(["table_id", "severity_id"], sort=False).size().rename("findings").reset_index()


def input_rows(results: Results) -> pd.DataFrame:
    """Rows per case-system table as the run read them (after ingest and pseudonymisation)."""
    names = ("persons", "providers", "decisions", "visits", "stays")
    rows = [{"table_id": n, "rows": len(results.tables[n])} for n in names if n in results.tables]
    return pd.DataFrame(rows, columns=["table_id", "rows"])


def _forms(rec: pd.DataFrame) -> pd.Series:
    return rec["target"].astype(str).str.split(":").str[0]


def ledger_overview(results: Results) -> dict[str, float]:
    """The period's ledger from ``reconciliation.csv``: total, allocated, unmapped, excluded, pools without volume."""
    rec = results.reconciliation
    form = _forms(rec)
    return {
        "ledger": float(rec["ledger_amount"].sum()),
        "allocated": float(rec["allocated_amount"].sum()),
        "unmapped": float(rec.loc[form == "unmapped", "ledger_amount"].sum()),
        "excluded": float(rec.loc[form == "exclude", "ledger_amount"].sum()),
        "pools_without_volume": float(rec.loc[form.isin(POOL_FORMS), "residual"].sum()),
    }


def residuals(results: Results) -> pd.DataFrame:
    """Reconciliation rows with a residual (not allocated to brukare), largest first, with a total row.

    Columns: ``target`` (:data:`kpbkit.analyses.common.TOTAL` on the total row), ``form`` (the target's kind,
    which gives the reason), ``kind``, ``ledger_amount``, ``allocated_amount``, ``residual``.
    """
    rec = results.reconciliation.copy()
    rec = rec[rec["residual"].abs() >= _TOLERANCE]
    form = _forms(rec)
    out = pd.DataFrame({
        "target": rec["target"].astype(str),
        "form": form,
        "kind": rec["kind"],
        "ledger_amount": rec["ledger_amount"],
        "allocated_amount": rec["allocated_amount"],
        "residual": rec["residual"],
    })
    out = out.iloc[np.argsort(-out["residual"].abs().to_numpy(), kind="stable")].reset_index(drop=True)
    if not len(out):
        return out
    total = {"target": common.TOTAL, "form": "", "kind": "",
             **out[["ledger_amount", "allocated_amount", "residual"]].sum().to_dict()}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def control_totals(results: Results) -> pd.DataFrame:
    """The control totals the client states in the config (``quality.control_totals``): label, amount, and the
    activities and account prefixes they cover (empty tuples: the whole ledger)."""
    rows = [{"label": total.label, "amount": float(total.amount), "activities": tuple(total.activities),
             "account_prefixes": tuple(total.account_prefixes)}
            for total in results.config.quality.control_totals]
    return pd.DataFrame(rows, columns=["label", "amount", "activities", "account_prefixes"])
