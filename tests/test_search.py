"""Full-text search: recall, ranking, precision, query syntax, visibility, snippets, the page.

They run on whichever database is configured: PostgreSQL's search vectors or
SQLite's FTS5 table. Tests marked ``postgres`` or ``sqlite_only`` concern one of them.
"""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from releases.models import Organisation, Release, Topic
from releases.search import (
    add_snippets,
    count_public_words,
    counted_releases,
    did_you_mean,
    normalise,
    parse,
    postgresql_tsqueries,
    search,
    update_search_vector,
)
from releases.search import postgresql as search_module
from releases.search import sqlite as sqlite_search
from releases.search.text import SNIPPET_HTML_CHARS

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite",
                                 reason="SQLite's FTS5 table (releases/search/sqlite.py)")

ODD_QUERIES = [
    "x" * 10_000,
    "Kattowitz " * 1_000,
    "Polen\x00\x01\x1b[31m\u200b\ud800",
    "'; DROP TABLE releases_release; --",
    "a' | b:* & !c <-> d",
    "<script>alert(1)</script>",
    "&lt;b&gt; &amp;",
    "!!!???...,,,;;;",
    '"',
    '"""',
    "-",
    "- -- ---",
    "oder",
    "oder oder Polen oder",
    "-Polen",
    "\\",
    "%_%",
    ":*",
    "()",
    "𝔇𝔦𝔤𝔦𝔱𝔞𝔩 🇩🇪 中文 ﷽",
    "",
    "   ",
]


def titles(results):
    return [release.title for release in results]


@pytest.fixture
def make_release(make_release):
    """As conftest's, and a public release's words join the list of words, as when
    services.publish completes a publication (the list holds public words only)."""
    def make(**fields):
        release = make_release(**fields)
        if counted_releases().filter(pk=release.pk).exists():
            count_public_words([release], 1)
        return release

    return make


def limit_results(monkeypatch, limit):
    """Search shows at most ``limit`` results."""
    import releases.search
    from releases.search import sqlite, text

    for module in (releases.search, search_module, sqlite, text):
        monkeypatch.setattr(module, "MAX_RESULTS", limit)


@pytest.fixture
def days_ago():
    now = timezone.now()
    return lambda days: now - datetime.timedelta(days=days, hours=1)


@pytest.fixture
def kattowitz(make_release, days_ago):
    return make_release(
        title="Große Resonanz bei simul+Werkstatt in Kattowitz",
        subtitle="Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut",
        body="<p>Unter dem Thema »Regionale Wertschöpfung in Zeiten der Digitalisierung« "
             "diskutierten rund 70 Teilnehmer. Die Delegation ist in Polen unterwegs.</p>",
        published_at=days_ago(3))


@pytest.fixture
def goerlitz(make_release, days_ago):
    return make_release(
        title="Neues Verbindungsbüro in Wrocław eröffnet",
        body="<p>Das Büro an der Berliner Straße in Görlitz berät Unternehmen aus beiden "
             "Ländern. Die Eigentumskriminalität im Grenzraum ist gesunken.</p>",
        published_at=days_ago(2))


@pytest.fixture
def unrelated(make_release, days_ago):
    return make_release(title="Förderprogramm für Schulbauten",
                        body="<p>Der Freistaat unterstützt Kommunen beim Neubau.</p>",
                        published_at=days_ago(1))


@pytest.fixture(params=["search index", "date index", "estimate far off"])
def plan(request, monkeypatch):
    """Each way search() may take to the newest matches: on PostgreSQL its _Plans; on
    SQLite every match read from the index, or the newest from the date index: in batches
    looked up in the index (DENSE), or walked with the matches as a set (MANY_MATCHES)."""
    if request.param == "search index":
        monkeypatch.setattr(search_module, "_common_matches", lambda *args: 10**9)
    elif request.param == "date index":
        monkeypatch.setattr(search_module, "_common_matches", lambda *args: -1)
        monkeypatch.setattr(sqlite_search, "MANY_MATCHES", 0)
        monkeypatch.setattr(sqlite_search, "DENSE", 0)
    else:  # taken for rare, but with more matches than a rare word may have
        monkeypatch.setattr(search_module, "_common_matches", lambda *args: 0)
        monkeypatch.setattr(search_module, "_estimated_rows", lambda queryset: 0)
        monkeypatch.setattr(sqlite_search, "MANY_MATCHES", 1)
        monkeypatch.setattr(sqlite_search, "DENSE", 2)
    return request.param


