"""The structure of a delimited text file, checked before pandas reads it.

A delimited text file (canonical or a source shape, :func:`read_delimited`) is read so that no row is
merged, dropped or shifted without a word:

- line ends may be LF, CRLF or lone CR (old Mac); a row is a line, and its number is the line's number;
- a quote that opens on one line and closes on a later one (a stray ``"`` in a free-text value, or a value
  holding a line break) stops the run naming both lines: the rows between would merge into one;
- a row with fewer fields than the header is accepted (Excel leaves out trailing empty fields), unless a
  quoted value on it holds the separator: a stray quote has swallowed separators;
- a row with more fields than the header stops the run; when the extra fields are empty it is named a
  trailing separator, and when *every* data row has such empty extra fields (and the header does not) they
  are dropped: that is a common export habit, and nothing is lost;
- two columns with the same header stop the run, naming both (with their field numbers).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.errors import InputError


def normalise_line_ends(data: bytes) -> bytes:
    """CRLF and lone CR (old Mac) line ends as LF."""
    if b"\r" not in data:
        return data
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def read_delimited(
    path: Path, data: bytes, encoding: str, sep: str, *, header: bool = True, fix: str = ""
) -> pd.DataFrame:
    """A delimited text (``data`` its bytes with LF line ends, in ``encoding``) as all-text columns.

    The index holds each row's line number (with a header, the first data row is 2). The file's structure
    is checked first (see the module docstring); ``fix`` is the advice for a row with more fields.
    """
    layout = _Layout(data, sep)
    fix = fix or f"check the separator ('{sep}') and quote values that contain it"
    if layout.n == 0:
        return pd.DataFrame()
    layout.check_quotes(path)
    first = layout.line_text(0)
    fields = next(csv.reader([first], delimiter=sep)) if first else []
    width = len(fields)
    if header:
        check_duplicate_headers(path, fields)
    counts, holds_sep = layout.field_counts(1 if header else 0)
    body = np.arange(1 if header else 0, layout.n)
    blank = layout.blank(body, counts)
    names: list[str] | None = None
    if header:
        extra = layout.trailing_fields(path, body, counts, blank, width, fix)
        if extra:
            names = [f.strip() or f"Unnamed: {i}" for i, f in enumerate(fields)]
            names += [f"_trailing_{i}" for i in range(extra)]
    else:  # no header: the widest row sets the width, and the fields are numbered
        width = int(counts[~blank].max()) if (~blank).any() else width
        names = [str(i) for i in range(width)]
    short = (counts < width) & ~blank & holds_sep
    if short.any():
        line = int(body[short][0]) + 1
        raise InputError(
            f"a quoted value on line {line} holds the separator '{sep}' and the row has fewer fields than "
            f"{'the header' if header else 'the other rows'} ({int(counts[short][0])} of {width}): a stray "
            "double quote has swallowed separators",
            file=path, row=line,
            fix='remove the stray double quote ("), or double it ("") if it belongs to the text; a value '
                "that holds the separator must be quoted whole",
        )
    try:
        frame = pd.read_csv(io.BytesIO(data), encoding=encoding, sep=sep, dtype=str, keep_default_na=False,
                            na_values=[], skip_blank_lines=False, quoting=csv.QUOTE_MINIMAL, index_col=False,
                            header=0 if header else None, names=names)
    except (pd.errors.ParserError, ValueError) as exc:
        line = re.search(r"\bline (\d+)", str(exc))
        raise InputError(f"cannot read the file ({_short(exc)})", file=path,
                         row=int(line.group(1)) if line else None, fix=fix) from None
    expected = layout.n - (1 if header else 0)
    if len(frame) != expected:  # the checks above should make this impossible: never go on with lost rows
        raise InputError(f"the file's {expected} data lines were read as {len(frame)} rows", file=path,
                         fix='look for a stray double quote (") or a line break inside a value')
    if names:
        frame = frame.drop(columns=[n for n in names if n.startswith("_trailing_")])
    frame.index = pd.RangeIndex(2, 2 + len(frame)) if header else pd.RangeIndex(1, 1 + len(frame))
    return frame


class _Layout:
    """Where a delimited text's lines start and end, and how many separators and quotes each holds."""

    def __init__(self, data: bytes, sep: str) -> None:
        arr = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(arr == 10)
        if len(data) and data[-1:] != b"\n":
            ends = np.append(ends, len(data))
        self.arr = arr
        self.sep = sep
        self.ends = ends
        self.starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64) if len(ends) else ends
        self.n = len(ends)
        self.seps = self._per_line(np.flatnonzero(arr == ord(sep)))
        quoted = b'"' in data
        self.quotes = self._per_line(np.flatnonzero(arr == ord('"'))) if quoted else np.zeros(self.n, dtype=np.int64)

    def _per_line(self, positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(positions, self.ends) - np.searchsorted(positions, self.starts)

    def line_text(self, i: int) -> str:
        raw = bytes(self.arr[self.starts[i]:self.ends[i]])
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")

    def check_quotes(self, path: Path) -> None:
        """A line with an odd number of quotes opens a value that runs on past its end: stop, naming the lines."""
        odd = np.flatnonzero(self.quotes % 2 == 1)
        if not len(odd):
            return
        opened = int(odd[0]) + 1
        fix = (f'remove the stray double quote (") on line {opened}, or double it ("") if it belongs to the text; '
               "a value holding a line break must be written on one line")
        # Where the value closes, as a CSV parser reads it (a quote inside it may close it early or late).
        start = opened - 1
        lines = itertools.chain((self.line_text(i) + "\n" for i in range(start, self.n)), ["\n"])
        reader = csv.reader(lines, delimiter=self.sep)
        try:
            next(reader)
            closed = start + reader.line_num  # past the last line: the value took in the extra line
        except (csv.Error, StopIteration):
            closed = self.n + 1
        if closed <= opened:
            # The quote stands inside a value, where a CSV reader takes it literally; Excel and other readers
            # may not, and a text holding one quote is rarely what the system meant: stop rather than guess.
            raise InputError(
                f'line {opened} holds an unpaired double quote (") inside a value: depending on the program, the '
                "rows after it are read as part of that value",
                file=path, row=opened, fix=fix)
        if closed > self.n:
            raise InputError(
                f"a quote opened on line {opened} is never closed: every line after it would merge into one row",
                file=path, row=opened, fix=fix)
        raise InputError(
            f"a quote opened on line {opened} is closed on line {closed}: rows {opened}-{closed} would merge "
            "into one row",
            file=path, row=opened, fix=fix)

    def field_counts(self, first: int) -> tuple[np.ndarray, np.ndarray]:
        """Fields per line from ``first`` on, and whether a quoted value of the line holds the separator."""
        counts = self.seps[first:] + 1
        holds_sep = np.zeros(len(counts), dtype=bool)
        self.last_empty: dict[int, int] = {}
        for i in np.flatnonzero(self.quotes[first:] > 0):
            row = next(csv.reader([self.line_text(int(i) + first)], delimiter=self.sep), [])
            counts[i] = len(row)
            holds_sep[i] = any(self.sep in value for value in row)
            self.last_empty[int(i)] = len(row) - len(list(_rstrip_empty(row)))
        return counts, holds_sep

    def blank(self, body: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Lines with nothing but spaces."""
        lengths = self.ends[body] - self.starts[body]
        blank = lengths == 0
        for i in np.flatnonzero((counts == 1) & ~blank & (self.quotes[body] == 0)):
            blank[i] = not self.line_text(int(body[i])).strip()
        return blank

    def trailing_fields(self, path: Path, body: np.ndarray, counts: np.ndarray, blank: np.ndarray, width: int,
                        fix: str) -> int:
        """How many empty trailing fields every data row has beyond the header (0); a row with more stops."""
        wider = (counts > width) & ~blank
        if not wider.any():
            return 0
        extra = counts - width
        empty_tail = np.zeros(len(counts), dtype=bool)
        rows = np.flatnonzero(wider)
        quoted = self.quotes[body[rows]] > 0
        plain = rows[~quoted]
        ok = np.ones(len(plain), dtype=bool)
        for j in range(int(extra[plain].max()) if len(plain) else 0):
            at = self.ends[body[plain]] - 1 - j
            ok &= (j >= extra[plain]) | (self.arr[np.maximum(at, 0)] == ord(self.sep))
        empty_tail[plain] = ok
        for i in rows[quoted]:
            empty_tail[i] = self.last_empty.get(int(i), 0) >= extra[i]
        nonempty = wider & ~empty_tail
        if nonempty.any():
            i = int(np.flatnonzero(nonempty)[0])
            line = int(body[i]) + 1
            raise InputError(
                f"a row has more fields than the header (Expected {width} fields in line {line}, saw {int(counts[i])})",
                file=path, row=line, fix=fix)
        data_rows = ~blank
        if wider[data_rows].all():
            return int(extra[wider].max())
        i = int(np.flatnonzero(wider)[0])
        k = int(extra[i])
        line = int(body[i]) + 1
        marks = "a trailing separator: one more field" if k == 1 else f"{k} trailing separators: {k} more fields"
        raise InputError(
            f"row {line} has {marks} than the header ({int(wider.sum())} row(s) in all; the other rows have none)",
            file=path, row=line,
            fix=f"remove the separator ('{self.sep}') at the end of those lines, or export the file again so that "
                "every line is alike")


def _rstrip_empty(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row


def check_duplicate_headers(path: Path, fields: list[str], *, letters: bool = False) -> None:
    """Two columns headed alike (trimmed) stop the run, naming both with their positions."""
    seen: dict[str, int] = {}
    for position, name in enumerate(fields, start=1):
        key = str(name).strip()
        if not key:
            continue
        if key in seen:
            raise duplicate_header_error(path, key, key, seen[key], position, letters=letters)
        seen[key] = position


def duplicate_header_error(path: Path, first: str, second: str, at_first: int, at_second: int, *,
                           letters: bool = False, means: str | None = None) -> InputError:
    """The error for two columns of one meaning: both headers with their field numbers (or Excel letters)."""
    def where(position: int) -> str:
        if letters:
            from openpyxl.utils import get_column_letter

            return f"column {get_column_letter(position)}"
        return f"field {position}"

    a, b = safe_name(first), safe_name(second)
    if means is None:
        what = f"two columns are headed '{a}' ({where(at_first)} and {where(at_second)}): duplicate header"
    else:
        what = (f"two columns mean {means}: '{a}' ({where(at_first)}) and '{b}' ({where(at_second)}): "
                "duplicate header")
    return InputError(what, file=path, column=a,
                      fix="remove or rename one of them (or name the one to use under "
                          "input.tables.<table>.columns in the config)")


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200]


#: a value shaped like a personnummer or samordningsnummer: 10 or 12 digits, optional separator
_PNR_LIKE = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+ ]?[0-9]{4}(?![0-9])")


def safe_name(name: str) -> str:
    """A column name fit for a message: one shaped like a personnummer (a data row read as header) is hidden."""
    return "<a value shaped like a personnummer>" if _PNR_LIKE.search(name) else name
