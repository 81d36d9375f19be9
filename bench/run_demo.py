"""Benchmark the full demo run: generate Exempelkommun, ingest, model, render every report (HTML + PDF).

The run includes generating Exempelkommun's earlier years and the comparison municipalities and their
results-only runs (kpbkit.demo.run), as `kpbkit demo` does.

Usage: .venv/bin/python bench/run_demo.py [--repeat N]

Runs `kpbkit demo --regenerate` in a fresh process (so generation is included) and prints the wall time
and the peak resident memory of the largest process in the run (kpbkit itself or a notebook kernel).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs (each in a fresh process)")
    args = parser.parse_args()
    kpbkit = Path(sys.executable).parent / "kpbkit"
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")
    print(f"{'run':>3} {'wall s':>8} {'peak RSS MB':>12}")
    for i in range(1, args.repeat + 1):
        start = time.perf_counter()
        done = subprocess.run([str(kpbkit), "-q", "demo", "--regenerate"], cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"demo failed:\n{done.stderr}")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{i:>3} {wall:>8.1f} {peak_mb:>12.0f}")


if __name__ == "__main__":
    main()
