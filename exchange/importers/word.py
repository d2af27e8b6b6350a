"""Read a Medieninformation written in Word (DOCX) as the text parser's Markdown.

Paragraph styles give headings (Title, Heading 1-6, Subtitle) and list items;
bold and italic runs, line breaks and hyperlinks are kept.
Text is read wherever Word
puts it: in tracked insertions (deletions stay out), content controls, simple
fields and smart tags; hidden text stays out. Tables up to the headline are the
letterhead's layout (the contact box) and are read cell by cell, as is a table
of one column (a boxed text); a table after it is data and stays a table.
Before python-docx sees the file, the ZIP container is checked so that a
decompression bomb is refused instead of filling the memory, and a macro
document or a template is named as such.
"""

import io
import zipfile

import docx
from django.utils.translation import gettext as _
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from releases.uploads import (
    MAX_UNPACK_RATIO,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    RATIO_CHECK_FROM_BYTES,
)

from .blocks import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Segment, to_markdown
from .errors import DocumentError

_P, _TBL, _R, _HYPERLINK, _SDT = (qn(tag) for tag in ("w:p", "w:tbl", "w:r", "w:hyperlink",
                                                      "w:sdt"))
# Elements that hold paragraphs and tables (body, table cell, content control).
_BLOCK_WRAPPERS = {qn(tag) for tag in ("w:sdt", "w:sdtContent", "w:customXml")}
# Elements inside a paragraph that hold runs whose text is part of the paragraph:
# tracked insertions and moves (w:del and w:moveFrom are left out), content
# controls, simple fields (their runs are the field's result), smart tags.
_INLINE_WRAPPERS = {qn(tag) for tag in ("w:ins", "w:moveTo", "w:sdt", "w:sdtContent",
                                        "w:fldSimple", "w:smartTag", "w:customXml", "w:dir",
                                        "w:bdo")}
_NAMESPACES = {"w": _P[1:_P.index("}")]}
# What a run holds as text; python-docx gives each its text equivalent.
_RUN_TEXT = etree.XPath("w:t | w:tab | w:ptab | w:br | w:cr | w:noBreakHyphen",
                        namespaces=_NAMESPACES)
# Rows and cells, also inside content controls.
_ROWS = etree.XPath("w:tr | w:sdt/w:sdtContent/w:tr | w:customXml/w:tr", namespaces=_NAMESPACES)
_CELLS = etree.XPath("w:tc | w:sdt/w:sdtContent/w:tc | w:customXml/w:tc",
                     namespaces=_NAMESPACES)
_PLACEHOLDER = etree.XPath("w:sdtPr/w:showingPlcHdr", namespaces=_NAMESPACES)

_MAIN_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml"


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
    _check_content_type(archive)
    return archive


def _check_content_type(archive):
    """Name a macro document or a template as such: python-docx reads neither."""
    content_type = _main_content_type(archive).lower()
    if "macroenabled" in content_type:
        raise DocumentError(_("The document contains macros (.docm); save it as a plain Word "
                              "document (.docx) and import that."))
    if content_type.startswith(f"{_MAIN_CONTENT_TYPE}.template"):
        raise DocumentError(_("The document is a Word template (.dotx); save it as a plain "
                              "Word document (.docx) and import that."))


def _main_content_type(archive):
    """The content type that [Content_Types].xml gives word/document.xml ("" if none)."""
    try:
        types = parse_xml(archive.read("[Content_Types].xml"))
    except Exception:  # missing or not XML: python-docx will say the file is damaged
        return ""
    for override in types.iterchildren():
        if (str(override.tag).endswith("}Override")
                and override.get("PartName", "").lower() == "/word/document.xml"):
            return override.get("ContentType", "")
    return ""


def docx_markdown(raw):
    """The DOCX document ``raw`` (bytes) as Markdown; also its identifier, if it has one."""
    check_container(raw)
    # The causes stay chained for the log; the messages hold no exception text,
    # which names internal objects ("<_io.BytesIO object at 0x...>").
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise DocumentError(_("The DOCX file cannot be read: parts of the Word document are "
                              "missing or do not fit together.")) from error
    except Exception as error:  # lxml's XML errors and the like: a damaged file
        raise DocumentError(_("The DOCX file is damaged and cannot be read.")) from error
    reader = _BodyReader(document)
    reader.read(document.element.body)
    identifier = (document.core_properties.identifier or "").strip()
    return to_markdown(reader.blocks), identifier


