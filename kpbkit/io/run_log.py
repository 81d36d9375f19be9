"""A run's own log: every message kpbkit logs while the run lasts, kept in ``results/run.log`` beside run.json.

The terminal shows what ``--quiet`` lets through; the log file holds everything (progress, notes, warnings) with
the time, so a consultant can see afterwards what a run said. A line that would hold a value shaped like a
personnummer is never written (kpbkit's messages name files, rows and columns, never values; this is the last
guard).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from types import TracebackType

from kpbkit.io.identity_guard import text_holds_personnummer

RUN_LOG = "run.log"
WITHHELD = "[line withheld: it held a value shaped like a personnummer]"


class RunLog:
    """Collects the ``kpbkit`` logger's records (INFO and up) from ``__enter__`` to ``__exit__``; what the terminal
    shows is unchanged."""

    def __init__(self, logger: str = "kpbkit") -> None:
        self._log = logging.getLogger(logger)
        self.records: list[logging.LogRecord] = []
        self._handler = logging.Handler(logging.INFO)
        self._handler.emit = self.records.append  # type: ignore[method-assign]
        self._saved: tuple[int, list[tuple[logging.Handler, int]]] | None = None

    def __enter__(self) -> RunLog:
        level = self._log.level
        # the logger lets INFO through for the file; the terminal's handlers keep the level the logger had
        self._saved = (level, [(h, h.level) for h in self._log.handlers])
        for handler in self._log.handlers:
            if handler.level == logging.NOTSET:
                handler.setLevel(level)
        if level == logging.NOTSET or level > logging.INFO:
            self._log.setLevel(logging.INFO)
        self._log.addHandler(self._handler)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._log.removeHandler(self._handler)
        if self._saved is not None:
            level, handlers = self._saved
            self._log.setLevel(level)
            for handler, handler_level in handlers:
                handler.setLevel(handler_level)

    def warnings(self) -> list[str]:
        """The messages of the warnings (and errors) so far."""
        return [_safe(r.getMessage()) for r in self.records if r.levelno >= logging.WARNING]

    def lines(self) -> list[str]:
        """Every record as ``HH:MM:SS LEVEL message``."""
        out = []
        for record in self.records:
            stamp = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
            for i, line in enumerate(_safe(record.getMessage()).splitlines() or [""]):
                out.append(f"{stamp} {record.levelname:<7} {line}" if i == 0 else f"{'':17}{line}")
        return out

    def write(self, path: Path) -> Path:
        """Write the lines so far to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.lines()) + "\n", encoding="utf-8")
        return path


def _safe(message: str) -> str:
    return WITHHELD if text_holds_personnummer(message) else message
