"""Relevance: the release a visitor means comes first, however many newer releases
merely mention the word.

Each test creates an older release that carries the query in its heading (title,
subtitle, the names of its organisation, topics, people and press contacts, its
number) and searches among more than a thousand newer public releases that mention
the same word, or another name of the same place, once somewhere in their text
(``mentions``: built once for the module, as an archive would have them). The
release meant must be among the first results, on either database.
"""

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from releases.models import Organisation, Person, Release, ReleasePerson, Topic
from releases.search import count_public_words, counted_releases, search, update_search_vector

pytestmark = pytest.mark.django_db

MENTIONS = 1_050  # more than the search shows (MAX_RESULTS): the newest alone fill the list
MEANT_DAYS_AGO = 1_500  # the release meant; the newer mentions span the last 525 days
TOP = 5

# One sentence per thing searched for, in several wordings; each newer release has one
# of each, so that every word below occurs once in each of their texts. {place} is
# written alternately in either language.
MENTIONED = [
    (("Oppeln", "Opole"), [
        "Im Anschluss besuchte die Delegation die Universität in {place}.",
        "Partnereinrichtungen aus {place} haben ihre Teilnahme bereits zugesagt.",
        "Ein vergleichbares Vorhaben läuft seit dem vergangenen Jahr in {place}.",
    ]),
    (("Kattowitz", "Katowice"), [
        "Vertreter der Wirtschaftskammer in {place} stellten ihre Erfahrungen vor.",
        "Die nächste Sitzung der Arbeitsgruppe ist für den Herbst in {place} geplant.",
        "Auch eine Fachtagung in {place} hatte sich mit der Frage beschäftigt.",
    ]),
    (("Krakau", "Kraków"), [
        "Hochschulen aus {place} beteiligen sich ebenfalls an dem Austausch.",
        "Eine Wanderausstellung war zuvor bereits in {place} zu sehen.",
        "Ähnliche Erfahrungen hat man in {place} gesammelt.",
    ]),
    (("Reichenberg", "Liberec"), [
        "Der Bezirk {place} hat Interesse an einer Zusammenarbeit bekundet.",
        "Gäste aus {place} nahmen als Beobachter an dem Treffen teil.",
    ]),
    (("Aussig", "Ústí nad Labem"), [
        "Die Jan-Evangelista-Purkyně-Universität in {place} ist Projektpartner.",
        "Fachleute aus {place} brachten ihre Sicht auf den Strukturwandel ein.",
    ]),
    (("Breslau", "Wrocław"), [
        "Ein Austausch mit Verwaltungen in {place} ist vorgesehen.",
        "Bereits im Frühjahr hatte es Gespräche in {place} gegeben.",
    ]),
    (("Görlitz",), [
        "Die Auftaktveranstaltung fand in Görlitz statt.",
        "Erste Gespräche wurden bereits im Frühjahr in Görlitz geführt.",
        "Die Geschäftsstelle des Netzwerks hat ihren Sitz in Görlitz.",
    ]),
    (("Zittau",), [
        "Eine Außenstelle in Zittau soll im kommenden Jahr folgen.",
        "Schülerinnen und Schüler aus Zittau stellten eigene Ideen vor.",
    ]),
    (("Schmidt",), [
        "Staatsminister Schmidt hatte das Vorhaben im Kabinett vorgestellt.",
        "Nach Angaben von Schmidt ist eine Fortsetzung im nächsten Jahr geplant.",
    ]),
    (("Meyer",), [
        "Bürgermeisterin Anja Meyer dankte allen Beteiligten für ihr Engagement.",
        "Stadträtin Anja Meyer sprach von einem wichtigen Signal für die Region.",
    ]),
    (("SMR",), [
        "Die Förderung erfolgt über ein Programm des SMR.",
        "Fachlich begleitet wird das Vorhaben vom SMR.",
    ]),
    (("Staatsministerium für Regionalentwicklung",), [
        "Das Sächsische Staatsministerium für Regionalentwicklung unterstützt das Vorhaben.",
        "Anträge nimmt das Staatsministerium für Regionalentwicklung ab sofort entgegen.",
    ]),
    (("Breitbandausbau",), [
        "Der Breitbandausbau in den ländlichen Gemeinden kommt damit weiter voran.",
        "Zugleich wurden Fragen zum Breitbandausbau erörtert.",
    ]),
    (("1/2021",), [
        "Über den Start des Programms hatte die Medieninformation 1/2021 informiert.",
        "Die Eckpunkte waren in der Medieninformation 1/2021 beschrieben worden.",
    ]),
    (("Digitalisierung",), [
        "Die Digitalisierung der Verwaltungsabläufe bleibt dabei ein Schwerpunkt.",
        "Auch die Digitalisierung kleiner Handwerksbetriebe wurde diskutiert.",
    ]),
    (("Verbindungsbüro",), [
        "Das Verbindungsbüro des Freistaates vermittelt Kontakte zu Partnern vor Ort.",
        "Unterstützung bei der Organisation leistete das Verbindungsbüro.",
    ]),
    (("Eigentumskriminalität",), [
        "Die Polizei verzeichnete zuletzt einen Rückgang der Eigentumskriminalität.",
        "Am Rande ging es auch um die Eigentumskriminalität im ländlichen Raum.",
    ]),
    (("Straße",), [
        "Die Ausstellung ist in der Bautzener Straße zu sehen.",
        "Der Infopunkt befindet sich in der Dresdner Straße, gegenüber dem Rathaus.",
    ]),
    (("regionale Wertschöpfung",), [
        "Ziel ist es, die regionale Wertschöpfung nachhaltig zu stärken.",
        "Davon soll vor allem die regionale Wertschöpfung profitieren.",
    ]),
    (("IoT",), [
        "Kommunen erproben dabei auch IoT-Sensoren für die Verkehrszählung.",
        "Ein IoT-Netz liefert künftig Messwerte aus den beteiligten Gemeinden.",
    ]),
    (("simul+Werkstatt",), [
        "Die Ergebnisse der simul+Werkstatt sollen in die weitere Arbeit einfließen.",
        "Ideen aus der simul+Werkstatt wurden dabei aufgegriffen.",
    ]),
]

