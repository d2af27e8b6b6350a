"""Read a Medieninformation written in Word (DOCX) as the text parser's Markdown.

Paragraph styles give headings (Title, Heading 1-6, Subtitle) and list items;
bold runs, line breaks and hyperlinks are kept; tables (letterheads often put
the contact box in one) are read cell by cell. Before python-docx sees the
file, the ZIP container is checked so that a decompression bomb is refused
instead of filling the memory.
"""

import io
import zipfile

import docx
from django.utils.translation import gettext as _
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from releases.uploads import (
    MAX_UNPACK_RATIO,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    RATIO_CHECK_FROM_BYTES,
)

from .blocks import HEADING, LIST_ITEM, PARAGRAPH, Block, Segment, to_markdown
from .errors import DocumentError

_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_container(raw):
    """Refuse what is not a DOCX file or would unpack to too much; return the ZIP archive.

    The limits are those of attached documents (releases.uploads).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as error:
        raise DocumentError(_("This is not a DOCX file: it is not a ZIP archive.")) from error
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise DocumentError(_("The DOCX file holds %(count)d parts; at most %(limit)d are "
                              "accepted.") % {"count": len(members), "limit": MAX_ZIP_MEMBERS})
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise DocumentError(
            _("The DOCX file would unpack to %(size)d MB; at most %(limit)d MB are accepted.")
            % {"size": total // (1024 * 1024), "limit": MAX_UNPACKED_BYTES // (1024 * 1024)})
    for member in members:
        if (member.file_size >= RATIO_CHECK_FROM_BYTES
                and member.file_size > MAX_UNPACK_RATIO * max(member.compress_size, 1)):
            raise DocumentError(
                _("The DOCX file looks like a decompression bomb: %(name)s unpacks to more "
                  "than %(ratio)d times its size.")
                % {"name": member.filename, "ratio": MAX_UNPACK_RATIO})
    if "word/document.xml" not in archive.namelist():
        raise DocumentError(_("This ZIP archive is not a Word document (no word/document.xml)."))
    return archive


def docx_markdown(raw):
    """The DOCX document ``raw`` (bytes) as Markdown; also its identifier, if it has one."""
    check_container(raw)
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise DocumentError(_("The DOCX file cannot be read: %(error)s")
                            % {"error": error}) from error
    except Exception as error:  # lxml's XML errors and the like: a damaged file
        raise DocumentError(_("The DOCX file is damaged: %(error)s") % {"error": error}) from error
    blocks = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{_NAMESPACE}p":
            blocks.append(_paragraph(Paragraph(element, document)))
        elif element.tag == f"{_NAMESPACE}tbl":
            table = Table(element, document)
            for row in table.rows:
                for cell in row.cells:
                    blocks.extend(_paragraph(paragraph) for paragraph in cell.paragraphs)
    identifier = (document.core_properties.identifier or "").strip()
    return to_markdown(blocks), identifier


def _paragraph(paragraph):
    kind, level = _style(paragraph)
    block = Block(kind=kind, level=level)
    for item in paragraph.iter_inner_content():
        href = getattr(item, "address", "") or ""
        runs = item.runs if hasattr(item, "runs") else [item]
        for run in runs:
            bold = bool(run.bold) or (kind != HEADING and _style_is_bold(run))
            for number, part in enumerate((run.text or "").split("\n")):
                if number:
                    block.line_break()
                block.add(Segment(part.replace("\t", " "), is_bold=bold and kind != HEADING,
                                  href=href))
    return block


def _style_is_bold(run):
    style = run.style
    return bool(style is not None and style.font is not None and style.font.bold)


def _style(paragraph):
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    lowered = name.lower()
    if lowered == "title":
        return HEADING, 1
    if lowered == "subtitle":
        # Deeper than any title heading: the parser reads it as the Unterzeile.
        return HEADING, 6
    if lowered.startswith("heading"):
        digits = "".join(ch for ch in lowered if ch.isdigit())
        return HEADING, int(digits) if digits else 1
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if lowered.startswith("list") or numbered:
        return LIST_ITEM, 0
    return PARAGRAPH, 0
