"""The admin as the editors' working place: every page, a release from form to public page,
bad input that is refused without losing what was typed, the staff preview, query counts."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from releases import services
from releases.models import (
    Appointment,
    AuditEntry,
    Contact,
    Counterpart,
    Delegation,
    DelegationMember,
    DelegationStop,
    Event,
    Organisation,
    Person,
    PlaceGroup,
    ProgrammeItem,
    Release,
    ReleaseAttachment,
    ReleaseImage,
    ReleasePerson,
    SignLanguageVideo,
    SiteIdentity,
    Topic,
)
from tests.admin_helpers import (
    admin_url,
    event_data,
    image_bytes,
    image_inline,
    inline_errors,
    management_form,
    png_upload,
    release_data,
    stored_files,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# The editors' models; the audit log is read-only and has its own tests (test_audit.py), as
# has the site's identity, a single page (test_identity.py).
REGISTERED = sorted(
    (model for model in admin.site._registry
     if model._meta.app_label == "releases" and model not in {AuditEntry, SiteIdentity}),
    key=lambda model: model._meta.model_name,
)
REGISTERED_IDS = [model._meta.model_name for model in REGISTERED]
# Releases are withdrawn, not deleted (only superusers delete them).
DELETABLE = [model for model in REGISTERED if model is not Release]
DELETABLE_IDS = [model._meta.model_name for model in DELETABLE]
# Includes the check for overdue publications, the site's name in the header, and a search's
# look-up of place names and, on PostgreSQL, the making of its tsqueries (the name and the
# place names are kept in the cache after the first page: these are the first).
CHANGELIST_QUERY_BUDGET = 16


# An appointment or trip in preparation, as the admin's form posts it.
PREPARED = {"status": "draft", "published_at_0": "", "published_at_1": "",
            "embargo_until_0": "", "embargo_until_1": ""}


def form_errors(response):
    return response.context["adminform"].form.errors


def resolve(obj, lookup):
    for part in lookup.split("__"):
        obj = getattr(obj, part)
    return obj


@pytest.fixture
def editor(db):
    """A member of the press office: every permission of the releases app, no superuser."""
    user = User.objects.create_user("redakteurin", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="releases"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def author(db):
    """A member of the Redaktion group (migration 0004_roles): writes and submits."""
    user = User.objects.create_user("autorin", is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktion"))
    return user


@pytest.fixture
def spokesperson(db):
    """A second member of the press office, for the four-eyes principle."""
    user = User.objects.create_user("pressesprecher", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="releases"))
    return user


@pytest.fixture
def spokesperson_client(spokesperson):
    client = Client()
    client.force_login(spokesperson)
    return client


def workflow_url(release, operation):
    return reverse("admin:releases_release_workflow", args=[release.pk, operation])


@pytest.fixture
def anonymous():
    """A visitor's client, separate from the (logged-in) ``client`` fixture."""
    return Client()


@pytest.fixture
def objects(organisation, topic, contact, person, make_release):
    """One object of every model, linked as in the seed document.

    A second organisation and topic make every list filter show its choices.
    """
    Organisation.objects.create(name="Sächsische Staatskanzlei", short_name="SK", slug="sk")
    Topic.objects.create(name="Polen", slug="polen")
    Appointment.objects.create(person=person, organisation=organisation,
                               title="Staatsminister für Regionalentwicklung",
                               start_date=datetime.date(2019, 12, 20))
    release = make_release(title="Große Resonanz in Kattowitz", slug="grosse-resonanz")
    release.topics.add(topic)
    release.contacts.add(contact)
    ReleasePerson.objects.create(release=release, person=person, is_quoted=True)
    ReleaseImage.objects.create(release=release, image=png_upload(), alt_text="Podium",
                                credit="Foto: SMR")
    ReleaseAttachment.objects.create(
        release=release, title="Programm",
        file=SimpleUploadedFile("programm.pdf", b"%PDF-1.4\n%%EOF\n"))
    delegation = Delegation.objects.create(
        title="Delegationsreise nach Polen", slug="polen-2021", leader=person,
        organisation=organisation, start_date=datetime.date(2021, 10, 6), countries="Polen")
    DelegationMember.objects.create(delegation=delegation, name="Thomas Horn")
    stop = DelegationStop.objects.create(delegation=delegation, city="Kattowitz",
                                         country="Polen")
    item = ProgrammeItem.objects.create(stop=stop, title="Gespräch im Marschallamt")
    Counterpart.objects.create(programme_item=item, person=person, role="Gastgeber")
    event = Event.objects.create(
        title="simul+Werkstatt", slug="simul-werkstatt", organisation=organisation,
        starts_at=datetime.datetime(2021, 10, 7, 10, tzinfo=BERLIN), city="Kattowitz",
        delegation=delegation)
    event.ministers.add(person)
    release.events.add(event)
    video = SignLanguageVideo.objects.create(
        video=SimpleUploadedFile("gebaerden.webm", b"\x1a\x45\xdf\xa3\x42\x82\x84webm"),
        captions=SimpleUploadedFile("gebaerden.vtt", b"WEBVTT\n"))
    return {Organisation: organisation, Contact: contact, Topic: topic, Person: person,
            Release: release, Event: event, Delegation: delegation, DelegationStop: stop,
            ProgrammeItem: item, PlaceGroup: PlaceGroup.objects.get(names__name="Zgorzelec"),
            SignLanguageVideo: video}


