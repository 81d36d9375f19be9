"""Raw canonical files → pseudonymised canonical tables.

Reads every table of DATA-CONTRACT.md from the client's input folder, checks columns and types,
pseudonymises personnummer (keyed hash of the normalised 12-digit form), derives birth date and
sex from them, and drops the personnummer. Nothing after this step sees a personnummer: a person id
column holding personnummer is read as one, and a value shaped like a personnummer in any other column
stops the run (:func:`_screen_identities`); the writers refuse one again (:mod:`kpbkit.io.identity_guard`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.canonical import SCHEMAS, TABLE_ORDER
from kpbkit.config import ClientConfig
from kpbkit.errors import InputError
from kpbkit.io.identity_guard import find_in_frame, holds_personnummer, whole_personnummer_form
from kpbkit.io.presets import CANONICAL, Preset, load_preset
from kpbkit.io.readers import SOURCE_ROW, find_table, read_table
from kpbkit.io.sources import CODE_COLUMNS, SourceSpec, find_source, read_source
from kpbkit.personnummer import parse_personnummer, pseudonymise
from kpbkit.quality import Findings

DELIVERY_TABLES = ("decisions", "visits", "stays")
#: text columns held as categoricals (few distinct values in many rows): lookups and memory stay small
CATEGORICAL = {"visits": ("person_id", "service_code", "provider_id", "staff_id")}


@dataclass
class CanonicalData:
    """The pseudonymised canonical tables of one client and period."""

    persons: pd.DataFrame
    providers: pd.DataFrame
    decisions: pd.DataFrame
    visits: pd.DataFrame
    stays: pd.DataFrame
    ledger: pd.DataFrame
    population: pd.DataFrame
    population_forecast: pd.DataFrame
    input_files: dict[str, Path] = field(default_factory=dict)
    findings: Findings = field(default_factory=Findings)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLE_ORDER}


def file_hash(path: Path) -> str:
    """SHA-256 of a file, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest(config: ClientConfig) -> CanonicalData:
    """Read and pseudonymise the client's canonical input folder."""
    folder = config.input_folder
    findings = Findings()
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    for name in TABLE_ORDER:
        schema = SCHEMAS[name]
        path, read = _locate(config, name)
        if path is None:
            if schema.required_table:
                raise InputError(
                    f"the {name} table is missing",
                    file=folder / f"{name}.csv",
                    fix=_missing_fix(config, name),
                )
            frames[name] = read_empty(name)
            if name != "population_forecast":
                findings.add("table_missing", "info" if name != "population" else "warning", name, 1,
                             f"no {name} file in the input folder; treated as empty")
            continue
        frames[name] = _screen_identities(read(path), name, path, _source_spec(config, name), findings,
                                          config.period.end.year)
        files[name] = path
        unknown = frames[name].attrs.get("unknown_columns", [])
        if unknown:
            findings.add("unknown_columns", "info", name, len(unknown), "ignored columns: " + ", ".join(unknown),
                         values={"columns": list(unknown)})

    key_cache: list[bytes] = []

    def key() -> bytes:
        if not key_cache:
            key_cache.append(config.pseudonym_key())
        return key_cache[0]

    reference_year = config.period.end.year
    derived: list[pd.DataFrame] = []
    for name in ("persons", *DELIVERY_TABLES):
        frames[name], demo = _pseudonymise_table(frames[name], name, files.get(name), reference_year, key, findings)
        if demo is not None:
            derived.append(demo)
    frames["persons"] = _build_persons(frames["persons"], derived, findings)
    _report_person_gaps(frames, findings)
    frames["providers"] = _dedupe(frames["providers"], "provider_id", "providers", findings)
    frames["ledger"] = _ledger_dates(frames["ledger"], files.get("ledger"))
    for name in DELIVERY_TABLES:
        frames[name]["service_code"] = frames[name]["service_code"].astype("category")
    for col in CATEGORICAL["visits"]:
        if not isinstance(frames["visits"][col].dtype, pd.CategoricalDtype):
            frames["visits"][col] = frames["visits"][col].astype("category")
    return CanonicalData(**frames, input_files=files, findings=findings)


