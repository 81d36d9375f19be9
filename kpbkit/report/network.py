"""The KPB network written for people: ``network_*.csv``, a Swedish workbook ``natverk.xlsx`` and the network report
``natverk.html``/``.pdf`` (:mod:`kpbkit.analyses.network` computes the tables; the template
``templates/notebooks/natverk.ipynb`` shows them, executed and exported like the area reports).

The network's folder is the report's one input, as a period folder is an area report's: its tables and
``network.json`` (the municipalities, their years, the threshold).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kpbkit import __version__, labels
from kpbkit.analyses import network
from kpbkit.io.identity_guard import save_workbook
from kpbkit.io.writers import write_csv, write_csvs
from kpbkit.labels import network as text
from kpbkit.labels import workbook as workbook_labels
from kpbkit.privacy import DEFAULT_THRESHOLD
from kpbkit.report.sheets import new_workbook, write_table_sheet
from kpbkit.views.compare import kpi_text
from kpbkit.views.network import chart_source

FORMATS = {"n": "0", "rank": "0", "index": "0", "kronor": "#,##0"}

#: the network report's template (``templates/notebooks/natverk.ipynb``) and its one parameter; not one of an area
#: run's reports (:data:`kpbkit.report.templates_catalog.REPORTS`)
TEMPLATE = "natverk"
#: the network's medians as a reference file a client's config can name (``comparison.reference_files``)
REFERENCES = "natverk_referenser.csv"
PARAMETER = "network_folder"


def write_network(folders: list[str | Path], out: Path, *, threshold: int | None = DEFAULT_THRESHOLD,
                  render: bool = True,
                  pdf: bool = True) -> list[Path]:
    """Read the runs in ``folders`` and write the network's tables (CSV), ``network.json`` and the workbook into
    ``out``; figures on fewer than ``threshold`` persons are left out (``None``: kept, an internal working copy).
    ``render``: also the report ``natverk.html`` (and, with ``pdf``, ``natverk.pdf``). Returns the files written."""
    out = Path(out)
    runs = network.read_network(folders)
    tables = network.network_tables(runs, threshold=threshold)
    out.mkdir(parents=True, exist_ok=True)
    written = write_csvs({out / f"network_{name}.csv": frame for name, frame in tables.items()})
    record = {"kpbkit_version": __version__, "municipalities": [run.name for run in runs],
              "years": sorted({run.year for run in runs if run.year is not None}),
              "folders": [str(Path(f)) for f in folders], "threshold": threshold}
    record_path = out / network.RECORD
    record_path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(record_path)
    written.append(_workbook(tables, out, n=len(runs)))
    year = max(record["years"], default=None)
    if year is not None:  # a kronor reference needs the year of its price level
        refs = network.references(tables["distribution"], year=year, version=f"natverk-{year}",
                                  source=text.REFERENCE_SOURCE.format(n=len(runs)), note=text.REFERENCE_NOTE)
        write_csv(refs, out / REFERENCES)
        written.append(out / REFERENCES)
    if render:
        written += render_network(out, pdf=pdf, internal=threshold is None)
    # a report of an earlier network left beside these tables would show other figures
    for suffix in ((".html", ".pdf") if not render else () if pdf else (".pdf",)):
        (out / f"{TEMPLATE}{suffix}").unlink(missing_ok=True)
    return written


def _workbook(tables: dict[str, pd.DataFrame], out: Path, *, n: int) -> Path:
    kpis = {name: tables[name][tables[name]["area"] != network.STRUCTURE] for name in ("distribution", "positions")}
    sheets = {**kpis, "structure": tables["structure"]}
    book = new_workbook(rows=sum(len(t) for t in sheets.values()))
    book.properties.title = text.TITLE.format(n=n)
    for name, frame in sheets.items():
        frame = _shown(frame.drop(columns=[c for c in ("volume",) if c in frame.columns]))
        columns = list(frame.columns)
        write_table_sheet(book, text.SHEETS[name], columns=columns, headers=[text.HEADERS.get(c, c) for c in columns],
                          values={c: [None if pd.isna(v) else v for v in frame[c].tolist()] for c in columns},
                          formats={c: FORMATS.get(c, "#,##0.00") for c in columns
                                   if c not in ("area", "kpi", "unit", "municipality")})
    return save_workbook(book, out / "natverk.xlsx")


def render_network(out: Path, *, pdf: bool = True, internal: bool = False) -> list[Path]:
    """Execute the network template on the folder ``out`` and export ``natverk.html`` (and ``natverk.pdf``), as
    the area reports are (:mod:`kpbkit.report.runner`, :mod:`kpbkit.report.export`). ``internal``: the working
    copy's banner on every page."""
    from kpbkit.report.export import html_to_pdf, notebook_to_html
    from kpbkit.report.runner import execute_notebook
    from kpbkit.report.templates_catalog import templates_dir

    out = Path(out).resolve()
    record = network.read_record(out)
    executed = execute_notebook(templates_dir() / f"{TEMPLATE}.ipynb", out / "notebooks" / f"{TEMPLATE}.ipynb",
                                parameters={PARAMETER: str(out)}, cwd=out, failed_dir=out / "notebooks")
    html = notebook_to_html(executed, out / f"{TEMPLATE}.html",
                            title=f"{text.REPORT_TITLE} – {text.TITLE.format(n=len(record['municipalities']))}",
                            banner=labels.INTERNAL_BANNER if internal else None, chart_source=chart_source(record))
    written = [html]
    if pdf:
        written.append(html_to_pdf(html, out / f"{TEMPLATE}.pdf"))
    return written


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes as Swedish names: the area, the KPI with its group (a structure measure by its name), the unit."""
    out = frame.copy()
    out["kpi"] = [text.STRUCTURE.get(k, k) if a == network.STRUCTURE else kpi_text(k, g)
                  for a, k, g in zip(out["area"], out["kpi"], out["group"], strict=True)]
    out["area"] = out["area"].map(lambda a: labels.AREAS.get(a, text.AREA_HEADINGS.get(a, a)))
    out["unit"] = out["unit"].map(lambda u: workbook_labels.KPI_UNITS.get(u, u))
    return out.drop(columns="group")
