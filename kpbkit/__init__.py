"""kpbkit: KPB (kostnad per brukare) analyses and genomlysning reports for Swedish social services."""

from __future__ import annotations

__version__ = "0.1.0"

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
