"""The config a run's reports need, recorded in ``results/run.json`` so the reports can be rendered from it alone.

A run writes :meth:`ReportConfig.to_record` under run.json's ``config`` key; the reports (and ``kpbkit render``)
rebuild it with :meth:`ReportConfig.from_record`, never reading the client's YAML, its ledger rules or its raw
extracts again. It holds the client, the period, the service catalogue, the age bands and the report, LSS,
comparison, forecast and quality settings, resolved (defaults filled in) and validated as when the run read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kpbkit.catalog import AgeBand, Catalog, Service, parse_age_bands
from kpbkit.config.client import ClientConfig, missing_fk_rate_error
from kpbkit.config.schema import (
    ComparisonSection,
    LssSection,
    PeriodSection,
    PrognosSection,
    QualitySection,
    ReportSection,
    ServiceSection,
)
from kpbkit.errors import InputError
from kpbkit.period import Period

#: the version of the record's layout; a results folder with another cannot be rendered by this kpbkit
RECORD_VERSION = 1

_SECTIONS = {"report": ReportSection, "lss": LssSection, "comparison": ComparisonSection,
             "prognos": PrognosSection, "quality": QualitySection}


@dataclass(frozen=True)
class ReportConfig:
    """The resolved settings of one run that its reports use (see the module's docstring).

    ``path`` is the config file the run read (named in messages, never opened); ``output_dir`` the period folder.
    """

    client_id: str
    client_name: str
    period: Period
    catalog: Catalog
    age_bands: dict[str, tuple[AgeBand, ...]]
    report: ReportSection
    lss: LssSection
    comparison: ComparisonSection
    prognos: PrognosSection
    quality: QualitySection
    path: Path
    output_dir: Path
    #: the client's own services beside the default catalogue (as the config gave them)
    services: tuple[ServiceSection, ...] = ()

    @property
    def output_root(self) -> Path:
        """The output folder holding ``<client>/<period>/``."""
        return self.output_dir.parent.parent

    def fk_hourly_rate(self, year: int) -> float:
        """FK's hourly rate for personal assistance in ``year``; a config error naming the key if absent."""
        rates = self.lss.fk_hourly_rates
        if year not in rates:
            raise missing_fk_rate_error(year, rates, self.path)
        return float(rates[year])

    @classmethod
    def from_client_config(cls, config: ClientConfig, *, publication: bool | None = None) -> ReportConfig:
        """The reports' settings of a loaded config; ``publication`` (``--publish``) overrides the config's mode."""
        report = config.report
        if publication is not None:
            report = report.model_copy(update={"publication": bool(publication)})
        return cls(
            client_id=config.client_id, client_name=config.client_name, period=config.period,
            catalog=config.catalog, age_bands=dict(config.age_bands), report=report, lss=config.lss,
            comparison=config.comparison, prognos=config.prognos, quality=config.quality, path=config.path,
            output_dir=config.output_dir, services=tuple(config.model.services),
        )

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready record written under run.json's ``config`` key."""
        p = self.period
        return {
            "version": RECORD_VERSION,
            "config_file": str(self.path),
            "client": {"id": self.client_id, "name": self.client_name},
            "period": {"start": p.start.isoformat(), "end": p.end.isoformat()},
            "services": [s.model_dump(mode="json") for s in self.services],
            "age_bands": {area: [band.label for band in bands] for area, bands in self.age_bands.items()},
            **{name: getattr(self, name).model_dump(mode="json") for name in _SECTIONS},
        }

    @classmethod
    def from_record(cls, record: Any, period_folder: Path, *, file: Path) -> ReportConfig:
        """Rebuild the settings from run.json's ``config`` record (``file``: run.json, named in errors)."""
        fix = "run `kpbkit run CONFIG` again with this kpbkit to write a complete results folder"
        if not isinstance(record, dict) or "client" not in record:
            raise InputError("run.json has no config record (written by an older kpbkit, or not by kpbkit)",
                             file=file, key="config", fix=fix)
        if record.get("version") != RECORD_VERSION:
            raise InputError(f"run.json's config record has version {record.get('version')!r}; this kpbkit reads "
                             f"version {RECORD_VERSION}", file=file, key="config.version", fix=fix)
        try:
            period = PeriodSection.model_validate(record["period"]).to_period()
            services = tuple(ServiceSection.model_validate(s) for s in record.get("services", []))
            sections = {name: model.model_validate(record.get(name, {})) for name, model in _SECTIONS.items()}
            bands = {area: parse_age_bands(labels) for area, labels in record["age_bands"].items()}
            client = record["client"]
            return cls(
                client_id=str(client["id"]), client_name=str(client["name"]), period=period,
                catalog=Catalog([Service(s.code, s.area, s.unit) for s in services]), age_bands=bands,
                path=Path(str(record.get("config_file", ""))), output_dir=Path(period_folder), services=services,
                **sections,
            )
        except (KeyError, TypeError, ValueError, ValidationError) as exc:
            raise InputError(f"run.json's config record is damaged ({type(exc).__name__}: "
                             f"{str(exc).splitlines()[0]})", file=file, key="config", fix=fix) from None
