"""Paragraphs of a DOCX or HTML document, written out as the text parser's Markdown.

DOCX and HTML readers reduce a document to :class:`Block` objects (headings,
paragraphs, list items, tables) made of :class:`Segment` runs (text, bold or not,
link or not). ``to_markdown`` writes them in the Markdown subset that
``document.parse_document`` reads, with every literal ``*``, ``_``, ``[``,
``]``, ``#`` and backslash escaped. So one parser finds letterhead, title,
body and footer in every format, and the result has one shape.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import quote

HEADING, PARAGRAPH, LIST_ITEM, TABLE = "heading", "paragraph", "item", "table"

_SPECIAL = re.compile(r"([\\*_\[\]])")
_WHITESPACE = re.compile(r"\s+")


@dataclass
class Segment:
    text: str
    is_bold: bool = False
    href: str = ""
    is_italic: bool = False


@dataclass
class Block:
    kind: str = PARAGRAPH
    level: int = 0
    lines: list[list[Segment]] = field(default_factory=lambda: [[]])
    #: A table's rows (kind TABLE): each a list of cells, each cell a list of segments.
    rows: list[list[list[Segment]]] = field(default_factory=list)

    def add(self, segment):
        self.lines[-1].append(segment)

    def line_break(self):
        self.lines.append([])

    def is_empty(self):
        return not any(segment.text.strip() for line in self.lines for segment in line)


def escape(text):
    text = _SPECIAL.sub(r"\\\1", text)
    # A literal "#" or "-" opening a line would read as a heading or a list.
    return re.sub(r"^([#+-])", r"\\\1", text)


def _link_target(href):
    return quote(href.strip(), safe=":/?#@!$&'*+,;=%~.-_")


def _line(segments):
    """One line of Markdown: runs of the same format merged, spaces kept outside ``**``."""
    merged = []
    for segment in segments:
        text = _WHITESPACE.sub(" ", segment.text)
        if not text:
            continue
        key = (segment.is_bold, segment.is_italic and not segment.is_bold, segment.href)
        if merged and merged[-1][0] == key:
            merged[-1][1] += text
        else:
            merged.append([key, text])
    out = []
    for (is_bold, is_italic, href), text in merged:
        stripped = text.strip()
        if not stripped:
            out.append(" ")
            continue
        body = escape(stripped)
        if href:
            body = f"[{body}]({_link_target(href)})"
        if is_bold:
            body = f"**{body}**"
        elif is_italic:
            body = f"*{body}*"
        out.append(text[:len(text) - len(text.lstrip())] and " ")
        out.append(body)
        out.append(text[len(text.rstrip()):] and " ")
    line = "".join(out).strip()
    return re.sub(r" {2,}", " ", line)


def _table(block):
    """A table as Markdown: its first row the head, a rule, then the other rows."""
    width = max(len(row) for row in block.rows)
    lines = []
    for row in block.rows:
        cells = [_line(cell).replace("|", "\\|") for cell in row]
        lines.append("| " + " | ".join(cells + [""] * (width - len(cells))) + " |")
    lines.insert(1, "|" + "---|" * width)
    return "\n".join(lines)


def to_markdown(blocks):
    """The document as Markdown text for ``document.parse_document``."""
    paragraphs = []
    items = []
    for block in blocks:
        if block.kind == TABLE:
            if items:
                paragraphs.append("\n".join(items))
                items = []
            paragraphs.append(_table(block))
            continue
        lines = [line for line in (_line(segments) for segments in block.lines) if line]
        if not lines:
            continue
        if block.kind == LIST_ITEM:
            items.append("- " + " ".join(lines))
            continue
        if items:
            paragraphs.append("\n".join(items))
            items = []
        if block.kind == HEADING:
            paragraphs.append("#" * min(max(block.level, 1), 6) + " " + " ".join(lines))
        else:
            # Two trailing spaces: a hard line break, as in the seed's letterhead.
            paragraphs.append("  \n".join(lines))
    if items:
        paragraphs.append("\n".join(items))
    return "\n\n".join(paragraphs) + "\n"
