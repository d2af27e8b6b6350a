"""The site's identity: its defaults, the one admin page that sets it, what pages show of it,
what reading it costs, and what the seed makes of it."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from lxml import html

from releases.models import Organisation, SiteIdentity

from .logo_data import SCRIPT_SVG, png_upload, svg_upload

pytest_plugins = ["tests.workflow_fixtures"]

CHANGE_URL = reverse("admin:releases_siteidentity_change", args=[1])
BODY = "Sächsisches Staatsministerium für Regionalentwicklung"


@pytest.fixture
def identity(db):
    return SiteIdentity.objects.create(
        name="Pressestelle SMR", logo=svg_upload(), logo_alt_text="Wappen des Freistaates",
        body_name=BODY, street="Archivstraße 1", postal_code="01097", city="Dresden",
        phone="+49 351 564-50024", email="medien@smr.sachsen.de")


def form_data(**fields):
    data = {"name": "Pressestelle SMR", "logo_alt_text": "", "body_name": BODY,
            "street": "Archivstraße 1", "postal_code": "01097", "city": "Dresden",
            "phone": "", "email": "medien@smr.sachsen.de"}
    data.update(fields)
    return data


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return html.fromstring(response.content)


def identity_queries(queries):
    return [query for query in queries if "releases_siteidentity" in query["sql"]]


@pytest.mark.django_db
class TestModel:
    def test_without_a_saved_identity_the_defaults_are_returned(self):
        identity = SiteIdentity.get()
        assert identity.pk == SiteIdentity.SINGLETON_PK and identity._state.adding
        assert str(identity.name) == "Newsroom"
        assert not identity.logo and not identity.body_name and identity.postal_address == []

    def test_saving_another_instance_changes_the_one_row(self, identity):
        SiteIdentity(name="Neuer Name").save()
        assert SiteIdentity.objects.count() == 1
        assert SiteIdentity.objects.get().name == "Neuer Name"

    def test_the_database_refuses_a_second_row(self, identity):
        with pytest.raises(IntegrityError), transaction.atomic():
            SiteIdentity.objects.bulk_create([SiteIdentity(id=2, name="Zweite")])

    def test_logo_without_alternative_text_is_refused(self):
        identity = SiteIdentity(name="Pressestelle SMR", logo=svg_upload())
        with translation.override("de"), pytest.raises(ValidationError) as error:
            identity.full_clean()
        assert error.value.message_dict["logo_alt_text"] == [
            "Bitte beschreiben Sie das Logo für Menschen, die es nicht sehen können."]

    def test_postal_address_leaves_out_empty_lines(self):
        assert SiteIdentity(city="Dresden").postal_address == ["Dresden"]


@pytest.mark.django_db
class TestCache:
    def test_reading_costs_one_query_cold_and_none_warm(self, identity,
                                                       django_assert_num_queries):
        with django_assert_num_queries(1):
            assert SiteIdentity.get().name == "Pressestelle SMR"
        with django_assert_num_queries(0):
            assert SiteIdentity.get().name == "Pressestelle SMR"

    def test_the_defaults_are_kept_too(self, django_assert_num_queries):
        SiteIdentity.get()
        with django_assert_num_queries(0):
            assert str(SiteIdentity.get().name) == "Newsroom"

    def test_saving_is_seen_at_once(self, identity):
        SiteIdentity.get()
        identity.name = "Medienservice"
        identity.save()
        assert SiteIdentity.get().name == "Medienservice"

    def test_saving_drops_the_cached_pages(self, client, identity):
        assert "Pressestelle SMR" in client.get("/").content.decode()
        identity.name = "Medienservice"
        identity.save()
        assert "Medienservice" in client.get("/").content.decode()

    def test_without_a_cache_it_is_read_from_the_database(self, settings, identity):
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        with CaptureQueriesContext(connection) as queries:
            assert SiteIdentity.get().name == "Pressestelle SMR"
        assert len(identity_queries(queries)) == 1

    @pytest.mark.parametrize("url", ["/", "/medieninformationen/"])
    def test_a_page_reads_it_with_one_query_when_cold_and_none_when_warm(
            self, client, no_page_cache, identity, make_release, url):
        release = make_release()
        for path in (url, release.get_absolute_url()):
            client.get(path)
            with CaptureQueriesContext(connection) as warm:
                client.get(path)
            cache.clear()  # with the page cache off, only the identity was kept there
            with CaptureQueriesContext(connection) as cold:
                client.get(path)
            assert identity_queries(warm.captured_queries) == []
            assert len(identity_queries(cold.captured_queries)) == 1
            assert len(cold) == len(warm) + 1


@pytest.mark.django_db
class TestAdmin:
    @pytest.mark.parametrize("group_client", ["spokesperson", "administrator"])
    def test_pressestelle_and_administration_save_it(self, client, request, group_client):
        client.force_login(request.getfixturevalue(group_client))
        response = client.post(CHANGE_URL, form_data(
            logo=svg_upload(), logo_alt_text="Wappen des Freistaates"))
        assert response.status_code == 302, response.context["adminform"].form.errors
        identity = SiteIdentity.objects.get()
        assert (identity.name, identity.body_name, identity.city) == (
            "Pressestelle SMR", BODY, "Dresden")
        assert identity.logo.name.startswith("logos/") and identity.logo.name.endswith(".svg")

    def test_the_list_leads_to_the_one_page(self, spokesperson_client):
        response = spokesperson_client.get(reverse("admin:releases_siteidentity_changelist"))
        assert response.status_code == 302 and response["Location"] == CHANGE_URL

    def test_the_page_shows_the_defaults_before_the_first_save(self, spokesperson_client):
        response = spokesperson_client.get(CHANGE_URL)
        assert response.status_code == 200
        assert response.context["adminform"].form["name"].value() == "Newsroom"
        assert not SiteIdentity.objects.exists()

    def test_the_file_field_offers_png_and_svg(self, spokesperson_client):
        field = page(spokesperson_client, CHANGE_URL).get_element_by_id("id_logo")
        assert field.get("accept") == "image/png,image/svg+xml,.png,.svg"

    def test_the_admin_is_headed_and_titled_with_the_site_name(self, identity, editor_client):
        tree = page(editor_client, reverse("admin:index"))
        assert tree.get_element_by_id("site-name").text_content().strip() == "Pressestelle SMR"
        assert tree.findtext(".//title").endswith("| Pressestelle SMR")

    def test_redaktion_may_not_see_or_change_it(self, editor_client):
        assert editor_client.get(CHANGE_URL).status_code == 403
        assert editor_client.post(CHANGE_URL, form_data()).status_code == 403
        assert editor_client.get(
            reverse("admin:releases_siteidentity_changelist")).status_code == 403
        assert not SiteIdentity.objects.exists()

    def test_nothing_is_added_or_deleted(self, spokesperson_client, identity):
        assert spokesperson_client.get(
            reverse("admin:releases_siteidentity_add")).status_code == 403
        assert spokesperson_client.post(
            reverse("admin:releases_siteidentity_delete", args=[1]), {"post": "yes"},
        ).status_code == 403
        assert SiteIdentity.objects.exists()

    def test_another_object_number_opens_nothing(self, spokesperson_client):
        response = spokesperson_client.get(
            reverse("admin:releases_siteidentity_change", args=[2]))
        assert response.status_code == 302  # the admin's "does not exist" message
        assert not SiteIdentity.objects.exists()

    def test_svg_with_script_is_refused_in_german_and_the_form_keeps_its_input(
            self, spokesperson_client):
        response = spokesperson_client.post(CHANGE_URL, form_data(
            name="Medienservice Regionalentwicklung", logo=svg_upload(SCRIPT_SVG),
            logo_alt_text="Wappen"))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["logo"] == [
            "Die SVG-Datei kann nicht als Logo verwendet werden: Sie enthält das Element "
            "<script>. Bitte speichern Sie sie als einfaches SVG ohne Skripte, Links und "
            "eingebettete Dateien."]
        form = html.fromstring(response.content)
        assert form.get_element_by_id("id_name").get("value") == \
            "Medienservice Regionalentwicklung"
        assert form.get_element_by_id("id_logo_alt_text").get("value") == "Wappen"
        assert not SiteIdentity.objects.exists()

    def test_logo_without_alternative_text_is_refused_in_german(self, spokesperson_client):
        response = spokesperson_client.post(CHANGE_URL, form_data(logo=png_upload()))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["logo_alt_text"] == [
            "Bitte beschreiben Sie das Logo für Menschen, die es nicht sehen können."]
        assert not SiteIdentity.objects.exists()


@pytest.mark.django_db
class TestPages:
    def test_header_shows_logo_with_its_alternative_text_and_the_name_linking_home(
            self, client, identity):
        brand = page(client, "/medieninformationen/").find_class("brand")[0]
        assert brand.get("href") == reverse("releases:home")
        logo = brand.find("img")
        assert logo.get("src") == identity.logo.url
        assert logo.get("alt") == "Wappen des Freistaates"
        assert brand.find("span").text == "Pressestelle SMR"

    def test_page_title_ends_with_the_site_name(self, client, identity, make_release):
        release = make_release(title="Große Resonanz")
        title = page(client, release.get_absolute_url()).findtext(".//title")
        assert title == "Große Resonanz – Pressestelle SMR"
        assert page(client, "/").findtext(".//title").startswith("Pressestelle SMR – ")

    def test_release_page_names_the_site_for_sharing(self, client, identity, make_release):
        document = page(client, make_release().get_absolute_url())
        assert document.xpath('//meta[@property="og:site_name"]/@content') == [
            "Pressestelle SMR"]

    def test_footer_gives_the_body_and_its_address(self, client, identity):
        address = page(client, "/").xpath('//footer//address')[0]
        assert [text.strip() for text in address.itertext() if text.strip()] == [
            BODY, "Archivstraße 1", "01097 Dresden", "Telefon:", "+49 351 564-50024",
            "E-Mail:", "medien@smr.sachsen.de"]
        assert address.xpath(".//a/@href") == ["tel:+4935156450024",
                                                "mailto:medien@smr.sachsen.de"]

    def test_letterhead_comes_first_with_logo_body_and_address(self, client, identity):
        body = page(client, "/").find("body")
        letterhead = body[0]
        assert letterhead.get("class") == "letterhead"
        assert letterhead.find("img").get("alt") == "Wappen des Freistaates"
        text = " ".join(letterhead.text_content().split())
        assert text == f"{BODY} Archivstraße 1, 01097 Dresden"

    def test_without_a_saved_identity_the_site_is_called_newsroom(self, client, db):
        document = page(client, "/")
        brand = document.find_class("brand")[0]
        assert brand.find("img") is None and brand.text_content() == "Newsroom"
        assert document.xpath("//address") == []
        assert " ".join(document.find_class("letterhead")[0].text_content().split()) == \
            "Newsroom"

    def test_without_a_logo_the_header_shows_the_name_alone(self, client, identity):
        identity.logo = ""
        identity.save()
        brand = page(client, "/").find_class("brand")[0]
        assert brand.find("img") is None and brand.text_content() == "Pressestelle SMR"

    def test_english_pages_show_the_same_name(self, client, identity):
        assert page(client, "/en/").find_class("brand")[0].text_content() == \
            "Pressestelle SMR"


@pytest.mark.django_db
class TestSeed:
    def test_seed_fills_the_identity_from_its_organisation(self, client):
        call_command("seed", stdout=StringIO())
        identity = SiteIdentity.objects.get()
        organisation = Organisation.objects.get(slug="smr")
        assert identity.name == "Pressestelle SMR"
        assert (identity.body_name, identity.street, identity.postal_code, identity.city,
                identity.email) == (organisation.name, "Archivstraße 1", "01097", "Dresden",
                                    "medien@smr.sachsen.de")
        assert not identity.logo
        assert page(client, "/").find_class("brand")[0].text_content() == "Pressestelle SMR"

    def test_seed_keeps_what_the_press_office_set(self, identity):
        call_command("seed", stdout=StringIO())
        assert SiteIdentity.objects.get().name == "Pressestelle SMR"
        assert SiteIdentity.objects.get().logo.name == identity.logo.name
