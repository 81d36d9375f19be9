"""The ``kpbkit`` command: run, batch, network, render, validate, new-client, demo, demo-network, lab, keygen and
references.

User errors print one clear message and exit non-zero without a traceback (``--debug`` shows it).
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import signal
import sys
import traceback
import warnings
from pathlib import Path

import click

from kpbkit import __version__
from kpbkit.errors import KpbkitError
from kpbkit.io import processes  # noqa: F401 - its snapshot of the warning filters, taken before main() changes them

DEMO_CONFIG = Path("client_configs/exempelkommun.yaml")


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time of each record (not the stream of the first call)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(self.format(record), err=True)
        except Exception:  # noqa: BLE001 - logging must never break a run
            self.handleError(record)


def _setup_logging(quiet: bool, *, verbose: bool = False) -> None:
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("kpbkit")
    log.handlers[:] = [handler]
    log.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    log.propagate = False


def _silence_libraries() -> None:
    """Keep the log lines of libraries (papermill, nbclient, jupyter_client, asyncio) off the terminal."""
    root = logging.getLogger()
    if not any(isinstance(handler, logging.NullHandler) for handler in root.handlers):
        root.addHandler(logging.NullHandler())  # instead of logging.lastResort, which prints warnings


class KpbkitGroup(click.Group):
    """Turns kpbkit errors into one message and an exit code; tracebacks only with --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KpbkitError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.secho(f"error: {exc.message}", fg="red", err=True)
            sys.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt as exc:
            # Ctrl-C: one line saying what became of the output (kpbkit.io.staging.RunInterrupted), exit 130
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not print a traceback now
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.secho(f"interrupted: {exc}" if str(exc) else "interrupted", fg="red", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader of our output went away (e.g. `kpbkit validate ... | head`): stop quietly.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:  # wherever a path is first used
                from kpbkit.io.readers import path_error

                click.secho(f"error: {path_error(exc.filename or '?', exc).message}", fg="red", err=True)
                sys.exit(2)
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            else:
                # The message of an unexpected error may quote data, so only its type is shown.
                click.secho(
                    f"internal error ({type(exc).__name__}); rerun with --debug to see the traceback "
                    "and report it",
                    fg="red",
                    err=True,
                )
            sys.exit(1)


@click.group(cls=KpbkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kpbkit")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print kpbkit's detailed (debug) messages too.")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool, verbose: bool) -> None:
    """KPB (kostnad per brukare) analyses for Swedish social services.

    Reads a client's data as named by its config (client_configs/<client>.yaml), computes the KPB
    model reconciled to the öre and writes reports/<client>/<period>/results/.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any value turns colour off
        ctx.color = False
    _setup_logging(quiet, verbose=verbose)
    if not debug:
        warnings.simplefilter("ignore")
        _silence_libraries()


@main.command()
@click.argument("config", type=click.Path(path_type=Path))
@click.option("--only", "only", metavar="AREA", help="Render only this area's report (e.g. aldreomsorg).")
@click.option("--no-pdf", is_flag=True, help="Render HTML only, skip the PDF.")
@click.option("--results-only", is_flag=True, help="Write the results folder only, no reports.")
@click.option("--publish", is_flag=True, help="Publication mode (the default) even where the config says "
              "report.publication: false.")
@click.option("--internal", is_flag=True, help="Internal working material: individual-level detail, small counts "
              "shown, every page marked 'Arbetsmaterial'. Never send it outside the consultancy.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a config key for this run, e.g. --set report.threshold=10 (repeatable).")
@click.option("--period", "period", metavar="YEAR", type=int, help="Run another calendar year than the config's.")
def run(config: Path, only: str | None, no_pdf: bool, results_only: bool, publish: bool, internal: bool,
        overrides: tuple[str, ...], period: int | None) -> None:
    """Run the KPB model for CONFIG and render its reports.

    Writes reports/<client>/<period>/: results/ (the contract's tables and run.json), interim/ (pseudonymised
    tables), and per area the executed notebook, an HTML and a PDF report.

    Example: kpbkit run client_configs/exempelkommun.yaml --only aldreomsorg
    """
    from kpbkit.pipeline import run_client

    if publish and internal:
        raise click.UsageError("give --publish or --internal, not both")
    result = run_client(_config_with(config, overrides, period), render=not results_only, only=only,
                        pdf=not no_pdf, publish=publish, internal=internal)
    _print_run(result)


@main.command()
@click.argument("period_folder", metavar="PERIOD_FOLDER", type=click.Path(path_type=Path))
@click.option("--only", "only", metavar="AREA", help="Render only this area's report (e.g. aldreomsorg).")
@click.option("--no-pdf", is_flag=True, help="Render HTML only, skip the PDF.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Change a setting only the reports read, e.g. --set prognos.population_source='SCB 2025' "
              "(repeatable); every other key needs `kpbkit run --set`.")
@click.option("--period", "period", metavar="YEAR", type=int,
              help="Render the run of another year: <client>/<YEAR> beside PERIOD_FOLDER (or in it, given the "
              "client's folder).")
def render(period_folder: Path, only: str | None, no_pdf: bool, overrides: tuple[str, ...],
           period: int | None) -> None:
    """Render the reports of an earlier run again from its PERIOD_FOLDER alone.

    PERIOD_FOLDER is <output>/<client>/<period> of a `kpbkit run` (also --results-only). The reports read
    only its results/ and interim/: the client's config and raw extracts are not needed. They are rendered in
    the mode the run recorded (publication, or internal after `kpbkit run --internal`); the folder is replaced
    whole when every report succeeded. --set changes only what the reports alone read (the forecast's
    population source in words), recorded in run.json; the mode, the threshold and every setting the run's
    numbers or workbooks depend on are changed by running again (`kpbkit run CONFIG --set KEY=VALUE`).

    Example: kpbkit render reports/exempelkommun/2025 --only lss
    """
    from kpbkit.pipeline import render_run, report_files
    from kpbkit.report.templates_catalog import reports_for

    period_folder = _render_folder(period_folder, period)
    settings = _render_settings(overrides)
    names = {r.name for r in reports_for(only)}
    for key, report in RENDER_KEYS.items():
        section, _, name = key.partition(".")
        if name in settings.get(section, {}) and report not in names:
            raise KpbkitError(f"--set {key} shows in the {report} report, which --only {only} leaves out",
                              fix=f"render it too: --only {report}, or no --only")
    with _recorded_settings(period_folder, settings):
        folder = render_run(period_folder, only=only, pdf=not no_pdf)
    _print_outputs(folder, [f for f in report_files(reports_for(only)) if (folder / f).is_file()
                            and (not no_pdf or not f.endswith(".pdf"))])


#: the settings of run.json's config record that only the reports read (no number, workbook or finding of the
#: run depends on them), so `kpbkit render --set` may change them; by the report that shows them
RENDER_KEYS = {"prognos.population_source": "prognos"}


def _render_folder(folder: Path, period: int | None) -> Path:
    """The period folder ``render`` works on: ``folder``, or with ``--period`` the year's folder beside it (or in
    it, when ``folder`` is the client's folder)."""
    if period is None:
        return folder
    beside = folder.parent / str(period) if (folder / "results" / "run.json").is_file() else folder / str(period)
    if not (beside / "results" / "run.json").is_file():
        raise KpbkitError(f"no run for {period} in {beside.parent}: {beside} holds no results/run.json",
                          fix=f"run `kpbkit run CONFIG --period {period}` first, or give that year's period folder")
    return beside


