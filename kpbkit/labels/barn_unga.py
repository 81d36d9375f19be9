"""Swedish display text of the barn och unga genomlysning (placements)."""

from __future__ import annotations

TITLE = "Genomlysning av barn och unga"
SUBTITLE = "Placeringar utanför hemmet och öppenvård"

#: sex as shown for children and young people
SEX = {"K": "Flickor", "M": "Pojkar"}

#: (kpi, group) → label of the summary's key figures
KEY_FIGURES = {
    ("placed_children", "total"): "Placerade barn och unga",
    ("placed_per_1000_0_20", "total"): "Placerade 0–20 år per 1\u00a0000 invånare 0–20 år",
    ("placed_per_1000_0_20", "K"): "Placerade per 1\u00a0000 invånare 0–20 år, flickor",
    ("placed_per_1000_0_20", "M"): "Placerade per 1\u00a0000 invånare 0–20 år, pojkar",
    ("care_days", "total"): "Vårddygn",
    ("cost_per_care_day", "total"): "Kostnad per vårddygn inkl. overhead",
    ("brukare", "total"): "Brukare inom barn och unga (placering och öppenvård)",
    ("gross_cost", "total"): "Bruttokostnad barn och unga",
    ("cost_per_brukare", "total"): "Kostnad per brukare",
    ("top10_cost_share", "total"): "Andel av kostnaden, dyraste 10 % av brukarna",
}

FORM_GROUPS = {
    "family_home": "Familjehem, egna och konsulentstödda",
    "institution": "Institution (HVB, SiS)",
    "supported_housing": "Stödboende",
}

LENGTH_BANDS = {
    "0-7": "0–7 dygn",
    "8-30": "8–30 dygn",
    "31-90": "31–90 dygn",
    "91-180": "91–180 dygn",
    "181-365": "181–365 dygn",
    "366-730": "1–2 år",
    "731+": "Mer än 2 år",
}

STATUS = {"ended": "Avslutade", "ongoing": "Pågående vid periodens slut", "all": "Alla"}

MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

CARE_KINDS = {
    "placement": "Placeringar (dygnsvård)",
    "open_care": "Öppenvård",
    "other": "Övriga insatser",
    "total": "Totalt barn och unga",
}
OPEN_CARE_UNITS = {"placement": "vårddygn", "open_care": "beslutsmånader"}

QUALITY = {
    "overlapping_placements": "Överlappande vistelser (samma barn och placeringsform)",
    "placement_without_decision": "Placeringar utan beslut om insatsen",
    "price_missing_in_priced_pool": "Vistelser utan avtalat dygnspris bland prissatta",
    "price_missing_unpriced_pool": "Vistelser i en regi helt utan dygnspriser",
    "price_not_positive": "Dygnspris noll eller negativt",
}
QUALITY_CONSEQUENCE = {
    "overlapping_placements": "Varje dygn räknas en gång, hos den vistelse som började sist.",
    "placement_without_decision": "Räknas i vårddygn och kostnad; kontrollera att beslutet är registrerat.",
    "price_missing_in_priced_pool": "Vägs med regins genomsnittliga dygnspris när kostnaden fördelas.",
    "price_missing_unpriced_pool": "Kostnaden fördelas per vårddygn (det normala i egen regi).",
    "price_not_positive": "Räknas som vistelse utan pris.",
}

