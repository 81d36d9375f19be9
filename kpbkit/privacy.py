"""Publication mode: small counts of persons suppressed in every table and chart shown to readers (KPB-METHOD §8).

Internal mode (the default) shows everything, pseudonymised, and nothing here changes a table. In publication
mode (``report.publication: true`` in the client config, or ``kpbkit run --publish``) :func:`kpbkit.tables.render_html`
and the house charts pass every frame through this module:

* **primary suppression**: a count of persons (a column in :data:`COUNT_COLUMNS`: brukare, children, cases,
  stays, ...) from 1 to ``threshold − 1`` is shown as ``"<5"`` (``"<threshold"``); 0 stays 0;
* **secondary suppression**: a small count must not be recalculable from a total and the other parts, so in each
  count column where exactly one part is suppressed, the next-smallest positive part is suppressed too; in a row
  whose count columns include ``total`` and parts adding up to it, the same holds across the row; repeated until
  nothing changes. This is applied to every count column, whether or not the table itself shows the total (the
  total is usually stated elsewhere in the report);
* **derived values**: every other figure of a row with a suppressed count (cost per brukare, shares, per-1000
  rates, averages, volumes and costs of the group) is hidden with the same marker;
* **case lists** (top cases, per-case tables) are left out with a sentence saying why (:func:`omitted`);
* **charts** drop the groups whose counts are suppressed (:func:`chart_frame`), and histograms of individual
  values drop the bins with fewer than ``threshold`` persons (:func:`histogram_values`).

The mode is process-wide: :func:`configure` is called when a report loads its results
(:func:`kpbkit.analyses.load.load_results`), so each executed notebook gets the mode its run asked for.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: columns that count persons or cases (each row of a case is a person): suppressed below the threshold
COUNT_COLUMNS: frozenset[str] = frozenset({
    "brukare", "children", "placed", "placed_children", "persons", "cases", "n", "count",
    "stays", "stays_started", "stays_ended", "episodes_started", "episodes_ended",
    "ended", "ongoing", "total", "priced", "unpriced",
})

#: the column of a row-wise total of the other count columns (secondary suppression across a row)
TOTAL_COLUMNS: frozenset[str] = frozenset({"total"})

#: formats of figures (not text) that are hidden when their row describes a small group
NUMERIC_FORMATS = frozenset({"kr", "mkr", "percent", "int", "dec1", "dec2", "numtext"})


@dataclass(frozen=True)
class Policy:
    publication: bool = False
    threshold: int = 5

    @property
    def marker(self) -> str:
        return f"<{self.threshold}"


_policy = Policy()


def configure(publication: bool, threshold: int = 5) -> Policy:
    """Set the mode of the reports rendered in this process (called when a report loads its results)."""
    global _policy
    _policy = Policy(bool(publication), int(threshold))
    return _policy


def current() -> Policy:
    return _policy


def active() -> bool:
    """True in publication mode."""
    return _policy.publication


@contextlib.contextmanager
def publication(threshold: int = 5, *, enabled: bool = True) -> Iterator[Policy]:
    """Publication mode inside a ``with`` block (tests, the explorer); the previous mode afterwards."""
    global _policy
    saved = _policy
    try:
        yield configure(enabled, threshold)
    finally:
        _policy = saved


def count_columns(columns) -> list[str]:
    return [c for c in columns if c in COUNT_COLUMNS]


def _numeric(frame: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(frame[col], errors="coerce")


def suppression_mask(frame: pd.DataFrame, counts: list[str], *, threshold: int | None = None,
                     total_row: bool = False) -> pd.DataFrame:
    """Which count cells are hidden: primary (1 ≤ n < threshold) and secondary, as a boolean frame over ``counts``.

    ``total_row``: the last row is the total of the others (it is suppressed only if it is small itself).

    >>> f = pd.DataFrame({"brukare": [3, 8, 20, 40]})
    >>> suppression_mask(f, ["brukare"], threshold=5)["brukare"].tolist()
    [True, True, False, False]
    """
    limit = _policy.threshold if threshold is None else threshold
    values = pd.DataFrame({c: _numeric(frame, c) for c in counts}, index=frame.index)
    mask = (values >= 1) & (values < limit)
    if not len(frame) or not counts:
        return mask
    parts = frame.index[:-1] if total_row else frame.index
    row_parts = [c for c in counts if c not in TOTAL_COLUMNS]
    row_totals = [c for c in counts if c in TOTAL_COLUMNS]
    changed = True
    while changed:
        changed = False
        for col in counts:  # column groups: a total (shown or stated) and all but one part
            hidden = mask.loc[parts, col]
            if hidden.sum() == 1:
                changed |= _hide_next_smallest(mask, values, col, [i for i in parts if not mask.at[i, col]])
        for total in row_totals:  # row groups: parts adding up to a total column
            if len(row_parts) < 2:
                continue
            sums = values[row_parts].sum(axis=1)
            for i in frame.index:
                if sums.at[i] != values.at[i, total] or mask.at[i, total]:
                    continue
                if int(mask.loc[i, row_parts].sum()) == 1:
                    candidates = [c for c in row_parts if not mask.at[i, c] and values.at[i, c] > 0]
                    if candidates:
                        smallest = min(candidates, key=lambda c: values.at[i, c])
                        mask.at[i, smallest] = True
                        changed = True
    return mask


def _hide_next_smallest(mask: pd.DataFrame, values: pd.DataFrame, col: str, candidates: list) -> bool:
    positive = [i for i in candidates if values.at[i, col] > 0]
    if not positive:
        return False
    smallest = min(positive, key=lambda i: values.at[i, col])
    mask.at[smallest, col] = True
    return True


def hidden_cells(frame: pd.DataFrame, column_formats: dict[str, str], *,
                 total_row: bool = False) -> pd.DataFrame | None:
    """The cells a table hides in publication mode (``None`` in internal mode or when nothing is hidden).

    Count cells per :func:`suppression_mask`; every other figure of a row with a hidden count too.
    """
    if not _policy.publication:
        return None
    cols = list(column_formats)
    counts = [c for c in count_columns(cols) if column_formats[c] in NUMERIC_FORMATS]
    if not counts:
        return None
    mask = suppression_mask(frame, counts, total_row=total_row)
    if not mask.to_numpy().any():
        return None
    small_row = mask.any(axis=1)
    out = pd.DataFrame(False, index=frame.index, columns=cols)
    for c in cols:
        if c in counts:
            out[c] = mask[c]
        elif column_formats[c] in NUMERIC_FORMATS:
            out[c] = small_row
    return out


def chart_frame(frame: pd.DataFrame, value: str, *, drop: bool = True) -> pd.DataFrame:
    """The frame a chart may draw: in publication mode without the groups whose counts are suppressed.

    When ``value`` is itself a count only it decides (long frames carry other columns along); otherwise the
    frame's count columns do (``value`` is derived from them). ``drop``: leave the rows out (bars), else blank
    ``value`` so the category stays on the axis (grouped bars).
    """
    if not _policy.publication:
        return frame
    counts = [value] if value in COUNT_COLUMNS else count_columns(frame.columns)
    if not counts:
        return frame
    small = suppression_mask(frame.reset_index(drop=True), counts).any(axis=1).to_numpy()
    if not small.any():
        return frame
    if drop:
        return frame[~small]
    out = frame.reset_index(drop=True)  # seaborn cannot place blanks in a frame with repeated index labels
    out[value] = out[value].astype(float).where(~small)
    return out


def histogram_values(values: pd.Series, bins):
    """``(values, bins)`` for a histogram: in publication mode the bin edges fixed on all values and the values in
    bins of fewer than threshold persons dropped; in internal mode both unchanged."""
    if not _policy.publication:
        return values, bins
    clean = values.dropna()
    if not len(clean):
        return clean, bins
    edges = np.histogram_bin_edges(clean, bins=bins)
    counts, _ = np.histogram(clean, bins=edges)
    which = np.clip(np.searchsorted(edges, clean.to_numpy(), side="right") - 1, 0, len(counts) - 1)
    small = (counts >= 1) & (counts < _policy.threshold)
    return clean[~small[which]], edges


def omitted(what: str = "") -> str:
    """The sentence (HTML) shown instead of a list of single cases in publication mode."""
    from kpbkit import labels

    text = labels.SENTENCES["publication_omitted"].format(what=what or labels.SENTENCES["publication_cases"],
                                                          threshold=_policy.threshold)
    return f'<p class="kpb-text kpb-note">{html.escape(text)}</p>'


def below_threshold(counts: pd.Series) -> pd.Series:
    """Counts of 1 to threshold − 1 persons, whatever the mode: the groups the LSS age and sex tables and the
    forecast's rates never show, since even the consultant's working copy goes to the client as tables."""
    values = pd.to_numeric(counts, errors="coerce").fillna(0)
    return (values > 0) & (values < _policy.threshold)


def small(n) -> bool:
    """True in publication mode when ``n`` persons (a count shown in text) is a small group (1 ≤ n < threshold)."""
    if not _policy.publication:
        return False
    try:
        value = float(n)
    except (TypeError, ValueError):
        return False
    return 1 <= value < _policy.threshold


def count_text(n, formatter=None, *, words: bool = True) -> str:
    """A count of persons as shown to readers: ``formatter(n)`` (default :func:`kpbkit.formats.count`), or in
    publication mode for a small group ``"färre än 5"`` (``words``, for running text) or ``"<5"`` (key-figure
    tables). Internal mode: exactly ``formatter(n)``.

    >>> count_text(3, str)
    '3'
    """
    if formatter is None:
        from kpbkit import formats

        formatter = formats.count
    if not small(n):
        return formatter(n)
    if not words:
        return _policy.marker
    from kpbkit import labels

    return labels.SENTENCES["publication_fewer"].format(threshold=_policy.threshold)


def guard(n, *derived: str, marker: str | None = None):
    """The figures (already formatted) derived from a group of ``n`` persons: unchanged, or in publication mode for a
    small group each replaced by ``marker`` (default: the sentence label "uppgift redovisas inte"). One figure gives
    a string, several a tuple."""
    if small(n):
        if marker is None:
            from kpbkit import labels

            marker = labels.SENTENCES["publication_hidden"]
        derived = tuple(marker for _ in derived)
    return derived[0] if len(derived) == 1 else derived
