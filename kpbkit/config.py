"""Client configuration: YAML on disk, a validated pydantic model in memory.

Paths in the file are relative to the config file. Unknown keys and bad values are errors that
name the key and the allowed values; nothing runs before the config (and its rules) validate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from kpbkit.catalog import AREAS, DEFAULT_AGE_BANDS, REGIS, UNITS, Catalog, Service, parse_age_bands
from kpbkit.errors import ConfigError
from kpbkit.period import Period

RULE_KINDS: tuple[str, ...] = ("cost", "internal_revenue", "fee", "state_reimbursement")
RULE_COLUMNS: tuple[str, ...] = ("activity", "account_prefix", "responsibility", "target", "kind")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClientSection(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
    name: str
    kommunkod: Annotated[str, Field(pattern=r"^\d{4}$")]

    @field_validator("kommunkod", mode="before")
    @classmethod
    def _kommunkod_is_text(cls, value: Any) -> Any:
        if isinstance(value, int):
            raise ValueError('must be four digits in quotes, e.g. kommunkod: "0180" (unquoted, YAML reads a number)')
        return value


class PeriodSection(_Strict):
    year: int | None = Field(default=None, ge=1900, le=2200)
    start: dt.date | None = None
    end: dt.date | None = None

    @model_validator(mode="after")
    def _one_form(self) -> PeriodSection:
        if self.year is not None and (self.start or self.end):
            raise ValueError("give either 'year' or 'start' and 'end', not both")
        if self.year is None and not (self.start and self.end):
            raise ValueError("give 'year' (a calendar year) or both 'start' and 'end' (YYYY-MM-DD)")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"'end' ({self.end}) is before 'start' ({self.start})")
        return self

    def to_period(self) -> Period:
        if self.year is not None:
            return Period.year(self.year)
        assert self.start and self.end
        return Period(self.start, self.end)


def _known_shape(value: str) -> str:
    from kpbkit.io.presets import preset_names

    if value not in preset_names():
        raise ValueError(f"unknown shape '{value}' (allowed: {', '.join(preset_names())})")
    return value


class TableInput(_Strict):
    """Where one table comes from and how its file names things, when not as the shape's defaults."""

    #: the file, relative to the input folder (default: looked for by the shape's file names)
    file: Path | None = None
    #: the shape of this file (default: input.shape)
    shape: str | None = None
    #: the Excel sheet (default: the first)
    sheet: str | None = None
    #: canonical column -> the header the client's file uses for it
    columns: dict[str, str] = {}

    @field_validator("shape")
    @classmethod
    def _shape(cls, value: str | None) -> str | None:
        return None if value is None else _known_shape(value)

    @field_validator("columns", mode="before")
    @classmethod
    def _headers_are_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                    for k, v in value.items()}
        return value


#: columns whose codes a client may translate under input.codes
CODE_COLUMNS: tuple[str, ...] = ("service_code", "provider_id", "regi", "sex", "law", "level")


class InputSection(_Strict):
    folder: Path
    #: canonical, or a source preset (kpbkit/io/presets): swedish, register
    shape: str = "canonical"
    tables: dict[str, TableInput] = {}
    #: column -> {the client's code: the canonical code}, e.g. service_code: {"HTJ": hemtjanst}
    codes: dict[str, dict[str, str]] = {}
    #: end dates that mean open-ended besides 9999-12-31 (always open), e.g. ["2099-12-31"]
    open_end_dates: list[dt.date] = []

    @field_validator("shape")
    @classmethod
    def _shape(cls, value: str) -> str:
        return _known_shape(value)

    @field_validator("codes", mode="before")
    @classmethod
    def _codes_are_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {col: ({str(k): str(v) for k, v in book.items()} if isinstance(book, dict) else book)
                    for col, book in value.items()}
        return value

    @model_validator(mode="after")
    def _known_names(self) -> InputSection:
        from kpbkit.io.presets import EXTRA_COLUMNS
        from kpbkit.io.schema import SCHEMAS

        for table, spec in self.tables.items():
            if table not in SCHEMAS:
                raise ValueError(f"input.tables: unknown table '{table}' (allowed: {', '.join(SCHEMAS)})")
            allowed = [*SCHEMAS[table].names, *EXTRA_COLUMNS]
            for column in spec.columns:
                if column not in allowed:
                    raise ValueError(
                        f"input.tables.{table}.columns: unknown column '{column}' (allowed: {', '.join(allowed)})"
                    )
        for column in self.codes:
            if column not in CODE_COLUMNS:
                raise ValueError(f"input.codes: unknown column '{column}' (allowed: {', '.join(CODE_COLUMNS)})")
        return self


class ServiceSection(_Strict):
    code: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    area: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    unit: Literal["hour", "day", "weekday", "month"]


