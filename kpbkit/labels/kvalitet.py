"""Swedish display text of the data-quality report (``kvalitet.html`` / ``.pdf``): phases, guidance per check.

Every check id of ``data_quality.csv`` has a Swedish name in :data:`kpbkit.labels.CHECKS` and here a short
text saying how to fix it or what to ask the client (:data:`GUIDANCE`); a check id without one gets
:data:`GENERIC_GUIDANCE`, so a new check always renders.
"""

from __future__ import annotations

from kpbkit import formats

TITLE = "Datakvalitet och avstämning"
SUBTITLE = "Underlag för datatvätt tillsammans med kommunen"

#: the cleaning phases consultants work in, in order: id → heading (KPB-METHOD §1)
PHASES = {
    "records": "Verksamhetssystemets uppgifter",
    "ledger": "Huvudbokens kodsträngar",
    "reconciliation": "Avstämning",
}
#: phase id → its number in the report (findings are numbered 1.1, 1.2, 2.1, ...)
PHASE_NUMBERS = {"records": 1, "ledger": 2, "reconciliation": 3}

#: severity id → the plural form shown in sentences and column heads
SEVERITY_PLURAL = {"error": "fel", "warning": "varningar", "info": "informationsposter"}
SEVERITY_SINGULAR = {"error": "fel", "warning": "varning", "info": "informationspost"}

COLUMNS = {
    "number": "Nr",
    "findings": "Avvikelser",
    "phase": "Fas",
    "rows": "Rader efter inläsning",
    "target_label": "Kostnadspool",
    "reason": "Varför ej fördelat",
    "label": "Kontrollsumma",
    "amount": "Angivet belopp, kr",
    "covers": "Omfattar",
    "records": "Fas 1",
    "ledger": "Fas 2",
    "reconciliation": "Fas 3",
}

#: the parts of one finding's block
FINDING_PARTS = {
    "severity": "Allvarlighet",
    "table": "Tabell",
    "count": "Antal",
    "check_id": "Kontroll-id",
    "detail": "Teknisk detalj",
    "example": "Exempel",
    "guidance": "Så åtgärdar ni",
    "no_example": "inget exempel angivet",
}

SENTENCES = {
    "verdict_errors": (
        "Resultaten går inte att lita på ännu: körningen har {errors}. De måste rättas eller förklaras innan "
        "siffrorna lämnas till kommunen; börja med dem. Därutöver finns {warnings} att gå igenom."
    ),
    "verdict_no_control": (
        "Inga fel hittades, men huvudboken är inte avstämd mot någon kontrollsumma från kommunen "
        "(räkenskapssammandraget, RS). Lägg in kommunens belopp under quality.control_totals i "
        "konfigurationen innan resultaten används. Därutöver finns {warnings} att gå igenom med kommunen."
    ),
    "verdict_not_checked": (
        "Inga fel hittades, men körningen redovisar ingen jämförelse mot kommunens kontrollsumma, så avstämningen "
        "mot räkenskapssammandraget (RS) återstår. Därutöver finns {warnings} att gå igenom med kommunen."
    ),
    "verdict_ok": (
        "Resultaten går att lita på: inga fel hittades, varje krona i huvudboken är fördelad eller redovisad "
        "och huvudboken stämmer med kommunens kontrollsumma. {warnings_sentence}"
    ),
    "verdict_ok_warnings": "{warnings} bör ändå gås igenom med kommunen, eftersom de påverkar resultaten.",
    "verdict_ok_clean": "Det finns inga varningar.",
    "no_findings_phase": "Inga avvikelser hittades i den här fasen.",
    "inputs": (
        "Tabellerna nedan är kommunens uttag efter inläsning och pseudonymisering. Exemplen i avvikelserna "
        "hänvisar till rader i kommunens egna filer, aldrig till personer."
    ),
    "ledger_overview": (
        "Huvudbokens rader inom perioden summerar till {ledger}. Av det är {unmapped} inte kopplat till någon "
        "regel, {pools} ligger i kostnadspooler utan volym att fördela på och {excluded} är med regler "
        "undantaget från KPB."
    ),
    "no_residuals": "Inga belopp är ofördelade: allt i huvudboken har fördelats till brukare.",
    "residuals": "Belopp som inte fördelats till brukare, per kostnadspool och typ:",
    "no_control_totals": (
        "Kommunen har inte angett någon kontrollsumma. Be kommunens ekonom om räkenskapssammandragets (RS) "
        "belopp för de verksamheter analysen omfattar och lägg in dem under quality.control_totals i "
        "konfigurationen (label, amount och vid behov activities och account_prefixes); kpbkit jämför då "
        "huvudboken med dem i varje körning."
    ),
    "control_totals": (
        "Kontrollsummor som kommunen angett. En skillnad större än {tolerance} mellan huvudboken och "
        "kontrollsumman är ett fel."
    ),
    "no_control_findings": (
        "Körningen redovisar ingen jämförelse mot kontrollsummorna ovan; kontrollera att körningen gjorts med "
        "den aktuella konfigurationen."
    ),
}