class TestParse:
    def test_words_phrases_exclusions_and_alternatives_are_told_apart(self):
        query = parse('Kattowitz oder Krakau „regionale Wertschöpfung“ -Polen')
        assert [[term.words for term in clause] for clause in query.clauses] == [
            [("Kattowitz",), ("Krakau",)], [("regionale", "Wertschöpfung")]]
        assert [term.words for term in query.exclusions] == [("Polen",)]

    def test_only_lower_case_oder_joins_alternatives(self):
        assert len(parse("Kattowitz oder Krakau").clauses) == 1
        assert len(parse("Hochwasser Oder Neiße").clauses) == 3

    def test_words_that_only_join_others_are_left_out_unless_quoted(self):
        def words(text):
            return [[term.words for term in clause] for clause in parse(text).clauses]

        assert words("Förderung der Wirtschaft für Vereine") == [
            [("Förderung",)], [("Wirtschaft",)], [("Vereine",)]]
        assert words("„Tag der offenen Tür“") == [[("Tag", "der", "offenen", "Tür")]]
        assert words('Wirtschaft "Über"') == [[("Wirtschaft",)], [("Über",)]]
        # A query of nothing else searches nothing, on either database (PostgreSQL's index
        # has none of them), and says so.
        for text in ("und", "der die das", '"und"', "Wir über uns"):
            assert words(text) == [] and parse(text).common_only, text
        assert not parse("Wirtschaft").common_only and not parse("").common_only

    @pytest.mark.parametrize("text", [
        "Lehrer:innen", "Lehrer*innen", "Lehrer_innen", "Lehrer/-innen", "Lehrer/innen",
        "LehrerInnen", "Lehrerinnen"])
    def test_a_gender_inclusive_form_is_one_word(self, text):
        assert [term.words for term in parse(text).clauses[0]] == [(text.replace(
            ":", "").replace("*", "").replace("_", "").replace("/-", "").replace("/", ""),)]
        assert normalise(text) == "lehrerinnen"

    @pytest.mark.parametrize("text", ["Termin: in Dresden", "Mitte/Innenstadt", "Zoll:inland"])
    def test_a_colon_or_slash_before_other_words_still_divides(self, text):
        assert normalise(text) == text.lower()

    def test_hyphenated_words_form_a_phrase_or_one_word(self):
        assert [term.words for term in parse("Sachsen-Anhalt").clauses[0]] == [
            ("Sachsen", "Anhalt"), ("SachsenAnhalt",)]
        assert [term.words for term in parse('"Sachsen-Anhalt"').clauses[0]] == [
            ("Sachsen", "Anhalt")]
        assert [term.words for term in parse("(Sachsen-Anhalt),").clauses[0]] == [
            ("Sachsen", "Anhalt"), ("SachsenAnhalt",)]

    @pytest.mark.parametrize("text", ['"', "-", "!!!", "oder", "- -- ---", "", "\x00"])
    def test_input_without_words_is_an_empty_query(self, text):
        assert not parse(text)

    def test_and_and_not_in_capitals_are_operators(self):
        query = parse("Breitbandausbau AND Glasfaser NOT Görlitz")
        assert [[term.words for term in clause] for clause in query.clauses] == [
            [("Breitbandausbau",)], [("Glasfaser",)]]
        assert [term.words for term in query.exclusions] == [("Görlitz",)]
        # In lower case they are words like any other.
        assert len(parse("Not und Hilfe").clauses) == 2

    def test_excluding_a_word_that_only_joins_others_excludes_nothing(self):
        assert parse("Radweg -und -oder -Oder").exclusions == []
        assert [term.words for term in parse("Radweg -Elbe").exclusions] == [("Elbe",)]

    def test_only_exclusions_is_an_empty_query(self):
        assert not parse("-Polen")

    def test_a_long_query_is_cut_to_a_bounded_number_of_terms(self):
        query = parse(" ".join(f"Wort{n}" for n in range(2_000)))
        assert 0 < len(query.clauses) <= 10


class TestNormalise:
    @pytest.mark.parametrize("text, expected", [
        ("Görlitz", "goerlitz"), ("GÖRLITZ", "goerlitz"), ("Straße", "strasse"),
        ("Wrocław", "wroclaw"), ("Mężyk", "mezyk"), ("Ko\u0308ln", "koeln"),
        ("Digitali\u00adsierung", "digitalisierung"),
    ])
    def test_umlauts_are_transliterated_and_accents_dropped(self, text, expected):
        assert normalise(text) == expected


class TestRecall:
    @pytest.mark.parametrize("query", ["Görlitz", "Goerlitz", "GOERLITZ", "görlitz"])
    def test_umlauts_match_however_they_are_typed(self, goerlitz, unrelated, query):
        assert titles(search(query)) == [goerlitz.title]

    def test_a_transliterated_document_is_found_by_the_umlaut(self, make_release):
        release = make_release(title="Tagung in Goerlitz")
        assert titles(search("Görlitz")) == [release.title]

    @pytest.mark.parametrize("query", ["Strasse", "Straße", "STRASSE"])
    def test_sharp_s_matches_ss(self, goerlitz, query):
        assert titles(search(query)) == [goerlitz.title]

    @pytest.mark.parametrize("query", ["Wroclaw", "Wrocław"])
    def test_diacritics_are_ignored_in_the_query(self, goerlitz, query):
        assert titles(search(query)) == [goerlitz.title]

    def test_diacritics_are_ignored_in_the_document(self, make_release):
        release = make_release(title="Partnerschaft mit Wroclaw")
        assert titles(search("Wrocław")) == [release.title]

    @pytest.mark.parametrize("query", ["Digitalisier", "Digitalis", "Wertschöpf"])
    def test_unfinished_words_match_as_prefixes(self, kattowitz, unrelated, query):
        assert titles(search(query)) == [kattowitz.title]

    @pytest.mark.parametrize("query", ["Kriminalität", "kriminalitaet"])
    def test_a_word_finds_compounds_ending_in_it(self, goerlitz, unrelated, query):
        assert titles(search(query)) == [goerlitz.title]

    @pytest.mark.parametrize(("query", "title"), [
        ("Stipendium", "Kulturstiftung vergibt Stipendien"),
        ("Stipendien", "Ein Stipendium für junge Kunst"),
        ("Museen", "Neues Museum an der Görlitzer Straße"),
        ("Zentrum", "Drei neue Zentren für Pflege"),
    ])
    def test_latin_plurals_and_singulars_find_each_other(self, make_release, unrelated, query,
                                                         title):
        release = make_release(title=title)
        assert titles(search(query)) == [release.title]

    def test_a_plural_the_stemmer_keeps_finds_the_singular(self, goerlitz):
        assert titles(search("Verbindungsbüros")) == [goerlitz.title]

    def test_the_stemmer_still_joins_umlaut_plurals(self, goerlitz):
        # "Ländern" in the text; the stem of the normalised "laendern" alone would miss it.
        assert titles(search("Land")) == [goerlitz.title]

    def test_words_that_only_join_others_need_not_be_in_the_release(self, make_release,
                                                                      unrelated):
        release = make_release(title="Neue Wirtschaftsförderung für Vereine",
                               body="<p>Unternehmen profitieren.</p>")
        assert titles(search("Förderung der Wirtschaft")) == [release.title]

    @pytest.mark.parametrize("query", ["Lehrerinnen", "Lehrer*innen", "LehrerInnen"])
    def test_gender_inclusive_forms_find_each_other(self, make_release, unrelated, query):
        colon = make_release(title="Mehr Gehalt für Lehrer:innen")
        plain = make_release(title="Lehrerinnen und Lehrer erhalten mehr Gehalt")
        assert sorted(titles(search(query))) == sorted([colon.title, plain.title])

    @pytest.mark.parametrize("query", ["Kitagesetz", "Kita-Gesetz", "Kita Gesetz", "Gesetz"])
    def test_a_hyphenated_word_is_found_written_together_or_apart(self, make_release,
                                                                   unrelated, query):
        release = make_release(title="Neue Regeln im Kita-Gesetz")
        assert titles(search(query)) == [release.title]

    @pytest.mark.parametrize("query", ["Corona-Hilfen", "Coronahilfen", "Corona-Hilfe"])
    def test_a_hyphenated_query_finds_the_word_written_together(self, make_release,
                                                                unrelated, query):
        together = make_release(title="Neue Coronahilfen für Vereine")
        apart = make_release(title="Corona-Hilfen verlängert")
        assert sorted(titles(search(query))) == sorted([together.title, apart.title])

    def test_an_excluded_hyphenated_word_excludes_it_written_together(self, make_release):
        make_release(title="Neue Coronahilfen für Vereine")
        kept = make_release(title="Vereine feiern Jubiläum")
        assert titles(search("Vereine -Corona-Hilfen")) == [kept.title]

    @pytest.mark.parametrize("query", ["1000 Stellen", "1.000 Stellen", "2026", "2025/2026",
                                       "sachsen.de"])
    def test_numbers_years_and_addresses_are_found_by_their_parts(self, make_release,
                                                                   unrelated, query):
        release = make_release(
            title="Doppelhaushalt 2025/2026: 1.000 neue Stellen",
            body="<p>Mehr dazu unter www.finanzen.sachsen.de im Internet.</p>")
        assert titles(search(query)) == [release.title]

    @pytest.mark.parametrize("query", ["Digitalsierung", "Kattowtz", "Katowitz"])
    def test_a_typo_is_corrected_to_a_word_of_the_index(self, kattowitz, unrelated, query):
        assert titles(search(query)) == [kattowitz.title]

    def test_names_of_topics_are_searched(self, make_release, topic):
        release = make_release(title="Ein Titel ohne das Thema")
        release.topics.add(Topic.objects.create(name="Breitbandausbau", slug="breitband"))
        update_search_vector([release.pk])  # as the admin does after save_related
        assert titles(search("Breitbandausbau")) == [release.title]

    def test_an_edited_release_is_found_by_its_new_words_only(self, kattowitz):
        kattowitz.title = "Große Resonanz in Oppeln"
        kattowitz.save()
        assert titles(search("Oppeln")) == [kattowitz.title]
        assert titles(search('"simul Werkstatt"')) == []

    def test_rebuild_command_restores_a_lost_index(self, kattowitz):
        Release.objects.update(search_vector=None, heading_vector=None)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM releases_release_fts")
        assert titles(search("Schlesien")) == []
        call_command("rebuild_search_index", verbosity=0)
        assert titles(search("Schlesien")) == [kattowitz.title]
        assert titles(search("Digitalsierung")) == [kattowitz.title]


