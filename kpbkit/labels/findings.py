"""Swedish display text of the findings (page 1 of every area report, "Sammanfattning och slutsatser").

Each rule of :mod:`kpbkit.analyses.findings` has a headline and a sentence with placeholders filled from one row of
``findings.csv`` (formatted by :mod:`kpbkit.views.findings`), an action and the key figure to follow it with.
"""

HEADING_INTRO = (
    "De största fynden, ordnade efter belopp i kronor per år. Beloppen är storleksordningar för prioritering, "
    "inte budgetbeslut. Fynd som avser samma kostnader är markerade och ska inte läggas ihop."
)
NONE = "Analysen hittade inga avvikelser som var större än tröskelvärdena för det här området."
WITHHELD = ("{n} fynd gäller grupper med färre än {threshold} personer och redovisas inte i den här versionen "
            "av rapporten.")
OVERLAPS = "Överlappar med fynd {ranks}: lägg inte ihop beloppen."
OVERLAP_WORD = "och"

#: what a finding is
KINDS = {
    "saving": "Besparing",
    "difference": "Skillnad att förklara",
    "risk": "Risk",
    "quality": "Datakvalitet",
}
CERTAINTY = {"high": "hög", "medium": "medel", "low": "låg"}
CERTAINTY_SENTENCE = "Säkerhet: {certainty}{persons}."
PERSONS = " (bygger på {n} personer)"
ASSUMPTION = ", antagande"
NOT_VALUED = "ej värderat i kronor"

BASIS = {
    "reference": "{source}, {year}",
    "median": "jämförelsekommunernas median",
    "fk_rate": "Försäkringskassans timbelopp {year}",
    "granted": "beviljad tid",
    "other_sex": "det andra könet i samma ålder",
    "threshold": "tröskelvärdet",
    "budget": "budgetramen",
    "ledger": "huvudboken",
    "providers_median": "utförarnas median",
    "all_providers": "alla utförare",
}

#: rule → headline (short; also the table's "Fynd" column)
HEADLINES = {
    "above_target_unit_cost": "{kpi} över {basis}",
    "above_target_rate": "{kpi} över {basis}",
    "delivered_above_granted": "Fler utförda timmar än beviljat",
    "low_delivery_ratio": "Låg utförandegrad",
    "gender_difference": "{sex_high} {band} får mer hemtjänst än {sex_low}",
    "pa_cost_above_fk_rate": "Personlig assistans i {regi} dyrare än Försäkringskassans timbelopp",
    "fk_reimbursement_not_booked": "Ersättning från Försäkringskassan saknas i huvudboken",
    "family_home_share_below_reference": "Färre barn i familjehem än i riket",
    "long_hvb_stays": "Långa HVB-placeringar",
    "forecast_above_budget": "Prognosen för {year} överskrider budgetramen",
    "ledger_not_allocated": "Kostnader som inte kunde fördelas till brukare",
    "provider_hours_per_brukare": "Fler timmar per brukare hos {provider}",
    "provider_low_delivery": "Låg utförandegrad hos {provider}",
}

