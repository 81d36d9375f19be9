"""Reading a client config: YAML with its limits (size, duplicate keys, aliases, nesting), validation into the
schema, path resolution and checks, and the ledger rules; :func:`load_client_config` does it all in order.

Paths in the file are relative to the config file. Unknown keys and bad values are errors that
name the key and the allowed values; nothing runs before the config (and its rules) validate.
"""

from __future__ import annotations

import copy
import difflib
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kpbkit.catalog import UNITS, Catalog, Service, parse_age_bands
from kpbkit.config.client import ClientConfig, ConfigPaths, resolve_in
from kpbkit.config.schema import ClientConfigModel
from kpbkit.errors import ConfigError

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


def load_client_config(path: str | Path, overrides: Sequence[str] = ()) -> ClientConfig:
    """Read, validate and resolve a client config; raise :class:`ConfigError` naming the key on any problem.

    ``overrides``: ``"key.path=value"`` items (``kpbkit run --set``) applied over the file before validation; the
    value is read as YAML (``2024``, ``false``, ``[a, b]``). The config's hash covers them.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise ConfigError(
            "config file not found", file=path, fix="check the path, e.g. client_configs/exempelkommun.yaml"
        )
    raw = read_config_bytes(path)
    data = parse_config_yaml(raw, file=path)
    if not isinstance(data, dict):
        raise ConfigError("the config must be a mapping of keys (client, period, input, ...)", file=path)
    if overrides:
        data = apply_overrides(data, overrides, file=path)
        raw = raw + "".join(f"\n# --set {item}" for item in overrides).encode("utf-8")
    try:
        model = ClientConfigModel.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc, path) from None
    catalog = Catalog([Service(s.code, s.area, s.unit) for s in model.services])
    _check_services(model, path)
    _check_age_bands(model, path, catalog)
    paths = ConfigPaths.resolve(model, path)
    if not paths.input_folder.is_dir():
        raise ConfigError(
            f"input folder {paths.input_folder} does not exist",
            file=path,
            key="input.folder",
            fix="give the folder holding the canonical files, relative to the config file",
        )
    _check_output_folder(model, paths)
    _log_outside_paths(model, paths)
    _check_input_files(model, paths.input_folder, path)
    return ClientConfig(model, paths, raw)


def apply_overrides(data: dict[str, Any], overrides: Sequence[str], *, file: Path | None = None) -> dict[str, Any]:
    """``data`` with each ``"a.b.c=value"`` set (nested mappings made where missing); the value read as YAML.

    >>> apply_overrides({"period": {"year": 2025}}, ["period.year=2024", "report.publication=false"])
    {'period': {'year': 2024}, 'report': {'publication': False}}
    """
    out = copy.deepcopy(data)
    for item in overrides:
        key, sep, text = item.partition("=")
        parts = key.strip().split(".")
        if not sep or not all(p.strip() for p in parts):
            raise ConfigError(f"--set '{item}' is not KEY=VALUE", file=file, key="--set",
                              fix="write the key's path with dots and its value, e.g. --set period.year=2024")
        try:
            value = yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError:
            raise ConfigError(f"--set {key}: the value is not valid YAML", file=file, key=key,
                              fix="quote a text value, e.g. --set client.name='Exempelkommun'") from None
        node = out
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = value
    return out


_WINDOWS_DRIVE_ROOT = re.compile(r"^[A-Za-z]:[\\/]*$")


def _real(path: Path) -> Path:
    """``path`` absolute, with ``..`` and symbolic links resolved (as far as they exist)."""
    return Path(os.path.realpath(path))


def _within(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _check_output_folder(model: ClientConfigModel, paths: ConfigPaths) -> None:
    """Refuse an output folder that is a filesystem root, the home folder, or inside (or equal to) the input
    folder; and anything the run reads (input folder, rules file, key file) inside the output's client folder,
    which each run's results replace.
    """
    raw = str(model.output.folder)
    output = _real(paths.output_root)
    input_folder = _real(paths.input_folder)
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
        raise ConfigError(problem, file=paths.config, key="output.folder", fix=fix)
    client_folder = output / model.client.id
    reads = [("input.folder", input_folder)]
    if paths.rules_file is not None and model.ledger_rules is not None:
        reads.append(("ledger_rules", _real(paths.rules_file)))
    if paths.key_file is not None:
        reads.append(("pseudonymisation.key_file", _real(paths.key_file)))
    for key, read in reads:
        if _within(read, client_folder):
            raise ConfigError(
                f"{read} is inside the output's client folder {client_folder}, which kpbkit writes and replaces "
                "on every run (and whose results are shared)",
                file=paths.config,
                key=key,
                fix=f"move it out of {client_folder}, or give output.folder another folder",
            )


def _home() -> Path | None:
    try:
        return _real(Path.home())
    except (RuntimeError, KeyError):  # no home folder can be determined
        return None


def _log_outside_paths(model: ClientConfigModel, paths: ConfigPaths) -> None:
    """Log (so it is in the run's log) each configured path that lies outside the config file's folder."""
    base = _real(paths.config.parent)
    named: list[tuple[str, Path]] = [("input.folder", paths.input_folder)]
    if model.ledger_rules is not None and paths.rules_file is not None:
        named.append(("ledger_rules", paths.rules_file))
    if paths.key_file is not None:
        named.append(("pseudonymisation.key_file", paths.key_file))
    if "output" in model.model_fields_set:
        named.append(("output.folder", paths.output_root))
    configured = len(model.comparison.municipalities)
    named += [(f"comparison.municipalities[{i}]" if i < configured else f"comparison.network ({label})", folder)
              for i, (label, folder) in enumerate(paths.comparison_entries)]
    log = logging.getLogger("kpbkit")
    for key, value in named:
        if not _within(_real(value), base):
            log.info("%s points outside the config's folder: %s", key, _real(value))


def _check_input_files(model: ClientConfigModel, folder: Path, path: Path) -> None:
    """Every file the config names must exist: a config that points nowhere stops before anything runs."""
    for table, spec in model.input.tables.items():
        if spec.file is not None and not resolve_in(folder, spec.file).is_file():
            raise ConfigError(
                f"file {resolve_in(folder, spec.file)} does not exist",
                file=path,
                key=f"input.tables.{table}.file",
                fix="give the file's name relative to the input folder (input.folder), or remove the key so the "
                "shape's usual names are looked for",
            )


def _config_error(exc: ValidationError, path: Path) -> ConfigError:
    lines = []
    for err in exc.errors()[:10]:
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("(")))  # drop union tags
        key = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")
        if err["type"] == "extra_forbidden":
            parent = _model_at(loc[:-1])
            fields = list(parent.model_fields) if parent else []
            near = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.6) if loc else []
            hint = f"did you mean '{near[0]}'? " if near else ""
            lines.append(f"key '{key}': unknown key ({hint}allowed here: {', '.join(fields)})")
        elif err["type"] == "missing":
            lines.append(f"key '{key}': required but missing")
        else:
            lines.append(f"key '{key}': {plain_message(err)}")
    more = f"\n  ... and {len(exc.errors()) - 10} more" if len(exc.errors()) > 10 else ""
    return ConfigError(
        "invalid configuration:\n  " + "\n  ".join(lines) + more,
        file=path,
        fix="correct the keys above; docs/config.md lists every key and its allowed values",
    )


#: pydantic's messages in plain words, by error type (``{name}`` from the error's context); the value given is
#: never quoted back (it could be data)
PLAIN_MESSAGES = {
    "path_type": "must be a path written as text, e.g. folder: \"2025\" or folder: extracts",
    "int_parsing": "must be a whole number, e.g. 2025",
    "int_type": "must be a whole number, e.g. 2025",
    "int_from_float": "must be a whole number, without decimals",
    "float_parsing": "must be a number, with a decimal point: 0.03, not 0,03",
    "float_type": "must be a number, with a decimal point: 0.03, not 0,03",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text (put it in quotes)",
    "list_type": "must be a list, e.g. [a, b] or one '- item' per line",
    "dict_type": "must be a mapping of keys, e.g. {2024: 332.60}",
    "model_type": "must be a mapping of keys (key: value, indented under it)",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "date_parsing": "must be a date written YYYY-MM-DD, e.g. 2025-01-01",
    "date_from_datetime_parsing": "must be a real date written YYYY-MM-DD, e.g. 2025-01-01",
    "date_type": "must be a date written YYYY-MM-DD, e.g. 2025-01-01",
    "too_short": "needs at least {min_length} item(s)",
    "too_long": "may have at most {max_length} item(s)",
    "string_too_short": "must not be empty",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
}


def plain_message(err: dict[str, Any]) -> str:
    """One pydantic error in plain words (:data:`PLAIN_MESSAGES`); kpbkit's own checks keep their message."""
    template = PLAIN_MESSAGES.get(str(err.get("type")))
    if template is None:
        return str(err.get("msg", "")).removeprefix("Value error, ")
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return str(err.get("msg", "")).removeprefix("Value error, ")


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
