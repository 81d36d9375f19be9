"""Official reference figures from Kolada (RKA's open database), written as a kpbkit reference file.

:func:`fetch_references` resolves the municipalities (codes or names), reads the mapped KPIs' values for the
years from Kolada's API (:mod:`kpbkit.kolada.client`), maps them to kpbkit KPIs (:mod:`kpbkit.kolada.mapping`)
and returns the reference rows (:mod:`kpbkit.kolada.writer`). ``kpbkit references kolada`` is its command; a
config names the file under ``comparison.reference_files``. docs/references.md describes the API and choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpbkit.errors import KpbkitError
from kpbkit.kolada.client import DEFAULT_API, DEFAULT_TIMEOUT, KoladaClient, KoladaError, Observation
from kpbkit.kolada.mapping import KpiMapping, read_mapping, shipped_mapping
from kpbkit.kolada.writer import COLUMNS, reference_frame, version_of, write_reference_file

__all__ = [
    "DEFAULT_API", "DEFAULT_TIMEOUT", "COLUMNS", "KoladaClient", "KoladaError", "KpiMapping", "Observation",
    "Fetched", "fetch_references", "parse_years", "read_mapping", "resolve_municipalities", "shipped_mapping",
    "version_of", "write_reference_file",
]

#: a Kolada municipality or region code (0180, 0000 = riket) or a municipality group id (G...)
_CODE = re.compile(r"^(\d{4}|G\d+)$")


@dataclass(frozen=True)
class Fetched:
    """What one fetch gave: the reference rows, and what was asked and found."""

    frame: pd.DataFrame
    municipalities: dict[str, str]
    kpis: list[str]
    years: list[int]
    observations: int
    missing_values: int


def parse_years(values: Iterable[str]) -> list[int]:
    """Years from ``2023``, ``2021-2023`` or comma-separated lists of them; an error names the bad one."""
    years: set[int] = set()
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            match = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", part)
            if not match:
                raise KpbkitError(f"'{part}' is not a year or a range of years", key="--year",
                                  fix="give e.g. --year 2023 or --year 2021-2023")
            first, last = int(match.group(1)), int(match.group(2) or match.group(1))
            if last < first or not 1990 <= first <= 2200 or last > 2200:
                raise KpbkitError(f"'{part}' is not a range of years from 1990 on", key="--year")
            years.update(range(first, last + 1))
    return sorted(years)


def _split(values: Iterable[str]) -> list[str]:
    return [p.strip() for v in values for p in str(v).split(",") if p.strip()]


def resolve_municipalities(client: KoladaClient, wanted: Iterable[str]) -> dict[str, str]:
    """Codes and names of the municipalities asked for, by code (``0180``) or name (``Stockholm``), in order.

    A name matches a title exactly (case ignored); a municipality (type K) wins over a region of the same name.
    Group ids (``G...``) are passed on as they are.
    """
    wanted = _split(wanted)
    if not wanted:
        raise KpbkitError("no municipality given", key="--municipality",
                          fix="name at least one by code or name, e.g. --municipality 0180 or --municipality Lund")
    known = {str(m.get("id")): m for m in client.municipalities()}
    out: dict[str, str] = {}
    for item in wanted:
        if _CODE.match(item):
            if item.startswith("G"):
                out[item] = item
            elif item in known:
                out[item] = str(known[item].get("title") or item)
            else:
                raise KpbkitError(f"Kolada knows no municipality or region with code {item}", key="--municipality",
                                  fix="use the four-digit code (e.g. 0180 for Stockholm, 0000 for riket)")
            continue
        matches = [m for m in known.values() if str(m.get("title", "")).casefold() == item.casefold()]
        if len(matches) > 1:
            matches = [m for m in matches if m.get("type") == "K"] or matches
        if len(matches) != 1:
            near = sorted(str(m.get("title")) for m in known.values()
                          if item.casefold() in str(m.get("title", "")).casefold())[:8]
            hint = f"did you mean: {', '.join(near)}?" if near else "check the spelling, or give the code"
            what = "is ambiguous" if matches else "is not a Kolada municipality"
            raise KpbkitError(f"'{item}' {what}", key="--municipality", fix=hint)
        out[str(matches[0]["id"])] = str(matches[0]["title"])
    return out


def fetch_references(client: KoladaClient, *, municipalities: Iterable[str], years: Iterable[int],
                     kpis: Iterable[str] = (), mapping: list[KpiMapping] | None = None,
                     per_municipality: bool = False, fetched: date | None = None) -> Fetched:
    """Fetch the mapped KPIs (all mapped ones when ``kpis`` is empty) and return them as reference rows."""
    mapping = shipped_mapping() if mapping is None else mapping
    mapped = list(dict.fromkeys(m.kolada_id for m in mapping))
    asked = _split(kpis) or mapped
    unknown = [k for k in asked if k not in mapped]
    if unknown:
        raise KpbkitError(f"KPI(s) {', '.join(unknown)} are not in the mapping to kpbkit KPIs", key="--kpi",
                          fix=f"the mapped KPIs are {', '.join(mapped)}; to add one, give a mapping file of the "
                              "same shape with --mapping")
    years = sorted(set(years))
    if not years:
        raise KpbkitError("no year given", key="--year", fix="give e.g. --year 2023 or --year 2021-2023")
    found = resolve_municipalities(client, municipalities)
    titles = {k: str(v.get("title") or "") for k, v in client.kpis(asked).items()}
    absent = [k for k in asked if k not in titles]
    if absent:
        raise KoladaError(f"Kolada has no KPI {', '.join(absent)}",
                          fix="the KPI may have been withdrawn (Kolada removes KPIs without notice); "
                              "check the id on kolada.se and the mapping file")
    observations = client.data(asked, list(found), years)
    frame = reference_frame(observations, [m for m in mapping if m.kolada_id in asked], municipalities=list(found),
                            names=found, titles=titles, fetched=fetched or date.today(),
                            per_municipality=per_municipality)
    missing = sum(1 for o in observations if o.value is None)
    return Fetched(frame, found, asked, years, len(observations), missing)
