"""Benchmark reading a large visits extract in the Swedish shape (Windows-1252, ';', HH:MM, 10-digit pnr).

Usage: .venv/bin/python bench/bench_shapes.py [--rows 2000000] [--excel-rows 100000]

Writes the file under bench/out/, then times kpbkit's source reader (encoding detection, separator,
header matching, code translation, Swedish dates and times, canonical conversion) and reports rows per
second and the peak memory of the process. The personnummer are Skatteverket test numbers.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.canonical import SCHEMAS
from kpbkit.demo import load_test_personnummer
from kpbkit.io.presets import load_preset
from kpbkit.io.sources import SourceSpec, read_source

HERE = Path(__file__).resolve().parent


def write_visits(path: Path, rows: int, *, excel: bool = False) -> None:
    rng = np.random.default_rng(1)
    pnr = np.array(load_test_personnummer())
    who = pnr[rng.integers(0, len(pnr), rows)]
    ten = np.array([f"{p[2:8]}-{p[8:]}" for p in who[:1000]])[rng.integers(0, 1000, rows)]
    days = rng.integers(0, 365, rows)
    dates = (np.datetime64("2025-01-01") + days.astype("timedelta64[D]")).astype(str)
    minutes = rng.integers(3, 24, rows) * 5
    frame = pd.DataFrame({
        "Personnr": ten,
        "Insats": np.where(rng.random(rows) < 0.9, "HTJ", "PASS-SFB"),
        "Datum": dates,
        "Tid": [f"{m // 60}:{m % 60:02d}" for m in minutes],
        "Utförare": np.array(["HTN", "HTC", "LOV1", "LOV2"])[rng.integers(0, 4, rows)],
        "Personal": np.char.add("S", rng.integers(1, 400, rows).astype(str)),
    })
    if excel:
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")


def measure(path: Path) -> tuple[float, int]:
    spec = SourceSpec("visits", load_preset("swedish"), codes={"service_code": {"HTJ": "hemtjanst",
                                                                                  "PASS-SFB": "pa_sfb"}})
    t0 = time.perf_counter()
    frame = read_source(spec, path, SCHEMAS["visits"])
    return time.perf_counter() - t0, len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000, help="rows of the CSV extract")
    parser.add_argument("--excel-rows", type=int, default=100_000, help="rows of the Excel extract (0: skip)")
    args = parser.parse_args()
    out = HERE / "out" / "shapes"
    out.mkdir(parents=True, exist_ok=True)
    cases = [(out / f"utford_tid_{args.rows}.csv", args.rows, False)]
    if args.excel_rows:
        cases.append((out / f"utford_tid_{args.excel_rows}.xlsx", args.excel_rows, True))
    for path, rows, excel in cases:
        if not path.is_file():
            write_visits(path, rows, excel=excel)
        seconds, n = measure(path)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{path.name}: {_n(n)} rows in {seconds:.1f} s ({_n(n / seconds)} rows/s); "
              f"{path.stat().st_size / 1e6:.0f} MB on disk; process peak {_n(peak)} MB")


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


if __name__ == "__main__":
    main()
