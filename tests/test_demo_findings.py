"""The findings planted in Exempelkommun 2025, found again in the generator's canonical tables.

A KPB analysis of the demo should have something to find: a home-care district that costs clearly more per
delivered hour, a provider whose brukare get clearly more hours, a provider that delivers well short of the
granted hours, a gender difference among brukare 80+, FK reimbursement left unbooked for some months, and an
HVB share above the national picture with stays past a year. Each is computed here from the tables as an
analyst would, not read from the generator's settings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from kpbkit import demo
from kpbkit.demo.history import to_cents

REPO = Path(__file__).resolve().parents[1]
YEAR = demo.YEAR
P0, P1 = pd.Timestamp(f"{YEAR}-01-01"), pd.Timestamp(f"{YEAR}-12-31")
#: the demo's chart of accounts: home care's cost centre per own district
DISTRICT_RESPONSIBILITY = {"41110": "HTN", "41120": "HTC", "41130": "HTS"}
PLACEMENTS = ("familjehem", "familjehem_konsulent", "hvb", "sis", "stodboende")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return demo.build_demo_tables(seed=demo.DEFAULT_SEED)


def _sex(pnr: pd.Series) -> pd.Series:
    """K/M from a 12-digit personnummer's second-to-last digit (odd: man)."""
    return pd.Series(np.where(pnr.str[10].astype(int) % 2 == 1, "M", "K"), index=pnr.index)


