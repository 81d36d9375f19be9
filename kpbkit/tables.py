"""House-style tables: Swedish headers and number formats, as HTML for the reports.

>>> from kpbkit.privacy import Policy
>>> render_html(pd.DataFrame({"a": [1234.5]}), {"a": "kr"}, {"a": "Belopp"}, policy=Policy())  # doctest: +ELLIPSIS
'<table class="kpb-table">...1\\xa0235\\xa0kr...'
"""

from __future__ import annotations

import html

import pandas as pd

from kpbkit import formats
from kpbkit.privacy import Policy

NUMERIC_FORMATS = {"kr", "mkr", "percent", "int", "dec1", "dec2", "numtext"}


def render_html(frame: pd.DataFrame, column_formats: dict[str, str], headers: dict[str, str],
                *, policy: Policy, total_row: bool = False) -> str:
    """Only the columns named in ``column_formats``, formatted, with Swedish headers; numbers right-aligned.

    When ``policy`` is in publication mode small counts of persons, the figures derived from them and the parts
    that would reveal them are shown as ``<threshold`` (:meth:`kpbkit.privacy.Policy.hidden_cells`); in internal
    mode nothing is hidden.
    """
    cols = list(column_formats)
    hidden = policy.hidden_cells(frame[cols].reset_index(drop=True), column_formats, total_row=total_row)
    marker = policy.marker
    head = "".join(
        f'<th class="{"num" if column_formats[c] in NUMERIC_FORMATS else "txt"}">{html.escape(headers.get(c, c))}</th>'
        for c in cols
    )
    body = []
    for i, (_, row) in enumerate(frame[cols].iterrows()):
        cells = []
        for c in cols:
            kind = column_formats[c]
            text = marker if hidden is not None and hidden.at[i, c] else formats.FORMATTERS[kind](row[c])
            cells.append(f'<td class="{"num" if kind in NUMERIC_FORMATS else "txt"}">{html.escape(text)}</td>')
        cls = ' class="total"' if total_row and i == len(frame) - 1 else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f'<table class="kpb-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def show(frame: pd.DataFrame, column_formats: dict[str, str], headers: dict[str, str], *, policy: Policy,
         total_row: bool = False):
    """Display a formatted table in a notebook (:func:`render_html`)."""
    from IPython.display import HTML

    return HTML(render_html(frame, column_formats, headers, policy=policy, total_row=total_row))
