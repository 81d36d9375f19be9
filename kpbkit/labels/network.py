"""Swedish display text of the KPB network's tables (``kpbkit network``)."""

from __future__ import annotations

#: the distribution's and a municipality's columns, alike in the workbook and the report
_DISTRIBUTION = {
    "min": "Lägst",
    "q1": "Nedre kvartil",
    "median": "Median",
    "q3": "Övre kvartil",
    "max": "Högst",
    "municipality": "Kommun",
    "value": "Värde",
}

SHEETS = {"distribution": "Fördelning", "positions": "Placering", "structure": "Struktur"}

HEADERS = {
    "area": "Verksamhet",
    "kpi": "Nyckeltal",
    "unit": "Enhet",
    "n": "Antal kommuner",
    **_DISTRIBUTION,
    "rank": "Placering (1 = lägst)",
    "index": "Index (median = 100)",
    "kronor": "Mot medianen, kr per år",
}

TITLE = "KPB-nätverket: {n} kommuner"

#: the HTML page's title (and the PDF's)
REPORT_TITLE = "KPB-nätverket"
TITLE_HEADING = "KPB-nätverket: {n} kommuner"
SUBTITLE_YEARS = "år {years}"
SUBTITLE_MODE = {True: "Publiceringsläge: grupper med färre än {threshold} personer är utelämnade",
                 False: "Arbetsmaterial: även små grupper ingår"}

CHART_SOURCE = "Källa: kpbkit-körningar för {n} kommuner i KPB-nätverket, {years}"

#: the areas' headings, and the structure's
AREA_HEADINGS = {"aldreomsorg": "Äldreomsorg", "lss": "LSS", "barn_unga": "Barn och unga",
                 "structure": "Strukturen bakom kostnadsskillnaderna"}

#: an area's name in its chart's title where the heading is too long
CHART_AREAS = {"structure": "Strukturmåtten"}

#: the structure measures (kpbkit.analyses.network.structure)
STRUCTURE = {
    "inhabitants": "Invånare",
    "share_80": "Andel invånare 80 år och äldre",
    "share_0_20": "Andel invånare 0–20 år",
    "coverage_80": "Andel av invånare 80+ med hemtjänst",
    "extern_share_hemtjanst": "Extern regis andel av hemtjänstens timmar",
    "extern_share_sabo": "Extern regis andel av dygnen i särskilt boende",
    "extern_share_gruppbostad": "Extern regis andel av dygnen i gruppbostad",
    "extern_share_placements": "Köpta placeringars andel av vårddygnen",
}

#: the structure's two tables: age mix and coverage, then regi
STRUCTURE_TABLES = (("inhabitants", "share_80", "share_0_20", "coverage_80"),
                    ("extern_share_hemtjanst", "extern_share_sabo", "extern_share_gruppbostad",
                     "extern_share_placements"))

#: the highest and the lowest municipality on a KPI (page 1's table)
SIDES = {"high": "Högst", "low": "Lägst"}

#: column headers of the report's tables
COLUMNS = {
    "kpi": "Nyckeltal",
    "area": "Verksamhet",
    "municipalities": "Kommuner",
    **_DISTRIBUTION,
    "place": "Placering",
    "index": "Index",
    "kronor": "Mot medianen, kr/år",
    "kronor_abs": "Skillnad mot medianen, kr per år",
    "side": "Läge",
    "high": "Högst",
    "high_value": "Högsta värdet",
    "high_kronor": "Över medianen, kr per år",
    "low": "Lägst",
    "low_value": "Lägsta värdet",
    "low_kronor": "Under medianen, kr per år",
    "network_cost": "Kostnad i nätverket, kr",
}

#: "3 av 12": a municipality's rank among the network's municipalities with the figure
PLACE = "{rank} av {n}"

SENTENCES = {
    "intro": ("Rapporten jämför {n} kommuner i KPB-nätverket, {years}, nyckeltal för nyckeltal: medianen och "
              "kvartilerna över kommunerna, varje kommuns placering (1 = lägst värde) och index mot medianen "
              "(medianen = 100). Kostnaderna är KPB-kostnader: direkt kostnad och overhead per enhet."),
    "publication": ("Ett nyckeltal som vilar på färre än {threshold} personer i en kommun är utelämnat för den "
                    "kommunen: det visas inte och räknas inte in i medianen eller kvartilerna."),
    "internal": "Arbetsmaterial: även nyckeltal som vilar på få personer ingår.",
    "costliest_intro": ("De kostnadsslag som bär mest kostnad i nätverket är {kpis}. Där skiljer sig kommunerna "
                        "så här:"),
    "costliest": ("{kpi}: medianen är {median} ({n} kommuner). Högst ligger {high} med {high_value}, vilket med "
                  "kommunens volym är {high_kronor} mer per år än till medianens nivå; lägst ligger {low} med "
                  "{low_value}, {low_kronor} mindre per år."),
    "costliest_none": "Inget kostnadsslag finns hos minst två kommuner, så ingen skillnad i kronor kan räknas.",
    "kronor_note": ("Kronor per år mot medianen är skillnaden i kostnad per enhet gånger kommunens egen volym "
                    "(timmar eller dygn): vad enheten hade kostat om den legat på medianen. Ett spann, inte ett "
                    "sparbeting: skillnaderna kan ha förklaringar i strukturen nedan."),
    "area_intro": "{area}: {kpis} nyckeltal jämförda; fördelningen över kommunerna och varje kommuns placering.",
    "no_figures": "Inga jämförbara nyckeltal för {area} i nätverket.",
    "structure_intro": ("Åldersstrukturen, hur stor del av volymen som köps av externa utförare och hur många "
                        "av de äldre som har hemtjänst förklarar en del av skillnaderna i kostnad."),
    "profile_intro": ("Kommunens placering på varje nyckeltal bland nätverkets kommuner (1 = lägst värde), index "
                      "mot nätverkets median och, för kostnaden per enhet, vad skillnaden mot medianen är värd "
                      "per år med kommunens volym."),
    "profile_high": "Högst index: {items}.",
    "profile_low": "Lägst index: {items}.",
    "profile_item": "{kpi} ({index})",
}

CHARTS = {
    "area_index": "{area}: index mot medianen",
    "area_index_alt": ("Punktdiagram: {area}, {kpis} nyckeltal. Varje punkt är en kommuns index mot nätverkets "
                       "median; det skuggade fältet är kvartilerna, den lodräta linjen medianen."),
    "quartiles": "Kvartilavstånd",
    "median": "Median",
    "municipality": "Kommun",
    "xlabel": "Index (median = 100)",
}

PROFILE_HEADING = "Kommunprofil: {name}"
CONCLUSIONS = "Sammanfattning och slutsatser"

#: the source and note of the network's medians as reference values (natverk_referenser.csv)
REFERENCE_SOURCE = "KPB-nätverket ({n} kommuner)"
REFERENCE_NOTE = "Medianen över nätverkets kommuner; lägsta och högsta värde är nedre och övre kvartilen"
