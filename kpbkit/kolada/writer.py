"""Kolada values → a versioned reference file in the shape of ``kpbkit/data/reference_values.csv``.

The file has the reference columns (``version, area, kpi, group, value, low, high, unit, year, source, note``)
and one more, ``municipality``: the Kolada codes a row stands for (space-separated), which the reference loader
ignores. ``version`` is ``kolada-<date of fetch>``, ``year`` Kolada's period, ``group`` the mapping's group for
gender T and ``K``/``M`` for genders K/M (only where the mapping's group is ``total``: kpbkit has no sex groups
inside a service or regi group).

By default a row is the unweighted mean of the chosen municipalities that have a value (as Kolada's own
municipality groups are), with the lowest and highest as ``low``/``high``; its source says it is a calculation
on Kolada's figures (Kolada's terms forbid crediting Kolada with a processed figure). ``per_municipality``
writes one row per municipality instead (its name in ``source``, so each stays a reference of its own).
"""

from __future__ import annotations

import math
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from kpbkit.io.writers import write_csv
from kpbkit.kolada.client import Observation
from kpbkit.kolada.mapping import KpiMapping

#: the reference columns (kpbkit.comparisons.REFERENCE_COLUMNS; a test keeps the two equal) and the extra one
REFERENCE_COLUMNS: tuple[str, ...] = (
    "version", "area", "kpi", "group", "value", "low", "high", "unit", "year", "source", "note",
)
COLUMNS: tuple[str, ...] = (*REFERENCE_COLUMNS, "municipality")
SEX_GROUPS = {"K": "K", "M": "M"}

#: the text written into the file's source and note cells (data the reports print as written)
TEXT = {
    "source": "Kolada, {id} {title}",
    # Kolada's terms: a figure processed by the user may not be credited to Kolada as its source
    "source_mean": "Egen beräkning (medelvärde) på uppgifter från Kolada, {id} {title}",
    "source_one": "Kolada, {id} {title}: {name}",
    "mean": "Ovägt medelvärde av {n} kommuner ({names}); lägst–högst som spridning",
    "one": "Värdet för {names}",
    "missing": "uppgift saknas för {names}",
    "status": "Koladas status: {status}",
}


def version_of(fetched: date) -> str:
    return f"kolada-{fetched.isoformat()}"


def _group(mapping: KpiMapping, gender: str) -> str | None:
    if gender == "T":
        return mapping.group
    if gender in SEX_GROUPS and mapping.group == "total":
        return SEX_GROUPS[gender]
    return None


def _name(code: str, names: dict[str, str]) -> str:
    return f"{names[code]} ({code})" if names.get(code) else code


def _note(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def reference_frame(observations: Iterable[Observation], mappings: list[KpiMapping], *, municipalities: list[str],
                    names: dict[str, str], titles: dict[str, str], fetched: date,
                    per_municipality: bool = False) -> pd.DataFrame:
    """The reference rows of the observations of mapped KPIs (columns :data:`COLUMNS`), sorted.

    ``municipalities`` are the codes asked for (a code without a value is named in the note as missing);
    ``names`` their titles and ``titles`` the Kolada KPI titles (the mapping's title where absent).
    A value that is null in Kolada is never written as a number.
    """
    by_id: dict[str, list[KpiMapping]] = defaultdict(list)
    for m in mappings:
        by_id[m.kolada_id].append(m)
    # (mapping index, group, period) -> municipality -> (value, status)
    cells: dict[tuple[int, str, int], dict[str, tuple[float | None, str]]] = defaultdict(dict)
    for obs in observations:
        for m in by_id.get(obs.kpi, []):
            group = _group(m, obs.gender)
            if group is not None:
                cells[(mappings.index(m), group, obs.period)][obs.municipality] = (obs.value, obs.status)
    version = version_of(fetched)
    rows = []
    for (index, group, period), found in cells.items():
        m = mappings[index]
        title = titles.get(m.kolada_id) or m.kolada_title
        base = {"version": version, "area": m.area, "kpi": m.kpi, "group": group, "unit": m.unit, "year": period}
        with_value = {code: v for code, v in found.items() if v[0] is not None and math.isfinite(v[0])}
        missing = [code for code in municipalities if code not in with_value]
        statuses = sorted({status for _, status in with_value.values() if status})
        status_note = TEXT["status"].format(status=", ".join(statuses)) if statuses else ""
        if per_municipality:
            for code in sorted(with_value):
                value, status = with_value[code]
                rows.append({**base, "value": value * m.factor, "low": math.nan, "high": math.nan,
                             "source": TEXT["source_one"].format(id=m.kolada_id, title=title,
                                                                 name=_name(code, names)),
                             "note": _note(m.note, TEXT["status"].format(status=status) if status else ""),
                             "municipality": code})
            continue
        if not with_value:
            continue
        values = [v * m.factor for v, _ in with_value.values()]
        codes = sorted(with_value)
        listed = ", ".join(_name(c, names) for c in codes)
        several = len(values) > 1
        rows.append({
            **base, "value": sum(values) / len(values),
            "low": min(values) if several else math.nan, "high": max(values) if several else math.nan,
            "source": TEXT["source_mean" if several else "source"].format(id=m.kolada_id, title=title),
            "note": _note(TEXT["mean"].format(n=len(values), names=listed) if several
                          else TEXT["one"].format(names=listed),
                          TEXT["missing"].format(names=", ".join(_name(c, names) for c in missing)) if missing else "",
                          status_note, m.note),
            "municipality": " ".join(codes),
        })
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    if len(frame):
        frame = frame.sort_values(["area", "kpi", "group", "year", "source"], kind="stable").reset_index(drop=True)
        frame["year"] = frame["year"].astype(int)
    return frame


def write_reference_file(frame: pd.DataFrame, path: Path) -> None:
    """Write the reference rows as UTF-8 CSV (the shape of reference_values.csv plus ``municipality``).

    Atomic: written beside ``path`` and renamed, so an interrupted write never leaves half a file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write_csv(frame[list(COLUMNS)], Path(temp))
        os.chmod(temp, 0o644)  # public figures: the usual permissions, not mkstemp's owner-only
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