@pytest.mark.django_db
class TestAdminPages:
    def test_index_is_german_and_branded(self, editor_client):
        response = editor_client.get(reverse("admin:index"))
        content = response.content.decode()
        assert response.status_code == 200
        assert '<html lang="de"' in content
        assert "Abmelden" in content
        assert "<title>" in content and "| Newsroom</title>" in content

    def test_app_index_links_every_registered_model(self, editor_client):
        # A trip's stops and programme items are edited on the trip's page.
        response = editor_client.get(reverse("admin:app_list", args=["releases"]))
        assert response.status_code == 200
        for model in REGISTERED:
            if model not in {DelegationStop, ProgrammeItem}:
                assert admin_url(model, "changelist") in response.content.decode()

    def test_every_registered_model_has_an_object_in_the_fixture(self, objects):
        assert set(REGISTERED) <= set(objects)

    @pytest.mark.parametrize("model", REGISTERED, ids=REGISTERED_IDS)
    def test_changelist_lists_the_object(self, editor_client, objects, model):
        response = editor_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200
        assert objects[model] in response.context["cl"].result_list

    @pytest.mark.parametrize("model", REGISTERED, ids=REGISTERED_IDS)
    def test_add_view_renders_empty_form(self, editor_client, objects, model):
        response = editor_client.get(admin_url(model, "add"))
        assert response.status_code == 200
        assert not response.context["adminform"].form.is_bound

    @pytest.mark.parametrize("model", REGISTERED, ids=REGISTERED_IDS)
    def test_change_view_renders_the_object(self, editor_client, objects, model):
        response = editor_client.get(admin_url(model, "change", objects[model].pk))
        assert response.status_code == 200
        assert response.context["original"] == objects[model]

    @pytest.mark.parametrize("model", REGISTERED, ids=REGISTERED_IDS)
    def test_history_view_renders(self, editor_client, objects, model):
        response = editor_client.get(admin_url(model, "history", objects[model].pk))
        assert response.status_code == 200
        assert response.context["object"] == objects[model]

    @pytest.mark.parametrize("model", DELETABLE, ids=DELETABLE_IDS)
    def test_delete_confirmation_renders(self, editor_client, objects, model):
        response = editor_client.get(admin_url(model, "delete", objects[model].pk))
        assert response.status_code == 200

    def test_release_is_not_deleted_but_withdrawn_except_by_a_superuser(
            self, editor_client, client, objects, admin_user):
        # Withdrawing keeps the address with a notice and can be undone (test_workflow.py).
        url = admin_url(Release, "delete", objects[Release].pk)
        assert editor_client.get(url).status_code == 403
        changelist = editor_client.get(admin_url(Release, "changelist"))
        actions = [name for name, _label in
                   changelist.context["action_form"].fields["action"].choices]
        assert "delete_selected" not in actions
        client.force_login(admin_user)
        assert client.get(url).status_code == 200

    @pytest.mark.parametrize("model", REGISTERED, ids=REGISTERED_IDS)
    def test_search_by_first_search_field_finds_the_object(self, editor_client, objects,
                                                           model):
        lookup = admin.site._registry[model].search_fields[0]
        term = str(resolve(objects[model], lookup)).split()[0]
        response = editor_client.get(admin_url(model, "changelist"), {"q": term})
        assert response.status_code == 200
        assert objects[model] in response.context["cl"].result_list

    @pytest.mark.parametrize("model", REGISTERED, ids=REGISTERED_IDS)
    def test_every_filter_choice_renders(self, editor_client, objects, model):
        url = admin_url(model, "changelist")
        changelist = editor_client.get(url).context["cl"]
        assert len(changelist.filter_specs) == len(admin.site._registry[model].list_filter)
        for spec in changelist.filter_specs:
            for choice in spec.choices(changelist):
                response = editor_client.get(url + choice["query_string"])
                # An invalid filter would redirect to ?e=1 instead.
                assert response.status_code == 200, (spec.title, choice["query_string"])

    def test_release_date_hierarchy_drills_down_to_the_day(self, editor_client, objects):
        local = timezone.localtime(objects[Release].published_at)
        response = editor_client.get(admin_url(Release, "changelist"), {
            "published_at__year": local.year, "published_at__month": local.month,
            "published_at__day": local.day})
        assert response.status_code == 200
        assert objects[Release] in response.context["cl"].result_list

    def test_published_release_is_shown_read_only_with_its_text_rendered(self, editor_client,
                                                                         objects):
        release = objects[Release]
        response = editor_client.get(admin_url(Release, "change", release.pk))
        content = response.content.decode()
        assert not response.context["has_change_permission"]
        assert "ckeditor/ckeditor.js" not in content
        assert '<div class="rendered-text" lang="de"><p>Text.</p></div>' in content
        assert "&lt;p&gt;Text." not in content
        assert reverse("admin:releases_release_workflow",
                       args=[release.pk, "start_edition"]) in content

    def test_working_edition_form_has_all_inlines_and_the_rich_text_editor(
            self, editor_client, objects, editor):
        edition = services.start_edition(objects[Release], editor)
        response = editor_client.get(admin_url(Release, "change", edition.pk))
        prefixes = {inline.formset.prefix for inline in response.context["inline_admin_formsets"]}
        assert prefixes == {"release_people", "images", "attachments"}
        assert "ckeditor/ckeditor.js" in response.content.decode()
        assert f'<img src="{objects[Release].images.get().image.url}"' in (
            response.content.decode())
        assert edition.images.get().image.name == objects[Release].images.get().image.name

    def test_offices_on_the_person_form_are_not_called_like_appointments(self, editor_client,
                                                                         objects):
        response = editor_client.get(admin_url(Person, "change", objects[Person].pk))
        (offices,) = response.context["inline_admin_formsets"]
        assert str(offices.opts.verbose_name_plural) != str(Event._meta.verbose_name_plural)

    def test_superuser_sees_the_same_pages(self, client, objects, admin_user):
        client.force_login(admin_user)
        for model in REGISTERED:
            assert client.get(admin_url(model, "change", objects[model].pk)).status_code == 200


