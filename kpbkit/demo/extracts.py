"""Exempelkommun's tables written as the raw extracts a municipality really sends, with planted defects.

The demo's generator (:mod:`kpbkit.demo.generate`) builds canonical tables; this module writes them the way they
arrive in a KPB engagement, so that the demo runs the real-world ingest path:

- decisions as a headerless register file for Socialstyrelsen (``register_beslut.txt``: ``;``,
  Windows-1252, 12-digit personnummer, YYYYMMDD dates, the register's insats codes, decimal commas);
- persons, providers, visits, population and forecast as ``;``-separated Windows-1252 CSV with Swedish
  headers, 10-digit personnummer with ``-`` and ``+``, ``HH:MM`` times, Swedish words for sex and regi,
  and the time registration's own insats codes (mapped in the demo config's ``input.codes``);
- stays as an Excel workbook (``vistelser.xlsx``) with dates as Excel dates;
- the ledger as UTF-8 with BOM, space and non-breaking-space thousands, U+2212 minus signs and a
  trailing empty column, as ledger reports export.

:data:`PLANTED` lists the defects planted here (on top of those the generator plants) with their counts,
so that the data-quality report can be checked against them.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit.io.presets import load_preset

#: the time registration system's own insats codes in the demo's visits file (mapped back in the config)
VISIT_CODES: dict[str, str] = {
    "hemtjanst": "HTJ", "pa_sfb": "PASS-SFB", "pa_lss": "PASS-LSS", "ledsagarservice": "LEDS",
    "avlosarservice": "AVL",
}
#: the IFO and LSS systems' words for the stays' insatser (mapped back in the config)
STAY_CODES: dict[str, str] = {
    "boende_barn_lss": "Boende barn LSS", "daglig_verksamhet": "Daglig verksamhet",
    "dagverksamhet_aldre": "Dagverksamhet äldre", "familjehem": "Familjehem",
    "familjehem_konsulent": "Konsulentstött familjehem", "gruppbostad": "Gruppbostad", "hvb": "HVB",
    "korttid_aldre": "Korttidsvård", "korttidsvistelse": "Korttidsvistelse LSS",
    "sarskilt_boende": "Särskilt boende", "servicebostad": "Servicebostad", "sis": "SiS",
    "stodboende": "Stödboende",
}
#: a code the client's time registration uses that no code list maps (meals on wheels): left out, a finding
UNMAPPED_VISIT_CODE = "MATD"
#: the staff column's header in the visits file: not a preset name, so the demo config names it
STAFF_HEADER = "Utförd av"

#: (check, table) -> count of the defects planted in the extracts
PLANTED: dict[tuple[str, str], int] = {
    ("duplicate_visits", "visits"): 3,
    ("personnummer_missing", "visits"): 2,
    ("personnummer_invalid_check_digit", "visits"): 1,
    ("minutes_implausible", "visits"): 1,
    ("service_unknown", "visits"): 2,
    ("duplicate_decision_id", "decisions"): 1,
}

EXTRACT_FILES: tuple[str, ...] = (
    "personer.csv", "utforare.csv", "register_beslut.txt", "utford_tid.csv", "vistelser.xlsx", "huvudbok.csv",
    "befolkning.csv", "befolkningsprognos.csv", "ledger_rules.csv",
)


def _swedish_decimal(values: pd.Series) -> pd.Series:
    return values.astype("string").str.replace(".", ",", regex=False)


def _thousands(values: pd.Series) -> pd.Series:
    """``-1234567.89`` → ``−1 234 567,89`` (U+2212 minus; non-breaking spaces on every other row)."""
    cents = np.round(pd.to_numeric(values).to_numpy() * 100).astype(np.int64)
    out = []
    for i, c in enumerate(cents):
        sep = "\u00a0" if i % 2 else " "
        whole = f"{abs(c) // 100:,}".replace(",", sep)
        out.append(("\u2212" if c < 0 else "") + f"{whole},{abs(c) % 100:02d}")
    return pd.Series(out, index=values.index)


def _clock(minutes: pd.Series) -> pd.Series:
    m = pd.to_numeric(minutes).round().astype(np.int64)
    return (m // 60).astype(str) + ":" + (m % 60).astype(str).str.zfill(2)


def _csv(frame: pd.DataFrame, *, encoding: str, trailing: bool = False) -> bytes:
    text = frame.to_csv(sep=";", index=False, lineterminator="\r\n")
    if trailing:
        text = "\r\n".join(line + ";" if line else line for line in text.split("\r\n"))
    return text.encode(encoding)


def _persons(t: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Personnr": t["personnummer"], "Födelsedatum": t["birth_date"],
                         "Kön": t["sex"].map({"K": "Kvinna", "M": "Man"})})


def _providers(t: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Utförarkod": t["provider_id"], "Namn": t["name"],
                         "Regi": t["regi"].map({"egen": "Egen regi", "extern": "Privat"})})


def _register(t: pd.DataFrame) -> pd.DataFrame:
    to_register = {code: reg for reg, code in load_preset("register").codes["service_code"].items()}
    out = pd.DataFrame({
        "kommunkod": "0000",
        "decision_id": t["decision_id"],
        "personnummer": t["personnummer"],
        "service_code": t["service_code"].map(to_register),
        "decided_on": t["decided_on"].str.replace("-", "", regex=False),
        "start_date": t["start_date"].str.replace("-", "", regex=False),
        "end_date": t["end_date"].str.replace("-", "", regex=False),
        "granted_hours_per_month": _swedish_decimal(t["granted_hours_per_month"]),
        "provider_id": t["provider_id"],
        "level": t["level"],
    })
    # A decision exported twice (the case system's report joined a history table).
    twice = int(np.flatnonzero((t["service_code"] == "hemtjanst").to_numpy())[10])
    return pd.concat([out.iloc[: twice + 1], out.iloc[[twice]], out.iloc[twice + 1:]], ignore_index=True)


def _visits(t: pd.DataFrame, rng: np.random.Generator, year: str) -> pd.DataFrame:
    out = pd.DataFrame({
        "Personnr": t["personnummer"].astype(object),
        "Insats": t["service_code"].map(VISIT_CODES).astype(object),
        "Datum": t["date"],
        "Tid": _clock(t["minutes"]).astype(object),
        "Utförare": t["provider_id"],
        STAFF_HEADER: t["staff_id"],
    })
    minutes = pd.to_numeric(t["minutes"])
    ok = ((t["service_code"] == "hemtjanst") & (minutes > 0) & t["date"].str.startswith(f"{year}-0")
          & t["provider_id"].str.match(r"^(HT[NCS]|LOV[1-4])$")).to_numpy()
    picks = rng.choice(np.flatnonzero(ok), size=9, replace=False)
    blank, bad_check, long_visit, unmapped, dup = picks[:2], picks[2], picks[3], picks[4:6], picks[6:9]
    out.loc[blank, "Personnr"] = ""
    pnr = out.at[bad_check, "Personnr"]
    out.at[bad_check, "Personnr"] = pnr[:-1] + str((int(pnr[-1]) + 1) % 10)  # a typo in the check digit
    out.at[long_visit, "Tid"] = "26:00"  # a visit registered over 24 hours (forgotten check-out)
    out.loc[unmapped, "Insats"] = UNMAPPED_VISIT_CODE
    # Rows exported twice (a time-registration report with overlapping date ranges).
    order = np.sort(np.concatenate([np.arange(len(out)), dup]), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def _stays_workbook(t: pd.DataFrame) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Placeringar"
    sheet.append(["Placering-id", "Personnr", "Insats", "Från", "Till", "Utförare", "Dygnspris", "Lagrum"])
    for row in t.itertuples(index=False):
        sheet.append([
            row.stay_id, row.personnummer, STAY_CODES[row.service_code],
            pd.Timestamp(row.start_date).to_pydatetime(),
            pd.Timestamp(row.end_date).to_pydatetime() if row.end_date else None,
            row.provider_id, float(row.daily_price) if row.daily_price else None, row.law or None,
        ])
    for column, width in zip("ABCDEFGH", (12, 14, 26, 12, 12, 10, 10, 8), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_cols(min_col=4, max_col=5, min_row=2):
        for cell in cells:
            cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ledger(t: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Bokföringsdatum": t["date"], "Konto": t["account"], "Ansvar": t["responsibility"],
                         "Verksamhet": t["activity"], "Belopp": _thousands(t["amount"])})


def _population(t: pd.DataFrame) -> pd.DataFrame:
    age = t["age"].astype(str)
    return pd.DataFrame({"År": t["year"], "Ålder": age.where(age != "100", "100+") + " år",
                         "Kön": t["sex"].map({"K": "kvinnor", "M": "män"}), "Antal": t["count"]})


def extract_files(tables: dict[str, pd.DataFrame], *, seed: int) -> dict[str, bytes]:
    """The demo's raw extract files (name → bytes) from its canonical text tables."""
    rng = np.random.default_rng(seed + 1)
    year = str(tables["population"]["year"].iloc[0])  # the period's year: defects go on its January-September
    return {
        "personer.csv": _csv(_persons(tables["persons"]), encoding="cp1252"),
        "utforare.csv": _csv(_providers(tables["providers"]), encoding="cp1252"),
        "register_beslut.txt": _register(tables["decisions"]).to_csv(
            sep=";", index=False, header=False, lineterminator="\r\n").encode("cp1252"),
        "utford_tid.csv": _csv(_visits(tables["visits"], rng, year), encoding="cp1252"),
        "vistelser.xlsx": _stays_workbook(tables["stays"]),
        "huvudbok.csv": _csv(_ledger(tables["ledger"]), encoding="utf-8-sig", trailing=True),
        "befolkning.csv": _csv(_population(tables["population"]), encoding="cp1252"),
        "befolkningsprognos.csv": _csv(_population(tables["population_forecast"]), encoding="cp1252"),
        "ledger_rules.csv": tables["ledger_rules"].to_csv(index=False, lineterminator="\n").encode("utf-8"),
    }


def write_extracts(tables: dict[str, pd.DataFrame], folder: Path, *, seed: int) -> list[Path]:
    """Write every extract file into ``folder`` atomically (temporary file, then rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in extract_files(tables, seed=seed).items():
        path = folder / name
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written
