"""Round trip: the same small case written in every supported shape ingests to identical canonical tables."""

from __future__ import annotations

import pandas as pd
import pytest

from kpbkit.config import load_client_config
from kpbkit.ingest import ingest
from kpbkit.io.readers import SOURCE_ROW
from tests.shapes import CASE, SHAPES, write_shape

TABLES = ("persons", "providers", "decisions", "visits", "stays", "ledger", "population")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    out = {}
    for shape in SHAPES:
        root = tmp_path_factory.mktemp(shape)
        out[shape] = ingest(load_client_config(write_shape(root, shape)))
    return out


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[SOURCE_ROW], errors="ignore").reset_index(drop=True)
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype("string")
    return frame


@pytest.mark.parametrize("shape", [s for s in SHAPES if s != "canonical"])
@pytest.mark.parametrize("table", TABLES)
def test_every_shape_ingests_to_the_canonical_tables(ingested, shape, table):
    expected = _comparable(getattr(ingested["canonical"], table))
    got = _comparable(getattr(ingested[shape], table))
    pd.testing.assert_frame_equal(got, expected, check_dtype=True)


def test_the_case_is_not_trivial(ingested):
    data = ingested["canonical"]
    assert len(data.visits) == len(CASE["visits"][1])
    assert data.visits["minutes"].tolist() == [30.0, 45.5, 90.0]
    assert data.ledger["amount"].round(2).tolist() == [1234567.89, -12345.0, 250000.5]
    assert data.decisions["granted_hours_per_month"].tolist()[:2] == [12.5, 30.0]
    assert data.stays["daily_price"].tolist() == [1234.5]
    assert set(data.providers["regi"]) == {"egen", "extern"}
    assert data.population["age"].tolist() == [84, 100, 75]


@pytest.mark.parametrize("shape", [s for s in SHAPES if s != "canonical"])
def test_no_findings_beyond_the_canonical_ones(ingested, shape):
    def checks(data):
        return sorted((r["check"], r["table"], r["count"]) for r in data.findings.rows)

    assert checks(ingested[shape]) == checks(ingested["canonical"])


def test_each_shape_read_its_own_files(ingested):
    assert ingested["swedish_excel"].input_files["visits"].name == "utford_tid.xlsx"
    assert ingested["swedish_cp1252"].input_files["ledger"].name == "huvudbok.csv"
    assert ingested["register"].input_files["decisions"].name == "register_beslut.txt"
    assert ingested["canonical"].input_files["visits"].name == "visits.csv"


def test_register_rows_are_numbered_from_the_first_line(ingested):
    assert ingested["register"].decisions[SOURCE_ROW].tolist() == [1, 2, 3]
    assert ingested["swedish_excel"].decisions[SOURCE_ROW].tolist() == [2, 3, 4]