class LedgerRule(_Strict):
    activity: str = ""
    account_prefix: str = ""
    responsibility: str = ""
    target: str
    kind: Literal["cost", "internal_revenue", "fee", "state_reimbursement"]

    @field_validator("activity", "account_prefix", "responsibility", "target", mode="before")
    @classmethod
    def _text_only(cls, value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(
                f"must be text in quotes, e.g. \"{value}\" (unquoted, YAML reads a number and drops leading zeros)"
            )
        return value.strip() if isinstance(value, str) else value


def _rules_form(value: Any) -> str | None:
    """Which form ``ledger_rules`` takes: a file path (text) or a list of inline rules."""
    if isinstance(value, (str, Path)):
        return "(file)"
    if isinstance(value, list):
        return "(inline)"
    return None


#: ``ledger_rules``: a rules CSV path or inline rules. The discriminator makes pydantic report errors of the form
#: that was given only (a plain union would report both forms under internal names).
RulesSpec = Annotated[
    Annotated[Path, Tag("(file)")] | Annotated[list[LedgerRule], Tag("(inline)")],
    Discriminator(
        _rules_form,
        custom_error_type="rules_form",
        custom_error_message="must be the path of a rules CSV (text) or a list of rules",
    ),
]


class PseudonymisationSection(_Strict):
    key_env: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] | None = None
    key_file: Path | None = None

    @model_validator(mode="after")
    def _some_source(self) -> PseudonymisationSection:
        if self.key_env is None and self.key_file is None:
            raise ValueError("give 'key_env' (an environment variable) or 'key_file' (a file outside the repository)")
        return self


class OutputSection(_Strict):
    folder: Path = Path("reports")


class ReportSection(_Strict):
    """How reports are shown: internal (everything, pseudonymised) or for publication (small counts hidden)."""

    #: suppress small counts in every table and chart shown to readers, and leave out top-case lists
    publication: bool = False
    #: counts below this are shown as "<threshold" in publication mode
    threshold: Annotated[int, Field(ge=2, le=100)] = 5


class LssSection(_Strict):
    """The LSS report's settings: FK's hourly rate per year and the six-month report's flag thresholds."""

    #: FK's hourly rate for personal assistance (*schablonbelopp*), kr per hour, by calendar year
    fk_hourly_rates: dict[Annotated[int, Field(ge=1990, le=2200)], Annotated[float, Field(gt=0, lt=10_000)]] = {}
    #: a case falls "clearly short" when delivered hours are below this share of granted hours
    shortfall_threshold: Annotated[float, Field(gt=0, le=1)] = 0.9
    #: a raised-rate candidate costs more per hour than FK's rate × (1 + rate_margin)
    rate_margin: Annotated[float, Field(ge=0, le=1)] = 0.12

    @field_validator("fk_hourly_rates", mode="before")
    @classmethod
    def _rates_mapping(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of year to kr per hour, e.g. {2024: 332.60, 2025: 339.30}")
        return value


class ControlTotal(_Strict):
    """A control total the client states (e.g. the RS figure) that the period's ledger rows must add up to."""

    label: str
    amount: float
    #: verksamhet codes the figure covers (exact, trimmed); empty = every activity
    activities: list[str] = []
    #: account prefixes the figure covers (e.g. cost accounts "4".."7"); empty = every account
    account_prefixes: list[str] = []

    @field_validator("activities", "account_prefixes", mode="before")
    @classmethod
    def _codes_are_text(cls, value: Any) -> Any:
        if isinstance(value, list) and any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            raise ValueError('codes must be text in quotes, e.g. ["5110"] (unquoted, YAML reads numbers)')
        return value


class QualitySection(_Strict):
    """Data-quality settings: the client's control totals and the plausibility limits of the checks."""

    control_totals: list[ControlTotal] = []
    #: |ledger − control total| above this many kronor is an error finding
    control_tolerance: Annotated[float, Field(ge=0)] = 1.0
    #: a visit longer than this many minutes is implausible (a finding; still counted)
    max_visit_minutes: Annotated[float, Field(gt=0)] = 1440.0


#: units a reference value may have: the data contract's KPI units (kpis.csv)
REFERENCE_UNITS: tuple[str, ...] = (
    "persons", "SEK", "SEK/person", "SEK/hour", "SEK/day", "hours", "days", "share", "per_1000",
)
#: kronor units: moved to the period's price level with ``comparison.price_index``
KRONOR_UNITS: tuple[str, ...] = ("SEK", "SEK/person", "SEK/hour", "SEK/day")


class ReferenceValue(_Strict):
    """One reference value a client adds to the shipped ones (same columns as kpbkit/data/reference_values.csv).

    ``value`` is the point compared with (for a range, e.g. its midpoint); ``low``/``high`` the range when
    the source gives one. Kronor (``SEK...`` units) need the ``year`` of their price level.
    """

    kpi: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    area: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    group: str = "total"
    value: Annotated[float, Field(allow_inf_nan=False)]
    low: Annotated[float, Field(allow_inf_nan=False)] | None = None
    high: Annotated[float, Field(allow_inf_nan=False)] | None = None
    unit: str
    year: Annotated[int, Field(ge=1990, le=2200)] | None = None
    source: Annotated[str, Field(min_length=1)]
    note: str = ""

    @field_validator("group", mode="before")
    @classmethod
    def _group_is_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: str) -> str:
        if value not in REFERENCE_UNITS:
            raise ValueError(f"unknown unit '{value}' (allowed: {', '.join(REFERENCE_UNITS)})")
        return value

    @model_validator(mode="after")
    def _year_for_kronor(self) -> ReferenceValue:
        if self.unit in KRONOR_UNITS and self.year is None:
            raise ValueError(f"a value in {self.unit} needs the 'year' of its price level, so it can be moved "
                             "to the period's prices with comparison.price_index")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"'low' ({self.low}) is above 'high' ({self.high})")
        return self


