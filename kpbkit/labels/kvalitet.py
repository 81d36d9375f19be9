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
    "detail": "Vad körningen fann",
    "example": "Exempel",
    "guidance": "Så åtgärdar ni",
    "no_example": "inget exempel angivet",
}

#: the figures a finding's "Vad körningen fann" states, by the value's name, for the table under it
VALUE_LABELS = {
    "count": "Antal", "counted": "Räknade", "checked": "Kontrollerade", "placed": "Placeringar", "rows": "Rader",
    "hours": "Timmar", "volume": "Volym", "inhabitants": "Invånare", "amount": "Belopp", "limit_amount": "Beloppsgräns",
    "ledger": "Huvudboken", "stated": "Angiven kontrollsumma", "difference": "Differens", "tolerance": "Tolerans",
    "max_minutes": "Gräns, minuter", "max_age": "Gräns, ålder", "limit": "Gräns",
}

SENTENCES = {
    # the verdict: one status sentence, then one on the warnings (what moves kronor and what does not)
    "verdict_errors": (
        "Resultaten kan inte användas ännu: körningen har {errors} som måste rättas eller förklaras innan "
        "siffrorna lämnas till kommunen (se {sections})."
    ),
    "verdict_no_control": (
        "Resultaten kan användas med ett förbehåll: inga fel hittades, men huvudboken är inte avstämd mot någon "
        "kontrollsumma från kommunen, till exempel räkenskapssammandraget (se avsnitt 3)."
    ),
    "verdict_not_checked": (
        "Resultaten kan användas med ett förbehåll: inga fel hittades, men avstämningen mot kommunens "
        "kontrollsumma återstår (se avsnitt 3)."
    ),
    "verdict_ok": (
        "Resultaten kan användas: inga fel hittades och huvudboken stämmer med kommunens kontrollsumma."
    ),
    "warnings_none": "Det finns inga varningar.",
    "warnings_other": "{other} gäller uppgifter som inte påverkar kostnaderna.",
    "warnings_money": "{money} påverkar fördelningen av kostnaderna{unallocated} (se {sections}).",
    "warnings_both": (
        "{other} gäller uppgifter som inte påverkar kostnaderna; {money} påverkar fördelningen{unallocated} "
        "(se {sections})."
    ),
    "unallocated": ", och {amount} i huvudboken är inte fördelat till brukare",
    "section": "avsnitt {numbers}",
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
        "belopp för de verksamheter analysen omfattar och lägg in dem i inställningarna för kontrollsummor, med "
        "benämning, belopp och vid behov vilka verksamheter och konton beloppet omfattar; analysen jämför då "
        "huvudboken med dem i varje körning."
    ),
    "control_totals": (
        "Kontrollsummor som kommunen angett. En skillnad större än {tolerance} mellan huvudboken och "
        "kontrollsumman är ett fel."
    ),
    "no_control_findings": (
        "Körningen redovisar ingen jämförelse mot kontrollsummorna ovan; kontrollera att körningen gjorts med "
        "de aktuella inställningarna."
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
        "Besöket är längre än gränsen i inställningarna för datakvalitet (normalt ett dygn) och är "
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
        "inställningarnas kodlista, eller lägg till insatsen i insatskatalogen om den är kommunens egen."
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
        "ansvar) med kommunens ekonom och lägg till regler, eller en regel som undantar kostnader som inte hör "
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
        "Kolumner som analysen inte känner igen används inte. Ingen åtgärd om de är extra; heter en nödvändig "
        "kolumn något annat i kommunens fil, koppla den till rätt uppgift i inställningarnas kolumnlista."
    ),
}


