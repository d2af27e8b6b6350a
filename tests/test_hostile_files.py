"""Hostile files posted through the real admin release form: refused at the field, nothing stored.

Each file goes in as an editor would send it, in the image inline or the
attachment inline of the release add form. It must come back as an error
on that field (never a 500), with no release, no image or attachment row
and no file in the media folder. What is accepted is stored under a
generated name, re-encoded without metadata and with renditions.
"""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart
from PIL import Image

from releases.models import Release, ReleaseAttachment, ReleaseImage
from tests.admin_helpers import (
    admin_url,
    image_inline,
    inline_errors,
    management_form,
    release_data,
    stored_files,
)

PASSWD = b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
WIN_INI = b"; for 16-bit app support\r\n[fonts]\r\n[extensions]\r\n[mci extensions]\r\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PHP = b"<?php system($_GET['cmd']); ?>"
SVG_SCRIPT = (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
              b'<script>alert(document.domain)</script><rect width="100" height="100"/></svg>')
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def image_bytes(image_format="PNG", size=(60, 40), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, (0, 84, 159) if mode == "RGB" else 1).save(buffer, image_format,
                                                                   **options)
    return buffer.getvalue()


def png_claiming(width, height):
    """A PNG of a few dozen bytes whose header claims ``width`` x ``height`` pixels."""
    data = bytearray(image_bytes("PNG", (1, 1), mode="1"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def gif_claiming(width, height):
    """A GIF whose logical screen is ``width`` x ``height`` with one tiny frame in it."""
    data = bytearray(image_bytes("GIF", (1, 1), mode="L"))
    data[6:10] = struct.pack("<HH", width, height)
    return bytes(data)


def jpeg_claiming(width, height):
    """A small JPEG whose frame header claims ``width`` x ``height`` pixels."""
    data = bytearray(image_bytes("JPEG", (16, 16)))
    start = data.index(b"\xff\xc0")
    data[start + 5:start + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def animated_gif(frames):
    pictures = [Image.new("L", (2, 2), 255 * (index % 2)) for index in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(buffer, "GIF", save_all=True, append_images=pictures[1:], duration=20)
    return buffer.getvalue()


def zip_bytes(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_with(**extra):
    return zip_bytes({"[Content_Types].xml": '<?xml version="1.0"?><Types/>',
                      "word/document.xml": '<?xml version="1.0"?><document/>', **extra})


def truncated(content, keep=0.5):
    return content[:int(len(content) * keep)]


# name, content, code(s) the image field reports (None: any error on the field)
HOSTILE_IMAGES = {
    "png-bomb-10-billion-pixels": ("bombe.png", png_claiming(100_000, 100_000),
                                   "too_many_pixels"),
    "png-over-the-pixel-limit": ("gross.png", png_claiming(8_000, 8_000), "too_many_pixels"),
    "gif-bomb": ("bombe.gif", gif_claiming(65_535, 65_535), "too_many_pixels"),
    # 49 megapixels: 147 MB once decoded, under Pillow's own limit but over the newsroom's.
    "jpeg-claiming-147-mb": ("foto.jpg", jpeg_claiming(7_000, 7_000), "too_many_pixels"),
    "svg-with-script": ("grafik.svg", SVG_SCRIPT, None),
    "svg-with-script-named-png": ("grafik.png", SVG_SCRIPT, "invalid_image"),
    "html-named-jpg": ("foto.jpg", HTML, "invalid_image"),
    "gif-javascript-polyglot": ("foto.gif", b"GIF89a=1;/*\x00\x00*/alert(document.cookie)//;",
                                "invalid_image"),
    "zero-bytes": ("leer.jpg", b"", None),
    "truncated-png": ("foto.png", truncated(image_bytes("PNG", (300, 200))), "invalid_image"),
    "truncated-jpeg": ("foto.jpg", truncated(image_bytes("JPEG", (400, 300))),
                       "invalid_image"),
    "php-named-jpg-php": ("shell.jpg.php", PHP, None),
    "php-named-php-jpg": ("shell.php.jpg", PHP, "invalid_image"),
    "path-traversal-name": ("../../etc/passwd.jpg", PASSWD, "invalid_image"),
    "control-characters-in-name": ("foto\x07\x1b[31m.jpg", HTML, "invalid_image"),
    # Django's FileField refuses names over 100 characters before the content is read.
    "300-character-name": ("a" * 296 + ".jpg", HTML, "max_length"),
    "animated-gif-with-2000-frames": ("animation.gif", animated_gif(2000), "too_many_frames"),
    "tiff-named-png": ("foto.png", image_bytes("TIFF"), "image_format"),
    "bmp": ("foto.bmp", image_bytes("BMP"), "image_format"),
    "jpeg-named-exe": ("foto.exe", image_bytes("JPEG"), "image_format"),
}

HOSTILE_ATTACHMENTS = {
    "exe-named-pdf": ("programm.pdf", EXE, "attachment_content"),
    "pdf-html-polyglot": ("programm.pdf",
                          b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n",
                          "attachment_content"),
    "jpeg-zip-polyglot-named-docx": ("programm.docx", image_bytes("JPEG") + docx_with(),
                                     "attachment_content"),
    "zip-without-document-named-docx": (
        "programm.docx", zip_bytes({"evil.sh": "rm -rf /", "[Content_Types].xml": ""}),
        "attachment_content"),
    "docx-bomb-60-mb": ("programm.docx", docx_with(**{"word/media/bomb.bin": b"\0" * 60_000_000}),
                        "attachment_bomb"),
    "docx-ratio-bomb": ("programm.docx", docx_with(**{"word/media/bomb.bin": b"\0" * 5_000_000}),
                        "attachment_bomb"),
    "php-attachment": ("shell.php", PHP, "attachment_type"),
    "html-named-csv": ("liste.csv", HTML, "attachment_content"),
    "zero-byte-pdf": ("leer.pdf", b"", None),
    "truncated-pdf": ("programm.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
                      "attachment_content"),
    "backslash-traversal-name": ("..\\..\\win.ini.pdf", WIN_INI, "attachment_content"),
}


@pytest.fixture
def editor_client(client, db):
    user = User.objects.create_user("redakteurin", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="releases"))
    client.force_login(user)
    return client


def attachment_inline(upload, title="Programm der Werkstatt"):
    return {**management_form("attachments", total=1), "attachments-0-file": upload,
            "attachments-0-title": title, "attachments-0-order": "0"}


def post_release(client, organisation, **inline):
    return client.post(admin_url(Release, "add"), release_data(organisation, **inline))


def field_errors(response, prefix, field):
    errors = inline_errors(response, prefix)[0]
    assert field in errors, errors
    return [error.code for error in errors[field].as_data()]


def assert_nothing_stored(settings):
    assert not Release.objects.exists()
    assert not ReleaseImage.objects.exists() and not ReleaseAttachment.objects.exists()
    assert stored_files(settings) == []


class TestHostileImages:
    @pytest.mark.parametrize(("name", "content", "code"), HOSTILE_IMAGES.values(),
                             ids=HOSTILE_IMAGES.keys())
    def test_is_refused_at_the_image_field_and_nothing_is_stored(
            self, editor_client, organisation, settings, name, content, code):
        response = post_release(editor_client, organisation,
                                **image_inline(SimpleUploadedFile(name, content)))
        assert response.status_code == 200
        codes = field_errors(response, "images", "image")
        if code:
            assert code in codes
        # What the editor typed is still there.
        assert "Staatsminister Schmidt am Rednerpult" in response.content.decode()
        assert_nothing_stored(settings)


    def test_an_image_of_too_many_pixels_is_called_that_with_the_limit(
            self, editor_client, organisation):
        response = post_release(editor_client, organisation, **image_inline(
            SimpleUploadedFile("gross.png", png_claiming(20_000, 20_000))))
        assert ("Das Bild hat zu viele Pixel: höchstens 40 Megapixel sind erlaubt."
                in response.content.decode())


class TestHostileAttachments:
    @pytest.mark.parametrize(("name", "content", "code"), HOSTILE_ATTACHMENTS.values(),
                             ids=HOSTILE_ATTACHMENTS.keys())
    def test_is_refused_at_the_file_field_and_nothing_is_stored(
            self, editor_client, organisation, settings, name, content, code):
        response = post_release(editor_client, organisation,
                                **attachment_inline(SimpleUploadedFile(name, content)))
        assert response.status_code == 200
        codes = field_errors(response, "attachments", "file")
        if code:
            assert code in codes
        assert "Programm der Werkstatt" in response.content.decode()
        assert_nothing_stored(settings)


BOUNDARY = "hostile-boundary-4711"


def raw_post(client, organisation, field, filename, content, **inline):
    """Post the form with a file part written by hand: names no test client would send."""
    data = release_data(organisation, **inline)
    body = encode_multipart(BOUNDARY, data).removesuffix(f"--{BOUNDARY}--\r\n".encode())
    body += (f"--{BOUNDARY}\r\n".encode()
             + f'Content-Disposition: form-data; name="{field}"; filename="'.encode()
             + filename + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
             + content + f"\r\n--{BOUNDARY}--\r\n".encode())
    return client.post(admin_url(Release, "add"), body,
                       content_type=f"multipart/form-data; boundary={BOUNDARY}")


# Names a browser would not send; Django's multipart parser drops the folder part and
# ignores a file without a name, which leaves the field empty: "This field is required".
RAW_NAMES = {
    "only-a-dot": b".",
    "two-dots": b"..",
    "empty": b"",
    "nul-in-name": b"foto.php\x00.jpg",
    "traversal-to-a-folder": b"../../../",
    "carriage-return-and-line-feed": b"foto.jpg\r\nContent-Type: text/html",
}


class TestNamesNoBrowserSends:
    @pytest.mark.parametrize("filename", RAW_NAMES.values(), ids=RAW_NAMES.keys())
    def test_image_is_refused_and_nothing_is_stored(self, editor_client, organisation,
                                                    settings, filename):
        inline = image_inline("")
        inline.pop("images-0-image")
        response = raw_post(editor_client, organisation, "images-0-image", filename, HTML,
                            **inline)
        assert response.status_code == 200
        assert field_errors(response, "images", "image")
        assert_nothing_stored(settings)

    @pytest.mark.parametrize("filename", RAW_NAMES.values(), ids=RAW_NAMES.keys())
    def test_attachment_is_refused_and_nothing_is_stored(self, editor_client, organisation,
                                                         settings, filename):
        inline = attachment_inline("")
        inline.pop("attachments-0-file")
        response = raw_post(editor_client, organisation, "attachments-0-file", filename, EXE,
                            **inline)
        assert response.status_code == 200
        assert field_errors(response, "attachments", "file")
        assert_nothing_stored(settings)


def gps_jpeg(size=(1200, 800)):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 3.0, 0.0), 3: "E", 4: (13.0, 44.0, 0.0)}
    exif[0xA431] = "SN-4711"
    return image_bytes("JPEG", size, exif=exif.tobytes())


class TestAcceptedFiles:
    def test_photo_with_gps_is_stored_re_encoded_without_exif_and_with_renditions(
            self, editor_client, organisation, settings):
        content = gps_jpeg()
        assert Image.open(io.BytesIO(content)).getexif().get_ifd(0x8825)
        response = post_release(editor_client, organisation,
                                **image_inline(SimpleUploadedFile("foto.jpg", content)))
        assert response.status_code == 302
        image = ReleaseImage.objects.get()
        stored = (Path(settings.MEDIA_ROOT) / image.image.name).read_bytes()
        assert b"SN-4711" not in stored
        assert not Image.open(io.BytesIO(stored)).getexif()
        assert [item["width"] for item in image.renditions["image/webp"]] == [480, 960, 1200]
        assert [item["width"] for item in image.renditions["image/jpeg"]] == [480, 960]
        assert len(stored_files(settings)) == 6

    @pytest.mark.parametrize("name", [
        "../../etc/passwd.jpg", "..\\..\\win.ini.jpg", "a" * 96 + ".jpg", "foto\x07\x1b.jpg",
        "Straße in Görlitz.jpg",
    ], ids=["traversal", "backslash-traversal", "100-characters", "control-characters",
            "umlauts"])
    def test_image_under_a_hostile_name_is_stored_under_a_generated_name_in_the_media_folder(
            self, editor_client, organisation, settings, name):
        response = post_release(editor_client, organisation,
                                **image_inline(SimpleUploadedFile(name, image_bytes("JPEG"))))
        assert response.status_code == 302
        image = ReleaseImage.objects.get()
        assert image.image.name.startswith("images/") and image.image.name.endswith(".jpg")
        assert len(Path(image.image.name).name) == len("0123456789abcdef0123456789abcdef.jpg")
        root = Path(settings.MEDIA_ROOT).resolve()
        assert all(path.resolve().is_relative_to(root) for path in stored_files(settings))

    def test_cmyk_jpeg_is_accepted_and_stored_as_rgb(self, editor_client, organisation,
                                                     settings):
        upload = SimpleUploadedFile("druck.jpg", image_bytes("JPEG", mode="CMYK"))
        assert post_release(editor_client, organisation, **image_inline(upload)).status_code \
            == 302
        image = ReleaseImage.objects.get()
        assert Image.open(image.image.path).mode == "RGB"

    def test_jpeg_with_a_zip_behind_it_is_stored_without_the_zip(self, editor_client,
                                                                 organisation, settings):
        upload = SimpleUploadedFile("foto.jpg", image_bytes("JPEG") + docx_with())
        assert post_release(editor_client, organisation, **image_inline(upload)).status_code \
            == 302
        stored = Path(ReleaseImage.objects.get().image.path).read_bytes()
        assert b"PK\x03\x04" not in stored

    def test_png_named_jpg_is_stored_as_png(self, editor_client, organisation):
        upload = SimpleUploadedFile("foto.jpg", image_bytes("PNG"))
        assert post_release(editor_client, organisation, **image_inline(upload)).status_code \
            == 302
        assert ReleaseImage.objects.get().image.name.endswith(".png")

    def test_docx_with_ordinary_compression_is_accepted_and_its_size_recorded(
            self, editor_client, organisation):
        content = docx_with(**{"word/styles.xml": "<w:styles/>" * 50_000})
        response = post_release(editor_client, organisation,
                                **attachment_inline(SimpleUploadedFile("programm.docx", content)))
        assert response.status_code == 302
        assert ReleaseAttachment.objects.get().size == len(content)
