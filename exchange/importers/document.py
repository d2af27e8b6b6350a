"""Parse a Medieninformation written as plain text or Markdown.

The layout is the one a press office's letterhead PDF turns into (see
seeds/000_229aa7e5ffb26140.txt)::

    # Medieninformation                       <- kind of document
    Sächsisches Staatsministerium für ...     <- organisation
    **Ihr Ansprechpartner**  / Frank Meyer    <- press contact
    **Durchwahl**  / Telefon +49 351 ...      <- direct line
    medien@smr.sachsen.de\\*                   <- e-mail (with the footnote's mark)
    08.10.2021                                <- date
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

import datetime
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from releases.html import html_to_text

from ..ninjs.read import local_datetime
from .errors import DocumentError
from .webpage import html_markdown
from .word import docx_markdown

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
DOCX_SUFFIXES = (".docx",)
DOCUMENT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024

#: Kind headings and the ``Release.Kind`` value they stand for.
KINDS = {
    "medieninformation": "medieninformation",
    "pressemitteilung": "medieninformation",
    "presseinformation": "medieninformation",
    "presseeinladung": "presseeinladung",
    "einladung": "presseeinladung",
    "terminhinweis": "terminhinweis",
    "statement": "statement",
    "rede": "rede",
}
CONTACT_LABELS = {"ihr ansprechpartner", "ihre ansprechpartnerin", "ansprechpartner",
                  "ansprechpartnerin", "ansprechpartner/in", "ihre ansprechpartner",
                  "pressesprecher", "pressesprecherin", "kontakt"}
PHONE_LABELS = {"durchwahl", "telefon", "tel.", "tel"}
LABELS = CONTACT_LABELS | PHONE_LABELS | {"e-mail", "email", "telefax", "fax", "datum"}

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\*\*(.+?)\*\*:?$")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
_PROTECTED = re.compile(r"\x00(\d+)\x01")
# [label](url "title"); the URL may hold balanced parentheses.
_LINK = re.compile(r"\[([^\]]+)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))+)>?(?:\s+\"[^\"]*\")?\s*\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_EMAIL = re.compile(r"^(?:e-?mail:?\s*)?(?:mailto:)?([\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})$",
                    re.IGNORECASE)
_PHONE = re.compile(r"^(?:telefon|tel\.?|durchwahl)\s*:?\s*(\+?[\d][\d\s/()-]{4,})$",
                    re.IGNORECASE)
_DATE = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
_WEBSITE = re.compile(r"^(?:https?://|www\.)[^\s/]+\.[a-z]{2,}/?$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^(?:[-•–]|\*(?!\*))\s+")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")


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
    #: The mark after the e-mail address (``*``), referring to a note in the footer.
    email_note_mark: str = ""
    date: datetime.date | None = None
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
        elif self.date:
            # The document gives a day only: the release counts from that day's start,
            # and its page shows the day without a time.
            published_at = _local_datetime(self.date.isoformat())
        organisation = dict.fromkeys(("name", "short_name", "slug", "website", "email",
                                      "phone", "street", "postal_code", "city"), "")
        organisation.update(name=self.organisation_name, slug=meta.get("organisation") or "",
                            footer=self.footer_html,
                            email_note_mark=self.email_note_mark
                            if self.email_note_mark in self.footer_text else "")
        contacts = [{"name": self.contact_name, "role": "", "email": self.contact_email,
                     "phone": self.contact_phone, "mobile": ""}] if self.contact_name else []
        return {
            "uuid": None, "uri": self.source_id, "kind": self.kind, "title": self.title,
            "subtitle": self.subtitle, "slug": "", "teaser": meta.get("teaser") or "",
            "body": self.body_html, "number_label": "", "language": "de",
            "pubstatus": "usable", "status": meta.get("status") or "",
            "published_at": published_at, "has_publication_time": has_time,
            "embargo_until": None,
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
    parsed.notes = notes
    return parsed


def decode_text(raw):
    """``raw`` bytes as text, and a note when it was not UTF-8.

    UTF-8 (with or without byte order mark) and UTF-16 with a byte order mark
    are read as such; anything else that looks like text is read as
    Windows-1252 (the usual encoding of older German Windows files; Latin-1
    where 1252 has a gap). Binary content is refused.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), ""
        except UnicodeDecodeError as error:
            raise DocumentError(_("The file starts like UTF-16 text but is not.")) from error
    if not raw.strip():
        raise DocumentError(_("The file is empty."))
    control = sum(1 for byte in raw[:65536] if byte < 32 and byte not in b"\t\n\r\f")
    if b"\x00" in raw or control > len(raw[:65536]) // 100:
        raise DocumentError(_("The file is not text: it holds binary data."))
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), _("not UTF-8: read as Windows-1252 (Western European)")
    except UnicodeDecodeError:
        return raw.decode("latin-1"), _("not UTF-8: read as ISO-8859-1 (Latin-1)")


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
            kind = KINDS.get(text.lower().rstrip(":"))
            if kind and not parsed.kind:
                parsed.kind = kind
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
        kind = KINDS.get(lines[0].lower().rstrip(":")) if len(lines) == 1 else None
        if kind and not parsed.kind and not parsed.organisation_name:
            # The kind as a plain or bold line instead of a heading (DOCX, HTML).
            parsed.kind = kind
            continue
        label = _label(block[0])
        if label is not None:
            lines = lines[1:]
            if not lines:
                pending_label = label
                continue
        elif pending_label is not None:
            label, pending_label = pending_label, None
        elif (parsed.date and len(block) == 1 and _BOLD_LINE.match(first)
              and not parsed.headline):
            # A headline in bold instead of a heading, right after the date.
            parsed.headline = lines[0]
            return index + 1
        for line in lines:
            _header_line(line, label, parsed)
    return len(blocks)