#: check id → what the run found, in Swedish. ``{count}`` and ``{table}`` (the table's name) are always there,
#: other placeholders come from the finding's values; ``{x:rad|rader}`` gives ``1 rad`` or ``3 rader``. A check
#: without a sentence here, or whose values lack a placeholder, gets :data:`GENERIC_DETAIL`.
DETAILS = {
    "visit_outside_period": "{count:besök|besök} ligger utanför perioden och räknas inte.",
    "ledger_outside_period": "{count:huvudboksrad|huvudboksrader} ligger utanför perioden och räknas inte.",
    "minutes_not_positive": "{count:besök|besök} har tom, noll eller negativ tid och är inte med i volymerna.",
    "minutes_implausible": (
        "{count:besök|besök} är längre än {max_minutes} minuter, sammanlagt {hours} timmar, och räknas ändå i "
        "volymerna."
    ),
    "wrong_table_for_unit": (
        "{count:rad|rader} i tabellen {table} gäller en insats som mäts i en annan enhet och är inte med i "
        "volymerna."
    ),
    "service_unknown": (
        "{count:rad|rader} i tabellen {table} har en insatskod som inte finns i insatskatalogen och är inte med i "
        "volymerna."
    ),
    "provider_unknown": (
        "{count:rad|rader} i tabellen {table} har en utförare som saknas i utförarregistret och är inte med i "
        "volymerna."
    ),
    "provider_missing": "{count:rad|rader} i tabellen {table} saknar utförare och räknas som egen regi.",
    "end_before_start": (
        "{count:rad|rader} i tabellen {table} slutar före startdatumet och är inte med i volymerna."
    ),
    "daily_price_not_positive": (
        "{count:vistelse|vistelser} har ett dygnspris på noll eller lägre och räknas som utan pris."
    ),
    "daily_price_missing": (
        "{count:vistelse|vistelser} saknar dygnspris i en kostnadspool där andra vistelser har pris och vägs med "
        "poolens snittpris."
    ),
    "overlapping_stays": (
        "{count:vistelse|vistelser} överlappar en annan vistelse för samma person och insats; varje dygn räknas "
        "för den vistelse som började sist."
    ),
    "overlapping_decisions": (
        "{count:beslut|beslut} överlappar ett annat beslut för samma person och insats; varje dag räknas för det "
        "beslut som började sist."
    ),
    "placement_without_decision": (
        "{count} av {placed:placering|placeringar} saknar beslut om samma insats under vistelsen "
        "({per_service}) men räknas ändå i volymer och kostnader."
    ),
    "ledger_unmapped": (
        "{count:huvudboksrad|huvudboksrader} med sammanlagt {amount} kopplas inte av någon regel och fördelas "
        "inte till brukare."
    ),
    "pool_without_volume": (
        "{target} ({kind}) har {amount} i huvudboken men ingen volym att fördela beloppet på; det redovisas "
        "som ej fördelat."
    ),
    "volume_without_pool": (
        "{service} har en volym på {volume} men ingen direkt kostnad i huvudboken och får därför ingen kostnad."
    ),
    "person_not_in_persons": (
        "{count:person|personer} i tabellen {table} ({rows:rad|rader}) saknas i personregistret men räknas i "
        "volymer och kostnader."
    ),
    "birth_date_unknown": (
        "{count:person|personer} med insatser saknar födelsedatum och ingår inte i någon åldersgrupp."
    ),
    "sex_unknown": (
        "{count:person|personer} med insatser saknar uppgift om kön och ingår inte i jämförelsen mellan kvinnor "
        "och män."
    ),
    "duplicate_person_id": (
        "{count:rad|rader} i personregistret upprepar en person som redan finns; den första raden används."
    ),
    "duplicate_provider_id": (
        "{count:rad|rader} i utförarregistret upprepar en utförare som redan finns; den första raden används."
    ),
    "duplicate_decision_id": (
        "{count:rad|rader} har samma beslutsid som en tidigare rad ({ids:id|id} totalt); alla rader används som "
        "de är."
    ),
    "duplicate_stay_id": (
        "{count:rad|rader} har samma vistelseid som en tidigare rad ({ids:id|id} totalt); alla rader används som "
        "de är."
    ),
    "duplicate_visits": (
        "{count:besöksrad|besöksrader} är lika en tidigare rad i person, insats, datum, tid, utförare och "
        "personal och räknas ändå som alla andra rader."
    ),
    "visit_without_decision": (
        "{count} av {counted:räknat besök|räknade besök} gjordes en dag då personen saknade gällande beslut om "
        "insatsen ({per_service}) men räknas ändå i volymer och kostnader."
    ),
    "decision_without_delivery": (
        "{count} av {checked:beslut|beslut} som gällde under perioden har ingen leverans medan de gällde "
        "({per_service})."
    ),
    "stay_outside_period": (
        "{count:vistelse|vistelser} ligger helt före ({before}) eller efter ({after}) perioden och räknas inte."
    ),
    "decision_outside_period": (
        "{count:beslut|beslut} gäller helt före ({before}) eller efter ({after}) perioden och räknas inte."
    ),
    "control_total_mismatch": (
        "Huvudboken summerar till {ledger} för {label} ({scope}) och kommunen anger {stated}: skillnaden "
        "{difference} är större än toleransen {tolerance}."
    ),
    "control_total_match": (
        "Huvudboken summerar till {ledger} för {label} ({scope}) och kommunen anger {stated}: skillnaden "
        "{difference} ryms inom toleransen {tolerance}."
    ),
    "population_count_negative": (
        "{count:rad|rader} i befolkningsfilen har ett negativt antal invånare (sammanlagt {inhabitants}) och "
        "används utan ändring."
    ),
    "population_age_implausible": (
        "{count:rad|rader} i befolkningsfilen har en ålder över {max_age} år (som högst {oldest}) och används "
        "utan ändring."
    ),
    "person_age_implausible": (
        "{count:person|personer} är över {max_age} år vid periodens slut, {end} (den äldsta är {oldest} år), och "
        "räknas i den äldsta åldersgruppen."
    ),
    "granted_hours_implausible": (
        "{count:beslut|beslut} beviljar fler än {limit} timmar i månaden (som mest {largest} timmar) och används "
        "utan ändring."
    ),
    "ledger_amount_implausible": (
        "{count:huvudboksrad|huvudboksrader} på {limit_amount} eller mer, sammanlagt {amount}, fördelas ändå som "
        "andra rader."
    ),
    "person_id_personnummer": (
        "{count:rad|rader} har personnummer i kolumnen för person-id ({column}), som pseudonymiseras som "
        "personnummer och ger ålder och kön."
    ),
    "persons_contradict_personnummer": (
        "{count:person|personer} har födelsedatum eller kön i personregistret som inte stämmer med "
        "personnumret; personnumret används."
    ),
    "personnummer_invalid_format": (
        "{count:rad|rader} i tabellen {table} har personnummer med fel antal siffror eller tecken och räknas, men "
        "utan ålder och kön."
    ),
    "personnummer_invalid_date": (
        "{count:rad|rader} i tabellen {table} har personnummer med ett datum som inte finns och räknas, men utan "
        "ålder och kön."
    ),
    "personnummer_invalid_check_digit": (
        "{count:rad|rader} i tabellen {table} har personnummer med fel kontrollsiffra och räknas, men utan ålder "
        "och kön."
    ),
    "personnummer_invalid_missing": (
        "{count:rad|rader} i tabellen {table} saknar personnummer och räknas, men utan ålder och kön."
    ),
    "personnummer_missing": (
        "{count:rad|rader} i tabellen {table} saknar personnummer och är inte med i beräkningen: utan personnummer "
        "kan en rad inte kopplas till en person."
    ),
    "samordningsnummer": "{count:rad|rader} i tabellen {table} har samordningsnummer och räknas som alla andra.",
    "population_missing": "Befolkning för {year} saknas, så nyckeltal per invånare kan inte beräknas.",
    "table_missing": "Filen med {table} saknas i underlaget, så tabellen räknas som tom.",
    "unknown_columns": "{count:kolumn|kolumner} i filen med {table} används inte: {columns}.",
}
#: the name of a check without a Swedish name (its id is never shown)
UNNAMED_CHECK = "Övrig kontroll"
#: a check without its own sentence: its Swedish name, table and count
GENERIC_DETAIL = "Kontrollen ”{name}” gäller {count:fall|fall} i tabellen {table}."

