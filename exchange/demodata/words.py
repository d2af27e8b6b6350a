"""Word lists and sentence templates for generated demo releases.

The ministries, ministers, press contacts and quoted people are invented;
the places are real towns and districts of Saxony, so that search, topics
and the archive have something realistic to work with. Invented contact data
uses the reserved example.org domain.

Projects are noun phrases that start with their noun, so one gender letter
is enough to put them in any case (``m``, ``f`` or ``n``).
"""

# Legislative terms the invented appointments follow.
TERM_STARTS = ["2009-09-29", "2014-11-13", "2019-12-20", "2024-12-19"]

MINISTRIES = [
    {
        "slug": "demo-smwt", "short_name": "SMWT",
        "name": "Staatsministerium für Wirtschaft, Technologie und Tourismus",
        "portfolio": "für Wirtschaft, Technologie und Tourismus",
        "ministers": [
            ("Katrin", "Albrecht", "", "f", "2009-09-29", "2017-12-12"),
            ("Jens", "Wendler", "", "m", "2017-12-13", "2024-12-18"),
            ("Sabine", "Kretzschmar", "Dr.", "f", "2024-12-19", None),
        ],
        "contacts": [("Annett Fiedler", "Pressesprecherin"),
                     ("Marco Stein", "Stellvertretender Pressesprecher")],
        "projects": [
            ("m", "Ausbau des Gewerbegebiets an der Autobahn", "wirtschaft"),
            ("f", "Förderung von Existenzgründungen im Handwerk", "wirtschaft"),
            ("n", "Programm »Digitale Werkstatt« für kleine Betriebe", "digitalisierung"),
            ("f", "Ansiedlung eines Zulieferers für Batteriezellen", "wirtschaft"),
            ("n", "Tourismuskonzept für das Erzgebirge", "tourismus"),
            ("f", "Sanierung des Besucherbergwerks", "tourismus"),
            ("f", "Fachkräfteinitiative für Industrie und Handwerk", "arbeit"),
            ("n", "Netzwerk für Wasserstofftechnologien", "wirtschaft"),
            ("f", "Weiterbildungsprämie für Beschäftigte", "arbeit"),
        ],
    },
    {
        "slug": "demo-smukl", "short_name": "SMUKL",
        "name": "Staatsministerium für Umwelt, Klima und Landwirtschaft",
        "portfolio": "für Umwelt, Klima und Landwirtschaft",
        "ministers": [
            ("Uwe", "Reichelt", "", "m", "2009-09-29", "2019-12-19"),
            ("Anja", "Lorenz", "", "f", "2019-12-20", None),
        ],
        "contacts": [("Kristin Vogel", "Pressesprecherin"),
                     ("Sebastian Pohl", "Referent für Öffentlichkeitsarbeit")],
        "projects": [
            ("f", "Renaturierung der Flussaue", "umwelt"),
            ("m", "Hochwasserschutz an der Mulde", "umwelt"),
            ("n", "Förderprogramm für Solaranlagen auf Stalldächern", "klimaschutz"),
            ("f", "Aufforstung von Schadflächen im Staatswald", "umwelt"),
            ("m", "Ausbau des ökologischen Landbaus", "landwirtschaft"),
            ("f", "Modernisierung der Kläranlage", "umwelt"),
            ("n", "Moorschutzprojekt im Westerzgebirge", "klimaschutz"),
            ("f", "Dürrehilfe für landwirtschaftliche Betriebe", "landwirtschaft"),
            ("n", "Dorfentwicklungsprogramm", "laendlicher-raum"),
        ],
    },
    {
        "slug": "demo-smbk", "short_name": "SMBK",
        "name": "Staatsministerium für Bildung und Kultur",
        "portfolio": "für Bildung und Kultur",
        "ministers": [
            ("Petra", "Hänel", "", "f", "2009-09-29", "2014-11-12"),
            ("Michael", "Voigtländer", "", "m", "2014-11-13", "2019-12-19"),
            ("Claudia", "Seidel", "Dr.", "f", "2019-12-20", None),
        ],
        "contacts": [("Thomas Krause", "Pressesprecher"),
                     ("Julia Engelmann", "Stellvertretende Pressesprecherin")],
        "projects": [
            ("m", "Neubau der Oberschule", "schule"),
            ("n", "Landesprogramm für Schulsozialarbeit", "schule"),
            ("f", "Sanierung der Stadtbibliothek", "kultur"),
            ("n", "Musikfestival für junge Talente", "kultur"),
            ("f", "Ausstattung der Grundschulen mit Tablets", "digitalisierung"),
            ("m", "Ausbau der Ganztagsangebote", "schule"),
            ("f", "Förderung kleiner Museen", "kultur"),
            ("n", "Stipendium für Lehrkräfte im ländlichen Raum", "laendlicher-raum"),
        ],
    },
    {
        "slug": "demo-smgsf", "short_name": "SMGSF",
        "name": "Staatsministerium für Gesundheit, Soziales und Familie",
        "portfolio": "für Gesundheit, Soziales und Familie",
        "ministers": [
            ("Andreas", "Tröger", "", "m", "2009-09-29", "2019-12-19"),
            ("Heike", "Naumann", "Dr.", "f", "2019-12-20", "2022-04-30"),
            ("Stefan", "Kühnel", "", "m", "2022-05-01", None),
        ],
        "contacts": [("Susann Hofmann", "Pressesprecherin")],
        "projects": [
            ("m", "Neubau des Pflegeheims", "pflege"),
            ("f", "Förderung von Landarztpraxen", "gesundheit"),
            ("n", "Familienzentrum in der Innenstadt", "familie"),
            ("n", "Landesprogramm gegen Einsamkeit im Alter", "soziales"),
            ("f", "Modernisierung der Kinderklinik", "gesundheit"),
            ("m", "Ausbau der Kindertagespflege", "familie"),
            ("n", "Modellprojekt zur Telemedizin", "gesundheit"),
            ("f", "Ausbildungsoffensive in der Pflege", "pflege"),
        ],
    },
    {
        "slug": "demo-smvi", "short_name": "SMVI",
        "name": "Staatsministerium für Verkehr und Infrastruktur",
        "portfolio": "für Verkehr und Infrastruktur",
        "ministers": [
            ("Martina", "Ebert", "", "f", "2009-09-29", "2014-11-12"),
            ("Ralf", "Pietzsch", "", "m", "2014-11-13", None),
        ],
        "contacts": [("Daniel Lehmann", "Pressesprecher"),
                     ("Nadine Schulze", "Pressereferentin")],
        "projects": [
            ("m", "Ausbau der Staatsstraße 177", "verkehr"),
            ("m", "Neubau der Muldebrücke", "verkehr"),
            ("n", "Radwegenetz entlang der Elbe", "verkehr"),
            ("f", "Reaktivierung der Bahnstrecke", "verkehr"),
            ("m", "Breitbandausbau in den Landkreisen", "digitalisierung"),
            ("f", "Sanierung des Busbahnhofs", "verkehr"),
            ("n", "Programm für bezahlbares Wohnen", "bauen-und-wohnen"),
            ("f", "Städtebauförderung für die Altstadt", "bauen-und-wohnen"),
        ],
    },
]

