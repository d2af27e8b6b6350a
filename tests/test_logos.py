"""Logos: which files are accepted (SVG only without script, handlers, foreign content or
outside references), how they are stored and served, and where they are shown: on a
release, in feeds and in the release page's structured data."""

import json
import re

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from lxml import etree, html
from PIL import Image

from releases.models import Organisation, SiteIdentity
from releases.svg import check_svg
from releases.uploads import validate_logo

from .admin_helpers import image_bytes
from .logo_data import SAFE_SVG, SCRIPT_SVG, SVG_NS, XLINK_NS, png_upload, svg_upload

SITE = "https://presse.example.de"
ATOM = "{http://www.w3.org/2005/Atom}"

UNSAFE = {
    "script": SCRIPT_SVG.decode(),
    "script-in-xhtml": f'<svg {SVG_NS}><h:script xmlns:h="http://www.w3.org/1999/xhtml">'
                       'alert(1)</h:script></svg>',
    "onload": f'<svg {SVG_NS} onload="alert(1)"/>',
    "onclick-on-shape": f'<svg {SVG_NS}><rect width="1" height="1" ONCLICK="alert(1)"/></svg>',
    "foreign-object": f'<svg {SVG_NS}><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">'
                      'x</p></foreignObject></svg>',
    "link": f'<svg {SVG_NS}><a href="https://example.org"><rect/></a></svg>',
    "external-use": f'<svg {SVG_NS} {XLINK_NS}><use xlink:href="https://example.org/x.svg#a"/>'
                    '</svg>',
    "javascript-use": f'<svg {SVG_NS}><use href="javascript:alert(1)"/></svg>',
    "image": f'<svg {SVG_NS}><image href="https://example.org/x.png"/></svg>',
    "data-image": f'<svg {SVG_NS}><image href="data:image/png;base64,AAAA"/></svg>',
    "animation-rewriting-a-link": f'<svg {SVG_NS}><set attributeName="href" '
                                  'to="javascript:alert(1)"/></svg>',
    "css-url": f'<svg {SVG_NS}><style>rect {{ fill: url(https://example.org/a) }}</style></svg>',
    "css-import": f'<svg {SVG_NS}><style>@import "https://example.org/a.css";</style></svg>',
    "css-escape": f'<svg {SVG_NS}><style>rect {{ fill: \\75 rl(https://x.org/a) }}</style></svg>',
    "style-attribute-url": f'<svg {SVG_NS}><rect style="fill:url(//example.org/a)"/></svg>',
    "fill-url": f'<svg {SVG_NS}><rect fill="url(\'https://example.org/a#g\')"/></svg>',
    "stylesheet-instruction": f'<?xml-stylesheet href="https://example.org/a.css"?>'
                              f'<svg {SVG_NS}/>',
    "entity": f'<!DOCTYPE svg [<!ENTITY a "b">]><svg {SVG_NS}><text>&a;</text></svg>',
    "external-entity": f'<!DOCTYPE svg [<!ENTITY a SYSTEM "file:///etc/passwd">]>'
                       f'<svg {SVG_NS}><text>&a;</text></svg>',
    "billion-laughs": '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                      f'<svg {SVG_NS}><text>&b;</text></svg>',
    # Copies of copies: twelve levels of ten <use> each are 10^12 shapes to draw.
    "nested-use": f'<svg {SVG_NS}><defs><rect id="l0" width="1" height="1"/>'
                  + "".join(f'<g id="l{level}">' + f'<use href="#l{level - 1}"/>' * 10 + "</g>"
                            for level in range(1, 13)) + '</defs><use href="#l12"/></svg>',
    "use-of-a-use": f'<svg {SVG_NS}><rect id="a"/><use id="b" href="#a"/><use href="#b"/></svg>',
    "css-after-an-element-in-style": f'<svg {SVG_NS}><style><g/>@import url(http://x.org/a.css);'
                                     '</style><rect/></svg>',
    "css-url-after-an-element": f'<svg {SVG_NS}><style>rect{{fill:red}}<g/>rect{{fill:'
                                'url(http://x.org/f.svg#a)}</style></svg>',
}
INVALID = {
    "html": "<html><body><script>alert(1)</script></body></html>",
    "svg-without-namespace": "<svg><script>alert(1)</script></svg>",
    "unclosed": f'<svg {SVG_NS}><rect></svg>',
    "empty": "",
    "text": "Logo",
}
SAFE = {
    "gradient-and-style": SAFE_SVG.decode(),
    "doctype": '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
               f'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg {SVG_NS}/>',
    "inkscape-metadata": f'<svg {SVG_NS} '
                         'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
                         'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" '
                         'inkscape:version="1.3"><sodipodi:namedview id="n" '
                         'inkscape:zoom="1"/><path d="M0 0h10v10z"/></svg>',
    "local-use": f'<svg {SVG_NS} {XLINK_NS}><defs><path id="p" d="M0 0h1"/></defs>'
                 '<use xlink:href="#p"/><use href="#p"/></svg>',
}


