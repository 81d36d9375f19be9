"""Every Swedish display string in one place: report text, table headers, chart titles, units.

Identifiers stay English (see docs/glossary.md); what a reader sees is Swedish and comes from here.
"""

from __future__ import annotations

AREAS = {
    "aldreomsorg": "Äldreomsorg",
    "lss": "LSS",
    "barn_unga": "Barn och unga",
}

SERVICES = {
    "hemtjanst": "Hemtjänst",
    "trygghetslarm": "Trygghetslarm",
    "dagverksamhet_aldre": "Dagverksamhet",
    "korttid_aldre": "Korttidsboende",
    "sarskilt_boende": "Särskilt boende",
    "pa_sfb": "Personlig assistans (SFB)",
    "pa_lss": "Personlig assistans (LSS)",
    "ledsagarservice": "Ledsagarservice",
    "avlosarservice": "Avlösarservice",
    "kontaktperson": "Kontaktperson",
    "korttidsvistelse": "Korttidsvistelse",
    "boende_barn_lss": "Boende för barn (LSS)",
    "gruppbostad": "Gruppbostad",
    "servicebostad": "Servicebostad",
    "daglig_verksamhet": "Daglig verksamhet",
    "familjehem": "Familjehem",
    "familjehem_konsulent": "Konsulentstött familjehem",
    "hvb": "HVB",
    "sis": "SiS",
    "stodboende": "Stödboende",
    "oppenvard_bou": "Öppenvård",
}

REGI = {"egen": "Egen regi", "extern": "Extern regi"}
SEX = {"K": "Kvinnor", "M": "Män"}
#: "inom <area>" for sentences about an area's costs
AREA_IN = {"aldreomsorg": "inom äldreomsorgen", "lss": "inom LSS", "barn_unga": "inom barn och unga"}
UNITS = {"hour": "timmar", "day": "dygn", "weekday": "vardagar", "month": "månader"}
UNIT_SINGULAR = {"hour": "timme", "day": "dygn", "weekday": "vardag", "month": "månad"}
SEVERITY = {"error": "Fel", "warning": "Varning", "info": "Information"}
UNKNOWN = "Okänd"
#: a count of persons in running text: "1 person", "12 personer"
PERSONS = {"one": "person", "many": "personer"}
#: the rows and columns of the cost-concentration table beside the sentence on the costliest brukare
CONCENTRATION = {"n10": "Brukare bland de dyraste 10 procenten", "top10": "De dyraste 10 procentens andel av kostnaden",
                 "n1": "Brukare bland den dyraste procenten", "top1": "Den dyraste procentens andel av kostnaden",
                 "median": "Kostnad per brukare, median"}
#: the two columns of a table of the figures a sentence states (views.common.figures_table), and its rows
FIGURES = {"measure": "Mått", "value": "Värde"}
FIGURE_ROWS = {
    "hours_mean": "Utförda timmar per beslutsmånad, medel", "hours_median": "Utförda timmar per beslutsmånad, median",
    "hours_above": "Andel brukare med mer än 80 timmar per månad",
    "decisions": "Beslut fattade under perioden", "days_median": "Dagar från beslut till första besök, median",
    "days_p90": "Dagar från beslut till första besök, 90:e percentilen",
    "ledger": "Hela huvudboken", "gap": "Största differens per rad",
    "continuity": "Olika personal per brukare och 14 dagar, {group}",
}
TOTAL = "Totalt"

KPIS = {
    "brukare": "Brukare",
    "gross_cost": "Bruttokostnad",
    "cost_per_brukare": "Kostnad per brukare",
    "top10_cost_share": "Andel av kostnaden, dyraste 10 %",
    "delivered_hours": "Utförda timmar",
    "granted_hours": "Beviljade timmar",
    "delivery_ratio": "Utförandegrad",
    "cost_per_hour": "Kostnad per utförd timme",
    "hours_per_inhabitant_80": "Utförda timmar per invånare 80+",
    "coverage_80": "Andel av invånare 80+ med hemtjänst",
    "share_under_65": "Andel brukare under 65 år",
    "pa_gross_cost_per_hour": "Personlig assistans, bruttokostnad per timme",
    "pa_net_cost_per_hour": "Personlig assistans, nettokostnad per timme",
    "gruppbostad_cost_per_day": "Gruppbostad, kostnad per dygn",
    "placed_children": "Placerade barn och unga",
    "care_days": "Vårddygn",
    "cost_per_care_day": "Kostnad per vårddygn",
    "placed_per_1000_0_20": "Placerade per 1\u00a0000 invånare 0–20 år",
}