FILLER = [
    "Der Freistaat Sachsen stellt dafür in diesem Jahr insgesamt 2,5 Millionen Euro bereit.",
    "Die Mittel können bis zum 30. September beantragt werden.",
    "Gefördert werden Vorhaben von Kommunen, Vereinen und kleinen Unternehmen.",
    "Die Resonanz auf das Angebot war nach Angaben der Veranstalter sehr gut.",
    "Rund 120 Teilnehmerinnen und Teilnehmer verfolgten die Veranstaltung vor Ort.",
    "Weitere Informationen sind im Internet abrufbar.",
    "Die Ergebnisse sollen Ende des Jahres in einem Bericht veröffentlicht werden.",
    "Das Programm ist zunächst auf drei Jahre angelegt.",
    "Bewerben können sich alle Gemeinden mit weniger als 20.000 Einwohnern.",
    "Eine unabhängige Jury wählt die besten Beiträge aus.",
    "Die Preisverleihung findet im Rahmen einer Festveranstaltung statt.",
    "Ein Schwerpunkt liegt auf der Gewinnung von Fachkräften.",
    "Die beteiligten Partner unterzeichneten eine gemeinsame Absichtserklärung.",
    "Der Landtag hatte die Mittel im Doppelhaushalt bewilligt.",
    "Die Kosten für das Vorhaben belaufen sich auf rund 800.000 Euro.",
    "Der Eigenanteil der Kommunen beträgt zehn Prozent.",
    "Im Mittelpunkt stand der Erfahrungsaustausch zwischen den Praktikern.",
    "Am Nachmittag standen Besichtigungen mehrerer Betriebe auf dem Programm.",
    "Die Veranstaltung wurde live im Internet übertragen.",
    "Eine Fortsetzung der Reihe ist für das kommende Frühjahr geplant.",
    "Die Antragsunterlagen stehen auf der Internetseite des Ministeriums bereit.",
    "Die Bauarbeiten sollen im Sommer beginnen und bis Jahresende abgeschlossen sein.",
]

TITLES = [
    "Förderprogramm für den ländlichen Raum gestartet",
    "Kabinett beschließt Eckpunkte für den Doppelhaushalt",
    "Neue Richtlinie zur Unterstützung von Vereinen in Kraft",
    "Ministerium zieht Bilanz zum Jahresende",
    "Wettbewerb „Lebendige Dörfer“ ausgeschrieben",
    "Fachkräfteallianz tagt zum dritten Mal",
    "Sanierung von Schulgebäuden geht voran",
    "Kommunen erhalten zusätzliche Investitionsmittel",
    "Gemeinsame Erklärung zur grenzüberschreitenden Zusammenarbeit unterzeichnet",
    "Ehrenamtspreis verliehen",
    "Neue Förderperiode beginnt",
    "Arbeitsgruppe legt Zwischenbericht vor",
]