COLUMNS = {
    "service": "Placeringsform",
    "insats": "Insats",
    "label": "Grupp",
    "services": "Placeringsformer",
    "children": "Placerade barn",
    "placed_children": "Placerade barn",
    "care_days": "Vårddygn",
    "days": "Vårddygn",
    "days_share": "Andel av vårddygnen",
    "gross_cost": "Bruttokostnad, kr",
    "net_cost": "Nettokostnad, kr",
    "cost_per_care_day": "Kostnad per vårddygn inkl. overhead, kr",
    "cost_per_care_day_short": "Kr per vårddygn inkl. overhead",
    "direct_per_day": "Direkt kostnad per vårddygn, kr",
    "mean_price": "Avtalat dygnspris, snitt, kr",
    "priced_share": "Andel dygn med avtalat pris",
    "cost_per_child": "Kostnad per barn, kr",
    "stays": "Vistelser",
    "provider": "Utförare",
    "regi_label": "Regi",
    "ratio": "Huvudbok / avtal, prissatta dygn",
    "gross_pool": "Direkt kostnadspool, kr",
    "contracted": "Avtalat belopp, kr",
    "inhabitants": "Invånare 0–20 år",
    "placed": "Placerade 0–20 år",
    "per_1000": "Per 1\u00a0000 invånare",
    "n": "Antal",
    "mean": "Medel, dygn",
    "median": "Median, dygn",
    "p90": "90:e percentilen, dygn",
    "band_label": "Längd",
    "ended": "Avslutade",
    "ongoing": "Pågående",
    "total": "Totalt",
    "ended_median": "Avslutade: median, dygn",
    "ongoing_median": "Pågående: median hittills, dygn",
    "month_label": "Månad",
    "stays_started": "Påbörjade vistelser",
    "stays_ended": "Avslutade vistelser",
    "episodes_started": "Nya placeringstillfällen",
    "episodes_ended": "Avslutade placeringstillfällen",
    "age_band": "Åldersgrupp",
    "sex_label": "Kön",
    "days_per_child": "Vårddygn per barn",
    "law": "Lagrum",
    "lvu_share": "Andel LVU",
    "brukare": "Brukare",
    "volume": "Volym",
    "unit": "Enhet",
    "cost_share": "Andel av kostnaden",
    "cost_per_brukare": "Kostnad per brukare, kr",
    "persons": "Brukare med ersättning",
    "reimbursement": "Statlig ersättning, kr",
    "reimbursed_share": "Andel av bruttokostnaden",
    "net_cost_per_day": "Nettokostnad per vårddygn, kr",
    "rank": "Rang",
    "person_id": "Barn (pseudonym)",
    "check": "Kontroll",
    "count": "Antal",
    "consequence": "Hantering i modellen",
    "priced": "Med dygnspris",
    "unpriced": "Utan dygnspris",
    "key_figure": "Nyckeltal",
    "value": "Värde",
}

# --- report sentences (filled with formatted numbers by kpbkit.views.barn_unga) -----------------------
#: the rows of the small tables that show the figures a sentence states (views.common.figures_table)
FIGURE_ROWS = {
    "per_day_mean": "Placerade per dag, medel", "per_day_min": "Placerade per dag, lägst",
    "per_day_max": "Placerade per dag, högst",
    "both": "Brukare med både placering och öppenvård", "open_care_only": "Brukare med enbart öppenvård",
    "placement_only": "Brukare med enbart placering",
    "priced_days": "Köpta vårddygn med avtalat dygnspris",
    "ledger_contract": "Huvudbokens direkta kostnad / avtalat belopp",
}

SENTENCES = {
    "summary": (
        "Under {period} var {placed} barn och unga placerade utanför hemmet i {client}{rate}. Placeringarna "
        "omfattade {days} vårddygn, och ett vårddygn kostade i genomsnitt "
        "{cost_per_day} inklusive overhead. {family} av vårddygnen var i familjehem (egna och konsulentstödda) och "
        "{institution} på institution (HVB eller SiS)."
    ),
    # the rate counts the placed children aged 0–20 only: said where that is fewer than all placed
    "summary_rate": ", {per_1000} per 1\u00a0000 invånare 0–20 år",
    "summary_rate_0_20": "; de {placed_0_20} av dem som var 0–20 år är {per_1000} per 1\u00a0000 invånare 0–20 år",
    "summary_area": (
        "Hela barn och unga (placeringar och öppenvård) kostade {gross} brutto för {brukare} brukare, "
        "{per_brukare} per brukare; placeringarna stod för {placement_share} av kostnaden."
    ),
    "forms": (
        "Ett vårddygn i familjehem, egna och konsulentstödda tillsammans, kostade {family_cost} inklusive overhead, "
        "på institution (HVB eller SiS) {institution_cost}. Kommunens egna familjehem för sig finns i tabellen "
        "per placeringsform."
    ),
    "contracted": (
        "För köpta placeringar med avtalat dygnspris ({days} vårddygn) motsvarade huvudbokens direkta kostnad "
        "{ratio} av det avtalade beloppet (dygn gånger pris)."
    ),
    "per_1000": (
        "{placed} av kommunens {inhabitants} invånare 0–20 år var placerade någon gång under perioden, {per_1000} "
        "per 1\u00a0000 invånare ({girls} för flickor och {boys} för pojkar)."
    ),
    "per_1000_others": (
        "Av periodens {all} placerade barn och unga räknas {others} inte här: de var äldre än 20 år eller hade "
        "okänd ålder."
    ),
    "lengths": (
        "Av de {n_ended} vistelser som avslutades under perioden varade hälften högst {median_ended} dygn "
        "(medel {mean_ended}). {n_ongoing} vistelser pågick vid periodens slut och hade då pågått i median "
        "{median_ongoing} dygn."
    ),
    "episodes": (
        "Räknat som placeringstillfällen, där flyttar mellan placeringsformer eller utförare utan uppehåll slås "
        "ihop, var det {n} tillfällen: {n_ended} avslutade (median {median_ended} dygn) och {n_ongoing} pågående "
        "(median {median_ongoing} dygn hittills)."
    ),
    "flows": (
        "Under perioden påbörjades {started} vistelser och {ended} avslutades. Av dem var {new} nya "
        "placeringstillfällen och {closed} avslutade placeringstillfällen; resten var flyttar mellan "
        "placeringsformer eller utförare."
    ),
    "per_day": (
        "En genomsnittlig dag var {mean} barn och unga placerade (lägst {min}, högst {max}, första gången "
        "{max_date})."
    ),
    "law": "{lvu} av vårddygnen avsåg placeringar enligt LVU och {sol} placeringar enligt SoL.",
    "open_care": (
        "{both} brukare hade både placering och öppenvård under perioden, {open_only} enbart öppenvård och "
        "{placement_only} enbart placering."
    ),
    "no_reimbursement": "Huvudboken har ingen statlig ersättning (återsökning) för barn och unga under perioden.",
    "reimbursement": (
        "Statlig ersättning på {amount} minskade kostnaden för de insatser där den återsöks; deras nettokostnad "
        "efter ersättning var {net}."
    ),
    "concentration": (
        "De dyraste 10 procenten av brukarna inom barn och unga ({n10}) bar {top10} av kostnaden och den "
        "dyraste procenten ({n1}) {top1}."
    ),
    "no_placements": "Inga placeringar under perioden.",
}

