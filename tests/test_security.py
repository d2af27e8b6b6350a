"""Safety around the content: login protection, production settings, the
Content-Security-Policy, how uploaded files are served, and a database outage."""

import datetime
import os
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from releases.models import Release, ReleaseAttachment, ReleaseImage
from tests.admin_helpers import image_bytes

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Kattowitz-Werkstatt-2021"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def editor(db):
    user = User.objects.create_user("redakteurin", password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="releases"))
    return user


def log_in(username, password, address="203.0.113.10"):
    """A login through the admin's form from ``address``, in a fresh browser."""
    return Client(REMOTE_ADDR=address).post(
        reverse("admin:login"), {"username": username, "password": password,
                                 "next": reverse("admin:index")})


def fail_five_times(username="redakteurin", address="203.0.113.10"):
    for _ in range(5):
        response = log_in(username, "falsch", address)
        assert response.status_code in {200, 429}


@pytest.mark.django_db
class TestLoginProtection:
    def test_right_password_logs_in(self, editor):
        assert log_in("redakteurin", PASSWORD).status_code == 302

    def test_four_failures_do_not_lock(self, editor):
        for _ in range(4):
            assert log_in("redakteurin", "falsch").status_code == 200
        assert log_in("redakteurin", PASSWORD).status_code == 302

    def test_after_five_failures_the_right_password_is_refused_with_the_lockout_page(
            self, editor):
        fail_five_times()
        response = log_in("redakteurin", PASSWORD)
        assert response.status_code == 429
        text = response.content.decode()
        assert "Zu viele fehlgeschlagene Anmeldeversuche" in text
        assert "15 Minuten" in text
        assert "_auth_user_id" not in response.client.session

    def test_lock_is_for_the_user_and_address_together(self, editor):
        User.objects.create_user("pressesprecher", password=PASSWORD, is_staff=True)
        fail_five_times("redakteurin", "203.0.113.10")
        assert log_in("pressesprecher", PASSWORD, "203.0.113.10").status_code == 302
        assert log_in("redakteurin", PASSWORD, "198.51.100.20").status_code == 302
        assert log_in("redakteurin", PASSWORD, "203.0.113.10").status_code == 429

    def test_lock_ends_fifteen_minutes_after_the_fifth_failure(self, editor):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            fail_five_times()
        with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
            assert log_in("redakteurin", PASSWORD).status_code == 429
        with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
            assert log_in("redakteurin", PASSWORD).status_code == 302

    def test_a_successful_login_resets_the_count(self, editor):
        for _ in range(4):
            log_in("redakteurin", "falsch")
        assert log_in("redakteurin", PASSWORD).status_code == 302
        for _ in range(4):
            assert log_in("redakteurin", "falsch").status_code == 200
        assert log_in("redakteurin", PASSWORD).status_code == 302

    def test_a_success_elsewhere_does_not_lift_the_lock(self, editor):
        fail_five_times("redakteurin", "203.0.113.10")
        assert log_in("redakteurin", PASSWORD, "198.51.100.20").status_code == 302
        assert log_in("redakteurin", PASSWORD, "203.0.113.10").status_code == 429


# Variables of a deployment that the test run's environment must not lend the settings.
DEPLOYMENT_VARIABLES = ("DEBUG", "HTTPS", "DATABASE_URL", "CACHE_URL", "STORAGE_BACKEND",
                        "AWS_STORAGE_BUCKET_NAME", "ALLOWED_HOSTS", "SITE_URL", "SECRET_KEY",
                        "SECRET_KEY_FILE", "TRUSTED_PROXIES", "BEHIND_PROXY", "CONN_MAX_AGE")


def settings_with(monkeypatch, **environment):
    for name in DEPLOYMENT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "newsroom" / "settings.py"))


SECRET_KEY = "p7Xq-3v!kL9#mZ2@wR8$tY6^uI4&oP1*aS5(dF0)gH" * 2
# What a production site must set; HTTPS is not among it.
REQUIRED = {"DEBUG": "0", "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "presse.example.de",
            "SITE_URL": "https://presse.example.de",
            "DATABASE_URL": "postgres://newsroom@db.internal/newsroom"}
PRODUCTION = {**REQUIRED, "CACHE_URL": "redis://127.0.0.1:6379/0",
              "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
              "DEFAULT_FROM_EMAIL": "Pressestelle <presse@example.de>"}


