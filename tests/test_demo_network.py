"""The demo network (kpbkit.demo.network): twelve synthetic municipalities generated deterministically, spanning
the sizes and differing in structure as designed, each a valid client; ``kpbkit demo-network`` runs them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from kpbkit.cli import main
from kpbkit.demo import network
from kpbkit.demo.network import MUNICIPALITIES, generate_network

SCALE = 0.05  # 155 to 7 550 inhabitants: every municipality small, the tests fast


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("network")
    return folder, generate_network(folder, scale=SCALE, seed=7)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _data(folder: Path, municipality: network.Municipality) -> Path:
    return folder / "data" / municipality.client_id


def test_the_same_scale_and_seed_give_the_same_files(generated, tmp_path: Path) -> None:
    folder, configs = generated
    again = generate_network(tmp_path / "again", scale=SCALE, seed=7)
    assert [c.relative_to(tmp_path / "again") for c in again] == [c.relative_to(folder) for c in configs]
    assert _files(tmp_path / "again") == _files(folder)
    other = generate_network(tmp_path / "other", scale=SCALE, seed=8)
    changed = [c.parent.parent / "data" / c.stem / "visits.parquet" for c in other]
    assert all(p.read_bytes() != (folder / p.relative_to(tmp_path / "other")).read_bytes() for p in changed)


def test_at_least_twelve_fictitious_municipalities_from_3000_to_150000(generated) -> None:
    folder, configs = generated
    assert len(configs) == len(MUNICIPALITIES) >= 12
    sizes = [m.inhabitants for m in MUNICIPALITIES]
    assert min(sizes) <= 3_500 and max(sizes) >= 140_000
    codes = [m.kommunkod for m in MUNICIPALITIES]
    assert len(set(codes)) == len(codes) and all(c.startswith("99") for c in codes)  # real codes stop at 25xx
    assert len({m.name for m in MUNICIPALITIES}) == len(MUNICIPALITIES)
    assert all(m.client_id.isascii() and m.client_id.isidentifier() for m in MUNICIPALITIES)
    for municipality, config in zip(MUNICIPALITIES, configs, strict=True):
        text = config.read_text(encoding="utf-8")
        assert f"name: {municipality.name}" in text and f'kommunkod: "{municipality.kommunkod}"' in text
        population = pd.read_csv(_data(folder, municipality) / "population.csv")
        # each scaled municipality keeps its inhabitants exactly, so the sizes keep their spread
        assert population["count"].sum() == round(municipality.inhabitants * SCALE)


def test_age_profiles_and_extern_shares_differ_as_designed(generated) -> None:
    folder, _ = generated
    old, extern = {}, {}
    for municipality in MUNICIPALITIES:
        data = _data(folder, municipality)
        population = pd.read_csv(data / "population.csv")
        old[municipality.client_id] = population.loc[population["age"] >= 80, "count"].sum() / population[
            "count"].sum()
        visits = pq.read_table(data / "visits.parquet").to_pandas()
        regi = pd.read_csv(data / "providers.csv").set_index("provider_id")["regi"]
        home = visits[visits["service_code"] == "hemtjanst"]
        extern[municipality.client_id] = (home["provider_id"].map(regi) == "extern").mean()
    for municipality in MUNICIPALITIES:
        assert old[municipality.client_id] == pytest.approx(municipality.share_80, abs=0.005)
        if municipality.lov == 0:
            assert extern[municipality.client_id] == 0  # no LOV: every hour of home care is the municipality's own
    design = pd.Series({m.client_id: m.lov for m in MUNICIPALITIES})
    observed = pd.Series(extern)
    assert design.rank().corr(observed.rank()) > 0.8  # rank correlation
    assert max(extern.values()) > 0.4 and max(old.values()) > 2 * min(old.values())


def test_every_municipality_validates(generated) -> None:
    _, configs = generated
    runner = CliRunner()
    for config in configs:
        result = runner.invoke(main, ["validate", str(config)])
        assert result.exit_code == 0, result.output
        assert "Summary: 0 error(s)" in result.output


def test_scale_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_network(tmp_path, scale=0)


@pytest.mark.demo
def test_demo_network_results_only_runs_the_batch_and_the_network(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    few = (MUNICIPALITIES[0], MUNICIPALITIES[6], MUNICIPALITIES[-1])
    monkeypatch.setattr(network, "MUNICIPALITIES", few)
    out = tmp_path / "net"
    args = ["demo-network", "--out", str(out), "--scale", "0.02", "--results-only", "--workers", "1"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "Generated 3 municipalities" in first.output
    for municipality in few:
        assert f"{municipality.client_id}: ok" in first.output
        assert (out / "reports" / municipality.client_id / "2025" / "results" / "kpis.csv").is_file()
    positions = pd.read_csv(out / "reports" / "natverk" / "network_positions.csv")
    assert set(positions["municipality"]) == {m.name for m in few}
    assert not (out / "reports" / "natverk" / "natverk.html").exists()  # results only: no report rendered
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "Generated" not in second.output
    assert all(f"{m.client_id}: skipped" in second.output for m in few)