@pytest.mark.usefixtures("plan")
class TestRanking:
    def test_a_title_hit_ranks_above_a_body_hit(self, make_release, days_ago):
        body = make_release(title="Bericht", body="<p>Ein Besuch in Oppeln.</p>",
                            published_at=days_ago(1))
        title = make_release(title="Besuch in Oppeln", published_at=days_ago(5))
        assert titles(search("Oppeln")) == [title.title, body.title]

    def test_a_fuzzy_only_match_ranks_below_every_exact_match(self, make_release, days_ago):
        exact = make_release(title="Bericht", body="<p>Gespräche in Krakau.</p>",
                             published_at=days_ago(5))
        fuzzy = make_release(title="Kattowitz Kattowitz", subtitle="Kattowitz",
                             published_at=days_ago(1))
        assert titles(search("Kattowtz oder Krakau")) == [exact.title, fuzzy.title]

    def test_an_exact_match_ranks_above_a_compound_match(self, make_release, days_ago):
        compound = make_release(title="Eigentumskriminalität sinkt", published_at=days_ago(1))
        exact = make_release(title="Bericht", body="<p>Die Kriminalität sinkt.</p>",
                             published_at=days_ago(5))
        assert titles(search("Kriminalität")) == [exact.title, compound.title]

    def test_date_order_is_newest_first(self, make_release, days_ago):
        old = make_release(title="Oppeln", published_at=days_ago(9))
        new = make_release(title="Bericht aus Oppeln", body="<p>Oppeln</p>",
                           published_at=days_ago(1))
        assert titles(search("Oppeln", order="date")) == [new.title, old.title]

    def test_beyond_the_limit_a_heading_match_of_any_age_is_ranked_first(
            self, make_release, days_ago, monkeypatch):
        limit_results(monkeypatch, 2)
        old = make_release(title="Oppeln", subtitle="Oppeln", published_at=days_ago(300))
        newer = [make_release(title=f"Bericht {n}", body="<p>Aus Oppeln.</p>",
                              published_at=days_ago(n)) for n in (1, 2, 3)]
        newer[1].title = "Besuch in Oppeln"
        newer[1].save()
        # Of the releases that only mention it, the newest fill the list.
        assert titles(search("Oppeln")) == [old.title, newer[1].title]
        assert search("Oppeln").found == 3