TOPICS = {
    "wirtschaft": ("Wirtschaft", "Unternehmen, Ansiedlungen und Wirtschaftsförderung."),
    "arbeit": ("Arbeit", "Fachkräfte, Ausbildung und Weiterbildung."),
    "tourismus": ("Tourismus", "Reiseziele, Gastgewerbe und Tourismusförderung."),
    "umwelt": ("Umwelt", "Natur, Wasser, Wald und Hochwasserschutz."),
    "klimaschutz": ("Klimaschutz", "Energie sparen, erneuerbare Energien, Anpassung an den "
                                   "Klimawandel."),
    "landwirtschaft": ("Landwirtschaft", "Betriebe, Ernte, ökologischer Landbau."),
    "schule": ("Schule", "Schulen, Lehrkräfte und Ganztagsangebote."),
    "kultur": ("Kultur", "Museen, Bibliotheken, Musik und Theater."),
    "gesundheit": ("Gesundheit", "Ärztliche Versorgung, Krankenhäuser und Vorsorge."),
    "soziales": ("Soziales", "Teilhabe, Ehrenamt und Hilfe in schwierigen Lebenslagen."),
    "familie": ("Familie", "Kinderbetreuung, Familienzentren und Familienförderung."),
    "pflege": ("Pflege", "Pflegeeinrichtungen, pflegende Angehörige und Pflegeberufe."),
    "verkehr": ("Verkehr", "Straßen, Brücken, Bahn, Bus und Radwege."),
    "digitalisierung": ("Digitalisierung", ""),
    "laendlicher-raum": ("Ländlicher Raum", ""),
    "bauen-und-wohnen": ("Bauen und Wohnen", ""),
}

