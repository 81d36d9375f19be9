"""The Kolada importer (kpbkit.kolada, ``kpbkit references kolada``) on answers in Kolada's documented format.

The HTTP layer (:data:`kpbkit.kolada.client.http_get`) is replaced by a fake serving tests/data/kolada/*.json by
URL, so no test touches the network; docs/references.md cites the format.
"""

from __future__ import annotations

import io
import json
import math
import urllib.error
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from kpbkit import comparisons, kolada
from kpbkit.analyses.compare import COMPARE_KPIS
from kpbkit.cli import main
from kpbkit.config import load_client_config
from kpbkit.errors import ConfigError, InputError, KpbkitError
from kpbkit.kolada import client as kolada_client

DATA = Path(__file__).parent / "data" / "kolada"
API = "https://api.kolada.se/v3"
DATA_URL = f"{API}/data/kpi/N33100,N33101/municipality/1281,1384/year/2023,2024"
ROUTES = {
    f"{API}/municipality": "municipality-1.json",
    f"{API}/municipality?page=2&per_page=3": "municipality-2.json",
    f"{API}/kpi/N33100,N33101": "kpi.json",
    DATA_URL: "data-1.json",
    f"{DATA_URL}?page=2&per_page=4": "data-2.json",
    f"{API}/kpi/N21704": "kpi-N21704.json",
    f"{API}/data/kpi/N21704/municipality/1281,1384/year/2024": "data-N21704.json",
}


class FakeKolada:
    """Serves the recorded answers by URL; an unknown URL is a 404, as the API answers it."""

    def __init__(self, fail: dict[str, Exception] | None = None) -> None:
        self.calls: list[str] = []
        self.fail = fail or {}

    def __call__(self, url: str, timeout: float) -> bytes:
        self.calls.append(url)
        assert timeout > 0
        for prefix, exc in self.fail.items():
            if url.startswith(prefix):
                raise exc
        if url not in ROUTES:
            raise urllib.error.HTTPError(url, 404, "Not Found", {}, io.BytesIO(b""))  # type: ignore[arg-type]
        return (DATA / ROUTES[url]).read_bytes()


@pytest.fixture
def fake(monkeypatch) -> FakeKolada:
    served = FakeKolada()
    monkeypatch.setattr(kolada_client, "http_get", served)
    return served


def gender_mapping(tmp_path: Path) -> Path:
    """A mapping of a gender-divided KPI (percent) to a share KPI with group total."""
    path = tmp_path / "mapping.csv"
    pd.DataFrame([{"kolada_id": "N21704", "area": "aldreomsorg", "kpi": "coverage_80", "group": "total",
                   "unit": "share", "factor": "0.01", "kolada_title": "Invånare 80+ med hemtjänst",
                   "definition": "test", "source_url": "", "note": "test note"}]).to_csv(path, index=False)
    return path


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


# --- the client ---------------------------------------------------------------------------------------------

def test_pages_are_followed_by_next_page_and_next_url(fake: FakeKolada) -> None:
    client = kolada.KoladaClient(API)
    names = {m["id"]: m["title"] for m in client.municipalities()}
    assert names["1384"] == "Kungsbacka"  # only on the second page (next_url)
    observations = client.data(["N33100", "N33101"], ["1281", "1384"], [2023, 2024])
    assert {o.period for o in observations} == {2023, 2024}  # 2024 only on the second page (next_page)
    assert f"{DATA_URL}?page=2&per_page=4" in fake.calls


def test_long_lists_are_split_into_requests(monkeypatch) -> None:
    seen: list[str] = []

    def get(url: str, timeout: float) -> bytes:
        seen.append(url)
        return b'{"count": 0, "values": []}'

    client = kolada.KoladaClient(API, get=get)
    codes = [f"{i:04d}" for i in range(1, 31)]
    assert client.data(["N33100"], codes, [2024]) == []
    assert len(seen) == 2
    assert all(len(url.split("/municipality/")[1].split("/")[0].split(",")) <= 25 for url in seen)


def test_pages_that_link_in_a_circle_stop(monkeypatch) -> None:
    def get(url: str, timeout: float) -> bytes:
        return json.dumps({"values": [], "next_page": f"{API}/kpi"}).encode()

    with pytest.raises(kolada.KoladaError, match="do not end"):
        list(kolada.KoladaClient(API, get=get).pages(f"{API}/kpi"))


def test_a_next_page_on_another_host_is_not_followed() -> None:
    def get(url: str, timeout: float) -> bytes:
        return json.dumps({"values": [], "next_page": "https://elsewhere.example/kpi"}).encode()

    with pytest.raises(kolada.KoladaError, match="another host"):
        list(kolada.KoladaClient(API, get=get).pages(f"{API}/kpi"))


