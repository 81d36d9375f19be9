"""Which notebook template renders which area's report, and where the templates live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kpbkit.errors import KpbkitError

TEMPLATES_ENV = "KPBKIT_TEMPLATES"


@dataclass(frozen=True)
class ReportTemplate:
    name: str  # file stem and report file name: hemtjanst -> hemtjanst.html / .pdf
    area: str  # a KPB area (aldreomsorg, lss, barn_unga) or, for a report of the whole run, its own name
    title: str


REPORTS: tuple[ReportTemplate, ...] = (
    ReportTemplate("hemtjanst", "aldreomsorg", "Genomlysning av hemtjänsten"),
    ReportTemplate("lss", "lss", "Genomlysning av LSS"),
    ReportTemplate("barn_unga", "barn_unga", "Genomlysning av barn och unga"),
    # the whole run's data-quality findings and tie-out, not one area's (issue 6)
    ReportTemplate("kvalitet", "kvalitet", "Datakvalitet och avstämning"),
    # the forecast of every area's volumes and costs from the population forecast (issue 7)
    ReportTemplate("prognos", "prognos", "Prognos: befolkning, volymer och kostnader"),
)

#: the template's one parameter: the run's period folder, ``<output>/<client>/<period>`` (its results/ and interim/
#: hold everything a report shows, its run.json the settings and the report mode)
PARAMETERS: tuple[str, ...] = ("period_folder",)


def templates_dir() -> Path:
    """``templates/notebooks`` of the project (or ``$KPBKIT_TEMPLATES``)."""
    override = os.environ.get(TEMPLATES_ENV)
    folder = Path(override) if override else Path(__file__).resolve().parents[2] / "templates" / "notebooks"
    if not folder.is_dir():
        raise KpbkitError(
            f"template folder {folder} not found",
            fix=f"install kpbkit from its project folder (`make demo`) or set {TEMPLATES_ENV}",
        )
    return folder


def reports_for(only: str | None = None) -> list[ReportTemplate]:
    """The reports to render, all or those of one area or report name (``--only``), among the templates that exist.

    ``--only kvalitet`` renders just the data-quality report; ``--only lss`` just the LSS report.
    """
    folder = templates_dir()
    available = [r for r in REPORTS if (folder / f"{r.name}.ipynb").is_file()]
    if only is None:
        return available
    chosen = [r for r in available if only in (r.area, r.name)]
    if not chosen:
        allowed = ", ".join(sorted({r.area for r in available} | {r.name for r in available}))
        raise KpbkitError(f"no report for '{only}'", fix=f"use --only with one of: {allowed}")
    return chosen
