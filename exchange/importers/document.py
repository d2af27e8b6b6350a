"""Parse a Medieninformation written as plain text or Markdown.

The layout is the one a press office's letterhead PDF turns into (see
seeds/000_229aa7e5ffb26140.txt)::

    # Medieninformation                       <- kind of document (and its number)
    Sächsisches Staatsministerium für ...     <- organisation
    **Ihr Ansprechpartner**  / Frank Meyer    <- press contact
    **Durchwahl**  / Telefon +49 351 ...      <- direct line
    medien@smr.sachsen.de\\*                   <- e-mail (with the footnote's mark)
    08.10.2021                                <- date
    Sperrfrist: 08.10.2021, 10 Uhr            <- embargo, if any
    ## **Headline**                           <- title (and subtitle, run together)
    paragraphs ...                            <- body
    [www.smr.sachsen.de](...)                 <- footer: the website line
    \\* Kein Zugang für ...                    <- footer: e-signature notice
    paragraphs ...                            <- body again (the PDF's second page)

Title and subtitle arrive in one line and German capitalisation makes every
split a guess, so a sidecar file (same name, ``.json``) may give them, along
with links the text cannot carry (topics, people, appointments, trips).

Parts that are missing stay empty; only a document without title or body is
refused. DOCX and HTML documents are first written out as this Markdown
(``word.py``, ``webpage.py``), so every format goes through this one parser.
The result is a :class:`ParsedRelease`; its ``values()`` are the structure
that ``ninjs.from_ninjs`` produces too, and that ``store.store_release`` saves.
"""

import codecs
import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from releases.html import html_to_text

from ..ninjs.read import local_datetime, site_moment
from . import letterhead
from .errors import DocumentError
from .markdown import (
    block_html,
    inline_html,
    is_footnote,
    is_website_line,
    paragraph,
    plain_text,
)
from .webpage import html_markdown
from .word import docx_markdown

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
DOCX_SUFFIXES = (".docx",)
DOCUMENT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_DAY_START = datetime.time(0, 0)