#: rule → what was seen, with its size
SENTENCES = {
    "above_target_unit_cost": (
        "{kpi} är {observed} mot {target} ({basis}). Med målvärdet för kommunens {volume} {volume_unit} blir "
        "kostnaden {kronor} lägre per år."
    ),
    "above_target_rate": (
        "{kpi} är {observed} mot {target} ({basis}). På målvärdets nivå vore volymen {volume} {volume_unit} lägre, "
        "värt {kronor} per år till kommunens egen kostnad."
    ),
    "delivered_above_granted": (
        "{persons} brukare fick sammanlagt {volume} timmar mer hemtjänst än de var beviljade (utfört {observed} av "
        "beviljat). Timmarna kostar {kronor} per år."
    ),
    "low_delivery_ratio": (
        "Utförandegraden är {observed}, under {target}: {volume} beviljade timmar utfördes inte. Beslut som är större "
        "än behovet gör planering och budget osäkra."
    ),
    "gender_difference": (
        "{sex_high_cap} {band} får i genomsnitt {observed} timmar hemtjänst under året mot {target} för {sex_low} i "
        "samma ålder. Skillnaden motsvarar {volume} timmar eller {kronor} per år; den kan bero på behov (till "
        "exempel ensamboende) men ska kunna förklaras."
    ),
    "pa_cost_above_fk_rate": (
        "Personlig assistans enligt SFB i {regi} kostar {observed} per timme mot {target} ({basis}). "
        "Skillnaden för {volume} timmar är {kronor} per år, som kommunen bär själv."
    ),
    "fk_reimbursement_not_booked": (
        "Enligt halvårsavstämningen ska Försäkringskassan ersätta {target} för årets assistanstimmar, men "
        "huvudboken har {observed}. Skillnaden, {kronor}, bör sökas eller bokföras."
    ),
    "family_home_share_below_reference": (
        "{observed} av de placerade barnen har vårdats i familjehem mot {target} i riket ({basis}). Om andelen "
        "vore rikets skulle omkring {volume} vårddygn på HVB i stället vara familjehemsvård, {kronor} lägre "
        "kostnad per år."
    ),
    "long_hvb_stays": (
        "{observed_count} HVB-placeringar har pågått längre än {target_count} månader. Deras {volume} vårddygn under "
        "perioden kostar {kronor} mer än vård i familjehem skulle ha gjort."
    ),
    "forecast_above_budget": (
        "Med oförändrade konsumtionstal kostar verksamheten {observed} år {year} mot budgetramen {target}: "
        "{kronor} över ramen (prognosen bygger på antaganden om befolkning och kostnader)."
    ),
    "ledger_not_allocated": (
        "{kronor} av huvudbokens kostnader kunde inte fördelas till någon brukare (en kostnadspool utan volym eller "
        "en regel utan mottagare). Beloppet ingår inte i kostnaden per brukare."
    ),
}

SENTENCES["provider_hours_per_brukare"] = (
    "Brukarna hos {provider} ({regi}) fick i genomsnitt {observed} timmar under året mot {target} i mitten av "
    "utförarna ({basis}). Skillnaden är {volume} timmar, {kronor} per år med {regi}s kostnad per timme; den kan bero "
    "på tyngre behov och ska kunna förklaras."
)
SENTENCES["provider_low_delivery"] = (
    "{provider} utförde {observed} av de beviljade timmarna för sina brukare mot {target} för alla utförare: "
    "{volume} beviljade timmar utfördes inte."
)

#: action code → proposed action
ACTIONS = {
    "home_care_productivity": (
        "Se över hemtjänstens planering: brukartid, restid och bemanning mot behov per timme, per enhet."
    ),
    "sabo_cost": "Jämför bemanning och lokalkostnad per plats i särskilt boende med jämförbara kommuner.",
    "needs_assessment_80": (
        "Se över riktlinjer och uppföljning av biståndsbeslut för 80+, och vad förebyggande insatser kan ersätta."
    ),
    "pa_cost_per_hour_egen": (
        "Sänk kostnaden per assistanstimme mot timbeloppet: schemaläggning, övertid och ob-tillägg i egen regi."
    ),
    "pa_cost_per_hour_extern": (
        "Förhandla timpriset med de externa anordnarna mot timbeloppet och pröva egen regi där den är billigare."
    ),
    "group_home_staffing": "Se över bemanningen per boende i gruppbostäderna, natt och helg särskilt.",
    "placement_procurement": "Upphandla eller omförhandla placeringar (ramavtal) och följ upp dygnspriserna.",
    "open_care_first": "Stärk öppenvården så att fler barn kan få stöd utan att placeras.",
    "delivery_above_decision": "Följ upp att utförd tid håller sig inom beslutet; justera beslut som är för små.",
    "decisions_follow_up": "Följ upp beslut mot utförd tid och justera beslut som är större än behovet.",
    "gender_analysis": (
        "Gå igenom beslut för kvinnor och män i samma ålder och förklara skillnaden (Karlstads jämställdhetsanalys)."
    ),
    "claim_fk_reimbursement": "Stäm av ansökningar och utbetalningar från Försäkringskassan per ärende och halvår.",
    "family_homes_first": "Rekrytera egna familjehem och pröva familjehem före HVB vid varje placering.",
    "review_long_stays": "Gå igenom placeringar längre än ett år: plan för hemflytt eller familjehem.",
    "agree_forecast_with_budget": "Stäm av prognosen med budgetansvariga och besluta om åtgärder eller ny ram.",
    "map_ledger_rows": "Komplettera fördelningsreglerna så att varje kostnad når en insats.",
    "provider_hours_review": (
        "Gå igenom besluten och genomförandeplanerna för utförarens brukare: stämmer tiden med behoven?"
    ),
    "provider_delivery_follow_up": (
        "Följ upp utföraren: utförs insatserna som beslutats, och betalas utföraren för beviljad eller utförd tid?"
    ),
}
ACTION_PREFIX = "Förslag: "
FOLLOW_PREFIX = "Följs upp med: "