COLUMNS = {
    "service": "Insats",
    "regi": "Regi",
    "provider": "Utförare",
    "brukare": "Brukare",
    "volume": "Volym",
    "unit": "Enhet",
    "gross_cost": "Bruttokostnad, kr",
    "direct_cost": "Direkt kostnad, kr",
    "overhead_cost": "Overhead, kr",
    "myndighet_cost": "Myndighetsutövning, kr",
    "net_cost": "Nettokostnad, kr",
    "reimbursement": "Statlig ersättning, kr",
    "fees": "Avgifter, kr",
    "cost_share": "Andel av kostnaden",
    "cost_per_brukare": "Kostnad per brukare, kr",
    "gross_pool": "Direkt kostnadspool, kr",
    "cost_per_unit": "Kostnad per enhet, kr",
    "cost_per_hour": "Kostnad per timme, kr",
    "hours": "Utförda timmar",
    "delivered_hours": "Utförda timmar",
    "granted_hours": "Beviljade timmar",
    "delivery_ratio": "Utförandegrad",
    "hours_per_brukare": "Timmar per brukare",
    "hours_per_brukare_month": "Timmar per brukare och månad",
    "age_band": "Åldersgrupp",
    "sex": "Kön",
    "person": "Brukare (pseudonym)",
    "person_id": "Brukare (pseudonym)",
    "services": "Insatser",
    "rank": "Rang",
    "key_figure": "Nyckeltal",
    "value": "Värde",
    "days": "Dygn",
    "cost_per_day": "Kostnad per dygn, kr",
    "unit_cost_basis": "Kostnad utan myndighetsutövning, kr",
    "target": "Kostnadsställe i modellen",
    "kind": "Typ",
    "ledger_amount": "Huvudbok, kr",
    "allocated_amount": "Fördelat, kr",
    "residual": "Ej fördelat, kr",
    "check": "Kontroll",
    "severity": "Allvarlighet",
    "table": "Tabell",
    "count": "Antal",
    "detail": "Beskrivning",
    "share_of_brukare": "Andel av brukarna",
    "cumulative_cost_share": "Andel av kostnaden",
    "days_to_first_visit": "Dagar från beslut till första besök",
    "decisions": "Beslut",
    "median": "Median",
    "mean": "Medel",
    "p90": "90:e percentilen",
    "staff_per_14_days": "Olika personal per 14 dagar",
    "group": "Grupp",
    "share": "Andel",
}

TABLES = {
    "persons": "Personer",
    "decisions": "Beslut",
    "visits": "Besök",
    "stays": "Vistelser",
    "providers": "Utförare",
    "ledger": "Huvudbok",
    "population": "Befolkning",
    "population_forecast": "Befolkningsprognos",
}

RULE_KINDS = {
    "cost": "Kostnad",
    "internal_revenue": "Intern intäkt",
    "fee": "Avgift",
    "state_reimbursement": "Statlig ersättning",
    "": "",
}

TARGET_FORMS = {
    "service": "Insats",
    "overhead": "Overhead",
    "myndighet": "Myndighetsutövning",
    "exclude": "Utanför KPB",
    "unmapped": "Ej kopplad till någon regel",
}