@pytest.mark.django_db
class TestAutocomplete:
    @pytest.mark.parametrize(("model_name", "field_name", "term", "expected"), [
        ("release", "topics", "digi", "Digitalisierung"),
        ("release", "contacts", "meyer", "Frank Meyer (SMR)"),
        ("releaseperson", "person", "schmidt", "Thomas Schmidt"),
        ("event", "ministers", "schm", "Thomas Schmidt"),
    ])
    def test_term_finds_the_related_object(self, editor_client, objects, model_name,
                                           field_name, term, expected):
        response = editor_client.get(reverse("admin:autocomplete"), {
            "app_label": "releases", "model_name": model_name, "field_name": field_name,
            "term": term})
        assert response.status_code == 200
        assert [result["text"] for result in response.json()["results"]] == [expected]

    def test_unknown_term_finds_nothing(self, editor_client, objects):
        response = editor_client.get(reverse("admin:autocomplete"), {
            "app_label": "releases", "model_name": "release", "field_name": "topics",
            "term": "Landwirtschaft"})
        assert response.json()["results"] == []


@pytest.mark.django_db
class TestReleaseFromFormToPublicPage:
    @time_machine.travel(datetime.datetime(2026, 10, 8, 10, tzinfo=BERLIN), tick=False)
    def test_release_with_image_and_topic_submitted_approved_and_published_is_public(
            self, editor_client, spokesperson_client, anonymous, organisation, topic,
            settings):
        response = editor_client.post(admin_url(Release, "add"), release_data(
            organisation, topics=[str(topic.pk)], **image_inline(png_upload())))
        assert response.status_code == 302, form_errors(response)
        release = Release.objects.get()
        assert release.status == Release.Status.DRAFT
        assert anonymous.get(release.get_absolute_url()).status_code == 404

        editor_client.post(workflow_url(release, "submit"), {"version": "1"})
        spokesperson_client.post(workflow_url(release, "approve"), {"version": "2"})
        response = spokesperson_client.post(admin_url(Release, "changelist"), {
            "action": "publish_selected", "_selected_action": [str(release.pk)]})
        assert response.status_code == 302

        page = anonymous.get(release.get_absolute_url())
        content = page.content.decode()
        image = release.images.get()
        assert page.status_code == 200
        assert "1/2026" in content
        assert f'src="{image.image.url}"' in content
        assert 'alt="Staatsminister Schmidt am Rednerpult"' in content
        assert "Digitalisierung" in content
        assert (image.width, image.height) == (40, 30)
        assert len(stored_files(settings)) == 1

    def test_status_and_time_posted_with_the_form_are_ignored(self, editor_client,
                                                               organisation):
        response = editor_client.post(admin_url(Release, "add"), release_data(
            organisation, status=Release.Status.PUBLISHED,
            published_at_0="01.03.2026", published_at_1="09:00"))
        assert response.status_code == 302, form_errors(response)
        release = Release.objects.get()
        assert (release.status, release.published_at, release.number) == (
            Release.Status.DRAFT, None, None)
        assert not Release.objects.public().exists()

    def test_changing_a_published_release_twice_keeps_its_number_and_status(
            self, editor_client, organisation, make_release, editor, spokesperson, client):
        release = services.publish(make_release(status=Release.Status.DRAFT))
        for title in ("Erste Korrektur", "Zweite Korrektur"):
            response = editor_client.post(reverse(
                "admin:releases_release_workflow", args=[release.pk, "start_edition"]),
                {"version": str(Release.objects.get(pk=release.pk).version)})
            edition = Release.objects.get(edition_of=release)
            assert response["Location"] == admin_url(Release, "change", edition.pk)
            response = editor_client.post(admin_url(Release, "change", edition.pk), release_data(
                organisation, title=title, slug=release.slug, change_note="",
                expected_version=str(edition.version)))
            assert response.status_code == 302, form_errors(response)
            assert title not in client.get(release.get_absolute_url()).content.decode()
            edition.refresh_from_db()
            services.submit(edition, editor)
            services.approve(edition, spokesperson)
            services.publish(edition, spokesperson)
            assert title in client.get(release.get_absolute_url()).content.decode()
        release.refresh_from_db()
        assert release.title == "Zweite Korrektur"
        assert release.status == Release.Status.PUBLISHED
        assert release.number_label == f"1/{timezone.localtime(release.published_at).year}"
        assert release.updated_by.username == "pressesprecher"
        assert not Release.objects.working_editions().exists()

    def test_publish_action_numbers_each_release(self, editor_client, make_release, author,
                                                 spokesperson):
        releases = [make_release(status=Release.Status.DRAFT, published_at=None,
                                 created_by=author) for _ in range(2)]
        for release in releases:
            services.submit(release, author)
            services.approve(release, spokesperson)
        editor_client.post(admin_url(Release, "changelist"), {
            "action": "publish_selected", "_selected_action": [r.pk for r in releases]})
        numbers = set(Release.objects.public().values_list("number", flat=True))
        assert numbers == {1, 2}

    def test_search_by_number_finds_the_release(self, editor_client, make_release):
        release = make_release(number=12, number_year=2026)
        make_release(number=2, number_year=2026, title="Zwölf Gründe")
        response = editor_client.get(admin_url(Release, "changelist"), {"q": "12/2026"})
        assert list(response.context["cl"].result_list) == [release]