@pytest.mark.parametrize("exc, words", [
    (urllib.error.HTTPError(API, 500, "Internal Server Error", {}, io.BytesIO(b"")), ["HTTP 500", "Kolada's side"]),
    (urllib.error.HTTPError(API, 400, "Bad Request", {}, io.BytesIO(b"")), ["HTTP 400", "not valid"]),
    (urllib.error.URLError(OSError("Name or service not known")), ["cannot reach Kolada", "network"]),
    (TimeoutError("timed out"), ["cannot reach Kolada", "timed out"]),
])
def test_errors_are_one_clear_message(exc: Exception, words: list[str]) -> None:
    def get(url: str, timeout: float) -> bytes:
        raise exc

    with pytest.raises(kolada.KoladaError) as info:
        kolada.KoladaClient(API, get=get).municipalities()
    for word in words:
        assert word in info.value.message


@pytest.mark.parametrize("body", [b"<html>not json</html>", b'{"error": "x"}', b"[1, 2]"])
def test_an_answer_not_in_the_documented_format_is_an_error(body: bytes) -> None:
    with pytest.raises(kolada.KoladaError, match="not JSON|no 'values'"):
        kolada.KoladaClient(API, get=lambda url, timeout: body).municipalities()


def test_a_data_object_without_gender_is_an_error() -> None:
    body = json.dumps({"values": [{"kpi": "N33100", "municipality": "1281", "period": 2024,
                                   "values": [{"value": 1.0}]}]}).encode()
    with pytest.raises(kolada.KoladaError, match="documented format"):
        kolada.KoladaClient(API, get=lambda url, timeout: body).data(["N33100"], ["1281"], [2024])


# --- municipalities, years, mapping -------------------------------------------------------------------------

def test_municipalities_by_code_and_by_name(fake: FakeKolada) -> None:
    client = kolada.KoladaClient(API)
    assert kolada.resolve_municipalities(client, ["lund", "1384,0000"]) == {
        "1281": "Lund", "1384": "Kungsbacka", "0000": "Riket"}


@pytest.mark.parametrize("wanted, words", [
    (["Lundby"], ["'Lundby' is not a Kolada municipality"]),
    (["Kung"], ["not a Kolada municipality", "did you mean: Kungsbacka"]),
    (["9999"], ["no municipality or region with code 9999"]),
])
def test_unknown_municipalities_are_named(fake: FakeKolada, wanted: list[str], words: list[str]) -> None:
    with pytest.raises(KpbkitError) as info:
        kolada.resolve_municipalities(kolada.KoladaClient(API), wanted)
    for word in words:
        assert word in info.value.message


@pytest.mark.parametrize("given, years", [
    (["2023"], [2023]), (["2021-2023"], [2021, 2022, 2023]), (["2024,2022", "2022"], [2022, 2024]),
])
def test_years(given: list[str], years: list[int]) -> None:
    assert kolada.parse_years(given) == years


@pytest.mark.parametrize("given", [["23"], ["2024-2022"], ["next"]])
def test_bad_years(given: list[str]) -> None:
    with pytest.raises(KpbkitError, match="--year"):
        kolada.parse_years(given)


def test_the_shipped_mapping_names_compared_kpis_in_reference_units() -> None:
    mapping = kolada.shipped_mapping()
    assert mapping, "the shipped mapping is empty"
    for m in mapping:
        assert (m.kpi, m.group) in COMPARE_KPIS[m.area], (m.kolada_id, m.area, m.kpi, m.group)
        assert m.definition and m.kolada_title and m.source_url.endswith(m.kolada_id)


def test_a_bad_mapping_row_names_file_row_and_column(tmp_path: Path) -> None:
    path = gender_mapping(tmp_path)
    frame = pd.read_csv(path, dtype=str)
    frame.loc[0, "unit"] = "procent"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        kolada.read_mapping(path)
    assert (info.value.file, info.value.row, info.value.column) == (str(path), 2, "unit")


def test_the_writer_has_the_reference_columns() -> None:
    assert kolada.COLUMNS[:len(comparisons.REFERENCE_COLUMNS)] == comparisons.REFERENCE_COLUMNS


# --- reference rows -----------------------------------------------------------------------------------------

def fetch(**kwargs) -> pd.DataFrame:
    client = kolada.KoladaClient(API)
    got = kolada.fetch_references(client, municipalities=["Lund", "Kungsbacka"], years=[2023, 2024],
                                  fetched=date(2026, 12, 4), **kwargs)
    return got.frame


def row(frame: pd.DataFrame, **where) -> pd.Series:
    sel = frame
    for column, value in where.items():
        sel = sel[sel[column] == value]
    assert len(sel) == 1, (where, sel)
    return sel.iloc[0]