def _render_settings(overrides: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """``render --set`` items as ``{section: {key: value}}``, checked: only :data:`RENDER_KEYS`, valid values."""
    from pydantic import ValidationError

    from kpbkit.config.loading import apply_overrides, plain_message
    from kpbkit.config.schema import PrognosSection
    from kpbkit.errors import ConfigError

    allowed = ", ".join(RENDER_KEYS)
    for item in overrides:
        key = item.partition("=")[0].strip()
        if "=" in item and key not in RENDER_KEYS:
            why = ("the run applied it to the workbooks as well (kpb_<client>_<period>.xlsx, "
                   "results/pa_six_month.xlsx): a folder's reports and workbooks share one mode and threshold"
                   if key.startswith("report.") else
                   "render draws the reports from the run's results, and the run's numbers, findings and "
                   "workbooks were made with the config as it was")
            raise ConfigError(f"--set {key}: render cannot change it: {why}",
                              fix=f"run again with it: `kpbkit run CONFIG --set {item}` (render --set takes only "
                                  f"{allowed})")
    settings = apply_overrides({}, overrides)
    try:
        PrognosSection.model_validate(settings.get("prognos", {}))
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(f"--set prognos.{'.'.join(map(str, err['loc']))}: {plain_message(err)}") from None
    return settings


def _recorded_settings(folder: Path, settings: dict[str, dict[str, object]]):
    """Context: run.json's config record with ``settings`` while the reports render (they read it), kept when the
    render succeeds (the render's run.json carries it), the run's own record back when it fails."""
    import contextlib
    import json

    from kpbkit.results import write_run_json

    @contextlib.contextmanager
    def recorded():
        path = folder / "results" / "run.json"
        if not settings or not path.is_file():
            yield
            return
        before = path.read_bytes()
        record = json.loads(before)
        config = record.get("config") if isinstance(record.get("config"), dict) else {}
        for section, values in settings.items():
            config[section] = {**(config.get(section) or {}), **values}
        write_run_json(record, path.parent)
        try:
            yield
        except BaseException:
            path.write_bytes(before)
            raise

    return recorded()


@main.command("new-client")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--id", "client_id", metavar="ID", help="The client's id (default: the folder's name), e.g. karlstad.")
@click.option("--name", metavar="NAME", help="The municipality's name, e.g. 'Karlstads kommun'.")
@click.option("--kommunkod", default="0000", show_default=True, help="The municipality's four-digit code.")
@click.option("--year", type=int, default=2025, show_default=True, help="The period's calendar year.")
@click.option("--like", type=click.Path(path_type=Path, exists=True, dir_okay=False), metavar="CONFIG",
              help="Copy the input section (shape, files, headers, code lists) and LSS settings of this config.")