class ComparisonSection(_Strict):
    """What the area reports compare the client with: references, other municipalities, earlier years."""

    #: results folders of other kpbkit runs (``<output>/<client>/<period>/results``), relative to the config
    municipalities: list[Path] = []
    #: the client's own reference values, beside the shipped ones
    references: list[ReferenceValue] = []
    #: yearly price change used to move kronor of other years to the period's price level (never silently)
    price_index: Annotated[float, Field(ge=-0.5, le=0.5)] = 0.03
    #: how many earlier years of this client's results the trend sections look for
    history_years: Annotated[int, Field(ge=0, le=20)] = 5


class ScenarioSection(_Strict):
    """One forecast scenario: how consumption rates and unit costs move from the base year.

    Rates (brukare and volume per inhabitant) are multiplied by ``(1 + rate_change_per_year) ** t`` in the
    year ``t`` years after the base year and, from the first forecast year, the rates of the age groups 80+
    by ``1 + coverage_80_change``; ``unit_costs`` replace the base year's unit cost from the first forecast
    year. ``services`` limits every change to those services (the others follow the base scenario).
    """

    name: Annotated[str, Field(min_length=1, max_length=80)]
    #: yearly change of every consumption rate, e.g. -0.01 for 1 % fewer users per inhabitant a year
    rate_change_per_year: Annotated[float, Field(ge=-0.5, le=0.5)] = 0.0
    #: one-off change of the rates of inhabitants 80+ (coverage), e.g. -0.1 for a tenth fewer
    coverage_80_change: Annotated[float, Field(ge=-1, le=5)] = 0.0
    #: new unit cost (kr per unit, fixed prices) per service code
    unit_costs: dict[str, Annotated[float, Field(ge=0)]] = {}
    #: the services the scenario changes (empty: every forecast service)
    services: list[str] = []

    @field_validator("name")
    @classmethod
    def _name_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must name the scenario, e.g. \"Minskad konsumtion 1 % per år\"")
        return value.strip()

    @model_validator(mode="after")
    def _unit_costs_in_scope(self) -> ScenarioSection:
        outside = [code for code in self.unit_costs if self.services and code not in self.services]
        if outside:
            raise ValueError(
                f"unit_costs names {', '.join(outside)}, which is not among the scenario's services "
                f"({', '.join(self.services)}): add it to 'services' or remove 'services' to change every service"
            )
        return self