def manage(*arguments, **environment):
    """manage.py in a process of its own with only these variables: the test run's own
    (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE) would change the outcome."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, capture_output=True, text=True,
        env={"PATH": os.environ.get("PATH", ""), **environment}, timeout=120)


class TestProductionSettings:
    def test_deploy_check_passes_at_warning_level(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
        assert result.returncode == 0, result.stdout + result.stderr

    def test_mail_that_never_leaves_the_machine_is_reported(self):
        # The defaults: the console backend, a sender at localhost.
        defaults = {key: value for key, value in PRODUCTION.items()
                    if key not in {"EMAIL_BACKEND", "DEFAULT_FROM_EMAIL"}}
        result = manage("check", "--deploy", "--fail-level", "WARNING", **defaults)
        assert result.returncode != 0
        assert "newsroom.W002" in result.stderr and "newsroom.W003" in result.stderr

    def test_the_required_variables_alone_give_https(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", **REQUIRED)
        output = result.stdout + result.stderr
        assert "security." not in output and "newsroom.E" not in output, output

    def test_https_is_the_production_default(self, monkeypatch):
        loaded = settings_with(monkeypatch, **REQUIRED)
        assert loaded["SECURE_SSL_REDIRECT"] and loaded["SECURE_HSTS_SECONDS"] >= 31_536_000
        assert loaded["SESSION_COOKIE_SECURE"] and loaded["CSRF_COOKIE_SECURE"]
        assert loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["upgrade-insecure-requests"]

    def test_production_keeps_database_connections_the_development_server_does_not(
            self, monkeypatch):
        assert settings_with(monkeypatch, **REQUIRED)["DATABASES"]["default"][
            "CONN_MAX_AGE"] == 600
        assert settings_with(monkeypatch, **REQUIRED, CONN_MAX_AGE="0")["DATABASES"][
            "default"]["CONN_MAX_AGE"] == 0
        assert settings_with(monkeypatch, DEBUG="0")["DATABASES"]["default"][
            "CONN_MAX_AGE"] == 0

    def test_plain_http_is_an_explicit_choice_the_deploy_check_reports(self, monkeypatch):
        loaded = settings_with(monkeypatch, **PRODUCTION, HTTPS="0")
        assert not loaded["SECURE_SSL_REDIRECT"] and loaded["SECURE_HSTS_SECONDS"] == 0
        assert not loaded["SESSION_COOKIE_SECURE"] and not loaded["CSRF_COOKIE_SECURE"]
        result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION,
                        HTTPS="0")
        assert result.returncode != 0
        for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
            assert warning in result.stderr

    def test_behind_proxies_the_scheme_comes_from_x_forwarded_proto(self, monkeypatch):
        assert "SECURE_PROXY_SSL_HEADER" not in settings_with(monkeypatch, **PRODUCTION)
        loaded = settings_with(monkeypatch, **PRODUCTION, TRUSTED_PROXIES="2")
        assert loaded["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
        assert loaded["TRUSTED_PROXIES"] == 2
        assert settings_with(monkeypatch, **PRODUCTION, BEHIND_PROXY="1")["TRUSTED_PROXIES"] == 1

    def test_mail_can_go_to_files_instead_of_a_server(self, monkeypatch, tmp_path):
        loaded = settings_with(
            monkeypatch, EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(tmp_path))
        assert loaded["EMAIL_FILE_PATH"] == str(tmp_path)
        monkeypatch.delenv("EMAIL_FILE_PATH")
        assert "EMAIL_FILE_PATH" not in settings_with(monkeypatch)

    @pytest.mark.parametrize("value", ["zwei", "-1", "1.5"])
    def test_a_proxy_count_that_is_no_number_is_refused(self, monkeypatch, value):
        from django.core.exceptions import ImproperlyConfigured

        with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
            settings_with(monkeypatch, **PRODUCTION, TRUSTED_PROXIES=value)

    def test_without_secret_key_production_refuses_to_start(self, tmp_path):
        environment = {**PRODUCTION, "SECRET_KEY_FILE": str(tmp_path / "secret_key")}
        del environment["SECRET_KEY"]
        result = manage("check", **environment)
        assert result.returncode != 0
        assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
        assert not (tmp_path / "secret_key").exists()

    def test_a_local_site_keeps_a_key_of_its_own_and_serves_http(self, monkeypatch, tmp_path):
        # The demo: no ALLOWED_HOSTS, so it answers on this machine only.
        key_file = tmp_path / "secret_key"
        loaded = settings_with(monkeypatch, SECRET_KEY_FILE=str(key_file))
        assert loaded["SECRET_KEY"] == key_file.read_text()
        assert settings_with(monkeypatch, SECRET_KEY_FILE=str(key_file))["SECRET_KEY"] == (
            loaded["SECRET_KEY"])
        assert not loaded["SECURE_SSL_REDIRECT"] and not loaded["SESSION_COOKIE_SECURE"]

    def test_cookies_are_secure_http_only_and_same_site_over_https(self, monkeypatch):
        loaded = settings_with(monkeypatch, **PRODUCTION)
        assert loaded["SESSION_COOKIE_SECURE"] and loaded["CSRF_COOKIE_SECURE"]
        assert loaded["SESSION_COOKIE_HTTPONLY"] and loaded["CSRF_COOKIE_HTTPONLY"]
        assert loaded["SESSION_COOKIE_SAMESITE"] == "Lax"

    def test_login_protection_comes_first(self, monkeypatch):
        loaded = settings_with(monkeypatch, **PRODUCTION)
        assert loaded["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
        assert loaded["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
        assert loaded["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"], "username"]
        assert loaded["AUTH_PASSWORD_VALIDATORS"]


PUBLIC_POLICY = {
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "media-src 'self'", "font-src 'self'", "connect-src 'self'", "object-src 'none'",
    "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
}


def policy(response):
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.mark.django_db
class TestContentSecurityPolicy:
    def test_public_pages_get_the_strict_policy(self, client, make_release):
        release = make_release()
        for url in (reverse("releases:home"), release.get_absolute_url(),
                    reverse("releases:search") + "?q=Text", "/gibt-es-nicht/"):
            assert policy(client.get(url)) == PUBLIC_POLICY, url

    def test_admin_pages_without_the_editor_keep_the_strict_policy(self, client, editor):
        assert policy(client.get(reverse("admin:login"))) == PUBLIC_POLICY
        client.force_login(editor)
        assert policy(client.get(reverse("admin:releases_release_changelist"))) == PUBLIC_POLICY

    def test_admin_form_with_ckeditor_allows_inline_scripts_and_styles_only(self, client,
                                                                            editor):
        client.force_login(editor)
        relaxed = policy(client.get(reverse("admin:releases_release_add")))
        assert relaxed - PUBLIC_POLICY == {"script-src 'self' 'unsafe-inline'",
                                           "style-src 'self' 'unsafe-inline'"}
        assert not any("unsafe-eval" in part for part in relaxed)

    def test_text_naming_the_editor_does_not_relax_the_policy(self):
        """The live preview shows a body as stored; the words of the editor's marker in
        it are text, not the editor."""
        from django.http import HttpResponse

        from releases.middleware import has_ckeditor

        typed = HttpResponse('<p>Text data-type="ckeditortype" Ende</p>'
                             '<p>&lt;textarea data-type="ckeditortype"&gt;</p>')
        widget = HttpResponse('<textarea name="body" cols="40" rows="10" '
                              'data-processed="0" data-type="ckeditortype">x</textarea>')
        assert not has_ckeditor(typed) and has_ckeditor(widget)

    def test_a_changed_policy_setting_applies_at_once(self, client, settings):
        assert policy(client.get(reverse("releases:home"))) == PUBLIC_POLICY
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
            "default-src": ["'self'"], "img-src": ["https://bilder.example"]}}
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {
            "default-src": ["'none'"]}}
        response = client.get(reverse("releases:home"))
        assert policy(response) == {"default-src 'self'", "img-src https://bilder.example"}
        assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"

    def test_the_policy_of_the_settings_is_built_once_not_for_each_response(
            self, client, monkeypatch):
        import csp.middleware

        from releases import middleware

        built = []

        def counted(*args, **kwargs):
            built.append(kwargs.get("report_only", False))
            return csp.middleware.build_policy(*args, **kwargs)

        monkeypatch.setattr(middleware, "build_policy", counted)
        middleware.settings_policies.cache_clear()
        for _ in range(3):
            assert policy(client.get(reverse("releases:home"))) == PUBLIC_POLICY
        assert built == [False, True]  # the policy and the report-only one, once each

    @pytest.mark.parametrize("asks", ["nothing", "decorator", "nonce", "exempt"])
    def test_each_response_gets_the_policy_django_csp_gives_it(self, rf, settings, asks):
        """The policy of the settings is built once; a response that asks for another
        (django-csp's decorators, a nonce) gets what django-csp itself gives it."""
        from csp.constants import NONCE, SELF
        from csp.decorators import csp_exempt, csp_update
        from csp.middleware import CSPMiddleware
        from django.http import HttpResponse

        from releases.middleware import ContentSecurityPolicyMiddleware

        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
            "default-src": [SELF], "script-src": [SELF, NONCE]}}

        def view(request):
            if asks == "nonce":
                return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')
            return HttpResponse("ok")

        decorate = {"decorator": csp_update({"img-src": "https://bilder.example"}),
                    "exempt": csp_exempt()}.get(asks, lambda view: view)
        ours = ContentSecurityPolicyMiddleware(decorate(view))(rf.get("/"))
        theirs = CSPMiddleware(decorate(view))(rf.get("/"))
        header = "Content-Security-Policy"
        if asks == "nonce":  # a new nonce for each response
            nonce = ours.content.decode().split('"')[1]
            assert policy(ours) == {"default-src 'self'", f"script-src 'self' 'nonce-{nonce}'"}
            assert "'nonce-" in theirs[header]
        else:
            assert ours.get(header) == theirs.get(header)
        if asks == "decorator":
            assert "img-src https://bilder.example" in policy(ours)
        if asks == "exempt":
            assert header not in ours

    def test_public_release_page_holds_no_script_but_its_json_ld(self, client, make_release):
        text = client.get(make_release().get_absolute_url()).content.decode()
        assert text.count("<script") == 1
        assert '<script type="application/ld+json">' in text


