"""Notebook kernels forked from a render worker that has already imported what the templates import.

Every report's kernel is a fresh ``python -m ipykernel_launcher`` that imports ipykernel, IPython, pandas,
matplotlib, seaborn and kpbkit's views before its first cell can run: about 1 s of CPU per report, paid five
times per client. In a render worker (:func:`kpbkit.report.render.render_reports`) the kernel is instead a
child forked from the worker, which imported those modules once: the child sets itself up exactly as
``ipykernel_launcher`` would (its own session, working directory, environment, event loop, logging and
matplotlib backend) and runs the same ``IPKernelApp``. Papermill and nbclient drive it over the same
connection file; the executed notebooks and reports are the same bytes.

Used only where that equivalence holds: on Linux, in a process that called :func:`enable`, for a kernelspec
that runs this very interpreter's ``ipykernel_launcher``. Anything else (another kernel, macOS or Windows,
``KPBKIT_WARM_KERNEL=0``) launches the kernel as Jupyter always does.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from queue import Empty
from typing import Any

from kpbkit.io.processes import WARNING_FILTERS_AT_START

#: set to 0 to launch every kernel as a new interpreter
SWITCH = "KPBKIT_WARM_KERNEL"
_LAUNCHER = "ipykernel_launcher"
_enabled = False


def available() -> bool:
    """Whether kernels may be forked here (Linux, not switched off)."""
    return sys.platform == "linux" and hasattr(os, "fork") and os.environ.get(SWITCH, "1") != "0"


def prepare() -> None:
    """Import what a report kernel imports (a no-op once done in this process)."""
    if not available():
        return
    import pkgutil
    from importlib import import_module

    import ipykernel.kernelapp  # noqa: F401
    import matplotlib.pyplot  # noqa: F401  # backend chosen later, in the kernel, as a fresh kernel chooses it

    import kpbkit.views

    for module in pkgutil.walk_packages(kpbkit.views.__path__, "kpbkit.views."):  # what the templates call
        import_module(module.name)


def enable() -> None:
    """Let this process (a render worker) fork its kernels; imports what they need (:func:`prepare`)."""
    global _enabled
    prepare()
    _enabled = available()


def kernel_manager_class() -> type | None:
    """The kernel manager for nbclient in this process: one forking its kernels once :func:`enable` was called,
    else ``None`` (nbclient's default)."""
    if not _enabled:
        return None
    from jupyter_client.manager import AsyncKernelManager

    return _manager_class(AsyncKernelManager)


def kernel_tail(cmd: list[str]) -> list[str] | None:
    """The arguments after ``-m ipykernel_launcher`` when ``cmd`` runs this interpreter's launcher, else None."""
    if len(cmd) < 3 or "-m" not in cmd:
        return None
    at = cmd.index("-m")
    if at + 1 >= len(cmd) or cmd[at + 1] != _LAUNCHER:
        return None
    try:
        same = Path(cmd[0]).resolve() == Path(sys.executable).resolve() or Path(cmd[0]).absolute() == Path(
            sys.executable).absolute()
    except OSError:
        return None
    return cmd[at + 2:] if same else None


@functools.cache
def _manager_class(base: type) -> type:
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    class ForkingProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            tail = kernel_tail(cmd)
            if tail is None:
                return await super().launch_kernel(cmd, **kwargs)
            self.process = fork_kernel(tail, env=dict(kwargs.get("env") or os.environ), cwd=kwargs.get("cwd"))
            self.pid = self.pgid = self.process.pid
            self.cwd = kwargs.get("cwd", Path.cwd())
            return self.connection_info

        async def wait(self) -> int | None:
            if not isinstance(self.process, ForkedKernel):
                return await super().wait()
            while self.process.poll() is None:  # a killed kernel ends within milliseconds: no 0.1 s naps
                await asyncio.sleep(0.005)
            code, self.process = self.process.returncode, None
            return code

    from jupyter_client.asynchronous import AsyncKernelClient
    from traitlets import default

    class ReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            """Ready once the kernel answered kernel_info and IOPub is connected, as jupyter_client's own check,
            without its last step: listening to IOPub until 0.2 s pass without a message (nbclient ignores
            messages that answer no request of its own)."""
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)  # the reply's status: IOPub connected
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        return
                if not await self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    class ForkingKernelManager(base):  # type: ignore[misc, valid-type]
        @default("client_factory")
        def _ready_client(self) -> type:
            return ReadyClient

        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            if self.provisioner is None and not self.kernel_spec.metadata.get("kernel_provisioner"):
                self.provisioner = ForkingProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                      parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return ForkingKernelManager


