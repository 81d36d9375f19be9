"""Safe cells and streamed, formatted sheets: what every Excel workbook of kpbkit is written with.

Every cell goes through :meth:`Sheet.append`: text is always stored as text, never as a formula or an error
value, also when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a client or scenario name
such as ``=HYPERLINK(...)``); such cells also get Excel's quote prefix, so editing one keeps it text.
A formula can only be written on purpose, as a :class:`Formula`.

The workbooks are written with XlsxWriter in its constant-memory mode: rows stream to disk as they are appended
(a large municipality's ``person_costs`` has 100 000+ rows), about 2.5 times faster than openpyxl's write-only
mode with the same number formats. A workbook is assembled in memory when it is saved (:meth:`Book.save`), so
nothing is written where the workbook belongs until it is complete and checked
(:func:`kpbkit.io.identity_guard.save_workbook`).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

_WIDTH_SAMPLE = 2000  # rows looked at for a text column's width
#: a workbook of more rows than this streams them to temporary files (constant memory)
STREAMED_ROWS = 20_000

#: a text starting with one of these is a formula to a spreadsheet, or becomes one when a cell is edited or a sheet
#: is exported to CSV and opened again (CSV/formula injection)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: characters XML 1.0 cannot hold (they become U+FFFD)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: a date or time without a number format of its own
_DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class Formula:
    """A formula kpbkit writes on purpose, the only way a cell of its workbooks holds one; ``text`` starts with "="."""

    text: str


@dataclass(frozen=True)
class Style:
    """How a cell looks: a number format, bold, a font size, wrapped text aligned to ``wrap`` ("top", "bottom")."""

    number_format: str | None = None
    bold: bool = False
    size: float | None = None
    wrap: str | None = None
    quote: bool = False

    def options(self) -> dict[str, Any]:
        """The style as XlsxWriter's format properties."""
        out: dict[str, Any] = {}
        if self.number_format is not None:
            out["num_format"] = self.number_format
        if self.bold:
            out["bold"] = True
        if self.size is not None:
            out["font_size"] = self.size
        if self.wrap is not None:
            out.update(text_wrap=True, valign=self.wrap)
        if self.quote:
            out["quote_prefix"] = True
        return out


@dataclass(frozen=True)
class Cell:
    """A value with its style, for :meth:`Sheet.append` (made by :meth:`Sheet.cell`)."""

    value: object
    style: Style | None = None


class Properties:
    """The workbook's document properties kpbkit sets: its title and creator."""

    def __init__(self) -> None:
        self.title = ""
        self.creator = "kpbkit"


class Book:
    """A workbook being written: add sheets with :class:`Sheet`, then :meth:`save` it once."""

    def __init__(self, *, banner: str | None = None, rows: int | None = None) -> None:
        import xlsxwriter

        #: a line printed at the top of every sheet's pages (internal workbooks: "Arbetsmaterial ...")
        self.banner = banner
        self._buffer = io.BytesIO()
        # rows stream to temporary files only in a large workbook (or one of unknown size): a small one is built
        # in memory, about 40 % faster
        streamed = rows is None or rows > STREAMED_ROWS
        self.raw = xlsxwriter.Workbook(self._buffer, {
            "constant_memory": streamed, "in_memory": not streamed,
            # text stays text: XlsxWriter's write() would turn "=..." into a formula, URLs into links
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "default_date_format": _DATE_FORMAT,
        })
        self.properties = Properties()
        self._formats: dict[Style, Any] = {}
        self._sheets: list[Sheet] = []

    def format(self, style: Style | None) -> Any:
        """The XlsxWriter format of ``style`` (one per distinct style); ``None`` for no style."""
        if style is None:
            return None
        fmt = self._formats.get(style)
        if fmt is None:
            fmt = self._formats[style] = self.raw.add_format(style.options())
        return fmt

    @property
    def sheetnames(self) -> list[str]:
        return [s.title for s in self._sheets]

    def save(self, path: Path | str) -> Path:
        """Write the whole workbook to ``path`` (a workbook is saved once)."""
        self.raw.set_properties({"title": self.properties.title, "author": self.properties.creator})
        self.raw.close()
        path = Path(path)
        path.write_bytes(self._buffer.getvalue())
        return path