@dataclass
class ParsedRelease:
    """What a document says, independent of its format.

    ``body_paragraphs`` and ``footer_paragraphs`` are HTML blocks (``<p>``,
    ``<h3>``, ``<ul>``) with escaped text; everything else is plain text.
    ``metadata`` holds the sidecar's remaining keys for the importer.
    """

    kind: str = ""
    organisation_name: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    contact_mobile: str = ""
    #: The mark after the e-mail address (``*``), referring to a note in the footer.
    email_note_mark: str = ""
    date: datetime.date | None = None
    #: The number the document gives itself ("123/2026"), if any.
    number_label: str = ""
    #: The end of the embargo (Sperrfrist), Berlin time; ``embargo_unread``: a
    #: Sperrfrist that names no time ("Redebeginn"), which only an editor can set.
    embargo_until: datetime.datetime | None = None
    embargo_unread: str = ""
    headline: str = ""
    title: str = ""
    subtitle: str = ""
    body_paragraphs: list[str] = field(default_factory=list)
    footer_paragraphs: list[str] = field(default_factory=list)
    source_hash: str = ""
    metadata: dict = field(default_factory=dict)
    #: A heading right under the headline: the subtitle, unless the sidecar says otherwise.
    subheadline: str = ""
    #: The document's own identifier (sidecar ``uri``, DOCX identifier, HTML canonical link).
    source_id: str = ""
    #: Remarks for the import report, e.g. the encoding that was guessed.
    notes: list[str] = field(default_factory=list)

    def set_embargo(self, text):
        """The Sperrfrist line's words: a date (and time) is the embargo's end."""
        day = letterhead.find_date(text)
        if day is None:
            self.embargo_unread = self.embargo_unread or text or "–"
            return
        moment = site_moment(datetime.datetime.combine(
            day, letterhead.find_time(text) or _DAY_START))
        self.embargo_until = max(self.embargo_until or moment, moment)

    @property
    def body_html(self):
        return "\n".join(self.body_paragraphs)

    @property
    def footer_html(self):
        return "\n".join(self.footer_paragraphs)

    @property
    def body_text(self):
        return html_to_text(self.body_html)

    @property
    def footer_text(self):
        return html_to_text(self.footer_html)

    def values(self):
        """The document in the shape of ``ninjs.from_ninjs``: what ``store_release`` saves.

        The sidecar links topics, appointments, trips and people by slug (they
        must exist); the letterhead's organisation and contact are found or
        created by name. A document is meant for publication: its pubstatus is
        ``usable``; the sidecar's ``status`` is kept as the carried status.
        """
        meta = self.metadata
        published_at, has_time = None, False
        if meta.get("published_at"):
            published_at = _local_datetime(meta["published_at"])
            has_time = len(meta["published_at"].strip()) > len("2021-10-08")
        elif self.date or self.embargo_until:
            # The document gives a day only (its own, or its embargo's): the release
            # counts from that day's start, and its page shows the day without a time.
            day = self.date or timezone.localtime(self.embargo_until).date()
            published_at = _local_datetime(day.isoformat())
        organisation = dict.fromkeys(("name", "short_name", "slug", "website", "email",
                                      "phone", "street", "postal_code", "city"), "")
        organisation.update(name=self.organisation_name, slug=meta.get("organisation") or "",
                            footer=self.footer_html,
                            email_note_mark=self.email_note_mark
                            if self.email_note_mark in self.footer_text else "")
        contacts = [{"name": self.contact_name, "role": "", "email": self.contact_email,
                     "phone": self.contact_phone, "mobile": self.contact_mobile}
                    ] if self.contact_name else []
        return {
            "uuid": None, "uri": self.source_id, "kind": self.kind, "title": self.title,
            "subtitle": self.subtitle, "slug": "", "teaser": meta.get("teaser") or "",
            "body": self.body_html, "number_label": self.number_label, "language": "de",
            # An embargo nobody could read keeps the release from the public: a draft.
            "pubstatus": "withheld" if self.embargo_unread else "usable",
            "status": meta.get("status") or "",
            "published_at": published_at, "has_publication_time": has_time,
            "embargo_until": self.embargo_until,
            "created_at": None, "updated_at": None,
            "organisation": organisation, "contacts": contacts,
            "people": [{"name": "", "slug": entry["person"], "role": entry.get("role") or "",
                        "is_quoted": bool(entry.get("is_quoted"))}
                       for entry in meta.get("people", [])],
            "minister": None,
            "topics": [{"name": "", "slug": slug} for slug in meta.get("topics", [])],
            "events": [{"name": "", "uri": "", "slug": slug} for slug in meta.get("events", [])],
            "delegations": [{"name": "", "uri": "", "slug": slug}
                            for slug in meta.get("delegations", [])],
            "places": [], "images": [], "attachments": [],
        }


# Keys that only a ninjs document has: such a file beside a document is an item of its own.
_NINJS_ONLY_KEYS = ("headlines", "bodies", "pubstatus", "standard", "type", "versioncreated")


def sidecar_path(path):
    """The document's metadata file, if there is one (same name, ``.json``, not ninjs)."""
    sidecar = Path(path).with_suffix(".json")
    if not sidecar.is_file():
        return None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return sidecar  # a broken sidecar is the document's error, see parse_file
    if isinstance(data, dict) and any(key in data for key in _NINJS_ONLY_KEYS):
        return None
    return sidecar


