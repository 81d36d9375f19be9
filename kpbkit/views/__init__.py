"""Report building blocks: each function turns an analysis into a displayable Swedish table or chart."""

from __future__ import annotations

#: the mimetype of a template's key figures (one JSON output per report; never shown in HTML or PDF)
KEY_FIGURES_MIME = "application/vnd.kpbkit.keyfigures+json"

__all__ = ["KEY_FIGURES_MIME"]
