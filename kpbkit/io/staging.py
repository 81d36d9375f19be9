"""A run's period folder, built complete beside its place and swapped in whole, or kept private when the run fails.

A client's output folder while and after runs (hidden names start with the period's label)::

    reports/<client>/
        2025/                     the last complete run: what readers use
        .kpbkit.lock              while a run of this client writes (its pid and start time)
        .2025.staging-<id>/       the run being built (mode 0700), swapped in whole when complete; after an
                                  exchange (Linux) the name holds the replaced run until it is deleted
        .2025.old-<id>/           the replaced run, from the swap until it is deleted (portable swap only)
        .2025.failed-<stamp>/     a failed or interrupted run's partial output (mode 0700), named in its message

Hidden folders are private (0700); a period folder gets its client folder's permissions when swapped in.

The swap is one atomic exchange of the two folders where the system has one (Linux ``renameat2``), so a reader
finds the previous complete folder or the new one at every instant. Elsewhere it is two renames
(``2025`` -> ``.2025.old-<id>``, staging -> ``2025``): for the moment between them ``2025`` does not exist (a
reader gets "not found", never a mix), and if the run is killed right there the next run of the client renames
the old folder back before doing anything else. Every run holds the client's lock from start to end and first
removes what killed runs left (staging and old folders).

A run owns some entries of the period folder whole (``results/``, ``interim/``); every other entry of the previous
folder that the new run does not write (other areas' reports after ``--only``, ``utforska.ipynb`` of ``kpbkit lab``)
is carried into the new folder (hard-linked, else copied) just before the swap, recursively in folders both have.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import re
import shutil
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from kpbkit.errors import KpbkitError

log = logging.getLogger("kpbkit")

LOCK_NAME = ".kpbkit.lock"

#: test hooks: stop (sleep) at the named checkpoint so that a test can kill the run there; force the two-rename swap
PAUSE_ENV = "KPBKIT_TEST_PAUSE_AT"
NO_EXCHANGE_ENV = "KPBKIT_TEST_NO_EXCHANGE"

#: the period folder's entries a run writes whole (an old file in them that the run no longer writes is not kept)
OWNED = ("results", "interim")

_LEFTOVER = re.compile(r"^\.(?P<period>.+)\.(?P<kind>staging|old)-[0-9a-f]{8}$")
_PRIVATE = 0o700


def checkpoint(name: str) -> None:
    """A named point of a run where the kill tests stop it (``KPBKIT_TEST_PAUSE_AT=<name>``); otherwise nothing."""
    if os.environ.get(PAUSE_ENV) == name:
        sys.stderr.write(f"kpbkit-test: paused at {name}\n")
        sys.stderr.flush()
        time.sleep(600)


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a run; the message says what became of its output (the CLI prints it as one line)."""