#: data_quality check id → what a client reads
CHECKS = {
    "visit_outside_period": "Besök utanför perioden (ignoreras)",
    "ledger_outside_period": "Huvudboksrader utanför perioden (ignoreras)",
    "minutes_not_positive": "Besök utan positiv tid (utelämnade)",
    "wrong_table_for_unit": "Rad i fel tabell för insatsens enhet (utelämnad)",
    "service_unknown": "Okänd insatskod (utelämnad)",
    "provider_unknown": "Okänd utförare (utelämnad)",
    "provider_missing": "Utförare saknas (räknas som egen regi)",
    "end_before_start": "Slutdatum före startdatum (utelämnad)",
    "daily_price_not_positive": "Dygnspris noll eller negativt (räknas som utan pris)",
    "daily_price_missing": "Vistelse utan dygnspris bland prissatta (vägs med snittpriset)",
    "overlapping_stays": "Överlappande vistelser (varje dygn räknas en gång)",
    "overlapping_decisions": "Överlappande beslut (varje dag räknas en gång)",
    "placement_without_decision": "Placering utan beslut om insatsen (räknas ändå)",
    "ledger_unmapped": "Huvudboksrader utan regel",
    "pool_without_volume": "Kostnad utan volym att fördela på",
    "volume_without_pool": "Volym utan kostnad i huvudboken",
    "person_not_in_persons": "Personer som saknas i personregistret",
    "birth_date_unknown": "Okänt födelsedatum",
    "sex_unknown": "Okänt kön",
    "duplicate_person_id": "Dubbletter i personregistret",
    "duplicate_provider_id": "Dubbletter i utförarregistret",
    "persons_contradict_personnummer": "Personuppgift motsäger personnumret",
    "personnummer_invalid_format": "Ogiltigt personnummer: fel format",
    "personnummer_invalid_date": "Ogiltigt personnummer: omöjligt datum",
    "personnummer_invalid_check_digit": "Ogiltigt personnummer: fel kontrollsiffra",
    "personnummer_invalid_missing": "Personnummer saknas",
    "samordningsnummer": "Samordningsnummer",
    "population_missing": "Befolkningsuppgifter saknas",
    "table_missing": "Tabell saknas",
    "unknown_columns": "Okända kolumner (ignoreras)",
    # the cleaning phases of issue 6 (case-system records, ledger, reconciliation against RS)
    "personnummer_missing": "Personnummer saknas",
    "duplicate_visits": "Dubbletter bland besöken",
    "duplicate_decision_id": "Dubbletter av beslutsid",
    "duplicate_stay_id": "Dubbletter av vistelseid",
    "visit_without_decision": "Besök utan gällande beslut",
    "decision_without_delivery": "Beslut utan leverans under perioden",
    "minutes_implausible": "Orimligt lång besökstid",
    "stay_outside_period": "Vistelser helt utanför perioden",
    "decision_outside_period": "Beslut helt utanför perioden",
    "control_total_mismatch": "Huvudboken stämmer inte med kontrollsumman (RS)",
    "control_total_match": "Huvudboken stämmer med kontrollsumman (RS)",
    # plausibility (issue 12): values a reader would question
    "population_count_negative": "Negativt antal invånare i befolkningen",
    "population_age_implausible": "Ålder över 110 år i befolkningen",
    "person_age_implausible": "Personer äldre än 110 år",
    "granted_hours_implausible": "Fler beviljade timmar än en månad har",
    "ledger_amount_implausible": "Huvudboksrad på en miljard kronor eller mer",
    "person_id_personnummer": "Person-id som är personnummer (pseudonymiseras som personnummer)",
}


def service(code: str) -> str:
    """Display name of a service code (the code itself for a client's own services)."""
    return SERVICES.get(code, code)


def check(check_id: str) -> str:
    return CHECKS.get(check_id, check_id)

