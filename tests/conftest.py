"""Shared test fixtures: tiny synthetic client cases written to a temporary folder.

``write_case(tmp_path, **tables)`` writes canonical CSVs into ``tmp_path/input`` plus a client config
(``tmp_path/client.yaml``) and a pseudonymisation key file, and returns the config path. Every table not
named gets a one-row default that runs end to end; ``name=None`` leaves a table out.
"""

from __future__ import annotations

import ast
import gc
import json
import logging
import os
import re
import shutil
import tempfile
import textwrap
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from tests.shared import once_per_session

#: The key written to ``tmp_path/kpbkit.key`` by ``write_case`` (a test value, not a secret)
TEST_KEY = "kpbkit-test-key-0123456789abcdef"

DEFAULT_TABLES: dict[str, str] = {
    "persons": "person_id,birth_date,sex\np1,1941-01-01,M\n",
    "providers": "provider_id,name,regi\nP1,Hemtjansten,egen\n",
    "visits": "person_id,service_code,date,minutes,provider_id\np1,hemtjanst,2025-03-01,60,P1\n",
    "ledger": "date,account,responsibility,activity,amount\n2025-03-31,5010,100,510,1000.00\n",
    "ledger_rules": "activity,account_prefix,responsibility,target,kind\n,,,service:hemtjanst:egen,cost\n",
}


def default_config() -> dict[str, Any]:
    """The config ``write_case`` writes unless told otherwise; paths are relative to the config file."""
    return {
        "client": {"id": "testkommun", "name": "Testkommun", "kommunkod": "0000"},
        "period": {"year": 2025},
        "input": {"folder": "input", "shape": "canonical"},
        "pseudonymisation": {"key_file": "kpbkit.key"},
        "output": {"folder": "reports"},
        # the tests look at everything a run computes: internal mode (a client's default is publication)
        "report": {"publication": False},
    }


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``override`` into a copy of ``base``; a value of ``None`` removes the key."""
    out = dict(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _write_table(path: Path, value: str | pd.DataFrame | list[dict[str, Any]]) -> None:
    if isinstance(value, str):
        path.write_text(textwrap.dedent(value).lstrip("\n"), encoding="utf-8")
        return
    frame = value if isinstance(value, pd.DataFrame) else pd.DataFrame(value)
    frame.to_csv(path, index=False)


def write_case_files(
    tmp_path: Path,
    *,
    config: dict[str, Any] | str | None = None,
    **tables: str | pd.DataFrame | list[dict[str, Any]] | None,
) -> Path:
    """Write a client case under ``tmp_path`` and return its config path.

    Parameters
    ----------
    tmp_path
        The folder to write into (``input/``, ``client.yaml``, ``kpbkit.key``).
    config
        A dict deep-merged over :func:`default_config` (``None`` values remove keys), or raw YAML text
        written as is (to test what YAML itself does, e.g. unquoted numbers).
    **tables
        Canonical tables by name (``persons``, ``visits``, ``ledger_rules``, ...): CSV text (dedented),
        a DataFrame or a list of row dicts. ``None`` leaves the table out.

    Examples
    --------
    >>> cfg = write_case(tmp_path, visits="person_id,service_code,date,minutes\\np1,hemtjanst,2025-01-02,30\\n")
    """
    folder = tmp_path / "input"
    folder.mkdir(parents=True, exist_ok=True)
    for name, value in {**DEFAULT_TABLES, **tables}.items():
        if value is not None:
            _write_table(folder / f"{name}.csv", value)
    (tmp_path / "kpbkit.key").write_text(TEST_KEY + "\n", encoding="utf-8")
    path = tmp_path / "client.yaml"
    if isinstance(config, str):
        path.write_text(textwrap.dedent(config).lstrip("\n"), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(_merge(default_config(), config or {}), sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def write_case() -> Callable[..., Path]:
    """The :func:`write_case_files` helper: ``write_case(tmp_path, config={...}, visits=..., ...)``."""
    return write_case_files


def write_demo_config(folder: Path, **overrides: Any) -> Path:
    """The committed demo config pointed at ``folder`` (data, key, output, comparison folders), plus ``overrides``.

    Returns the config path; :func:`kpbkit.demo.run_demo` generates and runs everything from it.
    """
    from kpbkit.demo import COMPARISONS

    config = folder / "exempelkommun.yaml"
    committed = yaml.safe_load((Path(__file__).resolve().parents[1] / "client_configs" / "exempelkommun.yaml")
                               .read_text(encoding="utf-8"))
    committed["input"]["folder"] = "exempelkommun"
    committed["ledger_rules"] = "exempelkommun/ledger_rules.csv"
    committed["pseudonymisation"] = {"key_file": "demo.key"}
    committed["output"] = {"folder": "reports"}
    committed["report"] = {**(committed.get("report") or {}), "publication": False}  # the session demo: internal
    committed["comparison"] = {**(committed.get("comparison") or {}),
                               "municipalities": [f"reports/{c.client_id}/2025/results" for c in COMPARISONS]}
    committed.update(overrides)
    config.write_text(yaml.safe_dump(committed, allow_unicode=True), encoding="utf-8")
    (folder / "demo.key").write_text("test-key-for-the-demo-smoke-run\n", encoding="utf-8")
    return config


#: The session fixtures that run the whole demo and render its reports. A test that uses one, directly or through
#: another fixture, is marked ``demo`` and ``render`` at collection: ``pytest -m "not render"`` leaves it out.
DEMO_FIXTURES = frozenset({"demo_run", "demo_publication_run"})


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark every test that needs a rendered demo (:data:`DEMO_FIXTURES`) ``demo`` and ``render``."""
    if DEMO_FIXTURES & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.demo)
        item.add_marker(pytest.mark.render)