@pytest.mark.django_db
class TestPreview:
    def test_unpublished_release_is_shown_to_editor_as_noindex_preview(self, editor_client,
                                                                       make_release):
        release = make_release(status=Release.Status.DRAFT, title="Entwurf zur Werkstatt")
        response = editor_client.get(release.get_absolute_url())
        content = response.content.decode()
        assert response.status_code == 200
        assert "Entwurf zur Werkstatt" in content
        assert 'class="notice"' in content
        assert '<meta name="robots" content="noindex' in content
        assert response["X-Robots-Tag"].startswith("noindex")
        assert "no-store" in response["Cache-Control"]

    @pytest.mark.parametrize("fields", [
        {"status": Release.Status.DRAFT},
        {"status": Release.Status.IN_REVIEW},
        {"embargo_until": timezone.now() + datetime.timedelta(days=1)},
    ], ids=["draft", "review", "embargoed"])
    def test_unpublished_release_is_404_for_anonymous(self, client, make_release, fields):
        release = make_release(**fields)
        assert client.get(release.get_absolute_url()).status_code == 404

    def test_change_form_of_unpublished_release_offers_preview_not_view_on_site(
            self, editor_client, make_release):
        release = make_release(status=Release.Status.DRAFT)
        response = editor_client.get(admin_url(Release, "change", release.pk))
        assert response.context["preview_url"] == release.get_absolute_url()
        assert not response.context["has_absolute_url"]
        assert f'href="{release.get_absolute_url()}"' in response.content.decode()

    def test_change_form_of_public_release_offers_view_on_site(self, editor_client,
                                                               make_release):
        release = make_release()
        response = editor_client.get(admin_url(Release, "change", release.pk))
        content = response.content.decode()
        assert "preview_url" not in response.context
        assert response.context["absolute_url"] == release.get_absolute_url()
        assert "Auf der Website anzeigen" in content


