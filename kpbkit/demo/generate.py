"""The demo municipality *Exempelkommun*: seeded, deterministic raw extracts that go through ingest.

:func:`generate_demo` writes the canonical input files of a fictitious municipality of about 25 000
inhabitants for 2025: persons, providers, decisions, visits (with staff ids), stays and placements, a
general ledger with its mapping rules, and the population with a ten-year forecast. Magnitudes follow
KPB-METHOD §6 (hours per brukare with a long tail, delivery ratio, coverage of 80+, unit costs egen vs
LOV, SÄBO, the FK rate, placement prices); every cost pool is sized from the volumes generated (pool =
target unit cost × volume), so the unit costs land where a consultant expects them.

Every identity is one of Skatteverket's test personnummer (the subset shipped in ``kpbkit/data``),
written in mixed formats across tables so that ingest's normalisation is exercised: persons
``YYMMDD-NNNN``, visits and decisions ``YYYYMMDDNNNN`` and stays ``YYMMDDNNNN``, with ``YYMMDD+NNNN``
for people aged 100 or more in the 10-digit forms. :mod:`kpbkit.demo.extracts` then writes the tables
in the shapes municipalities send (register file, Swedish headers, Windows-1252, Excel) and plants the
extract-level defects. A few realistic data-quality
problems are planted (visits of 0 minutes, visits at a provider missing from the provider register,
visits dated in December 2024, overlapping stays, an HVB stay without its contracted price, unmapped and
out-of-period ledger rows); none is fatal.

Findings a KPB analysis should catch are planted (:mod:`kpbkit.demo.common`): the own district Söder costs about a
quarter more per delivered hour than the other two; one LOV provider's brukare get clearly more hours for the same
age mix, another delivers about 72 % of the granted hours while the rest deliver about 90 %; FK's reimbursement is
left unbooked for some months of three assistance cases; the HVB share of care days is well above the national
picture, with several stays past a year. Men 80+ get more home-care hours per brukare than women 80+ (from the
draws). The year's gross cost meets the committed config's control total: färdtjänst, outside KPB, takes the
difference.

LSS is shaped for the LSS report: group homes and service flats whose own units carry internal day prices (so
each unit has its own cost per day) beside a dearer purchased one; personal assistance under SFB delivered by
the municipality and bought from an assistance company (dearer than FK's rate + 12 %), and under LSS; a few
assistance cases planted short of their granted hours, one above them; decisions with levels.

The demo assumes an FK hourly rate (*schablonbelopp*) of 339.30 kr for 2025, about 2 % above 2024's
332.60 kr: an assumption of the demo data only, used to book FK's reimbursement in the demo ledger. The
reports read the rate from the config (``lss.fk_hourly_rates`` in ``client_configs/exempelkommun.yaml``).

Example
-------
>>> from pathlib import Path
>>> generate_demo(Path("/tmp/exempelkommun"), seed=2025)  # doctest: +SKIP
PosixPath('/tmp/exempelkommun')
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpbkit.config import read_config_yaml
from kpbkit.demo.aldreomsorg import add_aldreomsorg
from kpbkit.demo.barn_unga import add_barn_unga
from kpbkit.demo.common import CONTROL_TOTAL, DEFAULT_SEED, PROVIDERS, YEAR
from kpbkit.demo.extracts import EXTRACT_FILES, write_extracts
from kpbkit.demo.ledger import LEDGER_RULES, build_ledger
from kpbkit.demo.lss import add_lss
from kpbkit.demo.persons import People, written_pnr
from kpbkit.demo.population import draw_population, population_frame, project_population
from kpbkit.demo.rows import Rows
from kpbkit.demo.visits import all_visits
from kpbkit.errors import ConfigError

log = logging.getLogger("kpbkit")

#: Bump whenever the generator's output changes: ``ensure_demo`` regenerates folders of another version.
DEMO_VERSION = "5"
STAMP_FILE = ".kpbkit-demo.json"
#: the raw extract files the demo writes (see kpbkit.demo.extracts)
DEMO_FILES: tuple[str, ...] = EXTRACT_FILES
#: canonical files earlier demo versions wrote; removed when the folder is regenerated
_OLD_FILES: tuple[str, ...] = (
    "persons.csv", "providers.csv", "decisions.csv", "visits.csv", "stays.csv", "ledger.csv", "population.csv",
    "population_forecast.csv",
)


# ------------------------------------------------------------------------------------------------ assembly
def _dates(values: np.ndarray) -> np.ndarray:
    text = np.datetime_as_string(np.asarray(values, dtype="datetime64[D]"), unit="D")
    return np.where(text == "NaT", "", text)


def format_numbers(values: np.ndarray) -> np.ndarray:
    """Whole numbers without decimals, others with up to two; NaN as empty."""
    values = np.asarray(values, dtype=float)
    out = np.array([("" if np.isnan(v) else (f"{v:.0f}" if v == round(v) else f"{v:.2f}".rstrip("0")))
                    for v in values], dtype=object)
    return out


def build_demo_tables(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Generate the demo's tables, every column as text exactly as :func:`generate_demo` writes it.

    Parameters
    ----------
    seed
        Seed of the one random generator everything is drawn from; the same seed gives the same tables.

    Returns
    -------
    dict[str, pd.DataFrame]
        ``persons``, ``providers``, ``decisions``, ``visits``, ``stays``, ``ledger``, ``ledger_rules``,
        ``population`` and ``population_forecast``.
    """
    rng = np.random.default_rng(seed)
    people = People.load()
    pop = draw_population(rng)
    rows = Rows()
    add_aldreomsorg(people, pop, rows, rng)
    info = add_lss(people, rows, rng)
    info.update(add_barn_unga(people, rows, rng))
    visits = all_visits(rows, rng)
    # the committed config states the default seed's gross cost as its control total
    control_total = CONTROL_TOTAL if seed == DEFAULT_SEED else None
    ledger = build_ledger(rows, visits, people, info, rng, control_total=control_total)

    tables: dict[str, pd.DataFrame] = {}
    used = np.flatnonzero(people.used)
    used = used[np.argsort(people.pnr[used], kind="stable")]
    tables["persons"] = pd.DataFrame({
        "personnummer": written_pnr(people, used, "persons"),
        "birth_date": _dates(people.birth[used]),
        "sex": people.sex[used],
    })
    tables["providers"] = pd.DataFrame(PROVIDERS, columns=["provider_id", "name", "regi"])

    dec = pd.DataFrame(rows.decisions, columns=["person", "service_code", "decided_on", "start_date", "end_date",
                                                "granted_hours_per_month", "provider_id", "level"])
    dec["pnr"] = people.pnr[dec["person"].to_numpy()]
    dec = dec.sort_values(["decided_on", "pnr", "service_code", "start_date"], kind="stable").reset_index(drop=True)
    tables["decisions"] = pd.DataFrame({
        "decision_id": [f"B{200001 + i}" for i in range(len(dec))],
        "personnummer": written_pnr(people, dec["person"].to_numpy(), "decisions"),
        "service_code": dec["service_code"].to_numpy(),
        "decided_on": _dates(dec["decided_on"].to_numpy()),
        "start_date": _dates(dec["start_date"].to_numpy()),
        "end_date": _dates(dec["end_date"].to_numpy()),
        "granted_hours_per_month": format_numbers(dec["granted_hours_per_month"].to_numpy()),
        "provider_id": dec["provider_id"].to_numpy(),
        "level": dec["level"].to_numpy(),
    })

    st = pd.DataFrame(rows.stays, columns=["person", "service_code", "start_date", "end_date", "provider_id",
                                           "daily_price", "law"])
    st["pnr"] = people.pnr[st["person"].to_numpy()]
    st = st.sort_values(["start_date", "pnr", "service_code"], kind="stable").reset_index(drop=True)
    tables["stays"] = pd.DataFrame({
        "stay_id": [f"V{500001 + i}" for i in range(len(st))],
        "personnummer": written_pnr(people, st["person"].to_numpy(), "stays"),
        "service_code": st["service_code"].to_numpy(),
        "start_date": _dates(st["start_date"].to_numpy()),
        "end_date": _dates(st["end_date"].to_numpy()),
        "provider_id": st["provider_id"].to_numpy(),
        "daily_price": format_numbers(st["daily_price"].to_numpy()),
        "law": st["law"].to_numpy(),
    })

    tables["visits"] = pd.DataFrame({
        "personnummer": written_pnr(people, visits["person"], "visits"),
        "service_code": visits["service"],
        "date": _dates(visits["date"]),
        "minutes": visits["minutes"].astype(str),
        "provider_id": visits["provider"],
        "staff_id": visits["staff"],
    })
    cents = np.array([r[4] for r in ledger], dtype=np.int64)
    tables["ledger"] = pd.DataFrame({
        "date": [r[0] for r in ledger],
        "account": [r[1] for r in ledger],
        "responsibility": [r[2] for r in ledger],
        "activity": [r[3] for r in ledger],
        "amount": [f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}" for c in cents],
    })
    tables["ledger_rules"] = pd.DataFrame(LEDGER_RULES, columns=["activity", "account_prefix", "responsibility",
                                                                 "target", "kind"])
    tables["population"] = population_frame([YEAR], [pop])
    forecast_years = list(range(YEAR + 1, YEAR + 11))
    tables["population_forecast"] = population_frame(forecast_years, project_population(pop))
    return tables


