"""Swedish display text of the comparison sections (references, comparison municipalities, savings) and trends."""

from __future__ import annotations

#: shown instead of a number wherever a value is missing (never a zero)
NO_DATA = "uppgift saknas"

#: KPIs that are not in the data contract: derived from a run's results, or only found among the references
KPIS = {
    "cost_per_granted_hour": "Kostnad per beviljad timme",
    "sabo_cost_per_day": "Särskilt boende, kostnad per dygn",
    "granted_hours_per_brukare_month": "Beviljade timmar per brukare och månad",
    "share_above_80_granted_hours": "Andel brukare med mer än 80 beviljade timmar per månad",
    "sabo_share_80": "Andel av invånare 80+ i särskilt boende",
    "share_placed_familjehem": "Andel av de placerade i familjehem",
}

#: groups that are not an insats, a regi or an age band
GROUPS = {"total": "", "K": "kvinnor", "M": "män", "egen": "egen regi", "extern": "extern regi"}

UNIT_SINGULAR = {"hour": "timme", "granted_hour": "beviljad timme", "day": "dygn"}

UNITS = {
    "hour": "timmar",
    "granted_hour": "beviljade timmar",
    "day": "dygn",
    "brukare_80": "brukare 80+",
    "children": "placerade barn",
    "inhabitants_80": "invånare 80+",
    "inhabitants_0_20": "invånare 0–20 år",
}

COLUMNS = {
    "kpi": "Nyckeltal",
    "client": "Kommunen",
    "reference": "Referens i {year} års priser",
    "original": "Ursprungligt värde",
    "price": "Prisomräkning",
    "source": "Källa",
    "deviation": "Avvikelse",
    "deviation_pct": "Avvikelse, %",
    "median": "Median",
    "basis": "Jämfört med",
    "target": "Målvärde",
    "current_cost": "Kostnad i dag, kr",
    "cost_at_target": "Kostnad vid målvärdet, kr",
    "potential": "Besparingspotential, kr",
    "assumption": "Antagande",
    "change_per_year": "Förändring per år",
    "prices": "Prisnivå",
}

#: the price-level column of the reference table
PRICE = {
    "none": "ingen (ej kronor)",
    "same": "ingen (samma år)",
    "moved": "× {factor} ({index} per år från {year})",
}

PRICE_LEVEL = {
    "nominal": "löpande priser",
    "fixed": "{year} års priser",
}

BASIS = {
    "reference": "{source}, {year}",
    "reference_no_year": "{source}",
    "median": "Jämförelsekommunernas median",
    "reference_missing": "Referensvärde",
    "old_reference": "Äldre referensvärde ({source}, {year})",
}