class TestPrecision:
    def test_an_unrelated_release_is_not_returned(self, kattowitz, goerlitz, unrelated):
        assert titles(search("Kattowitz")) == [kattowitz.title]

    def test_a_feminine_noun_is_not_cut_to_another_word(self, make_release):
        # "-n" is no plural ending of "Staatsministerin" (the plural is "-innen").
        real = make_release(title="Staatsministerin besucht Görlitz")
        make_release(title="Staatsministerium lädt ein")
        plural = make_release(title="Die Staatsministerinnen beraten")
        assert set(titles(search("Staatsministerin"))) == {real.title, plural.title}

    def test_n_after_el_or_er_is_a_plural_ending(self, make_release):
        rule = make_release(title="Neue Regel für Schulbauten")
        partner = make_release(title="Treffen mit dem Partner aus Opole")
        assert titles(search("Regeln")) == [rule.title]
        assert titles(search("Partnern")) == [partner.title]

    def test_a_look_alike_of_a_known_word_is_not_returned(self, make_release):
        real = make_release(title="Delegation in Kattowitz")
        # Not "Katowice": that is the same place (see test_place_names.py).
        make_release(title="Delegation in Kattowice")
        assert titles(search("Kattowitz")) == [real.title]

    def test_a_word_matches_a_compound_by_its_parts_not_by_any_run_of_letters(
            self, make_release):
        heath = make_release(title="Naturschutz in der Dübener Heide",
                             body="<p>Die Heidelandschaft und die Lüneburgerheiden.</p>")
        oak = make_release(title="Neue Steineichen im Stadtpark")
        flood = make_release(title="Hochwasserschutzmaßnahmen beginnen")
        make_release(title="Der Landtag entscheidet über den Haushalt",
                     body="<p>Reichenbach und Reichelt bereichern die Debatte.</p>")
        assert titles(search("Heide")) == [heath.title]
        assert titles(search("Eiche")) == [oak.title]
        assert titles(search("Wasserschutz")) == [flood.title]

    @pytest.mark.parametrize(("word", "compound", "part"), [
        ("kriminalitaet", "eigentumskriminalitaet", True),
        ("eiche", "steineichen", True),
        ("heide", "lueneburgerheiden", True),
        ("wasserschutz", "hochwasserschutzmassnahmen", True),
        ("heide", "entscheidet", False),
        ("heide", "entscheidender", False),
        ("eiche", "reichenbach", False),
        ("eiche", "reichelt", False),
        ("schutz", "hochwasserschutzmassnahmen", False),  # short: only as the last part
    ])
    def test_what_counts_as_a_part_of_a_compound(self, word, compound, part):
        from releases.search.text import is_compound_part

        assert is_compound_part(word, compound) is part

    def test_a_short_stem_does_not_match_as_a_prefix(self, make_release):
        real = make_release(title="Reise nach Polen")
        make_release(title="Politik und Polizei")
        assert titles(search("Polen")) == [real.title]

    def test_typo_correction_picks_one_word_not_every_look_alike(self, make_release, days_ago):
        real = make_release(title="Stand der Digitalisierung")
        make_release(title="Digitale Signatur", body="<p>Digitalfunk und Digitalisate.</p>")
        assert titles(search("Digitalsierung")) == [real.title]


@pytest.mark.usefixtures("plan")
class TestUmlautWords:
    """A word typed without its umlaut may mean the word with it, one tier lower; a word
    typed with its umlaut means that word (Förderung is funding, Forderung a demand)."""

    @pytest.fixture
    def demand_and_funding(self, make_release, days_ago):
        return (make_release(title="Forderung der Gewerkschaften",
                             body="<p>Die Forderung liegt dem Ministerium vor.</p>",
                             published_at=days_ago(9)),
                make_release(title="Förderung für Vereine",
                             body="<p>Die Förderung beginnt im Mai.</p>",
                             published_at=days_ago(1)))

    def test_a_word_with_an_umlaut_does_not_find_the_word_without(self, demand_and_funding):
        demand, funding = demand_and_funding
        assert titles(search("Förderung")) == [funding.title]
        assert titles(search("Foerderung")) == [funding.title]

    def test_a_word_without_an_umlaut_finds_itself_first(self, demand_and_funding):
        demand, funding = demand_and_funding
        # The newer release mentions the folded spelling in its title too: below all the same.
        assert titles(search("Forderung")) == [demand.title, funding.title]

    def test_a_student_is_not_a_school(self, make_release, days_ago):
        student = make_release(title="Schüler gewinnen Preis", published_at=days_ago(5))
        make_release(title="Neue Schule eröffnet", published_at=days_ago(1))
        assert titles(search("Schüler")) == [student.title]

    @pytest.mark.parametrize("query", ["Gorlitz", "Lander"])
    def test_a_word_typed_without_its_umlaut_still_finds_it(self, goerlitz, unrelated, query):
        assert titles(search(query)) == [goerlitz.title]

    def test_a_phrase_needs_its_words_next_to_each_other_in_the_text(self, make_release,
                                                                     days_ago):
        apart = make_release(title="Bericht vom Tag",
                             body="<p>Die Förderung geht nach Görlitz.</p>",
                             published_at=days_ago(1))
        together = make_release(title="Bericht", body="<p>Die Förderung Görlitz wächst.</p>",
                                published_at=days_ago(5))
        assert titles(search('"Förderung Görlitz"')) == [together.title]
        assert apart.title in titles(search("Förderung Görlitz"))

    def test_excluding_a_word_keeps_the_word_without_its_umlaut(self, demand_and_funding):
        demand, funding = demand_and_funding
        assert titles(search("Ministerium oder Mai -Förderung")) == [demand.title]

    def test_the_word_typed_without_its_umlaut_is_marked(self, goerlitz):
        [release] = add_snippets(search("Gorlitz"), "Gorlitz")
        assert "<mark>Görlitz</mark>" in release.snippet

    def test_the_words_of_a_phrase_are_marked(self, make_release):
        make_release(title="Bericht", body="<p>Die Förderung Görlitz wächst.</p>")
        [release] = add_snippets(search('"Förderung Görlitz"'), '"Förderung Görlitz"')
        assert "<mark>Förderung</mark> <mark>Görlitz</mark>" in release.snippet


