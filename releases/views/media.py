"""Uploaded files, when the application serves them itself (SERVE_MEDIA, the embedded default).

Only files of the offered kinds are served, under their stored names, each with
the Content-Type of its suffix (never guessed from the content, never HTML),
``nosniff`` and a policy that lets nothing in the file run even if a browser
opened it as a page. Attachments are downloaded under their title; images, the
sign-language video and its captions are shown inline, SVG only where logos are
stored (it is accepted nowhere else, releases/svg.py). Anything else, and any path
that leaves the media folder, is 404.

Files of releases that are not public yet are served too: their names are
random (uuid4) and appear nowhere but on the editors' pages. Files of a release
removed for legal reasons are not: their names were public (in its page, feeds and
ninjs), so they answer 404 like the page, until the release is restored.
"""

import re
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

from ..models import Release, ReleaseAttachment
from ..uploads import (
    ATTACHMENT_TYPES,
    CAPTIONS_TYPES,
    IMAGE_TYPES,
    LOGO_FOLDER,
    LOGO_TYPES,
    VIDEO_TYPES,
)

# Shown in the page: images, and the sign-language video with its captions.
INLINE_TYPES = {**IMAGE_TYPES, **VIDEO_TYPES, **CAPTIONS_TYPES}
# The file may not load, run or frame anything, whatever a browser takes it for.
MEDIA_CSP = "default-src 'none'; sandbox"
CACHE_CONTROL = "public, max-age=86400"
MAX_FILENAME_CHARS = 150

# A scaled copy of an image (releases/images.py): the original's name without its suffix,
# the width, maybe the storage's mark of a name already taken, a suffix.
_RENDITION = re.compile(r"(?P<stem>.+)-\d+w(?:_[A-Za-z0-9]{7})?\.[a-z]+")
_UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f-\x9f/\\"*:<>?|;]+')
_NOT_ASCII_FILENAME = re.compile(r"[^A-Za-z0-9 ._()+,-]+")
_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                                "Ü": "Ue", "ß": "ss"})


@require_safe
def serve_media(request, path):
    name = _stored_name(path)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in INLINE_TYPES:
        content_type, disposition = INLINE_TYPES[suffix], "inline"
    elif suffix in LOGO_TYPES and name.startswith(f"{LOGO_FOLDER}/"):
        content_type, disposition = LOGO_TYPES[suffix], "inline"
    elif suffix in ATTACHMENT_TYPES:
        content_type, disposition = ATTACHMENT_TYPES[suffix], _attachment_disposition(name)
    else:
        raise Http404
    if _removed_for_legal_reasons(name):
        raise Http404
    try:
        modified_at = default_storage.get_modified_time(name)
    except (OSError, NotImplementedError) as error:
        raise Http404 from error
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"),
                              modified_at.timestamp()):
        response = HttpResponseNotModified()
    else:
        try:
            handle = default_storage.open(name, "rb")
        except OSError as error:
            raise Http404 from error
        response = FileResponse(handle, content_type=content_type)
        response["Content-Disposition"] = disposition
    response["Last-Modified"] = http_date(modified_at.timestamp())
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _stored_name(path):
    """``path`` as a name in the media storage, or 404 if it could lead anywhere else."""
    parts = path.split("/")
    if ("\x00" in path or "\\" in path
            or any(part in {"", ".", ".."} or part.startswith(".") for part in parts)):
        raise Http404
    name = "/".join(parts)
    try:
        location = default_storage.path(name)
    except SuspiciousFileOperation as error:
        raise Http404 from error
    except NotImplementedError:
        return name  # object storage: no folder to leave
    root = Path(settings.MEDIA_ROOT).resolve()
    # A link inside the media folder must not lead out of it either.
    if not Path(location).resolve().is_relative_to(root):
        raise Http404
    return name


def _removed_for_legal_reasons(name):
    """Whether ``name`` is an image (or one of its renditions, ``<stem>-480w.webp``) or an
    attachment of a release removed for legal reasons (or of a working edition of one)."""
    images = Q(images__image=name)
    if rendition := _RENDITION.fullmatch(name):
        images |= Q(images__image__startswith=f"{rendition['stem']}.")
    removed = Q(is_removed_for_legal_reasons=True) | Q(
        edition_of__is_removed_for_legal_reasons=True)
    return Release.objects.filter(images | Q(attachments__file=name)).filter(removed).exists()


def _attachment_disposition(name):
    """``attachment`` with the attachment's title as file name (RFC 6266, RFC 8187)."""
    title = (ReleaseAttachment.objects.filter(file=name).values_list("title", flat=True)
             .first())
    suffix = PurePosixPath(name).suffix.lower()
    stem = " ".join(_UNSAFE_IN_FILENAME.sub(" ", title or "").split())[:MAX_FILENAME_CHARS]
    filename = f"{stem or PurePosixPath(name).stem}{suffix}"
    fallback = unicodedata.normalize("NFKD", filename.translate(_TRANSLITERATE))
    fallback = _NOT_ASCII_FILENAME.sub("_", fallback.encode("ascii", "ignore").decode())
    return (f'attachment; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(filename, safe='')}")
