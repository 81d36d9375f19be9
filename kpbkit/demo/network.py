"""The demo network: twelve synthetic municipalities from about 3 000 to 150 000 inhabitants with different
structures, generated with :mod:`kpbkit.demo.synthetic` and run as one batch (``kpbkit demo-network``).

The municipalities are fictitious (names and kommunkoder 99xx that no real municipality has) and differ as a KPB
network does: sparse rural municipalities with many old inhabitants, no LOV and costly home care (travel), old
coastal ones with many places in särskilt boende, an industrial town with much LSS and many placed children,
young suburbs that buy much of their care, and cities in between. Every person has an already pseudonymised id:
there is no personnummer and no key.

The folder holds ``data/<client>/`` (the canonical tables), ``configs/<client>.yaml`` (a client config each,
``kpbkit batch FOLDER/configs`` runs them all) and ``reports/``: each municipality's
``reports/<client>/2025/`` and the network's figures in ``reports/natverk/``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kpbkit.demo.common import DEFAULT_SEED
from kpbkit.demo.synthetic import Profile, client_yaml, generate, write_tables
from kpbkit.demo.synthetic.catalogue import AGES, HOUR_SERVICES, STAY_SERVICES
from kpbkit.demo.synthetic.population import share_0_20
from kpbkit.privacy import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from kpbkit.batch import ClientOutcome

#: bump when what the network's municipalities look like changes (its data are then generated again)
NETWORK_VERSION = 1
STAMP_FILE = "generated.json"
DEFAULT_FOLDER = Path(".kpbkit/demo-network")

#: the configs' settings beyond data and output: FK's rate as the demo assumes it, the forecast's years
CONFIG_EXTRA = (
    "lss:",
    "  fk_hourly_rates:",
    "    2024: 332.60",
    "    2025: 339.30   # ASSUMED, as in the demo: about 2 % above 2024, not a published rate",
    "prognos:",
    "  horizon: 5       # the synthetic population forecast covers 2026-2030",
)
LSS_SERVICES = ("pa_sfb", "pa_lss", "ledsagarservice", "avlosarservice", "kontaktperson", "korttidsvistelse",
                "gruppbostad", "servicebostad", "daglig_verksamhet")
#: 24-hour placements drawn as new children: bought (consultant family homes, HVB) and own (the others)
PLACEMENTS_BOUGHT = ("familjehem_konsulent", "hvb", "sis")
PLACEMENTS_OWN = ("familjehem", "stodboende", "oppenvard_bou")
_PER_HOME = {spec.code: spec.per_home for spec in STAY_SERVICES}
_HOME = HOUR_SERVICES[0]
#: the share of home care's persons aged 80+ (its age bands)
_HOME_80 = sum(w for low, _, w in AGES["elderly"] if low >= 80) / sum(w for *_, w in AGES["elderly"])


@dataclass(frozen=True)
class Municipality:
    """One municipality of the network: its size, age profile and how it organises and buys its care."""

    client_id: str
    name: str
    kommunkod: str
    #: a few words on its structure (English; the docs and the command's output)
    structure: str
    inhabitants: int
    share_65: float
    share_80: float
    #: the share of inhabitants 80+ with home care
    coverage_80: float
    #: the external providers' shares: home care (LOV), särskilt boende, personal assistance, group homes
    lov: float
    sabo_extern: float
    pa_extern: float
    gruppbostad_extern: float
    #: factor on places in särskilt boende for the same home care
    sabo: float
    #: persons in LSS group homes per 1 000 inhabitants (the other LSS services follow)
    lss_per_1000: float
    #: children and young people 0-20 in 24-hour care per 1 000 of them
    placed_per_1000: float
    #: factor on bought placements (consultant family homes, HVB, SiS) against own family homes
    bought: float
    cost_level: float
    #: 0 (city) to 1 (sparse): home care's hourly cost up to 20 % higher (travel)
    rural: float
    growth: float

    def profile(self, scale: float = 1.0) -> Profile:
        """The generator's profile of this municipality with ``scale`` times its inhabitants."""
        inhabitants = max(50, round(self.inhabitants * scale))
        home_target = self.coverage_80 * inhabitants * self.share_80 / _HOME_80
        visits = max(1000, round(home_target * _HOME[2] / _HOME[1]))
        home = max(20, round(visits * _HOME[1] / _HOME[2]))  # as the generator counts home care's persons
        lss = self.lss_per_1000 * inhabitants / 1000 / (home * _PER_HOME["gruppbostad"])
        placed = self.placed_per_1000 * inhabitants * share_0_20(self.share_65) / 1000
        per_home_own = _PER_HOME["familjehem"] + _PER_HOME["stodboende"]
        per_home_bought = _PER_HOME["familjehem_konsulent"] + _PER_HOME["hvb"]
        own = placed / (home * (per_home_own + self.bought * per_home_bought))
        volume = {**dict.fromkeys(LSS_SERVICES, lss), **dict.fromkeys(PLACEMENTS_OWN, own),
                  **dict.fromkeys(PLACEMENTS_BOUGHT, own * self.bought), "sarskilt_boende": self.sabo}
        extern = {"hemtjanst": self.lov, "sarskilt_boende": self.sabo_extern, "pa_sfb": self.pa_extern,
                  "gruppbostad": self.gruppbostad_extern}
        return Profile(visits=visits, volume=volume, extern=extern, cost_level=self.cost_level,
                       home_care_cost=1.0 + 0.2 * self.rural, inhabitants=inhabitants, share_65=self.share_65,
                       share_80=self.share_80, growth=self.growth, min_persons=1)


