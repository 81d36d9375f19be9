"""Swedish display text of the forecast report (``prognos.html`` / ``.pdf``)."""

from __future__ import annotations

# the scenario every forecast has: its name is a value of prognos.csv, reserved by the config's schema
from kpbkit.config.schema import BASE_SCENARIO  # noqa: F401

TITLE = "Prognos: befolkning, volymer och kostnader"
SUBTITLE = "Basår {base_year}, prognos {first}–{last} i fasta priser"


#: shown for a figure the forecast has no data for (a year without population): in sentences, in table cells
NO_DATA = "uppgift saknas"
NO_DATA_CELL = "saknas"
#: the rates tables' column over every age
ALL_AGES = "Alla åldrar"

HEADINGS = {
    "brukare": "Brukare per insats, grundscenariot",
    "volume": "Volym per insats, grundscenariot",
    "volume_scenarios": "Volym år {year} per scenario",
    "cost_services": "Kostnad per insats, grundscenariot (mnkr)",
    "cost_scenarios": "Kostnad år {year} per insats och scenario (mnkr)",
}

COLUMNS = {
    "year": "År",
    "scenario": "Scenario",
    "age_group": "Åldersgrupp",
    "population": "Invånare",
    "age_0_20": "0–20 år",
    "age_65_plus": "65 år och äldre",
    "age_80_plus": "80 år och äldre",
    "total": "Hela befolkningen",
    "source": "Källa",
    "unit_cost": "Kostnad per enhet, kr",
    "cost": "Kostnad, kr",
    "cost_mkr": "Kostnad, mnkr",
    "budget": "Budgetram, kr",
    "budget_mkr": "Budgetram, mnkr",
    "gap": "Gap mot ramen, kr",
    "gap_mkr": "Gap mot ramen, mnkr",
    "gap_share": "Gap, andel av ramen",
    "change": "Förändring",
    "rate_change_per_year": "Ändring av konsumtionstalen per år",
    "coverage_80_change": "Ändring av täckningen 80+",
    "unit_costs": "Ny kostnad per enhet",
    "services": "Gäller insatser",
    "brukare_unassigned": "Brukare utan känd ålder eller kön",
    "volume_unassigned": "Deras volym",
    "volume_unassigned_share": "Andel av insatsens volym",
    "volume_no_population": "Volym i åldersgrupper utan invånare",
    "measure": "Mått",
    "first": "Basår",
}

SOURCES = {"population": "Befolkning (utfall)", "population_forecast": "Befolkningsprognos"}

#: how the rates tables name their measure
MEASURES = {
    "brukare": "Brukare per 1\u00a0000 invånare",
    "volume": "Volym per invånare, i insatsens enhet",
}

SENTENCES = {
    "summary": (
        "Prognosen omfattar {n_services} insatser. Med oförändrade konsumtionstal per ålder och kön "
        "{verb} kostnaden från {base_cost} år {base_year} till {last_cost} år {last_year} ({change}), i "
        "{base_year} års priser. Förändringen beror enbart på befolkningen: antalet invånare 80 år och äldre "
        "går från {pop80_base} till {pop80_last} ({pop80_change})."
    ),
    "summary_no_data": (
        "Prognosen omfattar {n_services} insatser, men befolkningsprognosen saknar uppgifter för {years}: "
        "volymer och kostnader för de åren redovisas inte (de visas som «{no_data}», inte som noll)."
    ),
    "summary_no_forecast": (
        "Körningen har ingen befolkningsprognos (tabellen population_forecast saknas i underlaget), så "
        "ingen prognos kan beräknas. Konsumtionstalen för basåret {base_year} redovisas nedan; lägg till "
        "befolkningsprognosen och kör analysen igen."
    ),
    "summary_no_base_population": (
        "Befolkningen för basåret {base_year} saknas i underlaget, så konsumtionstal per invånare kan inte "
        "beräknas och ingen prognos görs. Lägg till befolkningen 31 december {base_year} och kör analysen igen."
    ),
    "summary_scenarios": (
        "Scenarierna ger år {last_year}: {scenarios}."
    ),
    "summary_budget": (
        "Mot budgetramen {worst_year} ({budget}) ger grundscenariot {gap_text}."
    ),
    "gap_over": "ett underskott på {gap}",
    "gap_under": "ett utrymme på {gap}",
    "method_facts": (
        "Basår är {base_year}; konsumtionstalen bygger på KPB-resultatet för {period}. Prognosen sträcker sig "
        "{horizon} år framåt, till {last_year}. Åldersgrupper: {groups}. Befolkningen för basåret kommer från "
        "underlaget {pop_file}, befolkningsprognosen från {forecast_file}."
    ),
    "no_forecast_file": "– (saknas i underlaget)",
    "annualised": (
        "Perioden är inte ett kalenderår: volymer och kostnader har räknats om till helår (× {factor}); "
        "antalet brukare har inte räknats om."
    ),
    "no_scenarios": (
        "Kommunens konfiguration anger inga egna scenarier; endast grundscenariot visas."
    ),
    "population_text": (
        "Från {base_year} till {last_year} förändras antalet invånare 80 år och äldre med {pop80}, 65 år och "
        "äldre med {pop65} och 0–20 år med {pop0_20}. Hela befolkningen förändras med {total}."
    ),
    "population_missing": "Befolkningsprognosen saknar uppgifter för {years}.",
    "rates_text": (
        "Konsumtionstalen är antalet brukare per 1\u00a0000 invånare och volymen per invånare i varje "
        "åldersgrupp och kön under basåret. Grupper med färre än {threshold} brukare visas som {marker} (de ingår ändå "
        "i prognosen)."
    ),
    "rates_one_year": (
        "Konsumtionstalen är beräknade per ettårsklass (0–100+ år) och används så i prognosen; tabellerna visar "
        "dem sammanförda i åldersgrupper."
    ),
    "rate_charts": (
        "Diagrammen visar de två insatser som kostade mest under basåret; grupper med färre än {threshold} brukare "
        "visas inte."
    ),
    "coinciding_lines": (
        "Diagrammen visar de fyra insatser som kostade mest under basåret. Där ett scenario inte ändrar en insats "
        "volym (det gäller andra insatser, eller ändrar bara kostnaden per enhet) ligger dess linje på "
        "grundscenariots."
    ),
    "outside_services": (
        "Insatser utanför prognosens urval: {services} (sammanlagt {cost} i direkt kostnad och overhead {base_year})."
    ),
    "unit_costs_text": (
        "Kostnaden per enhet är insatsens direkta kostnad och overhead delad med volymen under basåret, alla "
        "brukare medräknade. Den hålls fast i alla prognosår (fasta priser) utom där ett scenario anger en ny."
    ),
    "volumes_text": (
        "Antal brukare och volym per år för varje insats i prognosen, volymen i insatsens enhet. Tabellerna visar "
        "basåret, {years_text}; basårets värden avser brukare med känd ålder och kön (se Vad prognosen inte "
        "omfattar)."
    ),
    "costs_text": (
        "Kostnaden är volymen gånger kostnaden per enhet, summerad över prognosens insatser, i {base_year} års "
        "priser (miljoner kronor)."
    ),
    "no_budget": (
        "Kommunens konfiguration anger ingen budgetram (prognos.budget), så inget gap beräknas."
    ),
    "budget_text": (
        "Budgetramen gäller prognosens insatser (direkt kostnad och overhead, utan myndighetsutövning) i "
        "{base_year} års priser. Ett positivt gap betyder att prognosen ligger över ramen."
    ),
    "budget_outside": "Budgetår utanför prognosen visas inte: {years}.",
    "unassigned_text": (
        "Personer utan känt födelsedatum eller kön ingår inte i något konsumtionstal och därmed inte i "
        "prognosen. Tabellen visar hur stor del av varje insats volym under basåret de stod för."
    ),
    "unassigned_none": (
        "Alla brukare av prognosens insatser hade känd ålder och känt kön, så hela basårets volym ingår i "
        "konsumtionstalen."
    ),
    "no_data_section": "Uppgift saknas: prognosen kan inte beräknas utan befolkningsprognos.",
}

