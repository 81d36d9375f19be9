"""The personal-assistance six-month report as an Excel workbook for unit managers (``results/pa_six_month.xlsx``).

The table itself is computed and written as CSV with the results (:func:`kpbkit.results.write_pa_six_month`);
this module only presents it, with the deliverable workbook's cell helpers (:mod:`kpbkit.report.workbook`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpbkit import labels
from kpbkit.analyses import pa_settlement
from kpbkit.config import ClientConfig
from kpbkit.io.identity_guard import save_workbook
from kpbkit.labels import lss as lss_labels
from kpbkit.privacy import Policy
from kpbkit.report import workbook as xlsx
from kpbkit.results import PA_SIX_MONTH

_XLSX_BOOLEANS = ("current_settlement_period", *pa_settlement.FLAGS)


def write_six_month_xlsx(table: pd.DataFrame, path: Path, *, config: ClientConfig,
                         policy: Policy | None = None) -> Path:
    """The six-month table as an Excel workbook a unit manager can filter: one sheet per row type and an
    "about" sheet; Swedish headers, kr / hour / percent formats, frozen header, autofilter, column widths.

    In publication mode (``policy``; ``None``: the config's ``report`` settings) each sheet holds the sums over the
    cases per service and period, with small numbers of cases suppressed
    (:func:`kpbkit.report.workbook.published_six_month`) and the about sheet says so.
    """
    from kpbkit.labels import workbook as workbook_labels

    policy = policy or Policy(config.report.publication, config.report.threshold)
    # streamed when large: a large municipality's months are tens of thousands of rows
    workbook = xlsx.new_workbook(banner=None if policy.publication else labels.INTERNAL_BANNER, rows=len(table))
    if policy.publication:
        name, headers, all_columns = ("pa_six_month_published", workbook_labels.PA_PUBLISHED_COLUMNS,
                                      xlsx.PA_PUBLISHED_COLUMNS)
        table = xlsx.published_six_month(table, policy)
    else:
        name, headers, all_columns = PA_SIX_MONTH, lss_labels.SIX_MONTH_COLUMNS, pa_settlement.COLUMNS
    kinds = xlsx.KINDS[name]
    drop = {"month": ["row_type"], "settlement_period": ["row_type", "settlement_period"],
            "year": ["row_type", "settlement_period", "current_settlement_period"]}
    for row_type in pa_settlement.ROW_TYPES:
        columns = [c for c in all_columns if c not in drop[row_type]]
        rows = table[table["row_type"] == row_type]
        xlsx.write_table_sheet(
            workbook, lss_labels.SHEETS[row_type],
            columns=columns,
            headers=[headers[c] for c in columns],
            values={c: xlsx.display_values(name, c, rows[c], booleans=_XLSX_BOOLEANS) for c in columns},
            formats={c: xlsx.FORMATS[kinds[c]] for c in columns if c in kinds},
            freeze="C2",
        )
    about = xlsx.Sheet(workbook, lss_labels.SHEETS["about"])
    about.column_dimensions["A"].width = 110
    lss = config.lss
    rates = ", ".join(f"{y}: {r:.2f} kr".replace(".", ",") for y, r in sorted(lss.fk_hourly_rates.items())) or "–"
    filled = {
        "client": config.client_name, "period": config.period.label, "rates": rates,
        "current": pa_settlement.current_settlement_label(config.period),
        "threshold": f"{lss.shortfall_threshold:.0%}".replace("%", " %"),
        "margin": f"{lss.rate_margin:.0%}".replace("%", " %"),
    }
    lines = [line.format(**filled) for line in lss_labels.EXCEL_ABOUT]
    if not policy.publication:
        lines.insert(1, labels.INTERNAL_BANNER)
    if policy.publication:
        lines[1] = workbook_labels.PA_PUBLICATION_NOTE.format(threshold=policy.threshold)  # instead of "a row per case"
    for i, line in enumerate(lines):
        about.append([about.cell(line, wrap="top", bold=i == 0, size=12 if i == 0 else None)])
    save_workbook(workbook, path)  # refused if a cell holds a value shaped like a personnummer
    return path
