"""Generate a large, synthetic, canonical KPB case for benchmarks.

    python bench/generate.py --visits 1000000 --out bench/out/case_1m [--seed 1] [--format parquet|csv]

The folder gets the canonical tables of DATA-CONTRACT.md (persons, providers, decisions, visits, stays,
ledger, ledger_rules, population, population_forecast) and a ``client.yaml`` naming it, with the results
going to ``../reports`` (a sibling of the case folder). Persons carry already-pseudonymised ids
(``p000123``): there is no personnummer anywhere, so no pseudonymisation key is needed.

Everything is drawn from one seeded numpy generator with vectorised code: the same arguments give the same
files. The volumes are scaled from ``--visits`` (about one home-care person per 150 visit rows), the ledger
(a few thousand rows) is calibrated on the generated volumes so that unit costs look plausible, and a few
data-quality defects are sprinkled in so that the checks have something to report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

YEAR = 2025
EPOCH = dt.date(1970, 1, 1)
P0 = (dt.date(YEAR, 1, 1) - EPOCH).days  # first day of the period, days since 1970-01-01
P1 = (dt.date(YEAR, 12, 31) - EPOCH).days  # last day of the period
OPEN = -(10**9)  # sentinel for an empty (open) end date
MONTH_DAYS = 30.4375

#: Tables that are written as Parquet with ``--format parquet`` (the others are always CSV).
BIG_TABLES = ("visits",)

# ---------------------------------------------------------------------------------------------- catalogue

#: hour services: (code, share of visit rows, mean visit rows per person, minutes choices, their weights)
HOUR_SERVICES: tuple[tuple[str, float, float, tuple[int, ...], tuple[float, ...]], ...] = (
    ("hemtjanst", 0.86, 150.0, (10, 15, 20, 25, 30, 45, 60, 90, 120), (6, 18, 14, 10, 20, 14, 10, 5, 3)),
    ("pa_sfb", 0.07, 350.0, (120, 180, 240, 300, 360, 420, 480, 600), (6, 10, 14, 14, 16, 14, 16, 10)),
    ("pa_lss", 0.02, 300.0, (60, 120, 180, 240, 300, 360, 480), (8, 14, 18, 18, 16, 14, 12)),
    ("ledsagarservice", 0.025, 40.0, (60, 90, 120, 180, 240), (20, 25, 30, 15, 10)),
    ("avlosarservice", 0.025, 40.0, (60, 120, 180, 240, 360), (15, 30, 25, 20, 10)),
)

#: providers per service: (name, regi, weight); a name used by several services is one provider
SERVICE_PROVIDERS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "hemtjanst": (
        ("Hemtjänsten Norr", "egen", 14),
        ("Hemtjänsten Söder", "egen", 14),
        ("Hemtjänsten Öster", "egen", 12),
        ("Hemtjänsten Väster", "egen", 12),
        ("Hemtjänsten Centrum", "egen", 10),
        ("Hemtjänsten Landsbygd", "egen", 6),
        ("Omsorgshjälpen i Syd AB", "extern", 8),
        ("Trygg Vardag Omsorg AB", "extern", 7),
        ("Hemma Bäst Omsorg AB", "extern", 6),
        ("Vård & Hemtjänst Öst AB", "extern", 5),
        ("Aktiva Seniorer Service AB", "extern", 3),
        ("Solrosens Hemtjänst HB", "extern", 3),
    ),
    "nattpatrull": (("Nattpatrullen", "egen", 1),),
    "pa_sfb": (
        ("Kommunens personliga assistans", "egen", 30),
        ("Assistansbolaget Norden AB", "extern", 25),
        ("Frihet Assistans AB", "extern", 20),
        ("Min Vardag Assistans AB", "extern", 15),
        ("Kooperativet Egen Väg", "extern", 10),
    ),
    "pa_lss": (("Kommunens personliga assistans", "egen", 1),),
    "ledsagarservice": (("LSS-service", "egen", 1),),
    "avlosarservice": (("LSS-service", "egen", 1),),
    "trygghetslarm": (("Trygghetslarmet", "egen", 1),),
    "dagverksamhet_aldre": (("Dagverksamheten Lärkan", "egen", 1),),
    "korttid_aldre": (("Korttidsboendet Björken", "egen", 1),),
    "sarskilt_boende": (
        ("Äldreboendet Ekbacken", "egen", 14),
        ("Äldreboendet Solgläntan", "egen", 12),
        ("Äldreboendet Tallmon", "egen", 12),
        ("Äldreboendet Åkerbo", "egen", 10),
        ("Äldreboendet Strandvik", "egen", 8),
        ("Seniorboende Lindgården AB", "extern", 8),
        ("Omsorgshuset Västra AB", "extern", 6),
        ("Vårdboende Söderäng AB", "extern", 4),
    ),
    "kontaktperson": (("", "egen", 1),),  # no provider: the municipality's own (kept empty on purpose)
    "korttidsvistelse": (("Korttidshemmet Regnbågen", "egen", 1),),
    "gruppbostad": (
        ("Gruppbostaden Ekbacken", "egen", 10),
        ("Gruppbostaden Granen", "egen", 10),
        ("Gruppbostaden Hägern", "egen", 8),
        ("Gruppbostaden Måsen", "egen", 8),
        ("Gruppbostaden Tranan", "egen", 6),
        ("LSS-boende Norrsken AB", "extern", 6),
        ("Omsorgsgruppen Vega AB", "extern", 4),
    ),
    "servicebostad": (("Servicebostaden Centrum", "egen", 1), ("Servicebostaden Parken", "egen", 1)),
    "daglig_verksamhet": (("Daglig verksamhet Verkstan", "egen", 2), ("Daglig verksamhet Café Navet", "egen", 1)),
    "familjehem": (("Familjehemsvården", "egen", 1),),
    "familjehem_konsulent": (
        ("Familjehemskonsulenterna Väst AB", "extern", 2),
        ("Konsulentstödd Familjevård AB", "extern", 1),
    ),
    "hvb": (
        ("HVB Solgården AB", "extern", 4),
        ("Ungdomshemmet Kompassen AB", "extern", 3),
        ("HVB Fyrbåken AB", "extern", 3),
        ("Behandlingshemmet Ängen AB", "extern", 2),
    ),
    "sis": (("Statens institutionsstyrelse", "extern", 1),),
    "stodboende": (("Stödboendet Steget AB", "extern", 2), ("Stödboende Brygga AB", "extern", 1)),
    "oppenvard_bou": (("Öppenvården Barn och unga", "egen", 4), ("Familjeteamet Resurs AB", "extern", 1)),
}


@dataclass(frozen=True)
class StaySpec:
    """How stays of one day or weekday service are drawn."""

    code: str
    area: str
    per_home: float  # persons per home-care person
    kind: str  # long (years, mostly open), medium (months) or short (days, several a year)
    price: tuple[float, float] = (0.0, 0.0)  # contracted daily price range of external providers
    unpriced_extern: float = 0.0  # share of external stays without a daily price
    overlap: float = 0.0  # share of persons who get a second, overlapping stay of the same service
    laws: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()


STAY_SERVICES: tuple[StaySpec, ...] = (
    StaySpec("sarskilt_boende", "aldreomsorg", 0.30, "long", (2100, 2650), 0.05, 0.03, ("SoL",)),
    StaySpec("korttid_aldre", "aldreomsorg", 0.06, "short", laws=("SoL",)),
    StaySpec("dagverksamhet_aldre", "aldreomsorg", 0.03, "long", laws=("SoL",)),
    StaySpec("gruppbostad", "lss", 0.05, "long", (4600, 6400), 0.10, 0.04, ("LSS",), ("1", "2", "3", "4")),
    StaySpec("servicebostad", "lss", 0.02, "long", laws=("LSS",), levels=("1", "2")),
    StaySpec("daglig_verksamhet", "lss", 0.055, "long", laws=("LSS",), levels=("1", "2", "3", "4", "5")),
    StaySpec("korttidsvistelse", "lss", 0.015, "short", laws=("LSS",)),
    StaySpec("familjehem", "barn_unga", 0.025, "long", overlap=0.05, laws=("SoL", "LVU")),
    StaySpec("familjehem_konsulent", "barn_unga", 0.010, "long", (1500, 2300), 0.05, 0.05, ("SoL", "LVU")),
    StaySpec("hvb", "barn_unga", 0.012, "medium", (3800, 6200), 0.12, 0.08, ("SoL", "LVU")),
    StaySpec("sis", "barn_unga", 0.003, "medium", (6800, 7600), 0.0, 0.0, ("LVU",)),
    StaySpec("stodboende", "barn_unga", 0.005, "medium", (1600, 2600), 0.10, 0.05, ("SoL",)),
)

#: month services (volume from decisions): (code, persons per home-care person, overlap share)
MONTH_SERVICES: tuple[tuple[str, float, float], ...] = (
    ("trygghetslarm", 0.60, 0.01),
    ("kontaktperson", 0.03, 0.02),
    ("oppenvard_bou", 0.04, 0.03),
)

#: age bands (low, high, weight) per group of persons
AGES: dict[str, tuple[tuple[int, int, float], ...]] = {
    "elderly": ((40, 64, 8), (65, 79, 24), (80, 89, 44), (90, 101, 24)),
    "boende": ((55, 64, 2), (65, 79, 16), (80, 89, 45), (90, 103, 37)),
    "pa": ((3, 17, 20), (18, 64, 70), (65, 80, 10)),
    "lss_adult": ((18, 29, 30), (30, 64, 60), (65, 85, 10)),
    "lss_young": ((6, 17, 70), (18, 30, 30)),
    "child": ((0, 6, 25), (7, 12, 30), (13, 17, 45)),
    "teen": ((12, 15, 35), (16, 17, 50), (18, 20, 15)),
    "young_adult": ((16, 17, 30), (18, 20, 70)),
    "open_care": ((3, 6, 15), (7, 12, 40), (13, 17, 45)),
}

#: which age group and share of women each service's new persons get
PERSON_GROUP: dict[str, tuple[str, float]] = {
    "hemtjanst": ("elderly", 0.62),
    "sarskilt_boende": ("boende", 0.66),
    "pa_sfb": ("pa", 0.42),
    "pa_lss": ("pa", 0.42),
    "ledsagarservice": ("lss_adult", 0.45),
    "avlosarservice": ("lss_young", 0.38),
    "gruppbostad": ("lss_adult", 0.40),
    "servicebostad": ("lss_adult", 0.42),
    "daglig_verksamhet": ("lss_adult", 0.40),
    "kontaktperson": ("lss_adult", 0.45),
    "familjehem": ("child", 0.48),
    "familjehem_konsulent": ("child", 0.48),
    "hvb": ("teen", 0.40),
    "stodboende": ("young_adult", 0.45),
    "oppenvard_bou": ("open_care", 0.45),
}

#: services whose persons are partly drawn from another service's persons: (source, share of them)
SUBSETS: dict[str, tuple[str, float]] = {
    "trygghetslarm": ("hemtjanst", 1.0),
    "korttid_aldre": ("hemtjanst", 1.0),
    "dagverksamhet_aldre": ("hemtjanst", 1.0),
    "daglig_verksamhet": ("gruppbostad", 0.6),
    "korttidsvistelse": ("avlosarservice", 1.0),
    "kontaktperson": ("ledsagarservice", 0.4),
    "sis": ("hvb", 1.0),
}

#: SEK per unit of the municipality's own production, per service (ledger calibration)
OWN_RATE: dict[str, float] = {
    "hemtjanst": 640,
    "pa_sfb": 345,
    "pa_lss": 360,
    "ledsagarservice": 420,
    "avlosarservice": 430,
    "trygghetslarm": 420,
    "dagverksamhet_aldre": 1150,
    "korttid_aldre": 3400,
    "sarskilt_boende": 2450,
    "kontaktperson": 1900,
    "korttidsvistelse": 5200,
    "gruppbostad": 5100,
    "servicebostad": 2900,
    "daglig_verksamhet": 1250,
    "familjehem": 950,
    "oppenvard_bou": 11000,
}
#: SEK per unit bought from external providers where no daily price is contracted
EXTERN_RATE: dict[str, float] = {"hemtjanst": 565, "pa_sfb": 335, "oppenvard_bou": 9500}

#: per area: activity (verksamhet) of the service pools, of the shared overhead and the unmapped rows
SERVICE_ACTIVITY: dict[str, str] = {
    "hemtjanst": "510",
    "trygghetslarm": "511",
    "dagverksamhet_aldre": "512",
    "korttid_aldre": "520",
    "sarskilt_boende": "530",
    "pa_sfb": "610",
    "pa_lss": "615",
    "ledsagarservice": "616",
    "avlosarservice": "617",
    "kontaktperson": "618",
    "korttidsvistelse": "620",
    "gruppbostad": "630",
    "servicebostad": "631",
    "daglig_verksamhet": "640",
    "familjehem": "710",
    "familjehem_konsulent": "711",
    "hvb": "720",
    "sis": "721",
    "stodboende": "722",
    "oppenvard_bou": "730",
}
AREA_ACTIVITY: dict[str, str] = {"aldreomsorg": "500", "lss": "600", "barn_unga": "700"}
AREA_PREFIX: dict[str, str] = {"aldreomsorg": "1", "lss": "2", "barn_unga": "3"}
AREA_OF: dict[str, str] = {
    **{c: "aldreomsorg" for c in ("hemtjanst", "trygghetslarm", "dagverksamhet_aldre", "korttid_aldre")},
    "sarskilt_boende": "aldreomsorg",
    **{c: "lss" for c in ("pa_sfb", "pa_lss", "ledsagarservice", "avlosarservice", "kontaktperson")},
    **{c: "lss" for c in ("korttidsvistelse", "gruppbostad", "servicebostad", "daglig_verksamhet")},
    **{c: "barn_unga" for c in ("familjehem", "familjehem_konsulent", "hvb", "sis", "stodboende")},
    "oppenvard_bou": "barn_unga",
}
OWN_ACCOUNTS: tuple[tuple[str, float], ...] = (
    ("5011", 0.52),  # månadsavlönade
    ("5060", 0.10),  # timavlönade
    ("5410", 0.24),  # personalomkostnader (PO)
    ("6110", 0.06),  # lokalhyror
    ("6410", 0.04),  # förbrukningsmaterial
    ("7010", 0.04),  # tele och IT
)
AREA_ACCOUNTS: tuple[tuple[str, float], ...] = (("5011", 0.55), ("5410", 0.25), ("6110", 0.10), ("7010", 0.10))
PURCHASE_ACCOUNT = "7410"  # köp av huvudverksamhet
FEE_ACCOUNT = "3510"  # taxor och avgifter
INTERNAL_ACCOUNT = "3910"  # interna intäkter
REIMBURSEMENT_ACCOUNT = "3620"  # statlig ersättning (assistansersättning)
DEPRECIATION_ACCOUNT = "7810"  # avskrivningar: excluded from KPB

# ------------------------------------------------------------------------------------------------- helpers


class Case:
    """Accumulates persons and providers while the tables are drawn."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.birth: list[np.ndarray] = []  # days since 1970 per person, per batch
        self.female: list[np.ndarray] = []
        self.n_persons = 0
        self.provider_names: list[str] = []
        self.provider_regi: list[str] = []
        self.service_persons: dict[str, np.ndarray] = {}

    def new_persons(self, n: int, group: str, share_female: float) -> np.ndarray:
        """Draw ``n`` new persons of an age group; return their indices."""
        ages = draw_ages(self.rng, n, AGES[group])
        years = YEAR - ages  # age on 31 December YEAR = YEAR - birth year
        first_day = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
        length = np.where(is_leap(years), 366, 365)
        self.birth.append(first_day + (self.rng.random(n) * length).astype(np.int64))
        self.female.append(self.rng.random(n) < share_female)
        idx = np.arange(self.n_persons, self.n_persons + n)
        self.n_persons += n
        return idx

    def persons_for(self, code: str, n: int) -> np.ndarray:
        """Persons of a service: partly reused from a source service (SUBSETS), the rest new."""
        source, share = SUBSETS.get(code, ("", 0.0))
        reuse = 0
        picked: list[np.ndarray] = []
        if source in self.service_persons:
            pool = np.unique(self.service_persons[source])
            reuse = min(int(round(n * share)), len(pool))
            picked.append(self.rng.choice(pool, size=reuse, replace=False))
        if n - reuse > 0:
            group, female = PERSON_GROUP.get(code, PERSON_GROUP.get(source, ("lss_adult", 0.45)))
            picked.append(self.new_persons(n - reuse, group, female))
        persons = np.concatenate(picked) if picked else np.zeros(0, dtype=np.int64)
        self.service_persons[code] = persons
        return persons

    def providers_of(self, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Provider indices, regi (True = extern) and weights of a service's providers."""
        idx, ext, weights = [], [], []
        for name, regi, weight in SERVICE_PROVIDERS[code]:
            if name == "":
                idx.append(-1)
            else:
                if name not in self.provider_names:
                    self.provider_names.append(name)
                    self.provider_regi.append(regi)
                idx.append(self.provider_names.index(name))
            ext.append(regi == "extern")
            weights.append(weight)
        w = np.asarray(weights, dtype=float)
        return np.asarray(idx), np.asarray(ext), w / w.sum()


def is_leap(years: np.ndarray) -> np.ndarray:
    """Leap years of the Gregorian calendar."""
    return (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))