def mention(n, issuer, now):
    """The n-th newer release: a text that mentions every searched word once."""
    rng = random.Random(n)
    sentences = [rng.choice(wordings).format(place=names[n % len(names)])
                 for names, wordings in MENTIONED]
    sentences += rng.sample(FILLER, 6)
    rng.shuffle(sentences)
    paragraphs = [" ".join(sentences[i:i + 5]) for i in range(0, len(sentences), 5)]
    published_at = now - datetime.timedelta(hours=12 * n + 1)
    return Release(
        organisation=issuer, title=rng.choice(TITLES), slug=f"meldung-{n}",
        body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
        status=Release.Status.PUBLISHED, published_at=published_at,
        effects_done_at=published_at)


@pytest.fixture(scope="module")
def mentions(django_db_setup, django_db_blocker):
    """More than a thousand public releases, all newer than the release each test means,
    that mention the searched words in their text only; deleted after the module."""
    with django_db_blocker.unblock():
        issuer = Organisation.objects.create(
            name="Sächsische Staatskanzlei", short_name="SK", slug="relevanz-sk")
        now = timezone.now()
        ids = [release.pk for release in Release.objects.bulk_create(
            mention(n, issuer, now) for n in range(MENTIONS))]
        update_search_vector(ids)
        count_public_words(ids, 1)
    yield ids
    with django_db_blocker.unblock():
        count_public_words(ids, -1)
        # Uncounted already: their deletion must not uncount them again.
        Release.objects.filter(pk__in=ids).update(effects_done_at=None)
        Release.objects.filter(pk__in=ids).delete()
        issuer.delete()


@pytest.fixture
def make_release(make_release, mentions):
    """An older release, public and its words counted as after its publication, with
    the topics, people and press contacts given."""
    def make(topics=(), people=(), contacts=(), **fields):
        fields.setdefault("published_at",
                          timezone.now() - datetime.timedelta(days=MEANT_DAYS_AGO))
        release = make_release(**fields)
        release.topics.add(*topics)
        release.contacts.add(*contacts)
        for person in people:
            ReleasePerson.objects.create(release=release, person=person)
        update_search_vector([release.pk])  # as the admin does after save_related
        if counted_releases().filter(pk=release.pk).exists():
            count_public_words([release], 1)
        return release

    return make


def assert_among_first(query, *releases):
    """Each of ``releases`` is among the first TOP results of ``query``."""
    results = search(query)
    first = results.ids[:max(TOP, len(releases))]
    missing = [release for release in releases if release.pk not in first]
    if missing:
        position = {pk: place for place, pk in enumerate(results.ids, 1)}
        shown = [f"{release.title!r} at {position.get(release.pk, 'not found')}"
                 for release in missing]
        pytest.fail(f"{query!r}: {', '.join(shown)} of {len(results.ids)}; first: "
                    f"{[release.title for release in results[:TOP]]}")
    return results


def test_the_archive_holds_a_thousand_newer_public_mentions_of_every_searched_word(mentions):
    older = timezone.now() - datetime.timedelta(days=MEANT_DAYS_AGO - 1)
    newer = counted_releases().filter(pk__in=mentions, published_at__gt=older)
    assert newer.count() == MENTIONS
    for names, _wordings in MENTIONED:
        assert sum(newer.filter(body__contains=name).count() for name in names) >= 1_000, names