class _Column:
    def __init__(self, sheet: Sheet, index: int) -> None:
        self._sheet, self._index = sheet, index

    @property
    def width(self) -> float | None:
        return self._sheet._widths.get(self._index)

    @width.setter
    def width(self, value: float) -> None:
        self._sheet._widths[self._index] = value
        self._sheet.raw.set_column(self._index, self._index, value)


class _Columns:
    """``sheet.column_dimensions["B"].width = 20``, as in openpyxl (set before the rows are appended)."""

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet

    def __getitem__(self, letter: str) -> _Column:
        return _Column(self._sheet, column_index(letter))


class _AutoFilter:
    """``sheet.auto_filter.ref = "A1:D10"``, as in openpyxl."""

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet
        self._ref: str | None = None

    @property
    def ref(self) -> str | None:
        return self._ref

    @ref.setter
    def ref(self, value: str) -> None:
        self._ref = value
        self._sheet.raw.autofilter(value)


class Sheet:
    """A streamed worksheet: rows are added in order, only through :meth:`append`, and every value is written by
    :meth:`_write` (text as text, a formula only from a :class:`Formula`)."""

    def __init__(self, book: Book, title: str) -> None:
        self.book = book
        self.raw = book.raw.add_worksheet(title)
        self.title = title
        self._row = 0
        self._widths: dict[int, float] = {}
        self.column_dimensions = _Columns(self)
        self.auto_filter = _AutoFilter(self)
        self._freeze: str | None = None
        if book.banner:
            self.raw.set_header("&C&B" + book.banner.replace("&", "&&"))
        book._sheets.append(self)

    @property
    def freeze_panes(self) -> str | None:
        return self._freeze

    @freeze_panes.setter
    def freeze_panes(self, value: str) -> None:
        self._freeze = value
        self.raw.freeze_panes(value)

    def cell(self, value: object, *, number_format: str | None = None, bold: bool = False,
             size: float | None = None, wrap: str | None = None) -> Cell:
        """A value with a style for :meth:`append`. A :class:`Formula` must start with "="."""
        if isinstance(value, Formula) and not value.text.startswith("="):
            raise ValueError(f"a formula starts with '=': {value.text!r}")
        styled = number_format is not None or bold or size is not None or wrap is not None
        return Cell(value, Style(number_format, bold, size, wrap) if styled else None)

    def append(self, values: Iterable[object] = ()) -> None:
        """One row after the last one."""
        row = self._row
        self._row += 1
        for column, value in enumerate(values):
            if isinstance(value, Cell):
                self._write(row, column, value.value, value.style)
            else:
                self._write(row, column, value, None)

    def append_styled(self, values: Sequence[object], styles: Sequence[Style | None]) -> None:
        """One row after the last one, each value with its style (what :meth:`append` of :class:`Cell` values
        writes, without making a Cell per value: the tables' rows)."""
        row = self._row
        self._row += 1
        for column, value in enumerate(values):
            self._write(row, column, value, styles[column])

    def _write(self, row: int, column: int, value: object, style: Style | None) -> None:
        """Every cell of kpbkit's workbooks is written here.

        A ``str`` is stored as text whatever it starts with; text starting with one of :data:`FORMULA_TRIGGERS` also
        gets the quote prefix, so Excel keeps it text when the cell is edited. Characters XML cannot hold become
        U+FFFD, and a carriage return a line feed (as XML reads it anyway). Numbers that are not finite are left
        empty. Only a :class:`Formula` is written as a formula.
        """
        sheet, fmt = self.raw, self.book.format(style)
        kind = type(value)
        if kind is float:  # the most frequent cell first; subclasses go the general way below
            if math.isfinite(value):  # type: ignore[arg-type]
                sheet.write_number(row, column, value, fmt)
            elif fmt is not None:
                sheet.write_blank(row, column, None, fmt)
        elif kind is str:
            self._write_text(row, column, value, style, fmt)  # type: ignore[arg-type]
        elif value is None:
            if fmt is not None:
                sheet.write_blank(row, column, None, fmt)
        elif isinstance(value, str):
            self._write_text(row, column, value, style, fmt)
        elif isinstance(value, Formula):
            sheet.write_formula(row, column, value.text, fmt)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, fmt)
        elif isinstance(value, numbers.Real):
            number = float(value)
            if math.isfinite(number):
                sheet.write_number(row, column, number, fmt)
            elif fmt is not None:
                sheet.write_blank(row, column, None, fmt)
        elif isinstance(value, (dt.date, dt.time, dt.timedelta)):
            sheet.write_datetime(row, column, value, fmt)
        else:
            self._write(row, column, str(value), style)

    def _write_text(self, row: int, column: int, value: str, style: Style | None, fmt: Any) -> None:
        text = _ILLEGAL.sub("\ufffd", value) if _ILLEGAL.search(value) else value
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if value.startswith(FORMULA_TRIGGERS):
            fmt = self.book.format(replace(style or Style(), quote=True))
        self.raw.write_string(row, column, text, fmt)