@pytest.fixture
def attachment(make_release):
    return ReleaseAttachment.objects.create(
        release=make_release(), title="Programm: „simul+Werkstatt“ / Kattowitz 2021",
        file=SimpleUploadedFile("programm.pdf", PDF))


@pytest.fixture
def image(make_release):
    return ReleaseImage.objects.create(
        release=make_release(), alt_text="Podium", credit="Foto: SMR",
        image=SimpleUploadedFile("foto.jpg", image_bytes(size=(600, 400))))


def media_url(name):
    return "/media/" + name


@pytest.mark.django_db
class TestMediaFiles:
    def test_image_is_served_inline_with_its_type_and_a_sandbox(self, client, image):
        response = client.get(image.image.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"] == "inline"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert b"".join(response.streaming_content) == Path(image.image.path).read_bytes()

    def test_renditions_are_served_as_webp_and_jpeg(self, client, image):
        for item in image.renditions["image/webp"] + image.renditions["image/jpeg"]:
            response = client.get(media_url(item["name"]))
            assert response["Content-Type"] == (
                "image/webp" if item["name"].endswith(".webp") else "image/jpeg")

    def test_attachment_is_downloaded_under_its_title(self, client, attachment):
        response = client.get(attachment.file.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="Programm')
        name = "Programm „simul+Werkstatt“ Kattowitz 2021.pdf"
        assert disposition.endswith(f"filename*=UTF-8''{quote(name, safe='')}")
        fallback = disposition.split('filename="')[1].split('"')[0]
        assert fallback.isascii() and fallback.endswith(".pdf") and "/" not in fallback

    def test_files_of_a_release_removed_for_legal_reasons_are_not_served(
            self, client, image, attachment):
        """Their names were public while the release was: they go with its page, also
        from a working edition, and come back when it is restored."""
        attachment.release = image.release
        attachment.save()
        names = [image.image.name, attachment.file.name, *(
            item["name"] for items in (image.renditions["image/webp"],
                                       image.renditions["image/jpeg"]) for item in items)]
        release = image.release
        edition = Release.objects.create(title=release.title, slug=release.slug,
                                         organisation=release.organisation,
                                         edition_of=release)
        ReleaseImage.objects.create(release=edition, alt_text="Podium", credit="Foto: SMR",
                                    image=image.image.name, renditions=image.renditions)

        def answers():
            return {client.get(media_url(name)).status_code for name in names}

        assert answers() == {200}
        Release.objects.filter(pk=release.pk).update(
            status=Release.Status.WITHDRAWN, withdrawn_at=timezone.now(),
            is_removed_for_legal_reasons=True)
        assert answers() == {404}
        Release.objects.filter(pk=release.pk).update(is_removed_for_legal_reasons=False)
        assert answers() == {200}

    def test_unchanged_file_answers_not_modified(self, client, attachment):
        first = client.get(attachment.file.url)
        again = client.get(attachment.file.url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304

    def test_head_works_and_post_does_not(self, client, attachment):
        assert client.head(attachment.file.url).status_code == 200
        assert client.post(attachment.file.url).status_code == 405

    @pytest.mark.parametrize("suffix", [".html", ".svg", ".js", ".php", ".txt", ""])
    def test_file_of_another_kind_is_not_served_even_if_it_is_there(self, client, settings,
                                                                   suffix):
        folder = Path(settings.MEDIA_ROOT) / "images"
        folder.mkdir(parents=True)
        (folder / f"seite{suffix}").write_text("<script>alert(1)</script>")
        assert client.get(media_url(f"images/seite{suffix}")).status_code == 404

    @pytest.mark.parametrize("path", [
        "../secret.pdf", "images/../../secret.pdf", "%2e%2e/secret.pdf",
        "images/%2e%2e/%2e%2e/secret.pdf", "..%2fsecret.pdf", "images/..%5c..%5csecret.pdf",
        "/secret.pdf", "%2fsecret.pdf", "images//secret.pdf", ".hidden.pdf",
        "images/%00.pdf", "C:%5csecret.pdf",
    ])
    def test_path_leaving_the_media_folder_is_not_found(self, client, settings, tmp_path,
                                                        path):
        (tmp_path / "secret.pdf").write_bytes(PDF)
        Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        (Path(settings.MEDIA_ROOT) / ".hidden.pdf").write_bytes(PDF)
        assert client.get("/media/" + path).status_code == 404

    def test_link_out_of_the_media_folder_is_not_followed(self, client, settings, tmp_path):
        (tmp_path / "secret.pdf").write_bytes(PDF)
        Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        (Path(settings.MEDIA_ROOT) / "link.pdf").symlink_to(tmp_path / "secret.pdf")
        assert client.get(media_url("link.pdf")).status_code == 404

    def test_missing_file_is_not_found(self, client, settings):
        assert client.get(media_url("attachments/2026/01/fehlt.pdf")).status_code == 404


def database_down(error=OperationalError):
    """Every new query fails as if the database server had gone away."""
    return mock.patch.object(BaseDatabaseWrapper, "cursor",
                             side_effect=error("could not connect to server"))


@pytest.mark.django_db
class TestDatabaseOutage:
    @pytest.mark.parametrize("error", [OperationalError, InterfaceError])
    def test_public_page_answers_503_in_german_without_asking_the_database_again(
            self, client, make_release, error):
        release = make_release()
        with database_down(error) as cursor:
            response = client.get(release.get_absolute_url())
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert response["Cache-Control"] == "no-store"
        text = response.content.decode()
        assert '<html lang="de">' in text
        assert "Datenbank" in text and "in einigen Minuten" in text
        assert cursor.call_count == 1

    def test_admin_page_answers_503_and_tells_the_editor_nothing_was_saved(
            self, client, editor, organisation):
        client.force_login(editor)
        with database_down() as cursor:
            response = client.post(reverse("admin:releases_release_add"), {"title": "Neu"})
        assert response.status_code == 503
        assert "nichts gespeichert" in response.content.decode()
        assert cursor.call_count == 1

    def test_english_pages_get_the_english_page(self, client):
        # The request leaves English active; override restores German for the tests after.
        with translation.override("de"), database_down():
            response = client.get("/en/")
        assert response.status_code == 503
        assert "Temporarily unavailable" in response.content.decode()

    def test_other_database_errors_stay_errors(self, make_release):
        release = make_release()
        client = Client(raise_request_exception=False)
        with database_down(ProgrammingError):
            assert client.get(release.get_absolute_url()).status_code == 500

    def test_release_is_untouched_by_a_failed_save(self, client, editor, make_release):
        release = make_release(title="Vorher")
        client.force_login(editor)
        with database_down():
            client.post(reverse("admin:releases_release_change", args=[release.pk]),
                        {"title": "Nachher"})
        assert Release.objects.get(pk=release.pk).title == "Vorher"


@pytest.mark.django_db
class TestRefusals:
    """What a visitor or an editor sees when a request is refused: a page in the site's
    language, never Django's bare English one."""

    def test_a_bad_filter_gets_a_german_page(self, client):
        response = client.get("/suche/feed/?topic=gibtsnicht")
        assert response.status_code == 400
        content = response.content.decode()
        assert '<html lang="de">' in content and "Ungültige Anfrage" in content
        assert "Bad Request" not in content

    def test_a_form_sent_without_its_token_gets_a_german_page(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})
        assert response.status_code == 403
        content = response.content.decode()
        assert "Formular abgelaufen" in content
        assert "DEBUG" not in content

    def test_a_page_an_editor_may_not_open_says_so_in_german(self, client):
        editor = User.objects.create_user("redakteur", password="geheim-123", is_staff=True)
        editor.groups.add(Group.objects.get(name="Redaktion"))
        client.force_login(editor)
        response = client.get(reverse("admin:auth_user_change", args=[editor.pk]))
        assert response.status_code == 403
        content = response.content.decode()
        assert "Zugriff verweigert" in content and "403 Forbidden" not in content

    def test_a_login_with_an_unsafe_next_address_leads_to_the_desk(self, client):
        User.objects.create_user("redakteurin", password="geheim-123", is_staff=True)
        response = client.post(reverse("admin:login") + "?next=//evil.example/",
                               {"username": "redakteurin", "password": "geheim-123"})
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


@pytest.mark.django_db
class TestUserAdministration:
    """Administration manages who works here; only a superuser hands out rights beyond
    the groups (README: Roles)."""

    @pytest.fixture
    def administration(self):
        user = User.objects.create_user("verwaltung", password="x", is_staff=True)
        user.groups.add(Group.objects.get(name="Administration"))
        client = Client()
        client.force_login(user)
        return user, client

    def change(self, client, user, **fields):
        url = reverse("admin:auth_user_change", args=[user.pk])
        data = {"username": user.username, "first_name": "", "last_name": "", "email": "",
                "is_active": "on", "is_staff": "on",
                "groups": [group.pk for group in user.groups.all()],
                "last_login_0": "", "last_login_1": "", "date_joined_0": "01.01.2026",
                "date_joined_1": "10:00:00", **fields}
        return client.post(url, data)

    def test_a_member_cannot_make_itself_superuser_or_give_itself_rights(self,
                                                                         administration):
        user, client = administration
        delete = Permission.objects.get(codename="delete_release")
        response = self.change(client, user, is_superuser="on", user_permissions=[delete.pk])
        assert response.status_code == 302, response.content.decode()[:2000]
        user.refresh_from_db()
        assert not user.is_superuser and not user.user_permissions.exists()

    def test_a_member_cannot_widen_a_group(self, administration):
        _, client = administration
        group = Group.objects.get(name="Administration")
        before = set(group.permissions.values_list("pk", flat=True))
        delete = Permission.objects.get(codename="delete_release")
        client.post(reverse("admin:auth_group_change", args=[group.pk]),
                    {"name": group.name, "permissions": [*before, delete.pk]})
        assert set(group.permissions.values_list("pk", flat=True)) == before

    def test_a_superusers_account_is_out_of_reach(self, administration):
        _, client = administration
        boss = User.objects.create_superuser("chefin", password="x")
        assert client.get(reverse("admin:auth_user_change", args=[boss.pk])).status_code in (
            200, 403)  # shown read-only at most
        assert client.post(reverse("admin:auth_user_password_change", args=[boss.pk]), {
            "password1": "Neues-Passwort-2026!", "password2": "Neues-Passwort-2026!",
        }).status_code == 403
        response = self.change(client, boss, is_superuser="")
        boss.refresh_from_db()
        assert response.status_code == 403 and boss.is_superuser

    def test_a_member_still_puts_people_into_groups(self, administration):
        _, client = administration
        colleague = User.objects.create_user("neu", password="x", is_staff=True)
        redaktion = Group.objects.get(name="Redaktion")
        assert self.change(client, colleague, groups=[redaktion.pk]).status_code == 302
        assert list(colleague.groups.all()) == [redaktion]
