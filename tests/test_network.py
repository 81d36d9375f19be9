"""The KPB network's figures (issue 15): per KPI the distribution over the municipalities and each one's rank and
index, checked against a computation of the same with numpy over the kpis.csv of the same results folders."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kpbkit.analyses import network
from kpbkit.analyses.compare import COMPARE_KPIS
from kpbkit.pipeline import run_client
from tests.conftest import write_case_files

VISITS = "person_id,service_code,date,minutes,provider_id\n" + "".join(
    f"p{i},hemtjanst,2025-03-0{1 + i % 5},{minutes},P1\n" for i, minutes in enumerate([60, 90, 30, 45, 120, 75]))
PERSONS = "person_id,birth_date,sex\n" + "".join(f"p{i},19{30 + i}-01-01,{'KM'[i % 2]}\n" for i in range(6))
LEDGERS = (1000.00, 2500.00, 1800.00, 2500.00)  # two municipalities share a value: ranks tie


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> list:
    out = []
    for i, amount in enumerate(LEDGERS):
        config = write_case_files(
            tmp_path_factory.mktemp(f"kommun{i}"), config={"client": {"id": f"kommun{i}", "name": f"Kommun {i}"}},
            visits=VISITS, persons=PERSONS,
            ledger=f"date,account,responsibility,activity,amount\n2025-03-31,5010,100,510,{amount:.2f}\n")
        out.append(run_client(config, progress=lambda *a: None).output_dir)
    return out


def _by_hand(folders) -> pd.DataFrame:
    """The compared KPIs of kpis.csv, one row per municipality (read straight from the files)."""
    wanted = {(area, kpi, group) for area, pairs in COMPARE_KPIS.items() for kpi, group in pairs}
    frames = []
    for folder in folders:
        kpis = pd.read_csv(folder / "results" / "kpis.csv", dtype={"group": str})
        kpis = kpis[[(a, k, g) in wanted for a, k, g in zip(kpis["area"], kpis["kpi"], kpis["group"], strict=True)]]
        frames.append(kpis.dropna(subset=["value"]).assign(municipality=folder.parent.name))
    return pd.concat(frames, ignore_index=True)


def test_medians_quartiles_and_ranks_match_a_computation_by_hand(folders) -> None:
    values = network.network_values(network.read_network(folders))
    dist = network.distribution(values).set_index(["area", "kpi", "group"])
    pos = network.positions(values)
    hand = _by_hand(folders)
    assert len(hand) and set(hand.groupby(["area", "kpi", "group"]).size()) == {len(LEDGERS)}
    for (area, kpi, group), part in hand.groupby(["area", "kpi", "group"]):
        v = np.sort(part["value"].to_numpy())
        row = dist.loc[(area, kpi, group)]
        assert row["n"] == len(v)
        assert row["median"] == pytest.approx(np.percentile(v, 50))
        assert (row["q1"], row["q3"]) == (pytest.approx(np.percentile(v, 25)), pytest.approx(np.percentile(v, 75)))
        assert (row["min"], row["max"]) == (v[0], v[-1])
        mine = pos[(pos["area"] == area) & (pos["kpi"] == kpi) & (pos["group"] == group)].set_index("municipality")
        for name, value in zip(part["municipality"], part["value"], strict=True):
            shown = f"Kommun {name.removeprefix('kommun')}"
            assert mine.loc[shown, "rank"] == 1 + int((v < value).sum())  # 1 = lowest, ties share the lower rank
            median = np.percentile(v, 50)
            if median:
                assert mine.loc[shown, "index"] == pytest.approx(value / median * 100)
            else:  # no index against a median of zero
                assert np.isnan(mine.loc[shown, "index"])
    cost = pos[(pos["kpi"] == "cost_per_hour") & (pos["group"] == "total")].set_index("municipality")["rank"]
    assert cost.to_dict() == {"Kommun 0": 1, "Kommun 1": 3, "Kommun 2": 2, "Kommun 3": 3}


def test_small_groups_are_left_out_of_the_network(folders) -> None:
    runs = network.read_network(folders)
    every = network.network_values(runs)
    safe = network.network_values(runs, threshold=10)  # 6 brukare each: every hemtjänst figure is small
    assert len(safe) < len(every)
    assert not ((safe["area"] == "aldreomsorg") & (safe["group"] == "total")).any()


def test_a_folder_without_results_is_named(tmp_path, folders) -> None:
    from kpbkit.errors import InputError

    with pytest.raises(InputError, match="no results of a kpbkit run"):
        network.read_network([folders[0], tmp_path])
    with pytest.raises(InputError, match="the same municipality twice: Kommun 0"):
        network.read_network([folders[0], folders[0]])


def test_kpbkit_network_writes_the_tables_and_a_swedish_workbook(folders, tmp_path) -> None:
    import openpyxl
    from click.testing import CliRunner

    from kpbkit.cli import main

    out = tmp_path / "natverk"
    result = CliRunner().invoke(main, ["network", *map(str, folders), "--out", str(out), "--threshold", "0",
                                       "--tables-only"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"network_values.csv", "network_distribution.csv",
                                               "network_positions.csv", "network_structure.csv",
                                               "network_costliest.csv", "network.json", "natverk.xlsx",
                                               "natverk_referenser.csv"}
    book = openpyxl.load_workbook(out / "natverk.xlsx", read_only=True)
    assert book.sheetnames == ["Fördelning", "Placering", "Struktur"]
    header = [c.value for c in next(book["Fördelning"].iter_rows(max_row=1))]
    assert header == ["Verksamhet", "Nyckeltal", "Enhet", "Antal kommuner", "Lägst", "Nedre kvartil", "Median",
                      "Övre kvartil", "Högst"]
    written = pd.read_csv(out / "network_distribution.csv")
    runs = network.read_network(folders)
    assert len(written[written["area"] != network.STRUCTURE]) == len(network.distribution(network.network_values(runs)))
    assert json.loads((out / "network.json").read_text(encoding="utf-8"))["municipalities"] == [
        f"Kommun {i}" for i in range(len(LEDGERS))]


def _run(name: str, *, kpis: list[tuple], services: list[tuple], folder=None, year: int | None = 2025,
         inhabitants: dict | None = None):
    from kpbkit.comparisons import RunFigures

    return RunFigures(
        name=name, year=year, label=str(year),
        kpis=pd.DataFrame(kpis, columns=["area", "kpi", "group", "value", "unit"]),
        services=pd.DataFrame(services, columns=["service_code", "group", "unit", "brukare", "volume", "cost",
                                                 "gross_cost"]),
        inhabitants=inhabitants or {}, folder=folder)


def test_a_figure_rests_on_its_own_service_and_regi_not_the_areas_brukare() -> None:
    # the area has 8 extern brukare, but the group home's extern cost per day rests on 2 of them
    run = _run("A", kpis=[("lss", "brukare", "total", 60, "persons"), ("lss", "brukare", "egen", 58, "persons"),
                          ("lss", "brukare", "extern", 8, "persons"),
                          ("lss", "gruppbostad_cost_per_day", "total", 5000.0, "SEK/day"),
                          ("lss", "gruppbostad_cost_per_day", "egen", 4800.0, "SEK/day"),
                          ("lss", "gruppbostad_cost_per_day", "extern", 6000.0, "SEK/day"),
                          ("lss", "cost_per_brukare", "total", 90000.0, "SEK/person")],
               services=[("gruppbostad", "total", "day", 9, 3000, 0, 0), ("gruppbostad", "egen", "day", 7, 2300, 0, 0),
                         ("gruppbostad", "extern", "day", 2, 700, 0, 0)])
    kept = network.network_values([run], threshold=5)
    shown = set(zip(kept["kpi"], kept["group"], strict=True))
    assert ("gruppbostad_cost_per_day", "extern") not in shown
    assert {("gruppbostad_cost_per_day", "total"), ("gruppbostad_cost_per_day", "egen"),
            ("cost_per_brukare", "total")} <= shown  # 9 and 7 group-home brukare, the area's 60
    assert network.persons(run, "lss", "gruppbostad_cost_per_day", "extern") == 2


def test_structure_age_mix_regi_shares_and_small_regi_left_out(tmp_path) -> None:
    results = tmp_path / "a" / "2025" / "results"
    (results.parent / "interim").mkdir(parents=True)
    pd.DataFrame({"year": [2025, 2025, 2025, 2024], "age": [10, 50, 85, 85], "sex": ["K"] * 4,
                  "count": [300, 600, 100, 999]}).to_parquet(results.parent / "interim" / "population.parquet")
    services = [("hemtjanst", "total", "hour", 40, 1000, 0, 0), ("hemtjanst", "egen", "hour", 30, 750, 0, 0),
                ("hemtjanst", "extern", "hour", 12, 250, 0, 0),
                ("hvb", "total", "day", 3, 300, 0, 0), ("hvb", "extern", "day", 3, 300, 0, 0),
                ("familjehem", "total", "day", 6, 900, 0, 0), ("familjehem", "egen", "day", 6, 900, 0, 0)]
    run = _run("A", kpis=[("aldreomsorg", "brukare", "total", 40, "persons"),
                          ("aldreomsorg", "coverage_80", "total", 0.25, "share")],
               services=services, folder=results, inhabitants={"80+": 100.0, "0-20": 300.0})
    every = network.structure([run]).set_index("kpi")["value"]
    assert every["inhabitants"] == 1000  # the period's year only
    assert every["share_80"] == pytest.approx(0.1) and every["share_0_20"] == pytest.approx(0.3)
    assert every["coverage_80"] == 0.25
    assert every["extern_share_hemtjanst"] == pytest.approx(0.25)
    assert every["extern_share_placements"] == pytest.approx(300 / 1200)
    safe = network.structure([run], threshold=5).set_index("kpi")["value"]
    assert "extern_share_placements" not in safe  # 3 children in bought placements
    assert safe["extern_share_hemtjanst"] == pytest.approx(0.25)


def test_kronor_against_the_median_and_the_costliest_unit_costs(folders) -> None:
    runs = network.read_network(folders)
    tables = network.network_tables(runs)
    pos = tables["positions"]
    cost = pos[(pos["kpi"] == "cost_per_hour") & (pos["group"] == "total")].set_index("municipality")
    hand = _by_hand(folders)
    hours = {}
    for folder in folders:
        kpis = pd.read_csv(folder / "results" / "kpis.csv", dtype={"group": str})
        sel = kpis[(kpis["kpi"] == "delivered_hours") & (kpis["group"] == "total")]
        hours[f"Kommun {folder.parent.name.removeprefix('kommun')}"] = float(sel["value"].iloc[0])
    values = hand[(hand["kpi"] == "cost_per_hour") & (hand["group"] == "total")]
    median = float(np.median(values["value"]))
    for name, value in zip(values["municipality"], values["value"], strict=True):
        shown = f"Kommun {name.removeprefix('kommun')}"
        assert cost.loc[shown, "kronor"] == pytest.approx((value - median) * hours[shown])
    top = tables["costliest"].set_index(["kpi", "group"])
    row = top.loc[("cost_per_hour", "total")]
    assert (row["high"], row["low"]) == ("Kommun 1", "Kommun 0")  # Kommun 1 and 3 tie at the top: first by name
    assert row["network_cost"] == pytest.approx(sum(v * hours[f"Kommun {n.removeprefix('kommun')}"]
                                                    for n, v in zip(values["municipality"], values["value"],
                                                                    strict=True)))
    assert not pos[pos["kpi"] == "delivery_ratio"]["kronor"].notna().any()  # a ratio has no kronor


def test_a_client_can_measure_against_the_networks_medians(folders, tmp_path) -> None:
    from kpbkit.analyses.compare import chosen_reference
    from kpbkit.comparisons import load_references, reference_file
    from kpbkit.config import load_client_config
    from kpbkit.report.network import REFERENCES, write_network

    out = tmp_path / "natverk"
    write_network(folders, out, threshold=None, render=False)
    refs = reference_file(out / REFERENCES)  # the checks every reference file passes
    assert set(refs["source"]) == {"KPB-nätverket (4 kommuner)"}
    values = _by_hand(folders)
    cost = values[(values["kpi"] == "cost_per_hour") & (values["group"] == "egen")]["value"].to_numpy()
    config = load_client_config(write_case_files(
        tmp_path / "client", config={"comparison": {"reference_files": [str(out / REFERENCES)]}},
        visits=VISITS, persons=PERSONS))
    every = load_references(config)
    # kpbkit ships no recent reference for egen regi's cost per hour: the network's median is the one chosen
    chosen, _ = chosen_reference(every, "aldreomsorg", "cost_per_hour", "egen", year=2025)
    assert chosen["source"] == "KPB-nätverket (4 kommuner)" and chosen["year"] == 2025
    assert chosen["value"] == pytest.approx(np.median(cost))
    assert (chosen["low"], chosen["high"]) == (pytest.approx(np.percentile(cost, 25)),
                                               pytest.approx(np.percentile(cost, 75)))
    # beside a shipped reference of the same year it is listed too (the shipped one, first in order, is chosen)
    total = every[(every["kpi"] == "cost_per_hour") & (every["group"] == "total")]
    assert "KPB-nätverket (4 kommuner)" in set(total["source"])


def test_a_client_names_the_network_as_its_comparison_group(folders, tmp_path) -> None:
    from click.testing import CliRunner

    from kpbkit.cli import main
    from kpbkit.comparisons import write_comparisons
    from kpbkit.config import load_client_config
    from kpbkit.errors import ConfigError
    from kpbkit.report.network import write_network

    out = tmp_path / "natverk"
    write_network(folders, out, threshold=None, render=False)
    # a member of the network: the other three are its comparison municipalities, itself left out
    member = write_case_files(tmp_path / "member", config={
        "client": {"id": "kommun1", "name": "Kommun 1"}, "comparison": {"network": str(out)}},
        visits=VISITS, persons=PERSONS)
    config = load_client_config(member)
    assert [folder for _, folder in config.comparison_entries] == [folders[0], folders[2], folders[3]]
    assert [label.rsplit(": ", 1)[1] for label, _ in config.comparison_entries] == ["Kommun 0", "Kommun 2", "Kommun 3"]
    written = tmp_path / "gathered"
    written.mkdir()
    write_comparisons(config, written)
    runs = pd.read_csv(written / "comparison_runs.csv")
    assert list(runs.loc[runs["role"] == "municipality", "name"]) == ["Kommun 0", "Kommun 2", "Kommun 3"]
    # beside municipalities it names itself, and a network member without results is a warning of validate
    (folders[3] / "results" / "kpis.csv").rename(folders[3] / "results" / "kpis.moved")
    try:
        outsider = write_case_files(tmp_path / "outsider", config={"comparison": {
            "network": str(out), "municipalities": [str(folders[0])]}}, visits=VISITS, persons=PERSONS)
        assert len(load_client_config(outsider).comparison_entries) == 5
        checked = CliRunner().invoke(main, ["validate", str(outsider), "--strict"])
        assert checked.exit_code == 1 and "Kommun 3' has no results" in checked.output, checked.output
    finally:
        (folders[3] / "results" / "kpis.moved").rename(folders[3] / "results" / "kpis.csv")
    # a folder that holds no network is a config error naming the key
    with pytest.raises(ConfigError, match="no KPB network") as raised:
        load_client_config(write_case_files(tmp_path / "wrong", config={"comparison": {"network": str(tmp_path)}},
                                            visits=VISITS, persons=PERSONS))
    assert raised.value.key == "comparison.network"
