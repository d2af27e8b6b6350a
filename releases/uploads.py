"""Validation of uploaded files by their content, not by their names.

Images are opened with Pillow under byte, pixel and frame limits before
anything is decoded (``open_image``, also used by releases.images to
re-encode them); attachments are sniffed against their suffix, and office
documents are checked as ZIP containers before anything is unpacked. SVG is
a document that can carry script, not a picture: it is accepted only as a
logo (``validate_logo``), after releases.svg found nothing in it that could
run or load anything.
"""

import re
import struct
import uuid
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .svg import MAX_SVG_BYTES, check_svg

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Suffix of the stored file and the Content-Type it is served with, by format.
IMAGE_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".webp": "image/webp", ".gif": "image/gif"}
# Logos are stored in a folder of their own: only there is an SVG served.
LOGO_FOLDER = "logos"
LOGO_TYPES = {".svg": "image/svg+xml"}
# The sign-language video and its captions (BITV 2.0 § 4), shown inline.
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}
CAPTIONS_TYPES = {".vtt": "text/vtt; charset=utf-8"}
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".csv": "text/csv",
}
# Office documents are ZIP containers: what they may unpack to. The DOCX importer
# (exchange/importers/word.py) applies the same limits.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_UNPACK_RATIO = 100
MAX_ZIP_MEMBERS = 2000
# Small members (styles, settings) may compress very well without being a danger.
RATIO_CHECK_FROM_BYTES = 1024 * 1024
# Markup that a browser sniffing content would take for a web page (after the WHATWG
# MIME Sniffing signatures; old browsers looked anywhere in the first bytes, not just at
# the start). One-letter tags are left out: "<a>" may be a hex string in a PDF.
_HTML_SIGNATURE = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|svg|title|style|div|table|font|img|"
    rb"h1|!--)[\s>/]", re.IGNORECASE)


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


