"""The Content-Security-Policy in real Chromium: nothing the site needs is blocked.

Chromium reports every blocked script, style, frame or image as a
``securitypolicyviolation`` event and on the console; both are collected.
Playwright's init script that listens for them runs outside the page's policy.
"""

import io
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from releases.models import ReleaseAttachment, ReleaseImage
from tests.browser.helpers import LISTEN, PASSWORD, log_in_to_admin_index, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo(size=(1800, 1200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 84, 159)).save(buffer, "JPEG")
    return SimpleUploadedFile("foto.jpg", buffer.getvalue())


@pytest.fixture
def watched(page):
    """The page, with every CSP violation Chromium reports collected in ``page.csp``."""
    page.csp = []
    page.add_init_script(LISTEN)
    page.on("console", lambda message: page.csp.append(message.text)
            if "Content Security Policy" in message.text else None)
    return page


@pytest.fixture
def editor(db):
    user = User.objects.create_user("redakteurin", password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="releases"))
    return user


class TestContentSecurityPolicy:
    def test_public_release_page_with_picture_and_json_ld_reports_no_violation(
            self, live_server, watched, make_release):
        release = make_release(title="Große Resonanz in Kattowitz", teaser="Rund 70 Gäste.")
        ReleaseImage.objects.create(release=release, image=photo(), alt_text="Podium",
                                    credit="Foto: SMR")
        ReleaseAttachment.objects.create(
            release=release, title="Programm",
            file=SimpleUploadedFile("programm.pdf", b"%PDF-1.4\n%%EOF\n"))
        response = watched.goto(live_server.url + release.get_absolute_url())
        assert "script-src 'self'" in response.headers["content-security-policy"]
        watched.wait_for_load_state("networkidle")
        image = watched.get_by_role("img", name="Podium")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert re.search(r"-(480|960|1600)w\.webp$", image.evaluate("img => img.currentSrc"))
        assert watched.locator('script[type="application/ld+json"]').count() == 1
        assert violations(watched) == []

    def test_admin_release_form_with_ckeditor_reports_no_violation(self, live_server, watched,
                                                                   editor):
        log_in_to_admin_index(watched, live_server, editor)
        response = watched.goto(live_server.url + reverse("admin:releases_release_add"))
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" in policy and "'unsafe-eval'" not in policy
        frame = watched.frame_locator("iframe.cke_wysiwyg_frame")
        frame.locator("body[contenteditable=true]").click()
        watched.keyboard.type("Staatsminister Schmidt eröffnete die Werkstatt.")
        assert "eröffnete die Werkstatt" in frame.locator("body").inner_text()
        # The dialogs build their own markup and styles: open the link dialog too.
        watched.locator("a.cke_button__link").click()
        watched.locator(".cke_dialog").wait_for()
        watched.keyboard.press("Escape")
        watched.wait_for_load_state("networkidle")
        assert violations(watched) == []

    def test_admin_pages_without_editor_keep_the_strict_policy_and_report_no_violation(
            self, live_server, watched, editor, make_release):
        release = make_release()
        log_in_to_admin_index(watched, live_server, editor)
        for url in (reverse("admin:releases_release_changelist"),
                    reverse("admin:releases_release_history", args=[release.pk])):
            response = watched.goto(live_server.url + url)
            assert "'unsafe-inline'" not in response.headers["content-security-policy"]
            watched.wait_for_load_state("networkidle")
        assert violations(watched) == []
