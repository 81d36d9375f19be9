"""What a synthetic case is drawn from: the services, providers, age groups, unit costs and ledger codes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

YEAR = 2025
EPOCH = dt.date(1970, 1, 1)
P0 = (dt.date(YEAR, 1, 1) - EPOCH).days  # first day of the period, days since 1970-01-01
P1 = (dt.date(YEAR, 12, 31) - EPOCH).days  # last day of the period
OPEN = -(10**9)  # sentinel for an empty (open) end date
MONTH_DAYS = 30.4375

#: Tables that are written as Parquet with ``fmt="parquet"`` (the others are always CSV).
BIG_TABLES = ("visits",)

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