def too_many_pixels():
    return ValidationError(
        _("The image has too many pixels: at most %(limit)d megapixels are allowed.")
        % {"limit": settings.MAX_IMAGE_PIXELS // 1_000_000}, code="too_many_pixels")


@contextmanager
def open_image(upload):
    """Pillow's image of ``upload``, checked; every problem is a ValidationError.

    Format, size and frame count come from the headers and are checked before
    any pixel is decoded; then the first frame is decoded in full (``verify``
    does not decode JPEG data, so a cut-off file only fails on ``load``).
    """
    _check_size(upload, settings.MAX_IMAGE_UPLOAD_BYTES)
    if not upload.size:
        raise _invalid_image()
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            _check_header(image)
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            yield image
    except Image.DecompressionBombError as error:
        raise too_many_pixels() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            struct.error) as error:
        raise _invalid_image() from error


def _check_header(image):
    if image.format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Images must be JPEG, PNG, WebP or GIF files."), code="image_format")
    width, height = image.size
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise too_many_pixels()
    # Only the first frame is kept (releases.images), but counting thousands of
    # frames is work too: an animation is refused beyond the limit.
    frames = getattr(image, "n_frames", 1)
    if frames > settings.MAX_IMAGE_FRAMES:
        raise ValidationError(
            _("The image has too many frames (%(count)d). At most %(limit)d are allowed.")
            % {"count": frames, "limit": settings.MAX_IMAGE_FRAMES}, code="too_many_frames")


def validate_image_suffix(upload):
    """The name of an image ends as one of the formats this site takes: its suffix
    decides the type it is served as."""
    if Path(upload.name or "").suffix.lower() not in IMAGE_TYPES:
        raise ValidationError(_("Images must be JPEG, PNG, WebP or GIF files."),
                              code="image_format")


def validate_image(upload):
    """Accept JPEG, PNG, WebP and GIF that Pillow can decode, within size and pixel limits."""
    if _already_stored(upload):
        return
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        with open_image(upload):
            pass
    finally:
        upload.seek(position)


def is_svg(upload):
    """Whether ``upload`` is written as XML (an SVG, if anything): it starts with "<"."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        head = upload.read(512)
    finally:
        upload.seek(position)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def validate_logo(upload):
    """Accept a PNG that Pillow can decode within the image limits, or a safe SVG."""
    if _already_stored(upload):
        return
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        if is_svg(upload):
            upload.seek(0)
            check_svg(upload.read(MAX_SVG_BYTES + 1))
            return
        try:
            with open_image(upload) as image:
                if image.format != "PNG":
                    raise _not_a_logo()
        except ValidationError as error:
            if error.code in {"invalid_image", "image_format"}:
                raise _not_a_logo() from error
            raise
    finally:
        upload.seek(position)


def _not_a_logo():
    return ValidationError(_("A logo must be a PNG or SVG file."), code="logo_format")


def _sniff_attachment(suffix, head, upload):
    if suffix in {".pdf", ".csv"} and _HTML_SIGNATURE.search(head[:1024]):
        # A browser that ignores Content-Type would take it for a web page.
        return False
    if suffix == ".pdf":
        return head.startswith(b"%PDF-") and _ends_like_pdf(upload)
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
            _check_container(archive)
            names = set(archive.namelist())
            if suffix == ".odt":
                return ("mimetype" in names
                        and archive.read("mimetype") == ATTACHMENT_TYPES[".odt"].encode())
            expected = "word/document.xml" if suffix == ".docx" else "xl/workbook.xml"
            return "[Content_Types].xml" in names and expected in names
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, RuntimeError):
        return False


def _ends_like_pdf(upload):
    """A PDF ends with %%EOF (and maybe a line break); a cut-off upload does not."""
    upload.seek(max(0, upload.size - 1024))
    return b"%%EOF" in upload.read()


def _check_container(archive):
    """Refuse a ZIP container that would unpack to too much (a decompression bomb).

    The sizes are the ones the archive declares; Python's zipfile never
    unpacks more than a member declares, so they bound what reading costs.
    """
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or total > MAX_UNPACKED_BYTES or any(
            member.file_size >= RATIO_CHECK_FROM_BYTES
            and member.file_size > MAX_UNPACK_RATIO * max(member.compress_size, 1)
            for member in members):
        raise ValidationError(
            _("The document would unpack to too much data (more than %(limit)s or more than "
              "%(ratio)d times its size). Please save it again without embedded files.")
            % {"limit": filesizeformat(MAX_UNPACKED_BYTES), "ratio": MAX_UNPACK_RATIO},
            code="attachment_bomb")


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


# MP4 brands of QuickTime files, which browsers other than Safari do not play.
_QUICKTIME_BRANDS = {b"qt  "}
# The DocType element (ID 0x4282), its size in one to eight bytes, then "webm".
_WEBM_DOCTYPE = re.compile(rb"\x42\x82[\x01-\xff][\x00-\xff]{0,7}?webm")
_WEBVTT_SIGNATURE = re.compile(rb"\A(?:\xef\xbb\xbf)?WEBVTT(?:[ \t\r\n]|\Z)")


def _is_video(suffix, head):
    if suffix == ".mp4":
        # An ISO media file begins with its "ftyp" box: size, "ftyp", major brand.
        return head[4:8] == b"ftyp" and head[8:12] not in _QUICKTIME_BRANDS
    # WebM is Matroska (an EBML header) whose DocType says "webm".
    return head.startswith(b"\x1a\x45\xdf\xa3") and _WEBM_DOCTYPE.search(head) is not None


def validate_video(upload):
    """Accept MP4 and WebM files whose content matches their name, within the size limit."""
    if _already_stored(upload):
        return
    _check_size(upload, settings.MAX_VIDEO_BYTES)
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in VIDEO_TYPES:
        raise ValidationError(_("Videos must be MP4 or WebM files."), code="video_type")
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        head = upload.read(64)
    finally:
        upload.seek(position)
    if not _is_video(suffix, head):
        raise ValidationError(
            _("The content of the file does not match its type %(type)s.")
            % {"type": suffix.lstrip(".").upper()}, code="video_content")


def validate_captions(upload):
    """Accept WebVTT captions: UTF-8 text that begins with the WEBVTT signature."""
    if _already_stored(upload):
        return
    _check_size(upload, settings.MAX_CAPTIONS_BYTES)
    if Path(upload.name or "").suffix.lower() not in CAPTIONS_TYPES:
        raise ValidationError(_("Captions must be a WebVTT file (.vtt)."), code="captions_type")
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        content = upload.read()
    finally:
        upload.seek(position)
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        content = b""
    if not _WEBVTT_SIGNATURE.match(content) or b"\x00" in content:
        raise ValidationError(
            _("The captions are not a WebVTT file: it must be UTF-8 text that begins with "
              "“WEBVTT”."), code="captions_content")
