"""Swedish display text of the LSS genomlysning and the personal-assistance six-month report."""

from __future__ import annotations

TITLE = "Genomlysning av LSS"
SUBTITLE = "LSS-insatser och personlig assistans enligt SFB"

YES = "Ja"
NO = "Nej"

#: six-month report (results/pa_six_month.csv and .xlsx, and the report's tables): column → header
SIX_MONTH_COLUMNS = {
    "person_id": "Brukare (pseudonym)",
    "service_code": "Insats",
    "row_type": "Radtyp",
    "period": "Period",
    "period_start": "Från",
    "period_end": "Till",
    "settlement_period": "Avräkningsperiod",
    "current_settlement_period": "Aktuell avräkningsperiod",
    "days": "Dagar med beslut",
    "granted_hours": "Beviljade timmar",
    "delivered_hours": "Utförda timmar",
    "delivery_ratio": "Utförandegrad",
    "municipal_share_hours": "Kommunens andel, timmar (första 20 tim/vecka)",
    "reimbursed_hours": "Ersättningsgrundande timmar",
    "fk_rate": "FK:s timbelopp, kr",
    "reimbursement": "Assistansersättning, kr",
    "municipal_share": "Kommunens andel, kr",
    "cost": "Kostnad, kr",
    "net_cost": "Nettokostnad, kr",
    "cost_per_hour": "Kostnad per timme, kr",
    "net_cost_per_hour": "Nettokostnad per timme, kr",
    "flag_shortfall": "Utfört klart under beviljat",
    "flag_above_granted": "Utfört över beviljat",
    "flag_raised_rate": "Kandidat för förhöjt timbelopp",
}

ROW_TYPES = {"month": "Månad", "settlement_period": "Avräkningsperiod", "year": "År"}

#: short flag names for the report's tables
FLAGS = {
    "flag_shortfall": "Under beviljat",
    "flag_above_granted": "Över beviljat",
    "flag_raised_rate": "Förhöjt timbelopp?",
}

#: the Excel workbook's sheets
SHEETS = {
    "month": "Per månad",
    "settlement_period": "Per avräkningsperiod",
    "year": "Per år",
    "about": "Om tabellen",
}

#: the Excel workbook's "about" sheet: one paragraph per row (filled with the run's values)
EXCEL_ABOUT = (
    "Sexmånadersrapport för personlig assistans – {client}, {period}",
    "En rad per ärende (brukare och insats) och månad, avräkningsperiod och kalenderår. Brukarna är "
    "pseudonymiserade; inga personnummer finns i filen.",
    "Avräkningsperioder: kalenderhalvår (januari–juni, juli–december). Aktuell avräkningsperiod: {current}.",
    "Beviljade timmar: beslutens beviljade timmar per månad gånger beslutets andel av månaden; överlappande beslut "
    "läggs ihop. Utförda timmar: registrerad utförd tid som räknas i KPB.",
    "Kommunens andel (första 20 timmarna per vecka) per ärende och avräkningsperiod: det minsta av beviljade timmar "
    "och 20 × dagar med beslut ÷ 7.",
    "Ersättningsgrundande timmar per ärende och avräkningsperiod: utförda timmar, högst de beviljade, minus kommunens "
    "andel, dock minst 0. Assistansersättning = ersättningsgrundande timmar × FK:s timbelopp för året, redovisad som "
    "negativt belopp (intäkt), som i KPB:s resultatfiler.",
    "En månads andel och ersättning är det månaden tillför avräkningsperioden hittills, så att månaderna summerar "
    "till perioden; en månad med låg utförd tid kan därför få negativ ersättning (återbetalning).",
    "Kostnad: utförda timmar × KPB-kostnaden per timme (direkt kostnad + overhead) för insatsen och regin. "
    "Nettokostnad = kostnad + assistansersättning. Personlig assistans enligt LSS betalas helt av kommunen och ger "
    "ingen assistansersättning.",
    "Flaggor: utfört klart under beviljat (under {threshold} av beviljade timmar); kostnad per timme mer än "
    "{margin} över FK:s timbelopp (kandidat för ansökan om förhöjt timbelopp); utfört över beviljat.",
    "FK:s timbelopp enligt konfigurationen (lss.fk_hourly_rates): {rates}.",
)

COLUMNS = {
    "cases": "Ärenden",
    "hours": "Utförda timmar",
    "cost": "Kostnad inkl. overhead, kr",
    "gross_per_hour": "Bruttokostnad per timme, kr",
    "net_per_hour": "Nettokostnad per timme, kr",
    "reimbursement_booked": "Statlig ersättning enligt huvudboken, kr",
    "unit": "Enhet",
    "days": "Dygn",
    "cost_per_day": "Kostnad per dygn, kr",
    "mean_price": "Snittpris per dygn, kr",
    "level": "Nivå",
    "stays": "Vistelser",
    "mean_years": "Medellängd, år",
    "median_years": "Medianlängd, år",
    "ended": "Avslutade under perioden",
    "volume": "Volym",
    "volume_per_brukare": "Volym per brukare",
    "scope": "Period",
    "flag": "Flagga",
    "current": "Aktuell avräkningsperiod",
    "year": "Året",
    "flags": "Flaggor",
    "check": "Kontroll",
    "count": "Antal",
    "year_label": "År",
    "rate": "FK:s timbelopp, kr per timme",
}