def _m(client_id: str, name: str, kommunkod: str, structure: str, inhabitants: int, ages: tuple[float, float],
       coverage_80: float, extern: tuple[float, float, float, float], sabo: float, lss_per_1000: float,
       placed_per_1000: float, bought: float, cost_level: float, rural: float, growth: float) -> Municipality:
    return Municipality(client_id, name, kommunkod, structure, inhabitants, *ages, coverage_80, *extern, sabo,
                        lss_per_1000, placed_per_1000, bought, cost_level, rural, growth)


#: the network, smallest first: ages (65+, 80+); extern (LOV, SÄBO, PA, group homes)
MUNICIPALITIES: tuple[Municipality, ...] = (
    _m("fjallasen", "Fjällåsen", "9901", "sparse rural, oldest", 3_100, (0.32, 0.100), 0.24, (0.0, 0.0, 0.5, 0.0),
       1.2, 2.2, 9, 0.6, 1.06, 1.0, -0.008),
    _m("myrtrask", "Myrträsk", "9902", "sparse rural", 5_300, (0.30, 0.090), 0.23, (0.0, 0.0, 0.6, 0.0),
       1.1, 2.6, 11, 0.8, 1.04, 0.9, -0.006),
    _m("angsby", "Ängsby", "9903", "rural", 8_200, (0.27, 0.075), 0.22, (0.0, 0.0, 0.65, 0.1),
       1.0, 2.4, 10, 1.0, 1.00, 0.75, -0.002),
    _m("lovsunda", "Lövsunda", "9904", "rural, own care", 11_900, (0.26, 0.070), 0.21, (0.15, 0.0, 0.7, 0.0),
       0.9, 2.0, 8, 0.7, 0.97, 0.6, 0.0),
    _m("halleberga", "Hälleberga", "9905", "rural town", 16_400, (0.24, 0.065), 0.20, (0.1, 0.1, 0.7, 0.15),
       1.0, 3.0, 12, 1.3, 1.02, 0.5, 0.002),
    _m("kustmala", "Kustmåla", "9906", "coastal, old, many SÄBO places", 23_800, (0.29, 0.085), 0.18,
       (0.25, 0.2, 0.75, 0.2), 1.3, 2.5, 9, 1.0, 1.05, 0.4, 0.0),
    _m("bruksfors", "Bruksfors", "9907", "industrial town, much LSS and placements", 31_500, (0.23, 0.060), 0.25,
       (0.0, 0.0, 0.8, 0.1), 0.85, 3.4, 15, 1.6, 0.98, 0.3, -0.003),
    _m("sjovalla", "Sjövalla", "9908", "suburb, young, much LOV", 42_700, (0.17, 0.040), 0.19,
       (0.45, 0.3, 0.85, 0.3), 0.9, 2.0, 7, 0.8, 0.95, 0.1, 0.015),
    _m("ostervik", "Östervik", "9909", "regional town", 58_400, (0.21, 0.055), 0.21, (0.2, 0.15, 0.8, 0.2),
       1.0, 2.8, 11, 1.2, 1.00, 0.2, 0.006),
    _m("soderbacka", "Söderbacka", "9910", "suburb, youngest, buys most care", 76_300, (0.14, 0.035), 0.20,
       (0.6, 0.5, 0.9, 0.4), 0.8, 1.8, 8, 1.1, 0.96, 0.0, 0.018),
    _m("vasterkoping", "Västerköping", "9911", "regional city", 104_000, (0.19, 0.050), 0.22,
       (0.3, 0.25, 0.85, 0.25), 1.0, 2.6, 10, 1.2, 1.01, 0.1, 0.010),
    _m("alvstaden", "Älvstaden", "9912", "city, costly", 151_000, (0.15, 0.042), 0.21, (0.4, 0.35, 0.9, 0.35),
       0.95, 2.4, 12, 1.5, 1.08, 0.0, 0.014),
)


