"""The malformed-input corpus (tests/corpus/, issue 6): every case gives its clear error or its quality finding.

Each case of ``tests/corpus/cases.yaml`` starts from the valid base case of :mod:`shapes` in one source shape,
replaces one input file by a corpus file (or merges a config fragment), then runs the CLI in-process:

- an *error* case runs ``kpbkit run CONFIG --results-only``: the exit code is non-zero, one message names the
  file, row, column or config key and says how to fix it, no traceback, no file under ``reports/`` and the raw
  inputs byte-identical afterwards;
- a *finding* case runs ``kpbkit validate CONFIG``: exit 0 and the check listed with its table and count;
  then ``kpbkit run CONFIG --results-only`` either succeeds with the base case's money (the ledger total of
  reconciliation.csv, plus the case's declared ``money_delta`` where its file adds ledger rows on purpose) or
  stops with an error (``stops: true``);
- a *clean* case (thousands separators, trailing empty columns) validates to the base case's findings and runs
  to the same reconciliation.

Every case that runs has every file it wrote scanned for the inputs' personnummer (CSV, Parquet, xlsx, JSON).

No case may print a personnummer (the corpus holds only Skatteverket test numbers and variants of them).

Cases share work that cannot change what they check (a copy of what was computed from the same bytes): validate's
ingest and model for the case's run (:func:`read_once`), a base file's table read by an earlier case
(:func:`read_files_once`) and the base outcome of each shape (:func:`base_outcome`).
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import logging
import pickle
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner, Result

from kpbkit.cli import main
from tests.privacy import leaked_identities
from tests.shapes import CASE, write_shape
from tests.shared import locked, shared_folder

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "corpus"
#: the manifests: cases.yaml (issue 6) and one cases_<topic>.yaml per later group of cases
MANIFESTS = sorted(CORPUS.glob("cases*.yaml"))
#: files in the corpus folder that are not inputs
NOT_INPUTS = {p.name for p in MANIFESTS} | {"README.md"}
EXPECTATIONS = ("error", "finding", "clean")

CASES: list[dict[str, Any]] = [case for manifest in MANIFESTS
                               for case in yaml.safe_load(manifest.read_text(encoding="utf-8"))["cases"]]

#: a value shaped like a personnummer or samordningsnummer: 10 or 12 digits, optional separator
PNR_SHAPED = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+ ]?[0-9]{4}(?![0-9])")


def _cores(text: str) -> set[str]:
    """The 10-digit core (YYMMDDNNNC) of every personnummer-shaped value in ``text``."""
    return {re.sub(r"[^0-9]", "", m.group(0))[-10:] for m in PNR_SHAPED.finditer(text)}


def _known_identities() -> set[str]:
    """Every identity the tests use: Skatteverket's list, the base case's and the corpus files' (any variant)."""
    listed = (ROOT / "kpbkit" / "data" / "testpersonnummer.csv").read_text(encoding="utf-8")
    known = _cores(listed)
    for _columns, rows in CASE.values():
        known |= _cores(" ".join(" ".join(row) for row in rows))
    for path in CORPUS.iterdir():
        if path.name not in NOT_INPUTS and path.suffix != ".xlsx":
            known |= _cores(path.read_bytes().replace(b"\x00", b"").decode("latin-1"))
    return known


KNOWN_IDENTITIES = _known_identities()


