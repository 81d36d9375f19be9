"""Exempelkommun's fixed facts: the demo year, its providers and the unit costs the generator sizes its pools to;
and the small date helpers every part of the generator uses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

DEFAULT_SEED = 2025
YEAR = 2025
#: Demo assumption: FK's hourly rate for personal assistance 2025 (2024: 332.60 kr, + about 2 %).
FK_RATE = 339.30

P0 = np.datetime64(f"{YEAR}-01-01", "D")
P1 = np.datetime64(f"{YEAR}-12-31", "D")
NAT = np.datetime64("NaT", "D")
MONTHS = np.arange(f"{YEAR}-01", f"{YEAR + 1}-01", dtype="datetime64[M]")
MONTH_START = MONTHS.astype("datetime64[D]")
MONTH_END = (MONTHS + 1).astype("datetime64[D]") - 1
DAYS_IN_MONTH = (MONTH_END - MONTH_START).astype(np.int64) + 1

# ------------------------------------------------------------------------------------------------ providers

#: provider_id, name, regi
PROVIDERS: tuple[tuple[str, str, str], ...] = (
    ("HTN", "Hemtjänsten Norr", "egen"),
    ("HTC", "Hemtjänsten Centrum", "egen"),
    ("HTS", "Hemtjänsten Söder", "egen"),
    ("LOV1", "Omsorgshjälpen i Exempelkommun AB", "extern"),
    ("LOV2", "Trygga Händer Hemtjänst AB", "extern"),
    ("LOV3", "Vardagsstöd Syd AB", "extern"),
    ("LOV4", "Familjens Hemtjänst HB", "extern"),
    ("TL", "Trygghetslarm och nattpatrull", "egen"),
    ("DVA", "Dagverksamheten Solgläntan", "egen"),
    ("KTA", "Korttidsboendet Linden", "egen"),
    ("SB1", "Björkgårdens särskilda boende", "egen"),
    ("SB2", "Ekhagens särskilda boende", "egen"),
    ("SB3", "Solrosens vård- och omsorgsboende AB", "extern"),
    ("PA", "Kommunens personliga assistans", "egen"),
    ("PAX", "Assistanspartner i Norr AB", "extern"),
    ("LSS", "LSS-stöd och service", "egen"),
    ("FYR", "Korttidshemmet Fyren", "egen"),
    ("LRK", "Barnboendet Lärkan AB", "extern"),
    ("GB1", "Gruppbostad Tallen", "egen"),
    ("GB2", "Gruppbostad Lönnen", "egen"),
    ("GB3", "Gruppbostad Ekbacken", "egen"),
    ("GB4", "Havsviksgården LSS AB", "extern"),
    ("SVB", "Servicebostad Granen", "egen"),
    ("SVB2", "Servicebostad Björken", "egen"),
    ("DVL", "Daglig verksamhet Verkstan", "egen"),
    ("DVX", "Aktivitetshuset Nova AB", "extern"),
    ("FHE", "Familjehemsenheten", "egen"),
    ("KFH1", "Familjehemsgruppen Konsulent AB", "extern"),
    ("KFH2", "Nordens Familjehem AB", "extern"),
    ("HVB1", "HVB Solgården AB", "extern"),
    ("HVB2", "Ungdomshemmet Björnen AB", "extern"),
    ("HVB3", "Kustens HVB AB", "extern"),
    ("SIS", "Statens institutionsstyrelse (SiS)", "extern"),
    ("STB", "Stödboende Kompassen AB", "extern"),
    ("OVB", "Öppenvården Barn och familj", "egen"),
    ("FTA", "Familjeteamet AB", "extern"),
)
REGI = {pid: regi for pid, _, regi in PROVIDERS}
#: A LOV provider that took over a brukare in December but is missing from the provider register (planted)
UNKNOWN_PROVIDER = "LOV5"

HOME_CARE_UNITS = {"HTN": 0.40, "HTC": 0.35, "HTS": 0.25}
#: LOV providers: choice weight and hourly compensation (kr); their mean is about 426 kr
LOV_PROVIDERS = {"LOV1": (0.38, 432.0), "LOV2": (0.30, 421.0), "LOV3": (0.20, 428.0), "LOV4": (0.12, 415.0)}
LOV_SHARE = 0.37
STAFF_POOL = {"HTN": 38, "HTC": 34, "HTS": 26, "LOV1": 14, "LOV2": 11, "LOV3": 8, "LOV4": 6, "PA": 80, "PAX": 30,
               "LSS": 24}

# Unit costs (kr) the pools are sized to: pool = unit cost × the volume generated.
UNIT_COST = {
    "hemtjanst": 640.0,  # egen, per delivered hour (before overhead)
    "trygghetslarm": 520.0,  # per month
    "dagverksamhet_aldre": 1050.0,  # per weekday
    "korttid_aldre": 2900.0,  # per day
    "sarskilt_boende": 2230.0,  # per day
    "pa_sfb": 355.0,  # per hour
    "pa_sfb_extern": 398.0,  # per hour, invoiced by the assistance company (above FK's rate + 12 %)
    "pa_lss": 370.0,
    "ledsagarservice": 320.0,
    "avlosarservice": 345.0,
    "kontaktperson": 2100.0,  # per month
    "korttidsvistelse": 5200.0,  # per day
    "gruppbostad": 2700.0,
    "servicebostad": 1450.0,
    "daglig_verksamhet": 720.0,  # per weekday
    "familjehem": 810.0,  # per day, all-in
    "oppenvard_bou": 6800.0,  # per month, egen
    "oppenvard_bou_extern": 9500.0,
}
OVERHEAD_SHARE = {"aldreomsorg": 0.06, "lss": 0.05, "barn_unga": 0.08}
#: Internal day prices of the own group homes and service flats (staffing differs): the egen pools are
#: allocated by days × price, so each unit gets its own cost per day
EGEN_DAY_PRICE = {"GB1": 2450.0, "GB2": 2800.0, "GB3": 3150.0, "SVB": 1380.0, "SVB2": 1560.0}
#: Personal assistance (SFB) bought from an assistance company: these cases (by order) go to PAX
PA_EXTERN_CASES = (4, 6)
MYNDIGHET = {"aldreomsorg": 5_400_000.0, "lss": 1_900_000.0, "barn_unga": 7_200_000.0}

# Findings planted in Exempelkommun's year for a KPB analysis to catch (tests/test_demo_findings.py finds them).
#: The egen home-care pool is spread over the districts by delivered hours × this weight: Söder (many part-time
#: contracts, overtime) costs about a quarter more per delivered hour than Norr and Centrum
HOME_CARE_COST_WEIGHT = {"HTN": 1.0, "HTC": 1.0, "HTS": 1.27}
#: Granted hours × this factor for brukare of these providers (the same age mix): Omsorgshjälpen's brukare get
#: clearly more hours than the others'. (Men 80+ getting about a quarter more hours per brukare than women 80+
#: comes from the seed's draws; tests/test_demo_findings.py holds it.)
PROVIDER_HOURS_FACTOR = {"LOV1": 1.12}
#: Delivered / granted hours (mean, standard deviation) per provider: Vardagsstöd delivers about 72 %
DELIVERY_RATIO = {"LOV3": (0.72, 0.04)}
DELIVERY_RATIO_DEFAULT = (0.91, 0.05)
#: Granted home-care hours of every brukare × this factor (keeps total volumes near the earlier demo's)
HOURS_SCALE = 0.85
#: FK reimbursement not booked: (position in the egen PA cases, months 0-11 left out of the ledger)
FK_UNBOOKED: tuple[tuple[int, tuple[int, ...]], ...] = ((0, (8, 9, 10)), (2, (8, 9, 10)), (4, (3, 4)))
#: The RS gross cost (accounts 4-7) the committed config states as its control total
#: (client_configs/exempelkommun.yaml, quality.control_totals): for the default seed färdtjänst, outside KPB, takes
#: the difference (other seeds book FARDTJANST)
CONTROL_TOTAL = 352_238_500.15
FARDTJANST = 6_000_000.0


# ------------------------------------------------------------------------------------------------ helpers


def plus(day: np.datetime64, n: float) -> np.datetime64:
    return day + np.timedelta64(int(n), "D")


def between(rng: np.random.Generator, lo: np.datetime64, hi: np.datetime64) -> np.datetime64:
    """A uniformly drawn day in ``lo..hi`` inclusive."""
    span = int((hi - lo).astype(np.int64))
    return plus(lo, rng.integers(0, span + 1)) if span > 0 else lo


def pick(rng: np.random.Generator, weights: dict[str, Any]) -> str:
    keys = list(weights)
    w = np.array([v[0] if isinstance(v, tuple) else v for v in weights.values()], dtype=float)
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


def month_overlap(start: np.ndarray, end: np.ndarray, *, weekdays: bool = False) -> np.ndarray:
    """Days (or Monday-Friday days) of each inclusive interval in each month of the year, shape (n, 12)."""
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.where(np.isnat(np.asarray(end, dtype="datetime64[D]")), P1, end).astype("datetime64[D]")
    s = np.maximum(start[:, None], MONTH_START[None, :])
    e = np.minimum(end[:, None], MONTH_END[None, :])
    out = np.busday_count(s, e + np.timedelta64(1, "D")) if weekdays else (e - s).astype(np.int64) + 1
    return np.clip(out, 0, None).astype(float)
