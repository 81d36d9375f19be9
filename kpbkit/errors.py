"""One exception family for everything a user can get wrong.

Every message says *what* is wrong, *where* (file, row, column or config key) and *how* to fix it.
Messages never carry a personnummer: callers pass the location, not the offending identity.
"""

from __future__ import annotations

from pathlib import Path


class KpbkitError(Exception):
    """Base class of user-facing errors; the CLI prints them without a traceback."""

    exit_code = 2

    def __init__(
        self,
        what: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.what = what
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.key = key
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        if self.key:
            where.append(f"key '{self.key}'")
        text = self.what
        if where:
            text = f"{', '.join(where)}: {text}"
        if self.fix:
            text = f"{text}\n  How to fix: {self.fix}"
        return text

    def __str__(self) -> str:
        return self.message


class ConfigError(KpbkitError):
    """The client configuration is invalid (a key, a value, a rule, a path)."""


class InputError(KpbkitError):
    """An input file is missing, unreadable or has a column or value that cannot be used."""


class ReconciliationError(KpbkitError):
    """Allocated + residual differs from the ledger: the model is wrong, never the user's data."""

    exit_code = 3