def _params() -> list[Any]:
    return [pytest.param(case, id=case["id"],
                         marks=[pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else [])
            for case in CASES]


pytestmark = pytest.mark.usefixtures("cli_isolation")
#: the cases share what a worker has read and computed (read_files_once, base_outcome): under xdist they all go to
#: one worker (tests/conftest.py), which saves about a tenth of the fast loop
ONE_WORKER = True


def _copy(value: Any) -> Any:
    """A copy no later change can reach back through: frames copied lazily (pandas copies on write), containers and
    dataclasses rebuilt around copies of their parts, anything else deep-copied."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, dict):
        return type(value)((k, _copy(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return type(value)(_copy(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        clone = copy.copy(value)
        for field in dataclasses.fields(value):
            object.__setattr__(clone, field.name, _copy(getattr(value, field.name)))
        return clone
    return copy.deepcopy(value)


@pytest.fixture
def read_once(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """``kpbkit validate`` then ``kpbkit run`` of a case read the same files: the second read (ingest) and model of
    the same config and files are a copy of the first's, so a case pays for them once. What either command
    prints, writes or refuses is computed as before. Returns how often they were computed and reused."""
    from kpbkit import ingest as ingest_module
    from kpbkit import model as model_module
    from kpbkit import pipeline

    counts = {"computed": 0, "reused": 0}
    done: dict[tuple, Any] = {}

    def once(what: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            folder = Path(args[-1].path).parent  # the config, its inputs, rules and key; not the output
            key = (what, *((str(p), p.read_bytes()) for p in sorted(folder.rglob("*"))
                           if p.is_file() and "reports" not in p.relative_to(folder).parts))
            if key in done:
                counts["reused"] += 1
                return _copy(done[key])
            value = real(*args)
            done[key] = _copy(value)
            counts["computed"] += 1
            return value

        return call

    ingest, run_model = once("ingest", ingest_module.ingest), once("model", model_module.run_model)
    for module in (ingest_module, pipeline):
        monkeypatch.setattr(module, "ingest", ingest)
    for module in (model_module, pipeline):
        monkeypatch.setattr(module, "run_model", run_model)
    return counts


#: the tables read in this worker: (reader, its arguments pickled, the bytes of each file it names) -> (the table,
#: the log records its read emitted)
_READS: dict[tuple, tuple[Any, list[logging.LogRecord]]] = {}


@pytest.fixture
def read_files_once(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Every case builds its folder at the same path, so the base case's files it does not replace are the same
    path, bytes and reading instructions as in the cases before it: ingest gets a copy of such a file's table as
    it was read then, its log lines emitted again. A file the case replaces or reads otherwise (other bytes, config,
    columns) is read anew, and a read that fails always runs (failures are not kept). Returns how often a table
    was read and reused."""
    from kpbkit import ingest as ingest_module

    counts = {"read": 0, "reused": 0}
    log = logging.getLogger("kpbkit")

    def once(what: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                key = (what, pickle.dumps((args, sorted(kwargs.items()))),
                       *(Path(a).read_bytes() for a in args if isinstance(a, Path)))
            except (pickle.PicklingError, TypeError, AttributeError, OSError):
                return real(*args, **kwargs)
            if key in _READS:
                counts["reused"] += 1
                table, records = _READS[key]
                for record in records:
                    logging.getLogger(record.name).handle(record)
                return _copy(table)
            records: list[logging.LogRecord] = []
            keep = logging.Handler()
            keep.emit = records.append  # type: ignore[method-assign]
            log.addHandler(keep)
            try:
                table = real(*args, **kwargs)
            finally:
                log.removeHandler(keep)
            _READS[key] = (_copy(table), records)
            counts["read"] += 1
            return table

        return call

    monkeypatch.setattr(ingest_module, "read_source", once("read_source", ingest_module.read_source))
    monkeypatch.setattr(ingest_module, "read_table", once("read_table", ingest_module.read_table))
    return counts


def _merge(base: dict[str, Any], fragment: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in fragment.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def build(root: Path, case: dict[str, Any]) -> Path:
    """The base case of ``case['shape']`` under ``root`` with the case's files and config applied."""
    config = write_shape(root, case["shape"])
    folder = root / "input"
    for name in case.get("remove", []):
        target = folder / name
        assert target.is_file(), f"{case['id']}: base file {name} to remove is not in the {case['shape']} case"
        target.unlink()
    for name, source in case.get("replace", {}).items():
        shutil.copyfile(CORPUS / source, folder / name)
    if case.get("config"):
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        config.write_text(yaml.safe_dump(_merge(data, case["config"]), allow_unicode=True, sort_keys=False),
                          encoding="utf-8")
    with config.open("a", encoding="utf-8") as handle:  # raw YAML: what a parsed fragment cannot hold
        handle.write(case.get("config_text", ""))
        if case.get("config_bytes"):
            handle.write("#" * (case["config_bytes"] - config.stat().st_size) + "\n")
    return config


def snapshot(root: Path) -> dict[str, bytes]:
    """The raw inputs: every file under root/input, and the config."""
    files = {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "input").rglob("*")) if p.is_file()}
    files["client.yaml"] = (root / "client.yaml").read_bytes()
    return files


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_no_personnummer(output: str) -> None:
    leaked = _cores(output) & KNOWN_IDENTITIES
    assert not leaked, f"a test personnummer is in the output: {output}"


def error_message(output: str, root: Path) -> str:
    """The error message (from its ``error:`` line on), with the case's folder written ``<root>``."""
    message = output[output.index("error:"):] if output.startswith("error:") else output[output.index("\nerror:") + 1:]
    for folder in {str(root.resolve()), str(root)}:
        message = message.replace(folder, "<root>")
    return message


def finding_lines(output: str) -> list[str]:
    """validate's finding lines: ``  <severity>: <check> (<table>, <count>) <detail> e.g. <example>``."""
    return [line for line in output.splitlines() if re.match(r"^  (error|warning|info): ", line)]


def has_finding(output: str, check: str, table: str, count: float, detail: str | None) -> bool:
    pattern = re.compile(rf"^  (?:error|warning|info): {re.escape(check)} \({re.escape(table)}, ([0-9.]+)\)")
    for line in finding_lines(output):
        m = pattern.match(line)
        if m and float(m.group(1)) == float(count) and (detail is None or detail in line):
            return True
    return False


_BASE: dict[str, tuple[list[str], bytes]] = {}
RESULTS = Path("reports") / "formkommun" / "2025" / "results"


def ledger_total(results: Path) -> float:
    """The money of a run: the ledger amounts of reconciliation.csv (every mapped and unmapped row)."""
    return ledger_total_of((results / "reconciliation.csv").read_bytes())


def base_outcome(shape: str, tmp_path_factory) -> tuple[list[str], bytes]:
    """The base case's validate finding lines and its reconciliation.csv (computed once per shape and session:
    under pytest-xdist the first worker that needs a shape's computes it, the others read it)."""
    if shape not in _BASE:
        shared = shared_folder(tmp_path_factory)
        with locked(shared / "corpus-base.lock" if shared else None):
            saved = shared / f"corpus-base-{shape}.json" if shared else None
            if saved is not None and saved.is_file():
                stored = json.loads(saved.read_text(encoding="utf-8"))
                _BASE[shape] = (stored["findings"], stored["reconciliation"].encode("latin-1"))
            else:
                _BASE[shape] = _compute_base_outcome(shape, tmp_path_factory)
                if saved is not None:
                    findings, reconciliation = _BASE[shape]
                    stored = {"findings": findings, "reconciliation": reconciliation.decode("latin-1")}  # any bytes
                    temp = saved.with_suffix(".tmp")
                    temp.write_text(json.dumps(stored), encoding="utf-8")
                    temp.replace(saved)
    return _BASE[shape]


def _compute_base_outcome(shape: str, tmp_path_factory) -> tuple[list[str], bytes]:
    root = tmp_path_factory.mktemp(f"base-{shape}")
    config = write_shape(root, shape)
    checked = invoke("validate", config)
    assert checked.exit_code == 0, checked.output
    ran = invoke("run", config, "--results-only")
    assert ran.exit_code == 0, ran.output
    reconciliation = (root / "reports" / "formkommun" / "2025" / "results" / "reconciliation.csv").read_bytes()
    return finding_lines(checked.output), reconciliation


@pytest.mark.parametrize("case", _params())
def test_corpus_case(case: dict[str, Any], tmp_path_factory, monkeypatch, read_once, read_files_once) -> None:
    for name, value in case.get("env", {}).items():
        monkeypatch.setenv(name, value)
    root = tmp_path_factory.getbasetemp() / "corpus-case"  # the same path for every case: see read_files_once
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    config = build(root, case)
    before = snapshot(root)
    reports = root / "reports"

    if "error" in case:
        expect = case["error"]
        started = time.perf_counter()
        result = invoke("run", config, "--results-only")
        assert time.perf_counter() - started < expect.get("seconds", float("inf")), "too slow"
        out = result.output
        assert result.exit_code == expect["exit"], out
        assert "Traceback" not in out, out
        assert sum(line.startswith("error:") for line in out.splitlines()) == 1, out
        message = error_message(out, root)
        assert "internal error" not in message, out
        assert re.search(rf"^error: file \S*/{re.escape(expect['file'])}[,:]", message), out
        if "row" in expect:
            assert f", row {expect['row']}" in message, out
        if "column" in expect:
            assert f", column '{expect['column']}'" in message, out
        if "key" in expect:
            assert f"key '{expect['key']}'" in message, out
        assert expect["phrase"] in message, out
        assert "\n  How to fix: " in message, out
        assert files_under(reports) == [], out
        assert snapshot(root) == before
    elif "finding" in case:
        expect = case["finding"]
        result = invoke("validate", config)
        out = result.output
        assert result.exit_code == 0, out
        assert "Traceback" not in out, out
        assert has_finding(out, expect["check"], expect["table"], expect["count"], expect.get("detail")), out
        assert files_under(reports) == [], out
        assert snapshot(root) == before
        ran = invoke("run", config, "--results-only")
        out += ran.output
        if case.get("stops"):
            assert ran.exit_code != 0 and "error:" in ran.output and "internal error" not in ran.output, ran.output
            assert files_under(reports) == [], ran.output
        else:
            assert ran.exit_code == 0, ran.output
            _findings, base_reconciliation = base_outcome(case["shape"], tmp_path_factory)
            base_money = ledger_total_of(base_reconciliation)
            money = ledger_total(root / RESULTS)
            assert money == pytest.approx(base_money + case.get("money_delta", 0), abs=0.005), (money, base_money)
        assert snapshot(root) == before
    else:
        findings, reconciliation = base_outcome(case["shape"], tmp_path_factory)
        result = invoke("validate", config)
        out = result.output
        assert result.exit_code == 0, out
        assert finding_lines(out) == findings, out
        ran = invoke("run", config, "--results-only")
        assert ran.exit_code == 0, ran.output
        assert (reports / "formkommun" / "2025" / "results" / "reconciliation.csv").read_bytes() == reconciliation
        out += ran.output
    assert "Traceback" not in out, out
    assert_no_personnummer(out)
    if reports.exists():
        assert leaked_identities(reports, KNOWN_IDENTITIES) == {}


def ledger_total_of(reconciliation_csv: bytes) -> float:
    return float(pd.read_csv(io.BytesIO(reconciliation_csv))["ledger_amount"].sum())


def test_manifest_covers_the_corpus() -> None:
    assert len(CASES) >= 35
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    used: set[str] = set()
    for case in CASES:
        assert case["shape"] in ("canonical", "swedish_utf8", "swedish_cp1252", "swedish_excel", "register"), case
        assert sum(key in case for key in EXPECTATIONS) == 1, f"{case['id']}: give one of {EXPECTATIONS}"
        assert any(case.get(k) for k in ("replace", "config", "config_text", "config_bytes")), \
            f"{case['id']}: replaces nothing"
        for source in case.get("replace", {}).values():
            assert (CORPUS / source).is_file(), f"{case['id']}: corpus file {source} is missing"
            used.add(source)
    files = {p.name for p in CORPUS.iterdir() if p.is_file()} - NOT_INPUTS
    assert files - used == set(), "corpus files no case uses"


def test_corpus_files_are_small_and_in_their_encoding() -> None:
    """Small files, and the Windows-1252 ones really are: not valid UTF-8 where they hold å, ä or ö."""
    for path in CORPUS.iterdir():
        if path.name in NOT_INPUTS:
            continue
        data = path.read_bytes()
        assert len(data) < 10_000, f"{path.name} is not small"
    for case in CASES:
        if case["shape"] not in ("swedish_cp1252", "register"):
            continue
        for name, source in case.get("replace", {}).items():
            data = (CORPUS / source).read_bytes()
            if name.endswith(".csv") and any(ch in data for ch in "åäöÅÄÖ".encode("cp1252")) and \
                    b"\x00" not in data:
                with pytest.raises(UnicodeDecodeError):
                    data.decode("utf-8")
