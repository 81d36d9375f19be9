"""Messy source shapes against the canonical shape, on the same data, in the same run.

Usage: .venv/bin/python bench/bench_shapes.py [--visits 1000000] [--repeat 5] [--skip-run]
       [--visit-dates iso|datetime] [--excel-rows 0]

One case from ``bench/generate.py`` (``--format csv``) is the canonical shape. The same rows are written
again as a municipality sends them: every table in Windows-1252 with ``;`` and CRLF, Swedish headers
(``Brukar-ID``, ``Insats``, ``Datum``, ``Tid``, ``Utförare``, ``Beviljad tid``, ``Belopp``, ...),
durations as ``H:MM``, decimal commas and space thousands, dates as the exports write them (decisions
``20250301``, visits ``2025-03-01`` as a Swedish-locale export or, with ``--visit-dates datetime``,
``2025-03-01 00:00:00``), the client's own insats codes and provider names translated by code lists in
its ``client.yaml``, sex and regi as words, the oldest age as ``100+ år``. The generated persons have a
case-system id, not a personnummer, so the person column is the client's ``Brukar-ID`` mapped under
``input.tables``.

Then, alternating the two shapes ``--repeat`` times, it times the same kpbkit paths: reading the visits
table as ingest reads it (the canonical reader, or the source reader of the shape), the whole ingest,
and ``kpbkit run --results-only`` in a fresh process; it prints wall and CPU seconds, the medians and the
ratio messy/canonical, and checks that both runs wrote the same results tables.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KPBKIT = Path(sys.executable).with_name("kpbkit")

#: the client's own insats codes (anything else gets a numbered code)
CLIENT_SERVICE_CODES = {
    "hemtjanst": "HTJ", "pa_sfb": "PASS-SFB", "pa_lss": "PASS-LSS", "ledsagarservice": "LEDS",
    "avlosarservice": "AVLÖS", "trygghetslarm": "Trygghetslarm", "sarskilt_boende": "SÄBO",
    "korttid_aldre": "Korttid SoL", "daglig_verksamhet": "DV LSS", "gruppbostad": "Gruppbostad",
}
SEX_WORDS = {"K": "Kvinna", "M": "Man"}
REGI_WORDS = {"egen": "Egen regi", "extern": "Privat"}
#: the canonical table -> the messy file's name (the swedish preset's file names)
MESSY_FILES = {"visits": "utford_tid", "decisions": "beslut", "stays": "vistelser", "ledger": "huvudbok",
               "persons": "brukare", "providers": "utforare", "population": "befolkning",
               "population_forecast": "befolkningsprognos"}


# --------------------------------------------------------------------------------------------- the cases

def canonical_case(visits: int, out: Path) -> Path:
    """The generated canonical case (CSV), made when missing; its folder."""
    folder = out / "canonical"
    if not (folder / "visits.csv").is_file():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--visits", str(visits), "--out", str(folder),
                        "--format", "csv", "--client-id", "shapes_canonical"], check=True)
    _write_config(folder, "shapes_canonical", "canonical", extra="")
    return folder


def messy_case(canonical: Path, out: Path, visit_dates: str = "iso") -> Path:
    """The same rows in a municipality's shape, with the client.yaml that maps it; its folder.

    ``visit_dates``: ``iso`` writes the visit dates as a Swedish-locale export does (``2025-03-01``),
    ``datetime`` as a database export with a time of day (``2025-03-01 00:00:00``, 9 bytes more a row).
    """
    folder = out / _messy_name(visit_dates)
    if (folder / "client.yaml").is_file() and (folder / "utford_tid.csv").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(canonical / f"{name}.csv", dtype=str, keep_default_na=False)

    services = sorted({*read("decisions")["service_code"], *read("stays")["service_code"],
                       *read("visits")["service_code"]})
    service_codes = {s: CLIENT_SERVICE_CODES.get(s, f"INS{i:02d}") for i, s in enumerate(services, start=1)}
    providers = read("providers")
    provider_names = dict(zip(providers["provider_id"], providers["name"], strict=True))

    visits = read("visits")
    _write(folder / f"{MESSY_FILES['visits']}.csv", {
        "Brukar-ID": visits["person_id"],
        "Insats": visits["service_code"].map(service_codes),
        "Datum": visits["date"] if visit_dates == "iso" else _distinct(visits["date"], _with_time),
        "Tid": _distinct(visits["minutes"], _clock),
        "Utförare": _mapped(visits["provider_id"], provider_names),
        "Personal": visits["staff_id"],
    })
    decisions = read("decisions")
    _write(folder / f"{MESSY_FILES['decisions']}.csv", {
        "Beslutsnummer": decisions["decision_id"],
        "Brukar-ID": decisions["person_id"],
        "Insats": decisions["service_code"].map(service_codes),
        "Beslutsdatum": decisions["decided_on"].str.replace("-", ""),
        "Fr o m": decisions["start_date"].str.replace("-", ""),
        "T o m": decisions["end_date"].str.replace("-", ""),
        "Beviljad tid": decisions["granted_hours_per_month"].str.replace(".", ","),
        "Utförare": _mapped(decisions["provider_id"], provider_names),
        "Nivå": decisions["level"],
    })
    stays = read("stays")
    _write(folder / f"{MESSY_FILES['stays']}.csv", {
        "Placeringsnummer": stays["stay_id"],
        "Brukar-ID": stays["person_id"],
        "Boendeform": stays["service_code"].map(service_codes),
        "Från": stays["start_date"],
        "Till": stays["end_date"],
        "Vårdgivare": _mapped(stays["provider_id"], provider_names),
        "Dygnspris": stays["daily_price"].map(_swedish_number),
        "Lagrum": stays["law"],
    })
    ledger = read("ledger")
    _write(folder / f"{MESSY_FILES['ledger']}.csv", {
        "Bokföringsdatum": ledger["date"],
        "Konto": ledger["account"],
        "Ansvar": ledger["responsibility"],
        "Verksamhet": ledger["activity"],
        "Belopp": ledger["amount"].map(_swedish_number),
    })
    persons = read("persons")
    _write(folder / f"{MESSY_FILES['persons']}.csv", {
        "Brukar-ID": persons["person_id"], "Födelsedatum": persons["birth_date"],
        "Kön": _mapped(persons["sex"], SEX_WORDS),
    })
    _write(folder / f"{MESSY_FILES['providers']}.csv", {"Utförare": providers["name"], "Namn": providers["name"],
                                     "Regi": _mapped(providers["regi"], REGI_WORDS)})
    for name in ("population", "population_forecast"):
        table = read(name)
        _write(folder / f"{MESSY_FILES[name]}.csv", {"År": table["year"],
                                        "Ålder": table["age"].where(table["age"] != "100", "100+ år"),
                                        "Kön": table["sex"].map({"K": "Kvinnor", "M": "Män"}), "Antal": table["count"]})
    shutil.copy(canonical / "ledger_rules.csv", folder / "ledger_rules.csv")
    codes = {"service_code": {v: k for k, v in service_codes.items()},
             "provider_id": {name: pid for pid, name in provider_names.items()}}
    person = "{columns: {person_id: Brukar-ID}}"
    lines = ["  tables:"] + [f"    {t}: {person}" for t in ("persons", "decisions", "visits", "stays")]
    lines.append("  codes:")
    for column, book in codes.items():
        lines.append(f"    {column}:")
        lines += [f"      {_q(k)}: {_q(v)}" for k, v in book.items()]
    _write_config(folder, f"shapes_{_messy_name(visit_dates)}", "swedish", extra="\n".join(lines) + "\n")
    return folder


def _messy_name(visit_dates: str) -> str:
    return "messy" if visit_dates == "iso" else f"messy_{visit_dates}"


def _with_time(date: str) -> str:
    return f"{date} 00:00:00" if date else ""


def _write_config(folder: Path, client: str, shape: str, extra: str) -> None:
    (folder / "client.yaml").write_text(
        f"# bench/bench_shapes.py: the {shape} shape of one generated case\n"
        f"client:\n  id: {client}\n  name: Formbänk ({shape})\n  kommunkod: \"9999\"\n"
        "period:\n  year: 2025\n"
        f"input:\n  folder: .\n  shape: {shape}\n{extra}"
        "ledger_rules: ledger_rules.csv\n"
        "output:\n  folder: ../reports\n",
        encoding="utf-8",
    )


def _q(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def _write(path: Path, columns: dict[str, pd.Series]) -> None:
    pd.DataFrame(columns).to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")


def _mapped(values: pd.Series, words: dict[str, str]) -> pd.Series:
    """Values in the client's words; one the client has no word for (a defect of the case) as it is."""
    return values.map(words).fillna(values)