SENTENCES = {
    "references_intro": (
        "Kommunens nyckeltal bredvid referensvärden: de nationella uppgifter och KPB-uppgifter som följer med "
        "kpbkit (referensfil version {version}){client_refs}. Kronor från andra år är omräknade till {year} års "
        "prisnivå med {index} per år (värde × (1 + {index})^({year} − referensåret)); kolumnen Prisomräkning "
        "visar faktorn. Intervall anges inom parentes; där källan bara ger ett intervall jämförs med dess "
        "mittpunkt. Referenserna är ungefärliga och mäter inte alltid exakt samma sak som kommunens nyckeltal; "
        "anmärkningen under tabellen säger hur."
    ),
    "client_refs": " och {n} referensvärden ur kommunens egen konfiguration",
    "references_none": "Det finns inga referensvärden för området (uppgift saknas).",
    "no_municipalities": (
        "Inga jämförelsekommuner är valda för {client} (comparison.municipalities i konfigurationen), så "
        "jämförelsen med andra kommuner saknas: uppgift saknas."
    ),
    "municipalities_missing": (
        "Resultat saknas för {n} av de {total} valda jämförelsekommunerna ({folders}): uppgift saknas. Kör kpbkit "
        "för dem först, eller rätta sökvägen under comparison.municipalities."
    ),
    "municipalities_intro": (
        "Kommunens nyckeltal bredvid jämförelsekommunernas, beräknade med kpbkit på samma sätt, och deras "
        "median. Kronor från ett annat år än {year} är omräknade till {year} års prisnivå med {index} per år."
    ),
    "municipalities_list": "Jämförelsekommuner: {names}.",
    "savings_intro": (
        "Besparingspotentialen är vad kostnaden skulle minska med om ett nyckeltal flyttades till referensvärdet "
        "eller jämförelsekommunernas median, allt annat lika, i {year} års priser. För kostnad per enhet: "
        "kommunens volym × skillnaden i kostnad per enhet. För konsumtion (timmar per invånare, täckningsgrad, "
        "placerade per 1 000): skillnaden i volym × kommunens egen kostnad per enhet. Potential räknas bara där "
        "kommunen ligger över målvärdet; där den ligger under är potentialen 0 kr. Raderna överlappar (samma "
        "kronor kan ingå i flera) och ska inte summeras. Kolumnen Antagande visar beräkningen rad för rad. "
        "Kostnad i dag är nyckeltalet gånger kommunens volym (för kostnad per enhet inklusive overhead men utan "
        "myndighetsutövning), inte insatsens bruttokostnad i tabellerna ovan."
    ),
    "savings_largest": "Störst är potentialen för {kpi} jämfört med {basis}: {potential} per år.",
    "savings_none": "Kommunen ligger inte över något målvärde där både värde och målvärde finns.",
    "trends_none": (
        "Resultat från tidigare år saknas för {client} ({searched}), så utvecklingen över tid kan inte visas: "
        "uppgift saknas. Den visas när kpbkit har körts för tidigare år med samma utdatamapp."
    ),
    "trends_not_calendar": (
        "Perioden är inte ett kalenderår, så tidigare års resultat letas inte upp: uppgift saknas."
    ),
    "trends_intro": (
        "Nyckeltalen för {years}, ur varje års resultat. Kronor visas både i löpande priser och i {year} års "
        "priser (omräknade med {index} per år). Förändring per år är den genomsnittliga årliga förändringen från "
        "första till sista året med värde: i fasta priser för kronor, i procentenheter för andelar och i procent "
        "för övriga."
    ),
}

#: the savings table's "Antagande" column
ASSUMPTIONS = {
    "unit_cost": (
        "Om {kpi} vore {target} i stället för {client}: {volume} {unit} × {difference} per {per} = {potential}."
    ),
    "hours_80": (
        "Om utförda timmar per invånare 80+ vore {target} i stället för {client}: {inhabitants} invånare 80+ × "
        "{difference} timmar = {change} färre timmar; {change} timmar × {unit_value} per timme = {potential} "
        "(kommunens kostnad per utförd timme)."
    ),
    "coverage_80": (
        "Om andelen invånare 80+ med hemtjänst vore {target} i stället för {client}: {inhabitants} invånare 80+ × "
        "{difference} = {change} färre brukare 80+; {change} brukare × {unit_value} per brukare = {potential} "
        "({hours} timmar per brukare 80+ gånger kommunens kostnad per utförd timme)."
    ),
    "placed_0_20": (
        "Om placerade per 1 000 invånare 0–20 år vore {target} i stället för {client}: {inhabitants} invånare "
        "0–20 år × {difference} per 1 000 = {change} färre placerade; {change} placerade × {unit_value} per "
        "placerat barn = {potential} (kommunens bruttokostnad för placeringar per placerat barn)."
    ),
    "not_above": "Kommunens {client} ligger inte över målvärdet {target}: ingen besparing räknas (0 kr).",
    "no_target": "{basis} saknas: ingen beräkning (uppgift saknas).",
    "old_reference": (
        "Referensvärdet ({basis}) är äldre än tre år före perioden och visas bara som bakgrund: ingen beräkning."
    ),
    "no_client": "Kommunens värde eller volym saknas: ingen beräkning (uppgift saknas).",
}

CHARTS = {
    "references": "Kommunen i procent av referensvärdet",
    "references_alt": "Stapeldiagram: kommunens nyckeltal i procent av referensvärdet (100 % = referensen). {items}",
    "municipalities": "Kommunen och jämförelsekommunerna, index median = 100",
    "municipalities_alt": (
        "Punktdiagram: varje nyckeltal som index där jämförelsekommunernas median är 100; kommunen markerad. {items}"
    ),
    "savings": "Besparingspotential per år",
    "savings_alt": "Stapeldiagram: besparingspotential i kronor per nyckeltal och målvärde; störst {largest}.",
    "trends": "Utveckling över tid",
    "trends_alt": "Linjediagram: nyckeltalens utveckling {years}; kronor i {year} års priser (heldragen) och löpande "
                  "priser (streckad).",
    "fixed": "{year} års priser",
    "nominal": "Löpande priser",
    "value": "Värde",
}