def generate_demo(folder: Path, *, seed: int = DEFAULT_SEED) -> Path:
    """Write Exempelkommun's raw extract files (and a stamp naming generator version and seed) into ``folder``.

    Parameters
    ----------
    folder
        Where the files go; created if missing. Files of the same names are replaced, nothing else is touched.
    seed
        The same seed gives the same files (byte-identical but for the Excel file's zip timestamps).

    Returns
    -------
    Path
        ``folder``.

    >>> generate_demo(Path("/tmp/exempelkommun"))  # doctest: +SKIP
    """
    folder = Path(folder)
    t0 = time.perf_counter()
    tables = build_demo_tables(seed)
    write_extracts(tables, folder, seed=seed)
    for name in _OLD_FILES:
        (folder / name).unlink(missing_ok=True)
    atomic_write(folder / STAMP_FILE, json.dumps(_stamp(seed), sort_keys=True) + "\n")
    log.info("Generated the demo municipality Exempelkommun (seed %d) in %s in %.1f s: %s", seed, folder,
             time.perf_counter() - t0, ", ".join(f"{name} {len(frame)}" for name, frame in tables.items()))
    return folder


def _stamp(seed: int) -> dict[str, Any]:
    return {"generator": "kpbkit.demo", "version": DEMO_VERSION, "seed": int(seed)}


def atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # synthetic data: the usual permissions, not mkstemp's owner-only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def config_path_value(config_path: Path, raw: dict[str, Any], *keys: str) -> Path | None:
    value: Any = raw
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    if value is None:
        return None
    path = Path(os.path.expanduser(str(value)))
    return path if path.is_absolute() else (config_path.parent / path).resolve()


def ensure_demo(config_path: Path, *, seed: int = DEFAULT_SEED, force: bool = False) -> None:
    """Make the demo config runnable: generate its input folder and create its key file when missing.

    The input folder (``input.folder`` of the config) is (re)generated when it lacks the demo's stamp file,
    when the stamp names another generator version or seed, or when ``force`` is true. The key file
    (``pseudonymisation.key_file``) is created with 32 random bytes in hex, readable by the owner only,
    if it does not exist; an existing key is never replaced.

    >>> ensure_demo(Path("client_configs/exempelkommun.yaml"))  # doctest: +SKIP
    """
    config_path = Path(config_path).resolve()
    if not config_path.is_file():
        raise ConfigError("config file not found", file=config_path,
                          fix="run from the kpbkit project folder, e.g. client_configs/exempelkommun.yaml")
    raw = read_config_yaml(config_path)  # the config's limits: size, duplicate keys, aliases
    raw = raw if isinstance(raw, dict) else {}
    folder = config_path_value(config_path, raw, "input", "folder")
    if folder is None:
        raise ConfigError("the demo config names no input folder", file=config_path, key="input.folder",
                          fix="give the folder the demo data is generated into, e.g. ../.kpbkit/demo/exempelkommun")
    stamp_path = folder / STAMP_FILE
    current = None
    if stamp_path.is_file():
        try:
            current = json.loads(stamp_path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            current = None
    if force or current != _stamp(seed):
        generate_demo(folder, seed=seed)
    else:
        log.info("Demo data for seed %d is up to date in %s", seed, folder)
    key_file = config_path_value(config_path, raw, "pseudonymisation", "key_file")
    if key_file is not None:
        ensure_key(key_file)


def ensure_key(key_file: Path) -> None:
    """Create ``key_file`` with 32 random bytes in hex, readable by the owner only, unless it exists."""
    if key_file.exists():
        return
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    log.info("Created a pseudonymisation key for the demo: %s", key_file)
