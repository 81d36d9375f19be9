"""The canonical tables of DATA-CONTRACT.md (their columns, types and which are required) and the input shapes.

Both the config (which checks the table, column and shape names a client's config uses) and ingest (which reads
the tables) depend on this contract; it depends on nothing of kpbkit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

#: the shape of input that needs no preset: the canonical tables as DATA-CONTRACT.md names them
CANONICAL = "canonical"
#: columns a preset may name that are not canonical: read, checked where useful, then dropped
EXTRA_COLUMNS = ("kommunkod",)
#: where the source presets live (``kpbkit/data/presets/<name>.yaml``, read by :mod:`kpbkit.io.presets`)
PRESETS_PACKAGE, PRESETS_FOLDER = "kpbkit.data", "presets"


def preset_names() -> list[str]:
    """Every shape a config may name: ``canonical`` and the shipped presets."""
    folder = resources.files(PRESETS_PACKAGE) / PRESETS_FOLDER
    names = sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    return [CANONICAL, *names]

Kind = Literal["id", "code", "text", "date", "float", "int", "pnr"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False  # the column must exist
    nonempty: bool = False  # every row must have a value (when the column exists)
    allowed: tuple[str, ...] = ()  # for codes with a closed list of values


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    has_person: bool = False  # needs person_id or personnummer
    required_table: bool = True
    one_of: tuple[tuple[str, ...], ...] = field(default=())  # at least one of these columns must exist

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


PERSON_COLUMNS = (Column("person_id", "id"), Column("personnummer", "pnr"))

SCHEMAS: dict[str, TableSchema] = {
    "persons": TableSchema(
        "persons",
        (*PERSON_COLUMNS, Column("birth_date", "date"), Column("sex", "code", allowed=("K", "M"))),
        has_person=True,
    ),
    "decisions": TableSchema(
        "decisions",
        (
            Column("decision_id", "id", required=True, nonempty=True),
            *PERSON_COLUMNS,
            Column("service_code", "code", required=True, nonempty=True),
            Column("decided_on", "date"),
            Column("start_date", "date", required=True, nonempty=True),
            Column("end_date", "date"),
            Column("granted_hours_per_month", "float"),
            Column("provider_id", "id"),
            Column("level", "text"),
        ),
        has_person=True,
        required_table=False,
    ),
    "visits": TableSchema(
        "visits",
        (
            *PERSON_COLUMNS,
            Column("service_code", "code", required=True, nonempty=True),
            Column("date", "date", required=True, nonempty=True),
            Column("minutes", "float", required=True),
            Column("provider_id", "id"),
            Column("staff_id", "id"),
        ),
        has_person=True,
        required_table=False,
    ),
    "stays": TableSchema(
        "stays",
        (
            Column("stay_id", "id", required=True, nonempty=True),
            *PERSON_COLUMNS,
            Column("service_code", "code", required=True, nonempty=True),
            Column("start_date", "date", required=True, nonempty=True),
            Column("end_date", "date"),
            Column("provider_id", "id"),
            Column("daily_price", "float"),
            Column("law", "text"),
        ),
        has_person=True,
        required_table=False,
    ),
    "providers": TableSchema(
        "providers",
        (
            Column("provider_id", "id", required=True, nonempty=True),
            Column("name", "text"),
            Column("regi", "code", required=True, nonempty=True, allowed=("egen", "extern")),
        ),
    ),
    "ledger": TableSchema(
        "ledger",
        (
            Column("date", "date"),
            Column("period", "text"),
            Column("account", "text"),
            Column("responsibility", "text"),
            Column("activity", "text"),
            Column("amount", "float", required=True, nonempty=True),
        ),
        one_of=(("date", "period"),),
    ),
    "population": TableSchema(
        "population",
        (
            Column("year", "int", required=True, nonempty=True),
            Column("age", "int", required=True, nonempty=True),
            Column("sex", "code", required=True, nonempty=True, allowed=("K", "M")),
            Column("count", "float", required=True, nonempty=True),
        ),
        required_table=False,
    ),
}
SCHEMAS["population_forecast"] = TableSchema(
    "population_forecast", SCHEMAS["population"].columns, required_table=False
)

#: Order in which ingest reads the tables
TABLE_ORDER: tuple[str, ...] = (
    "persons",
    "providers",
    "decisions",
    "visits",
    "stays",
    "ledger",
    "population",
    "population_forecast",
)
