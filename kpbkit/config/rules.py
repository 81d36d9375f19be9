"""The ledger rule: which ledger rows go to which cost pool (``ledger_rules`` of a client config, inline or a CSV).

Only the rule's shape lives here (an inline rule is validated with the config). Reading a rules CSV, the target
grammar and the check of targets against the catalogue are :mod:`kpbkit.model.rules`, beside the pools that
use them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

RULE_KINDS: tuple[str, ...] = ("cost", "internal_revenue", "fee", "state_reimbursement")
RULE_COLUMNS: tuple[str, ...] = ("activity", "account_prefix", "responsibility", "target", "kind")


class LedgerRule(BaseModel):
    """One rule: ledger rows matching its activity, account prefix and responsibility (empty: any) go to its target."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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