class StagedOutput:
    """Build a period folder in a staging folder beside it and swap it in whole when the run succeeded.

    Holds the client folder's lock from ``__enter__`` to ``__exit__`` and first cleans up after killed runs.
    ``owned``: the top-level entries the run writes whole; every other entry of the previous folder is kept.
    On an exception the partial output (if any) is kept in a private ``.<period>.failed-<stamp>`` folder
    (:attr:`failed_copy`); nothing changes at the period folder.

    >>> with StagedOutput(Path("reports/x/2025"), owned=("results",)) as stage:   # doctest: +SKIP
    ...     write_csv(frame, stage.path / "results" / "kpis.csv")
    """

    def __init__(self, final_dir: Path, *, owned: Iterable[str] = OWNED) -> None:
        self.final_dir = Path(final_dir)
        self.client_dir = self.final_dir.parent
        self.owned = frozenset(owned)
        self.path = self.client_dir / f".{self.final_dir.name}.staging-{uuid.uuid4().hex[:8]}"
        self.failed_copy: Path | None = None
        self.carried: list[str] = []
        self.committed = False
        self._created: list[Path] = []
        self._lock: _ClientLock | None = None

    # ------------------------------------------------------------------------------------------ enter and exit

    def __enter__(self) -> StagedOutput:
        missing = []
        parent = self.client_dir
        while not parent.exists():
            missing.append(parent)
            parent = parent.parent
        self._created = list(reversed(missing))
        try:
            self.client_dir.mkdir(parents=True, exist_ok=True)
            self._lock = _ClientLock(self.client_dir)
            self._lock.acquire()
            self._recover()
            self.path.mkdir(mode=_PRIVATE)
            os.chmod(self.path, _PRIVATE)  # mkdir's mode is masked by the umask
        except OSError as exc:
            self._release()
            if exc.errno == errno.ENAMETOOLONG:
                raise  # the CLI names the path
            raise KpbkitError(f"cannot write in the output folder {self.client_dir} ({exc.strerror or exc})",
                              key="output.folder", fix="choose an output folder you may write to") from exc
        except BaseException:
            self._release()
            raise
        checkpoint("staged")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                try:
                    self.commit()
                except BaseException:
                    with _sigint_ignored():
                        self.abandon()
                    raise
            else:
                with _sigint_ignored():
                    self.abandon()
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        for folder in reversed(self._created):
            try:
                folder.rmdir()  # only if this run made it and left it empty
            except FileNotFoundError:
                continue
            except OSError:
                break

    # ------------------------------------------------------------------------------------------ commit

    def commit(self) -> None:
        """Carry over the previous folder's other entries, then swap the staging folder in whole."""
        with _sigint_deferred():
            old = self.final_dir if self.final_dir.is_dir() else None
            if old is not None:
                self.carried = _carry_over(old, self.path, self.owned)
            checkpoint("carried")
            checkpoint("before_swap")
            leftover = self._swap(exists=old is not None)
            self.committed = True
            checkpoint("swapped")
            if leftover is not None:
                shutil.rmtree(leftover, ignore_errors=True)  # a remainder is removed by the next run
            for failed in self.client_dir.glob(f".{self.final_dir.name}.failed-*"):
                shutil.rmtree(failed, ignore_errors=True)
                log.info("Removed %s: a failed run's partial output, superseded by this run", failed.name)
            checkpoint("cleaned")

    def _swap(self, *, exists: bool) -> Path | None:
        """Put the staging folder at the period folder's place; return where the old one went (to delete)."""
        final, staged = self.final_dir, self.path
        mode = _public_mode(self.client_dir)
        try:
            if not exists:
                os.replace(staged, final)
                os.chmod(final, mode)
                return None
            if _exchange(staged, final):
                os.chmod(final, mode)
                os.chmod(staged, _PRIVATE)  # the staging name now holds the old folder: hidden names stay private
                return staged
            old = self.client_dir / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(final, old)
            os.chmod(old, _PRIVATE)
            checkpoint("between_renames")
            try:
                os.replace(staged, final)
            except OSError:
                os.replace(old, final)
                os.chmod(final, mode)
                raise
            os.chmod(final, mode)
            return old
        except OSError as exc:
            raise KpbkitError(
                f"could not put the new output in place of {final} ({exc.strerror or type(exc).__name__}); "
                "the previous output is unchanged",
                fix="close any program that has a file of that folder open (Excel, a PDF viewer) and run again",
            ) from exc

    # ------------------------------------------------------------------------------------------ failure

    def abandon(self) -> None:
        """Keep the partial output (if any) in a private ``.<period>.failed-<stamp>`` folder beside the period."""
        if self.committed or not self.path.exists():
            return
        if not any(self.path.iterdir()):
            self.path.rmdir()
            return
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        keep = self.client_dir / f".{self.final_dir.name}.failed-{stamp}"
        if keep.exists():
            keep = keep.with_name(f"{keep.name}-{uuid.uuid4().hex[:6]}")
        os.replace(self.path, keep)
        os.chmod(keep, _PRIVATE)
        self.failed_copy = keep

    def outcome(self) -> str:
        """One sentence on what became of this run's output (for an interrupted or failed run's message)."""
        if self.committed:
            return f"the run had finished: {self.final_dir} holds its output"
        text = f"nothing was written to {self.final_dir}"
        if self.failed_copy is not None:
            text += f"; partial output kept in {self.failed_copy} (readable by you only)"
        return text

    # ------------------------------------------------------------------------------------------ recovery

    def _recover(self) -> None:
        """Remove what killed runs left in the client folder; restore a period folder killed mid-swap."""
        for entry in sorted(self.client_dir.iterdir()):
            match = _LEFTOVER.match(entry.name)
            if match is None or not entry.is_dir() or entry.is_symlink():
                continue
            target = self.client_dir / match["period"]
            if match["kind"] == "old" and not target.exists():
                os.replace(entry, target)
                os.chmod(target, _public_mode(self.client_dir))
                log.warning("Restored %s: a run was killed while replacing it", target)
            else:
                shutil.rmtree(entry)
                log.info("Removed %s, left by a run that was killed", entry.name)


