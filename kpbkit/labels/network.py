"""Swedish display text of the KPB network's tables (``kpbkit network``)."""

from __future__ import annotations

SHEETS = {"distribution": "Fördelning", "positions": "Placering"}

HEADERS = {
    "area": "Verksamhet",
    "kpi": "Nyckeltal",
    "unit": "Enhet",
    "n": "Antal kommuner",
    "min": "Lägst",
    "q1": "Nedre kvartil",
    "median": "Median",
    "q3": "Övre kvartil",
    "max": "Högst",
    "municipality": "Kommun",
    "value": "Värde",
    "rank": "Placering (1 = lägst)",
    "index": "Index (median = 100)",
}

TITLE = "KPB-nätverket: {n} kommuner"
