"""Images are stored re-encoded without metadata, with renditions for srcset: releases.images."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from releases.images import reencode
from releases.models import Person, ReleaseAttachment, ReleaseImage
from tests.admin_helpers import image_bytes

# EXIF tags: orientation, GPS block, camera serial number.
ORIENTATION, GPS_IFD, SERIAL = 0x0112, 0x8825, 0xA431
GPS_DRESDEN = {1: "N", 2: (51.0, 3.0, 0.0), 3: "E", 4: (13.0, 44.0, 0.0)}


def camera_jpeg(size=(64, 48), orientation=1):
    """A JPEG as a phone writes it: EXIF with GPS position and serial number, XMP, a comment."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[SERIAL] = "SN-4711"
    exif[GPS_IFD] = GPS_DRESDEN
    return image_bytes("JPEG", size, exif=exif.tobytes(), comment=b"Standort: Dresden",
                       xmp=b"<x:xmpmeta><rdf:Description>Max Mustermann</rdf:Description>"
                           b"</x:xmpmeta>")


def opened(content):
    return Image.open(io.BytesIO(content))


def reencoded(name, content):
    return reencode(SimpleUploadedFile(name, content)).read()


def stored(field_file):
    with field_file.open("rb") as handle:
        return handle.read()


class TestReencode:
    def test_exif_with_gps_xmp_and_comment_are_gone(self):
        original = camera_jpeg()
        assert b"SN-4711" in original and b"Max Mustermann" in original
        content = reencoded("foto.jpg", original)
        image = opened(content)
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "xmp" not in image.info and "comment" not in image.info
        for secret in (b"SN-4711", b"Max Mustermann", b"Dresden", b"Exif"):
            assert secret not in content

    def test_exif_orientation_is_applied_before_it_is_dropped(self):
        # Orientation 6: the camera was turned; the picture is shown rotated by 90 degrees.
        image = opened(reencoded("foto.jpg", camera_jpeg(size=(64, 48), orientation=6)))
        assert image.size == (48, 64)
        assert ORIENTATION not in image.getexif()

    @pytest.mark.parametrize(("image_format", "suffix"), [
        ("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("GIF", ".gif"),
    ])
    def test_format_is_kept_and_named_by_its_suffix_whatever_the_upload_was_called(
            self, image_format, suffix):
        result = reencode(SimpleUploadedFile("foto.bin", image_bytes(image_format)))
        assert result.name.endswith(suffix)
        assert opened(result.read()).format == image_format

    def test_png_text_chunks_are_gone_and_transparency_stays(self):
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Author", "Max Mustermann")
        content = reencoded("logo.png", image_bytes("PNG", mode="RGBA", color=(0, 84, 159, 0),
                                                    pnginfo=info))
        image = opened(content)
        assert b"Max Mustermann" not in content
        assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0

    def test_colour_profile_is_kept(self):
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        content = reencoded("foto.jpg", image_bytes("JPEG", icc_profile=profile))
        assert opened(content).info.get("icc_profile") == profile

    def test_cmyk_jpeg_becomes_rgb(self):
        image = opened(reencoded("druck.jpg", image_bytes("JPEG", mode="CMYK",
                                                          color=(100, 0, 0, 0))))
        assert image.mode == "RGB"

    def test_animated_gif_keeps_its_first_frame(self):
        frames = [Image.new("RGB", (20, 20), (index * 50, 84, 159)) for index in range(5)]
        buffer = io.BytesIO()
        frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
        assert opened(buffer.getvalue()).n_frames == 5
        assert opened(reencoded("animation.gif", buffer.getvalue())).n_frames == 1

    def test_bytes_after_the_image_are_gone(self):
        # A JPEG with a ZIP archive behind it (a polyglot) is still a JPEG to Pillow.
        content = reencoded("foto.jpg", image_bytes("JPEG") + b"PK\x03\x04<?php evil(); ?>")
        assert b"PK\x03\x04" not in content and b"php" not in content

    def test_what_validate_image_refuses_is_refused_here_too(self):
        with pytest.raises(ValidationError):
            reencode(SimpleUploadedFile("foto.jpg", b"<svg onload=alert(1)>"))


@pytest.fixture
def release(make_release):
    return make_release()


def rendition_files(record, content_type):
    return [(item["width"], item["name"]) for item in record.get(content_type, [])]


@pytest.mark.django_db
class TestRenditions:
    def test_stored_original_has_no_exif_and_renditions_of_every_smaller_width(
            self, release, settings):
        image = ReleaseImage.objects.create(
            release=release, image=SimpleUploadedFile("foto.jpg", camera_jpeg((1000, 600))),
            alt_text="Podium", credit="Foto: SMR")
        image.refresh_from_db()
        content = stored(image.image)
        assert b"SN-4711" not in content and not opened(content).getexif()
        assert (image.width, image.height) == (1000, 600)
        stem = image.image.name.removesuffix(".jpg")
        assert image.renditions["source"] == image.image.name
        assert rendition_files(image.renditions, "image/webp") == [
            (480, f"{stem}-480w.webp"), (960, f"{stem}-960w.webp"), (1000, f"{stem}-1000w.webp")]
        assert rendition_files(image.renditions, "image/jpeg") == [
            (480, f"{stem}-480w.jpg"), (960, f"{stem}-960w.jpg")]
        for item in image.renditions["image/webp"] + image.renditions["image/jpeg"]:
            rendition = opened((Path(settings.MEDIA_ROOT) / item["name"]).read_bytes())
            assert rendition.size == (item["width"], item["height"])
            assert item["height"] == round(600 * item["width"] / 1000)
            assert not rendition.getexif()
        assert opened((Path(settings.MEDIA_ROOT) / f"{stem}-480w.webp").read_bytes()).format \
            == "WEBP"

    def test_image_wider_than_every_width_gets_all_three(self, release):
        image = ReleaseImage.objects.create(
            release=release, image=SimpleUploadedFile("foto.jpg", image_bytes(size=(2000, 100))),
            alt_text="Panorama", credit="Foto: SMR")
        assert [item["width"] for item in image.renditions["image/webp"]] == [480, 960, 1600, 2000]

    def test_image_narrower_than_every_width_gets_none(self, release):
        image = ReleaseImage.objects.create(
            release=release, image=SimpleUploadedFile("foto.jpg", image_bytes(size=(480, 300))),
            alt_text="Klein", credit="Foto: SMR")
        assert image.renditions == {"source": image.image.name}

    def test_image_with_transparency_falls_back_to_png(self, release):
        image = ReleaseImage.objects.create(
            release=release, image=SimpleUploadedFile(
                "logo.png", image_bytes("PNG", (1000, 500), "RGBA", (0, 84, 159, 0))),
            alt_text="Logo", credit="SMR")
        assert set(image.renditions) == {"source", "image/webp", "image/png"}
        assert image.renditions["image/png"][0]["name"].endswith("-480w.png")

    def test_renditions_are_made_again_when_the_image_changes(self, release, settings):
        image = ReleaseImage.objects.create(
            release=release, image=SimpleUploadedFile("foto.jpg", image_bytes(size=(1000, 600))),
            alt_text="Podium", credit="Foto: SMR")
        old_record = image.renditions
        image.image = SimpleUploadedFile("neu.png", image_bytes("PNG", (1200, 800)))
        image.save()
        image.refresh_from_db()
        assert image.renditions["source"] == image.image.name != old_record["source"]
        assert image.image.name.endswith(".png")
        assert [item["width"] for item in image.renditions["image/webp"]] == [480, 960, 1200]
        # The old files stay: an earlier revision of the release may be restored.
        assert all((Path(settings.MEDIA_ROOT) / item["name"]).exists()
                   for item in old_record["image/webp"])

    def test_row_restored_as_it_was_keeps_working_renditions(self, release, settings):
        image = ReleaseImage.objects.create(
            release=release, image=SimpleUploadedFile("foto.jpg", image_bytes(size=(1000, 600))),
            alt_text="Podium", credit="Foto: SMR")
        old_name, old_record = image.image.name, image.renditions
        image.image = SimpleUploadedFile("neu.jpg", image_bytes(size=(1200, 800)))
        image.save()
        # What django-reversion does when a revision is restored: the old row, saved raw.
        ReleaseImage.objects.filter(pk=image.pk).update(image=old_name, renditions=old_record)
        image.refresh_from_db()
        names = [old_name] + [item["name"] for item in image.renditions["image/jpeg"]]
        assert all((Path(settings.MEDIA_ROOT) / name).exists() for name in names)

    def test_saving_other_fields_leaves_the_files_alone(self, release, settings):
        image = ReleaseImage.objects.create(
            release=release, image=SimpleUploadedFile("foto.jpg", image_bytes(size=(1000, 600))),
            alt_text="Podium", credit="Foto: SMR")
        files = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
        record = image.renditions
        image.caption = "Eröffnung"
        image.save()
        assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == files
        assert image.renditions == record


class PictureParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        if tag in {"picture", "source", "img"}:
            self.elements.append((tag, dict(attrs)))


@pytest.mark.django_db
class TestPictureMarkup:
    def test_release_page_offers_webp_renditions_and_the_original_format_as_fallback(
            self, client, release):
        image = ReleaseImage.objects.create(
            release=release, image=SimpleUploadedFile("foto.jpg", image_bytes(size=(1000, 600))),
            alt_text="Staatsminister am Rednerpult", credit="Foto: SMR")
        parser = PictureParser()
        parser.feed(client.get(release.get_absolute_url()).content.decode())
        (_picture, _), (source_tag, source), (img_tag, img) = parser.elements[:3]
        assert (source_tag, img_tag) == ("source", "img")
        assert source["type"] == "image/webp"
        assert re.fullmatch(r"/media/\S+-480w\.webp 480w, /media/\S+-960w\.webp 960w, "
                            r"/media/\S+-1000w\.webp 1000w",
                            source["srcset"])
        assert img["src"] == image.image.url
        assert re.fullmatch(rf"/media/\S+-480w\.jpg 480w, /media/\S+-960w\.jpg 960w, "
                            rf"{re.escape(image.image.url)} 1000w", img["srcset"])
        assert source["sizes"] == img["sizes"] and "44rem" in img["sizes"]
        assert (img["width"], img["height"], img["alt"]) == (
            "1000", "600", "Staatsminister am Rednerpult")
        assert "loading" not in img

    def test_small_image_is_a_plain_img_in_a_picture(self, client, release):
        ReleaseImage.objects.create(
            release=release, image=SimpleUploadedFile("foto.png", image_bytes("PNG", (300, 200))),
            alt_text="Klein", credit="Foto: SMR")
        parser = PictureParser()
        parser.feed(client.get(release.get_absolute_url()).content.decode())
        tags = [tag for tag, _ in parser.elements]
        assert tags[:2] == ["picture", "img"]
        assert "srcset" not in parser.elements[1][1]

    def test_every_image_after_the_first_loads_lazily(self, client, release):
        for name in ("eins.jpg", "zwei.jpg"):
            ReleaseImage.objects.create(release=release, alt_text=name, credit="SMR",
                                        image=SimpleUploadedFile(name, image_bytes()))
        parser = PictureParser()
        parser.feed(client.get(release.get_absolute_url()).content.decode())
        images = [attrs for tag, attrs in parser.elements if tag == "img"]
        assert [image.get("loading") for image in images] == [None, "lazy"]


@pytest.mark.django_db
class TestOtherFiles:
    def test_attachment_size_is_recorded_on_save(self, release):
        content = b"%PDF-1.4\n" + b"x" * 5000 + b"\n%%EOF\n"
        attachment = ReleaseAttachment.objects.create(
            release=release, title="Programm", file=SimpleUploadedFile("programm.pdf", content))
        attachment.refresh_from_db()
        assert attachment.size == len(content)

    def test_portrait_is_stored_without_exif(self):
        person = Person.objects.create(
            given_name="Thomas", family_name="Schmidt", slug="thomas-schmidt",
            portrait=SimpleUploadedFile("schmidt.jpg", camera_jpeg()))
        content = stored(person.portrait)
        assert b"SN-4711" not in content and not opened(content).getexif()


def test_camera_jpeg_really_carries_gps_and_serial_number():
    """The test image the tests above rely on carries what they say is removed."""
    exif = opened(camera_jpeg()).getexif()
    assert exif.get_ifd(GPS_IFD)[1] == "N" and exif[SERIAL] == "SN-4711"
