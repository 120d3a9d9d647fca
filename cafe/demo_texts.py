"""Swedish texts for the demonstration cafés: round questions, table notes and steering
group answers per development area, as staff and managers in social services would write
them. Data only; ``cafe.demo`` combines them."""

from __future__ import annotations

#: development area code -> (question in Swedish, question in English)
QUESTIONS = {
    "introduktion": (
        "Hur tar vi emot nya kollegor så att de vill stanna?",
        "How do we welcome new colleagues so that they want to stay?",
    ),
    "arendemangd": (
        "Vad är ett rimligt antal ärenden, och vad behövs för att vi ska komma dit?",
        "What is a reasonable caseload, and what would it take to get there?",
    ),
    "administrativt-stod": (
        "Vilka arbetsuppgifter skulle administrativt stöd kunna ta över från dig?",
        "Which of your tasks could administrative support take over?",
    ),
    "ledarskap": (
        "Vilket stöd behöver du från din närmaste chef i vardagen?",
        "What support do you need from your manager in everyday work?",
    ),
    "konsulter": (
        "Hur blir vi mindre beroende av inhyrda konsulter?",
        "How do we become less dependent on hired consultants?",
    ),
    "karriarvagar": (
        "Vad skulle få dig att vilja utvecklas och stanna hos oss i fem år till?",
        "What would make you want to grow and stay with us for five more years?",
    ),
    "arbetsmiljo": (
        "Vad gör en arbetsdag hållbar, och vad tar mest energi?",
        "What makes a working day sustainable, and what drains the most energy?",
    ),
}

OBS, IDEA, CONCERN, ASK = "observation", "idea", "concern", "question"

