"""Swedish text of the run's Excel workbook (``kpb_<client>_<period>.xlsx``): sheet names, headers, definitions.

Headers reuse the shared column labels (:data:`kpbkit.labels.common.COLUMNS`) and those of the six-month report
and the forecast; only what none of them names is written here.
"""

from __future__ import annotations

from kpbkit.labels import common
from kpbkit.labels import lss as lss_labels
from kpbkit.labels import prognos as prognos_labels

#: results table → sheet name (at most 31 characters, Excel's limit)
SHEETS = {
    "summary": "Sammanfattning",
    "person_costs": "Kostnad per brukare",
    "unit_costs": "Kostnad per enhet",
    "reconciliation": "Avstämning",
    "kpis": "Nyckeltal",
    "data_quality": "Datakvalitet",
    "pa_six_month": "Personlig assistans",
    "service_costs": "Kostnad per insats",  # publication mode: person_costs summed
    "pa_six_month_published": "Personlig assistans",  # publication mode: pa_six_month summed over the cases
    "prognos_rates": "Prognos, konsumtionstal",
    "prognos": "Prognos",
    "prognos_budget": "Prognos mot budgetram",
    "definitions": "Definitioner",
}

#: headers no other labels module has
EXTRA_COLUMNS = {
    "area": "Område",
    "service_code": "Insats",
    "kpi": "Nyckeltal",
    "kpi_code": "Kod",
    "example": "Exempel",
    "base_year": "Basår",
    "brukare_rate": "Brukare per invånare",
    "volume_rate": "Volym per invånare",
    "population_source": "Befolkningskälla",
}

#: the published six-month table's counts (publication mode)
PA_PUBLISHED_COLUMNS = {
    **lss_labels.SIX_MONTH_COLUMNS,
    "cases": "Ärenden",
    "cases_shortfall": "Ärenden med utfört klart under beviljat",
    "cases_above_granted": "Ärenden med utfört över beviljat",
    "cases_raised_rate": "Ärenden som är kandidater för förhöjt timbelopp",
}

_COMMON = {**common.COLUMNS, **EXTRA_COLUMNS}
_PROGNOS = {**_COMMON, **prognos_labels.COLUMNS, **EXTRA_COLUMNS}

#: results table → column → header
HEADERS: dict[str, dict[str, str]] = {
    "person_costs": _COMMON,
    "unit_costs": _COMMON,
    "reconciliation": _COMMON,
    "kpis": _COMMON,
    "data_quality": _COMMON,
    "pa_six_month": lss_labels.SIX_MONTH_COLUMNS,
    "service_costs": _COMMON,
    "pa_six_month_published": PA_PUBLISHED_COLUMNS,
    "prognos_rates": _PROGNOS,
    "prognos": _PROGNOS,
    "prognos_budget": _PROGNOS,
}

#: kpis.csv's ``unit`` as a reader says it
KPI_UNITS = {
    "persons": "personer",
    "SEK": "kr",
    "SEK/person": "kr per brukare",
    "SEK/hour": "kr per timme",
    "SEK/day": "kr per dygn",
    "hours": "timmar",
    "days": "dygn",
    "share": "andel",
    "per_1000": "per 1\u00a0000 invånare",
}

#: the six-month workbook's (results/pa_six_month.xlsx) first line on its about sheet in publication mode
PA_PUBLICATION_NOTE = (
    "Publiceringsläge: filen har bara summor över ärendena per insats och månad, avräkningsperiod och år, inga rader "
    "per ärende. Färre ärenden än {threshold} visas som <{threshold}, liksom radens timmar och belopp."
)