def new_client_command(folder: Path, client_id: str | None, name: str | None, kommunkod: str, year: int,
                       like: Path | None) -> None:
    """Start a new client in FOLDER: a commented config, a ledger-rules template, an extracts folder, a key.

    Example: kpbkit new-client ~/kpb/karlstad --name "Karlstads kommun" --kommunkod 1780
    """
    from kpbkit.scaffold import new_client

    made = new_client(folder, client_id=client_id, name=name, kommunkod=kommunkod, year=year, like=like)
    click.echo(f"Config:       {made.config}")
    click.echo(f"Ledger rules: {made.rules}")
    click.echo(f"Extracts:     {made.extracts}/")
    click.echo(f"Key:          {made.key} (readable by you only; keep it out of git and backups you share)")
    click.echo("Next:")
    click.echo(f"  1. put the client's extracts in {made.extracts}/")
    click.echo(f"  2. edit {made.config.name}: name, codes, FK's rate; and the ledger rules")
    click.echo(f"  3. kpbkit validate {made.config}   (until it says what you expect)")
    click.echo(f"  4. kpbkit run {made.config}")


def _config_with(path: Path, overrides: tuple[str, ...], period: int | None):
    """The config at ``path`` with the command line's ``--set`` items and ``--period`` applied."""
    from kpbkit.config import load_client_config

    items = [*overrides, *([f"period={{year: {period}}}"] if period is not None else [])]
    return load_client_config(path, items)


def _print_outputs(folder: Path, names: list[str] | None = None) -> None:
    """The results folder and the reports (``names``: those written now; ``None``: every report in the folder)."""
    click.echo(f"Results:  {folder / 'results'}")
    files = [folder / n for n in names] if names is not None else sorted(folder.glob("*.html")) + sorted(
        folder.glob("*.pdf"))
    for path in sorted(files, key=lambda p: (p.suffix != ".xlsx", p.suffix, p.name)):
        click.echo(f"{'Workbook:' if path.suffix == '.xlsx' else 'Report:  '} {path}")