def parse_file(path):
    """Parse the document at ``path`` together with its sidecar ``.json``, if there is one.

    Text, Markdown, HTML and DOCX are told apart by the file's suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise DocumentError(_("Unsupported file type %(suffix)s.") % {"suffix": suffix or "–"})
    size = path.stat().st_size
    if size == 0:
        raise DocumentError(_("The file is empty."))
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError(_("The file is larger than %(limit)d MB; a press release is not.")
                            % {"limit": MAX_DOCUMENT_BYTES // (1024 * 1024)})
    raw = path.read_bytes()
    metadata = None
    sidecar = sidecar_path(path)
    if sidecar is not None:
        try:
            metadata = json.loads(sidecar.read_text(encoding="utf-8"))
        except ValueError as error:
            raise DocumentError(
                _("The metadata file %(name)s cannot be read: %(error)s")
                % {"name": sidecar.name, "error": error}) from error
        if not isinstance(metadata, dict):
            raise DocumentError(_("The metadata file %(name)s must hold a JSON object.")
                                % {"name": sidecar.name})
    notes, source_id = [], ""
    if suffix in DOCX_SUFFIXES:
        text, source_id = docx_markdown(raw)
    else:
        text, note = decode_text(raw)
        notes += [note] if note else []
        if suffix in HTML_SUFFIXES:
            text, source_id = html_markdown(text)
    parsed = parse_document(text, metadata)
    parsed.source_hash = hashlib.sha256(raw).hexdigest()
    parsed.source_id = parsed.source_id or source_id
    parsed.notes = notes + parsed.notes
    return parsed


def decode_text(raw):
    """``raw`` bytes as text, and a note when it was not UTF-8.

    UTF-8 (with or without byte order mark) and UTF-16 with a byte order mark
    are read as such. UTF-8 with a few stray bytes of an older encoding (a
    dash pasted from a Windows program) stays UTF-8, the stray bytes read as
    Windows-1252. Anything else that looks like text is read as Windows-1252
    (the usual encoding of older German Windows files; Latin-1 where 1252 has a
    gap). Binary content is refused.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _not_empty(raw.decode("utf-16")), ""
        except UnicodeDecodeError as error:
            raise DocumentError(_("The file starts like UTF-16 text but is not.")) from error
    if not raw.strip():
        raise DocumentError(_("The file is empty."))
    control = sum(1 for byte in raw[:65536] if byte < 32 and byte not in b"\t\n\r\f")
    if b"\x00" in raw or control > len(raw[:65536]) // 100:
        raise DocumentError(_("The file is not text: it holds binary data."))
    try:
        return _not_empty(raw.decode("utf-8-sig")), ""
    except UnicodeDecodeError:
        pass
    if any(ord(char) > 127 for char in raw.decode("utf-8", errors="ignore")):
        text = raw.decode("utf-8-sig", errors=_WINDOWS_BYTES)
        return _not_empty(text), _("UTF-8 with stray bytes of another encoding: those "
                                   "read as Windows-1252")
    try:
        return _not_empty(raw.decode("cp1252")), _("not UTF-8: read as Windows-1252 "
                                                   "(Western European)")
    except UnicodeDecodeError:
        return _not_empty(raw.decode("latin-1")), _("not UTF-8: read as ISO-8859-1 (Latin-1)")


def _windows_bytes(error):
    """Decoding error handler: the bytes that are not UTF-8 as Windows-1252 (Latin-1)."""
    chars = [bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)
             for byte in error.object[error.start:error.end]]
    return "".join(chars), error.end


_WINDOWS_BYTES = "newsroom-windows-bytes"
codecs.register_error(_WINDOWS_BYTES, _windows_bytes)


def _not_empty(text):
    if not text.strip("\ufeff \t\r\n\f\v\u00a0"):
        raise DocumentError(_("The file is empty."))
    return text


def parse_document(text, metadata=None):
    """Parse ``text``; ``metadata`` (a sidecar's content) overrides title and subtitle."""
    parsed = ParsedRelease(source_hash=hashlib.sha256(text.encode("utf-8")).hexdigest())
    blocks = _blocks(text)
    position = _parse_header(blocks, parsed)
    _parse_body(blocks[position:], parsed)
    _apply_metadata(parsed, dict(metadata or {}))
    if not parsed.title:
        raise DocumentError(_("The document has no title: expected a heading such as "
                              "“## Title” after the date."))
    if not parsed.body_paragraphs:
        raise DocumentError(_("The document has no text after its title."))
    if parsed.embargo_unread:
        parsed.notes.append(_("Embargo “%(text)s” names no time: imported as a draft; set "
                              "the embargo in the release before publishing it.")
                            % {"text": parsed.embargo_unread[:80]})
    return parsed