# ---------------------------------------------------------------------------------------------- the swap


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where that is not available."""
    if not sys.platform.startswith("linux") or os.environ.get(NO_EXCHANGE_ENV):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False  # a C library without renameat2 (glibc < 2.28)
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # a filesystem or kernel without the exchange
    raise OSError(code, os.strerror(code), str(b))


def _public_mode(client_dir: Path) -> int:
    """A period folder's permissions: its client folder's (hidden folders beside it are 0700 until swapped in)."""
    return client_dir.stat().st_mode & 0o7777


def _carry_over(old: Path, new: Path, owned: frozenset[str] = frozenset()) -> list[str]:
    """Link (else copy) into ``new`` every entry of ``old`` that ``new`` lacks, except ``owned`` and leftovers.

    Returns the carried entries' paths relative to ``new``.
    """
    carried: list[str] = []
    for entry in sorted(old.iterdir()):
        name = entry.name
        if name in owned or name == LOCK_NAME or _LEFTOVER.match(name) or ".tmp-" in name or ".running-" in name:
            continue
        target = new / name
        if entry.is_dir() and not entry.is_symlink():
            if not target.exists():
                shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
                carried.append(name)
            elif target.is_dir():
                carried += [f"{name}/{inner}" for inner in _carry_over(entry, target)]
        elif not target.exists() and not target.is_symlink():
            if entry.is_symlink():
                os.symlink(os.readlink(entry), target)
            else:
                _link_or_copy(entry, target)
            carried.append(name)
    return carried


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# ---------------------------------------------------------------------------------------------- the lock


class _ClientLock:
    """An exclusive lock on a client's output folder: a lock file held with ``flock`` (``msvcrt`` on Windows).

    The file names the holder (pid, host, start time) for the message of a second run. It is removed on release;
    a run that opened it just before cannot then hold a removed file's lock: it checks the path still names it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                _lock(fd)
            except OSError:
                holder = _holder(fd)
                os.close(fd)
                raise KpbkitError(
                    f"another kpbkit run{f' ({holder})' if holder else ''} is writing {self.folder}",
                    fix="wait for it to finish, then run again (runs of different clients may run at the same time)",
                ) from None
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        started = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}, started {started}".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        if os.name == "nt":
            os.close(self._fd)  # Windows cannot remove an open file
            with contextlib.suppress(OSError):
                self.path.unlink()
        else:
            with contextlib.suppress(OSError):
                self.path.unlink()
            os.close(self._fd)
        self._fd = None


def _lock(fd: int) -> None:
    if os.name == "nt":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _holder(fd: int) -> str:
    try:
        return os.read(fd, 200).decode("utf-8", "replace").strip()
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------- Ctrl-C


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Let the block finish; a Ctrl-C pressed meanwhile is raised as KeyboardInterrupt after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda *_: pressed.append(1))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C for the block (the clean-up after a failure or a first Ctrl-C)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
