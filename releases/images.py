"""Images as they are stored and shown: re-encoded originals and their renditions.

An upload is decoded under the limits of ``uploads.open_image``, turned upright
by its EXIF orientation and encoded again in its own format. Whatever a camera
or an editing program wrote besides the pixels (EXIF with the GPS position and
the camera's serial number, XMP, comments, thumbnails, text chunks, bytes
appended after the image) does not survive; a colour profile does, except
that CMYK becomes sRGB. Credit and licence are fields of the release image,
not metadata. Animations keep their first frame: a press photo is a still.
Logos (``stored_logo``) are PNG, re-encoded so, or SVG, stored as checked.

Renditions are scaled copies for ``srcset``, made from the stored original:
every width of ``RENDITION_WIDTHS`` narrower than the original, as WebP and
as JPEG (PNG for images with transparency). A format the original is not in
gets one more, as wide as the original (``full_width``): a browser takes
the first <source> whose type it knows and chooses in its srcset only, so
from a WebP source that stopped at 960w it would upscale the 960w file to
show a 1200 pixel image. The original is the widest candidate of its own format (for a
JPEG, PNG or GIF the <img> srcset's, which takes any format). An image no
wider than the narrowest width has no renditions: it is shown as it is.
WebP stops at 16383 pixels a side; a WebP rendition beyond that is left
out, and the page then offers no WebP (``release_images.picture``).

They are stored through the original's storage next to it
(``<name>-480w.webp``) and recorded in a dict, narrowest first:

    {"source": "images/2026/05/abc.jpg",
     "image/webp": [{"width": 480, "height": 320, "name": "images/2026/05/abc-480w.webp"},
                    {"width": 800, "height": 533, "name": "images/2026/05/abc-800w.webp"}],
     "image/jpeg": [{"width": 480, "height": 320, "name": "images/2026/05/abc-480w.jpg"}]}

``source`` names the original they were made from: when the image changes,
they no longer match and are made again. Files are never deleted here.
Records made before the full-width rendition existed lack it; a rebuild
(``rebuild_renditions``) adds what is missing and keeps the rest.
"""

import io
import logging
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageOps

from .uploads import IMAGE_SUFFIXES, is_svg, open_image, validate_logo

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (480, 960, 1600)
# The widest rendition made for an original of any width. No page shows an image wider
# than 58rem (the release column just below 60rem, site.css): 928 CSS pixels, 2784 at
# three device pixels per px. Encoding a 40-megapixel WebP would cost seconds on upload
# for pixels no screen asks for; the original stays the widest candidate of the <img>.
FULL_WIDTH_LIMIT = 3200
WEBP_MAX_SIDE = 16383
WEBP = "image/webp"
JPEG = "image/jpeg"
PNG = "image/png"
_ENCODERS = {
    # content type: (Pillow format, suffix, options)
    WEBP: ("WEBP", ".webp", {"quality": 82, "method": 4}),
    JPEG: ("JPEG", ".jpg", {"quality": 85, "optimize": True, "progressive": True}),
    PNG: ("PNG", ".png", {"optimize": True}),
}
# The content type of a stored original, by Pillow's format (GIF has no renditions of its own).
_CONTENT_TYPES = {"WEBP": WEBP, "JPEG": JPEG, "PNG": PNG}
_ORIGINAL_OPTIONS = {
    "JPEG": {"quality": 88, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 88, "method": 4},
    "GIF": {"optimize": True},
}
# Modes each format can store as they are; anything else is converted first.
_MODES = {
    "JPEG": {"L", "RGB"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA", "I;16", "I"},
    "WEBP": {"RGB", "RGBA"},
    "GIF": {"L", "P"},
}


def reencode(upload):
    """``upload`` decoded and encoded again in its format, without metadata: a ContentFile.

    Raises ValidationError for anything ``uploads.validate_image`` refuses. The
    name's suffix is that of the format, whatever the upload was called.
    """
    with open_image(upload) as image:
        image_format = image.format
        icc_profile = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        transparency = upright.info.get("transparency")
    if upright.mode == "CMYK":
        upright, icc_profile = _to_srgb(upright, icc_profile), None
    if upright.mode not in _MODES[image_format]:
        upright = upright.convert("RGBA" if _has_transparency(upright) else "RGB")
        transparency = None
    # Nothing of the original's info (EXIF, XMP, comments) may be written again.
    upright.info = {}
    options = dict(_ORIGINAL_OPTIONS[image_format])
    if icc_profile:
        options["icc_profile"] = icc_profile
    if transparency is not None and upright.mode in {"P", "L", "RGB"}:
        options["transparency"] = transparency
    buffer = io.BytesIO()
    upright.save(buffer, image_format, **options)
    return ContentFile(buffer.getvalue(), name=f"image{IMAGE_SUFFIXES[image_format]}")


def stored_logo(upload):
    """A logo as it is stored: an SVG as uploaded, a PNG re-encoded; a ContentFile.

    Checked first (``uploads.validate_logo``) whichever way it came, so that no
    form, import or command can store an SVG that was not checked. The name's
    suffix is that of the content.
    """
    validate_logo(upload)
    if is_svg(upload):
        upload.seek(0)
        return ContentFile(upload.read(), name="logo.svg")
    return reencode(upload)


def full_width(width):
    """How wide the widest candidate of each format offered must be for an image ``width`` wide."""
    return min(width, FULL_WIDTH_LIMIT)


def make_renditions(field_file, previous=None):
    """Make and store the renditions of the stored image ``field_file``; return their record.

    Items of ``previous``, a record made from the same file, whose files still exist
    are kept rather than made again: a rebuild makes only what is missing.
    """
    storage = field_file.storage
    record = {"source": field_file.name}
    field_file.open("rb")
    try:
        with open_image(field_file) as image:
            icc_profile = image.info.get("icc_profile")
            original_type = _CONTENT_TYPES.get(image.format)
            width, height = image.size
            widths = [w for w in RENDITION_WIDTHS if w < width]
            if not widths:
                return record
            transparent = _has_transparency(image)
            if image.mode == "CMYK":
                source, icc_profile = _to_srgb(image, icc_profile), None
            else:
                source = image.convert("RGBA" if transparent else "RGB")
    finally:
        field_file.close()
    fallback = PNG if transparent else JPEG
    if previous and previous.get("source") == field_file.name:
        kept = {(content_type, item["width"]): item
                for content_type in (WEBP, fallback) for item in previous.get(content_type, [])
                if storage.exists(item["name"])}
    else:
        kept = {}
    stem = str(PurePosixPath(field_file.name).with_suffix(""))
    for content_type in (WEBP, fallback):
        pillow_format, suffix, options = _ENCODERS[content_type]
        if icc_profile:
            options = {**options, "icc_profile": icc_profile}
        # The <img> srcset ends with the original unless it is WebP; the WebP source
        # ends with it if it is.
        full = (content_type == WEBP) != (original_type == WEBP)
        record[content_type] = []
        for rendition_width in widths + ([full_width(width)] if full else []):
            size = (rendition_width, max(1, round(height * rendition_width / width)))
            if content_type == WEBP and max(size) > WEBP_MAX_SIDE:
                continue
            if (content_type, rendition_width) in kept:
                record[content_type].append(kept[content_type, rendition_width])
                continue
            if size == source.size:
                scaled = source
            else:
                scaled = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            buffer = io.BytesIO()
            scaled.save(buffer, pillow_format, **options)
            name = storage.save(f"{stem}-{rendition_width}w{suffix}",
                                ContentFile(buffer.getvalue()))
            record[content_type].append({"width": size[0], "height": size[1], "name": name})
    return record


def rebuild_renditions(images):
    """Give each ReleaseImage of the queryset ``images`` the renditions it lacks.

    For rows whose renditions were made by an earlier version of ``make_renditions``
    (without the full-width WebP, say): what exists is kept, what is missing made.
    Rows are updated, not saved, so nothing else about them changes. A row whose
    file is missing or unreadable is logged and left as it is. Returns how many rows
    changed.
    """
    changed = 0
    for image in images.exclude(image="").iterator():
        try:
            record = make_renditions(image.image, image.renditions)
        except (OSError, ValidationError) as error:
            logger.warning("renditions of image %s (%s) not rebuilt: %s",
                           image.pk, image.image.name, error)
            continue
        if record != image.renditions:
            type(image).objects.filter(pk=image.pk).update(renditions=record)
            changed += 1
    return changed


def _has_transparency(image):
    if image.mode not in {"RGBA", "LA", "PA", "RGBa", "La"} and "transparency" not in image.info:
        return False
    return image.convert("RGBA").getchannel("A").getextrema()[0] < 255


def _to_srgb(image, icc_profile):
    """A CMYK image in sRGB, through its own profile where it has one."""
    if icc_profile:
        try:
            return ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)),
                ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: convert naively, as if there were none
    return image.convert("RGB")
