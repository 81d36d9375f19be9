"""Safe cells and streamed, formatted sheets: what every Excel workbook of kpbkit is written with.

Every cell goes through :class:`Sheet` (:func:`cell`): text is always stored as text, never as a formula or an error
value, also when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a client or scenario name
such as ``=HYPERLINK(...)``); such cells also get Excel's quote prefix, so editing one keeps it text.
A formula can only be written on purpose, as a :class:`Formula`.

The sheets are streamed (openpyxl's write-only mode): a large municipality's ``person_costs`` has 100 000+ rows.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_WIDTH_SAMPLE = 2000  # rows looked at for a text column's width

#: a text starting with one of these is a formula to a spreadsheet, or becomes one when a cell is edited or a sheet
#: is exported to CSV and opened again (CSV/formula injection)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Formula:
    """A formula kpbkit writes on purpose, the only way a cell of its workbooks holds one; ``text`` starts with "="."""

    text: str


def cell(sheet: Any, value: object, *, number_format: str | None = None, font: Any = None,
         alignment: Any = None) -> Any:
    """The write-only cell of ``value``: every cell of kpbkit's workbooks is made here.

    A ``str`` is stored as text whatever it starts with: openpyxl would make ``"=..."`` a formula and ``"#N/A"``
    an error value, so such text becomes an inline-string cell, and text starting with one of
    :data:`FORMULA_TRIGGERS` also gets the quote prefix, so Excel keeps it text when the cell is edited.
    Characters XML cannot hold become U+FFFD, and a carriage return a line feed (as XML reads it anyway).
    A :class:`Formula` is written as a formula. Plain text, numbers, dates and booleans without a style are
    returned as they are (openpyxl stores them as such, and streams them fastest).
    """
    write_only_cell, _errors, illegal = _openpyxl()
    styled = number_format is not None or font is not None or alignment is not None
    if isinstance(value, Formula):
        if not value.text.startswith("="):
            raise ValueError(f"a formula starts with '=': {value.text!r}")
        out = write_only_cell(sheet, value=value.text)
    elif isinstance(value, str):
        if not styled and _plain_text(value):
            return value
        text = illegal.sub("\ufffd", value).replace("\r\n", "\n").replace("\r", "\n")
        out = write_only_cell(sheet, value=None)
        out.value = text
        out.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            out.quotePrefix = True
    elif not styled:
        return value
    else:
        out = write_only_cell(sheet, value=value)
    if number_format is not None and value is not None:
        out.number_format = number_format
    if font is not None:
        out.font = font
    if alignment is not None:
        out.alignment = alignment
    return out


def _plain_text(text: str) -> bool:
    """Text openpyxl stores as text, unchanged: no formula or error value, no character XML changes or refuses."""
    _cell, errors, illegal = _openpyxl()
    return not text.startswith(FORMULA_TRIGGERS) and "\r" not in text and text not in errors and (
        illegal.search(text) is None)


@functools.cache
def _openpyxl() -> tuple[Any, Any, Any]:
    """openpyxl's write-only cell, error values and illegal characters (imported once, when a workbook is written)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

    return WriteOnlyCell, ERROR_CODES, ILLEGAL_CHARACTERS_RE


class Sheet:
    """A write-only worksheet whose every cell is made by :func:`cell` (rows are added only through :meth:`append`).

    ``column_dimensions``, ``freeze_panes`` and ``auto_filter`` are the worksheet's own.
    """

    def __init__(self, book: Any, title: str) -> None:
        self.raw = book.create_sheet(title)
        self._formulas: set[int] = set()

    def __getattr__(self, name: str) -> Any:
        if name in ("column_dimensions", "auto_filter", "title"):
            return getattr(self.raw, name)
        raise AttributeError(name)

    @property
    def freeze_panes(self) -> Any:
        return self.raw.freeze_panes

    @freeze_panes.setter
    def freeze_panes(self, value: str) -> None:
        self.raw.freeze_panes = value

    def cell(self, value: object, *, number_format: str | None = None, font: Any = None,
             alignment: Any = None) -> Any:
        """A cell for :meth:`append` with a style (see :func:`cell`)."""
        out = cell(self.raw, value, number_format=number_format, font=font, alignment=alignment)
        if isinstance(value, Formula):
            self._formulas.add(id(out))
        return out

    def append(self, values: Iterable[object] = ()) -> None:
        """One row: plain values become cells here; a cell made elsewhere holds a formula only if it was one."""
        from openpyxl.cell.cell import Cell

        row = []
        for value in values:
            if isinstance(value, Cell):
                if value.data_type == "f" and id(value) not in self._formulas:
                    value.data_type = "s"
                row.append(value)
            else:
                row.append(None if value is None else self.cell(value))
        self.raw.append(row)


def new_workbook() -> Any:
    """An empty write-only (streamed) workbook made by kpbkit; add sheets with :class:`Sheet`."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.creator = "kpbkit"
    return book


def write_table_sheet(
    book: Any,
    title: str,
    *,
    columns: Sequence[str],
    headers: Sequence[str],
    values: Mapping[str, list[Any]],
    formats: Mapping[str, str | list[str | None]],
    freeze: str = "A2",
) -> Sheet:
    """One table as a write-only sheet: bold wrapped header, frozen panes, auto-filter, widths, number formats.

    ``formats`` maps a column to one number format, or to one per row; columns without one are written as is.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = Sheet(book, title)
    n_rows = len(values[columns[0]]) if columns else 0
    for i, col in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column_width(headers[i - 1], values[col],
                                                                           numeric=col in formats)
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{max(1, n_rows + 1)}"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="bottom")
    sheet.append([sheet.cell(h, font=bold, alignment=wrap) for h in headers])
    per_row = [formats.get(c) if isinstance(formats.get(c), list) else None for c in columns]
    fixed = [None if isinstance(formats.get(c), list) else formats.get(c) for c in columns]
    for r, record in enumerate(zip(*(values[c] for c in columns), strict=True)):
        formats_of_row = [fixed[i] if per_row[i] is None else per_row[i][r] for i in range(len(record))]
        sheet.append([v if f is None or v is None else sheet.cell(v, number_format=f)
                      for v, f in zip(record, formats_of_row, strict=True)])
    return sheet


def column_width(header: str, values: Sequence[Any], *, numeric: bool) -> float:
    """Wide enough for the values (text: the longest of the first rows) and the header's longest word."""
    word = max((len(w) for w in str(header).split()), default=0)
    if numeric:
        return max(14, word + 2)
    longest = max((len(str(v)) for v in values[:_WIDTH_SAMPLE] if v is not None), default=0)
    return max(10, word + 2, min(50, longest + 2))
