"""A synthetic municipality's size and structure, as the generator takes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kpbkit.demo.synthetic.catalogue import HOUR_SERVICES, SERVICE_PROVIDERS


@dataclass(frozen=True)
class Profile:
    """What to draw. The defaults give the benchmark case of ``bench/generate.py`` (every factor 1, the
    population scaled from home care); a municipality sets its inhabitants, age profile and mix."""

    #: visit rows at the benchmark's shares: home care gets about one person per 150 of them, and every other
    #: service's persons are proportional to home care's unless ``volume`` says otherwise
    visits: int = 1_000_000
    #: service code -> factor on its persons (an hour service's visit rows too); home care is set by ``visits``
    volume: Mapping[str, float] = field(default_factory=dict)
    #: service code -> the share of its persons served by external providers (where it has own and external)
    extern: Mapping[str, float] = field(default_factory=dict)
    #: factor on every unit cost: own production's rates, purchased hours and contracted daily prices
    cost_level: float = 1.0
    #: a further factor on home care's hourly cost, own and purchased (travel in a sparse municipality)
    home_care_cost: float = 1.0
    #: inhabitants on 31 December; ``None``: scaled so that about 20 % of those 80+ have home care
    inhabitants: int | None = None
    #: shares of the inhabitants aged 65+ and 80+ (with ``inhabitants``)
    share_65: float = 0.20
    share_80: float = 0.053
    #: yearly population growth in the forecast (linear)
    growth: float = 0.012
    #: the fewest persons a service gets (however small the municipality)
    min_persons: int = 3

    def __post_init__(self) -> None:
        hour = {h[0] for h in HOUR_SERVICES}
        unknown = sorted((set(self.volume) | set(self.extern)) - set(SERVICE_PROVIDERS) - hour)
        if unknown:
            raise ValueError(f"unknown service codes: {', '.join(unknown)}")
        if "hemtjanst" in self.volume:
            raise ValueError("home care's volume is set by visits, not by a volume factor")
        if any(f < 0 for f in self.volume.values()) or not all(0 <= s <= 1 for s in self.extern.values()):
            raise ValueError("volume factors must be >= 0 and extern shares between 0 and 1")
        if self.inhabitants is not None and not 0 < self.share_80 < self.share_65 < 1:
            raise ValueError("the age profile needs 0 < share_80 < share_65 < 1")

    def factor(self, code: str) -> float:
        """The factor on a service's persons (1.0 unless ``volume`` names it)."""
        return float(self.volume.get(code, 1.0))

    def rate(self, code: str, base: float) -> float:
        """A unit cost of the benchmark catalogue at this municipality's cost level."""
        return base * self.cost_level * (self.home_care_cost if code == "hemtjanst" else 1.0)