def column_index(letter: str) -> int:
    """0-based index of a column letter ("A" -> 0, "AA" -> 26)."""
    index = 0
    for ch in letter.upper():
        index = index * 26 + ord(ch) - ord("A") + 1
    return index - 1


def column_letter(index: int) -> str:
    """The letter of a 1-based column number (1 -> "A", 27 -> "AA")."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def new_workbook(*, banner: str | None = None, rows: int | None = None) -> Book:
    """An empty workbook made by kpbkit; add sheets with :class:`Sheet`. ``banner``: printed at the top of every
    sheet's pages; ``rows``: about how many rows it will hold (streamed when more than :data:`STREAMED_ROWS`, or
    not known)."""
    return Book(banner=banner, rows=rows)


def write_table_sheet(
    book: Book,
    title: str,
    *,
    columns: Sequence[str],
    headers: Sequence[str],
    values: Mapping[str, list[Any]],
    formats: Mapping[str, str | list[str | None]],
    freeze: str = "A2",
) -> Sheet:
    """One table as a streamed sheet: bold wrapped header, frozen panes, auto-filter, widths, number formats.

    ``formats`` maps a column to one number format, or to one per row; columns without one are written as is.
    """
    sheet = Sheet(book, title)
    n_rows = len(values[columns[0]]) if columns else 0
    for i, col in enumerate(columns, start=1):
        sheet.column_dimensions[column_letter(i)].width = column_width(headers[i - 1], values[col],
                                                                      numeric=col in formats)
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{column_letter(max(1, len(columns)))}{max(1, n_rows + 1)}"
    sheet.append([sheet.cell(h, bold=True, wrap="bottom") for h in headers])
    per_row = [formats.get(c) if isinstance(formats.get(c), list) else None for c in columns]
    fixed = [None if isinstance(formats.get(c), list) else formats.get(c) for c in columns]
    styles: dict[str | None, Style | None] = {None: None}

    def style(number_format: str | None) -> Style | None:
        found = styles.get(number_format)
        return found if found is not None or number_format is None else styles.setdefault(number_format,
                                                                                          Style(number_format))

    fixed_styles = [style(f) for f in fixed]
    varying = [i for i, f in enumerate(per_row) if f is not None]
    for r, record in enumerate(zip(*(values[c] for c in columns), strict=True)):
        row_styles = fixed_styles
        if varying:
            row_styles = list(fixed_styles)
            for i in varying:
                row_styles[i] = style(per_row[i][r])  # type: ignore[index]
        # an empty cell carries no number format (as a Cell of None never did)
        if any(v is None for v in record):
            row_styles = [None if v is None else st for v, st in zip(record, row_styles, strict=True)]
        sheet.append_styled(record, row_styles)
    return sheet


def column_width(header: str, values: Sequence[Any], *, numeric: bool) -> float:
    """Wide enough for the values (text: the longest of the first rows) and the header's longest word."""
    word = max((len(w) for w in str(header).split()), default=0)
    if numeric:
        return max(14, word + 2)
    longest = max((len(str(v)) for v in values[:_WIDTH_SAMPLE] if v is not None), default=0)
    return max(10, word + 2, min(50, longest + 2))
