"""Worker processes for work that runs side by side (a batch's clients, a run's reports)."""

from __future__ import annotations

import multiprocessing
import os
import threading
import warnings
from multiprocessing.context import BaseContext

#: the process's warning filters when this module was first imported (kpbkit's command line and kpbkit.report import
#: it, before the command line silences warnings): a notebook kernel forked from a render worker drops the "ignore"
#: added since (kpbkit.report.warm_kernel)
WARNING_FILTERS_AT_START = tuple(warnings.filters)


def process_context(preload: str) -> BaseContext:
    """How to start worker processes, the cheapest safe way: forked from this process while it runs a single
    thread (the workers start at once, with every module this process imported), else from a fork server that
    imports ``preload`` once (forking a process with threads can deadlock a child)."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([preload])
    return context


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