class ForkedKernel:
    """The forked kernel, with the part of :class:`subprocess.Popen` that jupyter_client uses."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            with contextlib.suppress(ChildProcessError):
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid == 0:
                    return None
                self.returncode = os.waitstatus_to_exitcode(status)
            if self.returncode is None:  # reaped elsewhere
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                import subprocess

                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def fork_kernel(tail: list[str], *, env: dict[str, str], cwd: str | os.PathLike | None) -> ForkedKernel:
    """Fork a kernel running ``IPKernelApp`` with the arguments ``tail`` (``-f CONNECTION_FILE ...``).

    Returns once the child leads its own session, so that signals to its process group never reach this one.
    """
    env = {**env, "JPY_PARENT_PID": str(os.getpid())}
    ready, ready_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the kernel: never returns into the caller's stack
        code = 1
        try:
            os.close(ready)
            os.setsid()
            os.write(ready_w, b"1")
            os.close(ready_w)
            code = _run_kernel(tail, env, cwd)
        except BaseException:  # noqa: BLE001 - the child must end here, whatever happened
            with contextlib.suppress(Exception):
                traceback.print_exc()
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    os.close(ready_w)
    try:
        os.read(ready, 1)  # an empty read: the child died before its session existed; poll() will tell
    finally:
        os.close(ready)
    return ForkedKernel(pid)


def _run_kernel(tail: list[str], env: dict[str, str], cwd: str | os.PathLike | None) -> int:
    """In the forked child: become what ``python -m ipykernel_launcher TAIL`` would be, and run it."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    if cwd is not None:
        os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    # the signal handlers a new interpreter starts with (the worker's may differ)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for ignored in (signal.SIGPIPE, signal.SIGXFSZ):  # Python ignores these: a broken pipe raises instead
        signal.signal(ignored, signal.SIG_IGN)
    # the worker's event loop (running in this very stack) belongs to the worker: a new one, as a new process has
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(asyncio.new_event_loop())
    _fresh_logging()
    _fresh_warnings()
    sys.argv = [sys.executable, *tail]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # ipykernel reads JPY_PARENT_PID when it is imported (here, in the worker, before the variable was set): given
    # as an argument instead, the kernel ends when its worker does, and prints no "ipython kernel" banner
    app.initialize([*tail, f"--IPKernelApp.parent_handle={env['JPY_PARENT_PID']}"])
    # (initialize sets MPLBACKEND to its inline backend unless the environment chose one)
    if "matplotlib.pyplot" in sys.modules and os.environ.get("MPLBACKEND"):
        import matplotlib
        import matplotlib.pyplot as plt

        # A new kernel imports matplotlib after that: it reads MPLBACKEND, and pyplot loads that backend on the
        # first figure (the inline one then sets up IPython's figure display). The worker's pyplot chose before.
        matplotlib.rcParams["backend"] = os.environ["MPLBACKEND"]
        plt.switch_backend(os.environ["MPLBACKEND"])
    try:
        app.start()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return 0


def _fresh_warnings() -> None:
    """Warning filters without the blanket "ignore" kpbkit's command line added (a new kernel shows warnings on the
    notebook's stderr); those libraries added on import stay, as a new kernel's imports add them too."""
    import warnings

    blanket = ("ignore", None, Warning, None, 0)
    kept = list(warnings.filters)
    for _ in range(kept.count(blanket) - WARNING_FILTERS_AT_START.count(blanket)):
        kept.remove(blanket)
    warnings.resetwarnings()  # tells the interpreter the filters changed
    warnings.filters.extend(kept)


def _fresh_logging() -> None:
    """kpbkit's loggers and the root logger as a new interpreter has them (the worker's handlers write its records
    and its run log; in a new kernel a warning reaches the notebook's stderr through ``logging.lastResort``)."""
    root = logging.getLogger()
    root.handlers.clear()
    root.setLevel(logging.WARNING)
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and (name == "kpbkit" or name.startswith("kpbkit.")):
            logger.handlers.clear()
            logger.setLevel(logging.NOTSET)
            logger.propagate = True
            logger.disabled = False
