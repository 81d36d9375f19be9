"""The demo municipality Exempelkommun: deterministic, test personnummer only, and realistic through the real engine.

The demo is generated once per module into a temporary folder and run with ``run_client``; the magnitudes
are checked against KPB-METHOD §6 from the engine's own results (kpis, unit costs, interim tables).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from kpbkit.cli import main
from kpbkit.demo import DEMO_FILES, FK_RATE, STAMP_FILE, ensure_demo, generate_demo, load_test_personnummer
from kpbkit.demo import extracts as demo_extracts
from kpbkit.demo import generate as demo
from kpbkit.io.sources import read_source_text
from kpbkit.period import Period, interval_months, to_day64
from kpbkit.pipeline import RunResult, run_client

REPO = Path(__file__).resolve().parents[1]
COMMITTED_CONFIG = REPO / "client_configs" / "exempelkommun.yaml"
SHARED_LIST = REPO.parent / "shared" / "data" / "skatteverket_testpersonnummer.csv"
PNR_LIKE = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+ ]?[0-9]{4}(?![0-9])")
PERIOD = Period.year(2025)


@dataclass
class DemoRun:
    folder: Path
    result: RunResult
    generate_seconds: float
    run_seconds: float

    def kpi(self, area: str, kpi: str, group: str = "total") -> float:
        k = self.result.model.kpis
        row = k[(k["area"] == area) & (k["kpi"] == kpi) & (k["group"] == group)]
        assert len(row) == 1, f"{area}/{kpi}/{group} not in kpis"
        return float(row["value"].iloc[0])

    def interim(self, name: str) -> pd.DataFrame:
        return pd.read_parquet(self.result.results_dir.parent / "interim" / f"{name}.parquet")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """Generate the demo, then run it with the committed config's settings pointed at temporary folders."""
    root = tmp_path_factory.mktemp("exempelkommun")
    t0 = time.perf_counter()
    folder = generate_demo(root / "input")
    t1 = time.perf_counter()
    (root / "demo.key").write_text("kpbkit-demo-test-key-0123456789abcdef\n")
    config = yaml.safe_load(COMMITTED_CONFIG.read_text(encoding="utf-8"))
    config["input"]["folder"] = "input"
    config["ledger_rules"] = "input/ledger_rules.csv"
    config["pseudonymisation"] = {"key_file": "demo.key"}
    config["output"] = {"folder": "reports"}
    (root / "exempelkommun.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run_client(root / "exempelkommun.yaml", progress=lambda *_: None)
    return DemoRun(folder, result, t1 - t0, time.perf_counter() - t1)


_TABLES: dict[str, pd.DataFrame] = {}


def _raw(run: DemoRun, name: str) -> pd.DataFrame:
    """The generator's canonical text table ``name`` (before it is written in the extracts' shapes)."""
    if not _TABLES:
        _TABLES.update(demo.build_demo_tables(seed=2025))
    return _TABLES[name]


def _extract(run: DemoRun, file: str) -> pd.DataFrame:
    """A written extract file as text, the way ingest reads it (the register file has no header row)."""
    if file == "register_beslut.txt":
        return pd.read_csv(run.folder / file, sep=";", header=None, dtype=str, keep_default_na=False,
                           encoding="cp1252")
    return read_source_text(run.folder / file)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------------------ files


def test_writes_every_canonical_file_at_a_modest_size(run: DemoRun) -> None:
    for name in DEMO_FILES:
        assert (run.folder / name).is_file(), name
    assert json.loads((run.folder / STAMP_FILE).read_text()) == {
        "generator": "kpbkit.demo", "version": demo.DEMO_VERSION, "seed": 2025,
    }
    assert 150_000 <= len(_raw(run, "visits")) <= 250_000
    assert run.generate_seconds < 15 and run.run_seconds < 30


def test_population_is_a_municipality_of_about_25000(run: DemoRun) -> None:
    pop = _raw(run, "population").astype({"year": int, "age": int, "count": int})
    assert set(pop["year"]) == {2025}
    assert sorted(pop["age"].unique()) == list(range(101)) and set(pop["sex"]) == {"K", "M"}
    total = pop["count"].sum()
    old = pop.loc[pop["age"] >= 80, "count"].sum()
    assert 24_000 <= total <= 26_000
    assert 1_300 <= old <= 1_500 and 0.05 <= old / total <= 0.06
    women_90 = pop[(pop["age"] >= 90) & (pop["sex"] == "K")]["count"].sum()
    assert women_90 > pop[(pop["age"] >= 90) & (pop["sex"] == "M")]["count"].sum()
    forecast = _raw(run, "population_forecast").astype({"year": int, "age": int, "count": int})
    assert sorted(forecast["year"].unique()) == list(range(2026, 2036))
    assert (forecast.groupby("year").size() == 202).all()
    assert forecast.groupby("year")["count"].sum().between(0.9 * total, 1.1 * total).all()


def test_same_seed_gives_byte_identical_files(run: DemoRun, tmp_path: Path) -> None:
    again = generate_demo(tmp_path / "again", seed=2025)
    for name in (*DEMO_FILES, STAMP_FILE):
        if name.endswith(".xlsx"):  # a workbook's zip entries carry the time of writing: compare the cells
            pd.testing.assert_frame_equal(read_source_text(again / name), read_source_text(run.folder / name))
        else:
            assert _sha256(again / name) == _sha256(run.folder / name), name
    other = demo.build_demo_tables(seed=7)
    assert not other["visits"].equals(_raw(run, "visits"))


# ------------------------------------------------------------------------------------------------ privacy


def _normalise(value: str) -> str:
    """12-digit form of a written personnummer, century by the period's rule (as ingest does)."""
    digits = value.replace("-", "").replace("+", "")
    if len(digits) == 12:
        return digits
    yy = int(digits[:2])
    year = 2025 - (2025 - yy) % 100 - (100 if "+" in value else 0)
    return f"{year}{digits[2:]}"


def test_every_personnummer_is_a_shipped_test_number_in_the_table_s_format(run: DemoRun) -> None:
    shipped = set(load_test_personnummer())
    formats = {  # file -> (column, written form)
        "personer.csv": ("Personnr", r"\d{6}[-+]\d{4}"),
        "utford_tid.csv": ("Personnr", r"\d{12}"),
        "register_beslut.txt": (2, r"\d{12}"),
        "vistelser.xlsx": ("Personnr", r"\d{6}\+?\d{4}"),
    }
    centenarians = 0
    for file, (column, pattern) in formats.items():
        values = _extract(run, file)[column]
        given = values[values != ""]
        assert given.str.fullmatch(pattern).all(), file
        outside = set(given.map(_normalise)) - shipped
        # the one planted typo in a check digit is the only number not on Skatteverket's list
        assert len(outside) == (1 if file == "utford_tid.csv" else 0), file
        centenarians += int(values.str.contains("+", regex=False).sum())
        if file == "utford_tid.csv":
            assert (values == "").sum() == demo_extracts.PLANTED[("personnummer_missing", "visits")]
    assert centenarians > 0  # the 10-digit '+' form of people aged 100 or more is exercised
    for file in DEMO_FILES:  # nothing else looks like a personnummer
        frame = _extract(run, file)
        column = formats.get(file, ("personnummer",))[0]
        others = frame.drop(columns=[column], errors="ignore")
        hits = others.apply(lambda col: col.astype(str).str.contains(PNR_LIKE)).to_numpy().sum()
        assert hits == 0, file


def test_extracts_are_in_the_shapes_municipalities_send(run: DemoRun) -> None:
    raw = {name: (run.folder / name).read_bytes() for name in DEMO_FILES}
    for name in ("personer.csv", "utforare.csv", "utford_tid.csv", "befolkning.csv"):
        with pytest.raises(UnicodeDecodeError):
            raw[name].decode("utf-8")  # Windows-1252 with å/ä/ö
    assert raw["huvudbok.csv"].startswith("\ufeff".encode()) and "\u2212".encode() in raw["huvudbok.csv"]
    assert "\u00a0".encode() in raw["huvudbok.csv"]
    assert raw["huvudbok.csv"].split(b"\r\n")[0].endswith(b";")  # a trailing empty column
    assert raw["vistelser.xlsx"][:2] == b"PK"
    visits = _extract(run, "utford_tid.csv")
    assert visits["Tid"].str.fullmatch(r"\d+:\d{2}").all()
    assert "Utförd av" in visits.columns and "HTJ" in set(visits["Insats"])
    register = _extract(run, "register_beslut.txt")
    assert register[0].eq("0000").all() and register[4].str.fullmatch(r"\d{8}").all()
    assert register[7].str.contains(",", regex=False).any()


def test_shipped_list_is_skatteverkets_and_valid() -> None:
    shipped = load_test_personnummer()
    assert len(shipped) < 5_000 and len(set(shipped)) == len(shipped)
    years = np.array([int(p[:4]) for p in shipped])
    assert ((years >= 1920) & (years <= 1945)).sum() > 950
    digits = np.array([[int(c) for c in p[2:]] for p in shipped])
    products = digits[:, :9] * np.array([2, 1, 2, 1, 2, 1, 2, 1, 2])
    assert ((10 - (products // 10 + products % 10).sum(axis=1) % 10) % 10 == digits[:, 9]).all()
    if SHARED_LIST.is_file():
        official = set(pd.read_csv(SHARED_LIST, dtype=str)["personnummer"])
        assert set(shipped) <= official


def test_ingest_joins_each_person_across_formats(run: DemoRun) -> None:
    persons = run.result.data.persons
    listed = persons[persons["in_persons"]]
    assert len(listed) == len(_raw(run, "persons")) and listed["birth_date"].notna().all()
    # only the planted typo in a check digit names someone the persons file does not
    assert (~persons["in_persons"]).sum() == 1 and persons["birth_date"].isna().sum() == 1


# ------------------------------------------------------------------------------------------------ äldreomsorg


def test_home_care_kpis_in_reference_ranges(run: DemoRun) -> None:
    assert 0.20 <= run.kpi("aldreomsorg", "coverage_80") <= 0.25
    assert 0.05 <= run.kpi("aldreomsorg", "share_under_65") <= 0.12
    assert 0.70 <= run.kpi("aldreomsorg", "delivery_ratio") <= 0.95
    assert 550 <= run.kpi("aldreomsorg", "cost_per_hour") <= 750
    egen, extern = run.kpi("aldreomsorg", "cost_per_hour", "egen"), run.kpi("aldreomsorg", "cost_per_hour", "extern")
    assert egen > extern
    units = run.result.model.unit_costs.set_index(["service_code", "regi"])
    assert 400 <= units.loc[("hemtjanst", "extern"), "cost_per_unit"] <= 460  # LOV compensation ≈ 426 kr/h
    hours = {r: run.kpi("aldreomsorg", "delivered_hours", r) for r in ("egen", "extern")}
    assert 0.30 <= hours["extern"] / (hours["egen"] + hours["extern"]) <= 0.40


def _hours_per_brukare_month(run: DemoRun) -> pd.DataFrame:
    decisions = run.interim("decisions")
    decisions = decisions[decisions["service_code"] == "hemtjanst"]
    start, end, inside = PERIOD.clip(to_day64(decisions["start_date"]), to_day64(decisions["end_date"]))
    decisions = decisions[inside].assign(months=interval_months(start[inside], end[inside]))
    decisions["granted"] = decisions["granted_hours_per_month"].fillna(0.0) * decisions["months"]
    per_person = decisions.groupby("person_id")[["months", "granted"]].sum()
    deliveries = run.interim("deliveries")
    delivered = deliveries[deliveries["service_code"] == "hemtjanst"].groupby("person_id")["volume"].sum()
    per_person = per_person.join(delivered.rename("delivered"), how="inner")
    return pd.DataFrame({
        "granted": per_person["granted"] / per_person["months"],
        "delivered": per_person["delivered"] / per_person["months"],
    })


def test_hours_per_brukare_and_month_have_a_long_tail(run: DemoRun) -> None:
    hours = _hours_per_brukare_month(run)
    assert 15 <= hours["granted"].mean() <= 30
    assert 0.6 * hours["granted"].mean() <= hours["delivered"].mean() < hours["granted"].mean()
    assert hours["granted"].median() < 0.6 * hours["granted"].mean()  # skewed to the right
    assert 0.07 <= (hours["granted"] > 80).mean() <= 0.15
    ratio = hours["delivered"] / hours["granted"]
    assert ratio.std() > 0.05  # delivery varies by person


def test_visits_have_staff_and_decisions_precede_the_first_visit(run: DemoRun) -> None:
    visits = run.interim("visits")
    home = visits[(visits["service_code"] == "hemtjanst") & (visits["minutes"] > 0)]
    assert (~home["minutes"].between(15, 90)).sum() == 1  # the planted visit of 26 hours
    assert home["minutes"].max() == 26 * 60
    assert home["staff_id"].notna().all()
    assert home.groupby("person_id")["staff_id"].nunique().median() >= 3
    decisions = run.interim("decisions")
    first_decisions = decisions[decisions["service_code"] == "hemtjanst"].sort_values("start_date")
    first_decisions = first_decisions.drop_duplicates("person_id")
    new = first_decisions[first_decisions["decided_on"] >= pd.Timestamp("2025-01-01")]
    first_visit = home.groupby("person_id")["date"].min()
    lag = (new["person_id"].map(first_visit) - new["decided_on"]).dt.days.dropna()
    assert len(lag) > 50 and lag.between(1, 30).mean() > 0.95 and lag.nunique() > 10
    assert (decisions["decided_on"] <= decisions["start_date"]).all()  # LVU placements: decided the same day
    assert (decisions["decided_on"] < decisions["start_date"]).mean() > 0.95


def test_nursing_homes_house_a_realistic_share_of_80_plus(run: DemoRun) -> None:
    costs = run.result.model.person_costs
    sabo = costs[costs["service_code"] == "sarskilt_boende"]
    persons = run.result.data.persons.set_index("person_id")
    age = 2025 - persons.loc[sabo["person_id"].unique(), "birth_date"].dt.year
    pop = run.result.data.population
    assert 0.10 <= (age >= 80).sum() / pop.loc[pop["age"] >= 80, "count"].sum() <= 0.14
    per_day = (sabo["direct_cost"].sum() + sabo["overhead_cost"].sum()) / sabo["volume"].sum()
    assert 1_880 <= per_day <= 2_800
    assert 0.85e6 <= per_day * 365 <= 1.0e6
    assert set(sabo["regi"]) == {"egen", "extern"}


# ------------------------------------------------------------------------------------------------ LSS


def test_personal_assistance_gross_and_net(run: DemoRun) -> None:
    gross, net = run.kpi("lss", "pa_gross_cost_per_hour"), run.kpi("lss", "pa_net_cost_per_hour")
    assert 330 <= gross <= 450 and 40 <= net <= 150 and net < gross
    pa = run.result.model.person_costs.query("service_code == 'pa_sfb'")
    assert -pa["reimbursement"].sum() / (FK_RATE * pa["volume"].sum()) == pytest.approx(0.8, abs=0.15)
    granted = run.result.model.granted.query("service_code == 'pa_sfb'").set_index("person_id")["granted_hours"]
    ratio = pa.groupby("person_id")["volume"].sum() / granted
    assert (ratio < 0.95).any() and (ratio > 1.0).any()  # some short of granted, some above


def test_lss_housing_and_daily_activity(run: DemoRun) -> None:
    assert 1_830 <= run.kpi("lss", "gruppbostad_cost_per_day") <= 4_500
    assert run.kpi("lss", "gruppbostad_cost_per_day", "extern") > run.kpi("lss", "gruppbostad_cost_per_day", "egen")
    stays = run.interim("stays")
    group_homes = stays.loc[stays["service_code"] == "gruppbostad", "provider_id"].nunique()
    assert group_homes >= 4
    decisions = run.interim("decisions")
    levels = decisions.loc[decisions["service_code"] == "daglig_verksamhet", "level"]
    assert set(levels.dropna()) == {"1", "2", "3", "4"}
    services = set(run.result.model.person_costs.query("area == 'lss'")["service_code"])
    assert services >= {"pa_sfb", "pa_lss", "ledsagarservice", "avlosarservice", "kontaktperson",
                        "korttidsvistelse", "gruppbostad", "servicebostad", "daglig_verksamhet"}


# ------------------------------------------------------------------------------------------------ barn och unga


def test_placements_in_reference_ranges(run: DemoRun) -> None:
    assert 9.5 <= run.kpi("barn_unga", "placed_per_1000_0_20") <= 12.0
    days = {s: run.kpi("barn_unga", "care_days", s) for s in ("familjehem", "familjehem_konsulent")}
    # below the national 72 % on purpose: the demo plants an HVB share above the national picture
    assert 0.55 <= sum(days.values()) / run.kpi("barn_unga", "care_days") <= 0.72
    assert 700 <= run.kpi("barn_unga", "cost_per_care_day", "familjehem") <= 950
    assert 1_900 <= run.kpi("barn_unga", "cost_per_care_day", "familjehem_konsulent") <= 4_500
    assert 3_500 <= run.kpi("barn_unga", "cost_per_care_day", "hvb") <= 7_000
    assert run.kpi("barn_unga", "cost_per_care_day", "sis") > 13_000


def test_placements_have_transfers_laws_and_state_reimbursement(run: DemoRun) -> None:
    stays = _raw(run, "stays")
    placed = stays[stays["service_code"].isin(["familjehem", "familjehem_konsulent", "hvb", "sis", "stodboende"])]
    assert set(placed["law"]) == {"SoL", "LVU"}
    ends = placed[placed["end_date"] != ""][["personnummer", "end_date", "service_code"]]
    transfers = ends.merge(placed, left_on=["personnummer", "end_date"], right_on=["personnummer", "start_date"])
    assert (transfers["service_code_x"] != transfers["service_code_y"]).sum() >= 2
    assert (placed["start_date"] < "2025-01-01").any() and (placed["end_date"] > "2025-12-31").any()
    assert (placed["end_date"] == "").any()
    rec = run.result.model.reconciliation.set_index(["target", "kind"])
    assert rec.loc[("service:stodboende:extern", "state_reimbursement"), "ledger_amount"] < 0


# ------------------------------------------------------------------------------------------------ money


def test_reconciliation_holds_and_residuals_are_small(run: DemoRun) -> None:
    rec = run.result.model.reconciliation
    gap = (rec["allocated_amount"] + rec["residual"] - rec["ledger_amount"]).abs()
    assert (gap <= 0.01).all()
    with_residual = rec[rec["residual"].abs() > 0.01]
    assert set(with_residual["target"]) <= {"exclude", "unmapped"}
    unmapped = float(rec.loc[rec["target"] == "unmapped", "ledger_amount"].sum())
    costs = float(rec.loc[rec["kind"] == "cost", "ledger_amount"].sum())
    assert 0 < unmapped < 0.001 * costs
    assert costs > 300e6  # a municipality of 25 000: some 400 Mkr in these three areas
    kinds = set(rec["kind"])
    assert kinds >= {"cost", "internal_revenue", "fee", "state_reimbursement"}
    targets = set(rec["target"])
    for area in ("aldreomsorg", "lss", "barn_unga"):
        assert {f"overhead:{area}", f"myndighet:{area}"} <= targets
    ledger = _raw(run, "ledger")
    assert ledger["account"].str.startswith("0").any()
    assert (~ledger["date"].str.startswith("2025")).sum() >= 2


PLANTED = {
    ("minutes_not_positive", "visits"),
    ("provider_unknown", "visits"),
    ("visit_outside_period", "visits"),
    ("overlapping_stays", "stays"),
    ("ledger_unmapped", "ledger"),
    ("ledger_outside_period", "ledger"),
    ("placement_without_decision", "stays"),
    *demo_extracts.PLANTED,
    # the visit whose personnummer has a typo in its check digit names a person nobody else names
    ("person_not_in_persons", "visits"),
    ("birth_date_unknown", "persons"),
    ("sex_unknown", "persons"),
    ("visit_without_decision", "visits"),
    # the config states the RS figure, and the ledger matches it
    ("control_total_match", "ledger"),
}
NEVER = (
    "persons_contradict_personnummer", "duplicate_person_id", "duplicate_provider_id", "duplicate_stay_id",
    "end_before_start", "provider_missing", "wrong_table_for_unit", "volume_without_pool",
    "pool_without_volume", "population_missing", "table_missing", "unknown_columns", "daily_price_not_positive",
    "personnummer_invalid_format", "personnummer_invalid_date", "control_total_mismatch",
)


def test_data_quality_reports_the_planted_problems_only(run: DemoRun) -> None:
    dq = run.result.model.data_quality
    found = set(zip(dq["check"], dq["table"], strict=True))
    assert found >= PLANTED
    counts = dq.set_index(["check", "table"])["count"]
    assert counts[("minutes_not_positive", "visits")] == 5
    assert counts[("overlapping_stays", "stays")] >= 4
    assert counts[("placement_without_decision", "stays")] == 2  # two placements planted without a decision
    # duplicate_visits counts every extract row that repeats an earlier one in every field: only the planted ones
    visits = _extract(run, "utford_tid.csv")
    repeated = int(visits[visits["Personnr"] != ""].duplicated().sum())
    assert repeated == demo_extracts.PLANTED[("duplicate_visits", "visits")]
    for key, count in demo_extracts.PLANTED.items():
        assert counts[key] == count, key
    for key in [("person_not_in_persons", "visits"), ("birth_date_unknown", "persons"), ("sex_unknown", "persons"),
                ("visit_without_decision", "visits"), ("control_total_match", "ledger")]:
        assert counts[key] == 1, key
    assert not dq["check"].str.startswith(NEVER).any(), dq.to_string()
    assert not (dq["severity"] == "error").any()


def test_data_quality_reports_the_stay_without_price(run: DemoRun) -> None:
    stays = run.result.model.stays
    priced_pool = stays.groupby(["service_code", "regi"])["daily_price"].transform(lambda s: s.notna().any())
    assert (priced_pool & stays["daily_price"].isna() & (stays["service_code"] == "hvb")).sum() == 1
    dq = run.result.model.data_quality
    missing = dq[(dq["table"] == "stays") & (dq["check"] == "daily_price_missing")]
    unpriced_in_priced_pools = int((priced_pool & stays["daily_price"].isna()).sum())
    assert unpriced_in_priced_pools >= 1
    assert missing["count"].sum() == unpriced_in_priced_pools


# ------------------------------------------------------------------------------------------------ ensure_demo


def test_committed_config_names_the_demo_folder_and_key() -> None:
    text = COMMITTED_CONFIG.read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    assert config["client"] == {"id": "exempelkommun", "name": "Exempelkommun", "kommunkod": "0000"}
    assert config["period"] == {"year": 2025}
    assert config["input"]["folder"] == "../.kpbkit/demo/exempelkommun"
    assert config["ledger_rules"] == "../.kpbkit/demo/exempelkommun/ledger_rules.csv"
    assert config["pseudonymisation"] == {"key_file": "../.kpbkit/exempelkommun.key"}
    assert config["output"] == {"folder": "../reports"}
    assert "339.30" in text


def test_ensure_demo_generates_once_per_version_and_seed_and_keeps_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def fake_generate(folder: Path, *, seed: int = 2025) -> Path:
        calls.append(seed)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / STAMP_FILE).write_text(json.dumps(demo._stamp(seed)))
        return folder

    monkeypatch.setattr(demo, "generate_demo", fake_generate)
    configs = tmp_path / "client_configs"
    configs.mkdir()
    config = configs / "exempelkommun.yaml"
    config.write_text(COMMITTED_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    folder, key = tmp_path / ".kpbkit" / "demo" / "exempelkommun", tmp_path / ".kpbkit" / "exempelkommun.key"

    ensure_demo(config)
    assert calls == [2025] and (folder / STAMP_FILE).is_file()
    assert re.fullmatch(r"[0-9a-f]{64}\n", key.read_text())
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    secret = key.read_text()
    ensure_demo(config)
    assert calls == [2025]  # up to date: nothing regenerated
    ensure_demo(config, seed=7)
    ensure_demo(config, seed=7, force=True)
    (folder / STAMP_FILE).write_text(json.dumps({**demo._stamp(7), "version": "0"}))
    ensure_demo(config, seed=7)
    assert calls == [2025, 7, 7, 7]
    assert key.read_text() == secret  # an existing key is never replaced


def _cli(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_demo_s_extracts_run_in_a_new_client_folder_without_editing_a_path(run: DemoRun, tmp_path: Path) -> None:
    """``kpbkit new-client --like`` the demo's config, the demo's extracts dropped in (its ledger rules over the
    template): validate and run succeed without editing a path (issue 16)."""
    folder = tmp_path / "kunder" / "karlstad"
    made = _cli("new-client", folder, "--name", "Karlstads kommun", "--kommunkod", "1780", "--like", COMMITTED_CONFIG)
    assert made.exit_code == 0, made.output
    config = folder / "karlstad.yaml"
    assert f"kpbkit validate {config}" in made.output
    key = folder / "karlstad.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) >= 32
    assert not any(p.suffix == ".key" for p in (folder / "extracts").iterdir())
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert data["client"] == {"id": "karlstad", "name": "Karlstads kommun", "kommunkod": "1780"}
    assert data["input"]["folder"] == "extracts" and data["pseudonymisation"]["key_file"] == "karlstad.key"

    for path in run.folder.iterdir():
        if path.name == "ledger_rules.csv":
            shutil.copy(path, folder / "ledger_rules.csv")  # the consultant's rules replace the template
        elif path.is_file():
            shutil.copy(path, folder / "extracts" / path.name)
    checked = _cli("validate", config)
    assert checked.exit_code == 0, checked.output
    ran = _cli("run", config, "--results-only")
    assert ran.exit_code == 0, ran.output
    record = json.loads((folder / "reports" / "karlstad" / "2025" / "results" / "run.json").read_text())
    assert record["outcome"] == "ok" and record["client_name"] == "Karlstads kommun"
