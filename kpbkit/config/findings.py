"""Thresholds of the findings engine (``findings:`` in a client config; :mod:`kpbkit.analyses.findings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FindingSettings(BaseModel):
    """When a result becomes a finding, and how sure it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: a unit cost or rate is a finding when it is this much (share) above its target
    min_deviation: float = Field(0.05, ge=0, le=1)
    #: a finding worth less than this many kronor a year is left out (0: keep all)
    min_kronor: float = Field(100_000, ge=0)
    #: a finding resting on fewer persons than this is "low" certainty
    min_group: int = Field(10, ge=1)
    #: a finding resting on at least this many persons, against a current reference, is "high" certainty
    solid_group: int = Field(50, ge=1)
    #: women's and men's hours per brukare in one age band differ by at least this share
    gender_min_difference: float = Field(0.10, ge=0, le=5)
    #: a delivery ratio (delivered ÷ granted hours) below this is a finding
    delivery_ratio_low: float = Field(0.80, ge=0, le=1)
    #: an HVB stay longer than this many months is a long stay
    long_stay_months: int = Field(12, ge=1, le=120)
    #: how many findings page 1 of an area report shows
    top: int = Field(6, ge=3, le=10)