class TestSyntax:
    def test_a_quoted_phrase_needs_its_words_in_order(self, make_release):
        phrase = make_release(title="Regionale Wertschöpfung stärken")
        make_release(title="Wertschöpfung, regionale Netzwerke")
        assert titles(search('"regionale Wertschöpfung"')) == [phrase.title]

    def test_a_minus_excludes_a_word(self, kattowitz, make_release):
        other = make_release(title="Kattowitz und Krakau")
        assert titles(search("Kattowitz -Polen")) == [other.title]

    def test_excluding_a_joining_word_keeps_the_releases_titled_with_the_rest(
            self, make_release, unrelated):
        """On PostgreSQL "-und" had made every heading match fail."""
        titled = make_release(title="Neuer Radweg an der Elbe")
        mentioned = make_release(title="Freizeit", body="<p>Ein Radweg und eine Brücke.</p>")
        assert set(titles(search("Radweg -und"))) == {titled.title, mentioned.title}

    def test_oder_finds_either_word(self, kattowitz, goerlitz, unrelated):
        assert set(titles(search("Kattowitz oder Görlitz"))) == {kattowitz.title, goerlitz.title}

    def test_words_without_oder_must_all_match(self, kattowitz, goerlitz):
        assert titles(search("Schlesien Polen")) == [kattowitz.title]
        assert titles(search("Schlesien Görlitz")) == []

    @pytest.mark.parametrize("query", ODD_QUERIES)
    def test_odd_input_never_raises(self, kattowitz, query):
        results = search(query)
        add_snippets(results[:20], query)
        did_you_mean(query)
        assert search(query, order="date").count() <= 1


@pytest.mark.usefixtures("plan")
class TestVisibility:
    @pytest.fixture
    def hidden(self, make_release):
        future = timezone.now() + datetime.timedelta(days=1)
        return [
            make_release(title="Entwurf Quellwasserbilanz", status=Release.Status.DRAFT),
            make_release(title="Sperrfrist Quellwasserbilanz", embargo_until=future),
            make_release(title="Geplant Quellwasserbilanz", status=Release.Status.SCHEDULED,
                         published_at=future),
            make_release(title="Zurückgezogen Quellwasserbilanz",
                         status=Release.Status.WITHDRAWN),
        ]

    def test_unpublished_releases_are_never_found(self, hidden, kattowitz):
        for query in ["Quellwasserbilanz", "Quellwasser", "Quelwasserbilanz",
                      "Quellwasserbilanz oder Kattowitz"]:
            assert "Quellwasserbilanz" not in " ".join(titles(search(query)))

    def test_unpublished_words_are_never_suggested(self, hidden, kattowitz):
        assert did_you_mean("Quelwasserbilanz") == ""

    def test_filtered_releases_stay_filtered(self, kattowitz, goerlitz):
        releases = Release.objects.public().exclude(pk=kattowitz.pk)
        assert titles(search("Kattowitz oder Görlitz", releases)) == [goerlitz.title]

    def test_no_releases_suggest_nothing(self, kattowitz):
        assert did_you_mean("Kattowtz", Release.objects.public()) == "Kattowitz"
        assert did_you_mean("Kattowtz", Release.objects.none()) == ""


class TestSnippets:
    def test_matches_are_marked_in_the_text(self, kattowitz):
        [release] = add_snippets(search("Schlesien"), "Schlesien")
        assert isinstance(release.snippet, SafeString)
        assert "<mark>Schlesien</mark>" in release.snippet

    def test_only_words_the_query_finds_are_marked(self, make_release):
        make_release(title="E-Mobilität in der EU",
                     body="<p>Die EU fördert E-Mobilität mit zwölf Millionen Euro; "
                          "die Europäische Kommission startet heute.</p>")
        [release] = add_snippets(search("E-Mobilität EU"), "E-Mobilität EU")
        marked = re.findall(r"<mark>(.*?)</mark>", release.snippet)
        assert set(marked) <= {"E", "Mobilität", "EU"}, marked
        assert "EU" in marked and "Mobilität" in marked

    def test_markup_in_the_text_stays_inert(self, make_release):
        make_release(title="Sicherheitshinweis",
                     body="<p>Die Zeichenfolge &lt;script&gt;alert(1)&lt;/script&gt; und "
                          "&lt;b onclick=x&gt; ist Text. Sicherheit &amp; Ordnung.</p>")
        [release] = add_snippets(search("Zeichenfolge"), "Zeichenfolge")
        assert "&lt;script&gt;" in release.snippet
        assert "<script" not in release.snippet
        assert "<b " not in release.snippet
        assert release.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0

    def test_a_bracket_inside_an_attribute_does_not_end_the_tag(self, make_release):
        # Sanitised HTML keeps ">" unescaped inside quoted attribute values.
        make_release(title="Linkhinweis", body=(
            '<p><a href="https://example.org/?a=1>2" title="x><img src=x onerror=alert(1)>">'
            "Kattowitz</a> und mehr.</p>"))
        [release] = add_snippets(search("Kattowitz"), "Kattowitz")
        assert "<mark>Kattowitz</mark>" in release.snippet
        text = release.snippet.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in text and ">" not in text and "onerror" not in text

    def test_a_query_with_markup_is_not_echoed_as_markup(self, make_release):
        make_release(title="Script", body="<p>Ein script im Text.</p>")
        for release in add_snippets(search("<script>"), "<script>"):
            assert "<script" not in release.snippet

    def test_transliterated_queries_mark_the_original_spelling(self, goerlitz):
        [release] = add_snippets(search("Goerlitz Strasse"), "Goerlitz Strasse")
        assert "<mark>Görlitz</mark>" in release.snippet
        assert "<mark>Straße</mark>" in release.snippet

    def test_the_beginning_of_a_compound_part_marks_the_compound(self, goerlitz):
        [release] = add_snippets(search("kriminal"), "kriminal")
        assert "<mark>Eigentumskriminalität</mark>" in release.snippet

    def test_compounds_and_corrections_are_marked(self, goerlitz, kattowitz):
        [release] = add_snippets(search("Kriminalität"), "Kriminalität")
        assert "<mark>Eigentumskriminalität</mark>" in release.snippet
        [release] = add_snippets(search("Digitalsierung"), "Digitalsierung")
        assert "<mark>Digitalisierung</mark>" in release.snippet


    def test_a_long_text_is_read_for_its_beginning_only(self, make_release):
        """A speech of 40,000 characters: a word far into it still finds it, and its
        snippet then shows how it begins; a word near the start is marked."""
        paragraph = "<p>Sehr geehrte Damen und Herren, wir sprechen heute über Brücken.</p>"
        body = paragraph * 600 + "<p>Zuletzt ein Wort zur Quellwasserbilanz.</p>"
        assert len(body) > 40_000
        make_release(title="Rede zum Haushalt", kind=Release.Kind.SPEECH, body=body)
        [release] = add_snippets(search("Quellwasserbilanz"), "Quellwasserbilanz")
        assert release.snippet.startswith("Sehr geehrte Damen und Herren")
        [release] = add_snippets(search("Brücken"), "Brücken")
        assert "<mark>Brücken</mark>" in release.snippet

    def test_a_tag_cut_where_the_text_read_ends_is_not_shown(self, make_release):
        # Much markup for little text: the part read ends inside the link's tag, right
        # after the word searched for.
        filler = "<p><strong>Füllwort</strong></p>"
        tail = '<p>Zielwort</p><p><a href="https://example.org/ein/langer/pfad">Link</a></p>'
        before = SNIPPET_HTML_CHARS - 10 - tail.index("<a ") - len("<p></p>")
        count = before // len(filler) - 1
        body = filler * count + "<p>" + "x" * (before - count * len(filler)) + "</p>" + tail
        assert body.index("<a ") == SNIPPET_HTML_CHARS - 10
        make_release(title="Viele Absätze", body=body)
        [release] = add_snippets(search("Zielwort"), "Zielwort")
        assert "<mark>Zielwort</mark>" in release.snippet
        text = release.snippet.replace("<mark>", "").replace("</mark>", "")
        assert "&lt;" not in text and "href" not in text