#: a control total covering every activity / account
COVERS_ALL = "hela huvudboken"
COVERS_ACTIVITIES = "verksamhet {codes}"
COVERS_ACCOUNTS = "konton som börjar på {codes}"

#: reconciliation target form → why its residual is not allocated
RESIDUAL_REASONS = {
    "exclude": "Undantaget från KPB i reglerna",
    "unmapped": "Ingen regel kopplar raderna",
    "service": "Ingen volym att fördela på",
    "overhead": "Ingen direkt kostnad att fördela på",
    "myndighet": "Inga brukare att fördela på",
}

CHARTS = {
    "per_table": "Avvikelser per tabell",
    "per_table_alt": "Stapeldiagram: antal avvikelser per tabell och allvarlighet; flest finns i {largest}.",
}

GENERIC_GUIDANCE = (
    "Den här kontrollen har ännu ingen färdig åtgärdstext. Läs vad körningen fann och exemplet, leta upp raden i "
    "kommunens fil och stäm av med kommunen om uppgiften ska rättas i källsystemet eller förklaras."
)

#: check id → how to fix it, or what to ask the client (one to three sentences)
GUIDANCE = {
    "visit_outside_period": (
        "Besök daterade utanför perioden räknas inte. Ingen åtgärd behövs om uttaget medvetet omfattar mer än "
        "perioden; fråga annars kommunen om tidregistreringen tagits ut för rätt datumintervall."
    ),
    "ledger_outside_period": (
        "Huvudboksrader daterade utanför perioden räknas inte. Kontrollera att uttaget avser rätt räkenskapsår och "
        "att bokslutsposter och periodiseringar hamnat i rätt period."
    ),
    "minutes_not_positive": (
        "Besök med tom, noll eller negativ tid är inte med i volymerna. Be kommunen kontrollera tidregistreringen: "
        "ofta saknade utloggningar eller makulerade besök som ligger kvar i uttaget."
    ),
    "minutes_implausible": (
        "Besöket är längre än gränsen i konfigurationen (quality.max_visit_minutes, normalt ett dygn) och är "
        "troligen felregistrerat. Be kommunen kontrollera exempelraden i tidregistreringen, till exempel en "
        "glömd utloggning eller tid för en hel vecka på ett besök."
    ),
    "wrong_table_for_unit": (
        "Insatsen mäts i en annan enhet än tabellen raden står i (till exempel ett besök för en dygnsinsats), så "
        "raden räknas inte. Kontrollera kopplingen av kommunens insatskod, eller be kommunen leverera raden i "
        "rätt tabell."
    ),
    "service_unknown": (
        "Insatskoden finns inte i insatskatalogen och raden räknas inte. Koppla kommunens kod till en insats i "
        "konfigurationens kodlista, eller lägg till insatsen i katalogen (services) om den är kommunens egen."
    ),
    "provider_unknown": (
        "Utförarens id finns inte i utförarregistret och raden räknas inte. Be kommunen komplettera "
        "utförarlistan med saknade utförare (id, namn och regi)."
    ),
    "provider_missing": (
        "Raden saknar utförare och räknas som egen regi. Fråga kommunen om det stämmer: köps insatsen externt ska "
        "utföraren anges, annars hamnar kostnaden och volymen på fel regi."
    ),
    "end_before_start": (
        "Slutdatum ligger före startdatum och raden räknas inte. Be kommunen rätta datumen i verksamhetssystemet; "
        "ofta är de omkastade eller har fel år."
    ),
    "daily_price_not_positive": (
        "Dygnspriset är noll eller negativt, så vistelsen räknas som utan pris. Be kommunen ange det avtalade "
        "dygnspriset, eller lämna fältet tomt när inget pris finns."
    ),
    "daily_price_missing": (
        "Vistelsen saknar dygnspris i en kostnadspool där andra vistelser har pris och vägs därför med poolens "
        "snittpris. Be kommunen komplettera avtalade dygnspriser för köpta placeringar, så att kostnaden "
        "fördelas rätt mellan dem."
    ),
    "overlapping_stays": (
        "Samma person har överlappande vistelser i samma insats; varje dygn räknas en gång, för den vistelse som "
        "började sist. Fråga kommunen om den tidigare vistelsen borde ha avslutats, till exempel vid byte av "
        "boende eller placering."
    ),
    "overlapping_decisions": (
        "Samma person har överlappande beslut om samma insats; för månadsinsatser räknas varje dag en gång, men "
        "beviljade timmar läggs ihop. Be kommunen kontrollera att gamla beslut avslutats när nya fattats, annars "
        "blir den beviljade tiden för hög."
    ),
    "placement_without_decision": (
        "Placeringen saknar ett beslut om samma insats under vistelsen men räknas ändå. Be kommunen kontrollera "
        "beslutet i verksamhetssystemet: saknas det, eller är det registrerat på en annan insats eller med andra "
        "datum?"
    ),
    "ledger_unmapped": (
        "Huvudboksrader som ingen regel kopplar redovisas som ej fördelade. Gå igenom raderna (verksamhet, konto, "
        "ansvar) med kommunens ekonom och lägg till regler, eller en exclude-regel för kostnader som inte hör "
        "till KPB."
    ),
    "pool_without_volume": (
        "Kostnadspoolen har ett belopp men ingen volym att fördela det på, så beloppet redovisas som ej fördelat. "
        "Kontrollera att regeln pekar på rätt insats och regi, och att leveranserna finns med i uttaget från "
        "verksamhetssystemet."
    ),
    "volume_without_pool": (
        "Insatsen har volym men ingen direkt kostnad i huvudboken och får därför ingen kostnad. Fråga kommunens "
        "ekonom var kostnaden bokförs och lägg till en regel för den."
    ),
    "person_not_in_persons": (
        "Personer i leveranserna saknas i personregistret. De räknas i volymer och kostnader, men ålder och kön "
        "finns bara om personnumret anger dem. Be kommunen ta med alla personer med insatser i personuttaget."
    ),
    "birth_date_unknown": (
        "Födelsedatum saknas: personen räknas i kostnaderna men inte i åldersgrupper eller åldersbaserade "
        "nyckeltal. Kontrollera personnumret, eller komplettera födelsedatum i personuttaget."
    ),
    "sex_unknown": (
        "Kön saknas: personen räknas men inte i jämförelsen mellan kvinnor och män. Kontrollera personnumret, "
        "eller komplettera kön i personuttaget."
    ),
    "duplicate_person_id": (
        "Samma person förekommer på flera rader i personregistret och den första raden används. Be kommunen "
        "leverera en rad per person."
    ),
    "duplicate_provider_id": (
        "Samma utförare förekommer på flera rader och den första raden, med dess regi, används. Kontrollera att "
        "raderna har samma regi och be kommunen leverera en rad per utförare."
    ),
    "duplicate_decision_id": (
        "Samma beslutsid förekommer på flera rader. Fråga kommunen om beslutet exporterats två gånger eller om "
        "olika beslut delar id; beslutet får bara finnas en gång."
    ),
    "duplicate_stay_id": (
        "Samma vistelseid förekommer på flera rader. Fråga kommunen om vistelsen exporterats två gånger eller om "
        "olika vistelser delar id."
    ),
    "duplicate_visits": (
        "Besök som är lika i alla uppgifter förekommer flera gånger. Fråga kommunen om tidregistreringen "
        "exporterats dubbelt eller om besöken verkligen ägt rum; dubbla besök ger för många utförda timmar."
    ),
    "visit_without_decision": (
        "Besöket gjordes en dag då personen inte hade något gällande beslut om insatsen. Be kommunen kontrollera "
        "om beslutet saknas, har fel datum eller är registrerat på en annan insats."
    ),
    "decision_without_delivery": (
        "Beslutet har ingen leverans under perioden. Det kan stämma (en vilande insats, en person på sjukhus) men "
        "kan också betyda att tidregistrering eller vistelser saknas i uttaget. Fråga kommunen."
    ),
    "stay_outside_period": (
        "Vistelsen ligger helt utanför perioden och räknas inte. Ingen åtgärd behövs om uttaget medvetet omfattar "
        "mer än perioden; kontrollera annars uttagets datumurval."
    ),
    "decision_outside_period": (
        "Beslutet gäller helt utanför perioden och räknas inte. Ingen åtgärd behövs om uttaget medvetet omfattar "
        "mer än perioden; kontrollera annars uttagets datumurval."
    ),
    "control_total_mismatch": (
        "Huvudbokens summa skiljer sig från kontrollsumman kommunen angett. Fråga kommunens ekonom om uttaget "
        "saknar konton eller verksamheter, om bokslutsposter saknas, eller om kontrollsumman avser ett annat "
        "urval. Rätta detta innan resultaten används."
    ),
    "control_total_match": (
        "Huvudboken stämmer med kontrollsumman inom toleransen. Ingen åtgärd behövs."
    ),
    "population_count_negative": (
        "Befolkningsfilen har rader med negativt antal invånare, och de används som de står i nyckeltal per "
        "invånare och i prognosen. Kontrollera uttaget: ofta är kolumnerna förskjutna eller raden en skillnad mellan "
        "två år. Hämta befolkningen per ålder och kön den 31 december från SCB på nytt."
    ),
    "population_age_implausible": (
        "Befolkningsfilen har åldrar över 110 år. SCB:s tabeller slutar på 100 eller 100+, så kolumnen för ålder "
        "innehåller troligen något annat, till exempel ett år eller en kod. Kontrollera exempelraden och uttaget."
    ),
    "person_age_implausible": (
        "Personen är över 110 år vid periodens slut och räknas i den äldsta åldersgruppen. Oftast är seklet fel i ett "
        "tiosiffrigt personnummer (+ i stället för -) eller födelsedatumet felregistrerat. Be kommunen kontrollera "
        "personnumret i exempelraden."
    ),
    "granted_hours_implausible": (
        "Beslutet beviljar fler timmar i månaden än månaden har (744). Kolumnen kan innehålla timmar per år, "
        "per halvår eller minuter. Be kommunen kontrollera exempelraden och vilken enhet beviljad tid har i uttaget. "
        "Personlig assistans med dubbelassistans (två assistenter samtidigt) kan ge fler timmar än månaden har: "
        "då är beslutet rimligt och kan stå kvar."
    ),
    "person_id_personnummer": (
        "Kolumnen för person-id innehåller personnummer. De pseudonymiseras som personnummer och ger ålder och kön, "
        "så ingen åtgärd behövs för resultaten. Be gärna kommunen leverera personnumret i en egen kolumn, eller "
        "verksamhetssystemets eget person-id."
    ),
    "ledger_amount_implausible": (
        "En enskild huvudboksrad på en miljard kronor eller mer är nästan alltid fel: en extra siffra, belopp i ören "
        "eller en summarad som följt med i uttaget. Raden fördelas ändå. Kontrollera raden med kommunens ekonom innan "
        "resultaten används."
    ),
    "persons_contradict_personnummer": (
        "Födelsedatum eller kön i personregistret stämmer inte med personnumret, och personnumret används. Be "
        "kommunen kontrollera uppgifterna i personregistret."
    ),
    "personnummer_invalid_format": (
        "Personnumret har fel antal siffror eller tecken. Raden räknas, men utan ålder och kön. Be kommunen "
        "kontrollera exportens format (10 eller 12 siffror, med eller utan bindestreck)."
    ),
    "personnummer_invalid_date": (
        "Personnumret innehåller ett datum som inte finns. Raden räknas, men utan ålder och kön. Be kommunen "
        "kontrollera personnumret i verksamhetssystemet."
    ),
    "personnummer_invalid_check_digit": (
        "Personnumrets kontrollsiffra stämmer inte, oftast ett skrivfel. Raden räknas, men utan ålder och kön. "
        "Be kommunen kontrollera personnumret i verksamhetssystemet."
    ),
    "personnummer_invalid_missing": (
        "Raden saknar personnummer. Be kommunen komplettera uttaget; utan identitet kan raden inte kopplas till "
        "personens övriga insatser."
    ),
    "personnummer_missing": (
        "Raden saknar personnummer. Be kommunen komplettera uttaget; utan identitet kan raden inte kopplas till "
        "personens övriga insatser."
    ),
    "samordningsnummer": (
        "Personer med samordningsnummer räknas som alla andra. Ingen åtgärd; antalet redovisas för kännedom."
    ),
    "population_missing": (
        "Befolkningsuppgifter saknas, så nyckeltal per invånare (till exempel täckningsgrad 80+) kan inte "
        "beräknas. Lägg in befolkningen per ålder och kön den 31 december (SCB) i underlaget."
    ),
    "table_missing": (
        "En tabell saknas i underlaget och räknas som tom. Kontrollera att uttaget är komplett, eller att "
        "kommunen verkligen saknar insatser av det slaget."
    ),
    "unknown_columns": (
        "Kolumner som kpbkit inte känner igen ignoreras. Ingen åtgärd om de är extra; heter en nödvändig kolumn "
        "något annat i kommunens fil, lägg till den i kolumnmappningen i konfigurationen."
    ),
}


def guidance(check_id: str) -> str:
    """How to fix a check's finding (the generic text for a check without its own)."""
    return GUIDANCE.get(check_id, GENERIC_GUIDANCE)


def counted(n: int, severity: str) -> str:
    """``1 varning``, ``3 varningar``, ``inga varningar``: a number of findings of one severity."""
    if n == 0:
        return f"inga {SEVERITY_PLURAL[severity]}"
    word = SEVERITY_SINGULAR[severity] if n == 1 else SEVERITY_PLURAL[severity]
    return f"{formats.count(n)} {word}"