def generate_network(folder: Path, *, scale: float = 1.0, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the network's data and configs under ``folder`` (see the module's docstring); the client configs'
    paths in :data:`MUNICIPALITIES`' order. ``scale`` multiplies every municipality's inhabitants (and so its
    volumes); the same scale and seed give the same files."""
    if not scale > 0:
        raise ValueError(f"scale must be above 0, not {scale}")
    configs = []
    for i, municipality in enumerate(MUNICIPALITIES):
        data = folder / "data" / municipality.client_id
        write_tables(generate(municipality.profile(scale), seed * 1000 + i), data, fmt="parquet")
        config = folder / "configs" / f"{municipality.client_id}.yaml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(client_yaml(
            header=f"{municipality.name}, demo network ({municipality.structure}): synthetic data written by "
                   "kpbkit demo-network, pseudonymised ids only.",
            client_id=municipality.client_id, name=municipality.name, kommunkod=municipality.kommunkod,
            input_folder=f"../data/{municipality.client_id}",
            ledger_rules=f"../data/{municipality.client_id}/ledger_rules.csv", output_folder="../reports",
            extra=CONFIG_EXTRA), encoding="utf-8")
        configs.append(config)
    (folder / STAMP_FILE).write_text(json.dumps(_stamp(scale, seed)) + "\n", encoding="utf-8")
    return configs


def _stamp(scale: float, seed: int) -> dict[str, float]:
    """What the network's data were generated with (``network.json``)."""
    return {"version": NETWORK_VERSION, "scale": float(scale), "seed": int(seed)}


def network_configs(folder: Path) -> list[Path]:
    """The client configs of the network in ``folder`` (whether or not they exist yet)."""
    return [folder / "configs" / f"{m.client_id}.yaml" for m in MUNICIPALITIES]


def ensure_network(folder: Path, *, scale: float = 1.0, seed: int = DEFAULT_SEED) -> tuple[list[Path], float | None]:
    """The network's configs, generated when missing or made with another scale, seed or network version; and
    the seconds generating took (``None``: the data were there)."""
    configs = network_configs(folder)
    try:
        stamp = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = None
    there = all(c.is_file() and (c.parent.parent / "data" / c.stem / "visits.parquet").is_file() for c in configs)
    if there and stamp == _stamp(scale, seed):
        return configs, None
    started = time.perf_counter()
    configs = generate_network(folder, scale=scale, seed=seed)
    return configs, time.perf_counter() - started


@dataclass
class NetworkRun:
    """What ``kpbkit demo-network`` did."""

    configs: list[Path]
    #: seconds generating the data took (``None``: they were there)
    generated: float | None
    #: each municipality's outcome, in the configs' order
    outcomes: list[ClientOutcome]
    batch_seconds: float
    #: the network's files (``reports/natverk/``); empty when fewer than two municipalities have results
    network: list[Path]


def run_network(folder: Path = DEFAULT_FOLDER, *, scale: float = 1.0, seed: int = DEFAULT_SEED,
                workers: int | None = None, render: bool = True, pdf: bool = True,
                progress: Callable[..., None] | None = None) -> NetworkRun:
    """Generate the network (when missing), run its municipalities as one batch (:func:`kpbkit.batch.run_batch`,
    unchanged ones skipped) and write the network's figures from those with results: its tables, and unless
    ``render`` is false its report (with ``pdf``, as PDF too)."""
    from kpbkit.batch import Options, run_batch
    from kpbkit.report.network import write_network

    configs, generated = ensure_network(folder, scale=scale, seed=seed)
    started = time.perf_counter()
    outcomes = run_batch(configs, Options(render=render, pdf=pdf), workers=workers, progress=progress)
    batch_seconds = time.perf_counter() - started
    periods = [Path(o.output) for o in outcomes if o.outcome in ("ok", "skipped") and o.output]
    network = (write_network(periods, folder / "reports" / "natverk", threshold=DEFAULT_THRESHOLD, render=render,
                             pdf=pdf) if len(periods) >= 2 else [])
    return NetworkRun(configs, generated, outcomes, batch_seconds, network)
