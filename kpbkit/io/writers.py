"""Writers that never leave a half-written file where a result should be.

A run writes into a staging folder beside its output folder; only when everything succeeded is each
entry moved into place with an atomic rename. A failed run's staging folder is moved to the system's
temporary folder for diagnosis, so nothing new appears under ``reports/``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pandas as pd


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8, comma-separated, ISO dates, dot decimals, unrounded; NaN as an empty cell."""
    frame.to_csv(path, index=False, date_format="%Y-%m-%d")


def write_json(data: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


class StagedOutput:
    """Build an output folder's entries in a staging folder, then move them into place.

    >>> with StagedOutput(Path("reports/x/2025")) as stage:   # doctest: +SKIP
    ...     write_csv(frame, stage.path / "results" / "kpis.csv")
    """

    def __init__(self, final_dir: Path) -> None:
        self.final_dir = final_dir
        self._created: list[Path] = []
        self.path = final_dir.parent / f".{final_dir.name}.staging-{uuid.uuid4().hex[:8]}"
        self.failed_copy: Path | None = None

    def __enter__(self) -> StagedOutput:
        missing = []
        parent = self.final_dir.parent
        while not parent.exists():
            missing.append(parent)
            parent = parent.parent
        self._created = list(reversed(missing))
        self.path.mkdir(parents=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abandon()

    def commit(self) -> None:
        """Move each top-level entry of the staging folder into the output folder, replacing its namesake."""
        self.final_dir.mkdir(parents=True, exist_ok=True)
        for entry in sorted(self.path.iterdir()):
            target = self.final_dir / entry.name
            old = None
            if target.exists():
                old = self.final_dir / f".{entry.name}.old-{uuid.uuid4().hex[:8]}"
                os.replace(target, old)
            os.replace(entry, target)
            if old is not None:
                shutil.rmtree(old) if old.is_dir() else old.unlink()
        self.path.rmdir()

    def abandon(self) -> None:
        """Move the partial output out of ``reports/`` (kept for diagnosis) and remove folders this run made."""
        if self.path.exists():
            keep = Path(tempfile.gettempdir()) / f"kpbkit-failed-{self.final_dir.parent.name}-{self.final_dir.name}"
            keep = keep.with_name(f"{keep.name}-{uuid.uuid4().hex[:6]}")
            shutil.move(str(self.path), keep)
            self.failed_copy = keep
        for folder in reversed(self._created):
            try:
                folder.rmdir()
            except OSError:
                break
