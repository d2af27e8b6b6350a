"""Preview links: signed, expiring, revocable addresses of unpublished releases for
reviewers without an account; never cached, never indexed, never linked publicly."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from releases import services
from releases.links import preview_path, signer
from releases.models import AuditEntry, PreviewLink, Release

from .workflow_fixtures import fresh, workflow_url

pytest_plugins = ["tests.workflow_fixtures"]
pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def link(in_review, editor):
    return services.create_preview_link(in_review, editor)


class TestOpening:
    def test_anonymous_reviewer_sees_the_release_with_a_preview_banner(self, client, link,
                                                                       in_review):
        response = client.get(preview_path(link))
        content = response.content.decode()
        assert response.status_code == 200
        assert in_review.title in content
        assert "Vorschau" in content
        assert response["X-Robots-Tag"].startswith("noindex")
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "no-referrer"
        assert '<meta name="robots" content="noindex' in content
        assert not response.cookies

    def test_address_is_under_vorschau_and_signed(self, link):
        path = preview_path(link)
        assert path.startswith("/vorschau/")
        token = path.removeprefix("/vorschau/").rstrip("/")
        assert signer().unsign_object(token)["r"] == link.release_id
        assert preview_path(link) == path  # the same address whenever it is shown

    def test_link_is_valid_a_week_by_default(self, link):
        assert link.expires_at - link.created_at == pytest.approx(
            datetime.timedelta(days=7), abs=datetime.timedelta(seconds=5))

    def test_one_second_before_expiry_it_opens_and_at_expiry_it_is_gone(self, client, link):
        with time_machine.travel(link.expires_at - SECOND, tick=False):
            assert client.get(preview_path(link)).status_code == 200
        with time_machine.travel(link.expires_at, tick=False):
            response = client.get(preview_path(link))
        assert response.status_code == 410
        assert "abgelaufen" in response.content.decode()
        assert "no-store" in response["Cache-Control"]

    def test_revoked_link_is_gone(self, client, link, editor):
        services.revoke_preview_link(link, editor)
        response = client.get(preview_path(link))
        assert response.status_code == 410
        assert link.release.title not in response.content.decode()

    @pytest.mark.parametrize("tamper", [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: signer().sign_object({"r": 1, "t": "x", "e": 9999999999}),
        lambda token: signing.Signer(salt="other").sign_object({"r": 1}),
        lambda token: "nichts",
    ], ids=["altered", "forged-payload", "other-salt", "garbage"])
    def test_altered_or_forged_address_is_not_found(self, client, link, tamper):
        token = preview_path(link).removeprefix("/vorschau/").rstrip("/")
        response = client.get(reverse("releases:preview", kwargs={"token": tamper(token)}))
        assert response.status_code == 404

    def test_token_of_a_deleted_link_is_not_found(self, client, link):
        path = preview_path(link)
        PreviewLink.objects.all().delete()
        assert client.get(path).status_code == 404

    def test_link_of_a_published_edition_is_gone_and_points_to_the_page(
            self, client, link, in_review, spokesperson):
        services.publish(in_review, spokesperson,
                         override_reason="Freigabe durch die Staatssekretärin")
        response = client.get(preview_path(link))
        assert response.status_code == 410
        assert f'href="{fresh(in_review).get_absolute_url()}"' in response.content.decode()
        assert "no-store" in response["Cache-Control"]

    def test_release_removed_for_legal_reasons_is_gone(self, client, link, in_review):
        Release.objects.filter(pk=in_review.pk).update(is_removed_for_legal_reasons=True)
        response = client.get(preview_path(link))
        assert response.status_code == 410
        assert in_review.title not in response.content.decode()

    def test_only_get_is_answered(self, client, link):
        assert client.post(preview_path(link)).status_code == 405


class TestCreatingAndRevoking:
    def test_creating_is_logged(self, link, editor):
        entry = AuditEntry.objects.get(action=AuditEntry.Action.PREVIEW_LINK)
        assert (entry.actor, entry.release) == (editor, link.release)

    def test_public_release_gets_no_preview_link(self, published, spokesperson):
        with pytest.raises(services.WorkflowError):
            services.create_preview_link(published, spokesperson)

    def test_validity_is_one_to_thirty_days(self, in_review, editor):
        for days in (0, 31):
            with pytest.raises(services.WorkflowError):
                services.create_preview_link(in_review, editor, days=days)

    def test_revoking_is_logged_once(self, link, editor):
        services.revoke_preview_link(link, editor)
        services.revoke_preview_link(link, editor)
        assert AuditEntry.objects.filter(
            action=AuditEntry.Action.PREVIEW_REVOKE).count() == 1
        assert not PreviewLink.objects.active().exists()

    def test_editor_creates_a_link_in_the_admin_and_sees_it(self, editor_client, in_review):
        response = editor_client.post(workflow_url(in_review, "preview"), {
            "version": str(in_review.version), "days": "3"}, follow=True)
        link = PreviewLink.objects.get()
        assert link.expires_at - link.created_at == pytest.approx(
            datetime.timedelta(days=3), abs=datetime.timedelta(seconds=5))
        assert preview_path(link) in response.content.decode()
        # The message says what the address is (the admin would capitalise a bare "Http").
        assert [str(message) for message in response.context["messages"]][-1] == (
            f"Vorschaulink: http://testserver{preview_path(link)}")

    def test_admin_revokes_with_a_button(self, editor_client, link):
        change = reverse("admin:releases_release_change", args=[link.release_id])
        revoke = reverse("admin:releases_release_revoke_preview",
                         args=[link.release_id, link.pk])
        assert f'action="{revoke}"' in editor_client.get(change).content.decode()
        editor_client.post(revoke)
        link.refresh_from_db()
        assert link.revoked_at is not None
        assert preview_path(link) not in editor_client.get(change).content.decode()

    def test_revoking_by_get_changes_nothing(self, editor_client, link):
        editor_client.get(reverse("admin:releases_release_revoke_preview",
                                  args=[link.release_id, link.pk]))
        link.refresh_from_db()
        assert link.revoked_at is None


class TestNeverPublic:
    def test_public_pages_and_sitemap_do_not_mention_preview_links(self, client, link,
                                                                   published):
        for url in (reverse("releases:home"), reverse("releases:release-list"),
                    published.get_absolute_url(), reverse("sitemap"),
                    reverse("sitemap-section", kwargs={"section": "releases"}),
                    reverse("releases:feed")):
            assert "/vorschau/" not in client.get(url).content.decode(), url

    def test_preview_page_names_no_canonical_address_nor_language_versions(self, client, link):
        content = client.get(preview_path(link)).content.decode()
        assert 'rel="canonical"' not in content
        assert "hreflang=\"x-default\"" not in content

    def test_expiry_is_shown_in_the_banner(self, client, link):
        local = timezone.localtime(link.expires_at)
        assert f"{local:%Y}" in client.get(preview_path(link)).content.decode()
