"""The demo set: generate what is out of date (the main year, its earlier years, the comparison municipalities),
write their configs, and run them (``kpbkit demo`` and the test suite's demo run).

Each data set is written as raw extracts by :func:`kpbkit.demo.extracts.write_extracts` into its own folder
beside Exempelkommun's (``.kpbkit/demo/exempelkommun-2023/``, ``.kpbkit/demo/grannby/``, ...), with a generated,
git-ignored config beside it (``.kpbkit/demo/exempelkommun-2023.yaml``) that copies the committed config's
shapes, codes and settings and writes to the same output root; earlier years keep Exempelkommun's client id and
key (the trend sections look for ``<output>/exempelkommun/<year>/results``), comparison municipalities get their
own id and key. :func:`run_demo` generates what is out of date, runs the earlier years and the comparison
municipalities results-only and then the main year with its reports.

Example
-------
>>> run_demo(Path("client_configs/exempelkommun.yaml"), pdf=False)  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from kpbkit.config import read_config_yaml
from kpbkit.demo.common import DEFAULT_SEED, YEAR
from kpbkit.demo.comparisons import COMPARISONS, Comparison, comparison_tables
from kpbkit.demo.extracts import write_extracts
from kpbkit.demo.generate import (
    DEMO_VERSION,
    STAMP_FILE,
    atomic_write,
    build_demo_tables,
    config_path_value,
    ensure_demo,
    ensure_key,
)
from kpbkit.demo.history import FK_RATES, HISTORY_VERSION, YEARS_BACK, history_tables, to_cents

if TYPE_CHECKING:
    from kpbkit.pipeline import RunResult

log = logging.getLogger("kpbkit")


# ------------------------------------------------------------------------------------------------ files and configs


@dataclass
class DemoSet:
    """The demo's configs: the main one, its earlier years (year, config) and the comparison municipalities."""

    main: Path
    earlier: list[tuple[int, Path]]
    comparisons: list[tuple[Comparison, Path]]


def _stamp(seed: int, what: str, main: dict[str, Any]) -> dict[str, Any]:
    """What a generated folder was made from: this module's and the generator's versions, the seed, the data set
    and the main config's settings that its generated config copies (a change there regenerates it)."""
    copied = {key: value for key, value in main.items() if key not in ("comparison", "prognos")}
    settings = hashlib.sha256(json.dumps(copied, sort_keys=True, default=str).encode()).hexdigest()
    # "kpbkit.demo_history" (the module this came from) is kept: a new name would regenerate every existing folder
    return {"generator": "kpbkit.demo_history", "version": HISTORY_VERSION, "demo_version": DEMO_VERSION,
            "seed": int(seed), "data": what, "config": settings}


def _up_to_date(folder: Path, stamp: dict[str, Any]) -> bool:
    try:
        return json.loads((folder / STAMP_FILE).read_text(encoding="utf-8")) == stamp
    except (OSError, ValueError):
        return False


def _write(tables: dict[str, pd.DataFrame], folder: Path, *, seed: int, stamp: dict[str, Any]) -> None:
    """Write the extracts (and the stamp last, so an interrupted write is regenerated next time)."""
    (folder / STAMP_FILE).unlink(missing_ok=True)
    write_extracts(tables, folder, seed=seed)
    atomic_write(folder / STAMP_FILE, json.dumps(stamp, sort_keys=True) + "\n")


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def _control_totals(quality: dict[str, Any], ledger: pd.DataFrame, base_year: int, year: int) -> dict[str, Any]:
    """The main config's control totals restated for another ledger and year (as the client's RS would be)."""
    quality = copy.deepcopy(quality)
    dated = ledger[ledger["date"].str.startswith(str(year))]
    cents = to_cents(dated["amount"])
    for total in quality.get("control_totals") or []:
        sel = np.ones(len(dated), dtype=bool)
        if total.get("activities"):
            sel &= dated["activity"].str.strip().isin([str(a).strip() for a in total["activities"]]).to_numpy()
        if total.get("account_prefixes"):
            account = dated["account"].str.strip()
            hit = np.zeros(len(dated), dtype=bool)
            for prefix in total["account_prefixes"]:
                hit |= account.str.startswith(str(prefix).strip()).to_numpy()
            sel &= hit
        total["amount"] = int(cents[sel].sum()) / 100
        total["label"] = str(total.get("label", "")).replace(str(base_year), str(year))
    return quality


def _derived_config(main: dict[str, Any], *, path: Path, folder: Path, year: int, key_file: Path | None,
                    output_root: Path, ledger: pd.DataFrame, client: dict[str, str] | None = None) -> dict[str, Any]:
    """A generated config: the main one's shapes, codes and settings, for another data folder, year or client."""
    config = copy.deepcopy(main)
    base_year = int((main.get("period") or {}).get("year") or YEAR)
    if client is not None:
        config["client"] = client
    config["period"] = {"year": year}
    config["input"] = {**(config.get("input") or {}), "folder": _relative(folder, path.parent)}
    config["ledger_rules"] = _relative(folder / "ledger_rules.csv", path.parent)
    if key_file is not None:
        config["pseudonymisation"] = {"key_file": _relative(key_file, path.parent)}
    config["output"] = {"folder": _relative(output_root, path.parent)}
    lss = config["lss"] = dict(config.get("lss") or {})
    lss["fk_hourly_rates"] = dict(sorted({**FK_RATES, **(lss.get("fk_hourly_rates") or {})}.items()))
    if "quality" in config:
        config["quality"] = _control_totals(config["quality"], ledger, base_year, year)
    # Earlier years and neighbours are compared with nobody, and the forecast's settings (its budget frame, the
    # source of its population forecast) are Exempelkommun 2025's: their runs use the defaults.
    config.pop("comparison", None)
    config.pop("prognos", None)
    return config


