"""Personal assistance is measured against one FK rate everywhere (issue 14): a year the config gives FK's hourly
rate for and the published references do not becomes the PA reference of that year, marked as an assumption, so
the savings table uses the rate the six-month settlement and the findings use."""

from __future__ import annotations

from kpbkit.analyses.compare import chosen_reference
from kpbkit.comparisons import load_references, shipped_references
from kpbkit.config import load_client_config


def test_the_config_s_rate_of_an_unpublished_year_is_the_pa_reference(tmp_path, write_case) -> None:
    config = load_client_config(write_case(tmp_path, config={"lss": {"fk_hourly_rates": {2024: 332.60, 2025: 339.30}}}))
    refs = load_references(config)
    pa = refs[refs["kpi"] == "pa_gross_cost_per_hour"]
    shipped = shipped_references()
    assert len(pa) == len(shipped[shipped["kpi"] == "pa_gross_cost_per_hour"]) + 1  # 2024 is published: not again
    added = pa[pa["origin"] == "config"]
    assert added[["year", "value"]].values.tolist() == [[2025.0, 339.30]]
    assert "antagande" in added["source"].iloc[0]
    chosen, older = chosen_reference(refs, "lss", "pa_gross_cost_per_hour", "total", year=2025)
    assert chosen is not None and chosen["value"] == 339.30 and chosen["origin"] == "config"
    assert 332.60 in set(older["value"])  # the published 2024 rate stays as context


def test_without_a_rate_in_the_config_nothing_is_added(tmp_path, write_case) -> None:
    refs = load_references(load_client_config(write_case(tmp_path)))
    assert "config" not in set(refs["origin"])