class TestQueriesAsText:
    """Whatever a visitor types is words to look for, never syntax of the index."""

    @pytest.mark.parametrize("query", [
        '"Kattowitz', 'Kattowitz"', "Kattowitz*", "^Kattowitz", "{Kattowitz}", "(Kattowitz",
        "Kattowitz)", "Kattowitz:", "Kattowitz + ", "Kattowitz OR", "Kattowitz -NOT",
        '"" OR Kattowitz',
    ])
    def test_syntax_characters_of_the_index_are_ignored(self, kattowitz, goerlitz, query):
        assert titles(search(query)) == [kattowitz.title]

    @pytest.mark.parametrize("query", [
        "Kattowitz NEAR Polen", "NOT Kattowitz", "title:Kattowitz",
        "NEAR(Kattowitz Polen)", "{title heading}: Kattowitz",
    ])
    def test_operators_of_the_index_are_plain_words(self, kattowitz, goerlitz, query):
        # "NEAR", "title" are words the release does not contain; "NOT Kattowitz" excludes
        # it (and asks for nothing else).
        results = search(query)
        add_snippets(results[:20], query)
        assert titles(results) == []

    def test_and_and_not_in_capitals_mean_what_they_say(self, kattowitz, goerlitz):
        assert titles(search("Kattowitz AND Polen")) == [kattowitz.title]
        assert titles(search("Polen NOT Kattowitz")) == []
        assert titles(search("Görlitz NOT Kattowitz")) == [goerlitz.title]

    def test_a_short_word_does_not_match_inside_another(self, make_release):
        make_release(title="Neue Bibliothek in Bautzen")
        iot = make_release(title="IoT im Mittelstand")
        assert titles(search("IoT")) == [iot.title]

    def test_words_joined_by_a_plus_are_found_as_written(self, kattowitz, goerlitz):
        assert titles(search("simul+Werkstatt")) == [kattowitz.title]


class TestTsqueryRepeats:
    """PostgreSQL: an alternative asks for each match once, so that the planner, which
    adds up the parts of an alternative, does not count a match twice."""

    @pytest.mark.parametrize(("written", "simpler"), [
        ("'erzgebirg' | 'erzgebirg':*", "'erzgebirg':*"),
        ("'foerder' & ( 'erzgebirg' | 'erzgebirgskreis' | 'erzgebirg':* )",
         "'foerder' & 'erzgebirg':*"),
        ("'a' | 'a'", "'a'"),
        ("!!( 'kattowitz' | 'kattowitz':* )", "!!'kattowitz':*"),
    ])
    def test_a_word_whose_beginning_is_asked_for_is_dropped(self, written, simpler):
        assert postgresql_tsqueries._without_repeats(written) == simpler

    @pytest.mark.parametrize("written", [
        "'a' | 'a':* & 'b' <-> 'c' | !'d'",  # 'a':* belongs to "and", not to the alternative
        "'x' <-> 'erzgebirg' | 'erzgebirg':*",  # a phrase is not one word
        "( 'a' | 'b' ) <2> 'c'", "'a' <-> ( 'b' <-> 'c' )", "( 'a' & 'b' ) <-> 'c'",
        "'foerder' | 'foerderung':*", "!( 'a' | 'b' ) & 'c'", "",
    ])
    def test_other_queries_stay_as_written(self, written):
        assert postgresql_tsqueries._without_repeats(written) == written

    @pytest.mark.postgres
    def test_a_search_asks_for_a_word_and_its_beginning_once(self):
        tiers = postgresql_tsqueries._tsqueries(parse("Förderung Erzgebirge"), "default")
        [written] = tiers["positive"]["expanded"].source_expressions
        assert written.value == ("( 'foerder' | 'qqforder' | 'foerderung':* ) & "
                                 "( 'erzgebirg':* | 'qqerzgebirg':* )")