def _write_config(path: Path, config: dict[str, Any], about: str) -> None:
    # The header's wording is kept as it was (generated configs stay byte-identical across the package split).
    header = (f"# {about}.\n# Generated by `kpbkit demo` (kpbkit/demo_history.py) from the demo's config; do not edit: "
              "it is rewritten\n# when the demo changes. Synthetic data: Skatteverket's test personnummer only.\n")
    text = header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        atomic_write(path, text)


def prepare_demo(config_path: Path, *, seed: int = DEFAULT_SEED, force: bool = False) -> DemoSet:
    """Generate (when out of date or ``force``) the demo, its earlier years and comparison municipalities.

    Runs :func:`kpbkit.demo.generate.ensure_demo` for the main config, then writes each earlier year and comparison
    municipality beside the main input folder (``<folder>-<year>/``, ``<client id>/``) with its config
    (``<folder>-<year>.yaml``, ``<client id>.yaml``); the comparison municipalities' keys go beside the main key
    file. A data folder whose stamp names this module's and the generator's versions, the seed and the main
    config's settings is left as it is, and so is its config.
    """
    config_path = Path(config_path).resolve()
    ensure_demo(config_path, seed=seed, force=force)
    main = read_config_yaml(config_path) or {}
    folder = config_path_value(config_path, main, "input", "folder")
    assert folder is not None  # ensure_demo raised otherwise
    key_file = config_path_value(config_path, main, "pseudonymisation", "key_file")
    output_root = config_path_value(config_path, main, "output", "folder") or (config_path.parent / "reports")
    base, name = folder.parent, folder.name
    t0 = time.perf_counter()
    tables: dict[str, pd.DataFrame] | None = None
    earlier, comparisons, generated = [], [], 0
    for k in YEARS_BACK:
        year = YEAR - k
        data, path, stamp = base / f"{name}-{year}", base / f"{name}-{year}.yaml", _stamp(seed, f"{name} {year}", main)
        if force or not _up_to_date(data, stamp) or not path.is_file():
            tables = tables if tables is not None else build_demo_tables(seed)
            year_tables = history_tables(tables, k, seed=seed)
            _write(year_tables, data, seed=seed + k, stamp=stamp)
            config = _derived_config(main, path=path, folder=data, year=year, key_file=key_file,
                                     output_root=output_root, ledger=year_tables["ledger"])
            _write_config(path, config, f"{main['client']['name']} {year}, an earlier year for the trend sections")
            log.info("Generated %s %d (earlier year for the trends) in %s", main["client"]["name"], year, data)
            generated += 1
        earlier.append((year, path))
    for comparison in COMPARISONS:
        data, path = base / comparison.client_id, base / f"{comparison.client_id}.yaml"
        stamp = _stamp(seed, f"{comparison.client_id} {YEAR}", main)
        own_key = key_file.parent / f"{comparison.client_id}.key" if key_file is not None else None
        if force or not _up_to_date(data, stamp) or not path.is_file():
            cmp_tables = comparison_tables(comparison, seed=seed)
            _write(cmp_tables, data, seed=seed + comparison.seed_offset, stamp=stamp)
            client = {"id": comparison.client_id, "name": comparison.name, "kommunkod": "0000"}
            config = _derived_config(main, path=path, folder=data, year=YEAR, key_file=own_key,
                                     output_root=output_root, ledger=cmp_tables["ledger"], client=client)
            _write_config(path, config, f"{comparison.name} {YEAR}, a comparison municipality: {comparison.about}")
            log.info("Generated the comparison municipality %s %d in %s", comparison.name, YEAR, data)
            generated += 1
        if own_key is not None:
            ensure_key(own_key)
        comparisons.append((comparison, path))
    if generated:
        log.info("Earlier years and comparison municipalities: %d generated in %.1f s", generated,
                 time.perf_counter() - t0)
    else:
        log.info("Earlier years and comparison municipalities are up to date in %s", base)
    return DemoSet(config_path, earlier, comparisons)


def run_demo(
    config_path: Path,
    *,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    render: bool = True,
    only: str | None = None,
    pdf: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
    publish: bool = False,
    internal: bool = False,
) -> RunResult:
    """Generate what is out of date, run the earlier years and comparison municipalities results-only, then the
    main year (with its reports unless ``render`` is false). Returns the main run's
    :class:`kpbkit.pipeline.RunResult`; ``progress`` goes to the main run (default: log lines)."""
    from kpbkit.pipeline import run_client

    demo_set = prepare_demo(config_path, seed=seed, force=force)
    before = [(f"earlier year {year}", path) for year, path in demo_set.earlier]
    before += [(f"comparison municipality {c.name}", path) for c, path in demo_set.comparisons]
    for i, (what, path) in enumerate(before, start=1):
        t0 = time.perf_counter()
        result = run_client(path, render=False, progress=lambda *_: None)
        log.info("[%d/%d] %s, results only: %s (%.1f s)", i, len(before), what, result.results_dir,
                 time.perf_counter() - t0)
    kwargs = {"progress": progress} if progress is not None else {}
    return run_client(demo_set.main, render=render, only=only, pdf=pdf, publish=publish, internal=internal,
                      **kwargs)
