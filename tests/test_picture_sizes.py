"""Every format a release image is offered in reaches the image's full width.

A browser takes the first <source> whose type it supports and picks from its srcset
only: a WebP source whose widest candidate is narrower than the image makes every
WebP browser upscale that candidate while the original sits unused in the <img>
srcset (an 800 px JPEG was shown from its 480w WebP on a 704 px wide column).
"""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from releases.images import FULL_WIDTH_LIMIT, rebuild_renditions
from releases.models import ReleaseImage
from releases.templatetags.release_images import RELEASE_IMAGE_SIZES
from tests.admin_helpers import image_bytes


class PictureParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pictures = []

    def handle_starttag(self, tag, attrs):
        if tag == "picture":
            self.pictures.append({})
        elif tag in {"source", "img"} and self.pictures:
            self.pictures[-1][tag] = dict(attrs)


def pictures(client, release):
    parser = PictureParser()
    parser.feed(client.get(release.get_absolute_url()).content.decode())
    return parser.pictures


def candidates(srcset):
    """(url, width) of every candidate of a srcset of w descriptors."""
    result = []
    for candidate in srcset.split(","):
        url, descriptor = candidate.split()
        assert re.fullmatch(r"\d+w", descriptor), candidate
        result.append((url, int(descriptor[:-1])))
    return result


def widest(srcset):
    return max(width for _url, width in candidates(srcset))


def upload(release, name, content, **fields):
    return ReleaseImage.objects.create(release=release, alt_text="Podium", credit="Foto: SMR",
                                       image=SimpleUploadedFile(name, content), **fields)


@pytest.fixture
def release(make_release):
    return make_release()


@pytest.mark.django_db
class TestFullWidthInEveryFormat:
    @pytest.mark.parametrize("size", [(800, 600), (1200, 800)])
    def test_webp_source_and_img_srcset_both_reach_the_originals_width(
            self, client, release, size):
        image = upload(release, "foto.jpg", image_bytes(size=size))
        (picture,) = pictures(client, release)
        source, img = picture["source"], picture["img"]
        assert source["type"] == "image/webp"
        webp = candidates(source["srcset"])
        assert all(url.endswith(".webp") for url, _width in webp)
        assert webp[-1][1] == size[0] == widest(source["srcset"])
        assert widest(img["srcset"]) == size[0]
        assert (image.image.url, size[0]) in candidates(img["srcset"])

    @pytest.mark.parametrize("size", [(800, 600), (1200, 800)])
    def test_full_width_webp_is_stored_with_the_other_renditions(self, release, settings, size):
        image = upload(release, "foto.jpg", image_bytes(size=size))
        stem = image.image.name.removesuffix(".jpg")
        full = image.renditions["image/webp"][-1]
        assert full == {"width": size[0], "height": size[1], "name": f"{stem}-{size[0]}w.webp"}
        with Image.open(Path(settings.MEDIA_ROOT) / full["name"]) as stored:
            assert (stored.format, stored.size) == ("WEBP", size)
        # The original is the full-width JPEG: no copy of it is made.
        assert max(item["width"] for item in image.renditions["image/jpeg"]) < size[0]

    def test_webp_original_gets_a_full_width_fallback_and_is_the_widest_webp(
            self, client, release):
        image = upload(release, "foto.webp", image_bytes("WEBP", (1200, 800)))
        (picture,) = pictures(client, release)
        assert candidates(picture["source"]["srcset"])[-1] == (image.image.url, 1200)
        img_candidates = candidates(picture["img"]["srcset"])
        assert img_candidates[-1][1] == 1200
        assert all(url.endswith(".jpg") for url, _width in img_candidates)
        assert [item["width"] for item in image.renditions["image/webp"]] == [480, 960]

    def test_transparent_png_gets_a_full_width_webp_and_keeps_its_png_fallback(
            self, client, release):
        image = upload(release, "logo.png",
                       image_bytes("PNG", (900, 300), "RGBA", (0, 84, 159, 0)))
        (picture,) = pictures(client, release)
        assert widest(picture["source"]["srcset"]) == 900
        assert candidates(picture["img"]["srcset"])[-1] == (image.image.url, 900)
        assert set(image.renditions) == {"source", "image/webp", "image/png"}

    def test_very_wide_original_gets_its_widest_webp_at_the_limit(self, client, release):
        # No layout asks for more than FULL_WIDTH_LIMIT pixels (a column of at most 58rem
        # at three device pixels per px): encoding a 40-megapixel WebP on upload would
        # cost seconds for nothing.
        upload(release, "panorama.jpg", image_bytes(size=(FULL_WIDTH_LIMIT + 800, 400)))
        (picture,) = pictures(client, release)
        assert widest(picture["source"]["srcset"]) == FULL_WIDTH_LIMIT
        assert widest(picture["img"]["srcset"]) == FULL_WIDTH_LIMIT + 800

    def test_image_taller_than_webp_allows_is_stored_and_shown_without_webp(
            self, client, release):
        # WebP stops at 16383 pixels a side: such renditions are left out, not a crash.
        image = upload(release, "plakat.jpg", image_bytes(size=(600, 21000)))
        (picture,) = pictures(client, release)
        assert "source" not in picture
        assert widest(picture["img"]["srcset"]) == 600
        assert image.renditions["image/jpeg"][0]["width"] == 480

    def test_small_image_stays_a_plain_img(self, client, release):
        upload(release, "klein.jpg", image_bytes(size=(400, 300)))
        (picture,) = pictures(client, release)
        assert set(picture) == {"img"} and "srcset" not in picture["img"]


