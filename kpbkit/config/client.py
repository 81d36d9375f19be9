"""The loaded client config: the validated model with its paths resolved."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from kpbkit.catalog import DEFAULT_AGE_BANDS, Catalog, Service, parse_age_bands
from kpbkit.config.findings import FindingSettings
from kpbkit.config.schema import (
    ClientConfigModel,
    ComparisonSection,
    LssSection,
    PrognosSection,
    QualitySection,
    ReportSection,
    TableInput,
)
from kpbkit.errors import ConfigError


@dataclass(frozen=True)
class ConfigPaths:
    """Every path a config names, resolved against the config file's folder: the first step of loading.

    The loader checks these (the input folder exists, the output folder is a safe place, ...);
    :class:`ClientConfig` then keeps them.
    """

    #: the config file itself (absolute)
    config: Path
    input_folder: Path
    #: the rules CSV (``None`` for inline rules); by default ``ledger_rules.csv`` in the input folder
    rules_file: Path | None
    #: ``output.folder`` resolved; without an ``output`` key, ``./reports`` of the working directory
    output_root: Path
    key_file: Path | None
    #: the comparison municipalities' results folders
    comparison_folders: tuple[Path, ...]
    #: each comparison municipality as the config names it (a folder, or "<network>: <name>") and its folder
    comparison_entries: tuple[tuple[str, Path], ...] = ()

    @classmethod
    def resolve(cls, model: ClientConfigModel, path: Path) -> ConfigPaths:
        """The paths of ``model``, a config read from ``path`` (absolute)."""
        base = path.parent
        input_folder = resolve_in(base, model.input.folder)
        rules = model.ledger_rules
        if isinstance(rules, list):
            rules_file = None
        elif rules is None:
            rules_file = input_folder / "ledger_rules.csv"
        else:
            rules_file = resolve_in(base, rules)
        folder = model.output.folder
        output_root = resolve_in(base, folder) if "output" in model.model_fields_set else folder.resolve()
        section = model.pseudonymisation
        key_file = resolve_in(base, section.key_file) if section is not None and section.key_file is not None else None
        entries = [(str(f), resolve_in(base, f)) for f in model.comparison.municipalities]
        if model.comparison.network is not None:
            entries += network_members(model, path, resolve_in(base, model.comparison.network))
        return cls(path, input_folder, rules_file, output_root, key_file, tuple(f for _, f in entries),
                   tuple(entries))


def network_members(model: ClientConfigModel, path: Path, folder: Path) -> list[tuple[str, Path]]:
    """The municipalities of the network in ``folder`` (its network.json) as comparison entries, the client itself
    (by name, or by its id as the folder's client folder) left out."""
    record = folder / "network.json"
    try:
        network = json.loads(record.read_text(encoding="utf-8"))
        members = list(zip(network["municipalities"], network["folders"], strict=True))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"no KPB network at {folder} ({record.name} cannot be read: {exc.__class__.__name__})",
                          file=path, key="comparison.network",
                          fix="give the folder that `kpbkit network FOLDERS --out FOLDER` wrote, or run it first"
                          ) from None
    out = []
    for name, member in members:
        member_folder = resolve_in(folder, Path(str(member)))
        if str(name) == model.client.name or member_folder.parent.name == model.client.id:
            continue
        out.append((f"{model.comparison.network}: {name}", member_folder))
    return out


class ClientConfig:
    """A validated client configuration with paths resolved against the config file's folder.

    Built by :func:`kpbkit.config.load_client_config` from the validated model and its resolved
    :class:`ConfigPaths`; the model's sections are plain attributes. Its ledger rules are read and checked by
    :func:`kpbkit.model.rules.ledger_rules`.
    """

    def __init__(self, model: ClientConfigModel, paths: ConfigPaths, raw_bytes: bytes) -> None:
        self.model = model
        self.path = paths.config
        self.config_hash = hashlib.sha256(raw_bytes).hexdigest()
        self.catalog = Catalog([Service(s.code, s.area, s.unit) for s in model.services])
        self.period = model.period.to_period()
        bands = {area: list(labels) for area, labels in DEFAULT_AGE_BANDS.items()}
        bands.update(model.age_bands)
        self.age_bands = {area: parse_age_bands(labels) for area, labels in bands.items()}
        self.client_id: str = model.client.id
        self.client_name: str = model.client.name
        self.input_folder = paths.input_folder
        self.rules_file = paths.rules_file
        self.output_root = paths.output_root
        #: ``<output>/<client>/<period>/``, e.g. ``reports/exempel/2025``
        self.output_dir = self.output_root / self.client_id / self.period.label
        self.key_file = paths.key_file
        #: the comparison municipalities' results folders
        self.comparison_folders = list(paths.comparison_folders)
        #: each comparison municipality as the config names it and its folder (a network's members included)
        self.comparison_entries = list(paths.comparison_entries) or [
            (str(c), f) for c, f in zip(model.comparison.municipalities, paths.comparison_folders, strict=True)]
        #: the client's code lists (column -> {client code: canonical code})
        self.codes: dict[str, dict[str, str]] = model.input.codes
        #: the LSS report's settings (FK hourly rates, flag thresholds)
        self.lss: LssSection = model.lss
        #: report settings (publication mode and its threshold)
        self.report: ReportSection = model.report
        #: comparison settings (references, comparison municipalities, price index, history)
        self.comparison: ComparisonSection = model.comparison
        #: forecast settings (horizon, age bands, services, scenarios, budget frame)
        self.prognos: PrognosSection = model.prognos
        #: data-quality settings (control totals, plausibility limits)
        self.quality: QualitySection = model.quality
        self.findings: FindingSettings = model.findings

    def table_input(self, table: str) -> TableInput:
        """How ``table`` is read: its file, shape, sheet and the client's header names (defaults filled in)."""
        spec = self.model.input.tables.get(table, TableInput())
        file = resolve_in(self.input_folder, spec.file) if spec.file is not None else None
        return spec.model_copy(update={"shape": spec.shape or self.model.input.shape, "file": file})

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
        key_path = self.key_file
        assert key_path is not None  # the schema requires key_env or key_file
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


def resolve_in(folder: Path, value: Path) -> Path:
    """``value`` (``~`` expanded) if absolute, else resolved against ``folder``."""
    value = Path(os.path.expanduser(str(value)))
    return value if value.is_absolute() else (folder / value).resolve()