def _distinct(values: pd.Series, func: Callable[[str], str]) -> pd.Series:
    codes, uniques = pd.factorize(values)
    return pd.Series(np.asarray([func(v) for v in uniques], dtype=object)[codes], index=values.index)


def _clock(minutes: str) -> str:
    m = round(float(minutes))
    return f"{m // 60}:{m % 60:02d}"


def _swedish_number(text: str) -> str:
    """``-867346.81`` as ``-867 346,81`` (space thousands, decimal comma); empty stays empty."""
    if not text:
        return ""
    return f"{float(text):,.2f}".replace(",", " ").replace(".", ",")


# ------------------------------------------------------------------------------------------- the timing

def _clock_of(func: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def time_in_process(config_path: Path, *, ingest_too: bool = True) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of reading the visits table (as ingest reads it) and of the whole ingest."""
    from kpbkit.config import load_client_config as load_config
    from kpbkit.ingest import _locate, ingest  # _locate: the very reader ingest picks for the table's shape

    config = load_config(config_path)
    path, read = _locate(config, "visits")
    assert path is not None
    wall, cpu, frame = _clock_of(lambda: read(path))
    rows = len(frame)
    del frame
    if not ingest_too:
        return {"visits": (wall, cpu), "rows": (rows, rows)}
    i_wall, i_cpu, data = _clock_of(lambda: ingest(config))
    del data
    return {"visits": (wall, cpu), "ingest": (i_wall, i_cpu), "rows": (rows, rows)}


def time_run(config_path: Path) -> tuple[float, float, float]:
    """Wall and CPU seconds (the child process) and peak MB of ``kpbkit run --results-only``."""
    wall = time.perf_counter()
    proc = subprocess.Popen([str(KPBKIT), "run", str(config_path), "--results-only"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - wall
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"kpbkit run {config_path} failed:\n{proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def compare_results(out: Path, messy: str = "messy") -> list[str]:
    """The results tables that differ between the two runs (empty: the same results)."""
    left = out / "reports" / "shapes_canonical" / "2025" / "results"
    right = out / "reports" / f"shapes_{messy}" / "2025" / "results"
    differ = []
    for file in sorted(left.glob("*.csv")):
        other = right / file.name
        # Findings and the forecast name the file a row came from: the messy files have the client's names.
        text = other.read_text(encoding="utf-8") if other.is_file() else None
        for table, name in MESSY_FILES.items():
            text = text.replace(f"{name}.csv", f"{table}.csv") if text is not None else None
        if text != file.read_text(encoding="utf-8"):
            differ.append(file.name)
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=1_000_000, help="visit rows of the case (default 1 000 000)")
    parser.add_argument("--repeat", type=int, default=5, help="alternating rounds of both shapes (default 5)")
    parser.add_argument("--skip-run", action="store_true", help="time reading and ingest only, not kpbkit run")
    parser.add_argument("--visit-dates", choices=("iso", "datetime"), default="iso",
                        help="how the messy visits write dates: 2025-03-01 (default) or 2025-03-01 00:00:00")
    parser.add_argument("--excel-rows", type=int, default=0,
                        help="also time reading this many visit rows from an .xlsx of the messy shape (0: skip)")
    args = parser.parse_args()
    out = HERE / "out" / f"shapes_{_label(args.visits)}"
    started = time.perf_counter()
    canonical = canonical_case(args.visits, out)
    messy = messy_case(canonical, out, args.visit_dates)
    print(f"cases ready in {time.perf_counter() - started:.1f} s: {canonical} and {messy}")
    print(f"machine: {os.cpu_count()} cores, load average before {os.getloadavg()[0]:.2f}")
    shapes = {"canonical": canonical / "client.yaml", "messy": messy / "client.yaml"}
    samples: dict[str, dict[str, list[tuple[float, float]]]] = {s: {} for s in shapes}
    peaks: dict[str, list[float]] = {s: [] for s in shapes}
    rows = 0
    for path in shapes.values():  # warm-up, not timed: the modules and code paths each shape imports
        time_in_process(path, ingest_too=False)
    for round_ in range(args.repeat):
        order = list(shapes) if round_ % 2 == 0 else list(reversed(shapes))
        for shape in order:
            for stage, value in time_in_process(shapes[shape]).items():
                if stage == "rows":
                    rows = int(value[0])
                    continue
                samples[shape].setdefault(stage, []).append(value)
            if not args.skip_run:
                wall, cpu, peak = time_run(shapes[shape])
                samples[shape].setdefault("run --results-only", []).append((wall, cpu))
                peaks[shape].append(peak)
        print(f"round {round_ + 1} of {args.repeat} done (load average {os.getloadavg()[0]:.2f})", flush=True)
    print(f"\nvisits rows: {_n(rows)}; medians of {args.repeat} rounds (wall s / CPU s)")
    print(f"{'stage':<22}{'canonical':>18}{'messy':>18}{'ratio wall':>12}{'ratio CPU':>11}")
    for stage in samples["canonical"]:
        c_wall, c_cpu = (statistics.median(v) for v in zip(*samples["canonical"][stage], strict=True))
        m_wall, m_cpu = (statistics.median(v) for v in zip(*samples["messy"][stage], strict=True))
        print(f"{stage:<22}{c_wall:>9.2f} / {c_cpu:>5.2f}{m_wall:>9.2f} / {m_cpu:>5.2f}"
              f"{m_wall / c_wall:>11.2f}×{m_cpu / c_cpu:>10.2f}×")
    if not args.skip_run:
        print(f"peak memory of the run: canonical {max(peaks['canonical']):.0f} MB, messy {max(peaks['messy']):.0f} MB")
        differ = compare_results(out, messy.name)
        print("results: identical in every results/*.csv" if not differ else f"results DIFFER: {', '.join(differ)}")
    print(f"load average after {os.getloadavg()[0]:.2f}")
    if args.excel_rows:
        time_excel(messy, out, args.excel_rows)


def time_excel(messy: Path, out: Path, rows: int) -> None:
    """Reading the first ``rows`` visit rows from a workbook of the messy shape (openpyxl's streaming reader)."""
    from kpbkit.canonical import SCHEMAS
    from kpbkit.config import load_client_config as load_config
    from kpbkit.ingest import _source_spec

    path = out / f"utford_tid_{rows}.xlsx"
    if not path.is_file():
        pd.read_csv(messy / "utford_tid.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False,
                    nrows=rows).to_excel(path, index=False)
    from kpbkit.io.sources import read_source

    spec = _source_spec(load_config(messy / "client.yaml"), "visits")
    wall, cpu, frame = _clock_of(lambda: read_source(spec, path, SCHEMAS["visits"]))
    print(f"{path.name}: {_n(len(frame))} rows in {wall:.1f} s (CPU {cpu:.1f} s, {_n(len(frame) / wall)} rows/s)")


def _label(n: int) -> str:
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


if __name__ == "__main__":
    main()
