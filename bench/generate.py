"""Generate a large, synthetic, canonical KPB case for benchmarks.

    python bench/generate.py --visits 1000000 --out bench/out/case_1m [--seed 1] [--format parquet|csv]

The folder gets the canonical tables of DATA-CONTRACT.md (persons, providers, decisions, visits, stays,
ledger, ledger_rules, population, population_forecast) and a ``client.yaml`` naming it, with the results
going to ``../reports`` (a sibling of the case folder). Persons carry already-pseudonymised ids
(``p000123``): there is no personnummer anywhere, so no pseudonymisation key is needed.

The generator is :mod:`kpbkit.demo.synthetic` (which also draws the demo network's municipalities); this is its
command line. Everything is drawn from one seeded numpy generator with vectorised code: the same arguments give
the same files. The volumes are scaled from ``--visits`` (about one home-care person per 150 visit rows), the
ledger (a few thousand rows) is calibrated on the generated volumes so that unit costs look plausible, and a few
data-quality defects are sprinkled in so that the checks have something to report.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kpbkit.demo.synthetic import Generated, Profile, client_yaml, generate, write_tables


def write_case(generated: Generated, out: Path, *, fmt: str, n_visits: int, client_id: str) -> dict[str, Path]:
    """Write the tables (big ones as Parquet when ``fmt == "parquet"``) and ``client.yaml`` into ``out``."""
    written = write_tables(generated, out, fmt=fmt)
    visits = f"{n_visits:,}".replace(",", " ")
    config = out / "client.yaml"
    config.write_text(client_yaml(
        header="Synthetic benchmark client written by bench/generate.py: pseudonymised person_id only, no "
               "personnummer.",
        client_id=client_id, name=f"Syntetisk kommun ({visits} besök)", kommunkod="9999", input_folder=".",
        ledger_rules="ledger_rules.csv", output_folder="../reports",
        notes=("this folder", "a sibling of the case folder"),
    ), encoding="utf-8")
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
    generated = generate(Profile(visits=args.visits), args.seed)
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
