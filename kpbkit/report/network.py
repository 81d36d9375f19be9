"""The KPB network's tables written for people: ``network_*.csv`` and a Swedish workbook ``natverk.xlsx``
(:mod:`kpbkit.analyses.network` computes them)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpbkit import labels
from kpbkit.analyses import network
from kpbkit.io.identity_guard import save_workbook
from kpbkit.io.writers import write_csv
from kpbkit.labels import network as text
from kpbkit.labels import workbook as workbook_labels
from kpbkit.report.sheets import new_workbook, write_table_sheet
from kpbkit.views.compare import kpi_text

FORMATS = {"n": "0", "rank": "0", "index": "0"}


def write_network(folders: list[str | Path], out: Path, *, threshold: int | None = 5) -> list[Path]:
    """Read the runs in ``folders`` and write the network's values, distribution and positions (CSV) and the
    workbook into ``out``; figures on fewer than ``threshold`` persons are left out (``None``: kept)."""
    runs = network.read_network(folders)
    values = network.network_values(runs, threshold=threshold)
    tables = {"values": values, "distribution": network.distribution(values),
              "positions": network.positions(values)}
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = out / f"network_{name}.csv"
        write_csv(frame, path)
        written.append(path)
    book = new_workbook(rows=sum(len(t) for t in tables.values()))
    book.properties.title = text.TITLE.format(n=len(runs))
    for name in ("distribution", "positions"):
        frame = _shown(tables[name])
        columns = list(frame.columns)
        write_table_sheet(book, text.SHEETS[name], columns=columns, headers=[text.HEADERS.get(c, c) for c in columns],
                          values={c: [None if pd.isna(v) else v for v in frame[c].tolist()] for c in columns},
                          formats={c: FORMATS.get(c, "#,##0.00") for c in columns
                                   if c not in ("area", "kpi", "unit", "municipality")})
    written.append(save_workbook(book, out / "natverk.xlsx"))
    return written


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes as Swedish names: the area, the KPI with its group, the unit."""
    out = frame.copy()
    out["area"] = out["area"].map(lambda a: labels.AREAS.get(a, a))
    out["kpi"] = [kpi_text(k, g) for k, g in zip(out["kpi"], out["group"], strict=True)]
    out["unit"] = out["unit"].map(lambda u: workbook_labels.KPI_UNITS.get(u, u))
    return out.drop(columns="group")
