"""What the xdist workers of one test session compute once and share through their common temporary folder."""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """The folder every xdist worker of this session sees (None when the tests run in one process)."""
    return tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") else None


@contextlib.contextmanager
def locked(path: Path | None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a lock file; created when missing); ``None`` (or no ``fcntl``): no lock."""
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if path is None or fcntl is None:
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once_per_session(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]) -> T:
    """``build(folder)`` run once per test session, also under pytest-xdist: the first worker that asks builds it
    in a folder all workers see and leaves its value pickled beside it; a worker asking meanwhile waits for it,
    later ones read it. A failed build leaves nothing: the next worker that asks builds it anew."""
    shared = shared_folder(tmp_path_factory)
    if shared is None:
        return build(tmp_path_factory.mktemp(name))
    saved = shared / f"{name}.pickle"
    with locked(shared / f"{name}.lock"):
        if saved.is_file():
            return pickle.loads(saved.read_bytes())
        value: Any = build(Path(tempfile.mkdtemp(prefix=f"{name}-", dir=shared)))
        temp = saved.with_suffix(".tmp")
        temp.write_bytes(pickle.dumps(value))
        temp.replace(saved)
        return value