def input_files(config: ClientConfig) -> dict[str, Path]:
    """The file each table would be read from (tables without one left out), without reading any."""
    found = {}
    for name in TABLE_ORDER:
        path, _read = _locate(config, name)
        if path is not None:
            found[name] = path
    return found


def _source_spec(config: ClientConfig, name: str) -> SourceSpec:
    spec = config.table_input(name)
    preset = load_preset(spec.shape) if spec.shape != CANONICAL else Preset(CANONICAL, "", {}, {})
    return SourceSpec(name, preset, file=spec.file, sheet=spec.sheet, columns=dict(spec.columns),
                      codes=config.codes, config_path=config.path,
                      open_end_dates=tuple(str(d) for d in config.model.input.open_end_dates))


def _locate(config: ClientConfig, name: str) -> tuple[Path | None, Callable[[Path], pd.DataFrame]]:
    """The file of table ``name`` and the reader for it: strict canonical, or through its source shape."""
    source = _source_spec(config, name)
    schema = SCHEMAS[name]
    if source.preset.name == CANONICAL and not source.columns and not source.codes:
        path = source.file or find_table(config.input_folder, name)
        if path is None or path.suffix in (".csv", ".parquet"):
            return path, lambda p: read_table(p, schema, open_ends=source.open_end_dates,
                                              categorical=CATEGORICAL.get(name, ()))
    path = source.file or find_source(config.input_folder, source)
    return path, lambda p: read_source(source, p, schema)


def _screen_identities(
    frame: pd.DataFrame, name: str, path: Path, source: SourceSpec, findings: Findings, reference_year: int
) -> pd.DataFrame:
    """Let no personnummer past ingest except through the personnummer column.

    Runs on the table as read (code lists applied, unknown columns dropped): a person id column holding
    personnummer becomes a personnummer column; a table whose personnummer are all invalid, or any other
    column holding a value shaped like a personnummer, stops the run naming the file and the column.
    """
    shown = frame.attrs.get("display", {})
    checked = ["personnummer", SOURCE_ROW]
    if "person_id" in frame.columns and "personnummer" in frame.columns:
        frame = _person_ids_as_personnummer(frame, name, path, shown, findings)
        checked.append("person_id")
    if "personnummer" in frame.columns:
        _require_some_valid_personnummer(frame, path, source, shown, reference_year)
    hit = find_in_frame(frame, skip=checked)
    if hit is not None:
        column = hit.column
        codes = (f"map the column's values to codes under input.codes.{column}, " if column in CODE_COLUMNS else "")
        raise InputError(
            f"a value shaped like a personnummer (not shown) in a column that is not the personnummer "
            f"({hit.count} row(s) in all); no identity may leave ingest",
            file=path,
            row=int(frame[SOURCE_ROW].iloc[hit.position]),
            column=shown.get(column, column),
            fix=f"replace the ids by codes, or {codes}or remove the column from the extract; a person's "
            f"personnummer belongs in the personnummer column only",
        )
    return frame


def _person_ids_as_personnummer(
    frame: pd.DataFrame, name: str, path: Path, shown: dict[str, str], findings: Findings
) -> pd.DataFrame:
    """A person id column holding personnummer: those ids are read as personnummer (pseudonymised, demographics).

    Once the column holds one valid personnummer, every id written as one (10 or 12 digits) moves, the
    invalid ones too, exactly as they would from the personnummer column.
    """
    ids = frame["person_id"]
    holds = holds_personnummer(ids)
    if not holds.any():
        return frame
    if isinstance(ids.dtype, pd.CategoricalDtype):  # ids leave the column: plain text from here
        ids = ids.astype("string")
    whole = whole_personnummer_form(ids)
    inside = holds & ~whole
    if inside.any():
        first = int(inside.to_numpy().nonzero()[0][0])
        raise InputError(
            f"a person id holds a personnummer inside other text (not shown; {int(inside.sum())} row(s) in all)",
            file=path,
            row=int(frame[SOURCE_ROW].iloc[first]),
            column=shown.get("person_id", "person_id"),
            fix="give either the personnummer alone (it is pseudonymised) or the case system's own person id",
        )
    frame = frame.copy()
    frame["person_id"] = ids
    empty = frame["personnummer"].isna()
    frame.loc[whole & empty, "personnummer"] = ids[whole & empty]
    frame.loc[whole, "person_id"] = pd.NA
    findings.add("person_id_personnummer", "info", name, int(whole.sum()),
                 "person ids that are personnummer: pseudonymised as personnummer, birth date and sex from them",
                 example=f"{path.name}, column '{shown.get('person_id', 'person_id')}'",
                 values={"column": shown.get("person_id", "person_id"),
                         "example": {"file": path.name, "column": shown.get("person_id", "person_id")}})
    return frame


