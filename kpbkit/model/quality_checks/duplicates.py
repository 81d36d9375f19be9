"""Duplicate rows: visits repeating an earlier visit in every field, decisions and stays sharing an id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.catalog import Catalog
from kpbkit.model.quality_checks.keys import VisitKeys, day_codes, factor_codes
from kpbkit.period import Period
from kpbkit.quality import FIELDS, Findings, describe_row

#: visit fields that make two rows the same visit (duplicate_visits)
VISIT_KEY = ("person_id", "service_code", "date", "minutes", "provider_id", "staff_id")


def check_duplicate_visits(
    visits: pd.DataFrame,
    findings: Findings,
    *,
    file: Path | None = None,
    keys: VisitKeys | None = None,
) -> int:
    """``duplicate_visits``: rows equal to an earlier row in every field of :data:`VISIT_KEY` (extra rows counted).

    Empty values compare equal. Found by sorting one integer key per row (the fields' codes in mixed radix),
    so the example is the second row of the smallest duplicated key, not necessarily the first in the file.
    ``keys`` are the :class:`VisitKeys` of ``visits`` (every row), when already built.
    """
    n = len(visits)
    if n < 2:
        return 0
    if keys is None:
        keys = VisitKeys.build(visits, Catalog(), Period.year(2000))  # any period: only equal days matter

    def fields() -> Iterator[tuple[np.ndarray, int]]:
        """Each field's codes and their count, one at a time (10 M rows: each is freed after use)."""
        yield keys.key, keys.n_keys  # person and service
        yield day_codes(keys.day)
        for column in VISIT_KEY[3:]:  # minutes, provider_id, staff_id
            yield factor_codes(visits[column])

    key = np.zeros(n, dtype=np.int64)
    bound = 1  # every key is below this
    for codes, size in fields():  # mixed radix, in place
        if bound * size >= 2**62:
            key = pd.factorize(key)[0].astype(np.int64)  # compress before the key would overflow
            bound = n
        key *= size
        key += codes
        bound *= size
    ordered = np.sort(key)
    repeat = ordered[1:] == ordered[:-1]
    count = int(repeat.sum())
    if count:
        rows = np.flatnonzero(key == ordered[1:][repeat][0])  # the smallest duplicated key: rows[1] is extra
        findings.add(
            "duplicate_visits", "warning", "visits", count,
            f"{count} visit rows repeat an earlier row in person, service, date, minutes, provider and staff: the "
            "method counts every row, so they are still counted like any other row; if they are export "
            "duplicates, remove them at the source",
            example=describe_row(visits, int(rows[1]), "visits", file, (*FIELDS["visits"], "staff_id")),
        )
    return count


def check_duplicate_ids(
    frame: pd.DataFrame, id_column: str, table: str, findings: Findings, *, file: Path | None = None
) -> int:
    """``duplicate_decision_id`` / ``duplicate_stay_id``: rows sharing an id with an earlier row (extra rows counted).

    Every row is still used as it is (the check removes nothing); empty ids are not compared.
    """
    if not len(frame):
        return 0
    ids = frame[id_column]
    extra = ids.notna().to_numpy(dtype=bool) & ids.duplicated(keep="first").to_numpy(dtype=bool)
    count = int(extra.sum())
    if count:
        shared = int(pd.unique(ids[extra]).size)
        findings.add(
            f"duplicate_{id_column}", "warning", table, count,
            f"{count} rows share a {id_column} with an earlier row ({shared} ids): every row is still used "
            f"as it is; one {table[:-1]} should have one row",
            example=describe_row(frame, extra, table, file),
            values={"ids": shared},
        )
    return count
