"""A hand-written DuckDB computation of ``person_costs`` from a canonical input folder: the bench's baseline.

    python bench/duckdb_baseline.py bench/out/case_1m/client.yaml --out /tmp/person_costs.csv
    python bench/duckdb_baseline.py bench/out/case_1m/client.yaml --out /tmp/pc.csv --compare RESULTS/person_costs.csv

It reads the same files as ``kpbkit run`` (``visits.parquet`` or ``visits.csv``, the other tables as CSV,
``ledger_rules.csv`` and the period from ``client.yaml``) and computes, in SQL only, what KPB-METHOD §4 asks:
volumes (hour: visit minutes / 60; day and weekday: stay days, each day of overlapping stays to the one started
last; month: month fractions of decisions, likewise), the ledger mapped by the first matching rule into pools,
the one weighted allocation (service pools by volume or price weight, overhead by the person's direct cost,
needs assessment per brukare, each spread over the person's rows by direct cost) and the residuals. It then
writes ``person_costs.csv``. It does none of kpbkit's other work (no findings, checks, KPIs, interim tables,
personnummer screening or run record): it is the floor for the computation itself.

kpbkit is not imported (the bench must not make kpbkit depend on DuckDB, nor the baseline on kpbkit): the default
service catalogue of KPB-METHOD §3 is spelled out below.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import resource
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import yaml

#: KPB-METHOD §3's default catalogue: code, area, unit (a client's extra services come from its config)
CATALOGUE: tuple[tuple[str, str, str], ...] = (
    ("hemtjanst", "aldreomsorg", "hour"), ("trygghetslarm", "aldreomsorg", "month"),
    ("dagverksamhet_aldre", "aldreomsorg", "weekday"), ("korttid_aldre", "aldreomsorg", "day"),
    ("sarskilt_boende", "aldreomsorg", "day"), ("pa_sfb", "lss", "hour"), ("pa_lss", "lss", "hour"),
    ("ledsagarservice", "lss", "hour"), ("avlosarservice", "lss", "hour"), ("kontaktperson", "lss", "month"),
    ("korttidsvistelse", "lss", "day"), ("boende_barn_lss", "lss", "day"), ("gruppbostad", "lss", "day"),
    ("servicebostad", "lss", "day"), ("daglig_verksamhet", "lss", "weekday"), ("familjehem", "barn_unga", "day"),
    ("familjehem_konsulent", "barn_unga", "day"), ("hvb", "barn_unga", "day"), ("sis", "barn_unga", "day"),
    ("stodboende", "barn_unga", "day"), ("oppenvard_bou", "barn_unga", "month"),
)
COLUMNS = ["person_id", "area", "service_code", "regi", "unit", "volume", "direct_cost", "overhead_cost",
           "myndighet_cost", "gross_cost", "reimbursement", "net_cost", "fees"]


def case_files(config_path: Path) -> dict[str, Any]:
    """Period, input files and rules of a canonical client config (the keys the bench's cases use)."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    base = config_path.parent
    folder = (base / config.get("input", {}).get("folder", ".")).resolve()
    period = config["period"]
    if "year" in period:
        start, end = dt.date(int(period["year"]), 1, 1), dt.date(int(period["year"]), 12, 31)
    else:
        start, end = dt.date.fromisoformat(str(period["start"])), dt.date.fromisoformat(str(period["end"]))
    files = {name: folder / f"{name}.csv" for name in ("providers", "stays", "decisions", "ledger")}
    parquet = folder / "visits.parquet"
    files["visits"] = parquet if parquet.is_file() else folder / "visits.csv"
    return {"start": start, "end": end, "files": files, "rules": (base / config["ledger_rules"]).resolve()}


def _q(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _csv(path: Path, types: dict[str, str]) -> str:
    spec = ", ".join(f"'{k}': '{v}'" for k, v in types.items())
    return f"read_csv({_q(path)}, header = true, all_varchar = true, types = {{{spec}}})"


def compute(config_path: Path, out_csv: Path, threads: int | None = None) -> dict[str, Any]:
    """Compute person_costs for the case and write it to ``out_csv``; returns row counts and totals."""
    case = case_files(config_path)
    files, start, end = case["files"], f"DATE '{case['start']}'", f"DATE '{case['end']}'"
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("CREATE TEMP TABLE catalogue (code VARCHAR, area VARCHAR, unit VARCHAR)")
    con.executemany("INSERT INTO catalogue VALUES (?, ?, ?)", CATALOGUE)
    with case["rules"].open(encoding="utf-8", newline="") as handle:
        rules = [
            (i, *((row.get(k) or "").strip() for k in ("activity", "account_prefix", "responsibility", "target",
                                                        "kind")))
            for i, row in enumerate(csv.DictReader(handle))
        ]
    con.execute("CREATE TEMP TABLE rules (k INT, activity VARCHAR, account_prefix VARCHAR, responsibility VARCHAR, "
                "target VARCHAR, kind VARCHAR)")
    con.executemany("INSERT INTO rules VALUES (?, ?, ?, ?, ?, ?)", rules)
    visits = files["visits"]
    visits_src = (f"read_parquet({_q(visits)})" if visits.suffix == ".parquet"
                  else _csv(visits, {"date": "DATE", "minutes": "DOUBLE"}))
    con.execute(f"CREATE TEMP VIEW providers AS SELECT provider_id, regi FROM {_csv(files['providers'], {})}")

    # Volumes of every source, one row per person, service and regi (the provider's; egen without one).
    con.execute(f"""
    CREATE TEMP TABLE hour_rows AS
    SELECT v.person_id, v.service_code, coalesce(p.regi, 'egen') AS regi, sum(v.minutes) / 60.0 AS volume,
           0.0 AS priced_volume, 0.0 AS price_weight
    FROM {visits_src} v
    JOIN catalogue c ON c.code = v.service_code AND c.unit = 'hour'
    LEFT JOIN providers p ON p.provider_id = v.provider_id
    WHERE v.date BETWEEN {start} AND {end} AND v.minutes > 0 AND (v.provider_id IS NULL OR p.regi IS NOT NULL)
    GROUP BY ALL
    """)
    # Stays and month decisions: clip to the period, give each day of an overlap to the row started last
    # (ties: the larger id as text). Only rows that overlap another of their person and service are expanded.
    intervals = {
        "stays": (_csv(files["stays"], {"start_date": "DATE", "end_date": "DATE", "daily_price": "DOUBLE"}),
                  "stay_id", "s.daily_price", "('day', 'weekday')"),
        "decisions": (_csv(files["decisions"], {"start_date": "DATE", "end_date": "DATE"}),
                      "decision_id", "NULL::DOUBLE", "('month')"),
    }
    for name, (source, id_col, price, units) in intervals.items():
        con.execute(f"""
        CREATE TEMP TABLE {name}_in AS
        SELECT s.{id_col} AS id, s.person_id, s.service_code, c.unit, coalesce(p.regi, 'egen') AS regi,
               CASE WHEN {price} > 0 THEN {price} END AS price, s.start_date AS orig_start,
               greatest(s.start_date, {start}) AS s, least(coalesce(s.end_date, {end}), {end}) AS e
        FROM {source} s
        JOIN catalogue c ON c.code = s.service_code AND c.unit IN {units}
        LEFT JOIN providers p ON p.provider_id = s.provider_id
        WHERE (s.end_date IS NULL OR s.end_date >= s.start_date) AND (s.provider_id IS NULL OR p.regi IS NOT NULL)
          AND greatest(s.start_date, {start}) <= least(coalesce(s.end_date, {end}), {end})
        """)
        con.execute(f"""
        CREATE TEMP TABLE {name}_owned AS
        WITH flagged AS (
            SELECT a.*, EXISTS (SELECT 1 FROM {name}_in b WHERE b.person_id = a.person_id
                                AND b.service_code = a.service_code AND b.id <> a.id AND b.s <= a.e AND a.s <= b.e)
                        AS overlapping
            FROM {name}_in a
        ),
        days AS (
            SELECT id, d FROM (
                SELECT id, person_id, service_code, orig_start, unnest(generate_series(s, e, INTERVAL 1 DAY))::DATE AS d
                FROM flagged WHERE overlapping)
            QUALIFY row_number() OVER (PARTITION BY person_id, service_code, d ORDER BY orig_start DESC, id DESC) = 1
            UNION ALL
            SELECT id, unnest(generate_series(s, e, INTERVAL 1 DAY))::DATE AS d
            FROM flagged WHERE NOT overlapping AND unit <> 'day'
        ),
        counted AS (
            SELECT id, count(*) FILTER (WHERE isodow(d) <= 5) AS weekdays, count(*) AS days,
                   sum(1.0 / dayofmonth(last_day(d))) AS months
            FROM days GROUP BY id
        )
        SELECT f.person_id, f.service_code, f.regi, f.price,
               CASE f.unit WHEN 'day' THEN coalesce(c.days, CASE WHEN NOT f.overlapping THEN f.e - f.s + 1 END)
                           WHEN 'weekday' THEN c.weekdays ELSE c.months END::DOUBLE AS volume
        FROM flagged f LEFT JOIN counted c USING (id)
        """)
    con.execute("""
    CREATE TEMP TABLE deliveries AS
    SELECT person_id, service_code, regi, sum(volume) AS volume, sum(priced_volume) AS priced_volume,
           sum(price_weight) AS price_weight
    FROM (
        SELECT * FROM hour_rows
        UNION ALL
        SELECT person_id, service_code, regi, volume, CASE WHEN price IS NOT NULL THEN volume ELSE 0 END,
               CASE WHEN price IS NOT NULL THEN volume * price ELSE 0 END
        FROM stays_owned WHERE volume > 0
        UNION ALL
        SELECT person_id, service_code, regi, volume, 0, 0 FROM decisions_owned WHERE volume > 0
    ) GROUP BY ALL HAVING sum(volume) > 0
    """)
    # The allocation weight: volume, or days × price where the pool has priced stays (unpriced ones at its mean).
    con.execute("""
    CREATE TEMP TABLE rows AS
    WITH pool AS (SELECT service_code, regi, sum(priced_volume) AS pv, sum(price_weight) AS pw
                  FROM deliveries GROUP BY ALL)
    SELECT row_number() OVER (ORDER BY d.person_id, d.service_code, d.regi) AS rid, d.person_id, c.area,
           d.service_code, d.regi, c.unit, d.volume,
           greatest(CASE WHEN pool.pv > 0 THEN d.price_weight + (d.volume - d.priced_volume) * (pool.pw / pool.pv)
                         ELSE d.volume END, 0.0) AS weight
    FROM deliveries d JOIN pool USING (service_code, regi) JOIN catalogue c ON c.code = d.service_code
    """)
    # Ledger rows in the period → the first matching rule → pools per (target, kind).
    con.execute(f"""
    CREATE TEMP TABLE pools AS
    WITH ledger AS (
        SELECT row_number() OVER () AS i, coalesce(trim(activity), '') AS activity,
               coalesce(trim(account), '') AS account, coalesce(trim(responsibility), '') AS responsibility, amount
        FROM {_csv(files['ledger'], {'date': 'DATE', 'amount': 'DOUBLE'})}
        WHERE date BETWEEN {start} AND {end}
    ),
    mapped AS (
        SELECT l.i, any_value(l.amount) AS amount, coalesce(arg_min(r.target, r.k), 'unmapped') AS target,
               coalesce(arg_min(r.kind, r.k), '') AS kind
        FROM ledger l LEFT JOIN rules r
          ON (r.activity = '' OR r.activity = l.activity)
         AND (r.responsibility = '' OR r.responsibility = l.responsibility)
         AND starts_with(l.account, r.account_prefix)
        GROUP BY l.i
    )
    SELECT target, kind, sum(amount) AS amount, split_part(target, ':', 1) AS form,
           split_part(target, ':', 2) AS subject, split_part(target, ':', 3) AS regi
    FROM mapped GROUP BY target, kind
    """)
    # The one rule: share = amount × own weight / total weight, for pools whose total weight is above zero.
    con.execute("""
    CREATE TEMP TABLE service_shares AS
    WITH total AS (SELECT service_code, regi, sum(weight) AS tw FROM rows GROUP BY ALL)
    SELECT r.rid, p.target, p.kind, p.amount * r.weight / t.tw AS amount
    FROM pools p JOIN rows r ON p.form = 'service' AND r.service_code = p.subject AND r.regi = p.regi
    JOIN total t ON t.service_code = r.service_code AND t.regi = r.regi
    WHERE t.tw > 0
    """)
    con.execute("""
    CREATE TEMP TABLE area_shares AS
    WITH direct AS (
        SELECT r.rid, r.person_id, r.area,
               coalesce(sum(s.amount) FILTER (WHERE s.kind IN ('cost', 'internal_revenue')), 0.0) AS direct
        FROM rows r LEFT JOIN service_shares s USING (rid) GROUP BY r.rid, r.person_id, r.area
    ),
    person AS (
        SELECT person_id, area, sum(direct) AS direct, sum(greatest(direct, 0.0)) AS positive, count(*) AS n
        FROM direct GROUP BY ALL
    ),
    weights AS (
        SELECT person_id, area, 'overhead' AS form, greatest(direct, 0.0) AS w FROM person
        UNION ALL
        SELECT person_id, area, 'myndighet', 1.0 FROM person
    ),
    totals AS (SELECT area, form, sum(w) AS tw FROM weights GROUP BY ALL),
    person_shares AS (
        SELECT w.person_id, w.area, p.target, p.kind, p.amount * w.w / t.tw AS amount
        FROM pools p JOIN weights w ON p.form = w.form AND p.subject = w.area
        JOIN totals t ON t.form = w.form AND t.area = w.area
        WHERE t.tw > 0
    )
    SELECT d.rid, s.target, s.kind,
           s.amount * CASE WHEN p.direct > 0 THEN greatest(d.direct, 0.0) / p.positive ELSE 1.0 / p.n END AS amount
    FROM person_shares s JOIN person p USING (person_id, area) JOIN direct d USING (person_id, area)
    """)
    con.execute(f"""
    COPY (
        WITH shares AS (SELECT * FROM service_shares UNION ALL SELECT * FROM area_shares),
        per_row AS (
            SELECT rid,
                   sum(amount) FILTER (WHERE kind IN ('cost', 'internal_revenue') AND starts_with(target, 'service:'))
                       AS direct_cost,
                   sum(amount) FILTER (WHERE kind IN ('cost', 'internal_revenue') AND starts_with(target, 'overhead:'))
                       AS overhead_cost,
                   sum(amount) FILTER (WHERE kind IN ('cost', 'internal_revenue') AND starts_with(target, 'myndighet:'))
                       AS myndighet_cost,
                   sum(amount) FILTER (WHERE kind = 'state_reimbursement') AS reimbursement,
                   sum(amount) FILTER (WHERE kind = 'fee') AS fees
            FROM shares GROUP BY rid
        ),
        costs AS (
            SELECT r.rid, r.person_id, r.area, r.service_code, r.regi, r.unit, r.volume,
                   coalesce(c.direct_cost, 0.0) AS direct_cost, coalesce(c.overhead_cost, 0.0) AS overhead_cost,
                   coalesce(c.myndighet_cost, 0.0) AS myndighet_cost, coalesce(c.reimbursement, 0.0) AS reimbursement,
                   coalesce(c.fees, 0.0) AS fees
            FROM rows r LEFT JOIN per_row c USING (rid)
        )
        SELECT person_id, area, service_code, regi, unit, volume, direct_cost, overhead_cost, myndighet_cost,
               direct_cost + overhead_cost + myndighet_cost AS gross_cost, reimbursement,
               direct_cost + overhead_cost + myndighet_cost + reimbursement AS net_cost, fees
        FROM costs ORDER BY rid
    ) TO {_q(out_csv)} (HEADER, DELIMITER ',')
    """)
    # Reconciliation: what each pool gave out; the rest is its residual (pools without weight, exclude, unmapped).
    ledger, allocated = con.execute("""
        SELECT (SELECT sum(amount) FROM pools),
               (SELECT coalesce(sum(amount), 0) FROM (SELECT amount FROM service_shares UNION ALL
                                                      SELECT amount FROM area_shares))
    """).fetchone()
    rows = con.execute("SELECT count(*), count(DISTINCT person_id) FROM rows").fetchone()
    con.close()
    return {"rows": rows[0], "persons": rows[1], "ledger": ledger, "allocated": allocated,
            "residual": ledger - allocated}


def compare(baseline_csv: Path, kpbkit_csv: Path) -> dict[str, Any]:
    """Match the two person_costs on (person, service, regi): the rows only one has, and the largest cost gap."""
    import pandas as pd

    keys = ["person_id", "service_code", "regi"]
    money = ["direct_cost", "overhead_cost", "myndighet_cost", "gross_cost", "reimbursement", "net_cost", "fees"]
    a = pd.read_csv(baseline_csv, dtype={k: str for k in keys})
    b = pd.read_csv(kpbkit_csv, dtype={k: str for k in keys})
    both = a.merge(b, on=keys, how="outer", suffixes=("_duckdb", "_kpbkit"), indicator=True)
    only_duckdb = int((both["_merge"] == "left_only").sum())
    only_kpbkit = int((both["_merge"] == "right_only").sum())
    matched = both[both["_merge"] == "both"]
    gaps = {c: float((matched[f"{c}_duckdb"] - matched[f"{c}_kpbkit"]).abs().max()) if len(matched) else 0.0
            for c in [*money, "volume"]}
    worst = max(money, key=lambda c: gaps[c])
    out = {"rows_duckdb": len(a), "rows_kpbkit": len(b), "only_duckdb": only_duckdb, "only_kpbkit": only_kpbkit,
           "max_gap_kr": gaps[worst], "max_gap_column": worst, "max_volume_gap": gaps["volume"],
           "agree": only_duckdb == 0 and only_kpbkit == 0 and gaps[worst] <= 0.01}
    if gaps[worst] > 0.01:
        row = matched.iloc[int((matched[f"{worst}_duckdb"] - matched[f"{worst}_kpbkit"]).abs().argmax())]
        out["worst_row"] = {k: row[k] for k in keys}
    return out


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children."""
    self_, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_.ru_utime + self_.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", type=Path, help="the case's client.yaml (canonical shape)")
    parser.add_argument("--out", type=Path, required=True, help="where to write person_costs.csv")
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: DuckDB's, all cores)")
    parser.add_argument("--compare", type=Path, help="kpbkit's person_costs.csv to check the result against")
    args = parser.parse_args(argv)
    t = time.perf_counter()
    facts = compute(args.config.resolve(), args.out.resolve(), args.threads)
    wall = time.perf_counter() - t
    print(f"duckdb {duckdb.__version__}: {facts['rows']} person_costs rows, {facts['persons']} persons, "
          f"ledger {facts['ledger']:.2f} = allocated {facts['allocated']:.2f} + residual {facts['residual']:.2f} kr; "
          f"{wall:.2f} s wall (compute and write), {cpu_seconds():.2f} s CPU in this process")
    if args.compare:
        print(compare(args.out, args.compare))
    return 0


if __name__ == "__main__":
    sys.exit(main())