CHARTS = {
    "service_cost": "Bruttokostnad per insats",
    "service_cost_alt": "Stapeldiagram: barn och ungas bruttokostnad per insats; störst är {largest}.",
    "forms_cost": "Kostnad per vårddygn och avtalat dygnspris",
    "forms_cost_alt": (
        "Stapeldiagram: kostnad per vårddygn inklusive overhead och genomsnittligt avtalat dygnspris per "
        "placeringsform; högst är {highest}."
    ),
    "kpb_cost": "Kostnad per vårddygn inkl. overhead",
    "contract_price": "Avtalat dygnspris, snitt",
    "days_share": "Andel av vårddygnen",
    "days_share_alt": "Stapeldiagram: andel av vårddygnen i familjehem {family} och på institution {institution}.",
    "providers": "Kostnad per vårddygn per utförare",
    "providers_alt": "Stapeldiagram: kostnad per vårddygn inklusive overhead per utförare, egen och extern regi.",
    "lengths": "Vistelsernas längd",
    "lengths_alt": "Stapeldiagram: antal vistelser per längdintervall, avslutade och pågående vid periodens slut.",
    "lengths_y": "Antal vistelser",
    "flows": "Påbörjade och avslutade vistelser per månad",
    "flows_alt": "Stapeldiagram: påbörjade och avslutade placeringsvistelser per månad under perioden.",
    "started": "Påbörjade",
    "ended": "Avslutade",
    "per_day": "Placerade barn och unga per dag",
    "per_day_alt": "Ytdiagram: antal placerade per dag och placeringsform; i genomsnitt {mean} per dag.",
    "per_day_y": "Antal placerade",
    "age_sex": "Kostnad per placerat barn, per åldersgrupp och kön",
    "age_sex_alt": (
        "Stapeldiagram: bruttokostnad för placeringar per placerat barn, per åldersgrupp, flickor och pojkar."
    ),
    "age_sex_children": "Placerade barn per åldersgrupp och kön",
    "age_sex_children_alt": "Stapeldiagram: antal placerade barn per åldersgrupp, flickor och pojkar.",
    "lorenz": "Kostnadens fördelning över brukarna",
    "lorenz_alt": "Lorenzkurva: de dyraste 10 procenten av brukarna inom barn och unga bär {top10} av kostnaden.",
    "cost_hist": "Kostnad per brukare",
    "cost_hist_alt": "Histogram över barn och ungas kostnad per brukare; median {median}.",
    "cost_hist_x": "Kronor per brukare",
}
