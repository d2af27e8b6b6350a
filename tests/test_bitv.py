"""BITV 2.0 § 4: the pages in Leichte Sprache and Gebärdensprache, linked from the start
page and every footer, created with the legal pages, the sign-language video with its
captions and transcript, and the checks of its uploads."""

import re
from io import StringIO

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from releases.bitv import EASY_LANGUAGE, SIGN_LANGUAGE
from releases.html import html_to_text
from releases.models import SignLanguageVideo
from releases.uploads import validate_captions, validate_video

from .public_fixtures import png
from .sitemap_helpers import sitemap_text

pytestmark = pytest.mark.django_db

WEBM = (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81"
        b"\x08\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x00" * 64)
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64
VTT = b"WEBVTT\n\n00:00.000 --> 00:04.000\nWillkommen auf dieser Website.\n"


def upload(name, content):
    return SimpleUploadedFile(name, content)


def make_video(**fields):
    return SignLanguageVideo.objects.create(**{
        "video": upload("gebaerden.webm", WEBM), "captions": upload("gebaerden.vtt", VTT),
        **fields})


def text_of(html):
    return html_to_text(html)


class TestPages:
    def test_both_pages_exist_from_the_first_migrate(self, client):
        for name, title in [("easy-language", "Leichte Sprache"),
                            ("sign-language", "Gebärdensprache")]:
            response = client.get(reverse(f"releases:{name}"))
            assert response.status_code == 200, name
            assert f"<h1>{title}</h1>" in response.content.decode()

    def test_addresses_are_german(self):
        assert reverse("releases:easy-language") == "/leichte-sprache/"
        assert reverse("releases:sign-language") == "/gebaerdensprache/"

    def test_english_interface_translates_the_titles_and_marks_the_text_german(self, client):
        html = client.get("/en/leichte-sprache/").content.decode()
        # The English heading is not marked German; the text below it is.
        article = html.split('<article class="legal easy-language">')[1].split("</article>")[0]
        assert article.index("<h1>Easy-to-read German</h1>") < article.index('<div lang="de">')
        html = client.get("/en/gebaerdensprache/").content.decode()
        article = html.split('<article class="legal">')[1].split("</article>")[0]
        assert article.index("<h1>German Sign Language</h1>") < article.index('<div lang="de">')
        assert "<title>German Sign Language" in html

    def test_text_edited_in_the_admin_is_shown_cleaned(self, client):
        FlatPage.objects.filter(url="/leichte-sprache/").update(
            content='<h2>Was ist neu?</h2><p style="color: red" onclick="x()">Neu.</p>'
                    "<script>alert(1)</script>")
        html = client.get(reverse("releases:easy-language")).content.decode()
        assert "<h2>Was ist neu?</h2><p>Neu.</p>" in html
        assert "alert(1)" not in html and "style=" not in html.split("<main")[1]

    @pytest.mark.parametrize("name", ["imprint", "privacy", "accessibility"])
    def test_legal_pages_show_their_title_as_text_and_their_text_cleaned(self, client, name):
        """Not as typed: a refresh to another site, a form, a script or another template."""
        url = reverse(f"releases:{name}")
        FlatPage.objects.filter(url=url).update(
            title='Impressum <img src=x onerror="alert(1)">', template_name="admin/base.html",
            content='<meta http-equiv="refresh" content="3;url=https://evil.example/">'
                    '<p>Angaben <a href="javascript:alert(2)">hier</a>.</p>'
                    '<form action="https://evil.example/"><input name="pw"></form>'
                    "<script>alert(3)</script><h2>Kontakt</h2>")
        response = client.get(url)
        html = response.content.decode()
        main = html.split("<main")[1]
        assert response.status_code == 200 and 'class="legal"' in html
        assert "<h1>Impressum &lt;img src=x onerror=&quot;alert(1)&quot;&gt;</h1>" in main
        assert "<h2>Kontakt</h2>" in main and "Angaben" in main
        article = main.split('class="legal"')[1].split("</article>")[0]
        assert "http-equiv" not in html
        for unsafe in ("javascript:", "<form", "<input", "<script", "<img"):
            assert unsafe not in article, unsafe

    def test_deleted_page_is_not_found_not_an_error(self, client):
        FlatPage.objects.filter(url="/gebaerdensprache/").delete()
        assert client.get(reverse("releases:sign-language")).status_code == 404

    def test_start_page_links_both_near_the_top(self, client):
        html = client.get(reverse("releases:home")).content.decode()
        main = html.split('<main id="main"')[1]
        latest = main.index('id="latest-heading"')
        for name in ("easy-language", "sign-language"):
            assert main.index(f'href="{reverse(f"releases:{name}")}"') < latest, name

    def test_sitemap_lists_both(self, client, settings):
        settings.SITE_URL = "https://presse.example.de"
        sitemap = sitemap_text(client)
        for path in ("/leichte-sprache/", "/gebaerdensprache/"):
            assert f"<loc>https://presse.example.de{path}</loc>" in sitemap


