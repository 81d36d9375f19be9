"""Tables that fit an A4 page: a table too wide for the text width is split into parts by columns (each repeating
the leading label columns), or its type shrunk slightly, never under 8 pt (:func:`_fit_table`, run by the HTML
export on every ``kpb-table``). The widths are estimated from the characters of the cells.
"""

from __future__ import annotations

import copy
import logging
import math
import re
from pathlib import Path
from typing import Any

log = logging.getLogger("kpbkit")

#: Table fitting (see _fit_table): the page's text width (A4 210 mm less the CSS @page margins, 2 x 15 mm),
#: the table font size in kpbkit.css, the smallest size a table may shrink to (no printed text under 8 pt), the
#: mean glyph width in em (digits of DejaVu/Liberation Sans are 0.56-0.64 em, so this errs wide) and the
#: horizontal cell padding of normal and wide tables
_TEXT_WIDTH_PT = (210 - 2 * 15) * 72 / 25.4
_TABLE_FONT_PT = 8.5
_TABLE_MIN_FONT_PT = 8.0
_GLYPH_EM = 0.64
#: a text cell longer than this many characters is assumed to wrap onto several lines of about this length
#: (never narrower than its longest word, which is all Chromium's table layout needs: so this errs wide)
_WRAP_CHARS = 20
#: a text column whose cells are all at most this long is kept on one line (the estimate counts it so)
_NOWRAP_CHARS = 16
_PAD_PT = 4 * 72 / 25.4
_WIDE_PAD_PT = 1.6 * 72 / 25.4


def _column_chars(table: Any) -> list[int]:
    """Per column, the characters its widest cell needs on one line (a header wraps between words, a long text
    cell onto lines of about :data:`_WRAP_CHARS` characters)."""
    widths: list[int] = []
    for row in table.find_all("tr"):
        column = 0
        in_head = row.find_parent("thead") is not None
        for cell in row.find_all(("td", "th"), recursive=False):
            span = str(cell.get("colspan", "1"))
            span_n = int(span) if span.isdigit() and int(span) > 0 else 1
            text = cell.get_text(" ", strip=True)
            longest_word = max((len(word) for word in text.split()), default=0)
            if in_head:
                need = longest_word
            elif "txt" in (cell.get("class") or []):  # text wraps between words, a line of about _WRAP_CHARS
                need = min(len(text), max(longest_word, _WRAP_CHARS))
            else:
                need = len(text)
            if span_n == 1:
                while len(widths) <= column:
                    widths.append(0)
                widths[column] = max(widths[column], need)
            column += span_n
        while len(widths) < column:
            widths.append(0)
    return widths


def _width_pt(chars: list[int], font: float, pad: float) -> float:
    """The estimated width of columns needing ``chars`` characters at ``font`` pt with ``pad`` pt cell padding."""
    return sum(chars) * _GLYPH_EM * font + len(chars) * pad


def _fits(chars: list[int], font: float = _TABLE_MIN_FONT_PT, pad: float = _WIDE_PAD_PT) -> bool:
    return _width_pt(chars, font, pad) <= _TEXT_WIDTH_PT


def _rows(table: Any) -> list[list[Any]] | None:
    """The cells of each row of a table that can be split by columns (one header row first, no row or column
    spans, every row as wide as the header), else None."""
    rows = [row.find_all(("td", "th"), recursive=False) for row in table.find_all("tr")]
    if not rows or table.find("table") is not None or table.find("caption") is not None:
        return None
    head = [row for row in table.find_all("tr") if row.find_parent("thead") is not None]
    if len(head) > 1 or (head and head[0] is not table.find("tr")):
        return None
    if any(len(cells) != len(rows[0]) for cells in rows):
        return None
    if any(cell.get("colspan", "1") != "1" or cell.get("rowspan", "1") != "1" for cells in rows for cell in cells):
        return None
    return rows


#: the most leading columns a split table repeats in each part (e.g. "Nr" and "Fynd", "Insats" and "Regi")
_MAX_LABELS = 2


def _label_count(header: list[Any], chars: list[int]) -> int:
    """How many leading columns each part repeats: the leading text columns, at least the first and at most
    :data:`_MAX_LABELS` (a row's name, not its content: a table of text would otherwise be repeated whole), fewer
    if they leave no room for a value column."""
    count = 1
    while count < min(len(header) - 1, _MAX_LABELS) and "txt" in (header[count].get("class") or []):
        count += 1
    if "txt" not in (header[0].get("class") or []):
        count = 1
    widest = max(chars[count:], default=0)
    while count > 1 and not _fits(chars[:count] + [widest]):
        count -= 1
    return count


