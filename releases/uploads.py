"""Validation of uploaded files by their content, not by their names."""

import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".csv": "text/csv",
}


def generated_name(prefix, filename):
    """Uploads are stored under random names: nothing of the uploader's name reaches a path."""
    suffix = Path(filename).suffix.lower()
    if not suffix.isascii() or not suffix[1:].isalnum() or len(suffix) > 6:
        suffix = ""
    return f"{prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def _check_size(upload, limit):
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). At most %(limit)s are allowed.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large")


def _already_stored(upload):
    """A file that is already in storage was checked when it was uploaded.

    Re-reading it on every save would be slow on object storage and turn a
    file missing from storage into a crash.
    """
    return getattr(upload, "_committed", False) and getattr(upload, "name", None)


def _invalid_image():
    return ValidationError(
        _("The file is not an image or it is damaged. Please upload a JPEG, PNG, WebP or "
          "GIF file."), code="invalid_image")


def validate_image(upload):
    """Accept JPEG, PNG, WebP and GIF that Pillow can decode, within size and pixel limits."""
    if _already_stored(upload):
        return
    _check_size(upload, settings.MAX_IMAGE_UPLOAD_BYTES)
    if not upload.size:
        raise _invalid_image()
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            # Format and size come from the header: check them before decoding anything.
            if image.format not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(
                    _("Images must be JPEG, PNG, WebP or GIF files."), code="image_format")
            width, height = image.size
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image has too many pixels."),
                                      code="too_many_pixels")
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # verify() does not decode JPEG data; a cut-off file fails here
    except Image.DecompressionBombError as error:
        raise ValidationError(_("The image has too many pixels."),
                              code="too_many_pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise _invalid_image() from error
    finally:
        upload.seek(position)


def _sniff_attachment(suffix, head, upload):
    if suffix == ".pdf":
        return head.startswith(b"%PDF-")
    if suffix == ".csv":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A cut in the middle of a multibyte sequence is fine; anything else is not text.
            return error.start >= len(head) - 3 or _is_latin1_text(head)
        return True
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if suffix == ".odt":
                return archive.read("mimetype") == ATTACHMENT_TYPES[".odt"].encode()
            expected = "word/document.xml" if suffix == ".docx" else "xl/workbook.xml"
            return "[Content_Types].xml" in names and expected in names
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def _is_latin1_text(head):
    return all(byte >= 0x20 or byte in b"\t\r\n" for byte in head)


def validate_attachment(upload):
    """Accept PDF, DOCX, ODT, XLSX and CSV whose content matches their name."""
    if _already_stored(upload):
        return
    _check_size(upload, settings.MAX_ATTACHMENT_BYTES)
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("Only PDF, DOCX, ODT, XLSX and CSV files can be attached."), code="attachment_type")
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        head = upload.read(2048)
        matches = _sniff_attachment(suffix, head, upload)
    finally:
        upload.seek(position)
    if not matches:
        raise ValidationError(
            _("The content of the file does not match its type %(type)s.")
            % {"type": suffix.lstrip(".").upper()}, code="attachment_content")