def demo_tests(source: str, fixtures: frozenset[str] = DEMO_FIXTURES) -> set[str]:
    """The test functions of a module's ``source`` that need a session demo: they, or a fixture of the module they
    take, name one of ``fixtures`` among their arguments."""
    functions = [f for f in ast.parse(source).body if isinstance(f, ast.FunctionDef)]
    needs = set(fixtures)
    for _ in functions:  # fixtures that take fixtures that take a demo, to any depth
        needs |= {f.name for f in functions if needs & {a.arg for a in f.args.args}}
    return {f.name for f in functions if f.name.startswith("test") and f.name in needs}


def shares_module_fixtures(source: str) -> bool:
    """Whether a module's ``source`` defines a module- or class-scoped fixture, or says ``ONE_WORKER = True`` (its
    tests share what a worker computed): its tests belong together."""
    return re.search(r"""scope=["'](module|class)["']|^ONE_WORKER = True""", source, re.M) is not None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep the collected tests and imported modules out of the cyclic garbage collector's passes, and let it run
    less often: the tests make many short-lived pandas objects, and the default thresholds spend 3-5 % of the
    fast loop walking the same long-lived objects again."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


#: the cache key (``.pytest_cache``) of every test's last measured seconds (setup, call and teardown)
DURATIONS_KEY = "kpbkit/durations"
#: the seconds a test is guessed to take when the cache has no measurement of it
UNMEASURED_SECONDS = 0.2
#: the tests of half a second or more as measured on a 2-core machine, committed: a fresh clone (CI) has no
#: ``.pytest_cache`` and would schedule the long units last; ``KPBKIT_RECORD_DURATIONS=1 make test`` writes it anew
KNOWN_DURATIONS = Path(__file__).resolve().parent / "durations.json"
_measured: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each test's seconds (under xdist the controller sees every worker's reports)."""
    _measured[report.nodeid] = _measured.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Keep the measured seconds for the scheduler of the next run (not from an xdist worker: the controller
    saves everything its workers measured)."""
    cache = getattr(session.config, "cache", None)
    if cache is None or hasattr(session.config, "workerinput") or not _measured:
        return
    durations = cache.get(DURATIONS_KEY, {})
    durations = durations if isinstance(durations, dict) else {}
    cache.set(DURATIONS_KEY, {**durations, **{k: round(v, 3) for k, v in _measured.items()}})
    if os.environ.get("KPBKIT_RECORD_DURATIONS") == "1":
        long = {k: round(v, 1) for k, v in sorted(_measured.items()) if v >= 0.5}
        KNOWN_DURATIONS.write_text(json.dumps(long, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist (``make test``: ``-n 3``) one worker takes the tests of the internal demo and another
    those of the publication demo (each demo renders once and is shared through the session's folder:
    :func:`tests.shared.once_per_session`); a module with module-scoped fixtures goes whole to one worker (its
    fixtures are built once); every other test is a unit of its own. Free workers take the demos first, then the
    unit that took longest in the last run (``.pytest_cache``; an unmeasured test counts
    :data:`UNMEASURED_SECONDS`), so the long units start first and the short ones fill the end. Only node ids reach
    the scheduler: :func:`demo_tests` and :func:`shares_module_fixtures` read the modules' source."""
    from xdist.scheduler import LoadScopeScheduling

    root = config.rootpath
    sources = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
               for p in sorted((root / "tests").glob("test_*.py"))}
    demo = {(module, name) for module, source in sources.items() for name in demo_tests(source)}
    published = {(module, name) for module, source in sources.items()
                 for name in demo_tests(source, frozenset({"demo_publication_run"}))}
    whole = {module for module, source in sources.items() if shares_module_fixtures(source)}
    cache = getattr(config, "cache", None)
    durations = cache.get(DURATIONS_KEY, {}) if cache is not None else {}
    durations = durations if isinstance(durations, dict) else {}
    if KNOWN_DURATIONS.is_file():  # this machine's own measurements win
        durations = {**json.loads(KNOWN_DURATIONS.read_text(encoding="utf-8")), **durations}

    class LongestFirst(OrderedDict):
        """The work queue: the scheduler pops the longest unit first (ties: in collection order)."""

        seconds: dict[str, float] = {}

        def __setitem__(self, scope: str, unit: dict[str, bool]) -> None:
            super().__setitem__(scope, unit)
            self.seconds[scope] = sum(float(durations.get(n, UNMEASURED_SECONDS)) for n in unit)

        def popitem(self, last: bool = True) -> tuple[str, dict[str, bool]]:
            # the demos render: always first, the internal one (the publication demo starts from it) first of all
            scope = max(self, key=lambda s: (s == "demo", s == "demo-publication", self.seconds[s]))
            return scope, self.pop(scope)

    class DemoTestsOnOneWorker(LoadScopeScheduling):
        def __init__(self, config: pytest.Config, log: Any = None) -> None:
            super().__init__(config, log)
            self.workqueue = LongestFirst()

        def _split_scope(self, nodeid: str) -> str:
            module, _, rest = nodeid.partition("::")
            test = (module, rest.split("[", 1)[0])
            if test in published:
                return "demo-publication"
            if test in demo:
                return "demo"
            return module if module in whole else nodeid

    return DemoTestsOnOneWorker(config, log)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """One full demo run shared by the report tests, as `kpbkit demo` does it (kpbkit.demo.run_demo).

    Exempelkommun 2025 with every report rendered, after its earlier years 2023 and 2024 and the comparison
    municipalities (results only), so the trend and comparison sections are filled. Everything lives in one
    temporary folder: the data and generated configs beside ``exempelkommun.yaml``, the output under ``reports/``.
    Returns ``(RunResult, data_folder)``; the output is ``result.output_dir`` (``.../reports/exempelkommun/2025``).
    """
    from kpbkit.demo import run_demo

    def build(folder: Path) -> tuple[Any, Path]:
        result = run_demo(write_demo_config(folder), render=True, progress=lambda *a: None)
        return result, result.config.input_folder

    return once_per_session(tmp_path_factory, "demo", build)


@pytest.fixture(scope="session")
def demo_publication_run(demo_run, tmp_path_factory):
    """The session's demo once more in publication mode (``report.publication: true``, HTML and PDF).

    As ``kpbkit demo --publish`` does it, only the main year runs in publication mode: it reuses ``demo_run``'s
    generated data, key and comparison municipalities' results, and a copy of its earlier years' results, and
    renders into its own output folder (``reports-publication/`` in a folder of its own). Returns the main run's
    :class:`kpbkit.pipeline.RunResult`.
    """
    from kpbkit.pipeline import run_client

    def build(folder: Path) -> Any:
        # the config beside the internal one (its relative paths hold), the output in a folder of its own: the
        # internal demo's tests may read its folder while another worker builds this
        internal = demo_run[0].config
        output = folder / "reports-publication"
        config = yaml.safe_load(internal.path.read_text(encoding="utf-8"))
        config["output"] = {"folder": str(output)}
        config["report"] = {**(config.get("report") or {}), "publication": True}
        path = internal.path.parent / "exempelkommun-publication.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        for earlier in sorted(internal.output_dir.parent.iterdir()):  # the trend sections read the earlier years
            if earlier.name.isdigit() and earlier.name != internal.output_dir.name:
                shutil.copytree(earlier, output / earlier.parent.name / earlier.name)
        return run_client(path, render=True, pdf=True, progress=lambda *a: None)

    return once_per_session(tmp_path_factory, "demo-publication", build)


@pytest.fixture
def cli_isolation(monkeypatch, tmp_path):
    """Keep the CLI's logging setup and failed-run copies (the system temp folder) inside one test."""
    log = logging.getLogger("kpbkit")
    saved = (list(log.handlers), log.level, log.propagate)
    failed = tmp_path / "system-tmp"
    failed.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(failed))
    yield failed
    log.handlers[:], log.level, log.propagate = saved
