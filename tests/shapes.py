"""One small client case, written in every source shape kpbkit reads (for the round-trip tests).

The case is held canonically (:data:`CASE`); :func:`write_shape` writes it as canonical CSV, with Swedish
headers (CSV in UTF-8 with BOM or Windows-1252, or one Excel workbook per table), or with the decisions
as a headerless register file. Every way of writing the same value that §7 of KPB-METHOD lists appears
somewhere: decimal commas, space and non-breaking-space thousands, U+2212 minus, YYMMDD-NNNN and
YYMMDD+NNNN personnummer, YYYYMMDD and Excel dates, HH:MM times, Swedish code words, trailing empty columns.
Identities are Skatteverket test personnummer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

PNR_M_1941 = "194101012393"
PNR_K_1920 = "192001011564"  # 105 in 2025: written with '+' in ten digits
PNR_K_1950 = "195001182046"

#: the case, canonically: table -> (columns, rows)
CASE: dict[str, tuple[list[str], list[list[str]]]] = {
    "persons": (["personnummer", "birth_date", "sex"], [
        [PNR_M_1941, "1941-01-01", "M"], [PNR_K_1920, "1920-01-01", "K"], [PNR_K_1950, "", "K"],
    ]),
    "providers": (["provider_id", "name", "regi"], [
        ["HTN", "Hemtjänsten Norr", "egen"], ["LOV1", "Omsorg AB", "extern"], ["GB1", "Gruppbostad Tallen", "egen"],
    ]),
    "decisions": (["decision_id", "personnummer", "service_code", "decided_on", "start_date", "end_date",
                   "granted_hours_per_month", "provider_id", "level"], [
        ["B1", PNR_M_1941, "hemtjanst", "2024-12-20", "2025-01-01", "", "12.5", "HTN", ""],
        ["B2", PNR_K_1920, "hemtjanst", "2025-02-01", "2025-02-03", "2025-10-31", "30", "LOV1", ""],
        ["B3", PNR_K_1950, "gruppbostad", "2024-05-02", "2024-06-01", "", "", "GB1", "2"],
    ]),
    "visits": (["personnummer", "service_code", "date", "minutes", "provider_id", "staff_id"], [
        [PNR_M_1941, "hemtjanst", "2025-03-04", "30", "HTN", "S1"],
        [PNR_M_1941, "hemtjanst", "2025-03-05", "45.5", "HTN", "S2"],
        [PNR_K_1920, "hemtjanst", "2025-03-04", "90", "LOV1", ""],
    ]),
    "stays": (["stay_id", "personnummer", "service_code", "start_date", "end_date", "provider_id", "daily_price",
               "law"], [
        ["V1", PNR_K_1950, "gruppbostad", "2024-06-01", "", "GB1", "1234.5", ""],
    ]),
    "ledger": (["date", "account", "responsibility", "activity", "amount"], [
        ["2025-03-31", "4010", "41110", "5110", "1234567.89"],
        ["2025-04-30", "3510", "41110", "5110", "-12345"],
        ["2025-05-31", "4010", "43100", "5740", "250000.5"],
    ]),
    "population": (["year", "age", "sex", "count"], [
        ["2025", "84", "M", "101"], ["2025", "100", "K", "7"], ["2025", "75", "K", "1204"],
    ]),
}

RULES = ("activity,account_prefix,responsibility,target,kind\n"
         "5110,35,,service:hemtjanst:egen,internal_revenue\n"
         "5110,,,service:hemtjanst:egen,cost\n"
         "5740,,,service:gruppbostad:egen,cost\n")

SWEDISH_HEADERS: dict[str, dict[str, str]] = {
    "persons": {"personnummer": "Personnr", "birth_date": "Födelsedatum", "sex": "Kön"},
    "providers": {"provider_id": "Utförare", "name": "Namn", "regi": "Regi"},
    "decisions": {"decision_id": "Beslut-id", "personnummer": "Personnr", "service_code": "Insats",
                  "decided_on": "Beslutsdatum", "start_date": "Från", "end_date": "Till",
                  "granted_hours_per_month": "Beviljad tid", "provider_id": "Utförare", "level": "Nivå"},
    "visits": {"personnummer": "Personnr", "service_code": "Insats", "date": "Datum", "minutes": "Minuter",
               "provider_id": "Utförare", "staff_id": "Personal"},
    "stays": {"stay_id": "Vistelse-id", "personnummer": "Personnr", "service_code": "Insats",
              "start_date": "Från", "end_date": "Till", "provider_id": "Utförare", "daily_price": "Dygnspris",
              "law": "Lagrum"},
    "ledger": {"date": "Datum", "account": "Konto", "responsibility": "Ansvar", "activity": "Verksamhet",
               "amount": "Belopp"},
    "population": {"year": "År", "age": "Ålder", "sex": "Kön", "count": "Antal"},
}
SWEDISH_FILES = {"persons": "personer", "providers": "utforare", "decisions": "beslut", "visits": "utford_tid",
                 "stays": "vistelser", "ledger": "huvudbok", "population": "befolkning"}

SHAPES = ("canonical", "swedish_utf8", "swedish_cp1252", "swedish_excel", "register")


def _ten(pnr: str, birth_year_now: int = 2025) -> str:
    sep = "+" if birth_year_now - int(pnr[:4]) >= 100 else "-"
    return f"{pnr[2:8]}{sep}{pnr[8:]}"


def _swedish_number(text: str, *, thousands: str = " ") -> str:
    if text == "":
        return ""
    value = float(text)
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", thousands)
    frac = frac.rstrip("0")
    return ("\u2212" if value < 0 else "") + grouped + ("," + frac if frac else "")


def _swedish_value(table: str, column: str, value: str, row: int) -> str:
    """How a Swedish export writes one canonical value (varied by row, as real extracts are)."""
    if value == "":
        return ""
    if column == "personnummer":
        return _ten(value) if row % 2 == 0 else f"{value[:8]}-{value[8:]}"
    if column in ("birth_date", "decided_on", "start_date", "end_date", "date"):
        return value.replace("-", "") if row % 2 else value
    if column == "minutes":
        minutes = float(value)
        return f"{int(minutes // 60)}:{int(minutes % 60):02d}" if minutes.is_integer() and minutes >= 60 else (
            _swedish_number(value))
    if column in ("granted_hours_per_month", "daily_price", "amount", "count"):
        return _swedish_number(value, thousands="\u00a0" if row % 2 else " ")
    if column == "sex" and table == "persons":
        return {"K": "Kvinna", "M": "Man"}[value]
    if column == "regi":
        return {"egen": "Egen regi", "extern": "Privat"}[value]
    if column == "age" and value == "100":
        return "100+ år"
    return value


def _swedish_rows(table: str) -> tuple[list[str], list[list[str]]]:
    columns, rows = CASE[table]
    headers = [SWEDISH_HEADERS[table][c] for c in columns]
    return headers, [[_swedish_value(table, c, v, i) for c, v in zip(columns, row, strict=True)]
                     for i, row in enumerate(rows)]


def _write_csv(path: Path, headers: list[str], rows: list[list[Any]], *, sep: str, encoding: str,
               trailing: bool = False) -> None:
    tail = sep if trailing else ""
    if encoding == "cp1252":  # Windows-1252 has no U+2212: its exports write a hyphen-minus
        rows = [[str(v).replace("\u2212", "-") for v in row] for row in rows]
    lines = [sep.join(headers) + tail] + [sep.join(str(v) for v in row) + tail for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def _excel_value(table: str, column: str, value: str) -> Any:
    """Excel cells hold dates as dates, numbers as numbers; codes and ids as text."""
    if value == "":
        return None
    if column in ("birth_date", "decided_on", "start_date", "end_date", "date"):
        return dt.datetime.fromisoformat(value)
    if column in ("minutes", "granted_hours_per_month", "daily_price", "amount", "count", "year", "age"):
        return float(value) if "." in value else int(value)
    if column == "personnummer":
        return f"{value[:8]}-{value[8:]}"
    return value


def _write_excel(path: Path, table: str) -> None:
    from openpyxl import Workbook

    columns, rows = CASE[table]
    book = Workbook()
    sheet = book.active
    sheet.title = "Blad1"
    sheet.append([SWEDISH_HEADERS[table][c] for c in columns])
    for row in rows:
        sheet.append([_excel_value(table, c, v) for c, v in zip(columns, row, strict=True)])
    book.save(path)


REGISTER_CODES = {"hemtjanst": "SOL_HT", "gruppbostad": "LSS_9_9_GB"}


def _write_register_decisions(path: Path) -> None:
    columns, rows = CASE["decisions"]
    out = []
    for row in rows:
        r = dict(zip(columns, row, strict=True))
        out.append(["0000", r["decision_id"], r["personnummer"], REGISTER_CODES[r["service_code"]],
                    r["decided_on"].replace("-", ""), r["start_date"].replace("-", ""),
                    r["end_date"].replace("-", ""), _swedish_number(r["granted_hours_per_month"]),
                    r["provider_id"], r["level"]])
    path.write_bytes(("\r\n".join(";".join(r) for r in out) + "\r\n").encode("cp1252"))


def write_shape(root: Path, shape: str, *, key: str = "kpbkit-test-key-0123456789abcdef") -> Path:
    """Write the case in ``shape`` under ``root`` (``input/``, ``client.yaml``, a key) and return the config."""
    folder = root / "input"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ledger_rules.csv").write_text(RULES, encoding="utf-8")
    input_section: dict[str, Any] = {"folder": "input", "shape": "canonical"}
    if shape == "canonical":
        for table, (columns, rows) in CASE.items():
            _write_csv(folder / f"{table}.csv", columns, rows, sep=",", encoding="utf-8")
    elif shape in ("swedish_utf8", "swedish_cp1252", "register"):
        encoding = "utf-8-sig" if shape == "swedish_utf8" else "cp1252"
        for table in CASE:
            if shape == "register" and table == "decisions":
                continue
            headers, rows = _swedish_rows(table)
            _write_csv(folder / f"{SWEDISH_FILES[table]}.csv", headers, rows, sep=";", encoding=encoding,
                       trailing=table == "ledger")
        input_section["shape"] = "swedish"
        if shape == "register":
            _write_register_decisions(folder / "register_beslut.txt")
            input_section["shape"] = "register"
    elif shape == "swedish_excel":
        for table in CASE:
            _write_excel(folder / f"{SWEDISH_FILES[table]}.xlsx", table)
        input_section["shape"] = "swedish"
    else:
        raise ValueError(f"unknown shape {shape}")
    (root / "kpbkit.key").write_text(key + "\n", encoding="utf-8")
    config = {
        "client": {"id": "formkommun", "name": "Formkommun", "kommunkod": "0000"},
        "period": {"year": 2025},
        "input": input_section,
        "pseudonymisation": {"key_file": "kpbkit.key"},
        "output": {"folder": "reports"},
    }
    path = root / "client.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