def _require_some_valid_personnummer(
    frame: pd.DataFrame, path: Path, source: SourceSpec, shown: dict[str, str], reference_year: int
) -> None:
    """Stop when not one personnummer of the table is valid: the wrong field is read as personnummer.

    Two or more distinct values, all invalid, stop the run; so does a single value that is not even 10 or 12
    digits. One value with a wrong check digit or date alone is a typo: a finding, like any invalid number.
    """
    given = frame["personnummer"].dropna()
    distinct = pd.Series(pd.unique(given), dtype="string")
    if not len(distinct):
        return
    parsed = parse_personnummer(distinct, reference_year=reference_year)
    if parsed["valid"].any() or (len(distinct) < 2 and (parsed["problem"] != "format").all()):
        return
    column = shown.get("personnummer", "personnummer")
    hints = []
    other = find_in_frame(frame, skip=("personnummer", SOURCE_ROW))
    if other is not None:
        hints.append(f"column '{shown.get(other.column, other.column)}' holds values shaped like a personnummer")
    positional = source.shape.positional
    if "personnummer" in positional:
        hints.append(f"a file without a header row is read in the field order of the '{source.preset.name}' shape, "
                     f"personnummer as field {positional.index('personnummer') + 1}")
    raise InputError(
        f"not one valid personnummer in the column ({len(distinct)} distinct value(s), each with an impossible "
        "date, a wrong check digit or not 10 or 12 digits): the wrong field is probably read as the personnummer",
        file=path,
        row=int(frame.loc[given.index[0], SOURCE_ROW]),
        column=column,
        fix="check which field of the file holds the personnummer and name its header under "
        f"input.tables.{source.table}.columns.personnummer in the config; if the column holds the case system's own "
        f"person ids, name it under input.tables.{source.table}.columns.person_id instead"
        + (f" ({'; '.join(hints)})" if hints else ""),
    )


def _missing_fix(config: ClientConfig, name: str) -> str:
    source = _source_spec(config, name)
    names = ", ".join(dict.fromkeys([*source.shape.files, name]))
    return (f"put the {name} file in the input folder named by input.folder (names looked for: {names}; "
            f"suffixes .csv, .txt, .xlsx, .parquet), or name it under input.tables.{name}.file in the config")


def read_empty(name: str) -> pd.DataFrame:
    """An empty frame with the table's canonical columns and types."""
    schema = SCHEMAS[name]
    from kpbkit.io.readers import _empty

    frame = pd.DataFrame({c.name: _empty(c, 0) for c in schema.columns})
    frame[SOURCE_ROW] = pd.Series([], dtype="int32")
    frame.attrs["present"] = []
    return frame