class TestSeed:
    @pytest.fixture
    def no_pages(self):
        FlatPage.objects.all().delete()

    def test_seed_creates_the_pages_of_a_site_without_them(self, client, no_pages):
        call_command("seed", stdout=StringIO())
        for name in ("easy-language", "sign-language", "imprint"):
            assert client.get(reverse(f"releases:{name}")).status_code == 200, name

    def test_demo_creates_the_pages(self, client, no_pages):
        call_command("demo", "--no-serve", stdout=StringIO())
        for name in ("easy-language", "sign-language"):
            assert client.get(reverse(f"releases:{name}")).status_code == 200, name
        # The seed's organisation is the contact named on the pages.
        html = client.get(reverse("releases:easy-language")).content.decode()
        assert re.search(r'href="mailto:[^"\[]+@', html)

    def test_seed_keeps_pages_edited_in_the_admin(self, client):
        FlatPage.objects.filter(url="/leichte-sprache/").update(content="<p>Eigener Text.</p>")
        call_command("seed", stdout=StringIO())
        assert FlatPage.objects.get(url="/leichte-sprache/").content == "<p>Eigener Text.</p>"


class TestEasyLanguage:
    """The text the pages start with, as the rules of Leichte Sprache ask."""

    @pytest.fixture
    def text(self):
        return text_of(EASY_LANGUAGE)

    def test_headings_are_questions(self):
        headings = re.findall(r"<h2>(.*?)</h2>", EASY_LANGUAGE)
        assert len(headings) >= 5
        assert all(heading.endswith("?") for heading in headings), headings

    def test_sentences_are_short(self, text):
        sentences = [s for s in re.split(r"(?<=[.?!:])\s+", text) if s.strip()]
        assert max(len(sentence.split()) for sentence in sentences) <= 14

    def test_hard_words_are_explained(self, text):
        for explanation in ("Ein anderes Wort dafür ist Presse-Mitteilung.",
                            "Ein Ministerium ist ein Teil von der Regierung.",
                            "Eine Delegation ist eine Gruppe von Menschen.",
                            "Ein Link ist ein Wort zum Anklicken.",
                            "Gehörlos bedeutet: Man kann nicht hören."):
            assert explanation in text

    def test_long_compounds_are_split_with_a_hyphen(self, text):
        for word in ("Internet-Seite", "Medien-Information", "Presse-Kontakte", "Start-Seite",
                     "Such-Feld", "Gebärden-Sprache", "Delegations-Reisen"):
            assert word in text, word
        for compound in ("Internetseite", "Medieninformation", "Pressekontakt", "Startseite",
                         "Suchfeld"):
            assert compound not in text, compound

    def test_no_passive_and_no_abbreviations(self, text):
        words = set(re.findall(r"\w+", text.lower()))
        assert not words & {"wird", "werden", "wurde", "wurden", "worden"}
        for abbreviation in ("z. B.", "z.B.", "bzw.", "usw.", "d. h.", "ca.", "ggf.", "Nr."):
            assert abbreviation not in text, abbreviation

    def test_explains_what_the_site_holds_and_how_to_get_around(self, text):
        for part in ("Termine", "Themen", "Archiv", "Menü", "Such-Feld", "Start-Seite",
                     "Impressum", "Datenschutz"):
            assert part in text, part


