"""A headless Chromium kept open in a render worker, printing each report's PDF over its DevTools pipe.

``chromium --print-to-pdf`` starts a whole browser for one page: about 1.2 s of CPU before the page is even read,
paid for every report. A render worker (:func:`kpbkit.report.render.render_reports`) instead starts one Chromium
with ``--remote-debugging-pipe`` (the same binary and flags) and prints each of its reports in a new tab
with ``Page.printToPDF``: the same PDF as the command line prints (same pages, text and size; only the creation
date differs). The browser ends when the worker does: it is closed by the worker's finalizer, and it quits by
itself when the pipe closes, even if the worker was killed.

Messages are JSON, each ended by a NUL byte (the Chrome DevTools Protocol over a pipe: Chromium reads fd 3 and
writes fd 4). A browser that breaks is dropped and the PDF printed the usual way; a page that does not finish
in time is an error, as it is on the command line.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class BrowserError(Exception):
    """The kept browser broke (exited, closed its pipe, answered with an error): print without it."""


class PageTimeout(Exception):
    """The page did not load and print within the time allowed."""


class Browser:
    """One headless Chromium driven over ``--remote-debugging-pipe``."""

    def __init__(self, command: Callable[..., list[str]], exe: str, *, shared: bool = False) -> None:
        self.exe = exe
        self._owner = os.getpid()
        self._lock: Any = None
        self._ids: Any = None
        if shared:  # used by the processes forked from this one, one conversation at a time
            import multiprocessing

            context = multiprocessing.get_context("fork")
            self._lock, self._ids = context.Lock(), context.RawValue("i", 0)
        self._profile = tempfile.mkdtemp(prefix="kpbkit-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        for fd in (self._to_browser, self._from_browser):
            os.set_inheritable(fd, False)

        def at_3_and_4() -> None:  # in the child, before exec: the pipe ends where Chromium looks for them
            read_end, write_end = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        try:
            self._proc = subprocess.Popen(
                command(exe, self._profile, "--remote-debugging-pipe", "about:blank"),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={**os.environ, "HOME": os.environ.get("HOME") or self._profile},
                preexec_fn=at_3_and_4, close_fds=False, start_new_session=True,  # noqa: PLW1509 - dup2 only
            )
        except OSError as exc:
            self._close_fds()
            raise BrowserError(f"Chromium did not start: {exc}") from exc
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0

    # ------------------------------------------------------------------------------------------ protocol

    def _send(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None) -> int:
        if self._ids is not None:  # ids unique across the processes sharing the browser (an int32 for Chromium)
            self._ids.value += 1
            self._next_id = self._ids.value
        else:
            self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._to_browser, data):]
        except OSError as exc:
            raise BrowserError(f"Chromium stopped reading ({exc})") from exc
        return self._next_id

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PageTimeout
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                raise PageTimeout
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed its pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        try:
            return json.loads(message)
        except ValueError:
            if self._lock is None:
                raise BrowserError("Chromium wrote something that is not a message") from None
            return {}  # the tail of a message another process read the start of: nobody's

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None,
             deadline: float, until: str | None = None) -> dict[str, Any]:
        """Send one command and return its result; with ``until``, also wait for that event of ``session``."""
        wanted = self._send(method, params, session=session)
        result: dict[str, Any] | None = None
        seen = until is None
        while result is None or not seen:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message', message['error'])}")
                result = message.get("result", {})
            elif until is not None and message.get("method") == until and message.get("sessionId") == session:
                seen = True
        return result

    # ------------------------------------------------------------------------------------------ printing

    def print_pdf(self, html: Path, out: Path, *, timeout: float) -> None:
        """Print ``html`` to ``out`` in a new tab (closed afterwards)."""
        if self._lock is None:
            return self._print(html, out, timeout=timeout)
        if not self._lock.acquire(timeout=timeout):
            raise BrowserError("another process kept the shared Chromium too long")
        try:
            self._buffer = b""  # whatever a process before left half-read belongs to nobody
            return self._print(html, out, timeout=timeout)
        finally:
            self._lock.release()

    def _print(self, html: Path, out: Path, *, timeout: float) -> None:
        if os.getpid() == self._owner and self._proc.poll() is not None:
            raise BrowserError(f"Chromium has exited (code {self._proc.returncode})")
        deadline = time.monotonic() + timeout
        target = self.call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
        try:
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                deadline=deadline)["sessionId"]
            self.call("Page.enable", session=session, deadline=deadline)
            loaded = self.call("Page.navigate", {"url": Path(html).resolve().as_uri()}, session=session,
                               deadline=deadline, until="Page.loadEventFired")
            if loaded.get("errorText"):
                raise BrowserError(f"Chromium could not open the page: {loaded['errorText']}")
            printed = self.call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False},
                                session=session, deadline=deadline)
        finally:
            with contextlib.suppress(BrowserError, PageTimeout, OSError):
                self.call("Target.closeTarget", {"targetId": target}, deadline=time.monotonic() + 5)
        Path(out).write_bytes(base64.b64decode(printed["data"]))

    def close(self) -> None:
        """Ask Chromium to quit, then make sure it and its helpers have ended; remove its profile (in a process
        that shares another's browser: only let go of it)."""
        if os.getpid() != self._owner:
            self.forget()
            return
        with contextlib.suppress(BrowserError, OSError):
            self._send("Browser.close")
        self._close_fds()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=5)
        with contextlib.suppress(OSError):
            os.killpg(self._proc.pid, signal.SIGKILL)  # helpers (zygote, renderer) still holding the profile
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=5)
        shutil.rmtree(self._profile, ignore_errors=True)

    def forget(self) -> None:
        """In a forked child: let go of the pipe without touching the browser (it belongs to the parent)."""
        self._close_fds()

    def _close_fds(self) -> None:
        for name in ("_to_browser", "_from_browser"):
            fd = getattr(self, name, -1)
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
                setattr(self, name, -1)