#: the words of an example row (``{}`` is the value)
EXAMPLE_ROW = "{file} rad {row}"
EXAMPLE_FIELDS = {
    "minutes": "{} min",
    "provider_id": "utförare {}",
    "staff_id": "personal {}",
    "decision_id": "beslut {}",
    "stay_id": "vistelse {}",
    "daily_price": "dygnspris {}",
    "granted_hours_per_month": "{} tim/mån",
    "activity": "verksamhet {}",
    "account": "konto {}",
    "responsibility": "ansvar {}",
    "regi": "regi {}",
    "law": "lag {}",
    "level": "nivå {}",
    "year": "år {}",
    "age": "ålder {}",
    "sex": "kön {}",
    "count": "antal {}",
    "column": "kolumnen {}",
}
#: what an empty field is called in an example (``… saknas``)
EXAMPLE_EMPTY = {
    "provider_id": "utförare", "staff_id": "personal", "decision_id": "beslutsid", "stay_id": "vistelseid",
    "daily_price": "dygnspris", "granted_hours_per_month": "beviljad tid", "minutes": "tid", "date": "datum",
    "start_date": "startdatum", "service_code": "insatskod", "activity": "verksamhet", "account": "konto",
    "responsibility": "ansvar", "amount": "belopp", "personnummer": "personnummer", "year": "år", "age": "ålder",
    "sex": "kön", "count": "antal",
}
EXAMPLE_EMPTY_SUFFIX = "{} saknas"
EXAMPLE_OPEN_END = "tills vidare"
#: an example's note (the example's ``note`` part) → Swedish
EXAMPLE_NOTES = {
    "personnummer_invalid_format": "personnummer med fel format (visas inte)",
    "personnummer_invalid_date": "personnummer med ogiltigt datum (visas inte)",
    "personnummer_invalid_check_digit": "personnummer med fel kontrollsiffra (visas inte)",
    "personnummer_invalid_missing": "personnummer saknas",
    "largest_unmapped": "den största kombinationen utan regel: {combination}, {amount} på {rows:rad|rader}",
}
#: a person's column in an example that is named, not shown (``kolumnen PersonId``)
EXAMPLE_COLUMN = "{file}, kolumnen {column}"

#: the words a control total's scope is written in
SCOPE_ALL_ACTIVITIES = "alla verksamheter"
SCOPE_ALL_ACCOUNTS = "alla konton"


def guidance(check_id: str) -> str:
    """How to fix a check's finding (the generic text for a check without its own)."""
    return GUIDANCE.get(check_id, GENERIC_GUIDANCE)


def counted(n: int, severity: str) -> str:
    """``1 varning``, ``3 varningar``, ``inga varningar``: a number of findings of one severity."""
    if n == 0:
        return f"inga {SEVERITY_PLURAL[severity]}"
    word = SEVERITY_SINGULAR[severity] if n == 1 else SEVERITY_PLURAL[severity]
    return f"{formats.count(n)} {word}"