#: the key figure that shows progress
FOLLOW = {
    "cost_per_hour": "kostnad per utförd timme",
    "cost_per_granted_hour": "kostnad per beviljad timme",
    "sabo_cost_per_day": "kostnad per dygn i särskilt boende",
    "hours_per_inhabitant_80": "utförda timmar per invånare 80+",
    "coverage_80": "andel invånare 80+ med hemtjänst",
    "pa_net_cost_per_hour": "nettokostnad per assistanstimme",
    "gruppbostad_cost_per_day": "kostnad per dygn i gruppbostad",
    "cost_per_care_day": "kostnad per vårddygn",
    "placed_per_1000_0_20": "placerade per 1 000 invånare 0–20 år",
    "delivery_ratio": "utförandegrad",
    "hours_per_brukare_by_sex": "timmar per brukare för kvinnor och män per åldersgrupp",
    "share_placed_familjehem": "andel placerade barn i familjehem",
    "hvb_stays_over_12_months": "antal HVB-placeringar längre än ett år",
    "budget_gap": "prognosens avvikelse mot budgetramen",
    "residual": "ej fördelat belopp i avstämningen mot huvudboken",
    "hours_per_brukare_provider": "timmar per brukare per utförare",
}

SEX = {"K": "kvinnor", "M": "män"}
REGI = {"egen": "egen regi", "extern": "extern regi"}
VOLUME_UNITS = {"hour": "timmar", "day": "vårddygn", "granted_hour": "beviljade timmar", "brukare_80": "brukare 80+",
                "children": "placerade barn"}

COLUMNS = {"rank": "Nr", "headline": "Fynd", "kind": "Slag", "kronor": "Kronor per år", "figures": "Underlag",
           "certainty": "Säkerhet", "overlaps": "Överlappar med"}

#: the findings table's "Underlag": the figures the finding's text states, each as the text shows it
FIGURES_VERSUS = "{observed} mot {target}"
#: a finding that counts stays against a length in months (long HVB stays)
FIGURES_STAYS = "{observed_count} placeringar längre än {target_count} månader"
FIGURES_VOLUME = "{volume} {volume_unit}"
FIGURES_PERSONS = {"one": "1 person", "many": "{n} personer"}
FIGURES_JOIN = "; "

#: before a finding shown where the report treats its subject, when page 1 lists it too
SECTION_LEAD = "Fynd {number} i sammanfattningen: "
SECTION_NONE = {
    "gender": ("Inom varje åldersgrupp skiljer sig kvinnors och mäns timmar per brukare mindre än tröskelvärdet, "
               "eller så är grupperna för små för att jämföras."),
    "providers": ("Ingen utförare avviker mer än tröskelvärdet från de andra i timmar per brukare eller "
                  "utförandegrad."),
    "placements": ("Andelen placerade barn i familjehem är inte lägre än referensvärdet, och ingen HVB-placering "
                   "har pågått längre än tröskelvärdet."),
}
