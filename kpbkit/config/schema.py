"""Client configuration schema: the pydantic models of a client config (extra keys are errors).

Values are validated here; paths stay as written (relative to the config file) until
:func:`kpbkit.config.loading.load_client_config` resolves them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from kpbkit.canonical import EXTRA_COLUMNS, SCHEMAS, preset_names
from kpbkit.catalog import parse_age_bands
from kpbkit.config.findings import FindingSettings
from kpbkit.config.rules import LedgerRule
from kpbkit.period import Period


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
    #: canonical, or a source preset (kpbkit/data/presets): swedish, register
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
    """How reports are shown: for publication (small counts hidden; the default: what leaves the consultancy is
    safe) or internal (everything, pseudonymised; ``publication: false`` or ``kpbkit run --internal``)."""

    #: suppress small counts in every table and chart shown to readers, and leave out top-case lists
    publication: bool = True
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
    #: a KPB network's folder (what ``kpbkit network --out`` wrote, with its network.json), relative to the config:
    #: the network's municipalities are comparison municipalities too, the client itself left out
    network: Path | None = None
    #: the client's own reference values, beside the shipped ones
    references: list[ReferenceValue] = []
    #: reference files (the shape of kpbkit/data/reference_values.csv, e.g. from ``kpbkit references kolada``),
    #: relative to the config; read beside the shipped references and ``references``
    reference_files: list[Path] = []
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


#: the forecast's scenario that is always there (the base year's rates and unit costs in every year): a value of
#: ``prognos.csv`` that the reports show as written, so no scenario of the config may take it
BASE_SCENARIO = "Oförändrade konsumtionstal"


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
    #: when a result becomes a finding (kpbkit.analyses.findings)
    findings: FindingSettings = FindingSettings()
