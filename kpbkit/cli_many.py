"""The ``kpbkit`` commands over many municipalities: batch, network and demo-network (added to
:func:`kpbkit.cli.main`, whose error handling they share)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.argument("configs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="Clients run at once on this machine (default: one per core).")
@click.option("--scheduler", metavar="ADDRESS", help="Run on a Dask cluster, e.g. tcp://10.0.0.5:8786; the configs "
              "and the clients' extracts must be on a folder every worker can read.")
@click.option("--force", is_flag=True, help="Run every client, also those unchanged since their last run.")
@click.option("--no-pdf", is_flag=True, help="Render HTML only, skip the PDF.")
@click.option("--results-only", is_flag=True, help="Write the results folders only, no reports.")
@click.option("--publish", is_flag=True, help="Publication mode (the default) even where a config says "
              "report.publication: false.")
@click.option("--internal", is_flag=True, help="Internal working material for every client (see `run --help`).")
def batch(configs: tuple[Path, ...], workers: int | None, scheduler: str | None, force: bool, no_pdf: bool,
          results_only: bool, publish: bool, internal: bool) -> None:
    """Run many clients: CONFIGS are client config files or folders of them.

    Each client runs on its own (a failing client is reported and the others go on); a client whose inputs,
    config, comparison figures and kpbkit version are unchanged since its last successful run is skipped unless
    --force. Ends with a summary table; exits non-zero when any client failed.

    Example: kpbkit batch client_configs/ --no-pdf
    """
    from kpbkit.batch import Options, find_configs, run_batch

    if publish and internal:
        raise click.UsageError("give --publish or --internal, not both")
    paths = find_configs(configs)
    options = Options(render=not results_only, pdf=not no_pdf, publish=publish, internal=internal, force=force)
    where = f"on {scheduler}" if scheduler else "on this machine"
    click.echo(f"Running {len(paths)} client(s) {where}")

    outcomes = run_batch(paths, options, workers=workers, scheduler=scheduler, progress=_print_progress)
    _print_batch_summary(outcomes)
    failed = [o for o in outcomes if o.outcome == "failed"]
    if failed:
        click.echo(f"error: {len(failed)} of {len(outcomes)} client(s) failed: "
                   + ", ".join(o.client for o in failed), err=True)
        sys.exit(1)


@click.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("reports/natverk"), show_default=True,
              help="Where the network's tables and workbook go.")
@click.option("--threshold", type=click.IntRange(min=0), metavar="N",
              help="Leave out figures resting on fewer persons than N (default: the area reports' publication "
              "threshold, report.threshold's default; 0: keep every figure, a working copy).")
@click.option("--no-pdf", is_flag=True, help="Render the report as HTML only (no PDF).")
@click.option("--tables-only", is_flag=True, help="Write the tables and the workbook, not the report.")
def network(folders: tuple[Path, ...], out: Path, threshold: int | None, no_pdf: bool, tables_only: bool
            ) -> None:
    """The KPB network: FOLDERS are the municipalities' period folders (<output>/<client>/<period>).

    Per key figure the distribution over the municipalities (N, min, quartiles, median, max) and each
    municipality's rank (1 = lowest) and index against the median, the structure behind the cost
    differences (age mix, extern regi's share, coverage), as CSV, as a workbook (natverk.xlsx) and as the
    network report natverk.html / natverk.pdf (a page per municipality).

    Example: kpbkit network reports/*/2025 --out reports/natverk
    """
    from kpbkit.privacy import DEFAULT_THRESHOLD
    from kpbkit.report.network import write_network

    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    for path in write_network(list(folders), out, threshold=threshold or None, render=not tables_only,
                              pdf=not no_pdf):
        click.echo(f"Written: {path}")


@click.command("demo-network")
@click.option("--out", "folder", type=click.Path(path_type=Path), default=Path(".kpbkit/demo-network"),
              show_default=True, help="The network's folder: data/, configs/ and reports/.")
@click.option("--scale", type=click.FloatRange(min=0.001, max=10), default=1.0, show_default=True,
              help="Factor on every municipality's size, e.g. 0.1 for a quick look.")
@click.option("--workers", type=click.IntRange(min=1), help="Municipalities run at once (default: one per core).")
@click.option("--no-pdf", is_flag=True, help="Render HTML only, skip the PDF.")
@click.option("--results-only", is_flag=True, help="Write the results folders only, no reports.")
def demo_network(folder: Path, scale: float, workers: int | None, no_pdf: bool, results_only: bool) -> None:
    """Generate the demo network of 12 synthetic municipalities and run them as one batch.

    The municipalities (about 3 000 to 150 000 inhabitants; rural and urban, old and young, own care and
    bought care) are written under --out when missing: data/<client>/, configs/<client>.yaml. They run as
    `kpbkit batch FOLDER/configs` would (unchanged ones skipped), each into reports/<client>/2025/; then the
    network report (natverk.html/.pdf, its tables and workbook; with --results-only the tables and workbook
    only) is written to reports/natverk/.

    Example: kpbkit demo-network --results-only
    """
    from kpbkit.demo.network import ensure_network, run_network

    configs, generated = ensure_network(folder, scale=scale)
    if generated is not None:
        click.echo(f"Generated {len(configs)} municipalities in {generated:.1f} s: {folder / 'configs'}")

    run = run_network(folder, scale=scale, workers=workers, render=not results_only, pdf=not no_pdf,
                      progress=_print_progress)
    _print_batch_summary(run.outcomes)
    click.echo(f"\nBatch: {run.batch_seconds:.1f} s")
    for path in run.network:
        click.echo(f"Network:  {path}")
    failed = [o for o in run.outcomes if o.outcome == "failed"]
    if failed:
        click.echo(f"error: {len(failed)} of {len(run.outcomes)} municipalities failed: "
                   + ", ".join(o.client for o in failed), err=True)
        sys.exit(1)


def _print_progress(done: int, total: int, outcome) -> None:
    detail = outcome.error if outcome.outcome == "failed" else f"{outcome.seconds:.1f} s"
    click.echo(f"[{done}/{total}] {outcome.client}: {outcome.outcome} ({detail})")


def _print_batch_summary(outcomes) -> None:
    header = ("Client", "Outcome", "Time", "Findings", "Output")
    rows = [(o.client, o.outcome, f"{o.seconds:.1f} s", "" if o.findings is None else str(o.findings),
             o.output or o.error) for o in outcomes]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    click.echo("")
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4])
