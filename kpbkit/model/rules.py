"""Ledger rules as the model uses them: the rules CSV read, the target grammar, targets checked against the catalogue.

:func:`ledger_rules` gives a config's rules (inline in the YAML, or the rules CSV read with kpbkit's hardened
reader), each target checked; errors name the config key of an inline rule or the file, row and column of a rules
file. :mod:`kpbkit.model.pools` matches ledger rows against them. A run reads them right after the config, before
any input (:func:`kpbkit.pipeline.run_client`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kpbkit.catalog import REGIS, Catalog
from kpbkit.config import RULE_COLUMNS, RULE_KINDS, ClientConfig, LedgerRule
from kpbkit.errors import ConfigError, InputError
from kpbkit.io.readers import read_raw, separator_hint


def ledger_rules(config: ClientConfig) -> list[LedgerRule]:
    """The config's ledger rules in the order they are tried, every target checked against its catalogue."""
    rules = config.model.ledger_rules
    if isinstance(rules, list):
        check_rules(list(rules), config.catalog, file=config.path, inline=True)
        return list(rules)
    assert config.rules_file is not None
    read, rows = read_rules_rows(config.rules_file, config_path=config.path)
    check_rules(read, config.catalog, file=config.rules_file, rows=rows)
    return read


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
    return read_rules_rows(path, config_path=config_path)[0]


def read_rules_rows(path: Path, *, config_path: Path) -> tuple[list[LedgerRule], list[int]]:
    """The rules of a rules CSV and the file row of each (header = row 1; blank lines skipped but counted)."""
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
