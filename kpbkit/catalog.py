"""The service catalogue (KPB-METHOD §3), report areas and age bands."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Unit = Literal["hour", "day", "weekday", "month"]
UNITS: tuple[str, ...] = ("hour", "day", "weekday", "month")
REGIS: tuple[str, ...] = ("egen", "extern")
AREAS: tuple[str, ...] = ("aldreomsorg", "lss", "barn_unga")

#: unit -> the canonical table its volume comes from
VOLUME_SOURCE: dict[str, str] = {
    "hour": "visits",
    "day": "stays",
    "weekday": "stays",
    "month": "decisions",
}


@dataclass(frozen=True)
class Service:
    """One service of the catalogue: its code, report area and unit of volume."""

    code: str
    area: str
    unit: str


DEFAULT_SERVICES: tuple[Service, ...] = (
    Service("hemtjanst", "aldreomsorg", "hour"),
    Service("trygghetslarm", "aldreomsorg", "month"),
    Service("dagverksamhet_aldre", "aldreomsorg", "weekday"),
    Service("korttid_aldre", "aldreomsorg", "day"),
    Service("sarskilt_boende", "aldreomsorg", "day"),
    Service("pa_sfb", "lss", "hour"),
    Service("pa_lss", "lss", "hour"),
    Service("ledsagarservice", "lss", "hour"),
    Service("avlosarservice", "lss", "hour"),
    Service("kontaktperson", "lss", "month"),
    Service("korttidsvistelse", "lss", "day"),
    Service("boende_barn_lss", "lss", "day"),
    Service("gruppbostad", "lss", "day"),
    Service("servicebostad", "lss", "day"),
    Service("daglig_verksamhet", "lss", "weekday"),
    Service("familjehem", "barn_unga", "day"),
    Service("familjehem_konsulent", "barn_unga", "day"),
    Service("hvb", "barn_unga", "day"),
    Service("sis", "barn_unga", "day"),
    Service("stodboende", "barn_unga", "day"),
    Service("oppenvard_bou", "barn_unga", "month"),
)

#: barn_unga services that are 24-hour placements (oppenvard_bou is open care)
PLACEMENT_SERVICES: tuple[str, ...] = ("familjehem", "familjehem_konsulent", "hvb", "sis", "stodboende")

DEFAULT_AGE_BANDS: dict[str, tuple[str, ...]] = {
    "aldreomsorg": ("0-64", "65-79", "80+"),
    "lss": ("0-17", "18-64", "65+"),
    "barn_unga": ("0-6", "7-12", "13-17", "18-20", "21+"),
}

_BAND = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|\+)$")


@dataclass(frozen=True)
class AgeBand:
    """An age band such as ``65-79`` (inclusive) or ``80+`` (open-ended)."""

    label: str
    low: int
    high: int | None  # None: no upper bound

    def contains(self, age: int) -> bool:
        return age >= self.low and (self.high is None or age <= self.high)


def parse_age_band(label: str) -> AgeBand:
    """Parse ``"65-79"`` or ``"80+"``; raise ``ValueError`` on anything else.

    >>> parse_age_band("80+")
    AgeBand(label='80+', low=80, high=None)
    """
    match = _BAND.match(label.strip())
    if not match:
        raise ValueError(f"age band '{label}' is not of the form '65-79' or '80+'")
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) is not None else None
    if high is not None and high < low:
        raise ValueError(f"age band '{label}' ends before it starts")
    return AgeBand(label.strip(), low, high)


def parse_age_bands(labels: list[str] | tuple[str, ...]) -> tuple[AgeBand, ...]:
    """Parse a list of band labels and check that no two bands overlap."""
    bands = tuple(sorted((parse_age_band(lbl) for lbl in labels), key=lambda b: b.low))
    for first, second in zip(bands, bands[1:], strict=False):
        if first.high is None or first.high >= second.low:
            raise ValueError(f"age bands '{first.label}' and '{second.label}' overlap")
    return bands


class Catalog:
    """The service catalogue in force for one client: the defaults plus the client's own services."""

    def __init__(self, extra: list[Service] | tuple[Service, ...] = ()) -> None:
        services = {s.code: s for s in DEFAULT_SERVICES}
        for service in extra:
            services[service.code] = service
        self.services: dict[str, Service] = services

    @property
    def codes(self) -> list[str]:
        return list(self.services)

    @property
    def areas(self) -> list[str]:
        seen = list(AREAS)
        for s in self.services.values():
            if s.area not in seen:
                seen.append(s.area)
        return seen

    def unit_of(self, code: str) -> str | None:
        service = self.services.get(code)
        return service.unit if service else None

    def area_of(self, code: str) -> str | None:
        service = self.services.get(code)
        return service.area if service else None

    def codes_with_unit(self, *units: str) -> list[str]:
        return [s.code for s in self.services.values() if s.unit in units]

    def codes_in_area(self, area: str) -> list[str]:
        return [s.code for s in self.services.values() if s.area == area]