def _print_run(result) -> None:
    """What this run wrote (never an older file left in the folder), its log, the data quality and the findings;
    reports kept from an earlier run are named as such."""
    from kpbkit.report.summary import findings_per_area, quality_counts

    folder = result.output_dir
    _print_outputs(folder, [n for n in result.written if n not in ("results", "interim")])
    warned = f" ({len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''})" if result.warnings else ""
    click.echo(f"Log:      {folder / 'results' / 'run.log'}{warned}")
    quality = quality_counts(folder / "results")
    if quality is not None:
        report = folder / "kvalitet.html"
        where = f"see {report}" if report.name in result.written else "`kpbkit validate` lists them"
        click.echo(f"Quality:  {quality}: {where}")
    findings = findings_per_area(folder / "results")
    if findings:
        click.echo(f"Findings: {findings}")
    stale = sorted({c.split("/")[0] for c in result.carried if c.split("/")[0].endswith((".html", ".pdf"))})
    if stale:
        click.secho(f"warning: kept from an earlier run, not made from these results: {', '.join(stale)}; "
                    "run without --only to bring them up to date", fg="yellow", err=True)


@main.command()
@click.argument("config", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 when there is any warning (a gate before a full run or in CI).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a config key, e.g. --set comparison.history_years=0 (repeatable).")
@click.option("--period", "period", metavar="YEAR", type=int, help="Check another calendar year than the config's.")
def validate(config: Path, strict: bool, overrides: tuple[str, ...], period: int | None) -> None:
    """Check CONFIG, its ledger rules and its input files without writing anything.

    Reads every input file, runs the model in memory (reconciliation included) and lists every
    data-quality finding: check id, table, count, what it means and an example row. Then checks what a full
    run needs beyond that (comparison municipalities with results, earlier years, a population forecast when
    prognos asks for one, FK's hourly rate for the period) and counts everything per severity.

    Example: kpbkit validate client_configs/exempel.yaml --strict
    """
    from kpbkit.ingest import ingest
    from kpbkit.model import run_model
    from kpbkit.model.rules import ledger_rules

    cfg = _config_with(config, overrides, period)
    click.echo(f"Config OK: {cfg.client_name} ({cfg.client_id}), period {cfg.period.label}, "
               f"{len(ledger_rules(cfg))} ledger rules")
    data = ingest(cfg)
    rows = ", ".join(f"{name} {len(frame)}" for name, frame in data.tables().items() if len(frame))
    click.echo(f"Input OK: {rows}")
    model = run_model(data, cfg)
    click.echo(f"Model OK: reconciled to the öre; {len(model.data_quality)} data-quality finding(s)")
    from kpbkit.model.forecast import check_settings

    check_settings(cfg, model.person_costs)
    click.echo(f"Forecast settings OK: {len(cfg.prognos.scenarios)} scenario(s), horizon {cfg.prognos.horizon} years")
    for finding in model.data_quality.to_dict("records"):
        example = f" e.g. {finding['example']}" if finding.get("example") else ""
        click.echo(f"  {finding['severity']}: {finding['check']} ({finding['table']}, {finding['count']}) "
                   f"{finding['detail']}{example}")
    from kpbkit.readiness import readiness_checks

    ready = readiness_checks(cfg, data, model)
    click.echo(f"Full run: {'everything it needs is there' if not ready else 'check the lines below'}")
    for item in ready:
        click.echo(f"  {item.severity} (full run): {item.check} {item.detail}\n    How to fix: {item.fix}")
    severities = [*model.data_quality["severity"].astype(str), *(item.severity for item in ready)]
    counts = {s: severities.count(s) for s in ("error", "warning", "info")}
    click.echo(f"Summary: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s)")
    if strict and (counts["error"] or counts["warning"]):
        click.secho("error: --strict: the warnings above must be fixed (or accepted by running without --strict)",
                    fg="red", err=True)
        sys.exit(1)


@main.command()
@click.option("--config", "config", type=click.Path(path_type=Path), default=DEMO_CONFIG, show_default=True,
              help="The demo municipality's config.")
@click.option("--regenerate", is_flag=True, help="Generate the demo data anew even if it exists.")
@click.option("--no-pdf", is_flag=True, help="Render HTML only, skip the PDF.")
@click.option("--publish", is_flag=True, help="Publication mode (the default) even where the config says "
              "report.publication: false.")
@click.option("--internal", is_flag=True, help="Internal working material: individual-level detail, every page "
              "marked 'Arbetsmaterial'.")
def demo(config: Path, regenerate: bool, no_pdf: bool, publish: bool, internal: bool) -> None:
    """Generate the demo municipality Exempelkommun and run everything on it.

    The demo's raw extracts (synthetic; Skatteverket's test personnummer only) are written under
    .kpbkit/demo/ with a pseudonymisation key, then ingested like a real client's data: first
    Exempelkommun's earlier years 2023 and 2024 and the comparison municipalities Grannby and
    Jämförstad (results only, for the reports' trend and comparison sections), then 2025 with every report.
    """
    from kpbkit.demo import run_demo

    if not config.is_file():
        raise KpbkitError(f"demo config {config} not found", fix="run the demo from the kpbkit project folder")
    if publish and internal:
        raise click.UsageError("give --publish or --internal, not both")
    result = run_demo(config, force=regenerate, pdf=not no_pdf, publish=publish, internal=internal)
    _print_run(result)


def _write_key(path: Path, *, force: bool = False) -> None:
    """Write a new random key to ``path``, mode 0600, never through a symbolic link.

    A new file is created exclusively; with ``force`` an existing one is replaced by renaming a complete
    0600 file over it (writing into the old file would keep its mode, and a rename never follows a link).
    """
    import tempfile

    if path.is_symlink():
        raise KpbkitError(f"{path} is a symbolic link; a key is not written through one",
                          fix="give the path of the key file itself, not of a link to it")
    content = (secrets.token_hex(32) + "\n").encode()
    if not force:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            raise KpbkitError(f"{path} already exists",
                              fix="use --force to replace it (pseudonyms will change)") from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        return
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing key (pseudonyms will change).")
def keygen(path: Path, force: bool) -> None:
    """Write a new random pseudonymisation key to PATH (readable by you only).

    Keep it outside any git repository and back it up: the same key gives the same pseudonyms.
    """
    if path.exists() and not path.is_symlink() and not force:
        raise KpbkitError(f"{path} already exists", fix="use --force to replace it (pseudonyms will change)")
    if path.is_dir() and not path.is_symlink():
        raise KpbkitError(f"{path} is a folder", fix="give the path of the key file, e.g. ~/.kpbkit/<client>.key")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        _write_key(path, force=force)
    except KpbkitError:
        raise
    except OSError as exc:
        raise KpbkitError(f"cannot write the key to {path} ({exc.strerror or type(exc).__name__})",
                          fix="choose a folder you may write to") from None
    click.echo(f"Key written: {path} (readable by you only)")


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("config", type=click.Path(path_type=Path))
@click.argument("jupyter_args", nargs=-1, type=click.UNPROCESSED)
@click.option("--no-browser", is_flag=True, help="Start JupyterLab without opening a browser (passed to jupyter lab).")
@click.option("--dry-run", is_flag=True, help="Only write the notebook and print the jupyter lab command.")
@click.option("--fresh", is_flag=True, help="Overwrite an existing utforska.ipynb (your own cells in it are lost).")
def lab(config: Path, jupyter_args: tuple[str, ...], no_browser: bool, dry_run: bool, fresh: bool) -> None:
    """Open the interactive explorer for CONFIG's results in JupyterLab.

    Writes reports/<client>/<period>/utforska.ipynb, the explorer template with this client's config path,
    period and results folder filled in (not executed; an existing copy is kept unless --fresh), then starts
    jupyter lab on it. Needs the run's results: run `kpbkit run CONFIG` first. Arguments after `--` go to
    jupyter lab as they are (e.g. `-- --port 8899`). JupyterLab's settings there (.kpbkit-lab/ beside the
    notebook): widget state saved with the notebook, autosave after 5 s, no news pop-up.

    Example: kpbkit lab client_configs/exempelkommun.yaml
    """
    import shlex
    import subprocess

    from kpbkit.lab import lab_command, write_lab_notebook, write_lab_settings

    notebook = write_lab_notebook(config, fresh=fresh)
    settings = write_lab_settings(notebook.parent)
    command = lab_command(notebook, no_browser=no_browser, settings=settings) + list(jupyter_args)
    click.echo(f"Notebook: {notebook}")
    click.echo(f"Command:  {shlex.join(command)}")
    if dry_run:
        return
    try:
        code = subprocess.call(command)
    except FileNotFoundError as exc:
        raise KpbkitError("jupyter lab is not installed in this environment",
                          fix="install kpbkit with its dependencies (`make demo` or `pip install -e .`)") from exc
    if code:
        sys.exit(code)


@main.group()
def references() -> None:
    """Write reference files that a config names under comparison.reference_files."""


@references.command("kolada")
@click.option("--municipality", "-m", "municipalities", multiple=True, required=True, metavar="CODE|NAME",
              help="A municipality by Kolada code (0180; 0000 = riket; G... = a Kolada group) or by name "
                   "(Lund); repeat it or separate with commas.")
@click.option("--year", "-y", "years", multiple=True, metavar="YEAR|FROM-TO",
              help="Kolada periods, e.g. 2023 or 2021-2023; repeat or separate with commas. "
                   "Default: the three years before this one.")
@click.option("--kpi", "kpis", multiple=True, metavar="ID",
              help="Kolada KPI ids to fetch (e.g. N33100). Default: every KPI in the mapping.")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="The reference file to write (CSV in the shape of kpbkit/data/reference_values.csv).")