class _BodyReader:
    """The blocks of a body, a table cell or a content control, in document order."""

    def __init__(self, document, letterhead=True):
        self.document = document
        self.blocks = []
        # Until the headline, tables are the letterhead's layout.
        self.letterhead = letterhead
        self.headings = 0

    def read(self, container):
        for child in container.iterchildren():
            if child.tag == _P:
                self.add(_paragraph(Paragraph(child, self.document)))
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag in _BLOCK_WRAPPERS and not _is_placeholder(child):
                self.read(child)

    def add(self, block):
        """Add a block; the headline ends the letterhead.

        The headline is the second heading, or the first one if it has three
        words or more: a kind of document ("Medieninformation", "Press
        release") has fewer.
        """
        self.blocks.append(block)
        if block.kind == HEADING and not block.is_empty():
            self.headings += 1
            words = " ".join(segment.text for line in block.lines for segment in line).split()
            if self.headings > 1 or len(words) >= 3:
                self.letterhead = False

    def table(self, table):
        rows = [[self.cell_blocks(cell) for cell in _CELLS(row)] for row in _ROWS(table)]
        rows = [row for row in rows if any(_filled(blocks) for blocks in row)]
        if self.letterhead or max((sum(map(_filled, row)) for row in rows), default=0) < 2:
            # Layout (the contact box) or a boxed text: its paragraphs as they are.
            for row in rows:
                for block in (block for blocks in row for block in blocks):
                    if not block.is_empty():
                        self.add(block)
        elif rows:
            self.blocks.append(Block(kind=TABLE, rows=[[_cell_segments(blocks)
                                                        for blocks in row] for row in rows]))

    def cell_blocks(self, cell):
        reader = _BodyReader(self.document, letterhead=self.letterhead)
        reader.read(cell)
        return reader.blocks


def _filled(blocks):
    return any(not block.is_empty() for block in blocks)


def _cell_segments(blocks):
    """A table cell's text on one line: its paragraphs and lines joined by spaces."""
    segments = []
    for line in (line for block in blocks for line in block.lines):
        segments += [*line, Segment(" ")]
    return segments


def _is_placeholder(element):
    """A content control that shows its placeholder ("Click here to enter a date")."""
    return element.tag == _SDT and bool(_PLACEHOLDER(element))


def _paragraph(paragraph):
    kind, level = _style(paragraph)
    block = Block(kind=kind, level=level)
    _inline(paragraph._p, paragraph, block, href="")
    return block


def _inline(element, paragraph, block, href):
    """Add the runs under ``element`` (a paragraph or a wrapper inside one) to ``block``."""
    for child in element.iterchildren():
        if child.tag == _R:
            _run(Run(child, paragraph), block, href)
        elif child.tag == _HYPERLINK:
            _inline(child, paragraph, block, _address(child, paragraph) or href)
        elif child.tag in _INLINE_WRAPPERS and not _is_placeholder(child):
            _inline(child, paragraph, block, href)


def _address(element, paragraph):
    try:
        return Hyperlink(element, paragraph).address
    except KeyError:  # a relationship that the file does not have
        return ""


def _run(run, block, href):
    if run.font.hidden or (run.style is not None and run.style.font.hidden):
        return  # hidden text (Word's "Ausgeblendet"): the author did not mean it to be read
    bold = bool(run.bold) or (block.kind != HEADING and _style_is_bold(run))
    for number, part in enumerate(_run_text(run).split("\n")):
        if number:
            block.line_break()
        block.add(Segment(part.replace("\t", " "), is_bold=bold and block.kind != HEADING,
                          is_italic=bool(run.italic) and block.kind != HEADING, href=href))


def _run_text(run):
    """The run's text; a line break is "\\n", a page or column break a space."""
    parts = []
    for element in _RUN_TEXT(run.element):
        if element.tag == qn("w:br") and element.get(qn("w:type"), "textWrapping") != (
                "textWrapping"):
            parts.append(" ")
        else:
            parts.append(str(element))
    return "".join(parts)


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