#: LSS-specific data-quality checks (kpbkit.analyses.lss.lss_checks)
CHECKS = {
    "pa_hours_without_decision": "Ärenden med assistanstimmar men utan beslut under perioden",
    "pa_decision_without_hours": "Beslut om personlig assistans utan utförda timmar",
    "pa_sfb_without_granted_hours": "Beslut om assistans enligt SFB utan beviljade timmar",
    "stay_without_decision": "Vistelser i boende, korttidsvistelse eller daglig verksamhet utan beslut",
    "decision_without_level": "Beslut utan nivå där insatsens övriga beslut har nivå",
}

SENTENCES = {
    "summary": (
        "Under {period} fick {brukare} personer insatser enligt LSS eller personlig assistans enligt SFB i {client}. "
        "Bruttokostnaden var {gross}, i genomsnitt {cost_per_brukare} per brukare, och de dyraste 10 procenten av "
        "brukarna bar {top10} av kostnaden."
    ),
    "summary_pa": (
        "Personlig assistans enligt SFB ({pa_brukare} brukare) kostade {pa_gross} per utförd timme inklusive "
        "overhead och {pa_net} netto efter den statliga ersättning som huvudboken visar. Ett dygn i gruppbostad "
        "kostade {gb_day} ({gb_egen} i egen regi, {gb_extern} hos externa utförare)."
    ),
    "concentration": (
        "De dyraste 10 procenten av brukarna ({n10}) bar {top10} av LSS-kostnaden och den dyraste procenten "
        "({n1}) {top1}."
    ),
    "units_note": (
        "Kostnaden per dygn är enhetens andel av insatsens KPB-kostnad (direkt kostnad och overhead). Inom en regi "
        "fördelas kostnaden efter dygn gånger dygnspris (avtalspris eller internpris) där vistelserna har ett pris, "
        "annars lika per dygn."
    ),
    "pa_note": (
        "Nettokostnaden per timme räknar med den statliga ersättning som är bokförd i huvudboken och fördelad på "
        "timmarna. Sexmånadersrapporten nedan räknar i stället fram den ersättning som de utförda timmarna ger vid "
        "FK:s timbelopp."
    ),
    "six_month_intro": (
        "Aktuell avräkningsperiod är {current}. FK:s timbelopp för {year} är {rate} per timme{assumed}. "
        "Ett ärende flaggas när utförd tid är under {threshold} av beviljad tid, när kostnaden per timme är mer än "
        "{margin} över timbeloppet ({limit}), och när utförd tid överstiger beviljad."
    ),
    "six_month_totals": (
        "Under {current} fick {cases} ärenden med assistansersättning {delivered} utförda timmar av {granted} "
        "beviljade ({ratio}). Timmarna ger {reimbursement} i assistansersättning; kommunens andel för de första "
        "20 timmarna per vecka är {share_hours} timmar, värd {share} vid timbeloppet. Nettokostnaden blev "
        "{net_per_hour} per utförd timme."
    ),
    "flags_summary": (
        "I den aktuella avräkningsperioden har {shortfall} ärenden utfört klart under beviljat, {above} ärenden "
        "utfört över beviljat och {raised} ärenden en kostnad per timme som kan motivera en ansökan om förhöjt "
        "timbelopp."
    ),
    "reimbursement_short": (
        "Huvudboken visar {booked} i statlig ersättning för personlig assistans enligt SFB under året, medan de "
        "utförda timmarna enligt definitionerna ovan ger {earned}. Skillnaden, {difference}, är ersättning som "
        "timmarna ger men som inte är bokförd: kontrollera att alla timmar har rekvirerats från Försäkringskassan."
    ),
    "reimbursement_over": (
        "Huvudboken visar {booked} i statlig ersättning för personlig assistans enligt SFB under året, medan de "
        "utförda timmarna enligt definitionerna ovan ger {earned}. Bokförd ersättning är {difference} högre: "
        "kontrollera periodiseringen och avräkningen mot Försäkringskassan."
    ),
    "municipal_share": (
        "Kommunen betalar de första 20 timmarna per vecka av den beviljade assistansen enligt SFB. För året är det "
        "{hours} timmar, motsvarande {kr} vid FK:s timbelopp, i {cases} ärenden."
    ),
    "monthly_ratio_note": (
        "Utförd tid i procent av beviljad tid per ärende och månad. Timmar kan flyttas mellan månader inom en "
        "avräkningsperiod; det är perioden som avgör ersättningen."
    ),
    "no_pa": "Inga ärenden med personlig assistans under perioden.",
    "no_sfb": "Inga ärenden med assistansersättning enligt SFB under perioden.",
    "no_flags": "Inget ärende flaggas i den aktuella avräkningsperioden.",
    "no_levels": "Besluten saknar nivåer, så någon nivåfördelning kan inte visas.",
    "no_stays": "Inga vistelser i {service} under perioden.",
    "no_lss": "Inga LSS-insatser under perioden.",
    "suppressed_note": (
        "Grupper med färre än {threshold} personer visas som {marker} och utan belopp, så att ingen enskild kan "
        "urskiljas."
    ),
    "rates": "FK:s timbelopp (schablonbelopp) per år enligt konfigurationen står i tabellen.",
    "thresholds": (
        "Gränser för flaggorna: utfört under {threshold} av beviljat; kostnad per timme mer än {margin} över "
        "timbeloppet."
    ),
}

