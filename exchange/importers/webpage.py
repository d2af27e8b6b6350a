"""Read a Medieninformation saved as HTML as the text parser's Markdown.

Uses the standard library's ``html.parser``: h1-h6 become headings, p, div,
li, td and the like paragraphs, ``<br>`` a line break, b/strong bold, i/em italic and
a[href] links. Scripts, styles, forms and navigation are dropped with their
content; everything else keeps its text (markup that the parser does not
know is read as text only). When the page has a ``<main>`` or ``<article>``,
only that is read, so a saved web page's menus stay out.

Word's "Save as web page" writes list items as paragraphs (class
``MsoListParagraph…``, or ``mso-list`` in the style) whose bullet is a
character in a ``mso-list:Ignore`` span, if not plain text: they become list
items without the bullet. A number ("1.", "a)") is kept as the item's text,
since the parser's lists have no numbers.
"""

import re
from html.parser import HTMLParser

from .blocks import HEADING, LIST_ITEM, PARAGRAPH, Block, Segment, to_markdown

_SKIPPED = {"script", "style", "noscript", "template", "nav", "form", "button", "select",
            "textarea", "svg", "math", "iframe", "object", "embed", "title", "aside"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "source", "col", "area", "base"}
_BLOCKS = {"p", "div", "section", "header", "footer", "address", "blockquote", "pre",
           "td", "th", "dt", "dd", "figcaption", "caption", "tr", "table", "ul", "ol",
           "dl", "body", "html", "center", "hr"}
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BOLD = {"b", "strong"}
_ITALIC = {"i", "em"}
_MAIN = {"main", "article"}

_WORD_LIST_CLASS = re.compile(r"^MsoList(?:Paragraph|Bullet|Number)", re.IGNORECASE)
_WORD_LIST_STYLE = re.compile(r"mso-list:\s*l\d", re.IGNORECASE)
_WORD_LIST_MARKER = re.compile(r"mso-list:\s*ignore", re.IGNORECASE)
_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?|[a-z][.)]|[ivxlc]+[.)])$", re.IGNORECASE)
# A bullet (Symbol "·", Wingdings "§" "Ø" "ü", Courier "o", ...) as the whole first
# text of a list paragraph, or before the item's text with spacing (letters and "§"
# only with non-breaking spaces, as Word writes them, so that "§ 5" stays).
_BULLET_ALONE = re.compile(r"^\s*[·•o§–\-▪■●◦○➢►Øü*]\s*$")
_BULLET_START = re.compile(r"^\s*(?:[·•–\-▪■●◦○➢►*]\s+|[o§Øü]\xa0+\s*)")


def _is_word_list_item(attributes):
    """A paragraph that Word wrote for a list item."""
    classes = (attributes.get("class") or "").split()
    return (any(_WORD_LIST_CLASS.match(name) for name in classes)
            or bool(_WORD_LIST_STYLE.search(attributes.get("style") or "")))


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []  # (block, inside main/article)
        self.block = Block()
        self.skip_depth = 0
        self.skipping = []
        self.bold = 0
        self.italic = 0
        self.links = []
        self.main = 0
        self.in_head = False
        self.identifier = ""
        self.spans = []  # per open <span>: is it a Word list marker (mso-list:Ignore)?
        self.marker = []  # the text of the list marker being read
        self.bullet_pending = False  # a Word list item whose bullet may still come as text

    def start_block(self, kind=PARAGRAPH, level=0):
        self.end_block()
        self.block = Block(kind=kind, level=level)

    def end_block(self):
        if not self.block.is_empty():
            self.blocks.append((self.block, self.main > 0))
        self.block = Block()
        self.spans, self.marker, self.bullet_pending = [], [], False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "canonical" in (attributes.get("rel") or "").lower().split():
            self.identifier = self.identifier or (attributes.get("href") or "").strip()
        if tag == "meta" and (attributes.get("name") or "").lower() in ("dc.identifier",
                                                                       "dcterms.identifier"):
            self.identifier = (attributes.get("content") or "").strip() or self.identifier
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            # A missing </head> must not hide the page.
            self.in_head = False
            self.skip_depth = 0
        if self.skip_depth:
            if tag in _SKIPPED:
                self.skip_depth += 1
            return
        if tag in _SKIPPED:
            self.skip_depth = 1
            return
        if tag in _MAIN:
            self.end_block()
            self.main += 1
        elif tag in _HEADINGS:
            self.start_block(HEADING, _HEADINGS[tag])
        elif tag == "li":
            self.start_block(LIST_ITEM)
        elif tag == "p" and _is_word_list_item(attributes):
            self.start_block(LIST_ITEM)
            self.bullet_pending = True
        elif tag == "span":
            self.spans.append(bool(_WORD_LIST_MARKER.search(attributes.get("style") or "")))
        elif tag in _BLOCKS:
            self.start_block()
        elif tag == "br":
            self.block.line_break()
        elif tag in _BOLD:
            self.bold += 1
        elif tag in _ITALIC:
            self.italic += 1
        elif tag == "a":
            self.links.append((attributes.get("href") or "").strip())

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if self.skip_depth:
            if tag in _SKIPPED:
                self.skip_depth -= 1
            return
        if tag in _MAIN:
            self.end_block()
            self.main = max(self.main - 1, 0)
        elif tag in _HEADINGS or tag == "li" or tag in _BLOCKS:
            self.end_block()
        elif tag in _BOLD:
            self.bold = max(self.bold - 1, 0)
        elif tag in _ITALIC:
            self.italic = max(self.italic - 1, 0)
        elif tag == "a" and self.links:
            self.links.pop()
        elif tag == "span" and self.spans:
            if self.spans.pop() and not any(self.spans):
                self.end_marker()

    def end_marker(self):
        """A list marker read: a number stays as the item's text, a bullet goes."""
        marker = "".join(self.marker).strip()
        self.marker = []
        self.bullet_pending = False
        if _NUMBER.match(marker):
            self.block.add(Segment(marker + " "))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self.skip_depth or self.in_head or not data:
            return
        if any(self.spans):
            self.marker.append(data)
            return
        if self.bullet_pending:
            data = self.without_bullet(data)
        href = next((link for link in reversed(self.links) if link), "")
        is_heading = self.block.kind == HEADING
        self.block.add(Segment(re.sub(r"\s+", " ", data), is_bold=self.bold > 0 and not is_heading,
                               is_italic=self.italic > 0 and not is_heading, href=href))


    def without_bullet(self, data):
        """``data`` without the bullet that opens a Word list item as plain text."""
        if not data.strip():
            return data
        self.bullet_pending = False
        if _BULLET_ALONE.match(data):
            return ""
        return _BULLET_START.sub("", data, count=1)


def html_markdown(text):
    """The HTML page ``text`` as Markdown; also its canonical address, if it names one."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    reader.end_block()
    blocks = reader.blocks
    if any(in_main for _block, in_main in blocks):
        blocks = [(block, in_main) for block, in_main in blocks if in_main]
    return to_markdown([block for block, _in_main in blocks]), reader.identifier
