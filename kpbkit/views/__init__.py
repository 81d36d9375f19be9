"""Report building blocks: each function turns an analysis into a displayable Swedish table or chart."""

from __future__ import annotations

from kpbkit.report.export import KEY_FIGURES_MIME

__all__ = ["KEY_FIGURES_MIME"]