#: development area code -> (kind, note text)
NOTES = {
    "introduktion": [
        (OBS, "Nyanställda får ofta fulla ärendelistor redan första veckan"),
        (OBS, "Introduktionen ser helt olika ut mellan enheterna"),
        (CONCERN, "Nya socialsekreterare lämnar innan de hunnit bli trygga i rollen"),
        (CONCERN, "Ingen har tid att vara handledare när alla har för många ärenden"),
        (IDEA, "Mentor för varje nyanställd under första halvåret"),
        (IDEA, "Skyddad introduktion: högst halv ärendemängd de första tre månaderna"),
        (IDEA, "Gemensam introduktionsvecka för hela staden med myndighetsutövning och juridik"),
        (IDEA, "Checklista för första dagen: dator, behörigheter och telefon på plats"),
        (ASK, "Vem ansvarar för att introduktionsplanen faktiskt följs?"),
        (OBS, "De som fick en fadder säger att det var det som fick dem att stanna"),
        (IDEA, "Avsätt tid i schemat för den som är fadder"),
        (CONCERN, "Nyexaminerade får ta de tyngsta utredningarna utan stöd"),
    ],
    "arendemangd": [
        (OBS, "Många har 40–50 ärenden, rimligt vore runt 30"),
        (CONCERN, "Vi hinner inte träffa klienterna så ofta som vi borde"),
        (CONCERN, "Övertid har blivit ett normalt sätt att klara dagen"),
        (OBS, "Ärendemängden skiljer sig mycket mellan grupperna"),
        (IDEA, "Tak för antal ärenden per handläggare som följs upp varje månad"),
        (IDEA, "Fördela nya ärenden efter tyngd, inte bara efter antal"),
        (IDEA, "Mottagningsgrupp som tar de enkla ärendena och avlastar utredarna"),
        (ASK, "Hur räknas ärenden, och räknas de tunga ärendena dubbelt?"),
        (OBS, "När någon slutar fördelas ärendena ut på oss som är kvar"),
        (CONCERN, "Dokumentationen släpar efter och det oroar inför tillsyn"),
        (IDEA, "Paus i nya ärenden för den som ligger över taket"),
    ],
    "administrativt-stod": [
        (OBS, "Vi lägger mycket tid på att boka tolk och lokaler"),
        (OBS, "Arkivering och post tar flera timmar i veckan"),
        (IDEA, "Administratör i varje grupp som bokar möten, tolk och skickar kallelser"),
        (IDEA, "Ta över registrering i verksamhetssystemet från socialsekreterarna"),
        (IDEA, "Mallar för vanliga beslut och skrivelser i verksamhetssystemet"),
        (CONCERN, "Verksamhetssystemet kräver dubbelregistrering av samma uppgifter"),
        (ASK, "Varför togs assistenttjänsterna bort när ärendena ökade?"),
        (OBS, "Socialsekreterare gör jobb som en assistent kunde göra billigare"),
        (IDEA, "Gemensam servicefunktion för utbetalningar inom ekonomiskt bistånd"),
        (CONCERN, "Datorerna är långsamma och inloggningen krånglar varje morgon"),
    ],
    "ledarskap": [
        (OBS, "Cheferna har för många medarbetare för att hinna med var och en"),
        (CONCERN, "Chefen sitter i möten hela dagarna och är svår att nå"),
        (IDEA, "Högst 20 medarbetare per första linjens chef"),
        (IDEA, "Biträdande chef eller samordnare i varje grupp"),
        (IDEA, "Fast tid varje vecka för ärendedragning med chefen"),
        (OBS, "En närvarande chef gör stor skillnad för arbetsglädjen"),
        (ASK, "Vilket stöd får cheferna själva i sitt uppdrag?"),
        (CONCERN, "Täta chefsbyten gör att ingen tar ansvar för förändringar"),
        (IDEA, "Chefsutbildning i arbetsmiljö och att leda i hög belastning"),
        (OBS, "Beslut fattas långt ifrån oss som möter klienterna"),
    ],
    "konsulter": [
        (OBS, "Konsulterna har högre lön för samma arbete"),
        (CONCERN, "Kunskapen försvinner när konsulten slutar efter tre månader"),
        (CONCERN, "Konsulter tar de enklare ärendena och vi får de tunga"),
        (IDEA, "Använd pengarna för konsulter till högre lön för dem som stannar"),
        (IDEA, "Egen bemanningspool i staden med anställda socialsekreterare"),
        (IDEA, "Stegvis avveckling av konsulter med en tydlig plan per enhet"),
        (ASK, "Hur mycket kostar konsulterna jämfört med fast anställda?"),
        (OBS, "Kontinuiteten för barnen och familjerna blir sämre med konsulter"),
        (IDEA, "Erbjud konsulter fast anställning med bra villkor"),
    ],
    "karriarvagar": [
        (OBS, "Det enda sättet att få högre lön är att byta arbetsgivare"),
        (IDEA, "Karriärsteg som specialistsocionom med högre lön"),
        (IDEA, "Tid för vidareutbildning, till exempel i barnavårdsutredning"),
        (IDEA, "Möjlighet att pröva andra enheter utan att säga upp sig"),
        (CONCERN, "Erfarna socialsekreterare går till privata aktörer och konsultbolag"),
        (ASK, "Finns det en plan för kompetensutveckling för oss som stannar?"),
        (OBS, "Handledning i grupp uppskattas men ställs in när det är mycket"),
        (IDEA, "Lönetrappa som belönar erfarenhet i myndighetsutövning"),
        (IDEA, "Seniora kollegor som metodstöd med del av tjänsten avsatt"),
    ],
    "arbetsmiljo": [
        (OBS, "Hot och våld från klienter har blivit vanligare"),
        (CONCERN, "Många känner sig ensamma med svåra beslut"),
        (IDEA, "Kollegial handledning varannan vecka som inte får ställas in"),
        (IDEA, "Tyst rum för dokumentation och återhämtning"),
        (OBS, "Öppna kontorslandskap gör det svårt att ringa känsliga samtal"),
        (IDEA, "Säkerhetsrutiner och larm vid alla besöksrum"),
        (CONCERN, "Sjukskrivningar på grund av stress ökar i gruppen"),
        (ASK, "Hur följs arbetsmiljöenkäten upp i vår enhet?"),
        (IDEA, "Möjlighet att arbeta hemifrån med dokumentation en dag i veckan"),
    ],
}