@pytest.mark.django_db
class TestRenditionsMadeBeforeTheFullWidth:
    """Rows saved before full-width renditions existed, or restored from such a revision."""

    def old_record(self, image):
        record = dict(image.renditions)
        record["image/webp"] = record["image/webp"][:-1]
        ReleaseImage.objects.filter(pk=image.pk).update(renditions=record)
        image.refresh_from_db()
        return record

    @pytest.mark.parametrize("size", [(800, 600), (1200, 800)])
    def test_webp_source_is_left_out_and_the_img_srcset_has_the_original(
            self, client, release, size):
        image = upload(release, "foto.jpg", image_bytes(size=size))
        self.old_record(image)
        (picture,) = pictures(client, release)
        assert "source" not in picture
        assert candidates(picture["img"]["srcset"])[-1] == (image.image.url, size[0])

    def test_rebuild_adds_only_what_is_missing(self, client, release, settings):
        image = upload(release, "foto.jpg", image_bytes(size=(1200, 800)))
        complete = image.renditions
        old = self.old_record(image)
        files = set(Path(settings.MEDIA_ROOT).rglob("*"))
        Path(settings.MEDIA_ROOT, complete["image/webp"][-1]["name"]).unlink()
        out = io.StringIO()
        call_command("rebuild_renditions", stdout=out)  # as an operator runs it
        assert out.getvalue().strip() == "Bildfassungen für 1 Bilder ergänzt."
        image.refresh_from_db()
        assert image.renditions["image/webp"][:-1] == old["image/webp"]
        assert image.renditions["image/jpeg"] == old["image/jpeg"]
        assert image.renditions["image/webp"][-1]["width"] == 1200
        assert set(Path(settings.MEDIA_ROOT).rglob("*")) == files
        (picture,) = pictures(client, release)
        assert widest(picture["source"]["srcset"]) == 1200
        # Nothing left to do the second time.
        assert rebuild_renditions(ReleaseImage.objects.all()) == 0

    def test_rebuild_passes_over_an_image_whose_file_is_gone(self, release, settings):
        lost = upload(release, "weg.jpg", image_bytes(size=(800, 600)))
        kept = upload(release, "foto.jpg", image_bytes(size=(800, 600)))
        for image in (lost, kept):
            self.old_record(image)
        Path(settings.MEDIA_ROOT, lost.image.name).unlink()
        assert rebuild_renditions(ReleaseImage.objects.all()) == 1
        kept.refresh_from_db()
        assert kept.renditions["image/webp"][-1]["width"] == 800


def test_sizes_follow_the_release_layout_in_site_css():
    css = Path(__file__).resolve().parent.parent.joinpath("static/css/site.css").read_text()
    assert ".wrap { max-width: 68rem; margin: 0 auto; padding: 0 1rem; }" in css
    assert re.search(r"@media \(min-width: 60rem\) \{\s*\.release-layout \{\s*display: grid; "
                     r"grid-template-columns: minmax\(0, 1fr\) 19rem; gap: 0 3rem;", css)
    assert ".release-image { margin: 1.5rem 0; }" in css
    # 68rem less 2 x 1rem padding, the 19rem aside and the 3rem gap: 44rem (704 px).
    assert RELEASE_IMAGE_SIZES == ("(min-width: 68rem) 44rem, "
                                   "(min-width: 60rem) calc(100vw - 24rem), calc(100vw - 2rem)")