QUOTED_PEOPLE = [
    ("Birgit", "Haase", "", "Geschäftsführerin der Lausitzer Glaswerkstätten GmbH"),
    ("Matthias", "Körner", "Dr.", "Leiter des Instituts für angewandte Werkstoffforschung"),
    ("Ines", "Friedrich", "", "Vorsitzende des Landesverbands der Nachbarschaftshilfen"),
    ("Holger", "Schubert", "", "Präsident des Landesverbands Gartenbau"),
    ("Karin", "Wolf", "", "Schulleiterin des Gymnasiums am Stadtpark"),
    ("Tobias", "Richter", "", "Sprecher der Initiative »Dorf mit Zukunft«"),
    ("Susanne", "Merkel", "Prof. Dr.", "Direktorin des Zentrums für Versorgungsforschung"),
    ("Frank", "Zimmermann", "", "Vorsitzender des Verbands mittelständischer Bauunternehmen"),
    ("Daniela", "Böhme", "", "Leiterin der Kreisvolkshochschule"),
    ("René", "Günther", "", "Geschäftsführer des Regionalverkehrsverbunds Oberland"),
    ("Marion", "Seifert", "", "Vorsitzende des Heimatvereins"),
    ("Steffen", "Ullrich", "", "Landwirt und Sprecher der Junglandwirte"),
]

PLACES = [
    "Dresden", "Leipzig", "Chemnitz", "Zwickau", "Plauen", "Görlitz", "Bautzen", "Freiberg",
    "Pirna", "Meißen", "Riesa", "Döbeln", "Annaberg-Buchholz", "Aue-Bad Schlema",
    "Hoyerswerda", "Torgau", "Grimma", "Delitzsch", "Zittau", "Kamenz", "Marienberg",
    "Oschatz", "Weißwasser", "Radebeul", "Glauchau", "Mittweida", "Borna", "Markkleeberg",
    "Crimmitschau", "Reichenbach im Vogtland", "Oelsnitz", "Niesky", "Löbau", "Eilenburg",
]

# All of them masculine (Landkreis, -kreis): "im Erzgebirgskreis".
REGIONS = [
    "Erzgebirgskreis", "Landkreis Görlitz", "Landkreis Bautzen", "Landkreis Leipzig",
    "Landkreis Meißen", "Landkreis Mittelsachsen", "Landkreis Nordsachsen",
    "Landkreis Sächsische Schweiz-Osterzgebirge", "Vogtlandkreis", "Landkreis Zwickau",
]

VENUES = ["Rathaus, Festsaal", "Kulturhaus", "Technologiezentrum", "Landratsamt, Sitzungssaal",
          "Stadthalle", "Bürgerhaus", "Baustelle, Zufahrt über den Parkplatz", "Aula"]

MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember"]
WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
SEASONS = ["Frühjahr", "Sommer", "Herbst", "Winter"]

# Placeholders: {office} "Staatsministerin", {family}, {full} (with office),
# {acc}/{dat}/{Nom}/{title} (the project), {place}, {region}, {amount}, {quote} ...
# "zu {dat}", "bei {dat}" etc. are contracted where German does it ("zum Ausbau").
HEADLINES = [
    "{office} {family} übergibt Fördermittel für {acc} in {place}",
    "{amount} Millionen Euro für {acc}",
    "Freistaat unterstützt {acc} in {place}",
    "{office} {family} besucht {place}",
    "Startschuss für {acc} in {place}",
    "{Nom} kommt voran",
    "{place}: {title} offiziell gestartet",
    "Neue Impulse für {acc} im {region}",
    "Zwischenbilanz zu {dat}",
    "Landesprogramm: {title} wird fortgesetzt",
    "{title}: Land verdoppelt die Förderung",
    "{office} {family} informiert sich über {acc}",
]

SUBTITLES = [
    "Land fördert Vorhaben mit {amount} Millionen Euro",
    "Weitere Projekte im {region} geplant",
    "Anträge bis {deadline} möglich",
    "{office} {family} würdigt Engagement vor Ort",
    "Rund {jobs} Arbeitsplätze gesichert",
    "Bürgerinnen und Bürger können sich beteiligen",
    "Fertigstellung für {later_year} geplant",
]

TEASERS = [
    "{office} {family} sieht {acc} auf einem guten Weg.",
    "Das Land setzt die Förderung für {acc} fort und stellt dafür {amount} Millionen Euro "
    "bereit.",
    "{office} {family} hat in {place} für {acc} geworben.",
    "Für {acc} im {region} gibt es mehr Geld vom Freistaat.",
    "{Nom} geht in die nächste Runde: Bis {later_year} sind {count} weitere Vorhaben geplant.",
]

LEADS = [
    "{full} hat am {date_long}, in {place} {acc} vorgestellt.",
    "{full} hat am {date_long}, in {place} {acc} auf den Weg gebracht.",
    "Der Freistaat unterstützt {acc} in {place} mit {amount} Millionen Euro.",
    "{full} hat sich am {date_long}, in {place} über die Fortschritte bei {dat} "
    "informiert.",
]

SENTENCES = [
    "Gefördert werden vor allem Vorhaben von Kommunen, Vereinen sowie kleinen und mittleren "
    "Unternehmen.",
    "Die Mittel stammen aus dem Landeshaushalt und aus Programmen der Europäischen Union.",
    "Bis Ende {later_year} sollen im {region} rund {count} weitere Vorhaben folgen.",
    "Die Arbeiten sollen im {season} {later_year} beginnen und rund {months} Monate dauern.",
    "An dem Termin nahmen Vertreterinnen und Vertreter der Kommunen, der Wirtschaft und der "
    "Vereine teil.",
    "Über die Vergabe der Mittel entscheidet ein Beirat, in dem auch die kommunalen "
    "Spitzenverbände vertreten sind.",
    "Seit dem Start des Programms im Jahr {earlier_year} wurden landesweit {count} Vorhaben mit "
    "einem Volumen von {amount2} Millionen Euro unterstützt.",
    "Anträge können bis zum {deadline} bei der Bewilligungsstelle gestellt werden.",
    "Die Kommunen tragen einen Eigenanteil von {percent} Prozent.",
    "Ein Schwerpunkt liegt auf Vorhaben, die mehreren Gemeinden zugleich zugutekommen.",
    "Die Ergebnisse einer begleitenden Untersuchung sollen im kommenden Jahr vorliegen.",
    "Nach Schätzungen des Ministeriums profitieren davon rund {residents} Menschen in der "
    "Region.",
    "In {place} waren zuvor mehrere Standorte geprüft worden.",
    "Die Planung wurde gemeinsam mit Anwohnerinnen und Anwohnern in drei Werkstattgesprächen "
    "erarbeitet.",
    "Das Vorhaben ist Teil eines landesweiten Programms, das {earlier_year} begonnen hat.",
    "Die Förderquote beträgt bis zu {quota} Prozent der zuwendungsfähigen Ausgaben.",
]