class TestSignLanguagePage:
    def test_without_video_the_transcript_and_a_note_that_it_follows(self, client):
        html = client.get(reverse("releases:sign-language")).content.decode()
        assert "<video" not in html
        assert "Das Video in Deutscher Gebärdensprache folgt." in html
        assert "Was finden Sie auf dieser Website?" in html

    def test_video_with_captions_poster_and_the_transcript_below(self, client):
        video = make_video(poster=png())
        html = client.get(reverse("releases:sign-language")).content.decode()
        assert f'poster="{video.poster.url}"' in html
        assert re.search(r"<video controls[^>]*>", html)
        assert f'<source src="{video.video.url}" type="video/webm">' in html
        assert (f'<track kind="captions" src="{video.captions.url}" srclang="de" '
                'label="Deutsch" default>') in html
        assert html.index("</video>") < html.index("Was finden Sie auf dieser Website?")
        assert "folgt." not in html

    def test_latest_uploaded_video_is_shown(self, client):
        make_video()
        latest = make_video(video=upload("neu.mp4", MP4))
        html = client.get(reverse("releases:sign-language")).content.decode()
        assert f'<source src="{latest.video.url}" type="video/mp4">' in html

    def test_a_new_video_shows_at_once_on_the_cached_page(self, client):
        assert "<video" not in client.get(reverse("releases:sign-language")).content.decode()
        make_video()
        assert "<video" in client.get(reverse("releases:sign-language")).content.decode()

    def test_video_and_captions_are_served_inline_with_their_types(self, client):
        video = make_video()
        response = client.get(video.video.url)
        assert response["Content-Type"] == "video/webm"
        assert response["Content-Disposition"] == "inline"
        response = client.get(video.captions.url)
        assert response["Content-Type"] == "text/vtt; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_policy_lets_the_page_play_media_of_this_site_only(self, client):
        policy = client.get(reverse("releases:sign-language"))["Content-Security-Policy"]
        assert "media-src 'self'" in policy
        assert "script-src 'self'" in policy

    def test_administration_uploads_a_video_in_the_admin(self, client):
        from .workflow_fixtures import logged_in, member

        admin = logged_in(member("verwaltung", "Administration"))
        response = admin.post(reverse("admin:releases_signlanguagevideo_add"), {
            "video": upload("Gebärden.webm", WEBM), "captions": upload("untertitel.vtt", VTT)})
        assert response.status_code == 302
        video = SignLanguageVideo.objects.get()
        assert video.video.name.startswith("videos/") and video.video.name.endswith(".webm")
        html = client.get(reverse("releases:sign-language")).content.decode()
        assert video.video.url in html

    def test_admin_refuses_a_file_that_is_no_video_in_german(self, client):
        from .workflow_fixtures import logged_in, member

        admin = logged_in(member("verwaltung", "Administration"))
        response = admin.post(reverse("admin:releases_signlanguagevideo_add"), {
            "video": upload("film.mp4", b"<html><script>alert(1)</script></html>"),
            "captions": upload("untertitel.srt", b"1\n00:00:00,000 --> 00:00:04,000\nHallo\n")})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Der Inhalt der Datei passt nicht zu ihrem Typ MP4." in html
        assert "Untertitel müssen eine WebVTT-Datei (.vtt) sein." in html
        assert not SignLanguageVideo.objects.exists()


class TestUploads:
    @pytest.mark.parametrize("name, content", [("a.webm", WEBM), ("a.MP4", MP4)])
    def test_mp4_and_webm_are_accepted(self, name, content):
        validate_video(upload(name, content))

    @pytest.mark.parametrize("name, content", [
        ("a.mov", MP4),
        ("a.mp4", WEBM),
        ("a.webm", MP4),
        ("a.mp4", b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "),
        ("a.webm", b"\x1a\x45\xdf\xa3\x42\x82\x88matroska"),
        ("a.mp4", b""),
        ("a.mp4", b"<!DOCTYPE html><script>alert(1)</script>"),
    ])
    def test_other_files_are_refused(self, name, content):
        with pytest.raises(ValidationError):
            validate_video(upload(name, content))

    def test_too_large_video_is_refused(self, settings):
        settings.MAX_VIDEO_BYTES = len(WEBM) - 1
        with pytest.raises(ValidationError, match="too large|zu groß"):
            validate_video(upload("a.webm", WEBM))

    @pytest.mark.parametrize("content", [VTT, b"\xef\xbb\xbfWEBVTT\n", b"WEBVTT - Titel\n",
                                         b"WEBVTT"])
    def test_webvtt_captions_are_accepted(self, content):
        validate_captions(upload("a.vtt", content))

    @pytest.mark.parametrize("name, content", [
        ("a.srt", VTT),
        ("a.vtt", b"1\n00:00:00,000 --> 00:00:04,000\nHallo\n"),
        ("a.vtt", b"WEBVTTX\n"),
        ("a.vtt", b"WEBVTT\n\xff\xfe"),
        ("a.vtt", b"WEBVTT\n\x00"),
        ("a.vtt", b""),
    ])
    def test_other_captions_are_refused(self, name, content):
        with pytest.raises(ValidationError):
            validate_captions(upload(name, content))

    def test_too_large_captions_are_refused(self, settings):
        settings.MAX_CAPTIONS_BYTES = len(VTT) - 1
        with pytest.raises(ValidationError):
            validate_captions(upload("a.vtt", VTT))

    def test_transcript_explains_the_site_and_its_navigation(self):
        text = text_of(SIGN_LANGUAGE)
        for part in ("Medieninformationen", "Termine", "Archiv", "Menü", "Suchfeld",
                     "Startseite"):
            assert part in text, part
