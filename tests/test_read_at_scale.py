"""Large tables are read by distinct values (Parquet through Arrow dictionaries, long CSV columns by factorising):
the frames must equal the row-by-row path's, and a bad value must be reported exactly as that path reports it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpbkit.canonical import SCHEMAS
from kpbkit.errors import InputError
from kpbkit.io import readers
from kpbkit.io.readers import DISTINCT_FROM, read_raw, read_table, to_canonical

N = DISTINCT_FROM + 2_345


def _visits(n: int = N) -> dict[str, pa.Array]:
    rng = np.random.default_rng(7)
    start = np.datetime64("2025-01-01")
    days = start + rng.integers(-3, 370, n).astype("timedelta64[D]")
    minutes = rng.choice([0.0, -0.0, 15.0, 22.5, 30.0, 60.0, 1e-3], n)
    provider = rng.choice(np.array(["P1", " P2", "P3 ", ""], dtype=object), n)
    staff = rng.choice(np.array(["s1", "s2", None], dtype=object), n)
    return {
        "person_id": pa.array([f"p{i % 517:04d}" for i in range(n)]),
        "service_code": pa.array(rng.choice(["hemtjanst", "pa_sfb", " hemtjanst", "okand"], n)),
        "date": pa.array(days.astype("datetime64[D]")),
        "minutes": pa.array(minutes),
        "provider_id": pa.array(list(provider)),
        "staff_id": pa.array(list(staff)),
    }


def _row_path(path) -> pd.DataFrame:
    return to_canonical(read_raw(path), SCHEMAS["visits"], path)


def test_large_parquet_reads_as_the_row_path(tmp_path):
    path = tmp_path / "visits.parquet"
    columns = _visits()
    columns["date"] = pa.array(pd.to_datetime(np.asarray(columns["date"])).as_unit("us"))  # a timestamp column
    pq.write_table(pa.table(columns), path, row_group_size=3_000)  # several chunks, one dictionary
    fast = read_table(path, SCHEMAS["visits"])
    slow = _row_path(path)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast.attrs == slow.attrs
    categorical = read_table(path, SCHEMAS["visits"], categorical=("person_id", "provider_id"))
    assert isinstance(categorical["provider_id"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(categorical.astype({"person_id": "string", "provider_id": "string"}), slow)
    assert categorical["person_id"].cat.categories.equals(slow["person_id"].astype("category").cat.categories)


@pytest.mark.parametrize("column, bad, message", [
    ("date", dt.date(2150, 1, 1), "far-future"),
    ("minutes", float("inf"), "is not a number"),
    ("service_code", "  ", "empty value"),
])
def test_a_bad_value_in_a_large_parquet_is_reported_as_the_row_path_does(tmp_path, column, bad, message):
    columns = _visits()
    values = columns[column].to_pylist()
    for row in (4_321, 9_876):
        values[row] = bad
    columns[column] = pa.array(values, type=columns[column].type)
    path = tmp_path / "visits.parquet"
    pq.write_table(pa.table(columns), path)
    with pytest.raises(InputError) as fast:
        read_table(path, SCHEMAS["visits"])
    with pytest.raises(InputError) as slow:
        _row_path(path)
    assert message in str(fast.value)
    assert str(fast.value) == str(slow.value)
    assert fast.value.row == 4_322  # Parquet rows are numbered from 1
    assert "2 row(s)" in str(fast.value)


def test_a_long_csv_column_is_parsed_once_per_value_with_exact_errors(tmp_path, monkeypatch):
    frame = pd.DataFrame({k: v.to_pandas() for k, v in _visits().items() if k != "date"})
    frame["date"] = ["2025-03-04"] * N
    frame.loc[7_000, "date"] = "2025-02-30"
    frame.loc[8_000, "date"] = "2025-02-30"
    path = tmp_path / "visits.csv"
    frame.to_csv(path, index=False)
    calls: list[tuple[str, int]] = []
    row_path = readers._convert_rows

    def counting(values, column, *args, **kwargs):
        calls.append((column.name, len(values)))
        return row_path(values, column, *args, **kwargs)

    monkeypatch.setattr(readers, "_convert_rows", counting)
    with pytest.raises(InputError) as err:
        read_table(path, SCHEMAS["visits"])
    assert err.value.row == 7_002  # the header is line 1
    assert "(2 row(s) in all)" in str(err.value)
    # the distinct dates first; then every row, to report the bad one exactly
    assert [size for name, size in calls if name == "date"] == [2, N]
    frame.loc[[7_000, 8_000], "date"] = "2025-03-05"
    frame.to_csv(path, index=False)
    calls.clear()
    read = read_table(path, SCHEMAS["visits"])
    assert all(size < N for name, size in calls if name in ("date", "minutes"))  # distinct values only
    assert read["date"].iloc[7_000] == pd.Timestamp("2025-03-05")
    assert (read["minutes"].to_numpy() == frame["minutes"].to_numpy()).all()


@pytest.mark.parametrize("ids", ["pseudonyms", "personnummer"])
def test_ingest_of_a_large_parquet_equals_the_same_table_as_csv(tmp_path, write_case, ids):
    from kpbkit.config import load_client_config
    from kpbkit.ingest import ingest

    visits = pd.DataFrame({k: v.to_pandas() for k, v in _visits().items()})
    visits["date"] = pd.to_datetime(visits["date"])
    if ids == "personnummer":  # person ids written as personnummer: pseudonymised, demographics from them
        numbers = pd.read_csv(readers.Path(readers.__file__).parents[1] / "data" / "testpersonnummer.csv",
                              dtype=str)["personnummer"].to_numpy()
        visits["person_id"] = numbers[np.arange(len(visits)) % 40]
    frames = {}
    for fmt in ("csv", "parquet"):
        folder = tmp_path / fmt
        config = write_case(folder, visits=visits.assign(date=visits["date"].dt.strftime("%Y-%m-%d"))
                            if fmt == "csv" else None)
        if fmt == "parquet":
            visits.to_parquet(folder / "input" / "visits.parquet", index=False)
        frames[fmt] = ingest(load_client_config(config))
    csv, parquet = frames["csv"], frames["parquet"]
    pd.testing.assert_frame_equal(parquet.persons, csv.persons)
    pd.testing.assert_frame_equal(parquet.visits.drop(columns="source_row"), csv.visits.drop(columns="source_row"))
    assert (parquet.visits["source_row"] == csv.visits["source_row"] - 1).all()  # CSV's header is row 1
    if ids == "pseudonyms":
        assert isinstance(parquet.visits["person_id"].dtype, pd.CategoricalDtype)
    found = [f.findings.frame()[["check", "table", "count"]].reset_index(drop=True) for f in (parquet, csv)]
    pd.testing.assert_frame_equal(*found)


def test_a_blank_row_in_a_large_parquet_is_dropped_as_the_row_path_drops_it(tmp_path):
    columns = {k: v.to_pylist() for k, v in _visits().items()}
    for values in columns.values():
        values[5_000] = None  # every cell of this row empty
    columns["person_id"][6_000] = None  # one empty cell only: the row stays
    path = tmp_path / "visits.parquet"
    pq.write_table(pa.table({k: pa.array(v, type=_visits()[k].type) for k, v in columns.items()}), path)
    fast = read_table(path, SCHEMAS["visits"])
    pd.testing.assert_frame_equal(fast, _row_path(path))
    assert len(fast) == N - 1 and 5_001 not in set(fast["source_row"]) and 6_001 in set(fast["source_row"])