def _column_groups(chars: list[int], labels: int) -> list[list[int]]:
    """The value columns (after the ``labels`` leading ones) in order, in groups that each fit beside the labels
    at the table's font, as few groups as that allows; a column too wide to fit even alone is a group of its own."""
    groups: list[list[int]] = []
    for column in range(labels, len(chars)):
        last = groups[-1] if groups else None
        if last is not None and _fits(chars[:labels] + [chars[c] for c in [*last, column]], _TABLE_FONT_PT, _PAD_PT):
            last.append(column)
        else:
            groups.append([column])
    return groups


def _set_font(table: Any, chars: list[int]) -> bool:
    """Fit a table (or a part of one) to the text width: unchanged at the table font, else narrow padding and
    type shrunk as far as needed but not under :data:`_TABLE_MIN_FONT_PT`. False if it does not fit even so."""
    if _fits(chars, _TABLE_FONT_PT, _PAD_PT):
        return True
    table["class"] = [*table.get("class", []), "kpb-wide"]
    if _fits(chars, _TABLE_FONT_PT, _WIDE_PAD_PT):
        return True
    ems = sum(chars) * _GLYPH_EM
    font = (_TEXT_WIDTH_PT - len(chars) * _WIDE_PAD_PT) / ems if ems else _TABLE_FONT_PT
    font = max(math.floor(font * 10) / 10, _TABLE_MIN_FONT_PT)
    table["style"] = f"font-size: {font:.1f}pt"
    return _fits(chars)


def _short_text_on_one_line(table: Any) -> None:
    """Mark the cells of a text column whose every cell is short (a regi, a sex: at most :data:`_NOWRAP_CHARS`
    characters) ``kpb-nowrap``: the browser would otherwise wrap "Egen regi" when the table is tight."""
    rows = [row.find_all("td", recursive=False) for row in table.find_all("tr")]
    rows = [cells for cells in rows if cells]
    if not rows or any(len(cells) != len(rows[0]) for cells in rows):
        return
    for column in range(len(rows[0])):
        cells = [cells[column] for cells in rows]
        texts = [cell.get_text(" ", strip=True) for cell in cells]
        short = all("txt" in (cell.get("class") or []) for cell in cells) and all(
            len(t) <= _NOWRAP_CHARS for t in texts)
        if short and any(" " in t for t in texts):
            for cell in cells:
                cell["class"] = [*cell.get("class", []), "kpb-nowrap"]


def _fit_table(table: Any, *, source: Path) -> None:
    """Make a table fit the A4 text width: a little narrower padding and type (never under 8 pt), else split by
    columns into tables that each repeat the leading label column(s), the later ones captioned "Tabellen
    fortsätter (del 2 av 3)"; warn when even one label column and one value column do not fit."""
    from bs4 import BeautifulSoup

    from kpbkit import labels

    chars = _column_chars(table)
    if not chars or _fits(chars, _TABLE_FONT_PT, _PAD_PT):
        return
    rows = _rows(table) if len(chars) > 2 else None
    if _set_font(table, chars) or rows is None:
        if not _fits(chars):
            _warn_too_wide(table, len(chars), split=False, source=source)
        return
    labels_n = _label_count(rows[0], chars)
    groups = _column_groups(chars, labels_n)
    parts = []
    cut = False
    for number, group in enumerate(groups, start=1):
        keep = set(range(labels_n)) | set(group)
        part = copy.copy(table)
        part["class"] = [c for c in table.get("class", []) if c != "kpb-wide"]
        part.attrs.pop("style", None)
        for row in part.find_all("tr"):
            for column, cell in enumerate(row.find_all(("td", "th"), recursive=False)):
                if column not in keep:
                    cell.decompose()
                elif "width" in str(cell.get("style", "")):  # widths meant for all the columns: a part sizes anew
                    del cell["style"]
        if number > 1:
            part["class"] = [*part["class"], "kpb-continued"]
            caption = BeautifulSoup("", "html.parser").new_tag("caption")
            caption.string = labels.TABLE_CONTINUED.format(part=number, parts=len(groups))
            part.insert(0, caption)
        cut = not _set_font(part, [chars[c] for c in sorted(keep)]) or cut
        parts.append(part)
    if cut:
        _warn_too_wide(table, len(chars), split=True, source=source)
    table.replace_with(parts[0])
    for before, part in zip(parts, parts[1:], strict=False):
        before.insert_after(part)


def _warn_too_wide(table: Any, columns: int, *, split: bool, source: Path) -> None:
    cell = table.find_parent(id=re.compile("^cell-id="))
    where = f"cell {cell['id'].removeprefix('cell-id=')}" if cell is not None else "a cell"
    log.warning(
        "%s, %s: a table of %d columns is too wide for an A4 page at 8 pt%s and will be cut in the PDF; "
        "show fewer or narrower columns",
        source.name,
        where,
        columns,
        " even split by columns" if split else "",
    )