#: development area code -> idea status -> the steering group's answer
ANSWERS = {
    "introduktion": {
        "considering": "Styrgruppen utreder hur mentorskap kan ordnas i alla grupper och "
        "återkommer efter budgetarbetet.",
        "planned": "Från januari får varje nyanställd en mentor och en skyddad introduktion "
        "på tre månader. Arbetet planeras tillsammans med skyddsombuden.",
        "done": "Sedan hösten har alla nyanställda en introduktionsplan, en fadder med avsatt "
        "tid och högst halv ärendemängd de första tolv veckorna.",
        "not-pursued": "En gemensam introduktionsvecka för hela staden ryms inte i år; varje "
        "förvaltning har i stället fått en gemensam checklista.",
    },
    "arendemangd": {
        "considering": "Vi kartlägger ärendemängden per grupp för att kunna sätta ett tak som "
        "går att följa upp.",
        "planned": "Ett riktmärke på 30 ärenden per socialsekreterare införs och följs upp "
        "varje månad i ledningsgruppen.",
        "done": "En mottagningsgrupp tar nu de enklare ärendena, och ärendemängden följs upp "
        "varje månad. Snittet har sjunkit från 42 till 34 ärenden.",
        "not-pursued": "Att väga ärenden efter tyngd prövades men blev för krångligt; vi "
        "följer i stället antalet och fördelar om varje månad.",
    },
    "administrativt-stod": {
        "considering": "Vi går igenom vilka uppgifter som kan flyttas till administratörer och "
        "vad det kostar.",
        "planned": "Två administratörer anställs under våren för tolkbokning, post och "
        "arkivering.",
        "done": "Varje grupp har nu en administratör som bokar tolk och lokaler och sköter "
        "post och arkiv.",
        "not-pursued": "Registreringen i verksamhetssystemet måste göras av handläggaren "
        "enligt lag; vi har i stället tagit fram nya mallar.",
    },
    "ledarskap": {
        "considering": "Frågan om antal medarbetare per chef tas upp i den centrala "
        "styrgruppen.",
        "planned": "Samordnare införs i de största grupperna efter sommaren.",
        "done": "Alla grupper har fast tid för ärendedragning varje vecka, och cheferna har "
        "gått en utbildning i arbetsmiljö.",
        "not-pursued": "Fler chefstjänster ryms inte i budgeten i år; samordnare prioriteras "
        "i stället.",
    },
    "konsulter": {
        "considering": "Vi jämför kostnaden för konsulter med en egen bemanningspool.",
        "planned": "En plan för att avveckla konsulterna enhet för enhet tas fram till "
        "årsskiftet.",
        "done": "Antalet konsulter har minskat från 100 till 34, och flera har tackat ja till "
        "fast anställning.",
        "not-pursued": "Lönen sätts i den årliga lönerevisionen och kan inte kopplas direkt "
        "till konsultkostnaderna.",
    },
    "karriarvagar": {
        "considering": "Vi undersöker hur ett karriärsteg som specialistsocionom kan se ut.",
        "planned": "Tjänster som specialistsocionom med metodstöd inrättas under nästa år.",
        "done": "Fem medarbetare har börjat en vidareutbildning i barnavårdsutredning på "
        "arbetstid.",
        "not-pursued": "Tjänstebyten mellan enheter utan ny anställning är inte möjliga i dag, "
        "men lediga tjänster annonseras först internt.",
    },
    "arbetsmiljo": {
        "considering": "Skyddsombuden och cheferna går igenom säkerheten i besöksrummen.",
        "planned": "Kollegial handledning varannan vecka införs i alla grupper under hösten.",
        "done": "Alla besöksrum har nu larm, och ett tyst rum har ordnats på varje "
        "våningsplan.",
        "not-pursued": "Arbete hemifrån med känsliga uppgifter är inte tillåtet av "
        "säkerhetsskäl.",
    },
}

#: development area code -> one sentence for the plenary summary
SUMMARY_LINES = {
    "introduktion": "Om introduktionen var borden eniga: nya kollegor behöver en mentor och "
    "en skyddad start innan de får en full ärendelista.",
    "arendemangd": "Ärendemängden upplevs som för hög; många nämnde 40–50 ärenden och "
    "önskade ett tak kring 30 som följs upp.",
    "administrativt-stod": "Mycket tid går till administration som en assistent kunde göra, "
    "som tolkbokning, post och arkivering.",
    "ledarskap": "Närvarande chefer med färre medarbetare och fast tid för ärendedragning "
    "lyftes som det viktigaste stödet.",
    "konsulter": "Konsulterna ses som dyra och skapar brist på kontinuitet; pengarna borde gå "
    "till dem som stannar.",
    "karriarvagar": "Deltagarna efterfrågade karriärsteg, vidareutbildning och en lön som "
    "belönar erfarenhet.",
    "arbetsmiljo": "Kollegial handledning, säkerhet i besöksrummen och återhämtning är "
    "avgörande för en hållbar arbetsdag.",
}