def test_mean_of_the_municipalities_with_range_and_missing_values(fake: FakeKolada) -> None:
    frame = fetch()
    assert set(frame["version"]) == {"kolada-2026-12-04"}
    hvb_2023 = row(frame, kpi="cost_per_care_day", group="hvb", year=2023)
    assert (hvb_2023["value"], hvb_2023["low"], hvb_2023["high"]) == (6700.0, 6100.0, 7300.0)
    assert hvb_2023["unit"] == "SEK/day" and hvb_2023["municipality"] == "1281 1384"
    # a mean is the user's own calculation, which Kolada's terms forbid crediting to Kolada alone
    assert hvb_2023["source"].startswith("Egen beräkning (medelvärde) på uppgifter från Kolada, N33100 Kostnad/")
    # Kungsbacka's 2024 value is null: the row is Lund's alone, says so, and has no range
    hvb_2024 = row(frame, kpi="cost_per_care_day", group="hvb", year=2024)
    assert hvb_2024["value"] == 6400.0 and math.isnan(hvb_2024["low"]) and math.isnan(hvb_2024["high"])
    assert hvb_2024["municipality"] == "1281" and "Kungsbacka (1384)" in hvb_2024["note"]
    assert hvb_2024["source"].startswith("Kolada, N33100 Kostnad/vårddygn för institutionsvård")
    family_2024 = row(frame, kpi="cost_per_care_day", group="familjehem", year=2024)
    assert family_2024["value"] == pytest.approx(1280.0)
    assert "HVB" in hvb_2023["note"]  # the mapping's note on the differing definition is carried


def test_one_row_per_municipality(fake: FakeKolada) -> None:
    frame = fetch(per_municipality=True)
    hvb = frame[(frame["group"] == "hvb")]
    assert sorted(zip(hvb["year"], hvb["municipality"], hvb["value"], strict=True)) == [
        (2023, "1281", 6100.0), (2023, "1384", 7300.0), (2024, "1281", 6400.0)]
    assert hvb["source"].nunique() == 2  # Lund and Kungsbacka stay two references in the reports
    assert hvb["low"].isna().all()


def test_gender_groups_and_the_conversion_factor(fake: FakeKolada, tmp_path: Path) -> None:
    got = kolada.fetch_references(kolada.KoladaClient(API), municipalities=["1281", "1384"], years=[2024],
                                  mapping=kolada.read_mapping(gender_mapping(tmp_path)), fetched=date(2026, 12, 4))
    values = dict(zip(got.frame["group"], got.frame["value"], strict=True))
    assert values == pytest.approx({"total": (0.168 + 0.14) / 2, "K": (0.19 + 0.162) / 2, "M": (0.139 + 0.115) / 2})
    assert set(got.frame["unit"]) == {"share"}


def test_service_groups_take_no_sex_groups() -> None:
    mapping = kolada.shipped_mapping()
    obs = [kolada.Observation("N33100", "1281", 2024, g, 100.0, 1, "") for g in ("T", "K", "M")]
    frame = kolada.writer.reference_frame(obs, mapping, municipalities=["1281"], names={}, titles={},
                                          fetched=date(2026, 1, 1))
    assert list(frame["group"]) == ["hvb"]


def test_a_kpi_outside_the_mapping_is_refused(fake: FakeKolada) -> None:
    with pytest.raises(KpbkitError, match="N99999 are not in the mapping"):
        fetch(kpis=["N99999"])


# --- reference files in a config ----------------------------------------------------------------------------

def write_reference(tmp_path: Path, name: str = "kolada.csv") -> Path:
    path = tmp_path / name
    kolada.write_reference_file(fetch(), path)
    return path


def test_the_written_file_loads_beside_the_shipped_references(fake: FakeKolada, write_case, tmp_path: Path) -> None:
    write_reference(tmp_path / "refs")
    config = load_client_config(write_case(tmp_path, config={"comparison": {"reference_files": ["refs/kolada.csv"]}}))
    refs = comparisons.load_references(config)
    shipped = comparisons.shipped_references()
    assert len(refs) == len(shipped) + 4
    from_file = refs[refs["origin"] == "file"]
    assert set(from_file["version"]) == {"kolada-2026-12-04"} and set(from_file["year"]) == {2023.0, 2024.0}
    assert list(refs.columns) == list(shipped.columns)


