"""A run's output folder, built beside its final place and moved into place only when the run succeeded."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path


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
