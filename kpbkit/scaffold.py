"""``kpbkit new-client FOLDER``: a new client's working folder, ready for the extracts.

Writes ``FOLDER/<id>.yaml`` (every key a consultant sets, commented, with the Swedish-shape defaults and paths
relative to the config), ``FOLDER/ledger_rules.csv`` (a template of the rules' columns and typical rows),
``FOLDER/extracts/`` (where the client's files go, with a short note) and ``FOLDER/<id>.key`` (the
pseudonymisation key, outside the extracts folder, readable by you only). With ``like``, the input section
(shape, files, headers and code lists) and the LSS settings of another client's config are copied: municipalities
on the same case system send extracts of the same shape.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kpbkit.errors import ConfigError

EXTRACTS = "extracts"
RULES = "ledger_rules.csv"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

#: example rules (the first matching row wins; empty = any): replace them with the client's chart of accounts
RULES_TEMPLATE = """\
activity,account_prefix,responsibility,target,kind
510,,,service:hemtjanst:egen,cost
511,,,service:hemtjanst:extern,cost
520,,,service:sarskilt_boende:egen,cost
500,,,overhead:aldreomsorg,cost
590,,,myndighet:aldreomsorg,cost
"""

EXTRACTS_NOTE = """\
Put the client's extracts here, as its systems export them: decisions (beslut), delivered time (utförd tid),
stays (vistelser), persons, providers (utförare), the ledger (huvudbok), population (befolkning) and, for the
forecast, a population forecast (befolkningsprognos). `kpbkit validate ../{config}` then says what it found.
Never put the pseudonymisation key in this folder.
"""


@dataclass(frozen=True)
class NewClient:
    """What :func:`new_client` wrote."""

    folder: Path
    config: Path
    rules: Path
    extracts: Path
    key: Path


def new_client(folder: Path, *, client_id: str | None = None, name: str | None = None, kommunkod: str = "0000",
               year: int = 2025, like: Path | None = None) -> NewClient:
    """Write a new client's folder (see the module's docstring); refuses to overwrite a config."""
    folder = Path(folder)
    client_id = client_id or re.sub(r"[^a-z0-9_-]+", "-", folder.resolve().name.lower()).strip("-") or "kommun"
    if not _SLUG.match(client_id):
        raise ConfigError(f"'{client_id}' cannot be a client id", key="--id",
                          fix="use lower-case letters, digits, '-' and '_', e.g. --id karlstad")
    if not re.fullmatch(r"[0-9]{4}", kommunkod):
        raise ConfigError(f"'{kommunkod}' is not a kommunkod", key="--kommunkod", fix="give four digits, e.g. 1780")
    config = folder / f"{client_id}.yaml"
    if config.exists():
        raise ConfigError("the config already exists; nothing was written", file=config,
                          fix="choose another folder or --id, or edit the existing config")
    copied = _copied_sections(like) if like is not None else {}
    extracts = folder / EXTRACTS
    extracts.mkdir(parents=True, exist_ok=True)
    (extracts / "LÄS_MIG.txt").write_text(EXTRACTS_NOTE.format(config=config.name), encoding="utf-8")
    rules = folder / RULES
    if not rules.exists():
        rules.write_text(RULES_TEMPLATE, encoding="utf-8")
    key = folder / f"{client_id}.key"
    if not key.exists():
        key.touch(mode=0o600)
        key.write_text(secrets.token_urlsafe(32) + "\n", encoding="utf-8")
    config.write_text(config_text(client_id=client_id, name=name or client_id.replace("-", " ").title(),
                                  kommunkod=kommunkod, year=year, copied=copied, like=like), encoding="utf-8")
    return NewClient(folder, config, rules, extracts, key)


def _copied_sections(like: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(like).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the config to copy ({type(exc).__name__})", file=Path(like),
                          fix="give a client config (.yaml) that `kpbkit validate` accepts") from None
    if not isinstance(data, dict):
        raise ConfigError("not a client config", file=Path(like), fix="give a client config (.yaml)")
    inputs = {k: v for k, v in (data.get("input") or {}).items() if k != "folder"}
    return {"input": inputs, "lss": data.get("lss"), "services": data.get("services"),
            "age_bands": data.get("age_bands")}


def _block(key: str, value: Any) -> str:
    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=110)


def config_text(*, client_id: str, name: str, kommunkod: str, year: int, copied: dict[str, Any],
                like: Path | None) -> str:
    """The commented config of a new client."""
    source = f" (copied from {Path(like).name})" if like is not None else ""
    inputs = copied.get("input") or {"shape": "swedish"}
    input_block = _block("input", {"folder": EXTRACTS, **inputs})
    lss = copied.get("lss") or {"fk_hourly_rates": {2024: 332.60}, "shortfall_threshold": 0.9, "rate_margin": 0.12}
    extra = "".join(_block(k, copied[k]) for k in ("services", "age_bands") if copied.get(k))
    return f"""\
# {name}: KPB analysis, period {year}. Written by `kpbkit new-client`; every path is relative to this file.
# docs/config.md lists every key. Check it with `kpbkit validate {client_id}.yaml` before the first run.
client:
  id: {client_id}
  name: "{name}"
  kommunkod: "{kommunkod}"  # four digits, in quotes
period:
  year: {year}  # or start: / end: (YYYY-MM-DD) for another period

# The client's extracts{source}.
# shape: swedish reads Swedish headers (Personnr, Insats, Datum, Belopp ...); name a table's file, sheet or
# headers under tables:, the client's own codes under codes:, e.g.
#   tables:
#     visits: {{file: utford_tid.csv, columns: {{staff_id: "Utförd av"}}}}
#   codes:
#     service_code: {{HTJ: hemtjanst, SÄBO: sarskilt_boende}}
{input_block}
# where each ledger row's money goes (activity, account prefix, responsibility -> target; the first matching
# row wins): replace the template's examples with the client's chart of accounts
ledger_rules: {RULES}
pseudonymisation:
  key_file: {client_id}.key  # the client's secret: never in git, never in the extracts folder
output:
  folder: reports                # results and reports go to reports/{client_id}/{year}/

report:
  publication: true              # reports safe to leave the consultancy; `kpbkit run --internal` for your own
  threshold: 5                   # counts below this are shown as <5

# Försäkringskassan's hourly rate for personal assistance, kr per hour by year (needed when there is pa_sfb).
# Add the period's published rate; a rate you assume is labelled "antagande" in the reports.
{_block("lss", lss)}
comparison:
  municipalities: []             # results folders of other kpbkit runs, e.g. ../grannby/reports/grannby/{year}
  # network: ../natverk          # a KPB network's folder (kpbkit network --out): its municipalities compared too
  history_years: 5               # earlier years of this client looked for in reports/{client_id}/
  price_index: 0.03              # yearly price change moving other years' kronor to {year}'s prices

quality:
  control_totals: []             # the client's stated totals, e.g. - {{label: "RS {year}", amount: 352238500.15}}

# The forecast (prognos.html) needs a population forecast among the extracts; scenarios and a budget frame:
# prognos:
#   horizon: 10
#   scenarios:
#     - {{name: "Minskad konsumtion 1 % per år", rate_change_per_year: -0.01}}
#   budget: {{{year + 1}: 318700000}}
{extra}"""