@pytest.fixture(scope="module")
def home_visits(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Home-care visits of the year that count (minutes > 0), with hours, age on 31 December and sex."""
    v = tables["visits"]
    v = v[(v["service_code"] == "hemtjanst") & v["date"].str.startswith(str(YEAR))].copy()
    v["hours"] = pd.to_numeric(v["minutes"]) / 60
    v = v[v["hours"] > 0]
    v["age"] = YEAR - v["personnummer"].str[:4].astype(int)
    v["sex"] = _sex(v["personnummer"])
    return v


def _per_provider(visits: pd.DataFrame) -> pd.DataFrame:
    out = visits.groupby("provider_id").agg(hours=("hours", "sum"), brukare=("personnummer", "nunique"))
    ages = visits.drop_duplicates(["provider_id", "personnummer"]).groupby("provider_id")["age"].mean()
    return out.assign(hours_per_brukare=out["hours"] / out["brukare"], mean_age=ages)


def _granted_hours(decisions: pd.DataFrame, service: str) -> pd.DataFrame:
    """Granted hours of ``service`` within the year per decision (hours per month × months of the year)."""
    d = decisions[decisions["service_code"] == service].copy()
    start = pd.to_datetime(d["start_date"]).clip(lower=P0)
    end = pd.to_datetime(d["end_date"].where(d["end_date"] != "", str(P1.date()))).clip(upper=P1)
    days = ((end - start).dt.days + 1).clip(lower=0)
    d["granted"] = pd.to_numeric(d["granted_hours_per_month"]) * days * 12 / 365
    return d


# ------------------------------------------------------------------------------------------------ home care


def test_one_own_district_costs_clearly_more_per_delivered_hour(tables, home_visits) -> None:
    led = tables["ledger"]
    led = led[led["date"].str.startswith(str(YEAR)) & (led["activity"] == "5110")]
    cost = led[~led["account"].str.startswith(("31", "038")) & led["responsibility"].isin(DISTRICT_RESPONSIBILITY)]
    kronor = pd.Series(to_cents(cost["amount"]) / 100, index=cost.index)
    by_district = kronor.groupby(cost["responsibility"].map(DISTRICT_RESPONSIBILITY)).sum()
    hours = _per_provider(home_visits)["hours"]
    per_hour = (by_district / hours.reindex(by_district.index)).sort_values()
    dearest, others = per_hour.iloc[-1], per_hour.iloc[:-1]
    assert 1.18 <= dearest / others.mean() <= 1.35, per_hour
    assert others.max() / others.min() < 1.05, per_hour  # the others alike
    assert 500 <= others.mean() <= 750


def test_one_provider_gives_clearly_more_hours_per_brukare_for_a_similar_age_mix(tables, home_visits) -> None:
    providers = _per_provider(home_visits)
    providers = providers[providers["brukare"] >= 20]
    top = providers["hours_per_brukare"].idxmax()
    others = providers.drop(index=top)
    assert providers.at[top, "hours_per_brukare"] >= 1.25 * others["hours_per_brukare"].median()
    assert abs(providers.at[top, "mean_age"] - others["mean_age"].mean()) < 2.0
    # what was granted per month tells the same: the provider's brukare are granted more than anyone else's
    dec = tables["decisions"]
    dec = dec[dec["service_code"] == "hemtjanst"]
    granted = pd.to_numeric(dec["granted_hours_per_month"]).groupby(dec["provider_id"]).mean()
    assert granted[top] >= 1.15 * granted.drop(index=top).reindex(others.index).max()


def test_one_provider_delivers_well_short_of_the_granted_hours(tables, home_visits) -> None:
    granted = _granted_hours(tables["decisions"], "hemtjanst").groupby("provider_id")["granted"].sum()
    delivered = _per_provider(home_visits)["hours"]
    ratio = (delivered / granted).dropna()
    ratio = ratio[granted.reindex(ratio.index) > 1000]
    low = ratio.idxmin()
    assert 0.65 <= ratio[low] <= 0.78, ratio
    assert (ratio.drop(index=low) >= 0.85).all(), ratio


def test_men_and_women_80_plus_get_different_hours_in_groups_of_20_or_more(home_visits) -> None:
    old = home_visits[home_visits["age"] >= 80]
    by_sex = old.groupby("sex").agg(hours=("hours", "sum"), brukare=("personnummer", "nunique"))
    assert (by_sex["brukare"] >= 20).all()
    per_brukare = by_sex["hours"] / by_sex["brukare"]
    assert 1.10 <= per_brukare.max() / per_brukare.min() <= 1.40, per_brukare


# ------------------------------------------------------------------------------------------------ personal assistance


def test_fk_reimbursement_is_missing_for_some_months(tables) -> None:
    """Booked reimbursement per delivered hour of the own regi's SFB cases drops clearly in a few months."""
    visits = tables["visits"]
    own = visits[(visits["service_code"] == "pa_sfb") & (visits["provider_id"] == "PA")
                 & visits["date"].str.startswith(str(YEAR))]
    hours = (pd.to_numeric(own["minutes"]) / 60).groupby(own["date"].str[5:7].astype(int)).sum()
    led = tables["ledger"]
    fk = led[led["date"].str.startswith(str(YEAR)) & (led["activity"] == "5210") & led["account"].str.startswith("35")
             & (led["responsibility"] != "42900")]
    booked = -pd.Series(to_cents(fk["amount"]) / 100, index=fk.index).groupby(fk["date"].str[5:7].astype(int)).sum()
    per_hour = (booked / hours).reindex(range(1, 13))
    short = per_hour < 0.9 * per_hour.median()
    assert 3 <= short.sum() <= 6, per_hour.round(1)


def test_own_regi_assistance_costs_more_per_hour_than_fk_pays(tables) -> None:
    config = yaml.safe_load((REPO / "client_configs" / "exempelkommun.yaml").read_text(encoding="utf-8"))
    rate = float(config["lss"]["fk_hourly_rates"][YEAR])
    visits = tables["visits"]
    own = visits[(visits["service_code"] == "pa_sfb") & (visits["provider_id"] == "PA")
                 & visits["date"].str.startswith(str(YEAR))]
    hours = pd.to_numeric(own["minutes"]).sum() / 60
    led = tables["ledger"]
    cost = led[led["date"].str.startswith(str(YEAR)) & (led["activity"] == "5210")
               & ~led["account"].str.startswith(("35", "45")) & (led["responsibility"] != "42900")]
    per_hour = to_cents(cost["amount"]).sum() / 100 / hours
    assert rate * 1.03 < per_hour < rate * 1.2


# ------------------------------------------------------------------------------------------------ barn och unga


def test_hvb_share_of_care_days_is_above_the_national_picture_with_long_stays(tables) -> None:
    stays = tables["stays"]
    stays = stays[stays["service_code"].isin(PLACEMENTS)].copy()
    start = pd.to_datetime(stays["start_date"])
    end = pd.to_datetime(stays["end_date"].where(stays["end_date"] != "", str(P1.date())))
    stays["days"] = ((end.clip(upper=P1) - start.clip(lower=P0)).dt.days + 1).clip(lower=0)
    days = stays.groupby("service_code")["days"].sum()
    outside_family_homes = 1 - days[["familjehem", "familjehem_konsulent"]].sum() / days.sum()
    assert outside_family_homes >= 0.33  # nationally about 28 % of placed children are outside family homes
    hvb = stays[stays["service_code"] == "hvb"]
    length = (end - start).dt.days[hvb.index]
    assert (length > 365).sum() >= 3
    assert (hvb["days"] > 0).sum() >= 15


# ------------------------------------------------------------------------------------------------ comparisons


@pytest.fixture(scope="module")
def municipalities(tables) -> dict[str, dict[str, pd.DataFrame]]:
    out = {"exempelkommun": tables}
    out.update({c.client_id: demo.comparison_tables(c) for c in demo.COMPARISONS})
    return out


def test_comparison_municipalities_have_their_own_structure(municipalities) -> None:
    """Not Exempelkommun rescaled: the LOV mix, the age profile and the placement mix differ."""
    lov, old, hvb = {}, {}, {}
    for name, t in municipalities.items():
        regi = dict(zip(t["providers"]["provider_id"], t["providers"]["regi"], strict=True))
        v = t["visits"]
        v = v[(v["service_code"] == "hemtjanst") & (pd.to_numeric(v["minutes"]) > 0)]
        minutes = pd.to_numeric(v["minutes"])
        lov[name] = minutes[v["provider_id"].map(regi).fillna("extern") == "extern"].sum() / minutes.sum()
        pop = t["population"].astype({"age": int, "count": int})
        old[name] = pop.loc[pop["age"] >= 80, "count"].sum() / pop["count"].sum()
        stays = t["stays"]
        placed = stays[stays["service_code"].isin(PLACEMENTS)]
        hvb[name] = (placed["service_code"] == "hvb").mean()
    for shares in (lov, old, hvb):
        values = sorted(shares.values())
        assert all(b / a >= 1.1 for a, b in zip(values, values[1:], strict=False)), shares
    assert lov["grannby"] > lov["exempelkommun"] > lov["jamforstad"]
    assert old["jamforstad"] > old["exempelkommun"] > old["grannby"]