class TestPlaces:
    @pytest.mark.parametrize("query, title", [
        ("Oppeln", "Hochschulkooperation mit Oppeln verlängert"),
        ("Opole", "Wirtschaftsforum in Opole eröffnet"),
        ("Görlitz", "Neues Gründerzentrum in Görlitz eröffnet"),
    ])
    def test_a_place_in_the_title_finds_the_release_above_newer_mentions(
            self, make_release, query, title):
        release = make_release(
            title=title,
            body="<p>Der Freistaat unterstützt das Vorhaben mit 400.000 Euro. Die Partner "
                 "wollen ihre Zusammenarbeit in den kommenden Jahren ausbauen.</p>")
        assert_among_first(query, release)

    @pytest.mark.parametrize("query, title", [
        ("Kattowitz", "Sächsische Unternehmen präsentieren sich in Katowice"),
        ("Katowice", "Sächsische Unternehmen präsentieren sich in Kattowitz"),
        ("Krakau", "Kulturtage in Kraków eröffnet"),
        ("Kraków", "Kulturtage in Krakau eröffnet"),
        ("Krakow", "Kulturtage in Krakau eröffnet"),
        ("Oppeln", "Wissenschaftsforum in Opole"),
        ("Opole", "Wissenschaftsforum in Oppeln"),
        ("Reichenberg", "Grenzüberschreitender Rettungsdienst mit Liberec vereinbart"),
        ("Liberec", "Grenzüberschreitender Rettungsdienst mit Reichenberg vereinbart"),
        ("Aussig", "Elberadweg: Lückenschluss bis Ústí nad Labem"),
        ("Ústí nad Labem", "Elberadweg: Lückenschluss bis Aussig"),
        ("Usti nad Labem", "Elberadweg: Lückenschluss bis Aussig"),
    ])
    def test_a_place_s_name_in_another_language_finds_the_release_above_newer_mentions(
            self, make_release, query, title):
        release = make_release(
            title=title,
            body="<p>Die Vereinbarung wurde am Dienstag unterzeichnet. Sie gilt zunächst "
                 "für fünf Jahre.</p>")
        assert_among_first(query, release)


class TestNames:
    def test_a_person_s_surname_finds_the_release_that_names_them_above_mentions(
            self, make_release, person):
        release = make_release(
            title="Staatsminister besucht Gründerzentrum",
            body="<p>Der Staatsminister informierte sich über die Angebote für junge "
                 "Unternehmen.</p>",
            people=[person])
        assert_among_first("Schmidt", release)

    def test_a_press_contact_s_surname_finds_the_release_that_names_them_above_mentions(
            self, make_release, contact):
        release = make_release(
            title="Neue Förderrichtlinie für Dorfläden",
            body="<p>Gefördert werden Umbau und Ausstattung von Dorfläden.</p>",
            contacts=[contact])
        assert_among_first("Meyer", release)

    def test_a_person_s_full_name_finds_the_release_that_names_them_above_mentions(
            self, make_release):
        person = Person.objects.create(given_name="Anja", family_name="Meyer",
                                       slug="anja-meyer")
        release = make_release(
            title="Dorfladen in Ostritz eröffnet",
            body="<p>Der Laden wird von einer Genossenschaft betrieben.</p>",
            people=[person])
        assert_among_first("Anja Meyer", release)


class TestOrganisationsAndTopics:
    @pytest.mark.parametrize("query", [
        "SMR", "Regionalentwicklung", "Staatsministerium für Regionalentwicklung"])
    def test_the_organisation_s_name_finds_its_release_above_mentions(
            self, make_release, query):
        release = make_release(
            title="Zuschüsse für Dorfgemeinschaftshäuser",
            body="<p>Vereine können ab sofort Anträge stellen.</p>")
        assert_among_first(query, release)

    def test_a_topic_s_name_finds_the_release_filed_under_it_above_mentions(
            self, make_release):
        topic = Topic.objects.create(name="Breitbandausbau", slug="breitbandausbau")
        release = make_release(
            title="Schnelles Internet für 40 Gemeinden",
            body="<p>Die Glasfaserleitungen sollen bis Ende des Jahres verlegt sein.</p>",
            topics=[topic])
        assert_among_first("Breitbandausbau", release)


class TestReleaseNumbers:
    @pytest.fixture
    def numbered(self, make_release):
        return make_release(
            title="Zuschüsse für Dorfgemeinschaftshäuser",
            body="<p>Vereine können ab sofort Anträge stellen.</p>",
            number=1, number_year=2021)

    def test_the_number_alone_opens_the_release(self, client, numbered):
        response = client.get(reverse("releases:search"), {"q": "1/2021"})
        assert response.status_code == 302
        assert response["Location"] == numbered.get_absolute_url()

    @pytest.mark.parametrize("query", ["SMR 1/2021", "1/2021 Regionalentwicklung"])
    def test_the_number_in_a_longer_query_finds_the_release_above_mentions(
            self, numbered, query):
        assert_among_first(query, numbered)


