"""Many clients in one command (``kpbkit batch``): each client runs isolated, a failing one is reported and the
others go on, and a client whose inputs, config, comparisons and kpbkit version are unchanged since its last
successful run is skipped.

Local batches run the clients in worker processes over the machine's cores (``concurrent.futures``); with a
Dask scheduler's address they run on that cluster (``dask.distributed``), each client one task. A worker reads the
client's config and extracts from the paths given, so on a cluster they must be on a folder every worker can read.

Whether a client is *unchanged* is decided from its last run's ``results/run.json`` (:func:`unchanged`): the same
kpbkit version, config hash and hash of every input file, the comparison figures that run would gather now (peers'
and earlier years' results, references) identical to those it wrote, and every product asked for (reports, PDFs)
present from the same templates. Anything else runs again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kpbkit import __version__
from kpbkit.comparisons import write_comparisons
from kpbkit.config import ClientConfig, load_client_config
from kpbkit.errors import ConfigError, KpbkitError
from kpbkit.ingest import file_hash, input_files
from kpbkit.io.processes import cores, process_context

CONFIG_SUFFIXES = (".yaml", ".yml")
OUTCOMES = ("ok", "skipped", "failed")
#: how long to try to reach a Dask scheduler before saying it cannot be reached
CONNECT_TIMEOUT = "10s"


@dataclass(frozen=True)
class Options:
    """What every client of a batch produces: as ``kpbkit run``'s options."""

    render: bool = True
    pdf: bool = True
    publish: bool = False
    internal: bool = False
    force: bool = False


@dataclass(frozen=True)
class ClientOutcome:
    """One client's line of the batch summary."""

    config: str
    client: str
    outcome: str
    seconds: float
    findings: int | None = None
    output: str = ""
    error: str = ""
    #: warnings the client's run logged (kept off the terminal, where clients' lines would interleave)
    warnings: int = 0