#: the summary sheet
SUMMARY = {
    "title": "KPB – kostnad per brukare: {client}, {period}",
    "client": "Kommun",
    "client_id": "Kund-id",
    "period": "Period",
    "period_range": "{start} – {end}",
    "created": "Skapad av",
    "created_value": "kpbkit {version}",
    "privacy": "Brukarna är pseudonymiserade; arbetsboken innehåller inga personnummer.",
    "publication": (
        "Publiceringsläge: arbetsboken har bara summor, inga rader per brukare eller ärende. Antal personer under "
        "{threshold} visas som <{threshold}, liksom gruppens övriga värden och de delar som annars skulle avslöja dem."
    ),
    "key_figures": "Nyckeltal (hela kommunen, gruppen Totalt; övriga grupper på bladet Nyckeltal)",
    "area": "Område",
    "kpi": "Nyckeltal",
    "value": "Värde",
    "unit": "Enhet",
    "reconciliation": "Avstämning mot huvudboken",
    "ledger_amount": "Huvudbok, kr",
    "allocated_amount": "Fördelat till brukare, kr",
    "residual": "Ej fördelat, kr",
    "data_quality": "Datakvalitet",
    "severity": "Allvarlighet",
    "findings": "Avvikelser",
    "rows": "Berörda rader",
}

_KR = "belopp i kronor, ej avrundat i filen"

#: the definitions sheet: its header, and per sheet a description and one per column (from DATA-CONTRACT.md)
DEFINITION_HEADERS = ("Blad", "Kolumn", "I resultatfilen", "Beskrivning")
SHEET_ROW = "(bladet)"
#: the cost columns person_costs and its published sum share
_COST_COLUMNS = {
    "direct_cost": "Insatsens direkta kostnadspool fördelad efter volym; " + _KR + ".",
    "overhead_cost": "Fördelad overhead (gemensamma kostnader) för området.",
    "myndighet_cost": "Fördelad kostnad för myndighetsutövning (biståndshandläggning).",
    "gross_cost": "Bruttokostnad = direkt kostnad + overhead + myndighetsutövning.",
    "reimbursement": "Statlig ersättning (t.ex. assistansersättning), negativt belopp.",
    "net_cost": "Nettokostnad = bruttokostnad + statlig ersättning.",
    "fees": "Brukaravgifter, negativt belopp; redovisas bredvid, aldrig i brutto- eller nettokostnaden.",
}

