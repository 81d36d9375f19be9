"""The findings engine: analysis rules that turn a run's results and references into ranked findings.

Each rule (:mod:`.unit_costs`, :mod:`.hemtjanst`, :mod:`.lss`, :mod:`.barn_unga`, :mod:`.general`) returns
:class:`Finding` rows: what was seen (``observed`` against ``target`` on a stated ``basis``), how large in kronor a
year, how sure (``certainty`` from the group size and the target's quality), the proposed action and the KPI that
would show progress. :func:`find` runs every rule and ranks the findings per area by kronor; findings that value
the same money (one ``overlap`` group) are marked with each other's ranks and never summed. The run writes them to
``results/findings.csv`` (:func:`write_findings`); the reports read that file (:func:`read_findings`).
Thresholds come from the config's ``findings:`` section (:class:`kpbkit.config.findings.FindingSettings`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from kpbkit.analyses.load import Results
from kpbkit.config.findings import FindingSettings

FINDINGS_FILE = "findings.csv"
#: the interim tables the rules read (a run computes its findings without reading the visits)
INTERIM_NEEDED = ("persons", "granted", "deliveries", "resolved_stays", "population")
#: how many findings page 1 shows when the run recorded no setting
DEFAULT_TOP = FindingSettings().top
KINDS = ("saving", "difference", "risk", "quality")
CERTAINTIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Finding:
    """One finding: codes and numbers only (the views word it in Swedish)."""

    area: str
    rule: str
    #: what the finding is about within the rule: a group, service, sex or age band code ("" for the whole)
    subject: str
    #: saving (a target the cost can move to), difference (to explain), risk (money at stake), quality
    kind: str
    observed: float
    target: float
    unit: str
    #: reference, median (comparison municipalities), fk_rate, other_sex, granted, budget, ledger
    basis: str
    source: str
    source_year: float
    #: the target is an assumption (e.g. an FK rate not yet published)
    assumption: bool
    #: the volume the difference applies to, and its unit
    volume: float
    volume_unit: str
    #: kronor a year (NaN: not valued)
    kronor: float
    certainty: str
    #: persons the finding rests on
    group_size: float
    action: str
    follow_kpi: str
    #: findings in one overlap group value the same money
    overlap: str


COLUMNS = [*Finding.__dataclass_fields__, "rank", "overlaps"]


def certainty(group_size: float, settings: FindingSettings, *, solid_target: bool) -> str:
    """high: a large group against a current reference; low: a small group or an assumed target; else medium."""
    if math.isnan(group_size) or group_size < settings.min_group:
        return "low"
    if group_size >= settings.solid_group and solid_target:
        return "high"
    return "medium"


def find(results: Results, settings: FindingSettings | None = None) -> pd.DataFrame:
    """Every rule's findings for the run, ranked per area (:data:`COLUMNS`)."""
    from kpbkit.analyses.findings import barn_unga, general, hemtjanst, lss, unit_costs

    settings = settings or FindingSettings()
    found: list[Finding] = []
    for rule in (unit_costs.findings, hemtjanst.findings, lss.findings, barn_unga.findings, general.findings):
        found.extend(rule(results, settings))
    kept = [f for f in found if math.isnan(f.kronor) or f.kronor >= settings.min_kronor or f.kind == "quality"]
    return rank(pd.DataFrame([asdict(f) for f in kept], columns=list(Finding.__dataclass_fields__)))


def rank(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank per area by kronor (largest first, not valued last; ties: certainty, rule); ``overlaps`` lists the
    ranks of the other findings in the same overlap group (``"2;5"``)."""
    if not len(frame):
        return frame.assign(rank=pd.Series(dtype="int64"), overlaps=pd.Series(dtype="string"))[COLUMNS]
    order = {c: i for i, c in enumerate(CERTAINTIES)}
    frame = frame.assign(_valued=frame["kronor"].notna(), _sure=frame["certainty"].map(order))
    frame = frame.sort_values(["area", "_valued", "kronor", "_sure", "rule", "subject"],
                              ascending=[True, False, False, True, True, True], na_position="last")
    frame["rank"] = frame.groupby("area").cumcount() + 1
    keys = list(zip(frame["area"], frame["overlap"], strict=True))
    ranks: dict[tuple[str, str], list[int]] = {}
    for key, r in zip(keys, frame["rank"], strict=True):
        ranks.setdefault(key, []).append(int(r))
    frame["overlaps"] = [";".join(str(o) for o in sorted(ranks[key]) if o != r) if key[1] else ""
                         for key, r in zip(keys, frame["rank"], strict=True)]
    return frame.drop(columns=["_valued", "_sure"]).reset_index(drop=True)[COLUMNS]


def for_area(findings: pd.DataFrame, area: str, *, top: int | None = None) -> pd.DataFrame:
    """One area's findings in rank order (the first ``top``)."""
    out = findings[findings["area"] == area].sort_values("rank")
    return out.head(top) if top is not None else out


def write_findings(results: Results, settings: FindingSettings | None = None) -> pd.DataFrame:
    """Compute the run's findings and write ``results/findings.csv``."""
    from kpbkit.io.writers import write_csv

    frame = find(results, settings)
    write_csv(frame, results.folder / FINDINGS_FILE)  # refused if a value is shaped like a personnummer
    return frame


def read_findings(results: Results, settings: FindingSettings | None = None) -> pd.DataFrame:
    """The run's findings (``results/findings.csv``; a run from before the findings engine: computed now)."""
    path = Path(results.folder) / FINDINGS_FILE
    if not path.is_file():
        return find(results, settings)
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""],
                        dtype={"subject": str, "source": str, "overlap": str, "overlaps": str})
    for col in ("subject", "source", "overlap", "overlaps"):
        frame[col] = frame[col].fillna("")
    frame["assumption"] = frame["assumption"].astype(str).eq("True")
    return frame
