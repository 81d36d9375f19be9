"""The KPB network's figures (issue 15): per KPI the distribution over the municipalities and each one's rank and
index, checked against a computation of the same with numpy over the kpis.csv of the same results folders."""

from __future__ import annotations

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
    result = CliRunner().invoke(main, ["network", *map(str, folders), "--out", str(out), "--threshold", "0"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"network_values.csv", "network_distribution.csv",
                                               "network_positions.csv", "natverk.xlsx"}
    book = openpyxl.load_workbook(out / "natverk.xlsx", read_only=True)
    assert book.sheetnames == ["Fördelning", "Placering"]
    header = [c.value for c in next(book["Fördelning"].iter_rows(max_row=1))]
    assert header == ["Verksamhet", "Nyckeltal", "Enhet", "Antal kommuner", "Lägst", "Nedre kvartil", "Median",
                      "Övre kvartil", "Högst"]
    written = pd.read_csv(out / "network_distribution.csv")
    assert len(written) == len(network.distribution(network.network_values(network.read_network(folders))))