DEFINITIONS: dict[str, tuple[str, dict[str, str]]] = {
    "summary": (
        "Kommun, period, nyckeltalen per område (gruppen Totalt), avstämningens summor och antalet "
        "datakvalitetsavvikelser per allvarlighet.",
        {},
    ),
    "person_costs": (
        "En rad per brukare, insats och regi med volym under perioden. Kostnaderna i kronor, oavrundade; "
        "statlig ersättning och avgifter är negativa belopp (intäkter).",
        {
            "person_id": "Pseudonym för brukaren (nyckelad hash); aldrig personnummer.",
            "area": "Verksamhetsområde: äldreomsorg, LSS eller barn och unga.",
            "service_code": "Insatsen enligt insatskatalogen.",
            "regi": "Egen eller extern regi (utföraren).",
            "unit": "Volymens enhet: timmar, dygn, vardagar eller månader.",
            "volume": "Brukarens volym under perioden i insatsens enhet.",
            **_COST_COLUMNS,
        },
    ),
    "unit_costs": (
        "En rad per insats och regi med kostnadspool eller volym.",
        {
            "service_code": "Insatsen enligt insatskatalogen.",
            "regi": "Egen eller extern regi.",
            "unit": "Volymens enhet.",
            "brukare": "Brukare med insatsen i regin (publiceringsläge: färre än gränsen visas som <gränsen).",
            "gross_pool": "Direkt kostnadspool = kostnad + interna intäkter.",
            "volume": "Total volym för insatsen och regin.",
            "cost_per_unit": "Direkt kostnadspool ÷ volym; tom när volymen är 0.",
        },
    ),
    "reconciliation": (
        "En rad per mål och typ i huvudboksreglerna: huvudbok = fördelat + ej fördelat, på öret. Raden "
        "unmapped samlar huvudboksrader som ingen regel matchade; exclude-rader ligger utanför KPB.",
        {
            "target": "Målet i reglerna: service:<insats>:<regi>, overhead:<område>, myndighet:<område>, "
                      "exclude eller unmapped.",
            "kind": "Typ av belopp: kostnad, intern intäkt, avgift eller statlig ersättning.",
            "ledger_amount": "Summa i huvudboken, med tecken som exporterat (debet +, kredit −).",
            "allocated_amount": "Det som fördelats till brukare.",
            "residual": "Det som inte fördelats (huvudbok − fördelat).",
        },
    ),
    "kpis": (
        "Nyckeltalen i lång form: en rad per område, nyckeltal och grupp. Andelar visas i procent; värdet är "
        "tomt när nämnaren är noll.",
        {
            "area": "Verksamhetsområde.",
            "kpi": "Nyckeltalets namn.",
            "kpi_code": "Nyckeltalets kod i kpis.csv.",
            "group": "Totalt, en åldersgrupp, kön, regi eller en insats.",
            "value": "Nyckeltalets värde i enheten bredvid.",
            "unit": "Enhet: personer, kr, kr per brukare/timme/dygn, timmar, dygn, andel eller per 1 000 invånare.",
        },
    ),
    "data_quality": (
        "Avvikelser i underlaget: utelämnade rader, dubbletter, okända koder, huvudboksrader utan regel, "
        "kontrollsummor m.m. Exemplet anger en rad i filen, aldrig en identitet.",
        {
            "check": "Kontrollen som slog till.",
            "severity": "Fel, varning eller information.",
            "table": "Tabellen kontrollen gäller.",
            "count": "Antal berörda rader.",
            "detail": "Vad som hänt med raderna.",
            "example": "En rad i kommunens fil som exempel.",
        },
    ),
    "pa_six_month": (
        "Sexmånadersrapport för personlig assistans: en rad per ärende (brukare och insats) och månad, "
        "avräkningsperiod och kalenderår.",
        {
            "person_id": "Pseudonym för brukaren.",
            "service_code": "Personlig assistans enligt SFB eller LSS.",
            "row_type": "Månad, avräkningsperiod eller år.",
            "period": "Periodens namn.",
            "period_start": "Periodens första dag.",
            "period_end": "Periodens sista dag.",
            "settlement_period": "Avräkningsperioden (kalenderhalvår) raden hör till.",
            "current_settlement_period": "Ja för den aktuella avräkningsperioden.",
            "days": "Dagar med gällande beslut.",
            "granted_hours": "Beviljade timmar, beslutens timmar per månad gånger beslutets andel av månaden.",
            "delivered_hours": "Utförda timmar som räknas i KPB.",
            "delivery_ratio": "Utförda ÷ beviljade timmar.",
            "municipal_share_hours": "Kommunens andel: de första 20 timmarna per vecka.",
            "reimbursed_hours": "Ersättningsgrundande timmar: utförda, högst beviljade, minus kommunens andel.",
            "fk_rate": "Försäkringskassans timbelopp för året.",
            "reimbursement": "Assistansersättning = ersättningsgrundande timmar × timbeloppet, negativt belopp.",
            "municipal_share": "Kommunens andel i kronor.",
            "cost": "Utförda timmar × KPB-kostnaden per timme (direkt kostnad + overhead).",
            "net_cost": "Kostnad + assistansersättning.",
            "cost_per_hour": "Kostnad ÷ utförda timmar.",
            "net_cost_per_hour": "Nettokostnad ÷ utförda timmar.",
            "flag_shortfall": "Utfört klart under beviljat.",
            "flag_above_granted": "Utfört över beviljat.",
            "flag_raised_rate": "Kostnad per timme klart över timbeloppet: kandidat för förhöjt timbelopp.",
        },
    ),
    "service_costs": (
        "Publiceringsläge: kostnaden per brukare summerad per område, insats och regi med antalet brukare. Färre "
        "brukare än gränsen visas som <gränsen, liksom gruppens volym och kostnader.",
        {
            "area": "Verksamhetsområde: äldreomsorg, LSS eller barn och unga.",
            "service_code": "Insatsen enligt insatskatalogen.",
            "regi": "Egen eller extern regi (utföraren).",
            "unit": "Volymens enhet: timmar, dygn, vardagar eller månader.",
            "brukare": "Antal brukare med insatsen i regin under perioden.",
            "volume": "Brukarnas volym under perioden i insatsens enhet.",
            **_COST_COLUMNS,
        },
    ),
    "pa_six_month_published": (
        "Publiceringsläge: sexmånadersrapporten för personlig assistans summerad över ärendena per insats och "
        "månad, avräkningsperiod och kalenderår. Färre ärenden än gränsen visas som <gränsen, liksom radens timmar "
        "och belopp.",
        {
            "service_code": "Personlig assistans enligt SFB eller LSS.",
            "row_type": "Månad, avräkningsperiod eller år.",
            "period": "Periodens namn.",
            "period_start": "Periodens första dag.",
            "period_end": "Periodens sista dag.",
            "settlement_period": "Avräkningsperioden (kalenderhalvår) raden hör till.",
            "current_settlement_period": "Ja för den aktuella avräkningsperioden.",
            "cases": "Antal ärenden (brukare och insats) med beslut eller utförd tid under perioden.",
            "granted_hours": "Beviljade timmar, summa över ärendena.",
            "delivered_hours": "Utförda timmar som räknas i KPB, summa över ärendena.",
            "delivery_ratio": "Utförda ÷ beviljade timmar.",
            "municipal_share_hours": "Kommunens andel: de första 20 timmarna per vecka, summa över ärendena.",
            "reimbursed_hours": "Ersättningsgrundande timmar, summa över ärendena.",
            "fk_rate": "Försäkringskassans timbelopp för året.",
            "reimbursement": "Assistansersättning, negativt belopp.",
            "municipal_share": "Kommunens andel i kronor.",
            "cost": "Utförda timmar × KPB-kostnaden per timme (direkt kostnad + overhead).",
            "net_cost": "Kostnad + assistansersättning.",
            "cost_per_hour": "Kostnad ÷ utförda timmar.",
            "net_cost_per_hour": "Nettokostnad ÷ utförda timmar.",
            "cases_shortfall": "Ärenden med utfört klart under beviljat.",
            "cases_above_granted": "Ärenden med utfört över beviljat.",
            "cases_raised_rate": "Ärenden med kostnad per timme klart över timbeloppet.",
        },
    ),
    "prognos_rates": (
        "Prognosens konsumtionstal i basåret per insats, åldersgrupp och kön.",
        {
            "base_year": "Basåret (periodens år).",
            "service_code": "Insatsen.",
            "unit": "Volymens enhet.",
            "age_group": "Åldersgrupp.",
            "sex": "Kön.",
            "population": "Invånare i gruppen.",
            "brukare": "Brukare i gruppen.",
            "volume": "Gruppens volym.",
            "brukare_rate": "Brukare per invånare.",
            "volume_rate": "Volym per invånare.",
            "unit_cost": "Kostnad per enhet: (direkt kostnad + overhead) ÷ volym.",
        },
    ),
    "prognos": (
        "Prognosen per år (basår till prognosens sista år), scenario, insats, åldersgrupp och kön, i basårets "
        "priser; tomt där ett år saknar befolkning.",
        {
            "year": "År.",
            "scenario": "Scenario.",
            "service_code": "Insatsen.",
            "age_group": "Åldersgrupp.",
            "sex": "Kön.",
            "population": "Invånare enligt befolkning eller befolkningsprognos.",
            "brukare": "Beräknade brukare.",
            "volume": "Beräknad volym.",
            "unit": "Volymens enhet.",
            "unit_cost": "Kostnad per enhet i basåret.",
            "cost": "Beräknad kostnad i basårets priser.",
            "population_source": "Filen befolkningen kommer från.",
        },
    ),
    "prognos_budget": (
        "Prognosens kostnad mot budgetramen per år och scenario.",
        {
            "year": "År.",
            "scenario": "Scenario.",
            "cost": "Prognostiserad kostnad.",
            "budget": "Budgetram enligt konfigurationen.",
            "gap": "Gap = kostnad − budgetram.",
            "gap_share": "Gap ÷ budgetram.",
        },
    ),
    "definitions": ("Den här beskrivningen av bladen och kolumnerna.", {}),
}

#: a kpis group as a reader says it (age bands and a client's own codes pass through)
GROUPS = {"total": common.TOTAL, **common.SEX, **common.REGI, **common.SERVICES}
