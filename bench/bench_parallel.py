"""Parallel work over the cores: a batch of clients, and one client's reports against the floor of rendering.

    python bench/bench_parallel.py                  # both measurements (about 4 minutes on 2 cores)
    python bench/bench_parallel.py --only batch --clients 12 --visits 100000
    python bench/bench_parallel.py --only batch --network [--scale 1.0] [--repeat 3]
    python bench/bench_parallel.py --only render

- **batch**: ``--clients`` synthetic clients (``bench/generate.py``, ``--visits`` rows each, one seed per client)
  run with ``kpbkit batch --results-only --force``: one client at a time (``--workers 1``), over the cores, and on
  a ``dask.distributed.LocalCluster`` with one single-threaded worker process per core. Prints each wall time and
  the speed-up over one at a time. With ``--network`` the clients are the demo network's twelve municipalities
  (``kpbkit.demo.network``, about 3 000 to 150 000 inhabitants, ``--scale`` times that) instead. The CPU time of
  the batch's processes and the machine's load average are printed beside each wall time (the machine may be
  shared); ``--repeat N`` runs the three N times and prints the median speed-ups.
- **render**: the demo's five reports rendered again from its period folder (``kpbkit render``, HTML and PDF,
  the reports at the same time over the cores), against the *floor*: papermill executing a trivial one-cell
  template, nbconvert's HTML export and a Chromium PDF of it, five times, divided over the cores the same way.
  Needs the demo's output (``make demo``). Prints both and their ratio.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REPORTS = 5


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _kpbkit(*args: str) -> float:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "from kpbkit.cli import main; main()", *args],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"kpbkit {' '.join(args)} failed")
    return seconds


# ---------------------------------------------------------------------------------------------------- batch


def batch_clients(out: Path, n: int, visits: int) -> list[Path]:
    configs = []
    for i in range(n):
        folder = out / f"client_{i:02d}"
        config = folder / "client.yaml"
        if not config.is_file():
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--visits", str(visits), "--out", str(folder),
                            "--seed", str(100 + i), "--client-id", f"bench_client_{i:02d}"], check=True,
                           capture_output=True)
        configs.append(config)
    return configs


def network_clients(out: Path, scale: float) -> list[Path]:
    """The demo network's configs (generated into ``out`` when missing)."""
    from kpbkit.demo.network import ensure_network

    configs, seconds = ensure_network(out, scale=scale)
    if seconds is not None:
        print(f"  (the network generated in {seconds:.1f} s)")
    return configs


def bench_batch(out: Path, n: int, visits: int, *, network: bool = False, scale: float = 1.0,
                repeat: int = 1) -> None:
    if network:
        configs = [str(c) for c in network_clients(out / "network", scale)]
        what = f"the demo network's {len(configs)} municipalities (scale {scale:g})"
    else:
        configs = [str(c) for c in batch_clients(out / "batch", n, visits)]
        what = f"{n} clients of {visits:,} visit rows".replace(",", " ")
    print(f"batch: {what}, results only, {cores()} cores")
    from dask.distributed import LocalCluster

    args = ("batch", *configs, "--results-only", "--force")
    speedups: dict[str, list[float]] = {"cores": [], "dask": []}
    for round_ in range(1, repeat + 1):
        print(f"  round {round_}, load average before {_load()}")
        cpu = _children_cpu()
        one = _kpbkit(*args, "--workers", "1")
        cpu_one, cpu = _children_cpu() - cpu, _children_cpu()
        print(f"    one at a time      {one:7.1f} s   CPU {cpu_one:6.1f} s")
        many = _kpbkit(*args)
        cpu_many, cpu = _children_cpu() - cpu, _children_cpu()
        print(f"    over the cores     {many:7.1f} s   CPU {cpu_many:6.1f} s   speed-up {one / many:4.2f}x")
        with LocalCluster(n_workers=cores(), threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            dask = _kpbkit(*args, "--scheduler", cluster.scheduler_address)
        cpu_dask = _children_cpu() - cpu  # the cluster's worker processes count once they have ended
        print(f"    Dask LocalCluster  {dask:7.1f} s   CPU {cpu_dask:6.1f} s   speed-up {one / dask:4.2f}x "
              "(CPU with the idle cluster's)")
        speedups["cores"].append(one / many)
        speedups["dask"].append(one / dask)
    print(f"  load average after {_load()}")
    if repeat > 1:
        print(f"  median speed-up over {repeat} rounds: over the cores {statistics.median(speedups['cores']):4.2f}x, "
              f"Dask LocalCluster {statistics.median(speedups['dask']):4.2f}x ({cores()} cores)")


# --------------------------------------------------------------------------------------------------- render


TRIVIAL = {
    "cells": [
        {"id": "parameters", "cell_type": "code", "metadata": {"tags": ["parameters"]},
         "source": "period_folder = ''", "outputs": [], "execution_count": None},
        {"id": "title", "cell_type": "markdown", "metadata": {}, "source": "# Floor\n\nA trivial report."},
        {"id": "hello", "cell_type": "code", "metadata": {}, "source": "print('hello')", "outputs": [],
         "execution_count": None},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def _floor_one(folder: str, i: int) -> float:
    """papermill + nbconvert HTML + Chromium PDF of a trivial notebook: what any report costs at the least."""
    import json

    from kpbkit.report import html_to_pdf, notebook_libraries, notebook_to_html

    notebook_libraries.load()  # as kpbkit imports them: the floor pays no avoidable import either
    import papermill

    started = time.perf_counter()
    base = Path(folder)
    template = base / f"trivial_{i}.ipynb"
    template.write_text(json.dumps(TRIVIAL), encoding="utf-8")
    executed = base / f"executed_{i}.ipynb"
    papermill.execute_notebook(str(template), str(executed), parameters={"period_folder": folder},
                               progress_bar=False, log_output=False)
    html = notebook_to_html(executed, base / f"floor_{i}.html", title="Floor")
    html_to_pdf(html, base / f"floor_{i}.pdf")
    return time.perf_counter() - started


def bench_render(out: Path, period: Path) -> None:
    if not (period / "results" / "run.json").is_file():
        raise SystemExit(f"no demo run at {period}: run `make demo` first")
    work = out / "render"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=min(cores(), REPORTS)) as pool:
        list(pool.map(_floor_one, [str(work)] * REPORTS, range(REPORTS)))
    floor = time.perf_counter() - started
    copy = work / "demo" / period.parent.name / period.name
    shutil.copytree(period, copy)
    full = _kpbkit("render", str(copy))
    print(f"render: {REPORTS} reports, HTML and PDF, {cores()} cores")
    print(f"  floor (trivial template x {REPORTS})   {floor:7.1f} s")
    print(f"  the demo's reports           {full:7.1f} s   {full / floor:4.2f}x the floor")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("batch", "render"))
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--network", action="store_true",
                        help="batch: the demo network's 12 municipalities instead of --clients bench clients")
    parser.add_argument("--scale", type=float, default=1.0, help="with --network: factor on every municipality's size")
    parser.add_argument("--repeat", type=int, default=1, help="batch: rounds of the three runs (medians printed)")
    parser.add_argument("--period", type=Path, default=ROOT / "reports" / "exempelkommun" / "2025")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "parallel")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "render"):
        bench_render(args.out, args.period)
    if args.only in (None, "batch"):
        bench_batch(args.out, args.clients, args.visits, network=args.network, scale=args.scale,
                    repeat=args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