class TestCheckSvg:
    @pytest.mark.parametrize("svg", UNSAFE.values(), ids=UNSAFE.keys())
    def test_svg_that_could_run_or_load_something_is_refused(self, svg):
        with pytest.raises(ValidationError) as error:
            check_svg(svg.encode())
        assert error.value.code == "svg_unsafe"

    @pytest.mark.parametrize("svg", INVALID.values(), ids=INVALID.keys())
    def test_anything_but_an_svg_document_is_refused(self, svg):
        with pytest.raises(ValidationError) as error:
            check_svg(svg.encode())
        assert error.value.code == "svg_invalid"

    @pytest.mark.parametrize("svg", SAFE.values(), ids=SAFE.keys())
    def test_plain_drawing_is_accepted(self, svg):
        check_svg(svg.encode())

    def test_too_large_svg_is_refused(self):
        padding = "<!--" + "x" * 1024 * 1024 + "-->"
        with pytest.raises(ValidationError) as error:
            check_svg(SAFE_SVG.replace(b"</svg>", padding.encode() + b"</svg>"))
        assert error.value.code == "too_large"

    def test_message_is_german_and_names_what_was_found(self):
        with translation.override("de"), pytest.raises(ValidationError) as error:
            check_svg(UNSAFE["onload"].encode())
        assert error.value.messages == [
            "Die SVG-Datei kann nicht als Logo verwendet werden: Sie enthält den "
            "Ereignis-Handler onload, der ein Skript ausführt. Bitte speichern Sie sie als "
            "einfaches SVG ohne Skripte, Links und eingebettete Dateien."]


class TestValidateLogo:
    def test_png_is_accepted(self):
        validate_logo(png_upload())

    def test_safe_svg_named_anything_is_accepted(self):
        validate_logo(svg_upload(name="logo.png"))

    def test_svg_with_script_named_png_is_refused(self):
        with pytest.raises(ValidationError) as error:
            validate_logo(svg_upload(SCRIPT_SVG, name="logo.png"))
        assert error.value.code == "svg_unsafe"

    @pytest.mark.parametrize("data", [
        Image.new("RGB", (4, 4)).tobytes(), b"GIF89a\x01\x00", b"%PDF-1.4\n%%EOF\n"])
    def test_anything_else_is_refused_as_not_a_logo(self, data):
        with translation.override("de"), pytest.raises(ValidationError) as error:
            validate_logo(SimpleUploadedFile("logo.png", data))
        assert error.value.messages == ["Ein Logo muss eine PNG- oder SVG-Datei sein."]

    def test_jpeg_is_refused_as_not_a_logo(self):
        with pytest.raises(ValidationError) as error:
            validate_logo(SimpleUploadedFile("logo.jpg", image_bytes("JPEG")))
        assert error.value.code == "logo_format"


@pytest.mark.django_db
class TestStorage:
    def test_png_is_stored_again_without_its_metadata(self, organisation):
        organisation.logo = png_upload(text="Erstellt von Max Mustermann")
        organisation.save()
        assert re.fullmatch(r"logos/\d{4}/\d{2}/[0-9a-f]{32}\.png", organisation.logo.name)
        with Image.open(organisation.logo.path) as image:
            assert image.format == "PNG" and "Comment" not in image.info

    def test_svg_uploaded_under_another_name_is_stored_as_svg(self, organisation):
        organisation.logo = svg_upload(name="logo.png")
        organisation.save()
        assert organisation.logo.name.endswith(".svg")
        with organisation.logo.open("rb") as stored:
            assert stored.read() == SAFE_SVG

    def test_svg_with_script_is_not_stored_by_any_way_of_saving(self, organisation, settings):
        organisation.logo = svg_upload(SCRIPT_SVG)
        with pytest.raises(ValidationError), transaction.atomic():
            organisation.save()
        assert not Organisation.objects.get(pk=organisation.pk).logo
        assert not list(settings.MEDIA_ROOT.rglob("*.svg"))

    def test_stored_svg_is_served_as_svg_that_may_run_nothing(self, client, organisation):
        organisation.logo = svg_upload()
        organisation.save()
        response = client.get(organisation.logo.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_admin_of_organisations_offers_the_logo(self, admin_client, organisation):
        response = admin_client.post(
            reverse("admin:releases_organisation_change", args=[organisation.pk]),
            {"name": organisation.name, "short_name": "SMR", "slug": "smr", "kind": "ministry",
             "logo": svg_upload(SCRIPT_SVG), "footer": ""})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["logo"][0].startswith(
            "Die SVG-Datei kann nicht als Logo verwendet werden")


@pytest.fixture
def site_logo(db, settings):
    settings.SITE_URL = SITE
    return SiteIdentity.objects.create(name="Pressestelle SMR", logo=png_upload("wappen.png"),
                                       logo_alt_text="Wappen")


@pytest.fixture
def organisation_logo(organisation, settings):
    settings.SITE_URL = SITE
    organisation.logo = png_upload()
    organisation.save()
    return organisation.logo


def json_ld(client, release):
    text = client.get(release.get_absolute_url()).content.decode()
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text,
                                re.S).group(1))