class TestWordForms:
    @pytest.mark.parametrize("query", ["Digitalisier", "Digitalsierung"])
    def test_the_beginning_or_a_misspelling_of_a_title_word_finds_the_release(
            self, make_release, query):
        release = make_release(
            title="Digitalisierung der Bauämter kommt voran",
            body="<p>Bauanträge können künftig elektronisch eingereicht werden.</p>")
        assert_among_first(query, release)

    def test_a_plural_finds_the_release_titled_with_the_singular(self, make_release):
        release = make_release(
            title="Neues Verbindungsbüro in Prag eröffnet",
            body="<p>Das Büro berät sächsische Unternehmen beim Markteintritt.</p>")
        assert_among_first("Verbindungsbüros", release)

    def test_a_word_finds_the_release_titled_with_a_compound_of_it(self, make_release):
        release = make_release(
            title="Eigentumskriminalität im Grenzraum deutlich gesunken",
            body="<p>Die gemeinsamen Streifen zeigen Wirkung.</p>")
        assert_among_first("Kriminalität", release)

    @pytest.mark.parametrize("query", ["Strasse", "Straße"])
    def test_ss_and_sharp_s_find_each_other(self, make_release, query):
        release = make_release(
            title="Sanierung der Bautzener Straße abgeschlossen",
            body="<p>Die Fahrbahn ist ab Montag wieder frei.</p>")
        assert_among_first(query, release)

    @pytest.mark.parametrize("query", ["Goerlitz", "GÖRLITZ", "görlitz"])
    def test_ae_oe_ue_find_umlauts(self, make_release, query):
        release = make_release(
            title="Görlitz erhält Zuschlag für Forschungszentrum",
            body="<p>Bis zu 1.000 Arbeitsplätze sollen entstehen.</p>")
        assert_among_first(query, release)

    @pytest.mark.parametrize("query, title", [
        ("Wroclaw", "Sächsische Kulturwoche in Wrocław"),
        ("Wrocław", "Partnerschaft mit Wroclaw vertieft"),
    ])
    def test_letters_with_or_without_diacritics_find_each_other(
            self, make_release, query, title):
        release = make_release(title=title, body="<p>Das Programm umfasst 30 Termine.</p>")
        assert_among_first(query, release)


class TestSyntax:
    def test_a_quoted_phrase_finds_the_release_titled_with_it(self, make_release):
        release = make_release(
            title="Regionale Wertschöpfung im Erzgebirge stärken",
            body="<p>Handwerk und Tourismus sollen enger zusammenarbeiten.</p>")
        apart = make_release(
            title="Mehr Wertschöpfung durch regionale Netzwerke",
            published_at=timezone.now() - datetime.timedelta(minutes=5))
        results = assert_among_first('"regionale Wertschöpfung"', release)
        assert apart.pk not in results.ids

    def test_a_minus_excludes_a_release_titled_with_the_word(self, make_release):
        release = make_release(
            title="Wirtschaftsdelegation in Kattowitz",
            body="<p>Im Mittelpunkt standen Gespräche mit Zulieferern.</p>")
        excluded = make_release(
            title="Steinkohle: Strukturwandel in Kattowitz",
            body="<p>Die Region hat den Ausstieg aus der Steinkohle fast geschafft.</p>",
            published_at=timezone.now() - datetime.timedelta(days=1_000))
        results = assert_among_first("Kattowitz -Steinkohle", release)
        assert excluded.pk not in results.ids

    def test_oder_finds_a_release_titled_with_either_word(self, make_release):
        goerlitz = make_release(title="Gründerzentrum in Görlitz eröffnet")
        zittau = make_release(title="Hochschule Zittau erhält Forschungsbau")
        assert_among_first("Görlitz oder Zittau", goerlitz, zittau)


class TestPrecision:
    def test_a_short_word_does_not_find_a_longer_word_containing_it(self, make_release):
        release = make_release(
            title="IoT-Sensoren messen Pegelstände an der Neiße",
            body="<p>Die Daten stehen Kommunen und Bürgern frei zur Verfügung.</p>")
        library = make_release(
            title="Stadtbibliothek verlängert Öffnungszeiten",
            body="<p>Die Bibliothek öffnet künftig auch sonntags.</p>",
            published_at=timezone.now() - datetime.timedelta(minutes=5))
        results = assert_among_first("IoT", release)
        assert library.pk not in results.ids

    def test_a_word_joined_by_a_plus_finds_the_release_titled_with_it(self, make_release):
        release = make_release(
            title="Große Resonanz bei simul+Werkstatt in Kattowitz",
            subtitle="Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut",
            body="<p>Unter dem Thema »Regionale Wertschöpfung in Zeiten der "
                 "Digitalisierung« diskutierten rund 70 Teilnehmer.</p>")
        workshop = make_release(
            title="Offene Werkstatt für Reparaturen eröffnet",
            published_at=timezone.now() - datetime.timedelta(minutes=5))
        results = assert_among_first("simul+Werkstatt", release)
        assert workshop.pk not in results.ids