@click.option("--per-municipality", is_flag=True,
              help="One row per municipality instead of their unweighted mean (with lowest-highest as range).")
@click.option("--mapping", type=click.Path(path_type=Path),
              help="A mapping file from Kolada ids to kpbkit KPIs (default: kpbkit/data/kolada_kpis.csv).")
@click.option("--api", default=None, metavar="URL", help="The Kolada API's base URL (default: v3).")
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Seconds to wait for each answer.")
@click.option("--force", is_flag=True, help="Overwrite an existing --out file.")
def references_kolada(municipalities: tuple[str, ...], years: tuple[str, ...], kpis: tuple[str, ...], out: Path,
                      per_municipality: bool, mapping: Path | None, api: str | None, timeout: float,
                      force: bool) -> None:
    """Fetch official figures from Kolada (RKA) and write them as a reference file.

    Kolada's KPIs are mapped to kpbkit's KPIs by kpbkit/data/kolada_kpis.csv (docs/references.md says which
    and where the definitions differ). Name the written file in the client's config:
    comparison: {reference_files: [FILE]} (relative to the config).

    Example: kpbkit references kolada -m Lund -m Kungsbacka -y 2022-2024 --out references/kolada.csv
    """
    import datetime as dt

    from kpbkit import kolada
    from kpbkit.comparisons import reference_file

    if out.exists() and not force:
        raise KpbkitError(f"{out} already exists", fix="use --force to replace it, or choose another --out")
    this_year = dt.date.today().year
    wanted_years = kolada.parse_years(years) if years else list(range(this_year - 3, this_year))
    client = kolada.KoladaClient(api or kolada.DEFAULT_API, timeout=timeout)
    fetched = kolada.fetch_references(client, municipalities=municipalities, years=wanted_years, kpis=kpis,
                                      mapping=kolada.read_mapping(mapping) if mapping else None,
                                      per_municipality=per_municipality)
    if not len(fetched.frame):
        raise kolada.KoladaError(
            f"Kolada has no value of {', '.join(fetched.kpis)} for {', '.join(fetched.municipalities)} in "
            f"{', '.join(map(str, fetched.years))}; nothing written",
            fix="try other years (Kolada publishes a year's figures during the following year)")
    kolada.write_reference_file(fetched.frame, out)
    reference_file(out)  # the written file must load as references
    names = ", ".join(f"{name} ({code})" for code, name in fetched.municipalities.items())
    click.echo(f"Reference file written: {out} ({len(fetched.frame)} rows, version "
               f"{fetched.frame['version'].iloc[0]})")
    click.echo(f"  municipalities: {names}; years: {', '.join(map(str, fetched.years))}")
    if fetched.missing_values:
        click.echo(f"  {fetched.missing_values} value(s) are empty in Kolada and were left out")


from kpbkit.cli_many import batch, demo_network, network  # noqa: E402 - registered on main, defined above

for _command in (batch, network, demo_network):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
