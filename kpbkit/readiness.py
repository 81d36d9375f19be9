"""What a full run needs beyond valid input (``kpbkit validate``): comparison municipalities with results, earlier
years for the trends, a population forecast when the config asks for a forecast, and FK's hourly rate for the
period when there is personal assistance. Each missing piece is a check with a severity and how to fix it; the
reports would otherwise only say so after a full run.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpbkit.comparisons import earlier_result_folders, results_folder, searched_years
from kpbkit.config import ClientConfig
from kpbkit.ingest import CanonicalData
from kpbkit.model import ModelResult

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Readiness:
    """One thing a full run lacks."""

    severity: str
    check: str
    detail: str
    fix: str


def readiness_checks(config: ClientConfig, data: CanonicalData, model: ModelResult) -> list[Readiness]:
    """Every check of the module's docstring that does not hold, most severe first."""
    found: list[Readiness] = []
    for configured, folder in config.comparison_entries:
        if results_folder(folder) is None:
            found.append(Readiness(
                "warning", "comparison_missing", f"comparison municipality '{configured}' has no results at {folder}",
                "run that municipality first (kpbkit run its config, or kpbkit batch), or remove it from "
                "comparison.municipalities (comparison.network: from the network)"))
    have = {year for year, _folder in earlier_result_folders(config)}
    missing = sorted(year for year in searched_years(config) if year not in have)
    if missing:
        years = ", ".join(str(y) for y in missing)
        found.append(Readiness(
            "info", "history_missing", f"no results for {years} in this client's output folder: the trend "
            "sections show the years that have run",
            "run those years' configs of this client into the same output folder (or lower "
            "comparison.history_years)"))
    forecast_asked = bool(config.prognos.scenarios) or bool(config.prognos.budget)
    if forecast_asked and "population_forecast" not in data.input_files:
        found.append(Readiness(
            "warning", "forecast_population_missing",
            "prognos has scenarios or a budget but the input has no population forecast: the forecast years "
            "stay empty", "add the population_forecast file (SCB's or the municipality's forecast) to the input "
            "folder"))
    year = config.period.end.year
    pa = model.person_costs
    has_pa = bool(((pa["service_code"].astype(str) == "pa_sfb") & (pa["volume"] > 0)).any()) if len(pa) else False
    if has_pa and year not in config.model.lss.fk_hourly_rates:
        found.append(Readiness(
            "warning", "fk_rate_missing", f"personal assistance (SFB) is delivered but FK's hourly rate for {year} "
            "is not in the config: the six-month settlement and the PA findings lack it",
            f"add 'lss: {{fk_hourly_rates: {{{year}: <kr per hour>}}}}' with Försäkringskassan's rate"))
    return sorted(found, key=lambda r: SEVERITIES.index(r.severity))