@pytest.mark.django_db
class TestReleasePage:
    def test_organisation_logo_is_shown_small_in_the_meta_line(
            self, client, make_release, organisation_logo, organisation):
        document = html.fromstring(client.get(make_release().get_absolute_url()).content)
        logo = document.find_class("meta")[0].find_class("organisation-logo")[0]
        assert logo.get("src") == organisation_logo.url
        assert logo.get("alt") == f"Logo: {organisation.name}"

    def test_organisation_without_logo_shows_none(self, client, make_release, site_logo):
        document = html.fromstring(client.get(make_release().get_absolute_url()).content)
        assert document.find_class("organisation-logo") == []

    def test_json_ld_publisher_has_the_organisation_logo(
            self, client, make_release, organisation_logo, site_logo):
        data = json_ld(client, make_release())
        assert data["publisher"]["logo"] == {"@type": "ImageObject",
                                             "url": SITE + organisation_logo.url}
        assert data["publisher"]["name"] == data["author"]["name"]
        assert "logo" not in data["author"]

    def test_json_ld_publisher_falls_back_to_the_site_logo(self, client, make_release,
                                                           site_logo):
        data = json_ld(client, make_release())
        assert data["publisher"]["logo"]["url"] == SITE + site_logo.logo.url

    def test_json_ld_publisher_without_any_logo_has_none(self, client, make_release):
        assert "logo" not in json_ld(client, make_release())["publisher"]


def organisation_feed(organisation, atom=False):
    return reverse(f"releases:organisation-feed{'-atom' if atom else ''}",
                   kwargs={"slug": organisation.slug})


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert feedparser.parse(response.content).bozo == 0
    return etree.fromstring(response.content)


@pytest.mark.django_db
class TestFeeds:
    def test_organisation_rss_feed_has_its_logo_as_image(self, client, make_release,
                                                         organisation_logo, site_logo):
        make_release()
        channel = parse(client, organisation_feed(make_release().organisation)).find("channel")
        image = channel.find("image")
        assert image.findtext("url") == SITE + organisation_logo.url
        assert image.findtext("title") == channel.findtext("title")
        assert image.findtext("link") == channel.findtext("link")

    def test_organisation_atom_feed_has_its_logo_as_icon_and_logo(
            self, client, make_release, organisation, organisation_logo):
        make_release()
        feed = parse(client, organisation_feed(organisation, atom=True))
        assert feed.findtext(f"{ATOM}icon") == SITE + organisation_logo.url
        assert feed.findtext(f"{ATOM}logo") == SITE + organisation_logo.url

    @pytest.mark.parametrize("name", ["releases:feed", "releases:feed-atom"])
    def test_other_feeds_have_the_site_logo_and_name(self, client, make_release,
                                                     organisation_logo, site_logo, name):
        make_release()
        root = parse(client, reverse(name))
        logo = SITE + site_logo.logo.url
        if name.endswith("atom"):
            assert root.findtext(f"{ATOM}logo") == logo
            assert root.findtext(f"{ATOM}author/{ATOM}name") == "Pressestelle SMR"
        else:
            assert root.findtext("channel/image/url") == logo

    def test_organisation_without_logo_falls_back_to_the_site_logo(
            self, client, make_release, organisation, site_logo):
        make_release()
        feed = parse(client, organisation_feed(organisation, atom=True))
        assert feed.findtext(f"{ATOM}icon") == SITE + site_logo.logo.url

    def test_without_any_logo_feeds_have_no_image(self, client, make_release, organisation):
        make_release()
        assert parse(client, organisation_feed(organisation)).find("channel/image") is None
        atom = parse(client, organisation_feed(organisation, atom=True))
        assert atom.find(f"{ATOM}icon") is None and atom.find(f"{ATOM}logo") is None

    def test_svg_logo_is_left_out_of_rss_but_not_atom(self, client, make_release,
                                                      organisation):
        organisation.logo = svg_upload()
        organisation.save()
        make_release()
        assert parse(client, organisation_feed(organisation)).find("channel/image") is None
        atom = parse(client, organisation_feed(organisation, atom=True))
        assert atom.findtext(f"{ATOM}logo").endswith(".svg")
