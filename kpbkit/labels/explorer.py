"""Swedish display strings of the interactive explorer (``kpbkit.explorer``, ``utforska.ipynb``)."""

from __future__ import annotations

#: the controls' labels, by control name
CONTROLS = {
    "area": "Verksamhet",
    "services": "Insatser",
    "age_bands": "Åldersgrupper",
    "sex": "Kön",
    "regi": "Regi",
    "providers": "Utförare",
}

ALL = "Alla"
SELECT_ALL = "Välj alla"
RESET = "Återställ urvalet"
EXPORT = "Spara urvalet i Excel"
EXPORTED = "Sparat: {path}"
NO_PROVIDER = "Utförare saknas"
EMPTY = "Inga brukare i urvalet. Välj fler insatser, åldersgrupper, utförare eller en annan regi eller kön."
HINT = ("Håll ned Ctrl (Cmd på Mac) för att välja flera insatser, åldersgrupper eller utförare. "
        "Tabellerna och diagrammen räknas om när urvalet ändras.")
INTERNAL = "Internt arbetsläge: brukarna visas med pseudonym, inga små grupper döljs. Lämna inte ut vyn."

#: the output panes' headings, by table name
SECTIONS = {
    "summary": "Nyckeltal för urvalet",
    "per_service": "Per insats och regi",
    "per_provider": "Per utförare",
    "by_age_sex": "Per åldersgrupp och kön",
    "distribution": "Fördelning av kostnad per brukare",
    "top_cases": "Dyraste brukarna (pseudonymiserade)",
}

SUMMARY = {
    "brukare": "Brukare",
    "gross_cost": "Bruttokostnad",
    "net_cost": "Nettokostnad",
    "cost_per_brukare": "Kostnad per brukare",
    "median_cost_per_brukare": "Median, kostnad per brukare",
    "top10_cost_share": "Andel av kostnaden, dyraste 10 %",
}

COLUMNS = {
    "provider_name": "Utförare",
    "regi_label": "Regi",
    "kpb_cost_per_unit": "Kostnad per enhet inkl. overhead, kr",
    "bracket": "Kostnad per brukare",
    "brukare_share": "Andel av brukarna",
    "cost_share": "Andel av kostnaden",
}

CHARTS = {
    "service_cost": "Bruttokostnad per insats och regi",
    "service_cost_alt": "Liggande staplar: bruttokostnaden per insats och regi i urvalet.",
    "hist": "Kostnad per brukare",
    "hist_alt": "Histogram över kostnaden per brukare i urvalet; medianen är {median}.",
    "age_sex": "Brukare per åldersgrupp och kön",
    "age_sex_alt": "Staplar: antal brukare per åldersgrupp och kön i urvalet.",
}

#: brackets of the cost-per-brukare distribution: label per lower bound in kronor
BRACKETS = {
    0: "under 10 000 kr",
    10_000: "10 000–49 999 kr",
    50_000: "50 000–99 999 kr",
    100_000: "100 000–249 999 kr",
    250_000: "250 000–499 999 kr",
    500_000: "500 000–999 999 kr",
    1_000_000: "1 miljon kr eller mer",
}