def test_a_bad_reference_file_names_file_row_and_column(fake: FakeKolada, write_case, tmp_path: Path) -> None:
    path = write_reference(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[1, "value"] = "sex tusen"
    frame.to_csv(path, index=False)
    config = load_client_config(write_case(tmp_path, config={"comparison": {"reference_files": ["kolada.csv"]}}))
    with pytest.raises(ConfigError) as info:
        comparisons.load_references(config)
    assert (Path(info.value.file), info.value.row, info.value.column) == (path, 3, "value")


@pytest.mark.parametrize("content, words", [
    (None, ["nowhere.csv", "does not exist"]),
    (",".join(comparisons.REFERENCE_COLUMNS) + "\n", ["has no rows"]),
    ("", ["cannot be read"]),
])
def test_a_missing_or_empty_reference_file_names_the_key(write_case, tmp_path: Path, content: str | None,
                                                         words: list[str]) -> None:
    if content is not None:
        (tmp_path / "nowhere.csv").write_text(content, encoding="utf-8")
    config = load_client_config(write_case(tmp_path, config={"comparison": {"reference_files": ["nowhere.csv"]}}))
    with pytest.raises(ConfigError) as info:
        comparisons.load_references(config)
    assert info.value.key == "comparison.reference_files[0]"
    for word in words:
        assert word in info.value.message


# --- the command --------------------------------------------------------------------------------------------

def test_the_command_writes_a_file_a_run_uses(fake: FakeKolada, write_case, tmp_path: Path, cli_isolation) -> None:
    out = tmp_path / "kolada.csv"
    result = invoke("references", "kolada", "-m", "Lund,Kungsbacka", "--year", "2023-2024", "--out", out)
    assert result.exit_code == 0, result.output
    assert "4 rows" in result.output and "Lund (1281), Kungsbacka (1384)" in result.output
    assert "2 value(s) are empty" in result.output
    assert not list(tmp_path.glob(".kolada.csv*"))  # written atomically: no temporary file left
    path = write_case(tmp_path, config={"comparison": {"reference_files": ["kolada.csv"]}})
    result = invoke("run", path, "--results-only")
    assert result.exit_code == 0, result.output
    refs = pd.read_csv(tmp_path / "reports" / "testkommun" / "2025" / "results" / "references.csv",
                       keep_default_na=False, na_values=[""])
    mine = refs[refs["origin"] == "file"]
    assert sorted(zip(mine["group"], mine["year"], strict=True)) == [
        ("familjehem", 2023), ("familjehem", 2024), ("hvb", 2023), ("hvb", 2024)]
    assert mine["source"].str.contains("Kolada, N331").all()


def test_the_command_by_default_fetches_every_mapped_kpi(fake: FakeKolada, tmp_path: Path, cli_isolation) -> None:
    result = invoke("references", "kolada", "-m", "1281", "-m", "1384", "-y", "2023", "-y", "2024",
                    "--out", tmp_path / "k.csv")
    assert result.exit_code == 0, result.output
    assert any(call.startswith(f"{API}/data/kpi/N33100,N33101/") for call in fake.calls)


def test_the_command_does_not_overwrite_without_force(fake: FakeKolada, tmp_path: Path, cli_isolation) -> None:
    out = tmp_path / "k.csv"
    out.write_text("mine\n", encoding="utf-8")
    args = ("references", "kolada", "-m", "Lund,Kungsbacka", "-y", "2023-2024", "--out", out)
    result = invoke(*args)
    assert result.exit_code == 2 and "already exists" in result.output
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert invoke(*args, "--force").exit_code == 0


@pytest.mark.parametrize("exc, words", [
    (urllib.error.URLError(OSError("Name or service not known")), ["cannot reach Kolada", "network connection"]),
    (urllib.error.HTTPError(API, 500, "Internal Server Error", {}, io.BytesIO(b"")), ["HTTP 500"]),
])
def test_no_network_or_an_api_error_is_one_message(monkeypatch, tmp_path: Path, cli_isolation, exc: Exception,
                                                   words: list[str]) -> None:
    monkeypatch.setattr(kolada_client, "http_get", FakeKolada(fail={API: exc}))
    out = tmp_path / "k.csv"
    result = invoke("references", "kolada", "-m", "Lund", "-y", "2024", "--out", out)
    assert result.exit_code == kolada.KoladaError.exit_code
    assert result.output.startswith("error: ") and "Traceback" not in result.output
    for word in words:
        assert word in result.output
    assert not out.exists()


def test_no_values_at_all_writes_nothing(fake: FakeKolada, monkeypatch, tmp_path: Path, cli_isolation) -> None:
    monkeypatch.setattr(kolada.KoladaClient, "data", lambda self, *args: [])
    out = tmp_path / "k.csv"
    result = invoke("references", "kolada", "-m", "Stockholm", "-y", "2019", "--out", out)
    assert result.exit_code == kolada.KoladaError.exit_code and "nothing written" in result.output
    assert not out.exists()