def find_configs(paths: Iterable[str | Path]) -> list[Path]:
    """The client configs named: files as given, folders by their ``*.yaml``/``*.yml`` files (sorted)."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in CONFIG_SUFFIXES and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigError("no such config file or folder", file=path,
                              fix="give client config files (.yaml) or a folder holding them")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise ConfigError("no client config (.yaml) in the folders given", file=Path(next(iter(paths), ".")),
                          fix="give client config files, or a folder with one .yaml per client")
    return unique


def _requested_reports(options: Options) -> list[Any]:
    from kpbkit.report.templates_catalog import reports_for

    return reports_for(None) if options.render else []


def unchanged(config: ClientConfig, options: Options) -> bool:
    """Whether the client's last run is still what this batch would produce (see the module's docstring)."""
    record_path = config.output_dir / "results" / "run.json"
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if record.get("outcome") != "ok" or record.get("kpbkit_version") != __version__:
        return False
    if record.get("config_sha256") != config.config_hash:
        return False
    publication = (options.publish or config.report.publication) and not options.internal
    if bool((record.get("report_mode") or {}).get("publication")) != bool(publication):
        return False
    try:
        inputs = {name: {"file": path.name, "sha256": file_hash(path)} for name, path in input_files(config).items()}
    except (KpbkitError, OSError):
        return False
    if config.rules_file is not None and config.rules_file.is_file():
        inputs["ledger_rules"] = {"file": config.rules_file.name, "sha256": file_hash(config.rules_file)}
    if record.get("inputs") != inputs:
        return False
    if not _same_comparisons(config, config.output_dir / "results"):
        return False
    return _products_present(config, record, options)


def _same_comparisons(config: ClientConfig, results: Path) -> bool:
    """The comparison tables this run would write now are byte-identical to those the last run wrote."""
    with tempfile.TemporaryDirectory(prefix="kpbkit-batch-") as scratch:
        try:
            written = write_comparisons(config, Path(scratch))
        except (KpbkitError, OSError):
            return False
        for path in written:
            previous = results / path.name
            if not previous.is_file() or previous.read_bytes() != path.read_bytes():
                return False
    return True


def _products_present(config: ClientConfig, record: dict[str, Any], options: Options) -> bool:
    from kpbkit.report.render import template_record

    recorded = set(record.get("templates") or [])
    for report in _requested_reports(options):
        if template_record(report) not in recorded:
            return False
        suffixes = (".html", ".pdf") if options.pdf else (".html",)
        if not all((config.output_dir / f"{report.name}{suffix}").is_file() for suffix in suffixes):
            return False
    return True


def _findings_count(output_dir: Path) -> int | None:
    path = output_dir / "results" / "findings.csv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        return max(0, sum(1 for _ in handle) - 1)


def run_one(config_path: str, options: Options, *, remote: bool = False) -> ClientOutcome:
    """Run one client of a batch and say how it went; never raises for the client's own errors.

    ``remote``: the call runs on a cluster's worker (a missing file is then named as the worker's).
    """
    from kpbkit.pipeline import run_client

    started = time.perf_counter()
    path = Path(config_path)
    client = {"id": path.stem}  # the config's client id once it is read
    logged: list[logging.LogRecord] = []

    def outcome(kind: str, *, output: str = "", error: str = "", findings: int | None = None) -> ClientOutcome:
        return ClientOutcome(config=str(path), client=client["id"], outcome=kind,
                             seconds=round(time.perf_counter() - started, 2), findings=findings, output=output,
                             error=error, warnings=sum(r.levelno >= logging.WARNING for r in logged))

    if not path.is_file():
        where = f"worker {socket.gethostname()} cannot read" if remote else "cannot read"
        return outcome("failed", error=f"{where} the config {path}: give paths every worker can read "
                                        "(the config and the client's extracts on a shared folder)")
    try:
        with _captured(logged):
            return _run(path, options, outcome, run_client, client)
    except KpbkitError as exc:  # kpbkit's messages name files, rows and keys, never a personnummer
        host = f" (on worker {socket.gethostname()})" if remote else ""
        return outcome("failed", error=f"{str(exc).splitlines()[0]}{host}")
    except Exception as exc:  # noqa: BLE001 - one client's crash must not stop the batch
        # the exception's text may quote input values: only its type and where it happened
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" in {Path(frame.filename).name}:{frame.lineno}" if frame else ""
        return outcome("failed", error=f"internal error: {type(exc).__name__}{where}; run this client alone "
                                       "with `kpbkit --debug run CONFIG` to see it")


def _run(path: Path, options: Options, outcome: Callable[..., ClientOutcome], run_client: Callable[..., Any],
         client: dict[str, str]) -> ClientOutcome:
    config = load_client_config(path)
    client["id"] = config.client_id
    if not options.force and unchanged(config, options):
        return outcome("skipped", output=str(config.output_dir), findings=_findings_count(config.output_dir))
    result = run_client(config, render=options.render, pdf=options.pdf, publish=options.publish,
                        internal=options.internal, progress=lambda *_: None)
    return outcome("ok", output=str(result.output_dir), findings=_findings_count(result.output_dir))


class _PerThread(logging.Handler):
    """Hands each record to the list of the client running in the thread that logged it (a Dask worker runs
    several clients at once, one per thread)."""

    def emit(self, record: logging.LogRecord) -> None:
        records = _ROUTES.get(record.thread or 0)
        if records is not None:
            records.append(record)


_ROUTES: dict[int, list[logging.LogRecord]] = {}
_ROUTES_LOCK = threading.Lock()
_SAVED: list[tuple[list[logging.Handler], int, bool]] = []


@contextlib.contextmanager
def _captured(records: list[logging.LogRecord]) -> Iterator[None]:
    """kpbkit's log records of this thread's client kept in ``records`` instead of printed; the logger as it was
    once no client runs."""
    log = logging.getLogger("kpbkit")
    me = threading.get_ident()
    with _ROUTES_LOCK:
        if not _ROUTES:
            _SAVED.append((list(log.handlers), log.level, log.propagate))
            log.handlers[:] = [_PerThread()]
            log.setLevel(logging.INFO)
            log.propagate = False
        _ROUTES[me] = records
    try:
        yield
    finally:
        with _ROUTES_LOCK:
            del _ROUTES[me]
            if not _ROUTES:
                log.handlers[:], log.level, log.propagate = _SAVED.pop()


def _remote_run(config_path: str, options: Options) -> ClientOutcome:
    return run_one(config_path, options, remote=True)


Progress = Callable[[int, int, ClientOutcome], None]


def run_batch(configs: Sequence[Path], options: Options, *, workers: int | None = None,
              scheduler: str | None = None, progress: Progress | None = None) -> list[ClientOutcome]:
    """Run every client config; the outcomes in the configs' order. ``progress(done, total, outcome)`` is called
    as each client finishes. ``scheduler``: a Dask scheduler's address (``tcp://host:8786``)."""
    total = len(configs)
    done: dict[str, ClientOutcome] = {}

    def finished(result: ClientOutcome) -> None:
        done[result.config] = result
        if progress is not None:
            progress(len(done), total, result)

    if scheduler is not None:
        _run_on_cluster(configs, options, scheduler, finished)
    elif total == 1 or workers == 1:
        for path in configs:
            finished(run_one(str(path), options))
    else:
        context = process_context("kpbkit.pipeline")
        with ProcessPoolExecutor(max_workers=min(workers or cores(), total), mp_context=context) as pool:
            futures = [pool.submit(run_one, str(path), options) for path in configs]
            for future in as_completed(futures):
                finished(future.result())
    return [done[str(path)] for path in configs]


def _run_on_cluster(configs: Sequence[Path], options: Options, address: str,
                    finished: Callable[[ClientOutcome], None]) -> None:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as completed
    except ImportError as exc:
        raise ConfigError("running on a Dask cluster needs dask.distributed, which is not installed",
                          key="--scheduler", fix="pip install 'kpbkit[cluster]' (or run without --scheduler)") from exc
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address} ({type(exc).__name__})", key="--scheduler",
                          fix="check the address (tcp://host:8786), or start one with `dask scheduler` and "
                          "workers with `dask worker ADDRESS`") from exc
    with client:
        futures = {client.submit(_remote_run, str(path), options, pure=False): path for path in configs}
        for future in completed(futures):
            path = futures[future]
            try:
                finished(future.result())
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its client, not the batch
                finished(ClientOutcome(config=str(path), client=path.stem, outcome="failed", seconds=0.0,
                                       error=f"the cluster lost the task ({type(exc).__name__})"))


def summary_rows(outcomes: Sequence[ClientOutcome]) -> list[dict[str, Any]]:
    """The summary as plain rows (the CLI prints them as a table)."""
    return [asdict(o) for o in outcomes]