QUOTES = [
    "Wir wollen, dass gute Ideen aus den Regionen nicht am Geld scheitern.",
    "Das ist ein gutes Signal für die Menschen vor Ort.",
    "Gleichwertige Lebensverhältnisse entstehen nicht von allein, sie brauchen verlässliche "
    "Unterstützung.",
    "Hier zeigt sich, was möglich ist, wenn Land, Kommunen und Unternehmen an einem Strang "
    "ziehen.",
    "Ich danke allen, die dieses Vorhaben mit großem Einsatz vorangebracht haben.",
    "Wir investieren gezielt dort, wo die Wirkung für die Menschen am größten ist.",
    "Die Menschen erwarten zu Recht, dass Entscheidungen schnell und nachvollziehbar umgesetzt "
    "werden.",
    "Mit diesem Projekt schaffen wir Perspektiven für junge Familien in der Region.",
    "Wer heute investiert, sichert die Lebensqualität von morgen.",
    "Das Ehrenamt ist das Rückgrat unserer Gemeinden.",
    "Wir setzen auf Zusammenarbeit statt auf Zuständigkeitsgrenzen.",
    "Die Fördermittel sind gut angelegt, das sehen wir an den Ergebnissen.",
    "Unser Ziel ist klar: weniger Bürokratie und mehr Tempo bei der Umsetzung.",
    "Wir lassen die ländlichen Räume nicht allein.",
    "Dieses Projekt zeigt, wie viel Innovationskraft in unserem Land steckt.",
    "Jetzt kommt es darauf an, die Erfahrungen in die Fläche zu tragen.",
]

PARTNER_QUOTES = [
    "Für uns vor Ort ist das eine große Erleichterung.",
    "Wir haben lange auf diese Entscheidung gewartet und freuen uns über die Unterstützung.",
    "Jetzt können wir endlich mit der Umsetzung beginnen.",
    "Die Zusammenarbeit mit dem Ministerium war unkompliziert und verlässlich.",
    "Davon profitieren vor allem die jungen Menschen in unserer Region.",
    "Das zeigt, dass sich Engagement lohnt.",
    "Wir werden die Mittel sorgfältig und mit Blick auf die nächsten Jahre einsetzen.",
]

QUOTE_FRAMES = [
    "»{quote_cut}«, sagte {office} {family}.",
    "{office} {family} betonte: »{quote}«",
    "»{quote} {quote2_cut}«, erklärte {office} {family}.",
]

PARTNER_FRAMES = [
    "{partner}, {partner_role}, ergänzte: »{quote}«",
    "Auch {partner}, {partner_role}, begrüßte das Vorhaben: »{quote}«",
]

CLOSINGS = [
    "Weitere Informationen veröffentlicht das Ministerium auf seiner Internetseite.",
    "Fotos des Termins stehen für die Berichterstattung zur Verfügung.",
]

EVENT_TITLES = [
    "Übergabe des Förderbescheids für {acc} in {place}",
    "Vor-Ort-Termin: {title} in {place}",
    "Fachkonferenz zu {dat}",
    "Pressekonferenz: {title}",
]

#: The last paragraph of every generated release: generated text is marked in the text itself.
MARKER = ("<p><em>Beispielmeldung: automatisch erzeugter Text zur Demonstration, keine echte "
          "Medieninformation.</em></p>")
DEMO_FOOTER = ("<p>Beispielressort: Dieses Ressort, seine Personen und Meldungen sind "
               "erfunden und dienen der Demonstration.</p>")