def _blocks(text):
    """Paragraphs of the source: runs of non-blank lines, trailing spaces kept for breaks."""
    blocks, current = [], []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip("\n"))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _parse_header(blocks, parsed):
    """Fill the letterhead fields; return the index of the first body block."""
    pending_label = None
    for index, block in enumerate(blocks):
        first = block[0].strip()
        heading = _HEADING.match(first)
        if heading:
            text = plain_text(heading.group(2))
            kind, number = letterhead.kind_and_number(text)
            if kind and not parsed.kind:
                parsed.kind, parsed.number_label = kind, parsed.number_label or number
                continue
            parsed.headline = " ".join([text, *(plain_text(line) for line in block[1:])])
            following = blocks[index + 1][0].strip() if index + 1 < len(blocks) else ""
            subheading = _HEADING.match(following)
            if (subheading and len(blocks[index + 1]) == 1
                    and len(subheading.group(1)) > len(heading.group(1))):
                parsed.subheadline = plain_text(subheading.group(2))
                return index + 2
            return index + 1
        lines = [plain_text(line) for line in block]
        kind, number = letterhead.kind_and_number(lines[0]) if len(lines) == 1 else ("", "")
        if kind and not parsed.kind and not parsed.organisation_name:
            # The kind as a plain or bold line instead of a heading (DOCX, HTML).
            parsed.kind, parsed.number_label = kind, parsed.number_label or number
            continue
        label = letterhead.label(block[0])
        if label is not None:
            lines = lines[1:]
            if not lines:
                pending_label = label
                continue
        elif pending_label is not None:
            label, pending_label = pending_label, None
        elif (parsed.date and len(block) == 1 and letterhead.BOLD_LINE.match(first)
              and not parsed.headline and letterhead.embargo_text(lines[0]) is None):
            # A headline in bold instead of a heading, right after the date.
            parsed.headline = lines[0]
            return index + 1
        for line in lines:
            letterhead.header_line(line, label, parsed)
    return len(blocks)


def _parse_body(blocks, parsed):
    for block in blocks:
        first = block[0].strip()
        heading = _HEADING.match(first)
        embargo = letterhead.embargo_text(plain_text(first)) if len(block) == 1 else None
        if heading:
            parsed.body_paragraphs.append(f"<h3>{inline_html(heading.group(2))}</h3>")
        elif embargo is not None:
            # A Sperrfrist under the headline is the release's, not its text.
            parsed.set_embargo(embargo)
        elif is_website_line(block) or is_footnote(block):
            parsed.footer_paragraphs.append(paragraph(block))
        else:
            parsed.body_paragraphs += block_html(block)


def _apply_metadata(parsed, metadata):
    parsed.title = parsed.headline
    for key in ("title", "subtitle", "uri", "teaser", "organisation", "published_at", "status"):
        if metadata.get(key) is not None and not isinstance(metadata[key], str):
            raise DocumentError(_("The metadata's %(key)s must be text.") % {"key": key})
    for key in ("topics", "events", "delegations"):
        value = metadata.get(key, [])
        if not (isinstance(value, list) and all(isinstance(slug, str) for slug in value)):
            raise DocumentError(_("The metadata's %(key)s must be a list of slugs.")
                                % {"key": key})
    people = metadata.get("people", [])
    if not (isinstance(people, list) and all(
            isinstance(entry, dict) and isinstance(entry.get("person"), str) for entry in people)):
        raise DocumentError(_("The metadata's people must be a list of objects with a "
                              "\"person\" slug."))
    title = (metadata.pop("title", "") or "").strip()
    subtitle = metadata.pop("subtitle", None)
    if title:
        parsed.title = title
        if subtitle is None and parsed.headline.startswith(title):
            subtitle = parsed.headline[len(title):]
    if subtitle is None and parsed.subheadline:
        subtitle = parsed.subheadline
    parsed.subtitle = (subtitle or "").strip()
    parsed.source_id = str(metadata.pop("uri", "") or "").strip()
    parsed.metadata = metadata


def _local_datetime(value):
    """``ninjs.local_datetime``, a value that is none a DocumentError."""
    try:
        return local_datetime(value)
    except ValueError as error:
        raise DocumentError(str(error)) from error