# ------------------------------------------------------------------------------- the process's browser

_keep = False
_kept: Browser | None = None
_shared: Browser | None = None


def keep_open() -> None:
    """Let this process (a render worker) keep one browser for all its PDFs, closed when the process ends."""
    global _keep
    if _keep:
        return
    _keep = True
    import atexit
    from multiprocessing import util

    util.Finalize(None, discard, exitpriority=100)  # a pool worker ends through multiprocessing, not atexit
    atexit.register(discard)


def share(command: Callable[..., list[str]], exe: str) -> None:
    """Start a browser for the processes this one is about to fork (render workers: :func:`keep_open` there uses
    it instead of starting their own); it starts while this process goes on. Closed by :func:`close_shared`."""
    global _shared
    if _shared is None:
        _shared = Browser(command, exe, shared=True)


def close_shared() -> None:
    """Close the browser :func:`share` started."""
    global _shared
    browser, _shared = _shared, None
    if browser is not None:
        browser.close()


def kept(command: Callable[..., list[str]], exe: str) -> Browser | None:
    """This process's browser: the one its parent shared, else its own, started on first use; ``None`` where
    browsers are not kept (:func:`keep_open`)."""
    global _kept
    if not _keep:
        return None
    if _shared is not None and _shared.exe == exe:
        return _shared
    if _kept is not None and _kept.exe != exe:
        discard()
    if _kept is None:
        _kept = Browser(command, exe)
    return _kept


def discard() -> None:
    """Close and forget this process's browser (a new one starts on the next PDF); a shared one is only let go
    of here (its owner closes it)."""
    global _kept, _shared
    if _shared is not None and _shared._owner != os.getpid():
        _shared.forget()
        _shared = None
    browser, _kept = _kept, None
    if browser is not None:
        browser.close()


def _forget_in_child() -> None:
    global _kept, _keep
    if _kept is not None:
        _kept.forget()
    _kept, _keep = None, False


# A forked child (a notebook kernel) lets go of its parent's own browser; a shared one stays open in it, as the
# render workers forked to use it need it.
os.register_at_fork(after_in_child=_forget_in_child)