def draw_ages(rng: np.random.Generator, n: int, bands: Sequence[tuple[int, int, float]]) -> np.ndarray:
    """Ages drawn from weighted bands, uniform within a band (inclusive bounds)."""
    weights = np.array([b[2] for b in bands], dtype=float)
    band = rng.choice(len(bands), size=n, p=weights / weights.sum())
    low = np.array([b[0] for b in bands])[band]
    high = np.array([b[1] for b in bands])[band]
    return low + (rng.random(n) * (high - low + 1)).astype(np.int64)


def split_counts(rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integer counts proportional to ``weights`` (each at least 1 when possible)."""
    n = len(weights)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    base = min(1, total // n)
    rest = total - base * n
    share = weights / weights.sum() * rest
    counts = np.floor(share).astype(np.int64)
    missing = rest - int(counts.sum())
    if missing > 0:
        counts[rng.choice(n, size=missing, replace=missing > n, p=weights / weights.sum())] += 1
    return counts + base


def intervals(rng: np.random.Generator, n: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end days (end == OPEN: open) of ``n`` intervals of a given kind, touching the period mostly."""
    u = rng.random(n)
    if kind == "long":
        start = np.where(u < 0.75, P0 - 1 - (rng.random(n) * 3650).astype(np.int64), P0 + (rng.random(n) * 330))
        length = 30 + (rng.random(n) * 700).astype(np.int64)
        ends = rng.random(n)
        end = np.where(ends < 0.78, OPEN, np.maximum(start, P0) + length)
        early = (ends >= 0.78) & (ends < 0.81)  # a few ended before the period: outside it
        end = np.where(early, P0 - 1 - (rng.random(n) * 200).astype(np.int64), end)
        start = np.where(early, np.minimum(start, end - 30), start)
    elif kind == "medium":
        start = P0 - 200 + (rng.random(n) * 530).astype(np.int64)
        length = 20 + rng.gamma(2.0, 70.0, n).astype(np.int64)
        end = np.where(rng.random(n) < 0.15, OPEN, start + length)
    elif kind == "short":
        start = P0 - 20 + (rng.random(n) * 380).astype(np.int64)
        end = start + 1 + (rng.random(n) * 20).astype(np.int64)
    else:
        raise ValueError(kind)
    return start.astype(np.int64), end.astype(np.int64)


def clipped_days(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The period part of intervals: clipped start and end (``end < start``: none of the interval is inside)."""
    s = np.maximum(start, P0)
    e = np.where(end == OPEN, P1, np.minimum(end, P1))
    return s, e


def strings(labels: Sequence[str], idx: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """A string column picking ``labels[idx]`` (null where ``null``)."""
    dictionary = pa.array(list(labels), type=pa.string())
    indices = pa.array(np.asarray(idx, dtype=np.int64), mask=null)
    return dictionary.take(indices)


def dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """A date32 column from days since 1970 (null where ``null``)."""
    values = np.where(null, 0, days) if null is not None else days
    return pa.array(np.asarray(values, dtype=np.int64).astype("datetime64[D]"), mask=null)


def floats(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """A float64 column (null where ``null``)."""
    return pa.array(np.asarray(values, dtype=float), mask=null)


def numbered(prefix: str, n: int, width: int = 6) -> list[str]:
    """``prefix000001`` ... with at least ``width`` digits."""
    width = max(width, len(str(n)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


# -------------------------------------------------------------------------------------------------- tables


@dataclass
class Generated:
    """The drawn tables (pyarrow) and the seconds it took to draw them."""

    tables: dict[str, pa.Table]
    seconds: float


def generate(n_visits: int, seed: int = 1) -> Generated:
    """Draw every table of a case with ``n_visits`` visit rows."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    case = Case(rng)
    home_persons = max(20, round(n_visits * HOUR_SERVICES[0][1] / HOUR_SERVICES[0][2]))
    volume: dict[tuple[str, bool], float] = {}  # (service, extern) -> volume in the period
    priced: dict[tuple[str, bool], float] = {}  # (service, extern) -> sum of daily price x days

    visits, decisions_hour = _visits(case, n_visits, volume)
    stays, decisions_stay = _stays(case, home_persons, volume, priced)
    decisions_month = _month_decisions(case, home_persons, volume)
    decisions = _concat_decisions(case, [decisions_hour, decisions_stay, decisions_month])
    persons, person_labels = _persons(case)
    for table in (visits, stays, decisions):  # person indices -> pseudonymised ids
        table["person_id"] = strings(person_labels, table.pop("_person"))
    providers = {
        "provider_id": pa.array(_provider_ids(case), pa.string()),
        "name": pa.array(case.provider_names, pa.string()),
        "regi": pa.array(case.provider_regi, pa.string()),
    }
    ledger, rules = _ledger(rng, volume, priced)
    population, forecast = _population(case)

    order = {
        "visits": ["person_id", "service_code", "date", "minutes", "provider_id", "staff_id"],
        "stays": ["stay_id", "person_id", "service_code", "start_date", "end_date", "provider_id", "daily_price",
                  "law"],
        "decisions": ["decision_id", "person_id", "service_code", "decided_on", "start_date", "end_date",
                      "granted_hours_per_month", "provider_id", "level"],
    }
    tables = {
        "persons": pa.table(persons),
        "providers": pa.table(providers),
        "decisions": pa.table({c: decisions[c] for c in order["decisions"]}),
        "visits": pa.table({c: visits[c] for c in order["visits"]}),
        "stays": pa.table({c: stays[c] for c in order["stays"]}),
        "ledger": pa.table(ledger),
        "ledger_rules": pa.table(rules),
        "population": pa.table(population),
        "population_forecast": pa.table(forecast),
    }
    return Generated(tables, time.perf_counter() - t0)


def _provider_ids(case: Case) -> list[str]:
    return [f"P{i:03d}" for i in range(1, len(case.provider_names) + 1)]


def _visits(
    case: Case, n_visits: int, volume: dict[tuple[str, bool], float]
) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
    """Visit rows of the hour services, and one or two decisions per person with granted hours."""
    rng = case.rng
    person_parts, service_parts, start_parts, end_parts, prov_parts = [], [], [], [], []
    for s, (code, share, per_person, _, _) in enumerate(HOUR_SERVICES):
        n = max(3, round(n_visits * share / per_person))
        persons = case.persons_for(code, n)
        start, end = intervals(rng, n, "long")
        start = np.maximum(start, P0 - 3000)
        end = np.where((end != OPEN) & (end < P0 + 14), P0 + 14 + (rng.random(n) * 60).astype(np.int64), end)
        idx, _, weights = case.providers_of(code)
        person_parts.append(persons)
        service_parts.append(np.full(n, s))
        start_parts.append(start)
        end_parts.append(end)
        prov_parts.append(idx[rng.choice(len(idx), size=n, p=weights)])
    person = np.concatenate(person_parts)
    service = np.concatenate(service_parts)
    start, end = np.concatenate(start_parts), np.concatenate(end_parts)
    main_provider = np.concatenate(prov_parts)
    s, e = clipped_days(start, end)
    active = e - s + 1

    # Visit rows per person: the service's share, spread by a lognormal intensity times the active days.
    counts = np.zeros(len(person), dtype=np.int64)
    shares = np.array([h[1] for h in HOUR_SERVICES])
    service_rows = split_counts(rng, n_visits, shares)
    for k in range(len(HOUR_SERVICES)):
        sel = np.flatnonzero(service == k)
        intensity = rng.lognormal(0.0, 0.7, len(sel)) * active[sel]
        counts[sel] = split_counts(rng, int(service_rows[k]), intensity)
    row_person = np.repeat(np.arange(len(person)), counts)
    n = len(row_person)
    day = s[row_person] + (rng.random(n) * active[row_person]).astype(np.int64)
    row_service = service[row_person]
    minutes = np.zeros(n)
    for k, (_, _, _, choices, weights) in enumerate(HOUR_SERVICES):
        sel = row_service == k
        w = np.asarray(weights, dtype=float)
        minutes[sel] = rng.choice(np.asarray(choices, dtype=float), size=int(sel.sum()), p=w / w.sum())
    provider = main_provider[row_person]
    night_idx, _, _ = case.providers_of("nattpatrull")
    night = (row_service == 0) & (rng.random(n) < 0.05)
    provider = np.where(night, night_idx[0], provider)

    # Staff: a pool per provider (about 1 500 visits a year each); every person meets a few of them.
    n_prov = len(case.provider_names)
    per_provider = np.bincount(provider, minlength=n_prov)
    pool = np.maximum(5, per_provider // 1500)
    offset = np.concatenate([[0], np.cumsum(pool)[:-1]])
    base = (rng.random(len(person)) * 10_000).astype(np.int64)
    spread = np.where(row_service == 0, 8, 4)
    staff = offset[provider] + (base[row_person] + (rng.random(n) * spread).astype(np.int64)) % pool[provider]
    staff_labels = numbered("s", int(pool.sum()), 5)

    # Data-quality sprinkles: visits before the period, zero minutes, an unknown provider, missing staff.
    u = rng.random(n)
    day = np.where(u < 0.003, P0 - 1 - (rng.random(n) * 30).astype(np.int64), day)
    minutes = np.where((u >= 0.003) & (u < 0.0032), 0.0, minutes)
    unknown_provider = (u >= 0.0032) & (u < 0.00325)
    no_staff = rng.random(n) < 0.02

    # Calibration volumes: hours in the period per service and regi (unknown providers left out).
    regi_ext = np.array([r == "extern" for r in case.provider_regi])
    counted = (day >= P0) & (day <= P1) & (minutes > 0) & ~unknown_provider
    ext = regi_ext[provider]
    hours = np.bincount(row_service[counted] * 2 + ext[counted], weights=minutes[counted] / 60.0,
                        minlength=2 * len(HOUR_SERVICES))
    for k, (code, *_rest) in enumerate(HOUR_SERVICES):
        for x in (False, True):
            if hours[2 * k + x] > 0:
                volume[(code, x)] = volume.get((code, x), 0.0) + float(hours[2 * k + x])

    # Time-report extracts come sorted by date.
    order = np.argsort(day, kind="stable")
    provider_labels = [*_provider_ids(case), "P999"]
    prov_col = np.where(unknown_provider, len(provider_labels) - 1, provider)[order]
    visits = {
        "_person": person[row_person][order],
        "service_code": strings([h[0] for h in HOUR_SERVICES], row_service[order]),
        "date": dates(day[order]),
        "minutes": floats(minutes[order]),
        "provider_id": strings(provider_labels, prov_col),
        "staff_id": strings(staff_labels, staff[order], no_staff[order]),
    }

    # Decisions: granted hours per month = delivered hours per active month x 1.0-1.35; 15 % change mid-year.
    delivered = np.bincount(row_person[counted], weights=minutes[counted] / 60.0, minlength=len(person))
    granted = delivered / np.maximum(active / MONTH_DAYS, 0.5) * rng.uniform(1.0, 1.35, len(person))
    granted = np.maximum(0.5, np.round(granted * 2) / 2)
    change = (rng.random(len(person)) < 0.15) & (active > 60)
    cut = s + (active * rng.uniform(0.3, 0.7, len(person))).astype(np.int64)
    first_end = np.where(change, cut - 1, end)
    first_hours = np.where(change, np.round(granted * rng.uniform(0.7, 0.95, len(person)) * 2) / 2, granted)
    second = np.flatnonzero(change)
    decision_person = np.concatenate([np.arange(len(person)), second])
    dec = {
        "_person": person[decision_person],
        "service": np.concatenate([service, service[second]]),
        "start": np.concatenate([start, cut[second]]),
        "end": np.concatenate([first_end, end[second]]),
        "hours": np.concatenate([first_hours, np.round(granted[second] * rng.uniform(1.05, 1.3, len(second)) * 2) / 2]),
        "provider": np.concatenate([main_provider, main_provider[second]]),
    }
    dec["codes"] = np.array([h[0] for h in HOUR_SERVICES], dtype=object)[dec["service"]]
    return visits, dec


def _stays(
    case: Case, home_persons: int, volume: dict[tuple[str, bool], float], priced: dict[tuple[str, bool], float]
) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
    """Stays of the day and weekday services (priced and unpriced, some overlapping) and their decisions."""
    rng = case.rng
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("person", "code", "start", "end", "provider", "price",
                                                          "law", "level")}
    law_labels = ["SoL", "LVU", "LSS"]
    level_labels = ["1", "2", "3", "4", "5"]
    for spec in STAY_SERVICES:
        n = max(3, round(home_persons * spec.per_home))
        persons = case.persons_for(spec.code, n)
        if spec.kind == "short":  # several short stays a year
            persons = np.repeat(persons, 1 + rng.poisson(2.0, n))
        m = len(persons)
        start, end = intervals(rng, m, spec.kind)
        idx, ext, weights = case.providers_of(spec.code)
        pick = rng.choice(len(idx), size=m, p=weights)
        # A second, overlapping stay of the same person and service (a move between providers).
        extra = np.flatnonzero(rng.random(m) < spec.overlap)
        if len(extra):
            s0, e0 = clipped_days(start[extra], end[extra])
            inside = e0 >= s0
            extra, s0, e0 = extra[inside], s0[inside], e0[inside]
            new_start = s0 + ((e0 - s0) * rng.uniform(0.2, 0.9, len(extra))).astype(np.int64)
            new_end = np.where(rng.random(len(extra)) < 0.5, OPEN, new_start + 20 + (rng.random(len(extra)) * 200))
            persons = np.concatenate([persons, persons[extra]])
            start = np.concatenate([start, new_start])
            end = np.concatenate([end, new_end.astype(np.int64)])
            pick = np.concatenate([pick, rng.choice(len(idx), size=len(extra), p=weights)])
            m = len(persons)
        is_ext = ext[pick]
        provider_price = rng.uniform(*spec.price, len(idx)) if spec.price[1] else np.zeros(len(idx))
        price = np.round(provider_price[pick] * rng.uniform(0.95, 1.08, m))
        has_price = is_ext & (spec.price[1] > 0) & (rng.random(m) >= spec.unpriced_extern)
        price = np.where(has_price, price, np.nan)
        law = np.array([law_labels.index(x) for x in spec.laws])[rng.choice(len(spec.laws), size=m)]
        level = (rng.choice([level_labels.index(x) for x in spec.levels], size=m) if spec.levels
                 else np.full(m, -1))
        for key, value in (("person", persons), ("code", np.full(m, spec.code, dtype=object)), ("start", start),
                           ("end", end), ("provider", idx[pick]), ("price", price), ("law", law),
                           ("level", level)):
            cols[key].append(value)
        # Calibration volumes (overlaps counted twice: close enough for plausible unit costs).
        s, e = clipped_days(start, end)
        inside = e >= s
        if spec.code in ("dagverksamhet_aldre", "daglig_verksamhet"):
            units = np.where(inside, np.busday_count(s.astype("datetime64[D]"),
                                                     (np.maximum(e, s) + 1).astype("datetime64[D]")), 0)
        else:
            units = np.where(inside, e - s + 1, 0)
        for x in (False, True):
            if units[is_ext == x].sum() > 0:
                volume[(spec.code, x)] = float(units[is_ext == x].sum())
        if has_price.any():  # bought days at their price, unpriced ones at the mean price
            mean_price = float(np.mean(price[has_price]))
            priced[(spec.code, True)] = float(np.sum(np.where(has_price, units * np.nan_to_num(price), 0.0))) + (
                float(units[is_ext & ~has_price].sum()) * mean_price
            )
    data = {k: np.concatenate(v) for k, v in cols.items()}
    n = len(data["person"])
    stay_ids = numbered("ST", n, 7)
    provider_labels = _provider_ids(case)
    empty_end = data["end"] == OPEN
    stays = {
        "_person": data["person"],
        "stay_id": pa.array(stay_ids, pa.string()),
        "service_code": pa.array(data["code"].tolist(), pa.string()),
        "start_date": dates(data["start"]),
        "end_date": dates(data["end"], empty_end),
        "provider_id": strings(provider_labels, np.maximum(data["provider"], 0), data["provider"] < 0),
        "daily_price": floats(data["price"], np.isnan(data["price"])),
        "law": strings(law_labels, data["law"]),
    }
    dec = {
        "_person": data["person"],
        "codes": data["code"],
        "start": data["start"],
        "end": data["end"],
        "hours": np.full(n, np.nan),
        "provider": data["provider"],
        "level": data["level"],
    }
    return stays, dec


def _month_decisions(case: Case, home_persons: int, volume: dict[tuple[str, bool], float]) -> dict[str, np.ndarray]:
    """Decisions of the month services (their volume source), a few overlapping."""
    rng = case.rng
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("_person", "codes", "start", "end", "provider")}
    for code, per_home, overlap in MONTH_SERVICES:
        n = max(3, round(home_persons * per_home))
        persons = case.persons_for(code, n)
        start, end = intervals(rng, n, "long")
        extra = np.flatnonzero(rng.random(n) < overlap)
        persons = np.concatenate([persons, persons[extra]])
        start = np.concatenate([start, np.maximum(start[extra], P0) + (rng.random(len(extra)) * 200).astype(np.int64)])
        end = np.concatenate([end, np.full(len(extra), OPEN)])
        idx, ext, weights = case.providers_of(code)
        pick = rng.choice(len(idx), size=len(persons), p=weights)
        s, e = clipped_days(start, end)
        months = np.where(e >= s, (e - s + 1) / MONTH_DAYS, 0.0)
        for x in (False, True):
            if months[ext[pick] == x].sum() > 0:
                volume[(code, x)] = float(months[ext[pick] == x].sum())
        for key, value in (("_person", persons), ("codes", np.full(len(persons), code, dtype=object)),
                           ("start", start), ("end", end), ("provider", idx[pick])):
            parts[key].append(value)
    out = {k: np.concatenate(v) for k, v in parts.items()}
    out["hours"] = np.full(len(out["start"]), np.nan)
    return out


def _concat_decisions(case: Case, parts: list[dict[str, np.ndarray]]) -> dict[str, pa.Array]:
    """All decisions as columns: ids, decision dates 3-44 days before the start, levels where given."""
    cols = {k: np.concatenate([p.get(k, np.full(len(p["start"]), -1)) for p in parts])
            for k in ("_person", "codes", "start", "end", "hours", "provider", "level")}
    n = len(cols["start"])
    start = cols["start"]
    decided = start - 3 - (case.rng.random(n) * 42).astype(np.int64)
    level = cols["level"].astype(np.int64)
    hours = cols["hours"].astype(float)
    provider = cols["provider"].astype(np.int64)
    return {
        "_person": cols["_person"].astype(np.int64),
        "decision_id": pa.array(numbered("D", n, 7), pa.string()),
        "service_code": pa.array(cols["codes"].tolist(), pa.string()),
        "decided_on": dates(decided),
        "start_date": dates(start),
        "end_date": dates(cols["end"], cols["end"] == OPEN),
        "granted_hours_per_month": floats(hours, np.isnan(hours)),
        "provider_id": strings(_provider_ids(case), np.maximum(provider, 0), provider < 0),
        "level": strings(["1", "2", "3", "4", "5"], np.maximum(level, 0), level < 0),
    }


def _persons(case: Case) -> tuple[dict[str, pa.Array], list[str]]:
    """The persons table (a few persons missing, a few without birth date and sex) and the id labels."""
    rng = case.rng
    n = case.n_persons
    birth = np.concatenate(case.birth)
    female = np.concatenate(case.female)
    labels = numbered("p", n, 6)
    ids = rng.permutation(n)  # person index -> position of its label
    unknown = rng.random(n) < 0.001
    missing = rng.random(n) < 0.0005  # persons in deliveries but not in the persons table
    keep = np.flatnonzero(~missing)
    keep = keep[np.argsort(ids[keep])]
    persons = {
        "person_id": strings(labels, ids[keep]),
        "birth_date": dates(birth[keep], unknown[keep]),
        "sex": strings(["M", "K"], female[keep].astype(np.int64), unknown[keep]),
    }
    return persons, [labels[i] for i in ids]  # person i is labels[ids[i]]


def _ledger(
    rng: np.random.Generator, volume: dict[tuple[str, bool], float], priced: dict[tuple[str, bool], float]
) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """Ledger rows (12 months, several vouchers per line) and the ~36 rules that map them."""
    lines: list[tuple[str, str, str, float]] = []  # activity, responsibility, account, annual amount
    direct: dict[str, float] = {a: 0.0 for a in AREA_ACTIVITY}
    rules: list[tuple[str, str, str, str, str]] = [("", DEPRECIATION_ACCOUNT[:2], "", "exclude", "cost")]
    for code, activity in SERVICE_ACTIVITY.items():
        area = AREA_OF[code]
        prefix = AREA_PREFIX[area]
        own, bought = volume.get((code, False), 0.0), volume.get((code, True), 0.0)
        own_cost = own * OWN_RATE.get(code, 0.0)
        if bought:
            ext_cost = priced.get((code, True)) or bought * EXTERN_RATE.get(code, OWN_RATE.get(code, 1000.0) * 0.9)
        else:
            ext_cost = 0.0
        direct[area] += own_cost + ext_cost
        if code == "hemtjanst":
            rules.append((activity, FEE_ACCOUNT[:2], "", f"service:{code}:egen", "fee"))
            rules.append((activity, INTERNAL_ACCOUNT[:2], "", f"service:{code}:egen", "internal_revenue"))
            lines.append((activity, f"{prefix}101", FEE_ACCOUNT, -0.07 * (own_cost + ext_cost)))
            lines.append((activity, f"{prefix}101", INTERNAL_ACCOUNT, -0.02 * own_cost))
        if code == "sarskilt_boende":
            rules.append((activity, FEE_ACCOUNT[:2], "", f"service:{code}:egen", "fee"))
            lines.append((activity, f"{prefix}301", FEE_ACCOUNT, -0.11 * (own_cost + ext_cost)))
        if code == "pa_sfb":
            rules.append((activity, REIMBURSEMENT_ACCOUNT[:2], f"{prefix}190", f"service:{code}:extern",
                          "state_reimbursement"))
            rules.append((activity, REIMBURSEMENT_ACCOUNT[:2], "", f"service:{code}:egen", "state_reimbursement"))
            lines.append((activity, f"{prefix}190", REIMBURSEMENT_ACCOUNT, -0.88 * ext_cost))
            lines.append((activity, f"{prefix}101", REIMBURSEMENT_ACCOUNT, -0.88 * own_cost))
        if own and bought:
            rules.append((activity, PURCHASE_ACCOUNT[:2], "", f"service:{code}:extern", "cost"))
        if own:
            rules.append((activity, "", "", f"service:{code}:egen", "cost"))
            units = 3 if own_cost > 50e6 else 1
            for u in range(units):
                for account, share in OWN_ACCOUNTS:
                    lines.append((activity, f"{prefix}{101 + u}", account, own_cost * share / units))
            lines.append((activity, f"{prefix}101", DEPRECIATION_ACCOUNT, own_cost * 0.015))
        elif bought:
            rules.append((activity, "", "", f"service:{code}:extern", "cost"))
        if bought:  # invoices booked on four purchasing units
            for k in range(4):
                lines.append((activity, f"{prefix}19{k}", PURCHASE_ACCOUNT, ext_cost / 4))
    for area, activity in AREA_ACTIVITY.items():
        prefix = AREA_PREFIX[area]
        rules.append((activity, "", f"{prefix}180", f"myndighet:{area}", "cost"))
        rules.append((activity, "", "", f"overhead:{area}", "cost"))
        for account, share in AREA_ACCOUNTS:
            lines.append((activity, f"{prefix}180", account, 0.05 * direct[area] * share))
            lines.append((activity, f"{prefix}100", account, 0.04 * direct[area] * share))
    total = sum(direct.values())
    lines.append(("990", "9100", "5011", 0.001 * total))  # a project no rule maps
    lines.append(("990", "9100", "6410", 0.0003 * total))

    # Rows: 12 months x 1-2 vouchers per line, plus one December voucher of the year before (outside the period).
    n_lines = len(lines)
    vouchers = 1 + (rng.random(n_lines * 12) < 0.5)
    line_of = np.repeat(np.repeat(np.arange(n_lines), 12), vouchers)
    month = np.repeat(np.tile(np.arange(12), n_lines), vouchers)
    weight = rng.uniform(0.6, 1.4, len(line_of))
    per_line_month = np.bincount(line_of * 12 + month, weights=weight, minlength=n_lines * 12)
    annual = np.array([ln[3] for ln in lines])
    amount = annual[line_of] / 12 * weight / per_line_month[line_of * 12 + month] * rng.uniform(0.9, 1.1,
                                                                                                   len(line_of))
    day = (np.datetime64(f"{YEAR}-01", "M") + month.astype("timedelta64[M]")).astype("datetime64[D]").astype(
        np.int64
    ) + (rng.random(len(line_of)) * 28).astype(np.int64)
    before = np.arange(n_lines)
    line_of = np.concatenate([line_of, before])
    amount = np.concatenate([amount, annual / 12])
    day = np.concatenate([day, np.full(n_lines, P0 - 6)])
    ledger = {
        "date": dates(day),
        "account": strings([ln[2] for ln in lines], line_of),
        "responsibility": strings([ln[1] for ln in lines], line_of),
        "activity": strings([ln[0] for ln in lines], line_of),
        "amount": floats(np.round(amount, 2)),
    }
    rule_cols = ("activity", "account_prefix", "responsibility", "target", "kind")
    rule_table = {c: pa.array([r[i] for r in rules], pa.string()) for i, c in enumerate(rule_cols)}
    return ledger, rule_table


def _population(case: Case) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """Inhabitants by age and sex on 31 December, scaled so that ~20 % of those 80+ have home care."""
    birth = np.concatenate(case.birth)
    ages = YEAR - (birth.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)
    home = case.service_persons["hemtjanst"]
    old_home = int((ages[home] >= 80).sum())
    age = np.arange(101)
    old_age = np.clip(age - 60, 0, None) / 24.0
    shape = np.where(age < 60, 1.0 + 0.1 * np.sin(age / 9.0), np.exp(-(old_age**2.6)))
    shape[100] = shape[99] * 0.4  # 100+
    scale = old_home / 0.20 / shape[80:].sum()
    women = np.where(age < 60, 0.49, 0.49 + (age - 60) * 0.005)
    rows_age = np.repeat(age, 2)
    rows_sex = np.tile(np.array([1, 0]), len(age))  # K, M
    share = np.where(rows_sex == 1, women[rows_age], 1 - women[rows_age])
    count = np.round(shape[rows_age] * scale * share)

    def table(years: np.ndarray, growth: np.ndarray) -> dict[str, pa.Array]:
        y = np.repeat(years, len(rows_age))
        c = np.concatenate([np.round(count * g) for g in growth])
        return {
            "year": pa.array(y, pa.int64()),
            "age": pa.array(np.tile(rows_age, len(years)), pa.int64()),
            "sex": strings(["M", "K"], np.tile(rows_sex, len(years))),
            "count": pa.array(c, pa.float64()),
        }

    future = np.arange(YEAR + 1, YEAR + 6)
    return table(np.array([YEAR]), np.ones(1)), table(future, 1.0 + 0.012 * (future - YEAR))


# -------------------------------------------------------------------------------------------------- output


def write_case(generated: Generated, out: Path, *, fmt: str, n_visits: int, client_id: str) -> dict[str, Path]:
    """Write the tables (big ones as Parquet when ``fmt == "parquet"``) and ``client.yaml`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, table in generated.tables.items():
        for suffix in (".csv", ".parquet"):  # never leave a stale twin that the reader would prefer
            (out / f"{name}{suffix}").unlink(missing_ok=True)
        if fmt == "parquet" and name in BIG_TABLES:
            path = out / f"{name}.parquet"
            pq.write_table(table, path, compression="snappy")
        else:
            path = out / f"{name}.csv"
            # Minimal quoting like most exports; pyarrow refuses a value that would need quotes.
            pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
        written[name] = path
    config = out / "client.yaml"
    visits = f"{n_visits:,}".replace(",", " ")
    lines = [
        "# Synthetic benchmark client written by bench/generate.py: pseudonymised person_id only, no personnummer.",
        "client:",
        f"  id: {client_id}",
        f"  name: Syntetisk kommun ({visits} besök)",
        '  kommunkod: "9999"',
        "period:",
        f"  year: {YEAR}",
        "input:",
        "  folder: .            # this folder",
        "  shape: canonical",
        "ledger_rules: ledger_rules.csv",
        "output:",
        "  folder: ../reports   # a sibling of the case folder",
    ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written["client.yaml"] = config
    return written


def size_label(n: int) -> str:
    """``1000000`` -> ``1m``, ``100000`` -> ``100k``, other numbers as they are."""
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=1_000_000, help="visit rows (default 1 000 000)")
    parser.add_argument("--out", type=Path, help="case folder (default bench/out/case_<size>)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet",
                        help="parquet: visits as Parquet, the rest CSV (default); csv: every table as CSV")
    parser.add_argument("--client-id", help="client id in client.yaml (default bench_<size>[_csv])")
    args = parser.parse_args(argv)
    if args.visits < 1000:
        parser.error("--visits must be at least 1000")
    label = size_label(args.visits) + ("_csv" if args.format == "csv" else "")
    out = args.out or Path(__file__).resolve().parent / "out" / f"case_{label}"
    generated = generate(args.visits, args.seed)
    t0 = time.perf_counter()
    written = write_case(generated, out, fmt=args.format, n_visits=args.visits,
                         client_id=args.client_id or f"bench_{label}")
    t_write = time.perf_counter() - t0
    sizes = ", ".join(f"{name} {table.num_rows:,}".replace(",", " ") for name, table in generated.tables.items())
    print(f"generated in {generated.seconds:.1f} s, written in {t_write:.1f} s: {sizes}")
    print(f"config: {written['client.yaml']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
