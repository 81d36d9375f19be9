"""A whole case drawn from a :class:`~kpbkit.demo.synthetic.profile.Profile` and written as a canonical input
folder."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kpbkit.demo.synthetic.catalogue import BIG_TABLES, HOUR_SERVICES, YEAR
from kpbkit.demo.synthetic.draw import Case, provider_ids, strings
from kpbkit.demo.synthetic.ledger import draw_ledger
from kpbkit.demo.synthetic.population import draw_persons, draw_population
from kpbkit.demo.synthetic.profile import Profile
from kpbkit.demo.synthetic.stays import concat_decisions, draw_month_decisions, draw_stays
from kpbkit.demo.synthetic.visits import draw_visits

#: the canonical tables' columns in the order they are written
ORDER = {
    "visits": ["person_id", "service_code", "date", "minutes", "provider_id", "staff_id"],
    "stays": ["stay_id", "person_id", "service_code", "start_date", "end_date", "provider_id", "daily_price", "law"],
    "decisions": ["decision_id", "person_id", "service_code", "decided_on", "start_date", "end_date",
                  "granted_hours_per_month", "provider_id", "level"],
}
#: the column where a config line's comment starts
NOTE_COLUMN = 23


@dataclass
class Generated:
    """The drawn tables (pyarrow) and the seconds it took to draw them."""

    tables: dict[str, pa.Table]
    seconds: float


def generate(profile: Profile, seed: int = 1) -> Generated:
    """Draw every table of a case: the same profile and seed give the same tables."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    case = Case(rng, profile)
    home_persons = max(20, round(profile.visits * HOUR_SERVICES[0][1] / HOUR_SERVICES[0][2]))
    volume: dict[tuple[str, bool], float] = {}  # (service, extern) -> volume in the period
    priced: dict[tuple[str, bool], float] = {}  # (service, extern) -> sum of daily price x days

    visits, decisions_hour = draw_visits(case, profile.visits, volume)
    stays, decisions_stay = draw_stays(case, home_persons, volume, priced)
    decisions_month = draw_month_decisions(case, home_persons, volume)
    decisions = concat_decisions(case, [decisions_hour, decisions_stay, decisions_month])
    persons, person_labels = draw_persons(case)
    for table in (visits, stays, decisions):  # person indices -> pseudonymised ids
        table["person_id"] = strings(person_labels, table.pop("_person"))
    providers = {
        "provider_id": pa.array(provider_ids(case), pa.string()),
        "name": pa.array(case.provider_names, pa.string()),
        "regi": pa.array(case.provider_regi, pa.string()),
    }
    ledger, rules = draw_ledger(rng, profile, volume, priced)
    population, forecast = draw_population(case)
    tables = {
        "persons": pa.table(persons),
        "providers": pa.table(providers),
        "decisions": pa.table({c: decisions[c] for c in ORDER["decisions"]}),
        "visits": pa.table({c: visits[c] for c in ORDER["visits"]}),
        "stays": pa.table({c: stays[c] for c in ORDER["stays"]}),
        "ledger": pa.table(ledger),
        "ledger_rules": pa.table(rules),
        "population": pa.table(population),
        "population_forecast": pa.table(forecast),
    }
    return Generated(tables, time.perf_counter() - t0)


def write_tables(generated: Generated, out: Path, *, fmt: str = "parquet") -> dict[str, Path]:
    """Write the tables into ``out``: CSV, the big ones as Parquet when ``fmt == "parquet"``."""
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
    return written


def client_yaml(*, header: str, client_id: str, name: str, kommunkod: str, input_folder: str,
                ledger_rules: str, output_folder: str, notes: tuple[str, str] = ("", ""),
                extra: Sequence[str] = ()) -> str:
    """A canonical-shape client config; ``notes``: comments on the input and output folder lines; ``extra``:
    lines added at the end."""

    def noted(line: str, note: str) -> str:
        return f"{line.ljust(NOTE_COLUMN - 1)} # {note}" if note else line

    lines = [
        f"# {header}",
        "client:",
        f"  id: {client_id}",
        f"  name: {name}",
        f'  kommunkod: "{kommunkod}"',
        "period:",
        f"  year: {YEAR}",
        "input:",
        noted(f"  folder: {input_folder}", notes[0]),
        "  shape: canonical",
        f"ledger_rules: {ledger_rules}",
        "output:",
        noted(f"  folder: {output_folder}", notes[1]),
        *extra,
    ]
    return "\n".join(lines) + "\n"