class PrognosSection(_Strict):
    """The forecast: consumption per age and sex from KPB × the population forecast, in scenarios."""

    #: years after the period's year to forecast
    horizon: Annotated[int, Field(ge=1, le=30)] = 10
    #: age groups of the consumption rates: labels like "0-64", "65-79", "80+"; empty = one-year ages.
    #: They must cover every age from 0 without gaps and end with an open group ("90+").
    age_bands: list[str] = ["0-17", "18-64", "65-74", "75-79", "80-84", "85-89", "90+"]
    #: services forecast (empty: every service with volume)
    services: list[str] = []
    scenarios: list[ScenarioSection] = []
    #: where the population forecast comes from, in words for the report (e.g. "SCB, befolkningsprognos 2025")
    population_source: Annotated[str, Field(max_length=200)] = ""
    #: budget frame per year (kr, fixed prices): the forecast's gap against it
    budget: dict[Annotated[int, Field(ge=1990, le=2200)], Annotated[float, Field(ge=0, allow_inf_nan=False)]] = {}

    @field_validator("age_bands")
    @classmethod
    def _bands_cover_every_age(cls, value: list[str]) -> list[str]:
        if not value:
            return value
        bands = parse_age_bands(value)
        if bands[0].low != 0:
            raise ValueError(f"the first age group must start at 0 (it starts at {bands[0].low})")
        for first, second in zip(bands, bands[1:], strict=False):
            if first.high is not None and second.low != first.high + 1:
                raise ValueError(f"ages {first.high + 1}-{second.low - 1} are in no age group "
                                 f"(between '{first.label}' and '{second.label}')")
        if bands[-1].high is not None:
            raise ValueError(f"the last age group must be open-ended, e.g. '{bands[-1].low}+'")
        return [band.label for band in bands]

    @field_validator("budget", mode="before")
    @classmethod
    def _budget_mapping(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of year to kronor, e.g. {2026: 250000000, 2027: 252500000}")
        return value

    @model_validator(mode="after")
    def _scenarios_fit(self) -> PrognosSection:
        from kpbkit.labels.prognos import BASE_SCENARIO

        names = [s.name for s in self.scenarios]
        for name in names:
            if name == BASE_SCENARIO:
                raise ValueError(f"scenario name '{name}' is the base scenario's, which is always shown; "
                                 "choose another name")
            if names.count(name) > 1:
                raise ValueError(f"two scenarios are named '{name}'; give each its own name")
        if self.age_bands and any(s.coverage_80_change for s in self.scenarios):
            bands = parse_age_bands(self.age_bands)
            if not any(b.low == 80 for b in bands):
                raise ValueError("coverage_80_change needs an age group starting at 80 (e.g. '80-84' or '80+'); "
                                 f"the age groups are {', '.join(self.age_bands)}")
        return self


class ClientConfigModel(_Strict):
    client: ClientSection
    period: PeriodSection
    input: InputSection
    ledger_rules: RulesSpec | None = None
    services: list[ServiceSection] = []
    age_bands: dict[str, list[str]] = {}
    pseudonymisation: PseudonymisationSection | None = None
    output: OutputSection = OutputSection()
    report: ReportSection = ReportSection()
    lss: LssSection = LssSection()
    quality: QualitySection = QualitySection()
    comparison: ComparisonSection = ComparisonSection()
    prognos: PrognosSection = PrognosSection()


class ClientConfig:
    """A validated client configuration with paths resolved against the config file's folder."""

    def __init__(self, model: ClientConfigModel, path: Path, rules: list[LedgerRule], raw_bytes: bytes) -> None:
        self.model = model
        self.path = path
        self.rules = rules
        self.config_hash = hashlib.sha256(raw_bytes).hexdigest()
        self.catalog = Catalog([Service(s.code, s.area, s.unit) for s in model.services])
        self.period = model.period.to_period()
        bands = {area: list(labels) for area, labels in DEFAULT_AGE_BANDS.items()}
        bands.update(model.age_bands)
        self.age_bands = {area: parse_age_bands(labels) for area, labels in bands.items()}

    @property
    def client_id(self) -> str:
        return self.model.client.id

    @property
    def client_name(self) -> str:
        return self.model.client.name

    @property
    def input_folder(self) -> Path:
        return _resolve(self.path, self.model.input.folder)

    def table_input(self, table: str) -> TableInput:
        """How ``table`` is read: its file, shape, sheet and the client's header names (defaults filled in)."""
        spec = self.model.input.tables.get(table, TableInput())
        file = _resolve_in(self.input_folder, spec.file) if spec.file is not None else None
        return spec.model_copy(update={"shape": spec.shape or self.model.input.shape, "file": file})

    @property
    def codes(self) -> dict[str, dict[str, str]]:
        """The client's code lists (column -> {client code: canonical code})."""
        return self.model.input.codes

    @property
    def rules_file(self) -> Path | None:
        rules = self.model.ledger_rules
        if isinstance(rules, list):
            return None
        if rules is None:
            return self.input_folder / "ledger_rules.csv"
        return _resolve(self.path, rules)

    @property
    def output_root(self) -> Path:
        folder = self.model.output.folder
        if "output" not in self.model.model_fields_set:
            return folder.resolve()  # default: ./reports of the working directory
        return _resolve(self.path, folder)

    @property
    def output_dir(self) -> Path:
        """``<output>/<client>/<period>/``, e.g. ``reports/exempel/2025``."""
        return self.output_root / self.client_id / self.period.label

    @property
    def lss(self) -> LssSection:
        """The LSS report's settings (FK hourly rates, flag thresholds); defaults when the config has none."""
        return self.model.lss

    @property
    def report(self) -> ReportSection:
        """Report settings (publication mode and its threshold)."""
        return self.model.report

    @property
    def comparison(self) -> ComparisonSection:
        """Comparison settings (references, comparison municipalities, price index, history)."""
        return self.model.comparison

    @property
    def comparison_folders(self) -> list[Path]:
        """The comparison municipalities' results folders, resolved against the config file."""
        return [_resolve(self.path, folder) for folder in self.model.comparison.municipalities]

    @property
    def prognos(self) -> PrognosSection:
        """Forecast settings (horizon, age bands, services, scenarios, budget frame)."""
        return self.model.prognos

    @property
    def quality(self) -> QualitySection:
        """Data-quality settings (control totals, plausibility limits); defaults when the config has none."""
        return self.model.quality

    def fk_hourly_rate(self, year: int) -> float:
        """FK's hourly rate for personal assistance in ``year``; a :class:`ConfigError` naming the key if absent.

        >>> config.fk_hourly_rate(2025)  # doctest: +SKIP
        339.3
        """
        rates = self.model.lss.fk_hourly_rates
        if year not in rates:
            raise missing_fk_rate_error(year, rates, self.path)
        return float(rates[year])

    def pseudonym_key(self) -> bytes:
        """The client's secret for pseudonymisation, read from the environment or a key file."""
        section = self.model.pseudonymisation
        if section is None:
            raise ConfigError(
                "the input carries personnummer but no pseudonymisation key is configured",
                file=self.path,
                key="pseudonymisation",
                fix="add 'pseudonymisation: {key_env: NAME}' or '{key_file: PATH}' pointing outside the repository",
            )
        if section.key_env:
            value = os.environ.get(section.key_env, "")
            if value.strip():
                return check_key_length(
                    value.strip().encode(),
                    f"environment variable {section.key_env}",
                    file=self.path,
                    key="pseudonymisation.key_env",
                    fix=f"set {section.key_env} to a long random secret, e.g. the content of a key written by "
                    "`kpbkit keygen PATH` (or use key_file)",
                )
            if section.key_file is None:
                raise ConfigError(
                    f"environment variable {section.key_env} is not set or empty",
                    file=self.path,
                    key="pseudonymisation.key_env",
                    fix=f"export {section.key_env}=<the client's secret> before running",
                )
        assert section.key_file is not None
        key_path = _resolve(self.path, section.key_file)
        if not key_path.is_file():
            env_note = f"environment variable {section.key_env} is not set and " if section.key_env else ""
            raise ConfigError(
                f"{env_note}key file {key_path} does not exist",
                file=self.path,
                key="pseudonymisation.key_file",
                fix=f"create it with `kpbkit keygen {key_path}` (keep it outside git) or correct the path",
            )
        return check_key_length(
            key_path.read_bytes().strip(),
            f"key file {key_path}",
            file=self.path,
            key="pseudonymisation.key_file",
            fix=f"use a long random secret, e.g. `kpbkit keygen {key_path} --force`",
        )


#: the shortest pseudonymisation key accepted, from key_env or key_file alike (bytes, surrounding whitespace removed)
MIN_KEY_BYTES = 16


def check_key_length(secret: bytes, source: str, *, file: Path | None, key: str, fix: str) -> bytes:
    """``secret`` if it is at least ``MIN_KEY_BYTES`` long, else a :class:`ConfigError` naming the config ``key``.

    The message says how long the secret is, never what it is.
    """
    if len(secret) < MIN_KEY_BYTES:
        raise ConfigError(
            f"{source} holds a secret of {len(secret)} bytes, fewer than the {MIN_KEY_BYTES} a pseudonymisation "
            "key needs",
            file=file,
            key=key,
            fix=fix,
        )
    return secret


def missing_fk_rate_error(year: int, rates: dict[int, float], path: Path | None) -> ConfigError:
    """The error for a year without FK hourly rate, naming the key and the years the config has."""
    have = ", ".join(str(y) for y in sorted(rates)) or "none"
    return ConfigError(
        f"no FK hourly rate (schablonbelopp) for {year}, needed for the personal-assistance six-month report "
        f"(years in the config: {have}); add it under lss.fk_hourly_rates",
        file=path,
        key="lss.fk_hourly_rates",
        fix=f"add e.g. 'lss: {{fk_hourly_rates: {{{year}: <kr per hour>}}}}' with Försäkringskassan's rate for {year}",
    )


#: a config file larger than this is refused before it is parsed (a real config is a few kilobytes)
MAX_CONFIG_BYTES = 1_000_000
#: YAML aliases (``*name``, ``<<: *name``) a config may use; a few repeated settings, never a "billion laughs"
MAX_ALIASES = 20
#: values (scalars, lists, mappings) the aliases of a config may repeat in all, counted as if expanded
MAX_ALIAS_VALUES = 10_000
#: nesting of lists and mappings a config may have (a real one has fewer than ten levels)
MAX_NESTING = 50
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _ConfigLoader(yaml.SafeLoader):
    """YAML's safe loader, strict about what YAML would otherwise do silently or without bound.

    Without implicit timestamps: dates stay text and are validated (and named) by pydantic (PyYAML turns an
    unquoted ``2025-02-30`` into a crash rather than a value error, and reads ``2025-01-01 10:00`` as a
    datetime). Aliases and nesting are counted while the document is composed, so an alias bomb stops at
    its first aliases, long before anything is expanded; :func:`_check_document` then refuses duplicate keys
    and aliases that would repeat too much.
    """

    def __init__(self, stream: str, *, file: Path) -> None:
        super().__init__(stream)
        self.file = file
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise ConfigError(
                    f"more than {MAX_ALIASES} YAML aliases (*name); a config repeats a few settings at most",
                    file=self.file,
                    row=self.peek_event().start_mark.line + 1,
                    fix="write the repeated settings out instead of referring to an anchor (&name) again and again",
                )
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise ConfigError(
                    f"lists and mappings nested more than {MAX_NESTING} levels deep",
                    file=self.file,
                    row=self.peek_event().start_mark.line + 1,
                    fix="check the indentation and brackets at that line; a config has a few levels only",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_ConfigLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_document(loader: _ConfigLoader, root: yaml.Node) -> None:
    """Refuse duplicate keys in any mapping, and aliases that would repeat more than ``MAX_ALIAS_VALUES`` values.

    Works on the composed node graph, where an alias is one shared node: every node is visited once and the
    expanded size is counted, never built.
    """
    file = loader.file
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, yaml.Node] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE_TAG:
                    key = loader.construct_object(key_node)
                    name = f"{where}.{key}" if where else str(key)
                    if key in first:
                        line, again = first[key].start_mark.line + 1, key_node.start_mark.line + 1
                        raise ConfigError(
                            f"the key is given twice, on lines {line} and {again} (YAML would silently keep the "
                            "last one and drop the first)",
                            file=file,
                            row=again,
                            key=name,
                            fix=f"keep one '{key}' at this level: merge the two into one, or delete the one that "
                            "is wrong",
                        )
                    first[key] = key_node
                    stack.append((value_node, name))
                else:
                    stack.append((value_node, where))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(node.value))
    expanded: dict[int, int] = {}
    for node in _postorder(root, file):
        expanded[id(node)] = 1 + sum(expanded[id(child)] for child in _children(node))
    repeated = expanded[id(root)] - len(expanded)  # values as expanded minus values as written
    if repeated > MAX_ALIAS_VALUES:
        raise ConfigError(
            f"the YAML aliases (*name) would repeat {_thousands(repeated)} values (limit "
            f"{_thousands(MAX_ALIAS_VALUES)}); a config repeats a few settings at most",
            file=file,
            fix="write the repeated settings out instead of referring to anchors (&name) of large lists or mappings",
        )


