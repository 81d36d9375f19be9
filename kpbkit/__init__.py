"""kpbkit: KPB (kostnad per brukare) analyses and genomlysning reports for Swedish social services."""

from __future__ import annotations

import warnings as _warnings

__version__ = "0.1.0"

#: the process's warning filters when kpbkit was first imported, before its command line silences warnings: a
#: notebook kernel forked from a render worker drops the "ignore" added since (kpbkit.report.warm_kernel)
WARNING_FILTERS_AT_START = tuple(_warnings.filters)

__all__ = ["__version__", "load_client_config", "run_client"]


def __getattr__(name: str):
    # Lazy imports keep `import kpbkit` (and the CLI's --help) fast.
    if name == "load_client_config":
        from kpbkit.config import load_client_config

        return load_client_config
    if name == "run_client":
        from kpbkit.pipeline import run_client

        return run_client
    raise AttributeError(name)