CHARTS = {
    "service_cost_alt": "Stapeldiagram: LSS-områdets bruttokostnad per insats; störst är {largest}.",
    "lorenz_alt": "Lorenzkurva: de dyraste 10 procenten av LSS-brukarna bär {top10} av kostnaden.",
    "cost_per_brukare_hist_alt": "Histogram över LSS-kostnaden per brukare; median {median}.",
    "cost_per_brukare_xlabel": "Kronor per brukare",
    "unit_cost_day": "Kostnad per dygn per enhet – {service}",
    "unit_cost_day_alt": "Stapeldiagram: kostnad per dygn per enhet i {service}, från {low} till {high}.",
    "pa_months": "Beviljade och utförda timmar per månad – personlig assistans (SFB)",
    "pa_months_alt": "Stapeldiagram: beviljade och utförda assistanstimmar per månad; utförandegraden för året är "
                     "{ratio}.",
    "granted": "Beviljade",
    "delivered": "Utförda",
    "sex_cost": "Kostnad per brukare och insats, kvinnor och män",
    "sex_cost_alt": "Stapeldiagram: kostnad per brukare per LSS-insats för kvinnor och män; grupper med färre än "
                    "fem personer är utelämnade.",
    "age_sex": "LSS-brukare per åldersgrupp och kön",
    "age_sex_alt": "Stapeldiagram: antal LSS-brukare per åldersgrupp, kvinnor och män.",
}

#: short names of the personal-assistance services in narrow tables
PA_SHORT = {"pa_sfb": "SFB", "pa_lss": "LSS"}

MONTH_ABBR = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
               "november", "december")

#: the six-month totals table's scope column
SCOPES = {"current": "Aktuell avräkningsperiod", "year": "År"}

#: short service names for chart axes
SERVICE_SHORT = {
    "pa_sfb": "Pers. ass. SFB",
    "pa_lss": "Pers. ass. LSS",
    "ledsagarservice": "Ledsagarservice",
    "avlosarservice": "Avlösarservice",
    "kontaktperson": "Kontaktperson",
    "korttidsvistelse": "Korttidsvistelse",
    "boende_barn_lss": "Boende barn",
    "gruppbostad": "Gruppbostad",
    "servicebostad": "Servicebostad",
    "daglig_verksamhet": "Daglig verksamhet",
}

#: shorter headers of the six-month columns in the report's narrow tables (the Excel file uses SIX_MONTH_COLUMNS)
REPORT_COLUMNS = {
    "period": "Period",
    "granted_hours": "Beviljade timmar",
    "delivered_hours": "Utförda timmar",
    "municipal_share_hours": "Kommunens andel, timmar",
    "reimbursed_hours": "Timmar med ersättning",
    "reimbursement": "Ersättning, kr",
    "municipal_share": "Kommunens andel, kr",
    "cost": "Kostnad, kr",
    "net_cost": "Netto, kr",
    "cost_per_hour": "Kostnad per timme, kr",
    "net_cost_per_hour": "Netto per timme, kr",
    "fk_rate": "FK:s timbelopp, kr",
}

#: after an FK hourly rate that is the config's assumption (not yet among the published references)
#: the rows of the small tables that show the figures a sentence states (views.common.figures_table)
FIGURE_ROWS = {
    "rate": "FK:s timbelopp {year}", "rate_assumed": "FK:s timbelopp {year} (antagande)",
    "limit": "Timbeloppet + {margin}: gräns för förhöjt timbelopp",
    "booked": "Statlig ersättning i huvudboken", "earned": "Ersättning som årets timmar ger",
    "difference": "Skillnad",
}
ASSUMED_RATE = " (antagande: årets timbelopp är ännu inte publicerat bland referensvärdena)"