# --- report sentences (filled with formatted numbers by kpbkit.views) -------------------------------
SENTENCES = {
    "summary_hemtjanst": (
        "Under {period} fick {brukare} personer hemtjänst i {client}. De fick {hours} utförda timmar av "
        "{granted} beviljade, en utförandegrad på {ratio}. En utförd timme kostade i genomsnitt {cost_per_hour} "
        "inklusive overhead ({egen} i egen regi och {extern} hos externa utförare)."
    ),
    "summary_coverage": (
        "{coverage} av kommunens invånare som fyllt 80 år hade hemtjänst, och de fick {hours_80} timmar per "
        "invånare 80+. {under_65} av brukarna var yngre än 65 år."
    ),
    "concentration": (
        "De dyraste 10 procenten av brukarna ({n10}) bar {top10} av kostnaden {area_in} och den "
        "dyraste procenten ({n1}) {top1}."
    ),
    "hours_distribution": (
        "En brukare fick i genomsnitt {mean} utförda timmar per beslutsmånad (median {median}); {above} fick mer "
        "än 80 timmar per månad."
    ),
    "days_to_first_visit": (
        "För {n} beslut fattade under perioden gick det i median {median} dagar från beslut till första besök "
        "(90 procent inom {p90} dagar)."
    ),
    "no_decisions_in_period": "Inga hemtjänstbeslut fattades under perioden.",
    "continuity": (
        "En brukare mötte i genomsnitt {total} olika personal under en 14-dagarsperiod ({egen} i egen regi, "
        "{extern} hos externa utförare)."
    ),
    "no_staff_ids": "Besöken saknar personal-id, så personalkontinuiteten kan inte mätas.",
    "reconciliation_ok": (
        "Huvudbokens {ledger} är fördelade till brukare eller redovisade som ej fördelade; differensen är "
        "{gap}, inom toleransen 0,01 kr per rad."
    ),
    "reconciliation_area": (
        "Områdets {area_ledger} i huvudboken (tabellens summa) är fördelade till brukare eller redovisade som ej "
        "fördelade. Hela huvudboken, {ledger}, stäms av på samma sätt i varje körning; det som inte syns här hör "
        "till andra områden eller är undantaget av fördelningsreglerna. Största differensen är {gap}, inom "
        "toleransen 0,01 kr per rad."
    ),
    "no_findings": "Inga avvikelser hittades i underlaget.",
    # publication mode (kpbkit.privacy)
    "publication_omitted": (
        "{what} redovisas inte i den här versionen av rapporten: den är avsedd för publicering, och uppgifter "
        "om enskilda personer och om grupper med färre än {threshold} personer visas inte."
    ),
    "publication_cases": "Listan över enskilda ärenden",
    "publication_fewer": "färre än {threshold}",
    "publication_hidden": "(redovisas inte)",
    "publication_top_cases": "Listan över de dyraste ärendena",
}

CHARTS = {
    "cost_per_hour_regi": "Kostnad per utförd timme, egen regi och extern",
    "cost_per_hour_regi_alt": "Stapeldiagram: kostnad per utförd timme i egen regi {egen} och extern regi {extern}.",
    "lorenz": "Kostnadens fördelning över brukarna",
    "lorenz_alt": "Lorenzkurva: de dyraste 10 procenten av brukarna bär {top10} av kostnaden.",
    "hours_hist": "Utförda timmar per brukare och beslutsmånad",
    "hours_hist_alt": "Histogram över timmar per brukare och månad; median {median} timmar.",
    "age_sex": "Brukare per åldersgrupp och kön",
    "age_sex_alt": "Stapeldiagram: antal brukare {scope} per åldersgrupp, kvinnor och män.",
    "volume_age_sex": "{Unit} per brukare, per åldersgrupp och kön",
    "volume_age_sex_alt": "Stapeldiagram: {unit} per brukare {scope} per åldersgrupp, kvinnor och män.",
    "days_hist": "Dagar från beslut till första besök",
    "days_hist_alt": "Histogram över dagar från beslut till första besök; median {median} dagar.",
    "providers": "Utförda timmar per utförare",
    "providers_alt": "Stapeldiagram: utförda hemtjänsttimmar per utförare, egen regi och externa.",
    "service_cost": "Bruttokostnad per insats",
    "service_cost_alt": "Stapeldiagram: bruttokostnad per insats {area_in}; störst är {largest}.",
    "cost_per_brukare_hist": "Kostnad per brukare",
    "cost_per_brukare_hist_alt": "Histogram över kostnad per brukare {area_in}; median {median}.",
}

#: the axes and legends the chart helpers (:mod:`kpbkit.charts`) write themselves
CHART_AXES = {
    "persons": "Antal brukare",
    "lorenz_equal": "Lika fördelning",
    "lorenz_actual": "Faktisk fördelning",
    "lorenz_x": "Andel av brukarna (billigast först)",
    "lorenz_y": "Andel av kostnaden",
}

#: the line on every page (and in the workbooks) of internal output: never to leave the consultancy
INTERNAL_BANNER = "Arbetsmaterial – innehåller uppgifter på individnivå"
#: the line under every chart of a report: its source and period
CHART_SOURCE = ("Källa: {client} individdata och huvudbok, {period}; referensvärden och jämförelsekommuner enligt "
                "tabellerna. Bearbetning: KPB-analys.")
#: the caption over the second and later parts of a table too wide for the page, split by columns
TABLE_CONTINUED = "Tabellen fortsätter (del {part} av {parts})"