def _pseudonymise_table(
    frame: pd.DataFrame, name: str, path: Path | None, reference_year: int, key, findings: Findings
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Replace personnummer by pseudonyms; return the table and the demographics its numbers give."""
    frame = frame.copy(deep=False)  # copy-on-write: the caller's frame is not changed, and 10 M rows are not copied
    pnr = frame.pop("personnummer")
    has_pnr = pnr.notna()
    no_person = ~has_pnr & frame["person_id"].isna()
    if len(frame) and no_person.any():
        # A row that names nobody cannot be traced to a brukare: left out, and the client is told where.
        first = int(no_person.to_numpy().nonzero()[0][0])
        where = f"{path.name} row {int(frame[SOURCE_ROW].iloc[first])}" if path else f"row {first + 1}"
        findings.add("personnummer_missing", "warning", name, int(no_person.sum()),
                     "rows without personnummer (or person_id): left out, they cannot be traced to a person",
                     example=f"{where}: empty personnummer",
                     values={"example": {"file": path.name if path else None, "table": name,
                                         "row": int(frame[SOURCE_ROW].iloc[first]) if path else first + 1,
                                         "fields": {"personnummer": None}}})
        keep = ~no_person.to_numpy()
        frame, pnr, has_pnr = frame.loc[keep], pnr.loc[keep], has_pnr.loc[keep]
    if not has_pnr.any():
        return frame, None
    parsed = parse_personnummer(pnr[has_pnr], reference_year=reference_year)
    ids = pseudonymise(parsed["normalized"], key())
    if isinstance(frame["person_id"].dtype, pd.CategoricalDtype):  # new ids are not among its categories
        frame["person_id"] = frame["person_id"].astype("string")
    frame.loc[has_pnr, "person_id"] = ids.astype("string")
    invalid = ~parsed["valid"]
    rows = frame.loc[has_pnr, SOURCE_ROW]
    for problem, count in parsed.loc[invalid, "problem"].value_counts().items():
        first = int(rows[(parsed["problem"] == problem) & invalid].iloc[0])
        where = f"{path.name} row {first}" if path else f"row {first}"
        findings.add(
            f"personnummer_invalid_{problem}",
            "warning",
            name,
            int(count),
            "rows kept, pseudonymised from the digits as given, with unknown birth date and sex",
            example=f"{where}: personnummer with {problem.replace('_', ' ')} (not shown)",
            values={"example": {"file": path.name if path else None, "table": name, "row": first,
                                "note": f"personnummer_invalid_{problem}"}},
        )
    samordning = parsed["samordningsnummer"] & parsed["valid"]
    findings.add("samordningsnummer", "info", name, int(samordning.sum()), "valid samordningsnummer (day + 60)")
    demo = pd.DataFrame(
        {
            "person_id": ids.astype("string").to_numpy(),
            "birth_date": parsed["birth_date"].to_numpy(),
            "sex": parsed["sex"].astype("string").to_numpy(),
            "row": parsed.index.to_numpy(),
        }
    )
    demo.attrs["table"] = name
    return frame, demo


def _build_persons(persons: pd.DataFrame, derived: list[pd.DataFrame], findings: Findings) -> pd.DataFrame:
    """One row per person: birth date and sex from the personnummer wherever one is given."""
    persons = persons.copy()
    from_persons = next((d for d in derived if d.attrs.get("table") == "persons"), None)
    if from_persons is not None:
        rows = from_persons["row"].to_numpy()
        given_birth = pd.Series(persons.loc[rows, "birth_date"].to_numpy(), dtype="datetime64[ns]")
        given_sex = pd.Series(persons.loc[rows, "sex"].to_numpy(), dtype="string")
        pnr_birth = pd.Series(from_persons["birth_date"].to_numpy(), dtype="datetime64[ns]")
        pnr_sex = pd.Series(from_persons["sex"].to_numpy(), dtype="string")
        valid = pnr_birth.notna()
        birth_conflict = valid & given_birth.notna() & (given_birth != pnr_birth)
        sex_conflict = (valid & given_sex.notna() & (given_sex != pnr_sex)).fillna(False).astype(bool)
        findings.add(
            "persons_contradict_personnummer",
            "warning",
            "persons",
            int((birth_conflict | sex_conflict).sum()),
            "birth_date or sex differs from the personnummer; the personnummer wins",
        )
        persons.loc[rows, "birth_date"] = pnr_birth.to_numpy()
        persons.loc[rows, "sex"] = pnr_sex.to_numpy()
    persons = _dedupe(persons[["person_id", "birth_date", "sex"]], "person_id", "persons", findings)
    persons["in_persons"] = True
    # Persons known only from a delivery's personnummer: their demographics come from that number.
    others = [d for d in derived if d.attrs.get("table") != "persons"]
    if others:
        extra = pd.concat(others, ignore_index=True).drop(columns="row")
        extra = extra.sort_values("birth_date", na_position="last", kind="stable").drop_duplicates("person_id")
        persons = persons.merge(extra, on="person_id", how="outer", suffixes=("", "_pnr"))
        persons["birth_date"] = persons["birth_date"].fillna(persons.pop("birth_date_pnr"))
        persons["sex"] = persons["sex"].fillna(persons.pop("sex_pnr"))
        persons["in_persons"] = persons["in_persons"].fillna(False).astype(bool)
    persons["sex"] = persons["sex"].astype("string")
    persons["birth_date"] = pd.to_datetime(persons["birth_date"])
    return persons.reset_index(drop=True)


def _dedupe(frame: pd.DataFrame, key: str, table: str, findings: Findings) -> pd.DataFrame:
    dup = frame.duplicated(key, keep="first")
    findings.add(f"duplicate_{key}", "warning", table, int(dup.sum()), f"duplicate {key} rows; the first wins")
    return frame.loc[~dup].reset_index(drop=True)


def _report_person_gaps(frames: dict[str, pd.DataFrame], findings: Findings) -> None:
    persons = frames["persons"]
    # ids as plain Python strings in a hash index: Arrow-backed isin against a big set costs seconds
    listed = pd.Index(_as_objects(persons.loc[persons["in_persons"], "person_id"].dropna()), dtype=object).unique()
    used: list[np.ndarray] = []
    for name in DELIVERY_TABLES:
        # on the distinct ids: a visits table has millions of rows but few persons
        codes, ids = pd.factorize(frames[name]["person_id"], use_na_sentinel=True)
        ids = _as_objects(ids)
        missing = listed.get_indexer(ids) < 0
        rows = int(np.count_nonzero(missing[codes[codes >= 0]]))
        findings.add(
            "person_not_in_persons",
            "warning",
            name,
            int(missing.sum()),
            f"persons in {name} but not in persons ({rows} rows); counted in volumes and costs",
            values={"rows": rows},
        )
        used.append(ids)
    used_ids = pd.Index(np.concatenate(used) if used else np.array([], dtype=object), dtype=object).unique()
    relevant = persons[used_ids.get_indexer(_as_objects(persons["person_id"])) >= 0]
    findings.add("birth_date_unknown", "warning", "persons", int(relevant["birth_date"].isna().sum()),
                 "persons with deliveries but unknown birth date: in no age band and no age-based KPI")
    findings.add("sex_unknown", "warning", "persons", int(relevant["sex"].isna().sum()),
                 "persons with deliveries but unknown sex: in no sex group")


def _as_objects(values) -> np.ndarray:
    """Values (a Series, an array or a categorical) as an object array of Python strings, missing as ``None``."""
    return np.asarray(pd.array(values, dtype="string").to_numpy(dtype=object, na_value=None), dtype=object)


def _ledger_dates(ledger: pd.DataFrame, path: Path | None) -> pd.DataFrame:
    """A ``period`` (YYYY-MM) row is dated on the month's first day; a row without a date is fatal."""
    ledger = ledger.copy()
    present = ledger.attrs.get("present", [])
    shown = ledger.attrs.get("display", {})
    if "period" in present:
        period = ledger["period"].astype("string")
        parsed = pd.to_datetime(period + "-01", format="%Y-%m-%d", errors="coerce")
        bad_period = ledger["period"].notna() & parsed.isna()
        if bad_period.any():
            first = int(bad_period.to_numpy().nonzero()[0][0])
            raise InputError(
                "period is not of the form YYYY-MM (money must be exact, so this is fatal)",
                file=path,
                row=int(ledger[SOURCE_ROW].iloc[first]),
                column=shown.get("period", "period"),
                fix="write periods as YYYY-MM (or YYYYMM), e.g. 2025-03",
            )
        ledger["date"] = ledger["date"].where(ledger["date"].notna(), parsed)
    undated = ledger["date"].isna()
    if undated.any():
        first = int(undated.to_numpy().nonzero()[0][0])
        raise InputError(
            f"ledger row has no date ({int(undated.sum())} row(s) in all; money must be exact, so this is fatal)",
            file=path,
            row=int(ledger[SOURCE_ROW].iloc[first]),
            column=shown.get("date", "date") if "date" in present else shown.get("period", "period"),
            fix="give a date (YYYY-MM-DD) or a period (YYYY-MM) on every ledger row",
        )
    for col in ("account", "responsibility", "activity"):
        ledger[col] = ledger[col].fillna("").astype("string")
    return ledger.drop(columns="period")
