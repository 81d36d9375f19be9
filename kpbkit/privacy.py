"""Publication mode: small counts of persons suppressed in every table and chart shown to readers (KPB-METHOD §8).

A report's mode is one :class:`Policy` object, built once when the report loads its results
(:func:`kpbkit.views.common.load`, from run.json's ``report_mode``: ``report.publication`` in the client config or
``kpbkit run --publish``, and ``report.threshold``) and passed explicitly to the table renderer
(:func:`kpbkit.tables.render_html`), the house charts (:mod:`kpbkit.charts`), the views' text helpers and the
workbooks. There is no process-wide mode. Internal mode (``Policy()``) shows everything, pseudonymised, and
nothing here changes a table. In publication mode:

* **primary suppression**: a count of persons (a column in :data:`COUNT_COLUMNS`: brukare, children, cases,
  stays, ...) from 1 to ``threshold − 1`` is shown as ``"<threshold"`` (:attr:`Policy.marker`); 0 stays 0;
* **secondary suppression**: a small count must not be recalculable from a total and the other parts, so in each
  count column where exactly one part is suppressed, the next-smallest positive part is suppressed too; in a row
  whose count columns include ``total`` and parts adding up to it, the same holds across the row; repeated until
  nothing changes. This is applied to every count column, whether or not the table itself shows the total (the
  total is usually stated elsewhere in the report);
* **derived values**: every other figure of a row with a suppressed count (cost per brukare, shares, per-1000
  rates, averages, volumes and costs of the group) is hidden with the same marker;
* **counts in text** read "färre än <threshold>" and the figures derived from them are withheld
  (:meth:`Policy.count_text`, :meth:`Policy.guard`);
* **case lists** (top cases, per-case tables) are left out with a sentence saying why (:meth:`Policy.omitted`);
* **charts** drop the groups whose counts are suppressed (:meth:`Policy.chart_frame`), and histograms of individual
  values drop the bins with fewer than ``threshold`` persons (:meth:`Policy.histogram_values`).

The default threshold is ``report.threshold``'s default in the config schema (:data:`DEFAULT_THRESHOLD`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpbkit.config.schema import ReportSection

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


#: the threshold when the config does not set one: the default of ``report.threshold`` (kept in one place, the schema)
DEFAULT_THRESHOLD: int = ReportSection.model_fields["threshold"].default


@dataclass(frozen=True)
class Policy:
    """A report's privacy policy: internal (``publication`` false) or publication mode, and the threshold.

    Built once per report (:meth:`from_report_mode`) and passed to the tables, charts and text helpers.
    """

    publication: bool = False
    threshold: int = DEFAULT_THRESHOLD

    @classmethod
    def from_report_mode(cls, mode: Mapping[str, object] | None) -> Policy:
        """The policy of run.json's ``report_mode`` (``{"publication": bool, "threshold": int}``); internal with the
        default threshold when the record has none."""
        mode = mode if isinstance(mode, Mapping) else {}
        return cls(bool(mode.get("publication", False)), int(mode.get("threshold", DEFAULT_THRESHOLD)))

    @property
    def marker(self) -> str:
        """What a hidden cell shows: ``"<threshold"``."""
        return f"<{self.threshold}"

    def suppression_mask(self, frame: pd.DataFrame, counts: list[str], *, total_row: bool = False) -> pd.DataFrame:
        """Which count cells are hidden, whatever the mode: primary (1 ≤ n < threshold) and secondary, as a boolean
        frame over ``counts``. ``total_row``: the last row is the total of the others (hidden only if small itself).

        >>> f = pd.DataFrame({"brukare": [3, 8, 20, 40]})
        >>> Policy(threshold=10).suppression_mask(f, ["brukare"])["brukare"].tolist()
        [True, True, False, False]
        """
        return _mask(frame, counts, self.threshold, total_row)

    def below_threshold(self, counts: pd.Series) -> pd.Series:
        """Counts of 1 to threshold − 1 persons, whatever the mode: the groups the LSS age and sex tables and the
        forecast's rates never show, since even the consultant's working copy goes to the client as tables."""
        values = pd.to_numeric(counts, errors="coerce").fillna(0)
        return (values > 0) & (values < self.threshold)

    def small(self, n) -> bool:
        """True in publication mode when ``n`` persons (a count shown in text) is a small group (1 ≤ n < threshold)."""
        if not self.publication:
            return False
        try:
            value = float(n)
        except (TypeError, ValueError):
            return False
        return 1 <= value < self.threshold

    def hidden_cells(self, frame: pd.DataFrame, column_formats: dict[str, str], *,
                     total_row: bool = False) -> pd.DataFrame | None:
        """The cells a table hides in publication mode (``None`` in internal mode or when nothing is hidden).

        Count cells per :meth:`suppression_mask`; every other figure of a row with a hidden count too.
        """
        if not self.publication:
            return None
        cols = list(column_formats)
        counts = [c for c in count_columns(cols) if column_formats[c] in NUMERIC_FORMATS]
        if not counts:
            return None
        mask = self.suppression_mask(frame, counts, total_row=total_row)
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

    def chart_frame(self, frame: pd.DataFrame, value: str, *, drop: bool = True) -> pd.DataFrame:
        """The frame a chart may draw: in publication mode without the groups whose counts are suppressed.

        When ``value`` is itself a count only it decides (long frames carry other columns along); otherwise the
        frame's count columns do (``value`` is derived from them). ``drop``: leave the rows out (bars), else blank
        ``value`` so the category stays on the axis (grouped bars).
        """
        if not self.publication:
            return frame
        counts = [value] if value in COUNT_COLUMNS else count_columns(frame.columns)
        if not counts:
            return frame
        small = self.suppression_mask(frame.reset_index(drop=True), counts).any(axis=1).to_numpy()
        if not small.any():
            return frame
        if drop:
            return frame[~small]
        out = frame.reset_index(drop=True)  # seaborn cannot place blanks in a frame with repeated index labels
        out[value] = out[value].astype(float).where(~small)
        return out

    def histogram_values(self, values: pd.Series, bins):
        """``(values, bins)`` for a histogram: in publication mode the bin edges fixed on all values and the values
        in bins of fewer than threshold persons dropped; in internal mode both unchanged."""
        if not self.publication:
            return values, bins
        clean = values.dropna()
        if not len(clean):
            return clean, bins
        edges = np.histogram_bin_edges(clean, bins=bins)
        counts, _ = np.histogram(clean, bins=edges)
        which = np.clip(np.searchsorted(edges, clean.to_numpy(), side="right") - 1, 0, len(counts) - 1)
        small = (counts >= 1) & (counts < self.threshold)
        return clean[~small[which]], edges

    def omitted(self, what: str = "") -> str:
        """The sentence (HTML) shown instead of a list of single cases in publication mode."""
        from kpbkit import labels

        text = labels.SENTENCES["publication_omitted"].format(what=what or labels.SENTENCES["publication_cases"],
                                                              threshold=self.threshold)
        return f'<p class="kpb-text kpb-note">{html.escape(text)}</p>'

    def count_text(self, n, formatter=None, *, words: bool = True) -> str:
        """A count of persons as shown to readers: ``formatter(n)`` (default :func:`kpbkit.formats.count`), or in
        publication mode for a small group ``"färre än <threshold>"`` (``words``, for running text) or the
        :attr:`marker` (key-figure tables). Internal mode: exactly ``formatter(n)``.

        >>> Policy().count_text(3, str)
        '3'
        """
        if formatter is None:
            from kpbkit import formats

            formatter = formats.count
        if not self.small(n):
            return formatter(n)
        if not words:
            return self.marker
        from kpbkit import labels

        return labels.SENTENCES["publication_fewer"].format(threshold=self.threshold)

    def guard(self, n, *derived: str, marker: str | None = None):
        """The figures (already formatted) derived from a group of ``n`` persons: unchanged, or in publication mode
        for a small group each replaced by ``marker`` (default: the sentence label "uppgift redovisas inte").
        One figure gives a string, several a tuple."""
        if self.small(n):
            if marker is None:
                from kpbkit import labels

                marker = labels.SENTENCES["publication_hidden"]
            derived = tuple(marker for _ in derived)
        return derived[0] if len(derived) == 1 else derived


def count_columns(columns) -> list[str]:
    return [c for c in columns if c in COUNT_COLUMNS]


def _numeric(frame: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(frame[col], errors="coerce")


def _mask(frame: pd.DataFrame, counts: list[str], limit: int, total_row: bool) -> pd.DataFrame:
    """Primary suppression (1 ≤ n < limit), then secondary until nothing changes (:meth:`Policy.suppression_mask`)."""
    values = pd.DataFrame({c: _numeric(frame, c) for c in counts}, index=frame.index)
    mask = (values >= 1) & (values < limit)
    if not len(frame) or not counts or not mask.to_numpy().any():  # secondary suppression starts from a primary
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