def _label(line):
    match = _BOLD_LINE.match(line.strip())
    if match and plain_text(match.group(1)).lower().rstrip(":") in LABELS:
        return plain_text(match.group(1)).lower().rstrip(":")
    return None


def _header_line(line, label, parsed):
    line = line.strip()
    address = line.rstrip("*¹ ").strip()
    email = _EMAIL.match(address)
    phone = _PHONE.match(line)
    date = _DATE.search(line) if len(line) <= 40 else None
    if label in CONTACT_LABELS and not parsed.contact_name and not email and not phone:
        parsed.contact_name = line
    elif email:
        if not parsed.contact_email:
            parsed.contact_email = email.group(1)
            parsed.email_note_mark = line[len(address):].strip()
    elif phone or (label in PHONE_LABELS and re.search(r"\d{3}", line)):
        number = phone.group(1) if phone else line
        parsed.contact_phone = parsed.contact_phone or " ".join(number.split())
    elif date:
        day, month, year = (int(part) for part in date.groups())
        try:
            parsed.date = parsed.date or datetime.date(year, month, day)
        except ValueError:
            pass
    elif label is None and not parsed.organisation_name:
        parsed.organisation_name = line


def _parse_body(blocks, parsed):
    for block in blocks:
        first = block[0].strip()
        heading = _HEADING.match(first)
        if heading:
            parsed.body_paragraphs.append(f"<h3>{inline_html(heading.group(2))}</h3>")
            continue
        if _is_website_line(block) or _is_footnote(block):
            parsed.footer_paragraphs.append(_paragraph(block))
        elif len(block) > 1 and all(_LIST_ITEM.match(line.strip()) for line in block):
            items = "".join(f"<li>{inline_html(_LIST_ITEM.sub('', line.strip()))}</li>"
                            for line in block)
            parsed.body_paragraphs.append(f"<ul>{items}</ul>")
        else:
            parsed.body_paragraphs.append(_paragraph(block))


def _is_website_line(block):
    """A paragraph that is nothing but a link to a website's front page."""
    if len(block) != 1:
        return False
    line = block[0].strip()
    link = _LINK.fullmatch(line)
    if link:
        return bool(_WEBSITE.match(link.group(1).strip()) and _WEBSITE.match(link.group(2)))
    return bool(_WEBSITE.match(line))


def _is_footnote(block):
    """The paragraph a footnote mark (``*``) in the letterhead refers to."""
    first = block[0].strip()
    return first.startswith("\\*") or bool(re.match(r"\*(?!\*)\s", first))


def _paragraph(block):
    parts = []
    for number, line in enumerate(block):
        hard_break = line.endswith("  ") or line.rstrip().endswith("\\")
        text = line.strip()
        if hard_break and text.endswith("\\") and not text.endswith("\\\\"):
            text = text[:-1].rstrip()
        parts.append(inline_html(text))
        if number < len(block) - 1:
            parts.append("<br>" if hard_break else " ")
    return f"<p>{''.join(parts)}</p>"


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


def _protect(text):
    """Hide Markdown backslash escapes so that ``\\*`` is never read as emphasis."""
    return _ESCAPE.sub(lambda match: f"\x00{ord(match.group(1))}\x01", text)


def _restore(text, escape=True):
    def character(match):
        char = chr(int(match.group(1)))
        return html.escape(char, quote=False) if escape else char
    return _PROTECTED.sub(character, text)


def _text_html(text):
    """Escaped text with ``**bold**``; ``text`` is already protected."""
    escaped = html.escape(text, quote=False)
    return _BOLD.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", escaped)


def inline_html(text):
    """One paragraph's Markdown inline syntax as safe HTML: text escaped, links and bold kept."""
    text = _protect(text)
    out, position = [], 0
    for link in _LINK.finditer(text):
        out.append(_text_html(text[position:link.start()]))
        label = _text_html(link.group(1))
        url = _restore(link.group(2), escape=False)
        if url.lower().startswith("www."):
            url = f"http://{url}"
        if url.lower().startswith(_SAFE_SCHEMES):
            out.append(f'<a href="{html.escape(url, quote=True)}">{label}</a>')
        else:
            out.append(label)
        position = link.end()
    out.append(_text_html(text[position:]))
    return _restore("".join(out))


def plain_text(text):
    """Markdown inline syntax reduced to its text: link labels, no emphasis marks, no escapes."""
    text = _protect(text.strip())
    text = _LINK.sub(lambda link: link.group(1), text)
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    return _restore(text, escape=False).strip()