@pytest.mark.django_db
class TestBadInput:
    """Refused in the form, next to the field, with what was typed kept and nothing saved."""

    def test_release_without_title_keeps_everything_else(self, editor_client, organisation,
                                                         topic):
        response = editor_client.post(admin_url(Release, "add"), release_data(
            organisation, title="", topics=[str(topic.pk)]))
        content = response.content.decode()
        assert response.status_code == 200
        assert form_errors(response)["title"] == ["Dieses Feld ist zwingend erforderlich."]
        assert "Zusammenarbeit zwischen Sachsen und Schlesien ausgebaut" in content
        assert "Staatsminister Thomas Schmidt eröffnete die Werkstatt." in content
        assert "Rund 70 Teilnehmer diskutierten in Kattowitz." in content
        assert f'<option value="{topic.pk}" selected>Digitalisierung</option>' in content
        assert not Release.objects.exists()

    @pytest.mark.parametrize("address", [
        "releases/release/add/?embargo_until=9999-12-31", "releases/event/add/?starts_at=abc",
        "releases/event/add/?starts_at=2027-03-28T02:30",
        "releases/delegation/add/?embargo_until=x",
        "releases/event/add/?starts_at=2027-06-01T10:00&title=Pressekonferenz"])
    def test_an_add_form_reads_what_it_can_of_its_address(self, spokesperson_client, address):
        response = spokesperson_client.get(f"/admin/{address}")
        assert response.status_code == 200
        if "title=" in address:
            content = response.content.decode()
            assert 'value="Pressekonferenz"' in content and 'value="01.06.2027"' in content

    @pytest.mark.parametrize("body", ["<script>alert(1)</script>", "<p>&nbsp;</p><p> </p>",
                                      '<p><img src="data:image/png;base64,iVBORw0K"></p>'])
    def test_text_that_cleaning_leaves_empty_is_refused_at_the_field(
            self, editor_client, organisation, body):
        response = editor_client.post(admin_url(Release, "add"),
                                      release_data(organisation, body=body))
        assert response.status_code == 200
        assert form_errors(response)["body"] == ["Dieses Feld ist zwingend erforderlich."]
        assert "Große Resonanz bei simul+Werkstatt in Kattowitz" in response.content.decode()
        assert not Release.objects.exists()

    def test_image_without_alt_text_saves_neither_release_nor_file(self, editor_client,
                                                                   organisation, settings):
        response = editor_client.post(admin_url(Release, "add"), release_data(
            organisation, **image_inline(png_upload(), **{"images-0-alt_text": ""})))
        content = response.content.decode()
        assert response.status_code == 200
        assert inline_errors(response, "images")[0]["alt_text"] == [
            "Dieses Feld ist zwingend erforderlich."]
        assert "Foto: SMR/Max Mustermann" in content
        assert "Große Resonanz bei simul+Werkstatt in Kattowitz" in content
        assert 'id="files-not-saved"' in content
        # The row shows no picture of a file that is stored nowhere.
        assert '<img src="/media/' not in content
        assert not Release.objects.exists()
        assert not ReleaseImage.objects.exists()
        assert stored_files(settings) == []

    @pytest.mark.parametrize(("name", "content"), [
        ("foto.jpg", b"Dies ist kein Bild, sondern Text.\n"),
        ("foto.png", image_bytes("PNG", (300, 200))[:400]),
        ("foto.jpg", b""),
        ("foto.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
        ("foto.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
        ("foto.jpg", b"<html><body><script>alert(1)</script></body></html>"),
        ("foto.bmp", image_bytes("BMP")),
    ], ids=["text-as-jpg", "truncated-png", "zero-bytes", "svg", "svg-as-png", "html-as-jpg",
            "bmp"])
    def test_broken_or_foreign_upload_is_refused_at_the_image_field(
            self, editor_client, organisation, settings, name, content):
        upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
        response = editor_client.post(admin_url(Release, "add"),
                                      release_data(organisation, **image_inline(upload)))
        assert response.status_code == 200
        assert inline_errors(response, "images")[0]["image"]
        assert "Staatsminister Schmidt am Rednerpult" in response.content.decode()
        assert not Release.objects.exists()
        assert stored_files(settings) == []

    @pytest.mark.parametrize(("name", "content"), [
        ("setup.exe", b"MZ\x90\x00\x03\x00"),
        ("programm.pdf", b"<html><body>Kein PDF</body></html>"),
        ("programm.docx", b"%PDF-1.4\n%%EOF\n"),
    ], ids=["exe", "html-as-pdf", "pdf-as-docx"])
    def test_attachment_that_is_not_what_its_name_says_is_refused_at_the_file_field(
            self, editor_client, organisation, settings, name, content):
        response = editor_client.post(admin_url(Release, "add"), release_data(organisation, **{
            **management_form("attachments", total=1),
            "attachments-0-file": SimpleUploadedFile(name, content),
            "attachments-0-title": "Programm der Werkstatt", "attachments-0-order": "0"}))
        assert response.status_code == 200
        assert inline_errors(response, "attachments")[0]["file"]
        assert "Programm der Werkstatt" in response.content.decode()
        assert not Release.objects.exists()
        assert stored_files(settings) == []

    def test_image_over_the_pixel_limit_is_refused_by_validate_image(
            self, editor_client, organisation, settings):
        # Pillow and Django's form field accept it; only releases.uploads counts pixels.
        settings.MAX_IMAGE_PIXELS = 1000
        response = editor_client.post(admin_url(Release, "add"), release_data(
            organisation, **image_inline(png_upload(size=(50, 50)))))
        errors = inline_errors(response, "images")[0]["image"]
        assert response.status_code == 200
        assert errors.as_data()[0].code == "too_many_pixels"
        assert not ReleaseImage.objects.exists()

    def test_image_in_a_format_not_offered_to_the_public_is_refused_by_validate_image(
            self, editor_client, organisation):
        upload = SimpleUploadedFile("foto.tiff", image_bytes("TIFF"), content_type="image/tiff")
        response = editor_client.post(admin_url(Release, "add"),
                                      release_data(organisation, **image_inline(upload)))
        assert inline_errors(response, "images")[0]["image"].as_data()[0].code == "image_format"
        assert not ReleaseImage.objects.exists()

    def test_broken_portrait_is_refused_at_the_portrait_field(self, editor_client):
        response = editor_client.post(admin_url(Person, "add"), {
            "given_name": "Thomas", "family_name": "Horn", "slug": "thomas-horn",
            "description": "Geschäftsführer der Wirtschaftsförderung Sachsen GmbH",
            "portrait": SimpleUploadedFile("horn.gif", image_bytes("BMP")),
            **management_form("appointments")})
        assert response.status_code == 200
        assert form_errors(response)["portrait"].as_data()[0].code == "image_format"
        assert "Geschäftsführer der Wirtschaftsförderung Sachsen GmbH" in (
            response.content.decode())
        assert not Person.objects.exists()

    def test_invalid_email_on_contact_is_refused_at_the_field(self, editor_client,
                                                              organisation):
        response = editor_client.post(admin_url(Contact, "add"), {
            "name": "Frank Meyer", "role": "Pressesprecher", "phone": "+49 351 564 50024",
            "mobile": "", "email": "medien(at)smr.sachsen.de",
            "organisation": str(organisation.pk), "is_active": "on"})
        assert response.status_code == 200
        assert form_errors(response)["email"] == ["Bitte gültige E-Mail-Adresse eingeben."]
        assert "+49 351 564 50024" in response.content.decode()
        assert 'value="medien(at)smr.sachsen.de"' in response.content.decode()
        assert not Contact.objects.exists()

    def test_invalid_email_on_organisation_is_refused_at_the_field(self, editor_client):
        response = editor_client.post(admin_url(Organisation, "add"), {
            "name": "Staatskanzlei", "short_name": "SK", "slug": "sk", "kind": "ministry",
            "parent": "", "website": "https://www.sk.sachsen.de",
            "press_email": "presse@", "phone": "", "street": "Archivstraße 1",
            "postal_code": "01097", "city": "Dresden", "footer": ""})
        assert response.status_code == 200
        assert form_errors(response)["press_email"] == ["Bitte gültige E-Mail-Adresse eingeben."]
        assert "Archivstraße 1" in response.content.decode()
        assert not Organisation.objects.filter(slug="sk").exists()

    def test_duplicate_contact_name_in_organisation_is_refused_at_the_name(self, editor_client,
                                                                          contact):
        response = editor_client.post(admin_url(Contact, "add"), {
            "name": contact.name, "role": "Pressesprecher", "phone": "", "mobile": "",
            "email": "", "organisation": str(contact.organisation_id), "is_active": "on"})
        assert response.status_code == 200
        assert list(form_errors(response)) == ["name"]
        assert form_errors(response).as_data()["name"][0].code == "unique_together"
        assert Contact.objects.count() == 1

    def event_form(self, organisation, **fields):
        return {"title": "Werkstatt", "slug": "werkstatt", "organisation": str(organisation.pk),
                "theme": "", "description": "", "expected_participants": "",
                "starts_at_0": "10.03.2027", "starts_at_1": "", "ends_at_0": "", "ends_at_1": "",
                "venue": "", "address": "", "city": "Dresden", "country": "",
                "press_information": "", **PREPARED, **management_form("Release_events"),
                **fields}

    def test_an_appointment_of_a_day_needs_no_time_and_starts_at_its_beginning(
            self, editor_client, organisation):
        for time in ("", "14:00"):
            Event.objects.all().delete()
            response = editor_client.post(admin_url(Event, "add"), self.event_form(
                organisation, starts_at_1=time))
            assert response.status_code == 302, form_errors(response)
            event = Event.objects.get()
            assert not event.has_time
            assert event.starts_at == datetime.datetime(2027, 3, 10, tzinfo=BERLIN)

    def test_an_appointment_with_its_time_known_needs_the_time(self, editor_client,
                                                               organisation):
        response = editor_client.post(admin_url(Event, "add"), self.event_form(
            organisation, has_time="on"))
        assert response.status_code == 200
        assert form_errors(response)["starts_at"] == [
            "Geben Sie die Uhrzeit an oder schalten Sie „Uhrzeit bekannt“ ab."]
        assert 'value="10.03.2027"' in response.content.decode()
        assert not Event.objects.exists()

    def test_a_stale_appointment_form_does_not_overwrite_another_save(
            self, spokesperson_client, organisation):
        event = Event.objects.create(
            title="Pressekonferenz", slug="pressekonferenz", organisation=organisation,
            starts_at=timezone.now() + datetime.timedelta(days=3), city="Dresden")
        url = admin_url(Event, "change", event.pk)
        stale, _prefix = event_data(spokesperson_client, event,
                                    press_information="Anmeldung bis Mittwoch.")
        other, _prefix = event_data(spokesperson_client, event,
                                    title="Pressekonferenz verlegt", venue="Landtag")
        assert spokesperson_client.post(url, other).status_code == 302
        response = spokesperson_client.post(url, stale)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Jemand anderes hat diesen Termin gespeichert" in content
        assert "Anmeldung bis Mittwoch." in content
        stored = Event.objects.get(pk=event.pk)
        assert (stored.title, stored.venue, stored.press_information) == (
            "Pressekonferenz verlegt", "Landtag", "")
        # The form now holds the other save: sending it again replaces it knowingly.
        again = {**stale, "loaded_version": response.context["adminform"].form[
            "loaded_version"].value()}
        assert spokesperson_client.post(url, again).status_code == 302
        assert Event.objects.get(pk=event.pk).press_information == "Anmeldung bis Mittwoch."

    def test_event_ending_before_it_starts_is_refused_at_the_end(self, editor_client,
                                                                 organisation):
        response = editor_client.post(admin_url(Event, "add"), {
            "title": "simul+Werkstatt", "slug": "simul-werkstatt",
            "organisation": str(organisation.pk),
            "theme": "Regionale Wertschöpfung in Zeiten der Digitalisierung",
            "description": "", "expected_participants": "70",
            "starts_at_0": "07.10.2021", "starts_at_1": "10:00",
            "ends_at_0": "07.10.2021", "ends_at_1": "09:00",
            "venue": "", "address": "", "city": "Kattowitz", "country": "Polen",
            "is_press_open": "on", "press_information": "", **PREPARED,
            **management_form("Release_events-2")})
        assert response.status_code == 200, response.content[:500]
        with translation.override("de"):
            expected = str(Event._meta.constraints[0].violation_error_message)
        assert form_errors(response)["ends_at"] == [expected]
        assert "__all__" not in form_errors(response)
        assert "Regionale Wertschöpfung in Zeiten der Digitalisierung" in (
            response.content.decode())
        assert not Event.objects.exists()

    def test_appointment_ending_before_it_starts_is_refused_at_the_end(self, editor_client,
                                                                       organisation):
        response = editor_client.post(admin_url(Person, "add"), {
            "given_name": "Thomas", "family_name": "Schmidt", "slug": "thomas-schmidt",
            **management_form("appointments", total=1),
            "appointments-0-organisation": str(organisation.pk),
            "appointments-0-kind": Appointment.Kind.MINISTER,
            "appointments-0-title": "Staatsminister für Regionalentwicklung",
            "appointments-0-start_date": "20.12.2019",
            "appointments-0-end_date": "19.12.2019"})
        assert response.status_code == 200
        errors = inline_errors(response, "appointments")[0]
        assert list(errors) == ["end_date"]
        with translation.override("de"):
            assert errors["end_date"] == [
                str(Appointment._meta.constraints[0].violation_error_message)]
        assert "Staatsminister für Regionalentwicklung" in response.content.decode()
        assert not Person.objects.exists()
        assert not Appointment.objects.exists()

    def test_delegation_ending_before_it_starts_is_refused_at_the_end(self, editor_client,
                                                                      organisation, person):
        response = editor_client.post(admin_url(Delegation, "add"), {
            "title": "Delegationsreise nach Polen", "slug": "polen", "leader": str(person.pk),
            "organisation": str(organisation.pk), "start_date": "06.10.2021",
            "end_date": "05.10.2021", "countries": "Polen", "member_count": "30",
            "purpose": "", "description": "", **PREPARED,
            **management_form("stops"), **management_form("members")})
        assert response.status_code == 200
        assert list(form_errors(response)) == ["end_date"]
        assert not Delegation.objects.exists()

    def test_stop_departing_before_arrival_is_refused_at_the_departure(self, editor_client,
                                                                       objects):
        response = editor_client.post(admin_url(DelegationStop, "add"), {
            "delegation": str(objects[Delegation].pk), "city": "Krakau", "country": "Polen",
            "arrival_date": "07.10.2021", "departure_date": "06.10.2021", "order": "1",
            **management_form("programme")})
        assert response.status_code == 200
        assert list(form_errors(response)) == ["departure_date"]
        assert 'value="Krakau"' in response.content.decode()
        assert not DelegationStop.objects.filter(city="Krakau").exists()

    def test_same_person_twice_in_a_release_is_refused(self, editor_client, organisation,
                                                       person):
        people = {**management_form("release_people", total=2)}
        for index in range(2):
            people.update({f"release_people-{index}-person": str(person.pk),
                           f"release_people-{index}-role": "",
                           f"release_people-{index}-order": "0"})
        response = editor_client.post(admin_url(Release, "add"),
                                      release_data(organisation, **people))
        assert response.status_code == 200
        people_formset = next(inline.formset for inline in response.context[
            "inline_admin_formsets"] if inline.formset.prefix == "release_people")
        assert people_formset.non_form_errors()
        assert not Release.objects.exists()


@pytest.mark.django_db
class TestReleaseChangelistQueries:
    def test_query_count_does_not_grow_with_rows(self, editor_client, make_release, topic,
                                                 contact):
        counts = {}
        for size in (1, 20, 100):
            while Release.objects.count() < size:
                release = make_release()
                release.topics.add(topic)
                release.contacts.add(contact)
            with CaptureQueriesContext(connection) as queries:
                response = editor_client.get(admin_url(Release, "changelist"))
            assert len(response.context["cl"].result_list) == size
            counts[size] = len(queries)
        assert counts[1] == counts[20] == counts[100], counts
        assert counts[100] <= CHANGELIST_QUERY_BUDGET, counts

    def test_filtered_by_topic_stays_within_budget(self, editor_client, make_release, topic,
                                                   django_assert_max_num_queries):
        for _ in range(30):
            make_release().topics.add(topic)
        with django_assert_max_num_queries(CHANGELIST_QUERY_BUDGET):
            response = editor_client.get(admin_url(Release, "changelist"),
                                         {"topics__id__exact": topic.pk, "q": "Medien"})
        assert response.context["cl"].result_count == 30
