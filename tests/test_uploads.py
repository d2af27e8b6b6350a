"""Uploads are judged by their content, not their names: releases.uploads."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from releases.uploads import validate_attachment, validate_image

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>1</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def image_bytes(image_format, size=(60, 40), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else (0, 84, 159)).save(buffer, image_format)
    return buffer.getvalue()


def png_claiming_size(width, height):
    """A PNG of a few dozen bytes whose header claims ``width`` x ``height`` pixels."""
    data = bytearray(image_bytes("PNG", (1, 1), mode="1"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def docx_bytes():
    try:
        import docx
    except ImportError:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
            archive.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
        return buffer.getvalue()
    document = docx.Document()
    document.add_paragraph("Programm der simul+Werkstatt in Kattowitz")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def rejection_code(validator, file):
    with pytest.raises(ValidationError) as excinfo:
        validator(file)
    return excinfo.value.code


class TestValidateImage:
    @pytest.mark.parametrize(("name", "image_format"), [
        ("foto.jpg", "JPEG"), ("foto.png", "PNG"), ("foto.webp", "WEBP"), ("foto.gif", "GIF"),
    ])
    def test_readable_image_in_an_offered_format_is_accepted(self, name, image_format):
        validate_image(upload(name, image_bytes(image_format)))

    def test_accepted_image_is_left_readable_from_the_start(self):
        file = upload("foto.png", image_bytes("PNG"))
        validate_image(file)
        assert file.read() == image_bytes("PNG")

    @pytest.mark.parametrize(("name", "content"), [
        ("foto.svg", SVG),
        ("foto.jpg", SVG),
        ("foto.jpg", HTML),
        ("foto.jpg", b"Dies ist ein Text.\n"),
        ("foto.jpg", b""),
        ("foto.png", image_bytes("PNG", (300, 200))[:400]),
        ("foto.png", image_bytes("PNG")[:60]),
    ], ids=["svg", "svg-as-jpg", "html-as-jpg", "text-as-jpg", "zero-bytes", "truncated-png",
            "png-header-only"])
    def test_non_image_or_damaged_image_is_rejected(self, name, content):
        assert rejection_code(validate_image, upload(name, content)) == "invalid_image"

    def test_truncated_jpeg_is_rejected(self):
        content = image_bytes("JPEG", (400, 300))
        assert rejection_code(validate_image, upload("foto.jpg", content[:len(content) // 2])) \
            == "invalid_image"

    @pytest.mark.parametrize("image_format", ["BMP", "TIFF", "PPM"])
    def test_readable_image_in_another_format_is_rejected(self, image_format):
        file = upload("foto.jpg", image_bytes(image_format))
        assert rejection_code(validate_image, file) == "image_format"

    def test_image_over_the_pixel_setting_is_rejected(self, settings):
        settings.MAX_IMAGE_PIXELS = 60 * 40 - 1
        assert rejection_code(validate_image, upload("foto.png", image_bytes("PNG"))) == (
            "too_many_pixels")

    def test_image_exactly_at_the_pixel_setting_is_accepted(self, settings):
        settings.MAX_IMAGE_PIXELS = 60 * 40
        validate_image(upload("foto.png", image_bytes("PNG")))

    def test_tiny_file_claiming_more_pixels_than_the_setting_is_rejected(self, settings):
        # 8000 x 8000 is under Pillow's own bomb limit but over the newsroom's 40 million.
        settings.MAX_IMAGE_PIXELS = 40_000_000
        content = png_claiming_size(8000, 8000)
        assert len(content) < 100
        assert rejection_code(validate_image, upload("foto.png", content)) == "too_many_pixels"

    def test_tiny_file_claiming_billions_of_pixels_is_rejected(self):
        content = png_claiming_size(100_000, 100_000)
        assert rejection_code(validate_image, upload("foto.png", content)) == "too_many_pixels"

    def test_file_over_the_size_setting_is_rejected(self, settings):
        content = image_bytes("PNG")
        settings.MAX_IMAGE_UPLOAD_BYTES = len(content) - 1
        assert rejection_code(validate_image, upload("foto.png", content)) == "too_large"


class TestValidateAttachment:
    @pytest.mark.parametrize(("name", "content"), [
        ("programm.pdf", PDF),
        ("programm.PDF", PDF),
        ("programm.docx", docx_bytes()),
        ("teilnehmer.csv", "Name;Ort\nMężyk;Gliwice\nHorn;Dresden\n".encode()),
        ("teilnehmer.csv", "Name;Ort\nMüller;Görlitz\n".encode("latin-1")),
    ], ids=["pdf", "pdf-upper-case-suffix", "docx", "csv-utf8", "csv-latin1"])
    def test_document_whose_content_matches_its_name_is_accepted(self, name, content):
        validate_attachment(upload(name, content))

    @pytest.mark.parametrize(("name", "content", "code"), [
        ("programm.docx", PDF, "attachment_content"),
        ("programm.pdf", docx_bytes(), "attachment_content"),
        ("programm.pdf", HTML, "attachment_content"),
        ("programm.pdf", b"", "empty"),
        ("teilnehmer.csv", b"", "empty"),
        ("programm.docx", b"PK\x03\x04 not really a zip", "attachment_content"),
        ("programm.xlsx", docx_bytes(), "attachment_content"),
        ("teilnehmer.csv", b"MZ\x90\x00\x03\x00\x00\x00", "attachment_content"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", "attachment_type"),
        ("programm.pdf.exe", PDF, "attachment_type"),
        ("grafik.svg", SVG, "attachment_type"),
        ("programm", PDF, "attachment_type"),
    ], ids=["pdf-as-docx", "docx-as-pdf", "html-as-pdf", "zero-byte-pdf", "zero-byte-csv",
            "broken-zip-as-docx",
            "docx-as-xlsx", "binary-as-csv", "exe", "pdf-with-exe-suffix", "svg", "no-suffix"])
    def test_document_that_is_not_what_its_name_says_is_rejected(self, name, content, code):
        assert rejection_code(validate_attachment, upload(name, content)) == code

    def test_file_over_the_size_setting_is_rejected(self, settings):
        settings.MAX_ATTACHMENT_BYTES = len(PDF) - 1
        assert rejection_code(validate_attachment, upload("programm.pdf", PDF)) == "too_large"
