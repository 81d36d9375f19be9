"""Source presets: how a shape of export maps to the canonical tables (column headers, file names, codes).

A preset is a YAML file in ``kpbkit/data/presets/`` (see ``swedish.yaml`` and ``register.yaml``); the
``canonical`` shape needs none. A client's config adds its own header names and code lists on top
(``input.tables.<table>.columns``, ``input.codes``). Nothing here knows a vendor: a preset describes a
file shape, and a client's own names live in its config.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from kpbkit.canonical import CANONICAL, EXTRA_COLUMNS, PRESETS_FOLDER, PRESETS_PACKAGE, preset_names

__all__ = ["CANONICAL", "EXTRA_COLUMNS", "Preset", "TableShape", "load_preset", "normalise_header", "preset_names"]


@dataclass(frozen=True)
class TableShape:
    """How one table looks in a preset: file names to look for, header aliases, field order without header."""

    files: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    positional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    tables: dict[str, TableShape]
    codes: dict[str, dict[str, str]]

    def table(self, name: str) -> TableShape:
        return self.tables.get(name, TableShape())


def normalise_header(text: str) -> str:
    """A header as compared: trimmed, case-folded, runs of spaces, ``_``, ``-`` and ``.`` as one space.

    >>> normalise_header("  Beviljad_tid ")
    'beviljad tid'
    """
    return re.sub(r"[\s_\-.]+", " ", str(text).replace("\ufeff", "")).strip().casefold()


@cache
def load_preset(name: str) -> Preset:
    """The preset ``name``, with the tables and codes of the preset it ``extends`` merged underneath."""
    path = resources.files(PRESETS_PACKAGE) / PRESETS_FOLDER / f"{name}.yaml"
    from kpbkit.config.loading import parse_config_yaml

    # The config's strict reader: a duplicate key in a preset is an error, not a silently lost alias.
    raw = parse_config_yaml(path.read_bytes(), file=Path(str(path)))
    base = load_preset(raw["extends"]) if raw.get("extends") else None
    tables = dict(base.tables) if base else {}
    for table, spec in (raw.get("tables") or {}).items():
        tables[table] = TableShape(
            files=tuple(spec.get("files", ())),
            columns={col: tuple(str(a) for a in aliases) for col, aliases in (spec.get("columns") or {}).items()},
            positional=tuple(spec.get("positional", ())),
        )
    codes = {col: dict(values) for col, values in (base.codes if base else {}).items()}
    for col, values in (raw.get("codes") or {}).items():
        codes.setdefault(col, {}).update({str(k): str(v) for k, v in values.items()})
    return Preset(name, str(raw.get("description", "")), tables, codes)