class TestIndexUpkeep:
    """The index and the list of words follow every change of a release."""

    @staticmethod
    def words():
        with connection.cursor() as cursor:
            cursor.execute("SELECT word FROM releases_searchword")
            return {row[0] for row in cursor.fetchall()}

    @staticmethod
    def indexed(word):
        """The ids of the rows of SQLite's FTS5 table that contain ``word``."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM releases_release_fts "
                           "WHERE releases_release_fts MATCH %s", [f'"{word}"'])
            return {row[0] for row in cursor.fetchall()}

    @sqlite_only
    def test_a_saved_release_is_indexed_by_its_current_words(self, kattowitz):
        assert self.indexed("kattowitz") == {kattowitz.pk}
        kattowitz.title = "Große Resonanz in Oppeln"
        kattowitz.save()
        assert self.indexed("kattowitz") == set()
        assert self.indexed("oppeln") == {kattowitz.pk}

    @sqlite_only
    def test_a_deleted_release_leaves_no_row(self, kattowitz):
        pk = kattowitz.pk
        kattowitz.delete()
        assert self.indexed("schlesien") == set()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM releases_release_fts WHERE rowid = %s", [pk])
            assert cursor.fetchone()[0] == 0

    @sqlite_only
    def test_a_rebuild_leaves_no_row_of_a_release_deleted_without_a_signal(self, kattowitz):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM releases_release_topics")
            cursor.execute("DELETE FROM releases_release WHERE id = %s", [kattowitz.pk])
        assert self.indexed("kattowitz") == {kattowitz.pk}
        call_command("rebuild_search_index", verbosity=0)
        assert self.indexed("kattowitz") == set()

    def test_the_list_of_words_holds_public_words_only(self, make_release, kattowitz):
        make_release(title="Entwurf Quellwasserbilanz", status=Release.Status.DRAFT)
        words = self.words()
        assert "kattowitz" in words and "schlesien" in words
        assert "quellwasserbilanz" not in words

    def test_a_withdrawn_release_is_not_found_and_its_words_go(self, kattowitz, admin_user):
        from releases import services

        services.withdraw(kattowitz, admin_user, reason="Versehentlich veröffentlicht.")
        assert titles(search("Kattowitz")) == []
        assert "schlesien" not in self.words()
        assert did_you_mean("Kattowtz") == ""

    @sqlite_only
    def test_the_trigram_table_follows_the_list_of_words(self, kattowitz):
        count_public_words([kattowitz], -1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM releases_searchword_trigram")
            assert cursor.fetchone()[0] == 0
        count_public_words([kattowitz], 1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM releases_searchword_trigram")
            assert cursor.fetchone()[0] == len(self.words()) > 0


class TestSearchView:
    url = reverse("releases:search")

    def test_results_are_listed_with_marked_snippets(self, client, kattowitz, unrelated):
        response = client.get(self.url, {"q": "Schlesien"})
        assert response.status_code == 200
        assert kattowitz.get_absolute_url() in response.text
        assert unrelated.get_absolute_url() not in response.text
        assert "<mark>Schlesien</mark>" in response.text

    def test_the_form_has_labels_for_every_field(self, client, kattowitz):
        response = client.get(self.url, {"q": "Kattowitz"})
        assert response.status_code == 200
        for name in ["q", "from_date", "to_date", "topic", "organisation", "kind", "sort"]:
            assert f'<label for="id_{name}"' in response.text
        assert "<legend>" in response.text

    @pytest.mark.parametrize("params", [{}, {"topic": "digitales"}])
    def test_without_a_query_no_order_is_offered(self, client, kattowitz, params):
        # Without words there is no relevance: the list is newest first.
        response = client.get(self.url, params)
        assert '<label for="id_sort"' not in response.text

    def test_nothing_found_shows_help(self, client, kattowitz):
        response = client.get(self.url, {"q": "Quellwasserbilanz"})
        assert response.status_code == 200
        assert response.context["paginator"].count == 0
        assert 'class="note"' in response.text

    def test_without_a_release_of_all_words_those_with_some_are_listed_and_said_to_be(
            self, client, kattowitz, goerlitz, unrelated):
        response = client.get(self.url, {"q": "Kattowitz Görlitz Pressemitteilung"})
        assert response.status_code == 200
        assert {release.pk for release in response.context["results"]} == {
            kattowitz.pk, goerlitz.pk}
        assert "Keine Medieninformation enthält alle Suchbegriffe" in response.text
        assert "<mark>Görlitz</mark>" in response.text  # any of the words is marked
        assert 'class="note"' not in response.text.split("</form>")[1]

    def test_a_release_of_all_words_shows_no_such_notice(self, client, kattowitz, unrelated):
        response = client.get(self.url, {"q": "Kattowitz Schlesien"})
        assert [release.pk for release in response.context["results"]] == [kattowitz.pk]
        assert "enthält alle Suchbegriffe" not in response.text

    @pytest.mark.parametrize("params", [
        {"q": "Kattowitz Pressemitteilung -Schlesien"},  # the exclusion still holds
        {"q": "Kattowitz Pressemitteilung", "kind": Release.Kind.SPEECH},  # and the filters
        {"q": "Quellwasserbilanz"},  # one word: nothing to leave out
    ])
    def test_words_left_out_never_widen_past_exclusions_and_filters(self, client, kattowitz,
                                                                    params):
        response = client.get(self.url, params)
        assert response.context["paginator"].count == 0
        assert 'class="note"' in response.text

    def test_a_typo_gets_a_suggestion(self, client, kattowitz):
        response = client.get(self.url, {"q": "Kattowtz Schlesien"})
        assert response.context["suggestion"] == "Kattowitz Schlesien"
        assert "q=Kattowitz+Schlesien" in response.text

    def test_a_suggestion_must_find_a_public_release_within_the_filters(
            self, client, make_release, kattowitz):
        # A speech about Kattowitz exists, but only as a draft: the corrected words would
        # find nothing among the public speeches.
        make_release(title="Rede in Kattowitz", kind=Release.Kind.SPEECH,
                     status=Release.Status.DRAFT)
        speeches = client.get(self.url, {"q": "Kattowtz", "kind": Release.Kind.SPEECH})
        assert speeches.context["suggestion"] == ""
        everything = client.get(self.url, {"q": "Kattowtz"})
        assert everything.context["suggestion"] == "Kattowitz"

    def test_filters_narrow_the_results(self, client, make_release, days_ago, topic):
        other = Organisation.objects.create(name="Staatskanzlei", slug="sk")
        on_topic = make_release(title="Oppeln eins", published_at=days_ago(10))
        on_topic.topics.add(topic)
        update_search_vector([on_topic.pk])
        by_other = make_release(title="Oppeln zwei", organisation=other,
                                kind=Release.Kind.SPEECH, published_at=days_ago(1))
        cases = [
            ({"topic": topic.slug}, on_topic),
            ({"organisation": "sk"}, by_other),
            ({"kind": Release.Kind.SPEECH}, by_other),
            ({"from_date": timezone.localdate(days_ago(3)).isoformat()}, by_other),
            ({"to_date": timezone.localdate(days_ago(3)).isoformat()}, on_topic),
        ]
        for params, expected in cases:
            response = client.get(self.url, {"q": "Oppeln", **params})
            assert titles(response.context["results"]) == [expected.title], params

    def test_sort_by_date(self, client, make_release, days_ago):
        old = make_release(title="Oppeln", published_at=days_ago(9))
        new = make_release(title="Bericht", body="<p>Oppeln</p>", published_at=days_ago(1))
        response = client.get(self.url, {"q": "Oppeln", "sort": "date"})
        assert titles(response.context["results"]) == [new.title, old.title]

    @pytest.fixture
    def many(self, organisation):
        def make(n):
            now = timezone.now()
            releases = Release.objects.bulk_create(
                Release(organisation=organisation, title=f"Oppeln {i}", slug=f"oppeln-{i}",
                        body=f"<p>Bericht {i} aus Oppeln.</p>", status=Release.Status.PUBLISHED,
                        published_at=now - datetime.timedelta(hours=i + 1))
                for i in range(n))
            update_search_vector([release.pk for release in releases])
            return releases
        return make

    def test_pages_hold_twenty_and_keep_the_query(self, client, many):
        many(25)
        first = client.get(self.url, {"q": "Oppeln", "sort": "date"})
        assert len(first.context["results"]) == 20
        assert "q=Oppeln&amp;sort=date&amp;page=2" in first.text
        second = client.get(self.url, {"q": "Oppeln", "sort": "date", "page": "2"})
        assert len(second.context["results"]) == 5
        assert second.context["page_obj"].start_index() == 21

    def test_more_matches_than_the_limit_show_the_newest_and_say_more(self, client, many,
                                                                       monkeypatch):
        limit_results(monkeypatch, 25)
        releases = many(30)
        response = client.get(self.url, {"q": "Oppeln", "sort": "date"})
        paginator = response.context["paginator"]
        assert paginator.has_more and paginator.count == 25 and paginator.num_pages == 2
        assert "Mehr als 25 Medieninformationen gefunden" in response.text
        last = client.get(self.url, {"q": "Oppeln", "sort": "date", "page": "2"})
        assert [release.pk for release in last.context["results"]] == [
            release.pk for release in releases[20:25]]

    def test_up_to_the_limit_the_count_is_exact(self, client, many, monkeypatch):
        limit_results(monkeypatch, 25)
        many(25)
        paginator = client.get(self.url, {"q": "Oppeln"}).context["paginator"]
        assert not paginator.has_more and paginator.count == 25

    def test_a_query_longer_than_allowed_is_searched_by_its_beginning(self, client, many):
        many(3)
        response = client.get(self.url, {"q": "Oppeln " + "x" * 600})
        assert response.status_code == 200
        assert response.context["form"].errors == {}
        assert response.context["searched"]

    def test_a_long_law_name_is_found(self, client, make_release):
        law = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"
        release = make_release(title=f"Das {law} tritt außer Kraft")
        response = client.get(self.url, {"q": law})
        assert [r.title for r in response.context["results"]] == [release.title]

    @pytest.mark.parametrize("page", ["999", "-1", "abc", "0", "1e9", "9" * 50])
    def test_a_page_out_of_range_shows_a_valid_page(self, client, many, page):
        many(25)
        response = client.get(self.url, {"q": "Oppeln", "page": page})
        assert response.status_code == 200
        assert response.context["results"]

    @pytest.mark.parametrize("params", [
        {"q": "x" * 10_000},
        {"q": "Oppeln\x00"},
        {"q": "Oppeln", "from_date": "gestern"},
        {"q": "Oppeln", "from_date": "0001-01-01", "to_date": "9999-12-31"},
        {"q": "Oppeln", "from_date": "2024-05-01", "to_date": "2024-04-01"},
        {"q": "Oppeln", "topic": "gibt-es-nicht"},
        {"q": "Oppeln", "organisation": "'; --"},
        {"q": "Oppeln", "kind": "roman"},
        {"q": "Oppeln", "sort": "random"},
        {"q": ["Oppeln", "Krakau"], "page": ["1", "2"]},
        # (A lone surrogate cannot even be put into a URL.)
        *({"q": query.replace("\ud800", "")} for query in ODD_QUERIES),
    ])
    def test_odd_parameters_never_fail(self, client, many, params):
        many(3)
        assert client.get(self.url, params).status_code == 200

    def test_bad_values_are_reported_and_the_rest_applies(self, client, many):
        many(3)
        response = client.get(self.url, {"q": "Oppeln", "kind": "roman"})
        assert "kind" in response.context["form"].errors
        assert len(response.context["results"]) == 3

    @pytest.mark.parametrize("size", [1, 20, 200])
    def test_the_page_makes_the_same_queries_at_any_size(self, client, many, topic,
                                                         django_assert_num_queries, size):
        for release in many(size):
            release.topics.add(topic)
        params = {"q": "Oppeln Bericht", "topic": topic.slug}
        client.get(self.url, params)  # fills per-process caches
        # the topic chosen (the choices and the place names are kept), the page, its topics, the
        # word lookup; on PostgreSQL also the tsqueries, the snippets, the planner's estimate of the
        # matches, and in a transaction (a savepoint here) with the plan set and reset: the
        # headings, then the texts of each tier (exact, expanded). On SQLite a look for a correction
        # of each word not in the list, and for each group reached (headings and then texts of each
        # tier) its first matches, and where there are any, their dates and ranks.
        expected = 14 if connection.vendor == "postgresql" else 12
        with django_assert_num_queries(expected):
            response = client.get(self.url, params)
        assert len(response.context["results"]) == min(size, 20)


def test_one_very_long_word_is_indexed_without_holding_the_server():
    """Indexing must stay linear in the text: a word of two million letters (pasted by
    mistake, or a document's base64 image) once took days, and Python's regular
    expressions hold every thread of the process meanwhile. Run in a process of its
    own, so that a relapse fails this test instead of hanging the suite."""
    script = ("import django; django.setup(); from releases.search.text import _document; "
              "words = _document('x' * 2_000_000 + ' Kita-Gesetz').split(); "
              "print(len(words[0]), words[-1])")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=environment, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2000000", "kitagesetz"]
