"""Place names in several languages: a search for one name of a place finds the others.

Runs on whichever database is configured; both take the same path through
releases.search._with_places.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from releases.models import PlaceGroup, PlaceName, Release
from releases.search import add_snippets, editorial_matches, parse, search
from releases.search import places as search_module
from tests.workflow_fixtures import logged_in

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.workflow_fixtures"]


def titles(results):
    return {release.title for release in results}


@pytest.fixture
def releases(make_release):
    """One release per spelling, named by it."""
    def make(*names):
        return {name: make_release(title=f"Wirtschaftstag {name}", slug=f"r{n}",
                                   body=f"<p>Die Messe in {name} war gut besucht.</p>")
                for n, name in enumerate(names)}

    return make


class TestEquivalentNames:
    @pytest.mark.parametrize("query, found", [("Kattowitz", "Katowice"),
                                              ("Katowice", "Kattowitz"),
                                              ("katowice", "Kattowitz"),
                                              ("Oppeln", "Opole"), ("Opole", "Oppeln")])
    def test_one_name_finds_the_other(self, releases, query, found):
        made = releases(found, "Zabrze")
        assert titles(search(query)) == {made[found].title}

    @pytest.mark.parametrize("query", ["Krakau", "Kraków", "Krakow", "KRAKÓW", "Krakov"])
    def test_every_spelling_finds_all_spellings(self, releases, query):
        made = releases("Krakau", "Kraków", "Krakow", "Tarnów")
        assert titles(search(query)) == {made[name].title
                                         for name in ("Krakau", "Kraków", "Krakow")}

    @pytest.mark.parametrize("query, found", [("Boehmen", "Čechy"), ("Cechy", "Böhmen"),
                                              ("Bohmen", "Čechy"), ("Wroclaw", "Breslau"),
                                              ("Breslau", "Wrocław")])
    def test_names_match_with_and_without_diacritics(self, releases, query, found):
        made = releases(found, "Zabrze")
        assert titles(search(query)) == {made[found].title}

    @pytest.mark.parametrize("query", ["Ústí nad Labem", '"Usti nad Labem"', "Ústí-nad-Labem"])
    def test_a_name_of_several_words_finds_the_other(self, releases, query):
        made = releases("Aussig", "Zabrze")
        assert titles(search(query)) == {made["Aussig"].title}

    def test_a_single_word_name_finds_a_name_of_several_words(self, releases):
        made = releases("Jelenia Góra", "Góra Kalwaria", "Zabrze")
        assert titles(search("Hirschberg")) == {made["Jelenia Góra"].title}

    def test_other_words_of_the_query_still_have_to_match(self, make_release):
        make_release(title="Messe in Katowice", slug="messe")
        make_release(title="Konzert in Katowice", slug="konzert")
        assert titles(search("Kattowitz Messe")) == {"Messe in Katowice"}

    def test_alternatives_with_oder_find_the_names_of_both(self, releases):
        made = releases("Opole", "Legnica", "Zabrze")
        assert titles(search("Oppeln oder Liegnitz")) == {made["Opole"].title,
                                                         made["Legnica"].title}

    def test_an_excluded_place_excludes_its_other_names(self, make_release):
        make_release(title="Delegation in Polen", slug="a",
                     body="<p>Station in Katowice.</p>")
        make_release(title="Austausch mit Polen", slug="b", body="<p>In Posen.</p>")
        assert titles(search("Polen -Kattowitz")) == {"Austausch mit Polen"}

    def test_the_snippet_marks_the_other_name(self, releases):
        releases("Katowice")
        [release] = add_snippets(search("Kattowitz"), "Kattowitz")
        assert "<mark>Katowice</mark>" in release.snippet

    def test_the_editors_list_finds_the_other_name(self, releases):
        made = releases("Katowice", "Zabrze")
        assert titles(editorial_matches("Kattowitz", Release.objects.all())) == {
            made["Katowice"].title}

    def test_the_public_search_page_shows_the_other_name(self, client, releases):
        made = releases("Legnica")
        response = client.get(reverse("releases:search"), {"q": "Liegnitz"})
        assert made["Legnica"].title in response.content.decode()


class TestRelatedPlaces:
    @pytest.mark.parametrize("query, other", [("Görlitz", "Zgorzelec"),
                                              ("Zgorzelec", "Görlitz"),
                                              ("Guben", "Gubin")])
    def test_a_twin_town_is_not_found_for_the_other(self, releases, query, other):
        releases(other)
        assert not search(query).exists()

    def test_twin_towns_are_kept_as_related(self):
        group = PlaceGroup.objects.get(names__name="Zgorzelec")
        assert group.kind == PlaceGroup.Kind.RELATED
        assert "Görlitz" in str(group)


class TestAdmin:
    def test_the_pressestelle_sees_the_list(self, spokesperson):
        response = logged_in(spokesperson).get(
            reverse("admin:releases_placegroup_changelist"), {"q": "Katowice"})
        assert response.status_code == 200
        assert "Kattowitz / Katowice" in response.content.decode()

    def test_the_list_shows_related_places(self, spokesperson):
        response = logged_in(spokesperson).get(
            reverse("admin:releases_placegroup_changelist"), {"kind": "related"})
        content = response.content.decode()
        assert "Görlitz / Zgorzelec" in content and "Kattowitz" not in content

    def test_the_list_makes_the_same_queries_at_any_size(self, spokesperson):
        client, url = logged_in(spokesperson), reverse("admin:releases_placegroup_changelist")
        with CaptureQueriesContext(connection) as before:
            client.get(url)
        for n in range(100):
            PlaceName.objects.create(group=PlaceGroup.objects.create(), name=f"Ort{n}")
        with CaptureQueriesContext(connection) as after:
            assert client.get(url, {"all": ""}).status_code == 200
        assert len(after) == len(before)

    def test_the_redaktion_cannot_change_the_list(self, editor):
        response = logged_in(editor).get(reverse("admin:releases_placegroup_changelist"))
        assert response.status_code == 403

    def test_an_equivalence_added_in_the_admin_works_at_once(self, spokesperson, releases):
        made = releases("Hoyerswerda", "Zabrze")
        assert not search("Wojerecy").exists()
        response = logged_in(spokesperson).post(reverse("admin:releases_placegroup_add"), {
            "kind": "equivalent", "note": "",
            "names-TOTAL_FORMS": "2", "names-INITIAL_FORMS": "0",
            "names-MIN_NUM_FORMS": "0", "names-MAX_NUM_FORMS": "1000",
            "names-0-name": "Hoyerswerda", "names-0-language": "de",
            "names-1-name": "Wojerecy", "names-1-language": "hsb",
        })
        assert response.status_code == 302
        assert titles(search("Wojerecy")) == {made["Hoyerswerda"].title}

    def test_a_name_changed_in_the_admin_is_looked_up_by_its_new_spelling(self, releases):
        made = releases("Katowice")
        name = PlaceName.objects.get(name="Kattowitz")
        name.name = "Kattowitz-Stadt"
        name.save()
        assert titles(search('"Kattowitz Stadt"')) == {made["Katowice"].title}
        assert not search("Kattowitz").exists()


class TestCost:
    def queries(self, text):
        """Queries of a search and its first page's snippets, as the search page makes them."""
        with CaptureQueriesContext(connection) as captured:
            query = parse(text)
            results = search(query)
            add_snippets(list(results[:20]), query)
        return len(captured)

    def test_queries_do_not_grow_with_the_number_of_places(self, releases):
        releases("Katowice", "Opole")
        few = self.queries("Kattowitz oder Oppeln -Görlitz")
        for n in range(200):
            group = PlaceGroup.objects.create()
            PlaceName.objects.create(group=group, name=f"Ort{n}")
            PlaceName.objects.create(group=group, name=f"Miasto{n}")
        assert self.queries("Kattowitz oder Oppeln -Görlitz") == few

    def test_the_place_names_cost_one_query_per_search(self, releases, monkeypatch):
        releases("Katowice")
        with_places = self.queries("Messe -Oppeln")
        monkeypatch.setattr(search_module, "_place_names", lambda keys, db: {})
        assert self.queries("Messe -Oppeln") == with_places - 1