CHARTS = {
    "population": "Befolkningens utveckling (index, {base_year} = 100)",
    "population_alt": (
        "Linjediagram: antal invånare 0–20 år, 65 år och äldre och 80 år och äldre per år som index "
        "({base_year} = 100); 80+ når {pop80} år {last_year}."
    ),
    "rates": "{service}: brukare per 1\u00a0000 invånare",
    "rates_alt": (
        "Stapeldiagram: brukare av {service} per 1\u00a0000 invånare per åldersgrupp, kvinnor och män."
    ),
    "volume": "{service}: {unit} per år",
    "volume_alt": "Linjediagram: {unit} av {service} per år och scenario, {first} till {last}.",
    "cost": "Kostnad per år och scenario",
    "cost_alt": (
        "Linjediagram: prognosens kostnad per år i miljoner kronor för varje scenario; grundscenariot når "
        "{last_cost} år {last_year}."
    ),
    "budget_line": "Budgetram",
    "gap": "Gap mot budgetramen",
    "gap_alt": (
        "Stapeldiagram: prognosens kostnad minus budgetramen per år och scenario i miljoner kronor; "
        "grundscenariots gap år {last_year} är {gap}."
    ),
}

#: what the forecast does not include (the report's closing section)
NOT_INCLUDED = (
    "Pris- och löneförändringar: alla belopp är i basårets priser.",
    "Myndighetsutövning (biståndshandläggning): den hör till besluten, inte till volymen, och ingår inte i "
    "kostnaden per enhet.",
    "Insatser som inte ingår i prognosens urval, och nya insatser eller utförare som inte fanns under basåret.",
    "Personer utan känd ålder eller kön under basåret (se tabellen ovan).",
    "Förändrade behov per invånare (t.ex. bättre hälsa bland äldre) utöver det scenarierna anger, och "
    "politiska beslut om nivåer, avgifter eller biståndsbedömning.",
    "Statlig ersättning och avgifter: prognosen avser bruttokostnad för direkt kostnad och overhead.",
    "Osäkerheten i befolkningsprognosen själv; små grupper (få brukare) ger osäkra konsumtionstal.",
)


#: the total row of the base year's table per service
TOTAL_SERVICES = "Totalt, {n} insatser"
#: the last row of the population table: each group's change over the horizon
CHANGE_ROW = "Förändring {first}–{last}"
#: the table of the services outside the forecast
OUTSIDE = {"service": "Insats utanför prognosen", "cost": "Direkt kostnad och overhead {base_year}"}


def percent_change(share: float) -> str:
    """``+12,3 %`` / ``−4,0 %`` for a change given as a fraction (``–`` when unknown)."""
    from kpbkit import formats

    if share is None or share != share:
        return "–"
    sign = "+" if share > 0 else ""
    return f"{sign}{formats.percent(share)}"
