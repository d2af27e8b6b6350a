"""Parse a Medieninformation written as plain text or Markdown.

The layout is the one a press office's letterhead PDF turns into (see
seeds/000_229aa7e5ffb26140.txt)::

    # Medieninformation                       <- kind of document
    Sächsisches Staatsministerium für ...     <- organisation
    **Ihr Ansprechpartner**  / Frank Meyer    <- press contact
    **Durchwahl**  / Telefon +49 351 ...      <- direct line
    medien@smr.sachsen.de\\*                   <- e-mail (with footnote mark)
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
refused. The result is a :class:`ParsedRelease`, the structure every importer
(text, DOCX, HTML, ninjs) produces.
"""

import datetime
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from ..html import html_to_text

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


class DocumentError(ValueError):
    """The document cannot become a release; the message says why, for an editor."""


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
    date: datetime.date | None = None
    headline: str = ""
    title: str = ""
    subtitle: str = ""
    body_paragraphs: list[str] = field(default_factory=list)
    footer_paragraphs: list[str] = field(default_factory=list)
    source_hash: str = ""
    metadata: dict = field(default_factory=dict)

    @property
    def body_html(self):
        return "\n".join(self.body_paragraphs)

    @property
    def footer_html(self):
        return "\n".join(self.footer_paragraphs)

    @property
    def body_text(self):
        return html_to_text(self.body_html)


def parse_file(path):
    """Parse the document at ``path`` together with its sidecar ``.json``, if there is one."""
    path = Path(path)
    raw = path.read_bytes()
    metadata = None
    sidecar = path.with_suffix(".json")
    if sidecar.is_file():
        try:
            metadata = json.loads(sidecar.read_text(encoding="utf-8"))
        except ValueError as error:
            raise DocumentError(
                _("The metadata file %(name)s cannot be read: %(error)s")
                % {"name": sidecar.name, "error": error}) from error
        if not isinstance(metadata, dict):
            raise DocumentError(_("The metadata file %(name)s must hold a JSON object.")
                                % {"name": sidecar.name})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(_("The document %(name)s is not UTF-8 text.")
                            % {"name": path.name}) from error
    parsed = parse_document(text, metadata)
    parsed.source_hash = hashlib.sha256(raw).hexdigest()
    return parsed


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
            return index + 1
        lines = [plain_text(line) for line in block]
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
    email = _EMAIL.match(line.rstrip("*¹ ").strip())
    phone = _PHONE.match(line)
    date = _DATE.search(line) if len(line) <= 40 else None
    if label in CONTACT_LABELS and not parsed.contact_name and not email and not phone:
        parsed.contact_name = line
    elif email:
        parsed.contact_email = parsed.contact_email or email.group(1)
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
    title = (metadata.pop("title", "") or "").strip()
    subtitle = metadata.pop("subtitle", None)
    if title:
        parsed.title = title
        if subtitle is None and parsed.headline.startswith(title):
            subtitle = parsed.headline[len(title):]
    parsed.subtitle = (subtitle or "").strip()
    parsed.metadata = metadata


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