def _postorder(root: yaml.Node, file: Path) -> list[yaml.Node]:
    """Every distinct node of the graph, children before parents; an alias inside its own anchor is an error."""
    order: list[yaml.Node] = []
    state: dict[int, bool] = {}  # False: being visited, True: done
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            state[id(node)] = True
            order.append(node)
            continue
        if state.get(id(node)) is True:
            continue
        state[id(node)] = False
        stack.append((node, True))
        for child in _children(node):
            if state.get(id(child)) is False:
                raise ConfigError(
                    "a YAML alias (*name) refers to the anchor (&name) it is inside of, which never ends",
                    file=file,
                    row=child.start_mark.line + 1,
                    fix="remove the alias, or move it out of the anchored list or mapping",
                )
            if id(child) not in state:
                stack.append((child, False))
    return order


def read_config_bytes(path: Path) -> bytes:
    """The bytes of a config file, refused unread when larger than ``MAX_CONFIG_BYTES``."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        raw = handle.read(MAX_CONFIG_BYTES + 1)
    if max(size, len(raw)) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"the config file is {_thousands(max(size, len(raw)))} bytes, more than the limit of "
            f"{_thousands(MAX_CONFIG_BYTES)} bytes",
            file=path,
            fix="a client config is a few kilobytes: is this the right file? Keep long rule lists in a rules CSV "
            "(ledger_rules: <file>)",
        )
    return raw


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def parse_config_yaml(raw: bytes, *, file: Path) -> Any:
    """The YAML document of a config file (UTF-8, BOM allowed): a :class:`ConfigError` for invalid YAML,
    duplicate keys, aliases beyond the limits or too deep nesting."""
    loader: _ConfigLoader | None = None
    try:
        loader = _ConfigLoader(raw.decode("utf-8-sig"), file=file)
        node = loader.get_single_node()
        if node is None:
            return None
        _check_document(loader, node)
        return loader.construct_document(node)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ConfigError(
            f"not valid YAML ({getattr(exc, 'problem', None) or exc})",
            file=file,
            row=line + 1 if line is not None else None,
            fix="check indentation and quoting at that line",
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def read_config_yaml(path: str | Path) -> Any:
    """Read and parse a config file with the limits of :func:`read_config_bytes` and :func:`parse_config_yaml`."""
    path = Path(path)
    return parse_config_yaml(read_config_bytes(path), file=path)


def _resolve(config_path: Path, value: Path) -> Path:
    value = Path(os.path.expanduser(str(value)))
    return value if value.is_absolute() else (config_path.parent / value).resolve()


def load_client_config(path: str | Path) -> ClientConfig:
    """Read, validate and resolve a client config; raise :class:`ConfigError` naming the key on any problem."""
    path = Path(path).resolve()
    if not path.is_file():
        raise ConfigError(
            "config file not found", file=path, fix="check the path, e.g. client_configs/exempelkommun.yaml"
        )
    raw = read_config_bytes(path)
    data = parse_config_yaml(raw, file=path)
    if not isinstance(data, dict):
        raise ConfigError("the config must be a mapping of keys (client, period, input, ...)", file=path)
    try:
        model = ClientConfigModel.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc, path) from None
    catalog = Catalog([Service(s.code, s.area, s.unit) for s in model.services])
    _check_services(model, path)
    _check_age_bands(model, path, catalog)
    config_stub = ClientConfig.__new__(ClientConfig)
    config_stub.model, config_stub.path = model, path
    # Before the rules: the default rules file lives in the input folder.
    if not config_stub.input_folder.is_dir():
        raise ConfigError(
            f"input folder {config_stub.input_folder} does not exist",
            file=path,
            key="input.folder",
            fix="give the folder holding the canonical files, relative to the config file",
        )
    _check_output_folder(config_stub)
    _log_outside_paths(config_stub)
    _check_input_files(model, config_stub.input_folder, path)
    rules_file = config_stub.rules_file
    if isinstance(model.ledger_rules, list):
        rules = list(model.ledger_rules)
        check_rules(rules, catalog, file=path, inline=True)
    else:
        assert rules_file is not None
        rules, rows = _read_rules_csv(rules_file, config_path=path)
        check_rules(rules, catalog, file=rules_file, rows=rows)
    return ClientConfig(model, path, rules, raw)


_WINDOWS_DRIVE_ROOT = re.compile(r"^[A-Za-z]:[\\/]*$")


def _real(path: Path) -> Path:
    """``path`` absolute, with ``..`` and symbolic links resolved (as far as they exist)."""
    return Path(os.path.realpath(path))


def _within(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _check_output_folder(config: ClientConfig) -> None:
    """Refuse an output folder that is a filesystem root, the home folder, or inside (or equal to) the input
    folder; and anything the run reads (input folder, rules file, key file) inside the output's client folder,
    which each run's results replace.
    """
    raw = str(config.model.output.folder)
    output = _real(config.output_root)
    input_folder = _real(config.input_folder)
    fix = ("give output.folder a folder of its own for the results, e.g. 'output: {folder: reports}' beside the "
           "config, outside the folder of raw extracts")
    problem = None
    if output.parent == output or _WINDOWS_DRIVE_ROOT.match(raw):
        problem = f"the output folder {raw} is a filesystem root"
    elif output == _home():
        problem = f"the output folder {output} is your home folder itself"
    elif _within(output, input_folder):
        where = "is the input folder" if output == input_folder else f"is inside the input folder {input_folder}"
        problem = f"the output folder {output} {where}: results would be written among the raw extracts"
    if problem:
        raise ConfigError(problem, file=config.path, key="output.folder", fix=fix)
    client_folder = output / config.client_id
    reads = [("input.folder", input_folder)]
    if config.rules_file is not None and config.model.ledger_rules is not None:
        reads.append(("ledger_rules", _real(config.rules_file)))
    section = config.model.pseudonymisation
    if section is not None and section.key_file is not None:
        reads.append(("pseudonymisation.key_file", _real(_resolve(config.path, section.key_file))))
    for key, read in reads:
        if _within(read, client_folder):
            raise ConfigError(
                f"{read} is inside the output's client folder {client_folder}, which kpbkit writes and replaces "
                "on every run (and whose results are shared)",
                file=config.path,
                key=key,
                fix=f"move it out of {client_folder}, or give output.folder another folder",
            )


def _home() -> Path | None:
    try:
        return _real(Path.home())
    except (RuntimeError, KeyError):  # no home folder can be determined
        return None


def _log_outside_paths(config: ClientConfig) -> None:
    """Log (so it is in the run's log) each configured path that lies outside the config file's folder."""
    import logging

    base = _real(config.path.parent)
    model = config.model
    paths: list[tuple[str, Path]] = [("input.folder", config.input_folder)]
    if model.ledger_rules is not None and config.rules_file is not None:
        paths.append(("ledger_rules", config.rules_file))
    if model.pseudonymisation is not None and model.pseudonymisation.key_file is not None:
        paths.append(("pseudonymisation.key_file", _resolve(config.path, model.pseudonymisation.key_file)))
    if "output" in model.model_fields_set:
        paths.append(("output.folder", config.output_root))
    paths += [(f"comparison.municipalities[{i}]", folder) for i, folder in enumerate(config.comparison_folders)]
    log = logging.getLogger("kpbkit")
    for key, value in paths:
        if not _within(_real(value), base):
            log.info("%s points outside the config's folder: %s", key, _real(value))


def _check_input_files(model: ClientConfigModel, folder: Path, path: Path) -> None:
    """Every file the config names must exist: a config that points nowhere stops before anything runs."""
    for table, spec in model.input.tables.items():
        if spec.file is not None and not _resolve_in(folder, spec.file).is_file():
            raise ConfigError(
                f"file {_resolve_in(folder, spec.file)} does not exist",
                file=path,
                key=f"input.tables.{table}.file",
                fix="give the file's name relative to the input folder (input.folder), or remove the key so the "
                "shape's usual names are looked for",
            )


def _resolve_in(folder: Path, value: Path) -> Path:
    value = Path(os.path.expanduser(str(value)))
    return value if value.is_absolute() else (folder / value).resolve()


def _config_error(exc: ValidationError, path: Path) -> ConfigError:
    lines = []
    for err in exc.errors()[:10]:
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("(")))  # drop union tags
        key = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")
        if err["type"] == "extra_forbidden":
            parent = _model_at(loc[:-1])
            allowed = ", ".join(parent.model_fields) if parent else ""
            lines.append(f"key '{key}': unknown key (allowed here: {allowed})")
        elif err["type"] == "missing":
            lines.append(f"key '{key}': required but missing")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"key '{key}': {msg}")
    more = f"\n  ... and {len(exc.errors()) - 10} more" if len(exc.errors()) > 10 else ""
    return ConfigError(
        "invalid configuration:\n  " + "\n  ".join(lines) + more,
        file=path,
        fix="correct the keys above; docs/config.md lists every key and its allowed values",
    )


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] = ClientConfigModel
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        found = None
        for candidate in _types_in(field.annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found = candidate
        if found is None:
            return None
        model = found
    return model


def _types_in(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", None)
    if not args:
        return [annotation]
    out = []
    for arg in args:
        out.extend(_types_in(arg))
    return out


def _check_services(model: ClientConfigModel, path: Path) -> None:
    for i, service in enumerate(model.services):
        if service.unit not in UNITS:  # pragma: no cover - Literal already checks
            raise ConfigError(f"unit must be one of {', '.join(UNITS)}", file=path, key=f"services[{i}].unit")


def _check_age_bands(model: ClientConfigModel, path: Path, catalog: Catalog) -> None:
    for area, labels in model.age_bands.items():
        if area not in catalog.areas:
            raise ConfigError(
                f"unknown area '{area}' (allowed: {', '.join(catalog.areas)})", file=path, key=f"age_bands.{area}"
            )
        try:
            parse_age_bands(labels)
        except ValueError as exc:
            raise ConfigError(
                str(exc), file=path, key=f"age_bands.{area}", fix="use labels like '0-64', '80+'"
            ) from None


_SERVICE_TARGET = re.compile(r"^service:([^:]+):([^:]+)$")
_AREA_TARGET = re.compile(r"^(overhead|myndighet):([^:]+)$")


def parse_target(target: str) -> tuple[str, str | None, str | None]:
    """Split a rule target into (kind of target, service code or area, regi).

    >>> parse_target("service:hemtjanst:egen")
    ('service', 'hemtjanst', 'egen')
    """
    if target == "exclude":
        return ("exclude", None, None)
    m = _SERVICE_TARGET.match(target)
    if m:
        return ("service", m.group(1), m.group(2))
    m = _AREA_TARGET.match(target)
    if m:
        return (m.group(1), m.group(2), None)
    return ("invalid", None, None)


def check_rules(
    rules: list[LedgerRule],
    catalog: Catalog,
    *,
    file: Path,
    row_offset: int = 0,
    inline: bool = False,
    rows: list[int] | None = None,
) -> None:
    """Raise :class:`ConfigError` for a rule whose target is not a known form, service code or area.

    Errors name the config key of an inline rule, or the row of a rules file: ``rows[i]`` when given (the
    file's own row numbers), else ``i + row_offset``.
    """
    for i, rule in enumerate(rules):
        row = rows[i] if rows is not None and i < len(rows) else i + row_offset
        where: dict[str, Any] = {"key": f"ledger_rules[{i}].target"} if inline else {"row": row, "column": "target"}
        form, what, regi = parse_target(rule.target)
        if form == "invalid":
            raise ConfigError(
                f"target '{rule.target}' is not one of the allowed forms",
                file=file,
                fix="use service:<code>:<egen|extern>, overhead:<area>, myndighet:<area> or exclude",
                **where,
            )
        if form == "service":
            if what not in catalog.services:
                raise ConfigError(
                    f"target '{rule.target}' names service '{what}', which the catalogue does not know",
                    file=file,
                    fix="use a code from docs/method.md's catalogue or add the service under 'services' in the config",
                    **where,
                )
            if regi not in REGIS:
                raise ConfigError(
                    f"target '{rule.target}' has regi '{regi}' (allowed: egen, extern)", file=file,
                    fix=f"write service:{what}:egen for own production or service:{what}:extern for purchased",
                    **where,
                )
        if form in ("overhead", "myndighet") and what not in catalog.areas:
            raise ConfigError(
                f"target '{rule.target}' names area '{what}' (allowed: {', '.join(catalog.areas)})",
                file=file,
                fix=f"write {form}:<area> with one of {', '.join(catalog.areas)}, or add the area's services "
                "under 'services' in the config",
                **where,
            )


def read_rules_csv(path: Path, *, config_path: Path) -> list[LedgerRule]:
    """Read the ``ledger_rules`` table (CSV, UTF-8, comma-separated) in the order the rules are tried."""
    return _read_rules_csv(path, config_path=config_path)[0]


def _read_rules_csv(path: Path, *, config_path: Path) -> tuple[list[LedgerRule], list[int]]:
    """The rules of a rules CSV and the file row of each (header = row 1; blank lines skipped but counted)."""
    from kpbkit.errors import InputError
    from kpbkit.io.readers import read_raw, separator_hint

    if not path.is_file():
        raise ConfigError(
            f"ledger rules file {path} not found",
            file=config_path,
            key="ledger_rules",
            fix="put ledger_rules.csv in the input folder, give its path under 'ledger_rules', or list rules inline",
        )
    try:
        frame = read_raw(path)
    except InputError as exc:
        raise ConfigError(f"cannot read the rules table: {exc.what}", file=path, row=exc.row, fix=exc.fix) from None
    missing = [c for c in ("target", "kind") if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"missing column(s) {', '.join(missing)}",
            file=path,
            fix=f"the rules table needs the columns {', '.join(RULE_COLUMNS)} (activity, account_prefix and "
            "responsibility may be empty)" + separator_hint(frame.columns),
        )
    unknown = [c for c in frame.columns if c not in RULE_COLUMNS]
    if unknown:
        raise ConfigError(
            f"unknown column(s) {', '.join(unknown)} (allowed: {', '.join(RULE_COLUMNS)})", file=path
        )
    rules = []
    for row_number, row in zip(frame.index, frame.to_dict("records"), strict=True):
        kind = row.get("kind", "").strip()
        if kind not in RULE_KINDS:
            raise ConfigError(
                f"kind '{kind}' is not allowed (allowed: {', '.join(RULE_KINDS)})",
                file=path,
                row=int(row_number),
                column="kind",
                fix="cost for costs, internal_revenue for internal revenue and sales, fee for user fees, "
                "state_reimbursement for Försäkringskassan's or Migrationsverket's money",
            )
        rules.append(LedgerRule(**{k: v.strip() for k, v in row.items()}))
    return rules, [int(r) for r in frame.index]


__all__ = [
    "AREAS",
    "ClientConfig",
    "LedgerRule",
    "RULE_KINDS",
    "load_client_config",
    "parse_target",
]
