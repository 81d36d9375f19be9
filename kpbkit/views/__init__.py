"""Report building blocks: each function turns an analysis into a displayable Swedish table or chart."""

from __future__ import annotations

KEY_FIGURES_MIME = "application/vnd.kpbkit.keyfigures+json"
