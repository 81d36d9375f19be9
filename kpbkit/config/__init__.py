"""Client configuration: YAML on disk, a validated pydantic model in memory.

- :mod:`~kpbkit.config.schema`: the pydantic models (unknown keys and bad values are errors naming the key);
- :mod:`~kpbkit.config.rules`: the ledger rule's shape (reading and checking rules: :mod:`kpbkit.model.rules`);
- :mod:`~kpbkit.config.loading`: YAML with its limits, validation, path checks: :func:`load_client_config`;
- :mod:`~kpbkit.config.client`: :class:`ClientConfig`, the loaded config with its paths resolved.

Example
-------
>>> from kpbkit.config import load_client_config
>>> load_client_config("client_configs/exempelkommun.yaml").period.label  # doctest: +SKIP
'2025'
"""

from kpbkit.config.client import MIN_KEY_BYTES, ClientConfig, ConfigPaths, check_key_length, missing_fk_rate_error
from kpbkit.config.loading import load_client_config, parse_config_yaml, read_config_bytes, read_config_yaml
from kpbkit.config.rules import RULE_COLUMNS, RULE_KINDS, LedgerRule
from kpbkit.config.schema import (
    CODE_COLUMNS,
    KRONOR_UNITS,
    REFERENCE_UNITS,
    ClientConfigModel,
    ComparisonSection,
    ControlTotal,
    InputSection,
    LssSection,
    PrognosSection,
    QualitySection,
    ReferenceValue,
    ReportSection,
    ScenarioSection,
    TableInput,
)

__all__ = [
    "CODE_COLUMNS", "KRONOR_UNITS", "MIN_KEY_BYTES", "REFERENCE_UNITS", "RULE_COLUMNS",
    "RULE_KINDS", "ClientConfig", "ClientConfigModel", "ComparisonSection", "ConfigPaths", "ControlTotal",
    "InputSection", "LedgerRule", "LssSection", "PrognosSection", "QualitySection", "ReferenceValue",
    "ReportSection", "ScenarioSection", "TableInput", "check_key_length", "load_client_config",
    "missing_fk_rate_error", "parse_config_yaml", "read_config_bytes", "read_config_yaml",
]
